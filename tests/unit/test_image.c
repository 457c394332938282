/* SPDX-License-Identifier: Apache-2.0 */
/* analyzer/image: raw, split raw, E01 (made with ewfacquire when installed), $MFT files, error messages,
 * thread-safe reads and partition listing of hand-built MBR and GPT disks. */
#define _XOPEN_SOURCE 700   /* nftw */
#include "config.h"

#include <criterion/criterion.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image.h"

static char tmpdir[64];

/* Makes a private temporary directory for one test (each Criterion test runs in its own process). */
static void tmp_init(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/ntfslinks-image-XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir), "mkdtemp: %s", strerror(errno));
}

/* nftw callback removing one entry. */
static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st, (void)flag, (void)f;
	return remove(p);
}

/* Removes the test's temporary directory. */
static void tmp_fini(void)
{
	if (tmpdir[0])
		nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* A file name inside the temporary directory (static buffer, rotating so two can be live at once). */
static const char *tmp_path(const char *name)
{
	static char bufs[4][256];
	static int next;
	char *b = bufs[next++ % 4];
	snprintf(b, sizeof(bufs[0]), "%s/%s", tmpdir, name);
	return b;
}

/* The test pattern's byte at absolute offset i: varies with every offset, so a misplaced read shows. */
static uint8_t pat(uint64_t i)
{
	return (uint8_t)((i * 2654435761u) >> 11 ^ i);
}

/* len pattern bytes starting at absolute offset off. */
static uint8_t *pattern(uint64_t off, size_t len)
{
	uint8_t *b = malloc(len ? len : 1);
	cr_assert_not_null(b);
	for (size_t i = 0; i < len; i++)
		b[i] = pat(off + i);
	return b;
}

/* Writes len bytes to path. */
static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	cr_assert_eq(fwrite(data, 1, len, f), len);
	cr_assert_eq(fclose(f), 0);
}

/* Writes pattern bytes [off, off+len) to path. */
static void write_pattern(const char *path, uint64_t off, size_t len)
{
	uint8_t *b = pattern(off, len);
	write_file(path, b, len);
	free(b);
}

/* Opens path and asserts success. */
static image *open_ok(const char *path)
{
	image *img = NULL;
	ntfs_error err = {0};
	ntfs_status s = image_open(path, &img, &err);
	cr_assert_eq(s, NTFS_OK, "image_open(%s): %s", path, err.reason);
	cr_assert_not_null(img);
	return img;
}

/* Reads len bytes at off and asserts they are the pattern and that exactly want bytes came back. */
static void check_read(image *img, uint64_t off, size_t len, size_t want)
{
	uint8_t *buf = malloc(len ? len : 1);
	size_t got = 12345;
	ntfs_error err = {0};
	cr_assert_not_null(buf);
	cr_assert_eq(image_read(img, off, buf, len, &got, &err), NTFS_OK, "read %llu+%zu: %s",
		     (unsigned long long)off, len, err.reason);
	cr_assert_eq(got, want, "read %llu+%zu: got %zu, want %zu", (unsigned long long)off, len, got, want);
	uint8_t *exp = pattern(off, want);
	cr_assert(memcmp(buf, exp, want) == 0, "read %llu+%zu: data differs", (unsigned long long)off, len);
	free(exp);
	free(buf);
}

/* Asserts image_open fails with st and a reason containing both needles (the file name, the cause). */
static void open_fails(const char *path, ntfs_status st, const char *n1, const char *n2)
{
	image *img = (image *)1;
	ntfs_error err = {0};
	cr_assert_eq(image_open(path, &img, &err), st, "image_open(%s): %s", path, err.reason);
	cr_assert_null(img);
	cr_assert_eq(err.status, st);
	cr_assert(strstr(err.reason, n1) != NULL, "reason '%s' lacks '%s'", err.reason, n1);
	cr_assert(strstr(err.reason, n2) != NULL, "reason '%s' lacks '%s'", err.reason, n2);
}

/* True when a shell command is available. */
static bool have_cmd(const char *cmd)
{
	char line[256];
	snprintf(line, sizeof(line), "command -v %s >/dev/null 2>&1", cmd);
	return system(line) == 0;
}

/* Runs a shell command and asserts exit status 0. */
static void run(const char *cmd)
{
	int rc = system(cmd);
	cr_assert_eq(rc, 0, "command failed (%d): %s", rc, cmd);
}

/* The first word of a command's output (a digest from md5sum or sha1sum). */
static void digest_of(const char *tool, const char *path, char *out, size_t cap)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "%s '%s'", tool, path);
	FILE *p = popen(cmd, "r");
	cr_assert_not_null(p);
	cr_assert_not_null(fgets(out, (int)cap, p));
	pclose(p);
	out[strcspn(out, " \n")] = '\0';
}

TestSuite(image, .init = tmp_init, .fini = tmp_fini);

Test(image, format_names)
{
	cr_assert_str_eq(image_format_name(IMAGE_FORMAT_RAW), "raw");
	cr_assert_str_eq(image_format_name(IMAGE_FORMAT_SPLIT_RAW), "split_raw");
	cr_assert_str_eq(image_format_name(IMAGE_FORMAT_EWF), "ewf");
	cr_assert_str_eq(image_format_name(IMAGE_FORMAT_MFT_FILE), "mft_file");
	cr_assert_str_eq(image_format_name(IMAGE_FORMAT_VHD), "vhd");
	cr_assert_str_eq(image_format_name(IMAGE_FORMAT_VHDX), "vhdx");
	cr_assert_str_eq(image_format_name(IMAGE_FORMAT_VMDK), "vmdk");
	cr_assert_str_eq(image_format_name(IMAGE_FORMAT_QCOW), "qcow");
}

Test(image, raw_reads_and_short_read_at_end)
{
	const size_t size = 1048576 + 300;
	const char *p = tmp_path("disk.dd");
	write_pattern(p, 0, size);
	image *img = open_ok(p);
	cr_assert_eq(image_get_format(img), IMAGE_FORMAT_RAW);
	cr_assert_eq(image_size(img), size);
	cr_assert_eq(image_segment_count(img), 1);
	cr_assert_str_eq(image_segment(img, 0), p);
	cr_assert_null(image_segment(img, 1));
	cr_assert_str_eq(image_path(img), p);
	cr_assert_null(image_ewf(img));
	check_read(img, 0, 512, 512);
	check_read(img, 12345, 7, 7);
	check_read(img, 65530, 70000, 70000);
	check_read(img, size - 100, 4096, 100);   /* across the end: short */
	check_read(img, size - 1, 1, 1);
	check_read(img, size, 10, 0);             /* at the end: nothing */
	check_read(img, size + 4096, 10, 0);      /* past the end: nothing */
	check_read(img, 3, size, size - 3);       /* everything, unaligned */
	check_read(img, 100, 0, 0);
	image_close(img);
}

Test(image, raw_large_reads)
{
	const size_t size = 20u << 20;
	const char *p = tmp_path("big.raw");
	write_pattern(p, 0, size);
	image *img = open_ok(p);
	check_read(img, 12345, 16u << 20, 16u << 20);
	check_read(img, 4u << 20, 16u << 20, 16u << 20);
	check_read(img, 0, size, size);
	image_close(img);
}

Test(image, null_arguments)
{
	ntfs_error err = {0};
	image *img = NULL;
	cr_assert_eq(image_open(NULL, &img, &err), NTFS_E_INVALID);
	cr_assert_eq(image_open("x", NULL, &err), NTFS_E_INVALID);
	cr_assert_eq(image_open("", &img, &err), NTFS_E_INVALID);
	image_close(NULL);
	cr_assert_eq(image_size(NULL), 0);
	cr_assert_eq(image_segment_count(NULL), 0);
}

Test(image, missing_file_names_file_and_cause)
{
	open_fails(tmp_path("nope.dd"), NTFS_E_IO, "nope.dd", "No such file or directory");
}

Test(image, directory_is_rejected)
{
	open_fails(tmpdir, NTFS_E_IO, tmpdir, "is a directory");
}

Test(image, empty_file_is_rejected)
{
	const char *p = tmp_path("empty.dd");
	write_file(p, "", 0);
	open_fails(p, NTFS_E_IO, "empty.dd", "empty file");
}

Test(image, fifo_is_rejected_without_blocking)
{
	const char *p = tmp_path("pipe");
	cr_assert_eq(mkfifo(p, 0600), 0, "mkfifo: %s", strerror(errno));
	open_fails(p, NTFS_E_IO, "pipe", "not a regular file or block device");
}

Test(image, char_device_is_rejected)
{
	open_fails("/dev/null", NTFS_E_IO, "/dev/null", "not a regular file");
}

Test(image, unreadable_file)
{
	if (geteuid() == 0)
		cr_skip_test("running as root: permissions do not stop root from reading");
	const char *p = tmp_path("secret.dd");
	write_pattern(p, 0, 4096);
	cr_assert_eq(chmod(p, 0), 0);
	open_fails(p, NTFS_E_IO, "secret.dd", "Permission denied");
}

/* Writes a split raw set base.001… with the given segment sizes; returns the total size. */
static size_t write_split(const char *base, const size_t *sizes, size_t n)
{
	size_t off = 0;
	for (size_t i = 0; i < n; i++) {
		char name[300];
		snprintf(name, sizeof(name), "%s.%03zu", base, i + 1);
		write_pattern(name, off, sizes[i]);
		off += sizes[i];
	}
	return off;
}

Test(image, split_raw_reads_span_segments)
{
	const size_t sizes[] = {3 * 65536 + 17, 3 * 65536 + 17, 77777}; /* all but the last as long as the first */
	const char *base = tmp_path("split");
	size_t total = write_split(base, sizes, 3);
	const char *first = tmp_path("split.001");
	image *img = open_ok(first);
	cr_assert_eq(image_get_format(img), IMAGE_FORMAT_SPLIT_RAW);
	cr_assert_eq(image_size(img), total);
	cr_assert_eq(image_segment_count(img), 3);
	cr_assert_str_eq(image_segment(img, 0), first);
	cr_assert_str_eq(image_segment(img, 2), tmp_path("split.003"));
	const uint64_t b1 = sizes[0], b2 = sizes[0] + sizes[1];
	check_read(img, b1 - 10, 20, 20);             /* small, across the first boundary (TSK cache) */
	check_read(img, b2 - 1, 2, 2);
	check_read(img, b1 - 5000, 70001, 70001);     /* large, unaligned length (TSK direct path) */
	check_read(img, b1 - 1, sizes[1] + 2, sizes[1] + 2);  /* spans all three segments */
	check_read(img, 0, total, total);
	check_read(img, 1, total, total - 1);
	check_read(img, total - 3, 100, 3);
	check_read(img, total, 1, 0);
	image_close(img);
}

/* A gap in the numbering names the first missing segment, even when only .001 is left before it. */
Test(image, split_raw_gap_is_an_error)
{
	const size_t sizes[] = {4096, 4096, 4096, 4096};
	write_split(tmp_path("gap"), sizes, 4);
	cr_assert_eq(unlink(tmp_path("gap.002")), 0);
	open_fails(tmp_path("gap.001"), NTFS_E_IO, "gap.002 is missing", "gap.003 is present");
	write_split(tmp_path("gap3"), sizes, 4);
	cr_assert_eq(unlink(tmp_path("gap3.003")), 0);
	open_fails(tmp_path("gap3.001"), NTFS_E_IO, "gap3.003 is missing", "gap3.004 is present");
}

/* A middle segment shorter, empty or longer than the first would shift every later byte: refused. */
Test(image, split_raw_middle_segment_of_another_size_is_an_error)
{
	const size_t shorter[] = {4096, 4000, 4096, 100}, empty[] = {4096, 4096, 0, 100}, longer[] = {4096, 8192, 4096};
	write_split(tmp_path("short"), shorter, 4);
	open_fails(tmp_path("short.001"), NTFS_E_IO, "short.002 is 4000 bytes", "shorter than the first (4096");
	write_split(tmp_path("empty"), empty, 4);
	open_fails(tmp_path("empty.001"), NTFS_E_IO, "empty.003 is 0 bytes", "shorter");
	write_split(tmp_path("long"), longer, 3);
	open_fails(tmp_path("long.001"), NTFS_E_IO, "long.002 is 8192 bytes", "longer than the first");
	const size_t last_short[] = {4096, 4096, 1}; /* the last segment may be of any size */
	write_split(tmp_path("last"), last_short, 3);
	image *img = open_ok(tmp_path("last.001"));
	cr_assert_eq(image_size(img), 8193);
	image_close(img);
}

Test(image, lone_001_is_raw)
{
	const size_t sizes[] = {4096};
	write_split(tmp_path("lone"), sizes, 1);
	image *img = open_ok(tmp_path("lone.001"));
	cr_assert_eq(image_get_format(img), IMAGE_FORMAT_RAW);
	cr_assert_eq(image_segment_count(img), 1);
	image_close(img);
}

typedef struct {
	image *img;
	uint64_t size;
	unsigned seed;
	int failures;
} reader_arg;

/* One reader thread: random reads of random lengths, each checked against the pattern. */
static void *reader(void *p)
{
	reader_arg *a = p;
	uint8_t *buf = malloc(300000);
	for (int i = 0; i < 200 && buf; i++) {
		uint64_t off = (uint64_t)rand_r(&a->seed) % a->size;
		size_t len = (size_t)rand_r(&a->seed) % (i % 4 == 0 ? 300000 : 3000);
		size_t got = 0, want = len < a->size - off ? len : (size_t)(a->size - off);
		if (image_read(a->img, off, buf, len, &got, NULL) != NTFS_OK || got != want) {
			a->failures++;
			continue;
		}
		for (size_t j = 0; j < got; j++)
			if (buf[j] != pat(off + j)) {
				a->failures++;
				break;
			}
	}
	free(buf);
	return NULL;
}

/* Runs 8 reader threads on img and asserts none saw a wrong byte. */
static void check_threads(image *img)
{
	pthread_t t[8];
	reader_arg a[8];
	for (int i = 0; i < 8; i++) {
		a[i] = (reader_arg){img, image_size(img), (unsigned)i * 7919u + 1, 0};
		cr_assert_eq(pthread_create(&t[i], NULL, reader, &a[i]), 0);
	}
	for (int i = 0; i < 8; i++) {
		pthread_join(t[i], NULL);
		cr_assert_eq(a[i].failures, 0, "thread %d saw %d bad reads", i, a[i].failures);
	}
}

Test(image, concurrent_reads_split_raw)
{
	const size_t sizes[] = {1000003, 1000003, 1000003, 12345};
	write_split(tmp_path("mt"), sizes, 4);
	image *img = open_ok(tmp_path("mt.001"));
	check_threads(img);
	image_close(img);
}

Test(image, concurrent_reads_raw)
{
	write_pattern(tmp_path("mt.raw"), 0, 3000000);
	image *img = open_ok(tmp_path("mt.raw"));
	check_threads(img);
	image_close(img);
}

Test(image, mft_file_is_recognised)
{
	uint8_t rec[4096] = {0};
	memcpy(rec, "FILE0", 5);
	memcpy(rec + 1024, "FILE0", 5);
	const char *p = tmp_path("$MFT");
	write_file(p, rec, sizeof(rec));
	image *img = open_ok(p);
	cr_assert_eq(image_get_format(img), IMAGE_FORMAT_MFT_FILE);
	cr_assert_eq(image_size(img), sizeof(rec));
	image_partition *parts = NULL;
	size_t n = 0;
	ntfs_error err = {0};
	cr_assert_eq(image_list_partitions(img, &parts, &n, &err), NTFS_OK, "%s", err.reason);
	cr_assert_eq(n, 1);
	cr_assert_str_eq(parts[0].table, "none");
	cr_assert_eq(parts[0].length, sizeof(rec));
	cr_assert_not(parts[0].is_ntfs);
	free(parts);
	image_close(img);
}

/* An NTFS-looking boot sector: jump, OEM id "NTFS    ", 0x55AA. */
static void ntfs_boot(uint8_t *s)
{
	memset(s, 0, 512);
	memcpy(s, "\xeb\x52\x90NTFS    ", 11);
	s[510] = 0x55;
	s[511] = 0xaa;
}

/* Little-endian stores for the hand-built tables. */
static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Little-endian 64-bit store. */
static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* One MBR partition entry. */
static void mbr_entry(uint8_t *mbr, int i, uint8_t type, uint32_t lba, uint32_t count)
{
	uint8_t *e = mbr + 446 + 16 * i;
	memset(e, 0, 16);
	e[4] = type;
	put32(e + 8, lba);
	put32(e + 12, count);
}

/* An 8 MiB MBR disk: NTFS (0x07) at sector 2048, Linux (0x83) at 6144, 4096 sectors each. */
static uint8_t *mbr_disk(size_t *size)
{
	*size = 8u << 20;
	uint8_t *d = calloc(1, *size);
	cr_assert_not_null(d);
	mbr_entry(d, 0, 0x07, 2048, 4096);
	mbr_entry(d, 1, 0x83, 6144, 4096);
	d[510] = 0x55;
	d[511] = 0xaa;
	ntfs_boot(d + 2048 * 512);
	memcpy(d + 6144 * 512, "not ntfs", 8);
	return d;
}

/* Lists partitions and asserts success. */
static image_partition *list_ok(image *img, size_t *n)
{
	image_partition *parts = NULL;
	ntfs_error err = {0};
	cr_assert_eq(image_list_partitions(img, &parts, n, &err), NTFS_OK, "%s", err.reason);
	cr_assert_not_null(parts);
	return parts;
}

/* Asserts the MBR disk's two partitions were found as built. */
static void check_mbr_parts(image *img)
{
	size_t n = 0;
	image_partition *p = list_ok(img, &n);
	cr_assert_eq(n, 2);
	cr_assert_str_eq(p[0].table, "dos");
	cr_assert_str_eq(p[0].slot, "000:000");
	cr_assert_eq(p[0].offset, 2048u * 512);
	cr_assert_eq(p[0].length, 4096u * 512);
	cr_assert(strstr(p[0].description, "NTFS") != NULL, "%s", p[0].description);
	cr_assert(p[0].is_ntfs);
	cr_assert_str_eq(p[1].slot, "000:001");
	cr_assert_eq(p[1].offset, 6144u * 512);
	cr_assert(strstr(p[1].description, "Linux") != NULL, "%s", p[1].description);
	cr_assert_not(p[1].is_ntfs);
	free(p);
}

Test(image, mbr_partitions)
{
	size_t size;
	uint8_t *d = mbr_disk(&size);
	write_file(tmp_path("mbr.dd"), d, size);
	free(d);
	image *img = open_ok(tmp_path("mbr.dd"));
	check_mbr_parts(img);
	image_close(img);
}

Test(image, bare_ntfs_volume_has_no_table)
{
	uint8_t d[65536] = {0};
	ntfs_boot(d);
	write_file(tmp_path("vol.dd"), d, sizeof(d));
	image *img = open_ok(tmp_path("vol.dd"));
	size_t n = 0;
	image_partition *p = list_ok(img, &n);
	cr_assert_eq(n, 1);
	cr_assert_str_eq(p[0].table, "none");
	cr_assert_str_eq(p[0].slot, "-");
	cr_assert_eq(p[0].offset, 0);
	cr_assert_eq(p[0].length, sizeof(d));
	cr_assert(p[0].is_ntfs);
	free(p);
	image_close(img);
}

Test(image, zeroed_image_has_no_table)
{
	uint8_t d[8192] = {0};
	write_file(tmp_path("zero.dd"), d, sizeof(d));
	image *img = open_ok(tmp_path("zero.dd"));
	size_t n = 0;
	image_partition *p = list_ok(img, &n);
	cr_assert_eq(n, 1);
	cr_assert_str_eq(p[0].table, "none");
	cr_assert_not(p[0].is_ntfs);
	free(p);
	image_close(img);
}

/* CRC-32 (IEEE 802.3, reflected), as GPT headers and entry arrays use. */
static uint32_t crc32_ieee(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;
	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
	}
	return ~c;
}

/* One GPT entry: type GUID (on-disk byte order), LBA range, UTF-16LE name from ASCII. */
static void gpt_entry(uint8_t *e, const uint8_t type[16], uint64_t first, uint64_t last, const char *name)
{
	memcpy(e, type, 16);
	for (int i = 0; i < 16; i++)
		e[16 + i] = (uint8_t)(0x40 + i + first);   /* unique partition GUID */
	put64(e + 32, first);
	put64(e + 40, last);
	for (size_t i = 0; name[i] && i < 36; i++)
		e[56 + 2 * i] = (uint8_t)name[i];
}

/* A GPT header at LBA lba for the entry array at entries_lba. */
static void gpt_header(uint8_t *h, uint64_t lba, uint64_t alt, uint64_t entries_lba, uint64_t sectors,
		       uint32_t entries_crc)
{
	memcpy(h, "EFI PART", 8);
	put32(h + 8, 0x00010000);
	put32(h + 12, 92);
	put64(h + 24, lba);
	put64(h + 32, alt);
	put64(h + 40, 34);
	put64(h + 48, sectors - 34);
	for (int i = 0; i < 16; i++)
		h[56 + i] = (uint8_t)(0xa0 + i);     /* disk GUID */
	put64(h + 72, entries_lba);
	put32(h + 80, 128);
	put32(h + 84, 128);
	put32(h + 88, entries_crc);
	put32(h + 16, crc32_ieee(h, 92));
}

/* An 8 MiB GPT disk with a protective MBR, primary and backup tables: "Basic data" (Microsoft basic
 * data, NTFS boot sector) at 2048–6143 and "Linux" (Linux filesystem) at 6144–10239. */
static uint8_t *gpt_disk(size_t *size)
{
	static const uint8_t basic[16] = {0xa2, 0xa0, 0xd0, 0xeb, 0xe5, 0xb9, 0x33, 0x44,
					  0x87, 0xc0, 0x68, 0xb6, 0xb7, 0x26, 0x99, 0xc7};
	static const uint8_t linux_fs[16] = {0xaf, 0x3d, 0xc6, 0x0f, 0x83, 0x84, 0x72, 0x47,
					     0x8e, 0x79, 0x3d, 0x69, 0xd8, 0x47, 0x7d, 0xe4};
	*size = 8u << 20;
	uint64_t sectors = *size / 512;
	uint8_t *d = calloc(1, *size);
	cr_assert_not_null(d);
	mbr_entry(d, 0, 0xee, 1, (uint32_t)(sectors - 1));
	d[510] = 0x55;
	d[511] = 0xaa;
	uint8_t *entries = d + 2 * 512;
	gpt_entry(entries, basic, 2048, 6143, "Basic data");
	gpt_entry(entries + 128, linux_fs, 6144, 10239, "Linux");
	uint32_t ecrc = crc32_ieee(entries, 128 * 128);
	memcpy(d + (sectors - 33) * 512, entries, 128 * 128);
	gpt_header(d + 512, 1, sectors - 1, 2, sectors, ecrc);
	gpt_header(d + (sectors - 1) * 512, sectors - 1, 1, sectors - 33, sectors, ecrc);
	ntfs_boot(d + 2048 * 512);
	return d;
}

/* Asserts the GPT disk's two partitions were found as built. */
static void check_gpt_parts(image *img, const char *name0)
{
	size_t n = 0;
	image_partition *p = list_ok(img, &n);
	cr_assert_eq(n, 2);
	cr_assert_str_eq(p[0].table, "gpt");
	cr_assert_str_eq(p[0].slot, "000");
	cr_assert_eq(p[0].offset, 2048u * 512);
	cr_assert_eq(p[0].length, 4096u * 512);
	cr_assert_str_eq(p[0].description, name0);
	cr_assert(p[0].is_ntfs);
	cr_assert_str_eq(p[1].table, "gpt");
	cr_assert_str_eq(p[1].slot, "001");
	cr_assert_eq(p[1].offset, 6144u * 512);
	cr_assert_eq(p[1].length, 4096u * 512);
	cr_assert_not(p[1].is_ntfs);
	free(p);
}

Test(image, gpt_partitions_hand_built)
{
	size_t size;
	uint8_t *d = gpt_disk(&size);
	write_file(tmp_path("gpt.dd"), d, size);
	free(d);
	image *img = open_ok(tmp_path("gpt.dd"));
	check_gpt_parts(img, "Basic data");
	image_close(img);
}

Test(image, gpt_partitions_sgdisk)
{
	if (!have_cmd("sgdisk"))
		cr_skip_test("sgdisk not installed (Debian package gdisk)");
	uint8_t *d = calloc(1, 8u << 20);
	cr_assert_not_null(d);
	ntfs_boot(d + 2048 * 512);
	write_file(tmp_path("sg.dd"), d, 8u << 20);
	free(d);
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "sgdisk -n 1:2048:6143 -t 1:0700 -c 1:Data -n 2:6144:10239 -t 2:8300 "
		 "'%s' >/dev/null 2>&1", tmp_path("sg.dd"));
	run(cmd);
	image *img = open_ok(tmp_path("sg.dd"));
	check_gpt_parts(img, "Data");
	image_close(img);
}

/* Makes an E01 of src with ewfacquire (uncompressed unless compress), metadata as in the brief. */
static void make_e01(const char *src, const char *target, const char *segment_size, const char *compress)
{
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "ewfacquire -q -u -t '%s' -C CASE42 -e examiner -E EV1 -D desc -N notes "
		 "-c %s -d sha1 -S %s '%s' >/dev/null 2>&1", target, compress, segment_size, src);
	run(cmd);
}

/* Skips the test when ewfacquire is missing. */
static void need_ewfacquire(void)
{
	if (!have_cmd("ewfacquire"))
		cr_skip_test("ewfacquire not installed (Debian package ewf-tools)");
}

Test(image, e01_metadata_and_data)
{
	need_ewfacquire();
	const size_t size = 3u << 20;
	const char *src = tmp_path("src.bin");
	write_pattern(src, 0, size);
	make_e01(src, tmp_path("case"), "1.4GiB", "none");
	image *img = open_ok(tmp_path("case.E01"));
	cr_assert_eq(image_get_format(img), IMAGE_FORMAT_EWF);
	cr_assert_eq(image_size(img), size);
	cr_assert_eq(image_segment_count(img), 1);
	cr_assert_str_eq(image_segment(img, 0), tmp_path("case.E01"));
	const image_ewf_info *e = image_ewf(img);
	cr_assert_not_null(e);
	cr_assert_str_eq(e->case_number, "CASE42");
	cr_assert_str_eq(e->examiner, "examiner");
	cr_assert_str_eq(e->evidence_number, "EV1");
	cr_assert_str_eq(e->description, "desc");
	cr_assert_str_eq(e->notes, "notes");
	cr_assert_not_null(e->acquisition_date);
	/* ewfacquire's default (EnCase 6) writes a header2 section: seconds since 1970 UTC, so a zone */
	cr_assert_eq(strlen(e->acquisition_date), 20, "%s", e->acquisition_date);   /* 2026-01-01T00:00:00Z */
	cr_assert_eq(e->acquisition_date[10], 'T');
	cr_assert_eq(e->acquisition_date[19], 'Z', "%s", e->acquisition_date);
	cr_assert_eq(e->verified, IMAGE_EWF_NOT_VERIFIED);
	cr_assert_null(e->computed_md5);
	cr_assert_not_null(e->acquisition_software_version);
	cr_assert_not_null(e->acquisition_os);
	cr_assert_null(e->model);
	cr_assert_eq(e->media_size, size);
	cr_assert_eq(e->bytes_per_sector, 512);
	char md5[64], sha1[64];
	digest_of("md5sum", src, md5, sizeof(md5));
	digest_of("sha1sum", src, sha1, sizeof(sha1));
	cr_assert_not_null(e->stored_md5);
	cr_assert_str_eq(e->stored_md5, md5);
	cr_assert_not_null(e->stored_sha1);
	cr_assert_str_eq(e->stored_sha1, sha1);
	check_read(img, 0, size, size);
	check_read(img, 1000, 5, 5);
	check_read(img, 65536 - 3, 70001, 70001);
	check_read(img, size - 10, 100, 10);
	image_close(img);
}

Test(image, e01_multi_segment_compressed)
{
	need_ewfacquire();
	const size_t size = 5u << 20;
	const char *src = tmp_path("src.bin");
	write_pattern(src, 0, size);
	make_e01(src, tmp_path("multi"), "1MiB", "fast");
	image *img = open_ok(tmp_path("multi.E01"));
	cr_assert_eq(image_get_format(img), IMAGE_FORMAT_EWF);
	cr_assert_geq(image_segment_count(img), 3, "segments: %zu", image_segment_count(img));
	cr_assert_str_eq(image_segment(img, 0), tmp_path("multi.E01"));
	cr_assert_str_eq(image_segment(img, 1), tmp_path("multi.E02"));
	cr_assert_eq(image_size(img), size);
	check_read(img, 0, size, size);
	check_read(img, 1000000, 4u << 20, 4u << 20);
	check_read(img, 3, 4096, 4096);
	check_threads(img);
	image_close(img);
}

Test(image, e01_truncated_is_refused)
{
	need_ewfacquire();
	const char *src = tmp_path("src.bin");
	write_pattern(src, 0, 2u << 20);
	make_e01(src, tmp_path("t"), "1.4GiB", "none");
	cr_assert_eq(truncate(tmp_path("t.E01"), 1000000), 0);
	open_fails(tmp_path("t.E01"), NTFS_E_TRUNCATED, "t.E01", "truncated");
}

Test(image, e01_missing_segment_is_refused)
{
	need_ewfacquire();
	const char *src = tmp_path("src.bin");
	write_pattern(src, 0, 4u << 20);
	make_e01(src, tmp_path("m"), "1MiB", "none");
	cr_assert_eq(unlink(tmp_path("m.E03")), 0);
	open_fails(tmp_path("m.E01"), NTFS_E_IO, "m.E03", "missing");
}

Test(image, e01_last_segment_missing_is_refused)
{
	need_ewfacquire();
	const char *src = tmp_path("src.bin");
	write_pattern(src, 0, 2u << 20);
	make_e01(src, tmp_path("l"), "1MiB", "none");
	char last[300];
	int n = 1;
	for (;; n++) {
		snprintf(last, sizeof(last), "%s/l.E%02d", tmpdir, n + 1);
		if (access(last, F_OK) != 0)
			break;
	}
	cr_assert_geq(n, 2, "ewfacquire made only one segment");
	snprintf(last, sizeof(last), "%s/l.E%02d", tmpdir, n);
	cr_assert_eq(unlink(last), 0);
	open_fails(tmp_path("l.E01"), NTFS_E_IO, last, "missing");
}

Test(image, e01_with_mbr_partitions)
{
	need_ewfacquire();
	size_t size;
	uint8_t *d = mbr_disk(&size);
	write_file(tmp_path("mbr.dd"), d, size);
	free(d);
	make_e01(tmp_path("mbr.dd"), tmp_path("mbr"), "1.4GiB", "fast");
	image *img = open_ok(tmp_path("mbr.E01"));
	check_mbr_parts(img);
	image_close(img);
}

Test(image, split_raw_gpt_partitions)
{
	size_t size;
	uint8_t *d = gpt_disk(&size);
	for (int i = 0; i < 3; i++) {
		char name[64];
		snprintf(name, sizeof(name), "g.%03d", i + 1);
		size_t part = size / 3 + (i == 2 ? size % 3 : 0);
		write_file(tmp_path(name), d + i * (size / 3), part);
	}
	free(d);
	image *img = open_ok(tmp_path("g.001"));
	cr_assert_eq(image_get_format(img), IMAGE_FORMAT_SPLIT_RAW);
	check_gpt_parts(img, "Basic data");
	image_close(img);
}

/* ---- the committed fixtures (fixtures/, built by fixtures/build.sh) ---- */

/* Path of a committed fixture; skips the test when the tree or the file is not there. */
static const char *fixture(const char *name)
{
	static char bufs[4][1024];
	static int next;
	const char *top = getenv("top_srcdir");
	if (!top)
		cr_skip_test("top_srcdir not set (run through make check)");
	char *b = bufs[next++ % 4];
	snprintf(b, sizeof(bufs[0]), "%s/fixtures/%s", top, name);
	if (access(b, R_OK) != 0)
		cr_skip_test("fixture %s not present", b);
	return b;
}

/* Decompresses fixture name.gz into the temporary directory as name; returns its path. */
static const char *gunzip_fixture(const char *name)
{
	char gz[300], cmd[2048];
	snprintf(gz, sizeof(gz), "%s.gz", name);
	const char *src = fixture(gz);
	const char *dst = tmp_path(name);
	snprintf(cmd, sizeof(cmd), "gzip -dc '%s' > '%s'", src, dst);
	run(cmd);
	return dst;
}

/* Asserts two images hold the same bytes, comparing in 4 MiB reads. */
static void check_same_data(image *a, image *b)
{
	const size_t chunk = 4u << 20;
	uint8_t *x = malloc(chunk), *y = malloc(chunk);
	cr_assert(x && y);
	cr_assert_eq(image_size(a), image_size(b));
	for (uint64_t off = 0; off < image_size(a); off += chunk) {
		size_t ga = 0, gb = 0;
		ntfs_error err = {0};
		cr_assert_eq(image_read(a, off, x, chunk, &ga, &err), NTFS_OK, "%s", err.reason);
		cr_assert_eq(image_read(b, off, y, chunk, &gb, &err), NTFS_OK, "%s", err.reason);
		cr_assert_eq(ga, gb);
		cr_assert(memcmp(x, y, ga) == 0, "data differs in the 4 MiB at %llu", (unsigned long long)off);
	}
	free(x);
	free(y);
}

/* MD5 of an image's whole data (written out and hashed with md5sum). */
static void image_md5(image *img, char *out, size_t cap)
{
	const char *p = tmp_path("md5.data");
	FILE *f = fopen(p, "wb");
	uint8_t *buf = malloc(1u << 20);
	cr_assert(f && buf);
	for (uint64_t off = 0; off < image_size(img);) {
		size_t got = 0;
		cr_assert_eq(image_read(img, off, buf, 1u << 20, &got, NULL), NTFS_OK);
		cr_assert_eq(fwrite(buf, 1, got, f), got);
		off += got;
	}
	cr_assert_eq(fclose(f), 0);
	free(buf);
	digest_of("md5sum", p, out, cap);
}

Test(image, fixture_demo_e01)
{
	const char *path = fixture("demo.E01");
	struct stat before, after;
	cr_assert_eq(stat(path, &before), 0);
	image *img = open_ok(path);
	cr_assert_eq(image_get_format(img), IMAGE_FORMAT_EWF);
	cr_assert_eq(image_segment_count(img), 1);
	const image_ewf_info *e = image_ewf(img);
	cr_assert_not_null(e);
	cr_assert_str_eq(e->case_number, "2026-0142");
	cr_assert_str_eq(e->examiner, "J. Doe");
	cr_assert_str_eq(e->evidence_number, "EV-001");
	cr_assert_str_eq(e->description, "Workstation WS-ALICE system disk (synthetic)");
	cr_assert_str_eq(e->notes, "Synthetic demo image built by fixtures/build.sh; not real evidence");
	cr_assert_eq(e->media_size, image_size(img));
	cr_assert_not_null(e->stored_md5);
	char md5[64];
	image_md5(img, md5, sizeof(md5));
	cr_assert_str_eq(e->stored_md5, md5);
	size_t n = 0;
	image_partition *p = list_ok(img, &n);
	cr_assert_eq(n, 1);
	cr_assert_str_eq(p[0].table, "dos");
	cr_assert_str_eq(p[0].slot, "000:000");
	cr_assert_eq(p[0].offset, 1048576);
	cr_assert_eq(p[0].length, 50331648);
	cr_assert_str_eq(p[0].description, "NTFS / exFAT (0x07)");
	cr_assert(p[0].is_ntfs);
	free(p);
	image_close(img);
	cr_assert_eq(stat(path, &after), 0);
	cr_assert_eq(after.st_size, before.st_size, "the evidence file changed size");
	cr_assert_eq(after.st_mtime, before.st_mtime, "the evidence file was modified");
}

Test(image, fixture_reparse_in_every_container)
{
	image *raw = open_ok(gunzip_fixture("reparse.raw"));
	cr_assert_eq(image_get_format(raw), IMAGE_FORMAT_RAW);
	size_t n = 0;
	image_partition *p = list_ok(raw, &n);
	cr_assert_eq(n, 1);
	cr_assert_str_eq(p[0].table, "none");
	cr_assert_eq(p[0].offset, 0);
	cr_assert_eq(p[0].length, image_size(raw));
	cr_assert(p[0].is_ntfs);
	free(p);

	const char *pieces[] = {"reparse.raw.001", "reparse.raw.002", "reparse.raw.003", "reparse.raw.004"};
	for (int i = 0; i < 4; i++)
		gunzip_fixture(pieces[i]);
	image *split = open_ok(tmp_path("reparse.raw.001"));
	cr_assert_eq(image_get_format(split), IMAGE_FORMAT_SPLIT_RAW);
	cr_assert_eq(image_segment_count(split), 4);
	check_same_data(raw, split);
	image_close(split);

	image *e01 = open_ok(fixture("reparse.E01"));
	cr_assert_eq(image_get_format(e01), IMAGE_FORMAT_EWF);
	cr_assert_eq(image_segment_count(e01), 1);
	cr_assert_str_eq(image_ewf(e01)->evidence_number, "EV-REPARSE-1");
	cr_assert_str_eq(image_ewf(e01)->case_number, "NTFSLINKS-REPARSE");
	check_same_data(raw, e01);
	image_close(e01);

	image *multi = open_ok(fixture("reparse-multi.E01"));
	cr_assert_eq(image_segment_count(multi), 2);
	const char *seg1 = image_segment(multi, 1);
	cr_assert(strstr(seg1, "reparse-multi.E02") != NULL, "%s", seg1);
	cr_assert_str_eq(image_ewf(multi)->evidence_number, "EV-REPARSE-2");
	cr_assert_str_eq(image_ewf(multi)->notes, "built by fixtures/build.sh; 1 MiB segments");
	check_same_data(raw, multi);
	image_close(multi);
	image_close(raw);

	image *mft = open_ok(gunzip_fixture("reparse.mft"));
	cr_assert_eq(image_get_format(mft), IMAGE_FORMAT_MFT_FILE);
	image_close(mft);
}

Test(image, fixture_disk_mbr)
{
	image *img = open_ok(gunzip_fixture("disk-mbr.raw"));
	size_t n = 0;
	image_partition *p = list_ok(img, &n);
	cr_assert_eq(n, 3);
	const uint64_t off[] = {1048576, 26214400, 51380224}, len[] = {25165824, 25165824, 8388608};
	const char *slot[] = {"000:000", "000:001", "000:002"};
	const char *desc[] = {"NTFS / exFAT (0x07)", "NTFS / exFAT (0x07)", "Linux (0x83)"};
	for (size_t i = 0; i < 3; i++) {
		cr_assert_str_eq(p[i].table, "dos");
		cr_assert_str_eq(p[i].slot, slot[i]);
		cr_assert_eq(p[i].offset, off[i]);
		cr_assert_eq(p[i].length, len[i]);
		cr_assert_str_eq(p[i].description, desc[i]);
		cr_assert_eq(p[i].is_ntfs, i < 2);
	}
	free(p);
	image_close(img);
}

Test(image, fixture_disk_gpt)
{
	image *img = open_ok(gunzip_fixture("disk-gpt.raw"));
	size_t n = 0;
	image_partition *p = list_ok(img, &n);
	cr_assert_eq(n, 1);
	cr_assert_str_eq(p[0].table, "gpt");
	cr_assert_str_eq(p[0].slot, "000");
	cr_assert_eq(p[0].offset, 1048576);
	cr_assert_eq(p[0].length, 25165824);
	cr_assert_str_eq(p[0].description, "Basic data partition");
	cr_assert(p[0].is_ntfs);
	free(p);
	image_close(img);
}

/* ---- read errors must surface, never turn into made-up data ---- */

/* Reads len bytes at off and asserts NTFS_E_IO whose reason contains needle. */
static void read_fails(image *img, uint64_t off, size_t len, const char *needle)
{
	uint8_t *buf = malloc(len);
	size_t got = 99;
	ntfs_error err = {0};
	cr_assert_not_null(buf);
	cr_assert_eq(image_read(img, off, buf, len, &got, &err), NTFS_E_IO, "read %llu+%zu succeeded",
		     (unsigned long long)off, len);
	cr_assert(strstr(err.reason, needle) != NULL, "reason '%s' lacks '%s'", err.reason, needle);
	free(buf);
}

Test(image, split_raw_segment_vanishing_is_an_error)
{
	/* TSK 4.11 reports success for a failed uncached read whose length is not a sector multiple. */
	const size_t sizes[] = {200000, 200000};
	write_split(tmp_path("gone"), sizes, 2);
	image *img = open_ok(tmp_path("gone.001"));
	cr_assert_eq(unlink(tmp_path("gone.002")), 0);
	read_fails(img, 210000, 100000, "gone.002");   /* large, unaligned length */
	read_fails(img, 250000, 100, "gone.002");      /* small, through TSK's cache */
	read_fails(img, 150000, 100001, "gone.002");   /* starts in the segment that is still there */
	check_read(img, 1000, 100001, 100001);         /* the first segment still reads */
	image_close(img);
}

Test(image, raw_file_shrinking_is_an_error)
{
	const char *p = tmp_path("shrink.dd");
	write_pattern(p, 0, 100000);
	image *img = open_ok(p);
	cr_assert_eq(truncate(p, 50000), 0);
	read_fails(img, 40000, 20000, "shrink.dd");
	check_read(img, 0, 50000, 50000);
	image_close(img);
}

Test(image, e01_with_a_foreign_name_is_refused_with_advice)
{
	const char *src = fixture("reparse.E01");
	const char *p = tmp_path("evidence.bin");
	char cmd[2048];
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", src, p);
	run(cmd);
	open_fails(p, NTFS_E_UNSUPPORTED, "evidence.bin", ".E01");
}

Test(image, memory_image_reads_and_formats)
{
	const size_t size = 70000;
	uint8_t *buf = pattern(0, size);
	image *img = NULL;
	ntfs_error err = {0};
	cr_assert_eq(image_open_memory(buf, size, &img, &err), NTFS_OK, "%s", err.reason);
	cr_assert_eq(image_get_format(img), IMAGE_FORMAT_RAW);
	cr_assert_eq(image_size(img), size);
	cr_assert_str_eq(image_path(img), "(memory)");
	cr_assert_eq(image_segment_count(img), 1);
	cr_assert_str_eq(image_segment(img, 0), "(memory)");
	check_read(img, 0, 512, 512);
	check_read(img, 65530, 70000, size - 65530);   /* across the end: short */
	check_read(img, size, 10, 0);
	check_read(img, size + 1, 10, 0);
	image_close(img);
	memcpy(buf, "FILE", 4);
	cr_assert_eq(image_open_memory(buf, size, &img, &err), NTFS_OK, "%s", err.reason);
	cr_assert_eq(image_get_format(img), IMAGE_FORMAT_MFT_FILE);
	image_close(img);
	img = (image *)1;
	cr_assert_eq(image_open_memory(buf, 0, &img, &err), NTFS_E_IO);
	cr_assert_null(img);
	cr_assert(strstr(err.reason, "empty") != NULL, "%s", err.reason);
	free(buf);
}

Test(image, memory_image_is_one_volume)
{
	uint8_t *d = calloc(1, 65536);
	cr_assert_not_null(d);
	ntfs_boot(d);
	image *img = NULL;
	ntfs_error err = {0};
	cr_assert_eq(image_open_memory(d, 65536, &img, &err), NTFS_OK, "%s", err.reason);
	size_t n = 0;
	image_partition *p = list_ok(img, &n);
	cr_assert_eq(n, 1);
	cr_assert_str_eq(p[0].table, "none");
	cr_assert_eq(p[0].length, 65536);
	cr_assert(p[0].is_ntfs);
	free(p);
	image_close(img);
	size_t size;
	uint8_t *disk = mbr_disk(&size);   /* a partition table is not looked for in memory */
	cr_assert_eq(image_open_memory(disk, size, &img, &err), NTFS_OK, "%s", err.reason);
	p = list_ok(img, &n);
	cr_assert_eq(n, 1);
	cr_assert_str_eq(p[0].table, "none");
	free(p);
	image_close(img);
	free(disk);
	free(d);
}
