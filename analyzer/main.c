/* SPDX-License-Identifier: Apache-2.0 */
/* ntfslinks: command-line entry point. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analysis.h"
#include "options.h"
#include "report.h"

/* True when path names the same file as one of the image's segments (the report must never overwrite evidence). */
static bool is_image_file(const analysis *a, const char *path)
{
	struct stat out, seg;
	if (stat(path, &out) != 0)
		return false;
	for (size_t i = 0; i < image_segment_count(a->img); i++)
		if (stat(image_segment(a->img, i), &seg) == 0 && seg.st_dev == out.st_dev && seg.st_ino == out.st_ino)
			return true;
	return false;
}

/* Prints the per-volume counts to stderr so a person sees at once what was found. */
static void print_summary(const analysis *a)
{
	for (size_t v = 0; v < a->nvols; v++) {
		const vol_analysis *va = &a->vols[v];
		if (!va->selected)
			continue;
		if (!va->scanned) {
			fprintf(stderr, "ntfslinks: volume %d at byte %llu not scanned: %s\n", va->index,
				(unsigned long long)va->part.offset, va->error);
			continue;
		}
		const volume_stats *s = &va->stats;
		char drive[16] = "";
		if (va->drive)
			snprintf(drive, sizeof(drive), " (%c:)", va->drive);
		fprintf(stderr,
			"ntfslinks: volume %d at byte %llu%s: %llu records in use, %llu hard-link sets, %llu reparse points, "
			"%llu stale links, %llu anomalies%s\n",
			va->index, (unsigned long long)va->part.offset, drive, (unsigned long long)s->records_in_use,
			(unsigned long long)s->hardlink_sets, (unsigned long long)s->reparse_points,
			(unsigned long long)s->stale_links, (unsigned long long)s->anomalies,
			va->m.partial ? " (partial scan)" : "");
	}
}

int main(int argc, char **argv)
{
	options opts;
	analysis a;
	ntfs_error err;
	char msg[256];

	if (options_parse(argc, argv, &opts, msg, sizeof(msg))) {
		fprintf(stderr, "ntfslinks: %s\nTry 'ntfslinks --help' for more information.\n", msg);
		return 1;
	}
	if (opts.help) {
		options_usage(stdout);
		return 0;
	}
	if (opts.version) {
		printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
		return 0;
	}
	ntfs_status st = analysis_run(&a, &opts, NULL, NULL, &err);
	if (st != NTFS_OK) {
		fprintf(stderr, "ntfslinks: %s\n", err.reason);
		analysis_free(&a);
		return st == NTFS_E_RANGE && opts.partition >= 0 ? 1 : 2;
	}
	FILE *out = stdout;
	if (opts.output) {
		if (is_image_file(&a, opts.output)) {
			fprintf(stderr, "ntfslinks: refusing to write the report over the image file %s\n", opts.output);
			analysis_free(&a);
			return 1;
		}
		out = fopen(opts.output, "w");
		if (!out) {
			fprintf(stderr, "ntfslinks: cannot write %s: %s\n", opts.output, strerror(errno));
			analysis_free(&a);
			return 2;
		}
	}
	st = report_write(&a, out, argc, argv, &err);
	if (out != stdout && fclose(out) != 0 && st == NTFS_OK)
		st = ntfs_error_set(&err, NTFS_E_IO, "closing %s: %s", opts.output, strerror(errno));
	if (st != NTFS_OK)
		fprintf(stderr, "ntfslinks: %s\n", err.reason);
	else if (!opts.quiet) {
		print_summary(&a);
		if (a.partial)
			fprintf(stderr, "ntfslinks: warning: partial scan: some volumes or records could not be read (see anomalies)\n");
	}
	analysis_free(&a);
	return st == NTFS_OK ? 0 : 2;
}
