/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Whole-program libFuzzer harness: the input is the $MFT region of a small NTFS volume. The harness lays
 * it into an in-memory volume (image_open_memory) with a boot sector of fixed geometry (512-byte
 * sectors, 4 KiB clusters, 1 KiB records, $MFT at cluster 4, $MFTMirr at cluster 1 holding a copy of the
 * input's first 4 records, the backup boot sector in the last sector) and runs what ntfslinks runs: the
 * scan, the paths and name index, link collection and resolution, --du, and every writer (JSON, text,
 * dot) into a memory stream. When the input starts with "FILE" it is analysed a second time as an
 * extracted $MFT (that image is the input itself, so a read past it is an ASan error), with bodyfile
 * times, --du and the NDJSON, bodyfile and text writers. Everything is freed (LeakSanitizer checks).
 *
 * Invariants (trap when broken): an analysis that fails says why; a writer writing to memory does not
 * fail; every JSON report parses, every NDJSON line parses. FUZZ_ANALYSIS_DUMP=1 (replay) copies what the
 * writers wrote to standard error.
 */
#define _GNU_SOURCE
#include "config.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "image.h"
#include "report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_SECTOR 512u
#define FZ_CLUSTER 4096u
#define FZ_MFT_LCN 4u
#define FZ_MIRR_LCN 1u
#define FZ_MAX_INPUT (2u << 20)   /* larger inputs are skipped: fuzzing wants small, fast cases */

/* Stores v little-endian in n bytes at p. */
static void fz_put(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Writes the NTFS boot sector of a volume of total_sectors sectors (fixed geometry, see above). */
static void fz_boot_sector(uint8_t *b, uint64_t total_sectors)
{
	memset(b, 0, FZ_SECTOR);
	b[0] = 0xEB, b[1] = 0x52, b[2] = 0x90;
	memcpy(b + 3, "NTFS    ", 8);
	fz_put(b + 0x0B, FZ_SECTOR, 2);
	b[0x0D] = FZ_CLUSTER / FZ_SECTOR;
	b[0x15] = 0xF8;
	fz_put(b + 0x18, 63, 2);
	fz_put(b + 0x1A, 255, 2);
	b[0x24] = 0x80;
	b[0x26] = 0x80;
	fz_put(b + 0x28, total_sectors, 8);
	fz_put(b + 0x30, FZ_MFT_LCN, 8);
	fz_put(b + 0x38, FZ_MIRR_LCN, 8);
	b[0x40] = 0xF6;   /* records of 2^10 bytes */
	b[0x44] = 0x01;   /* index blocks of one cluster */
	fz_put(b + 0x48, 0x1234567890ABCDEFull, 8);
	b[0x1FE] = 0x55, b[0x1FF] = 0xAA;
}

/* Lays the input into a volume: boot sector, mirror, $MFT region, a spare cluster, backup boot sector.
 * Returns a malloc'd buffer of exactly *len bytes. */
static uint8_t *fz_volume(const uint8_t *data, size_t size, size_t *len)
{
	size_t mft = (size_t)FZ_MFT_LCN * FZ_CLUSTER;
	size_t n = mft + (size + FZ_CLUSTER - 1) / FZ_CLUSTER * FZ_CLUSTER + FZ_CLUSTER;
	uint8_t *v = calloc(1, n);
	if (!v)
		return NULL;
	fz_boot_sector(v, n / FZ_SECTOR - 1);
	memcpy(v + n - FZ_SECTOR, v, FZ_SECTOR);
	memcpy(v + (size_t)FZ_MIRR_LCN * FZ_CLUSTER, data, size < FZ_CLUSTER ? size : FZ_CLUSTER);
	memcpy(v + mft, data, size);
	*len = n;
	return v;
}

/* Traps unless buf[0..len) is one JSON document (ndjson false) or JSON lines (true). */
static void fz_check_json(const char *buf, size_t len, bool ndjson)
{
	json_error_t je;
	if (!ndjson) {
		json_t *j = json_loadb(buf, len, 0, &je);
		if (!j)
			__builtin_trap();
		json_decref(j);
		return;
	}
	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) : len;
		json_t *j = json_loadb(buf + pos, end - pos, 0, &je);
		if (!j)
			__builtin_trap();
		json_decref(j);
		pos = end + 1;
	}
}

/* Writes the report of a in format fmt into a memory stream; traps when the writer fails; checks JSON. */
static void fz_write(const analysis *a, report_format fmt, int threads)
{
	char *argv[] = {"ntfslinks", "(memory)", NULL};
	report_config rc = {.format = fmt, .drive_prefix = fmt == REPORT_BODYFILE ? "C:" : NULL, .threads = threads,
			    .argc = 2, .argv = argv};
	char *buf = NULL;
	size_t len = 0;
	ntfs_error err;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return;
	ntfs_status st = report_write(a, &rc, f, &err);
	if (fclose(f) != 0) {
		free(buf);
		return;   /* out of memory in the stream: not the writer's fault */
	}
	if (st != NTFS_OK && st != NTFS_E_NOMEM)
		__builtin_trap();
	if (st == NTFS_OK && (fmt == REPORT_JSON || fmt == REPORT_NDJSON))
		fz_check_json(buf, len, fmt == REPORT_NDJSON);
	if (getenv("FUZZ_ANALYSIS_DUMP")) /* replaying by hand: see what the writers wrote */
		fwrite(buf, 1, len, stderr);
	free(buf);
}

/* One whole analysis of img (taken over) as cfg asks, then the report in each format of fmts (ends at -1). */
static void fz_analyse(image *img, const analysis_config *cfg, const int *fmts)
{
	analysis a;
	ntfs_error err;
	err.reason[0] = '\0';
	ntfs_status st = analysis_run_image(&a, cfg, img, NULL, NULL, &err);
	if (st != NTFS_OK) {
		if (!err.reason[0])
			__builtin_trap();   /* a failure without a reason */
	} else {
		for (int i = 0; fmts[i] >= 0; i++)
			fz_write(&a, (report_format)fmts[i], cfg->threads);
	}
	analysis_free(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1024 || size > FZ_MAX_INPUT)
		return 0;
	/* what `ntfslinks --du --drive C=0 --threads 2` asks for */
	analysis_config cfg = {.image = "(memory)", .partition = -1, .drives = {{'C', 0}}, .drive_count = 1,
			       .threads = 2, .du = true, .du_depth = 1};
	size_t len = 0;
	uint8_t *vol = fz_volume(data, size, &len);
	image *img = NULL;
	ntfs_error err;
	if (vol && image_open_memory(vol, len, &img, &err) == NTFS_OK) {
		const int fmts[] = {REPORT_JSON, REPORT_TEXT, REPORT_DOT, -1};
		fz_analyse(img, &cfg, fmts);
	}
	free(vol);
	if (memcmp(data, "FILE", 4) == 0 && image_open_memory(data, size, &img, &err) == NTFS_OK) {
		/* the extracted $MFT as `--format bodyfile --du --threads 1` sees it, and its NDJSON and text */
		const int fmts[] = {REPORT_BODYFILE, REPORT_NDJSON, REPORT_TEXT, -1};
		cfg.threads = 1;
		cfg.want_si_times = true;
		cfg.want_streams = true;
		fz_analyse(img, &cfg, fmts);
	}
	return 0;
}
