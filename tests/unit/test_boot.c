/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the boot sector decoder: geometry, encoded cluster sizes, Windows' rejections, prefixes. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "boot.h"
#include "le.h"

/* Writes a little-endian uint32 / uint64 into a test buffer. */
static void put32(uint8_t *p, uint32_t v)
{
	le16_put(p, (uint16_t)v);
	le16_put(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

/* A boot sector like Windows 10 writes for a 253 MiB volume: 512-byte sectors, 4 KiB clusters. */
static void make_boot(uint8_t *b)
{
	memset(b, 0, NTFS_BOOT_SIZE);
	b[0] = 0xEB;
	b[1] = 0x52;
	b[2] = 0x90;
	memcpy(b + 3, "NTFS    ", 8);
	le16_put(b + 0x0B, 512);
	b[0x0D] = 8;
	b[0x15] = 0xF8;
	le16_put(b + 0x18, 63);
	le16_put(b + 0x1A, 255);
	put32(b + 0x1C, 128);
	put32(b + 0x24, 0x00800080);
	put64(b + 0x28, 518143);
	put64(b + 0x30, 21589);
	put64(b + 0x38, 2);
	b[0x40] = 0xF6; /* -10: 1 KiB records */
	b[0x44] = 0x01; /* 1 cluster per index record */
	put64(b + 0x48, 0x0870803570802C0EULL);
	b[0x1FE] = 0x55;
	b[0x1FF] = 0xAA;
}

Test(boot, decodes_windows_geometry)
{
	uint8_t b[NTFS_BOOT_SIZE];
	ntfs_boot bs;
	ntfs_error e;

	make_boot(b);
	cr_assert_eq(ntfs_boot_decode(b, sizeof(b), &bs, &e), NTFS_OK, "%s", e.reason);
	cr_assert_str_eq(bs.oem_id, "NTFS    ");
	cr_assert_eq(bs.bytes_per_sector, 512);
	cr_assert_eq(bs.sectors_per_cluster_raw, 8);
	cr_assert_eq(bs.cluster_size, 4096);
	cr_assert_eq(bs.total_sectors, 518143);
	cr_assert_eq(bs.volume_size, 518143ULL * 512);
	cr_assert_eq(bs.total_clusters, 64767);
	cr_assert_eq(bs.mft_lcn, 21589);
	cr_assert_eq(bs.mftmirr_lcn, 2);
	cr_assert_eq(bs.record_size_raw, -10);
	cr_assert_eq(bs.record_size, 1024);
	cr_assert_eq(bs.index_size_raw, 1);
	cr_assert_eq(bs.index_record_size, 4096);
	cr_assert_eq(bs.serial, 0x0870803570802C0EULL);
	cr_assert_eq(e.status, NTFS_OK);
}

Test(boot, plain_sectors_per_cluster_powers_of_two)
{
	uint8_t b[NTFS_BOOT_SIZE];
	ntfs_boot bs;
	unsigned spc;

	for (spc = 1; spc <= 128; spc <<= 1) {
		make_boot(b);
		b[0x0D] = (uint8_t)spc;
		put64(b + 0x30, 2); /* keep $MFT inside even with big clusters */
		cr_assert_eq(ntfs_boot_decode(b, sizeof(b), &bs, NULL), NTFS_OK, "spc %u", spc);
		cr_assert_eq(bs.cluster_size, 512 * spc);
		cr_assert_eq(bs.total_clusters, 518143ULL * 512 / (512 * spc));
	}
}

Test(boot, encoded_cluster_sizes_up_to_2_mib)
{
	static const struct {
		uint16_t bps;
		uint8_t raw;
		uint32_t cluster;
	} ok[] = {
		{512, 0xF4, 2u << 20}, {512, 0xF5, 1u << 20}, {512, 0xF6, 512u << 10}, {512, 0xF7, 256u << 10},
		{512, 0xF8, 128u << 10}, {4096, 0xF7, 2u << 20}, {256, 0xF3, 2u << 20}, {4096, 0xFF, 8192},
	};
	uint8_t b[NTFS_BOOT_SIZE];
	ntfs_boot bs;
	ntfs_error e;
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		make_boot(b);
		le16_put(b + 0x0B, ok[i].bps);
		b[0x0D] = ok[i].raw;
		put64(b + 0x28, 1ULL << 30); /* a big volume so $MFT at 21589 stays inside */
		cr_assert_eq(ntfs_boot_decode(b, sizeof(b), &bs, &e), NTFS_OK, "case %zu: %s", i, e.reason);
		cr_assert_eq(bs.cluster_size, ok[i].cluster, "case %zu: %u", i, bs.cluster_size);
		cr_assert_eq(bs.sectors_per_cluster_raw, ok[i].raw);
		/* 1 KiB records stay 1 KiB whatever the cluster (negative encoding). */
		cr_assert_eq(bs.record_size, 1024);
	}
}

Test(boot, rejects_clusters_over_2_mib_and_bad_counts)
{
	static const struct {
		uint16_t bps;
		uint8_t raw;
	} bad[] = {{512, 0xF3}, {4096, 0xF6}, {512, 0x81}, {512, 0xE0}, {512, 0x00}, {512, 3}, {512, 0x7F}, {512, 0x0C}};
	uint8_t b[NTFS_BOOT_SIZE];
	ntfs_boot bs;
	ntfs_error e;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		make_boot(b);
		le16_put(b + 0x0B, bad[i].bps);
		b[0x0D] = bad[i].raw;
		cr_assert_eq(ntfs_boot_decode(b, sizeof(b), &bs, &e), NTFS_E_INVALID, "case %zu", i);
		cr_assert(strstr(e.reason, "cluster") != NULL, "case %zu: %s", i, e.reason);
	}
}

Test(boot, sector_sizes)
{
	static const uint16_t good[] = {256, 512, 1024, 2048, 4096};
	static const uint16_t bad[] = {0, 128, 768, 8192, 513};
	uint8_t b[NTFS_BOOT_SIZE];
	ntfs_boot bs;
	ntfs_error e;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		make_boot(b);
		le16_put(b + 0x0B, good[i]);
		b[0x0D] = 1;
		b[0x44] = 0xF4; /* 4 KiB index records whatever the cluster */
		cr_assert_eq(ntfs_boot_decode(b, sizeof(b), &bs, &e), NTFS_OK, "%u: %s", good[i], e.reason);
		cr_assert_eq(bs.cluster_size, good[i]);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		make_boot(b);
		le16_put(b + 0x0B, bad[i]);
		cr_assert_eq(ntfs_boot_decode(b, sizeof(b), &bs, &e), NTFS_E_INVALID, "%u", bad[i]);
		cr_assert(strstr(e.reason, "bytes per sector") != NULL, "%s", e.reason);
	}
}

Test(boot, record_and_index_size_encodings)
{
	uint8_t b[NTFS_BOOT_SIZE];
	ntfs_boot bs;
	ntfs_error e;

	make_boot(b);
	b[0x40] = 0xF4; /* -12: 4 KiB */
	b[0x44] = 0xF4;
	cr_assert_eq(ntfs_boot_decode(b, sizeof(b), &bs, &e), NTFS_OK, "%s", e.reason);
	cr_assert_eq(bs.record_size, 4096);
	cr_assert_eq(bs.index_record_size, 4096);

	make_boot(b);
	b[0x0D] = 2; /* 1 KiB clusters, one cluster per record */
	b[0x40] = 1;
	cr_assert_eq(ntfs_boot_decode(b, sizeof(b), &bs, &e), NTFS_OK, "%s", e.reason);
	cr_assert_eq(bs.record_size, 1024);

	make_boot(b);
	b[0x40] = 0;
	cr_assert_eq(ntfs_boot_decode(b, sizeof(b), &bs, &e), NTFS_E_INVALID);
	cr_assert(strstr(e.reason, "file record") != NULL, "%s", e.reason);

	make_boot(b);
	b[0x40] = 3; /* 3 clusters = 12 KiB: not a power of two */
	cr_assert_eq(ntfs_boot_decode(b, sizeof(b), &bs, &e), NTFS_E_INVALID);

	make_boot(b);
	b[0x40] = (uint8_t)-31;
	cr_assert_eq(ntfs_boot_decode(b, sizeof(b), &bs, &e), NTFS_E_INVALID);

	make_boot(b);
	b[0x40] = 0x80; /* -128: the shift would be undefined */
	cr_assert_eq(ntfs_boot_decode(b, sizeof(b), &bs, &e), NTFS_E_INVALID);

	make_boot(b);
	b[0x40] = (uint8_t)-8; /* 256-byte records: below the update-sequence stride */
	cr_assert_eq(ntfs_boot_decode(b, sizeof(b), &bs, &e), NTFS_E_INVALID);

	make_boot(b);
	b[0x44] = 0;
	cr_assert_eq(ntfs_boot_decode(b, sizeof(b), &bs, &e), NTFS_E_INVALID);
	cr_assert(strstr(e.reason, "index record") != NULL, "%s", e.reason);
}

Test(boot, signatures)
{
	uint8_t b[NTFS_BOOT_SIZE];
	ntfs_boot bs;
	ntfs_error e;

	make_boot(b);
	memcpy(b + 3, "MSDOS5.0", 8);
	cr_assert_eq(ntfs_boot_decode(b, sizeof(b), &bs, &e), NTFS_E_SIGNATURE);
	cr_assert(strstr(e.reason, "OEM") != NULL, "%s", e.reason);

	make_boot(b);
	b[0x1FF] = 0x00;
	cr_assert_eq(ntfs_boot_decode(b, sizeof(b), &bs, &e), NTFS_E_SIGNATURE);
	cr_assert(strstr(e.reason, "0x1FE") != NULL, "%s", e.reason);
}

Test(boot, fat_only_fields_must_be_zero)
{
	static const unsigned offsets[] = {0x0E, 0x10, 0x11, 0x13, 0x16, 0x20};
	uint8_t b[NTFS_BOOT_SIZE];
	ntfs_boot bs;
	ntfs_error e;
	size_t i;

	for (i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
		make_boot(b);
		b[offsets[i]] = 1;
		cr_assert_eq(ntfs_boot_decode(b, sizeof(b), &bs, &e), NTFS_E_INVALID, "offset 0x%x", offsets[i]);
		cr_assert(strstr(e.reason, "must be 0") != NULL, "%s", e.reason);
	}
}

Test(boot, mft_locations_must_lie_in_the_volume)
{
	uint8_t b[NTFS_BOOT_SIZE];
	ntfs_boot bs;
	ntfs_error e;

	make_boot(b);
	put64(b + 0x30, 64767); /* first cluster past the end */
	cr_assert_eq(ntfs_boot_decode(b, sizeof(b), &bs, &e), NTFS_E_RANGE);
	cr_assert(strstr(e.reason, "$MFT LCN 64767") != NULL, "%s", e.reason);

	make_boot(b);
	put64(b + 0x30, 64766); /* last cluster: allowed */
	cr_assert_eq(ntfs_boot_decode(b, sizeof(b), &bs, &e), NTFS_OK, "%s", e.reason);

	make_boot(b);
	put64(b + 0x38, UINT64_MAX);
	cr_assert_eq(ntfs_boot_decode(b, sizeof(b), &bs, &e), NTFS_E_RANGE);
	cr_assert(strstr(e.reason, "$MFTMirr") != NULL, "%s", e.reason);
}

Test(boot, total_sectors_zero_tiny_or_overflowing)
{
	uint8_t b[NTFS_BOOT_SIZE];
	ntfs_boot bs;
	ntfs_error e;

	make_boot(b);
	put64(b + 0x28, 0);
	cr_assert_eq(ntfs_boot_decode(b, sizeof(b), &bs, &e), NTFS_E_INVALID);

	make_boot(b);
	put64(b + 0x28, 7); /* less than one 8-sector cluster */
	cr_assert_eq(ntfs_boot_decode(b, sizeof(b), &bs, &e), NTFS_E_INVALID);

	make_boot(b);
	put64(b + 0x28, UINT64_MAX / 256);
	cr_assert_eq(ntfs_boot_decode(b, sizeof(b), &bs, &e), NTFS_E_INVALID);
	cr_assert(strstr(e.reason, "overflow") != NULL, "%s", e.reason);
}

Test(boot, every_prefix_is_truncated)
{
	uint8_t full[NTFS_BOOT_SIZE];
	ntfs_boot bs;
	ntfs_error e;
	size_t n;

	make_boot(full);
	for (n = 0; n < NTFS_BOOT_SIZE; n++) {
		uint8_t *p = malloc(n ? n : 1);
		memcpy(p, full, n);
		cr_assert_eq(ntfs_boot_decode(p, n, &bs, &e), NTFS_E_TRUNCATED, "len %zu", n);
		free(p);
	}
	cr_assert_eq(ntfs_boot_decode(NULL, 512, &bs, &e), NTFS_E_TRUNCATED);
}

Test(boot, longer_buffer_is_fine)
{
	uint8_t b[4096];
	ntfs_boot bs;

	memset(b, 0xCC, sizeof(b));
	make_boot(b);
	cr_assert_eq(ntfs_boot_decode(b, sizeof(b), &bs, NULL), NTFS_OK);
	cr_assert_eq(bs.mft_lcn, 21589);
}
