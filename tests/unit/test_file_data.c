/* SPDX-License-Identifier: Apache-2.0 */
/*
 * File content (analyzer/file_data.c) on fixtures/content.raw, built by ntfs-3g (fixtures/build.sh
 * build_content): every file's bytes from the generators the build used, and The Sleuth Kit's icat as
 * an independent reader of the same streams.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file_data.h"
#include "fixture_volume.h"
#include "name_index.h"
#include "paths.h"

static fixture_volume fx;

/* Unpacks the fixture into a sparse temporary file, opens and scans it. */
static void setup(void)
{
	fixture_volume_open(&fx, "content.raw.gz", 0, 0);
}

/* Closes what setup opened and removes the unpacked image. */
static void teardown(void)
{
	fixture_volume_close(&fx);
}

TestSuite(file_data, .init = setup, .fini = teardown);

/* The record of the allocated file `name` in directory `dir` (a volume path). */
static uint32_t find(const char *dir, const char *name)
{
	uint32_t d = name_index_dir(&fx.ix, dir), hit;
	cr_assert_neq(d, MODEL_NONE, "no directory %s", dir);
	cr_assert_eq(name_index_find(&fx.ix, d, name, strlen(name), &hit, 1), 1, "no %s in %s", name, dir);
	return model_name(&fx.m, hit)->owner;
}

/* build.sh's pattern(): xorshift32 words from seed, little-endian, n bytes into buf. */
static void pattern(uint8_t *buf, size_t n, uint32_t x)
{
	for (size_t i = 0; i < n; i += 4) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		for (size_t k = 0; k < 4 && i + k < n; k++)
			buf[i + k] = (uint8_t)(x >> (8 * k));
	}
}

/* build.sh's text(): numbered lines from `first`, n bytes (the last line may be cut) into buf. */
static void text(uint8_t *buf, size_t n, int first)
{
	size_t w = 0;
	for (int i = first; w < n; i++) {
		char line[96];
		size_t k = (size_t)snprintf(line, sizeof(line), "line %d of some compressible text, the quick brown fox\n", i);
		memcpy(buf + w, line, k < n - w ? k : n - w);
		w += k < n - w ? k : n - w;
	}
}

/* Reads a whole stream, asserting success. */
static file_data must_read(uint32_t rec, const char *stream)
{
	file_data fd;
	ntfs_error e;
	cr_assert_eq(file_data_read(fx.vol, rec, stream, 64u << 20, 0, &fd, &e), NTFS_OK, "record %u: %s", rec, e.reason);
	return fd;
}

/* Asserts fd holds exactly want[0, n). */
static void assert_bytes(const file_data *fd, const uint8_t *want, size_t n, const char *what)
{
	cr_assert_eq(fd->len, n, "%s: %zu bytes, expected %zu", what, fd->len, n);
	for (size_t i = 0; i < n; i++)
		if (fd->data[i] != want[i])
			cr_assert_fail("%s: byte %zu is 0x%02x, expected 0x%02x", what, i, fd->data[i], want[i]);
}

Test(file_data, resident)
{
	file_data fd = must_read(find("\\", "resident.txt"), NULL);
	cr_assert(fd.resident);
	assert_bytes(&fd, (const uint8_t *)"resident content\n", 17, "resident.txt");
	file_data_free(&fd);
	fd = must_read(find("\\compressed", "small.txt"), NULL);
	cr_assert(fd.resident);
	assert_bytes(&fd, (const uint8_t *)"small and resident\n", 19, "small.txt");
	file_data_free(&fd);
}

Test(file_data, non_resident_and_sparse)
{
	static uint8_t want[1064960];
	file_data fd = must_read(find("\\", "plain.bin"), NULL);
	cr_assert(!fd.resident && !fd.sparse && !fd.compressed);
	pattern(want, 100000, 1);
	assert_bytes(&fd, want, 100000, "plain.bin");
	file_data_free(&fd);

	fd = must_read(find("\\", "sparse.bin"), NULL);
	cr_assert(fd.sparse);
	memset(want, 0, sizeof(want));
	pattern(want, 16384, 2);
	pattern(want + 1048576, 16384, 3);
	assert_bytes(&fd, want, sizeof(want), "sparse.bin");
	file_data_free(&fd);
}

Test(file_data, lznt1_compressed)
{
	static uint8_t want[328680];
	file_data fd = must_read(find("\\compressed", "text.txt"), NULL);
	cr_assert(fd.compressed);
	text(want, 226890, 0);
	assert_bytes(&fd, want, 226890, "text.txt");
	file_data_free(&fd);

	/* 64,800 bytes of text, 64 KiB of noise (a unit stored as is), a hole, 1,000 bytes at 327,680 */
	fd = must_read(find("\\compressed", "mixed.bin"), NULL);
	cr_assert(fd.compressed);
	memset(want, 0, sizeof(want));
	text(want, 64800, 0);
	pattern(want + 64800, 65536, 4);
	pattern(want + 327680, 1000, 5);
	assert_bytes(&fd, want, sizeof(want), "mixed.bin");
	file_data_free(&fd);
}

Test(file_data, fragments_and_attribute_list)
{
	static uint8_t want[4907024];
	file_data fd = must_read(find("\\", "frag.bin"), NULL);
	text(want, 1728890, 0);
	assert_bytes(&fd, want, 1728890, "frag.bin");
	file_data_free(&fd);

	/* 600 islands at k * 8 KiB; its runs continue in extension records (istat: an $ATTRIBUTE_LIST) */
	uint32_t rec = find("\\", "islands.bin");
	cr_assert(fx.m.recs[rec].flags & REC_HAS_ATTR_LIST);
	fd = must_read(rec, NULL);
	memset(want, 0, sizeof(want));
	for (int k = 0; k < 600; k++) {
		char s[17];
		snprintf(s, sizeof(s), "island %08d\n", k);
		memcpy(want + (size_t)k * 8192, s, 16);
	}
	assert_bytes(&fd, want, 599 * 8192 + 16, "islands.bin");
	file_data_free(&fd);
}

Test(file_data, named_stream)
{
	uint32_t rec = find("\\", "ads.txt");
	file_data fd = must_read(rec, NULL);
	assert_bytes(&fd, (const uint8_t *)"main stream\n", 12, "ads.txt");
	file_data_free(&fd);
	fd = must_read(rec, "extra");
	assert_bytes(&fd, (const uint8_t *)"the named stream extra", 22, "ads.txt:extra");
	file_data_free(&fd);
	ntfs_error e;
	cr_assert_eq(file_data_read(fx.vol, rec, "missing", 1024, 0, &fd, &e), NTFS_E_INVALID);
	cr_assert_null(fd.data);
}

Test(file_data, cap_and_prefix)
{
	static uint8_t want[1000];
	uint32_t rec = find("\\", "plain.bin");
	file_data fd;
	ntfs_error e;
	cr_assert_eq(file_data_read(fx.vol, rec, NULL, 1000, 0, &fd, &e), NTFS_E_RANGE);
	cr_assert(strstr(e.reason, "100000"), "%s", e.reason);
	cr_assert_null(fd.data);
	cr_assert_eq(file_data_read(fx.vol, rec, NULL, 1000, FILE_DATA_PREFIX, &fd, &e), NTFS_OK, "%s", e.reason);
	cr_assert(fd.truncated);
	cr_assert_eq(fd.size, 100000);
	pattern(want, sizeof(want), 1);
	assert_bytes(&fd, want, sizeof(want), "plain.bin prefix");
	file_data_free(&fd);
	/* a prefix of a compressed file ends inside a unit */
	static uint8_t tw[70000];
	cr_assert_eq(file_data_read(fx.vol, find("\\compressed", "text.txt"), NULL, sizeof(tw), FILE_DATA_PREFIX, &fd, &e),
		     NTFS_OK, "%s", e.reason);
	text(tw, sizeof(tw), 0);
	assert_bytes(&fd, tw, sizeof(tw), "text.txt prefix");
	file_data_free(&fd);
}

Test(file_data, wof_is_not_read)
{
	file_data fd;
	ntfs_error e;
	cr_assert_eq(file_data_read(fx.vol, find("\\", "wof.bin"), NULL, 1024, 0, &fd, &e), NTFS_E_UNSUPPORTED);
	cr_assert(strstr(e.reason, "WOF"), "%s", e.reason);
}

Test(file_data, agrees_with_icat)
{
	const char *files[][3] = {{"\\", "resident.txt", ""},      {"\\", "plain.bin", ""},
				  {"\\", "sparse.bin", ""},        {"\\compressed", "text.txt", ""},
				  {"\\compressed", "mixed.bin", ""}, {"\\", "frag.bin", ""},
				  {"\\", "islands.bin", ""},       {"\\", "ads.txt", "-128-4"}};
	static uint8_t buf[5u << 20];
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		uint32_t rec = find(files[i][0], files[i][1]);
		char cmd[1024];
		snprintf(cmd, sizeof(cmd), "icat '%s' %u%s", fx.path, rec, files[i][2]);
		FILE *p = popen(cmd, "r");
		cr_assert_not_null(p);
		size_t n = fread(buf, 1, sizeof(buf), p);
		cr_assert_eq(pclose(p), 0, "%s failed", cmd);
		file_data fd = must_read(rec, *files[i][2] ? "extra" : NULL);
		assert_bytes(&fd, buf, n, cmd);
		file_data_free(&fd);
	}
}
