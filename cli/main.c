/* SPDX-License-Identifier: Apache-2.0 */
/* ntfslinks: command-line entry point. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "analysis.h"
#include "baseline_file.h"
#include "guard.h"
#include "options.h"
#include "profile.h"
#include "report.h"
#include "report_hash.h"

/* Exit statuses (README "Exit status", ntfslinks.1, --help). */
enum {
	EXIT_COMPLETE = 0,   /* every selected volume read in full, whatever it holds */
	EXIT_USAGE = 1,      /* bad options, or a report destination that must not or cannot be written */
	EXIT_UNREADABLE = 2, /* the image cannot be read, holds no NTFS volume, or the report could not be written */
	EXIT_PARTIAL = 3,    /* a report was written, but some records or volumes were not read (or Ctrl-C) */
};

/* Set by the SIGINT handler (on whichever thread the signal lands), read by the scan's progress callback on
 * whichever thread merges: a volatile sig_atomic_t is safe only within one thread, a lock-free atomic in both
 * (C11 7.14.1.1). */
static atomic_int interrupted;
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "the SIGINT flag must be lock-free to be set in a signal handler");

/* First Ctrl-C: stop the scan at the next chunk and write what was found (exit 3); a second one kills. */
static void on_sigint(int sig)
{
	atomic_store(&interrupted, 1);
	signal(sig, SIG_DFL);
}

/* What the progress line needs between calls. */
typedef struct {
	bool show;                /* standard error is a terminal and not --quiet */
	struct timespec start, last;
	const model *m;           /* the volume being scanned */
	bool drawn;
} progress_state;

/* Seconds between two clock readings. */
static double seconds(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* Erases the progress line so the summary starts on a clean line. */
static void progress_erase(progress_state *ps)
{
	if (ps->drawn)
		fputs("\r\033[K", stderr);
	ps->drawn = false;
}

/* Scan callback: redraws the progress line at most 10 times a second; stops on Ctrl-C. */
static int on_progress(void *ctx, const model *m, uint64_t done, uint64_t total)
{
	progress_state *ps = ctx;
	if (atomic_load(&interrupted))
		return 1;
	if (!ps->show)
		return 0;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (ps->m != m) { /* a new volume: its own clock */
		ps->m = m;
		ps->start = now;
	}
	if (done < total && ps->drawn && seconds(&ps->last, &now) < 0.1)
		return 0;
	ps->last = now;
	double el = seconds(&ps->start, &now), rate = el > 0 ? (double)done / el : 0;
	double mbs = rate * m->vol->record_size / 1e6, left = rate > 0 ? (double)(total - done) / rate : 0;
	fprintf(stderr, "\r\033[Kntfslinks: volume %d: %llu of %llu records (%.0f%%), %.0f MB/s, %.1f s elapsed, %.1f s left",
		m->volume_index, (unsigned long long)done, (unsigned long long)total, total ? 100.0 * (double)done / (double)total : 100.0,
		mbs, el, left);
	ps->drawn = true;
	return 0;
}

/* What the engine is asked for: the image, the volumes, the threads, and what the chosen view needs collected. */
static analysis_config analysis_config_of(const options *o)
{
	analysis_config c = {.image = o->image, .have_offset = o->have_offset, .offset = o->offset,
			     .partition = o->partition, .drive_count = o->drive_count, .threads = o->threads,
			     .want_si_times = o->format == REPORT_BODYFILE || o->format == REPORT_TIMESKETCH || o->format == REPORT_CSV,
			     .want_streams = o->format == REPORT_BODYFILE, .du = o->du, .du_path = o->du_path,
			     .du_depth = o->du_depth, .usn_file = o->usn_file, .no_baseline = o->no_baseline,
			     .no_vss = o->no_vss, .vss_full = o->vss_full};
	for (int i = 0; i < o->drive_count; i++)
		c.drives[i] = o->drives[i];
	return c;
}

/* The text view's width: COLUMNS when it is a positive number, else the terminal's when the report goes to a
 * terminal on standard output, else 0 (the view's default, 100). */
static int text_width_of(const options *o)
{
	const char *env = getenv("COLUMNS");
	if (env && *env) {
		char *end;
		long n = strtol(env, &end, 10);
		if (!*end && n > 0 && n < INT_MAX)
			return (int)n;
	}
	struct winsize ws;
	if (!o->output && isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 0;
}

/* How the report is written: the format and what only the writers need. */
static report_config report_config_of(const options *o, int argc, char **argv)
{
	return (report_config){.format = o->format, .drive_prefix = o->drive_prefix, .threads = o->threads,
			       .argc = argc, .argv = argv, .only = o->only, .text_width = text_width_of(o),
			       .text_all = o->all, .graph_all = o->graph_all,
			       .graph_nodes = o->graph_nodes};
}

/* Where the report goes, opened before the scan so that a destination that must not or cannot be written is
 * a usage error at once, not after the scan. */
typedef struct {
	const char *path;         /* -o FILE; NULL: standard output */
	FILE *f;
	bool created;             /* the file did not exist: removed again when no report is written */
} destination;

/* Opens -o path for writing without truncating it (that waits for the report), after checking what it names
 * against the evidence (guard.h). Returns 0, or -1 with the reason in msg. */
static int destination_open_file(destination *d, const image *img, char *msg, size_t cap)
{
	char what[64 + PATH_MAX];
	snprintf(what, sizeof(what), "-o %s", d->path);
	struct stat st;
	if (stat(d->path, &st) == 0) { /* before open(): a block device or a tape must not even be opened */
		if (!guard_destination(&st, false, img, what, msg, cap))
			return -1;
		if (S_ISDIR(st.st_mode)) {
			snprintf(msg, cap, "cannot write the report to %s: is a directory", d->path);
			return -1;
		}
	}
	int fd = open(d->path, O_WRONLY | O_CREAT | O_EXCL | O_NOCTTY | O_CLOEXEC, 0666);
	d->created = fd >= 0;
	if (fd < 0 && errno == EEXIST)
		fd = open(d->path, O_WRONLY | O_CREAT | O_NOCTTY | O_CLOEXEC, 0666);
	if (fd < 0) {
		snprintf(msg, cap, "cannot write the report to %s: %s", d->path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !guard_destination(&st, isatty(fd), img, what, msg, cap) || !(d->f = fdopen(fd, "w"))) {
		if (!msg[0])
			snprintf(msg, cap, "cannot write the report to %s: %s", d->path, strerror(errno));
		close(fd);
		if (d->created)
			unlink(d->path);
		return -1;
	}
	return 0;
}

/* Opens the report's destination and checks it against every segment of the image; 0, or -1 with msg. */
static int destination_open(destination *d, const char *path, const image *img, char *msg, size_t cap)
{
	*d = (destination){.path = path};
	msg[0] = '\0';
	if (path)
		return destination_open_file(d, img, msg, cap);
	struct stat st; /* ntfslinks img >> img: the shell opened the evidence as standard output */
	if (fstat(STDOUT_FILENO, &st) == 0 && !guard_destination(&st, isatty(STDOUT_FILENO), img, "standard output", msg, cap))
		return -1;
	d->f = stdout;
	return 0;
}

/* Empties an existing regular file just before the report is written into it (what fopen "w" did). */
static ntfs_status destination_begin(destination *d, ntfs_error *err)
{
	struct stat st;
	if (d->path && !d->created && fstat(fileno(d->f), &st) == 0 && S_ISREG(st.st_mode) && ftruncate(fileno(d->f), 0) != 0)
		return ntfs_error_set(err, NTFS_E_IO, "cannot write the report to %s: %s", d->path, strerror(errno));
	return NTFS_OK;
}

/* Closes the destination; a file this run created is removed when no report went into it (written false). */
static ntfs_status destination_close(destination *d, bool written, ntfs_error *err)
{
	if (!d->path)
		return NTFS_OK;
	ntfs_status st = NTFS_OK;
	if (fclose(d->f) != 0 && written)
		st = ntfs_error_set(err, NTFS_E_IO, "closing %s: %s", d->path, strerror(errno));
	if (!written && d->created)
		unlink(d->path);
	return st;
}

/* Prints the per-volume counts to stderr so a person sees at once what was found. */
static void print_summary(const analysis *a)
{
	for (size_t v = 0; v < analysis_volume_count(a); v++) {
		const analysis_volume *va = analysis_volume_at(a, v);
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
			va->m->partial ? " (partial scan)" : "");
	}
}

/* --usn FILE must be a readable regular file, and not where the report goes (it is evidence too); 0 or -1
 * with the reason in msg. */
static int usn_file_check(const char *usn, const destination *d, char *msg, size_t cap)
{
	struct stat us, ds;
	if (!usn)
		return 0;
	if (stat(usn, &us) != 0 || access(usn, R_OK) != 0) {
		snprintf(msg, cap, "--usn %s: %s", usn, strerror(errno));
		return -1;
	}
	if (!S_ISREG(us.st_mode)) {
		snprintf(msg, cap, "--usn %s: not a regular file (give an extracted $UsnJrnl:$J)", usn);
		return -1;
	}
	if (fstat(fileno(d->f), &ds) == 0 && ds.st_dev == us.st_dev && ds.st_ino == us.st_ino) {
		snprintf(msg, cap, "the report would overwrite the journal it reads (--usn %s)", usn);
		return -1;
	}
	return 0;
}

/* --verify: hashes the E01 media and says on stderr how it compares with the stored hashes (a mismatch
 * always, even with -q). Returns 0 to go on, else the exit status (1: not an E01, 2: a read error). */
static int verify_evidence(image *img, bool quiet)
{
	ntfs_error err = {0};
	if (image_get_format(img) != IMAGE_FORMAT_EWF) {
		fprintf(stderr, "ntfslinks: --verify checks an E01 against the hashes it stores; %s is %s, which stores "
			"none\n", image_path(img), image_format_name(image_get_format(img)));
		return EXIT_USAGE;
	}
	if (image_ewf_verify(img, &err) != NTFS_OK) {
		fprintf(stderr, "ntfslinks: --verify: %s\n", err.reason);
		return EXIT_UNREADABLE;
	}
	const image_ewf_info *e = image_ewf(img);
	if (e->verified == IMAGE_EWF_MISMATCH)
		fprintf(stderr, "ntfslinks: warning: the E01 media does not match its stored hashes (MD5 stored %s, "
			"computed %s; SHA1 stored %s, computed %s)\n", e->stored_md5 ? e->stored_md5 : "none",
			e->computed_md5, e->stored_sha1 ? e->stored_sha1 : "none", e->computed_sha1);
	else if (!quiet && e->verified == IMAGE_EWF_NO_STORED_HASH)
		fprintf(stderr, "ntfslinks: the E01 stores no hash to verify against (MD5 %s, SHA1 %s computed)\n",
			e->computed_md5, e->computed_sha1);
	else if (!quiet)
		fprintf(stderr, "ntfslinks: E01 media verified: %s%s%s match the stored hashes\n",
			e->stored_md5 ? "MD5" : "", e->stored_md5 && e->stored_sha1 ? " and " : "",
			e->stored_sha1 ? "SHA1" : "");
	return 0;
}

/* Writes the report to the destination; an HTML report through a stream that hashes it, its SHA-256 into
 * digest (left "" for the other formats). */
static ntfs_status write_report(const analysis *a, const report_config *rc, destination *d, char digest[65],
				ntfs_error *err)
{
	if (rc->format != REPORT_HTML)
		return report_write(a, rc, d->f, err);
	report_hash *h;
	FILE *hf = report_hash_open(d->f, &h);
	if (!hf)
		return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory");
	ntfs_status st = report_write(a, rc, hf, err);
	if (report_hash_close(hf, h, digest) && st == NTFS_OK)
		st = ntfs_error_set(err, NTFS_E_IO, "writing the report failed");
	return st;
}

/* Says the report's SHA-256 on standard error and, when -o named a regular file, writes it beside the
 * report as FILE.sha256 in sha256sum's format (digest, two spaces, the report's file name), checked against
 * the evidence like the report itself. */
static ntfs_status write_digest(const char *path, const image *img, const char *digest, ntfs_error *err)
{
	struct stat st;
	fprintf(stderr, "ntfslinks: report SHA-256 %s %s\n", digest, path ? path : "(standard output)");
	if (!path || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return NTFS_OK;
	size_t n = strlen(path);
	char *side = malloc(n + sizeof(".sha256")), why[512 + PATH_MAX];
	if (!side)
		return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory");
	memcpy(side, path, n);
	memcpy(side + n, ".sha256", sizeof(".sha256"));
	destination d = {.path = side};
	const char *base = strrchr(path, '/');
	ntfs_status s = NTFS_OK;
	if (destination_open_file(&d, img, why, sizeof(why)))
		s = ntfs_error_set(err, NTFS_E_IO, "%s", why);
	else {
		s = destination_begin(&d, err);
		if (s == NTFS_OK && fprintf(d.f, "%s  %s\n", digest, base ? base + 1 : path) < 0)
			s = ntfs_error_set(err, NTFS_E_IO, "writing %s failed", side);
		ntfs_status c = destination_close(&d, s == NTFS_OK, err);
		if (s == NTFS_OK)
			s = c;
	}
	free(side);
	return s;
}

static int run(options *o, const findings_baseline *site, int argc, char **argv);

int main(int argc, char **argv)
{
	options opts;
	char msg[256];

	if (options_parse(argc, argv, &opts, msg, sizeof(msg))) {
		fprintf(stderr, "ntfslinks: %s\nTry 'ntfslinks --help' for more information.\n", msg);
		return EXIT_USAGE;
	}
	if (opts.help) {
		options_usage(stdout);
		return EXIT_COMPLETE;
	}
	if (opts.version) {
		printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
		return EXIT_COMPLETE;
	}
	/* a site's baseline: a mistake in it is a usage error before anything is opened */
	findings_baseline site;
	bool have_site = false;
	if (opts.baseline) {
		char bmsg[1024];
		if (baseline_file_load(opts.baseline, &site, bmsg, sizeof(bmsg))) {
			fprintf(stderr, "ntfslinks: %s\n", bmsg);
			return EXIT_USAGE;
		}
		have_site = true;
	}
	int rc = run(&opts, have_site ? &site : NULL, argc, argv);
	if (have_site)
		findings_baseline_free(&site);
	return rc;
}

/* The run after the options: image, destination, analysis, report; returns the exit status. */
static int run(options *o, const findings_baseline *site, int argc, char **argv)
{
	options opts = *o;
	analysis a;
	ntfs_error err;
	/* the image first (its headers only): its segments say where the report must not go, and a destination
	   that must not or cannot be written is a usage error before the scan starts */
	image *img;
	profile_count(0); /* NTFSLINKS_PROFILE: the clocks start here */
	if (image_open(opts.image, &img, &err) != NTFS_OK) {
		fprintf(stderr, "ntfslinks: %s\n", err.reason);
		return EXIT_UNREADABLE;
	}
	profile_mark("image open");
	destination dest;
	char why[512 + PATH_MAX];
	if (destination_open(&dest, opts.output, img, why, sizeof(why))) {
		fprintf(stderr, "ntfslinks: %s\n", why);
		image_close(img);
		return EXIT_USAGE;
	}
	if (usn_file_check(opts.usn_file, &dest, why, sizeof(why))) {
		fprintf(stderr, "ntfslinks: %s\n", why);
		destination_close(&dest, false, &err);
		image_close(img);
		return EXIT_USAGE;
	}
	int vst = opts.verify ? verify_evidence(img, opts.quiet) : 0;
	if (vst) {
		destination_close(&dest, false, &err);
		image_close(img);
		return vst;
	}
	/* people at a terminal get the summary; pipelines and files keep JSON */
	if (!opts.format_given && !opts.output && isatty(STDOUT_FILENO))
		opts.format = REPORT_TEXT;
	progress_state ps = {.show = !opts.quiet && isatty(STDERR_FILENO)};
	clock_gettime(CLOCK_MONOTONIC, &ps.start);
	struct sigaction old_int;
	if (sigaction(SIGINT, NULL, &old_int) != 0 || old_int.sa_handler != SIG_IGN) /* a background job keeps ignoring it */
		signal(SIGINT, on_sigint);
	analysis_config ac = analysis_config_of(&opts);
	ac.baseline = site;
	ntfs_status st = analysis_run_image(&a, &ac, img, on_progress, &ps, &err);
	progress_erase(&ps);
	if (st != NTFS_OK) {
		fprintf(stderr, "ntfslinks: %s\n", err.reason);
		destination_close(&dest, false, &err);
		bool usage = a.selection_error;
		analysis_free(&a);
		return usage ? EXIT_USAGE : EXIT_UNREADABLE;
	}
	report_config rc = report_config_of(&opts, argc, argv);
	st = destination_begin(&dest, &err);
	char digest[65] = "";
	if (st == NTFS_OK)
		st = write_report(&a, &rc, &dest, digest, &err);
	ntfs_status cst = destination_close(&dest, st == NTFS_OK, &err);
	profile_mark("report");
	if (st == NTFS_OK)
		st = cst;
	if (st == NTFS_OK && digest[0]) /* even under --quiet: what the copy handed over is checked against */
		st = write_digest(dest.path, a.img, digest, &err);
	if (st != NTFS_OK)
		fprintf(stderr, "ntfslinks: %s\n", err.reason);
	else if (!opts.quiet && !(opts.format == REPORT_TEXT && !opts.output)) /* the text view already says it all */
		print_summary(&a);
	/* one line, even under --quiet: batch users read the exit status, people read this. A Ctrl-C that came
	   after the last record was read stopped nothing: the report is complete. */
	bool partial = a.partial;
	if (st == NTFS_OK && partial && atomic_load(&interrupted))
		fprintf(stderr, "ntfslinks: warning: partial scan: interrupted, the report covers the records scanned so far "
				"(see anomalies)\n");
	else if (st == NTFS_OK && partial)
		fprintf(stderr, "ntfslinks: warning: partial scan: some volumes or records could not be read (see anomalies)\n");
	analysis_free(&a);
	profile_mark("free");
	if (st != NTFS_OK)
		return EXIT_UNREADABLE;
	return partial ? EXIT_PARTIAL : EXIT_COMPLETE;
}
