/* SPDX-License-Identifier: Apache-2.0 */
/* NTFS boot sector decoder: geometry, record sizes and the $MFT location, validated as Windows would. */
#include "boot.h"

#include <string.h>

#include "le.h"

/* Field offsets in the boot sector (BIOS parameter block and NTFS extension). */
enum {
	BS_OEM = 0x03,
	BS_BYTES_PER_SECTOR = 0x0B,
	BS_SECTORS_PER_CLUSTER = 0x0D,
	BS_RESERVED_SECTORS = 0x0E,
	BS_FATS = 0x10,
	BS_ROOT_ENTRIES = 0x11,
	BS_SECTORS16 = 0x13,
	BS_SECTORS_PER_FAT = 0x16,
	BS_SECTORS32 = 0x20,
	BS_TOTAL_SECTORS = 0x28,
	BS_MFT_LCN = 0x30,
	BS_MFTMIRR_LCN = 0x38,
	BS_RECORD_SIZE = 0x40,
	BS_INDEX_SIZE = 0x44,
	BS_SERIAL = 0x48,
	BS_END_SIGNATURE = 0x1FE
};

#define NTFS_MAX_CLUSTER_SIZE (2u * 1024u * 1024u)
#define NTFS_MIN_RECORD_SIZE 512u
#define NTFS_MAX_RECORD_SIZE 16384u /* NTFS_RECORD_MAX_SECTORS update-sequence strides of 512 bytes */
#define NTFS_MIN_INDEX_SIZE 512u

/* True for a non-zero power of two: sector, cluster and record sizes must be. */
static int is_pow2(uint64_t v)
{
	return v != 0 && (v & (v - 1)) == 0;
}

/* The OEM id and the 0x55AA end marker identify an NTFS boot sector. */
static ntfs_status check_signatures(const uint8_t *buf, ntfs_boot *out, ntfs_error *err)
{
	memcpy(out->oem_id, buf + BS_OEM, 8);
	out->oem_id[8] = '\0';
	if (memcmp(out->oem_id, "NTFS    ", 8) != 0)
		return ntfs_error_set(err, NTFS_E_SIGNATURE, "boot sector OEM id at 0x03 is not \"NTFS    \"");
	if (buf[BS_END_SIGNATURE] != 0x55 || buf[BS_END_SIGNATURE + 1] != 0xAA)
		return ntfs_error_set(err, NTFS_E_SIGNATURE, "boot sector end marker at 0x1FE is %02x%02x, not 55aa",
				      buf[BS_END_SIGNATURE], buf[BS_END_SIGNATURE + 1]);
	return NTFS_OK;
}

/* Windows refuses a boot sector whose FAT-only BPB fields are non-zero (that is how it tells NTFS from FAT). */
static ntfs_status check_fat_fields_zero(const uint8_t *buf, ntfs_error *err)
{
	if (le16(buf + BS_RESERVED_SECTORS) != 0)
		return ntfs_error_set(err, NTFS_E_INVALID, "reserved sectors at 0x0E is %u, must be 0",
				      le16(buf + BS_RESERVED_SECTORS));
	if (buf[BS_FATS] != 0)
		return ntfs_error_set(err, NTFS_E_INVALID, "FAT count at 0x10 is %u, must be 0", buf[BS_FATS]);
	if (le16(buf + BS_ROOT_ENTRIES) != 0)
		return ntfs_error_set(err, NTFS_E_INVALID, "root entries at 0x11 is %u, must be 0",
				      le16(buf + BS_ROOT_ENTRIES));
	if (le16(buf + BS_SECTORS16) != 0)
		return ntfs_error_set(err, NTFS_E_INVALID, "16-bit sector count at 0x13 is %u, must be 0",
				      le16(buf + BS_SECTORS16));
	if (le16(buf + BS_SECTORS_PER_FAT) != 0)
		return ntfs_error_set(err, NTFS_E_INVALID, "sectors per FAT at 0x16 is %u, must be 0",
				      le16(buf + BS_SECTORS_PER_FAT));
	if (le32(buf + BS_SECTORS32) != 0)
		return ntfs_error_set(err, NTFS_E_INVALID, "32-bit sector count at 0x20 is %u, must be 0",
				      le32(buf + BS_SECTORS32));
	return NTFS_OK;
}

/* Sector size must be a power of two from 256 to 4096 bytes. */
static ntfs_status decode_sector_size(const uint8_t *buf, ntfs_boot *out, ntfs_error *err)
{
	out->bytes_per_sector = le16(buf + BS_BYTES_PER_SECTOR);
	if (!is_pow2(out->bytes_per_sector) || out->bytes_per_sector < 256 || out->bytes_per_sector > 4096)
		return ntfs_error_set(err, NTFS_E_INVALID,
				      "bytes per sector at 0x0B is %u, not a power of two in 256..4096",
				      out->bytes_per_sector);
	return NTFS_OK;
}

/* Cluster size: 1..128 sectors as a count, or (byte > 0x80) 2^(256-byte) sectors for clusters over 64 KiB. */
static ntfs_status decode_cluster_size(const uint8_t *buf, ntfs_boot *out, ntfs_error *err)
{
	uint8_t raw = buf[BS_SECTORS_PER_CLUSTER];
	uint64_t size;

	out->sectors_per_cluster_raw = raw;
	if (raw <= 0x80) {
		if (!is_pow2(raw))
			return ntfs_error_set(err, NTFS_E_INVALID,
					      "sectors per cluster at 0x0D is %u, not a power of two in 1..128", raw);
		size = (uint64_t)out->bytes_per_sector * raw;
	} else {
		unsigned shift = 256u - raw;
		if (shift > 21) /* 2^21 sectors would already exceed 2 MiB; also keeps the shift defined */
			return ntfs_error_set(err, NTFS_E_INVALID,
					      "sectors per cluster at 0x0D is 0x%02x (2^%u sectors), cluster over 2 MiB",
					      raw, shift);
		size = (uint64_t)out->bytes_per_sector << shift;
	}
	if (size > NTFS_MAX_CLUSTER_SIZE)
		return ntfs_error_set(err, NTFS_E_INVALID,
				      "cluster size %llu bytes (sectors per cluster byte 0x%02x) is over 2 MiB",
				      (unsigned long long)size, raw);
	out->cluster_size = (uint32_t)size;
	return NTFS_OK;
}

/*
 * Decodes a signed "clusters per record" byte: positive counts clusters, negative n means 2^-n bytes.
 * The result must be a power of two within [min, max].
 */
static ntfs_status decode_record_size(int8_t raw, uint32_t cluster_size, uint32_t min, uint32_t max,
				      const char *what, unsigned field, uint32_t *size, ntfs_error *err)
{
	uint64_t v;

	if (raw == 0)
		return ntfs_error_set(err, NTFS_E_INVALID, "%s size byte at 0x%02X is 0", what, field);
	if (raw > 0) {
		v = (uint64_t)cluster_size * (uint64_t)raw;
	} else {
		unsigned shift = (unsigned)(-(int)raw);
		if (shift > 31)
			return ntfs_error_set(err, NTFS_E_INVALID, "%s size byte at 0x%02X is %d (2^%u bytes), too large",
					      what, field, raw, shift);
		v = (uint64_t)1 << shift;
	}
	if (!is_pow2(v) || v < min || v > max)
		return ntfs_error_set(err, NTFS_E_INVALID,
				      "%s size %llu bytes (byte %d at 0x%02X) is not a power of two in %u..%u",
				      what, (unsigned long long)v, raw, field, min, max);
	*size = (uint32_t)v;
	return NTFS_OK;
}

/* Total sectors give the volume size; both the $MFT and $MFTMirr must start inside the volume. */
static ntfs_status decode_geometry(const uint8_t *buf, ntfs_boot *out, ntfs_error *err)
{
	out->total_sectors = le64(buf + BS_TOTAL_SECTORS);
	if (out->total_sectors == 0)
		return ntfs_error_set(err, NTFS_E_INVALID, "total sectors at 0x28 is 0");
	if (out->total_sectors > UINT64_MAX / out->bytes_per_sector)
		return ntfs_error_set(err, NTFS_E_INVALID, "total sectors at 0x28 (%llu) overflows the volume size",
				      (unsigned long long)out->total_sectors);
	out->volume_size = out->total_sectors * out->bytes_per_sector;
	out->total_clusters = out->volume_size / out->cluster_size;
	if (out->total_clusters == 0)
		return ntfs_error_set(err, NTFS_E_INVALID, "volume of %llu bytes holds no whole %u-byte cluster",
				      (unsigned long long)out->volume_size, out->cluster_size);
	out->mft_lcn = le64(buf + BS_MFT_LCN);
	out->mftmirr_lcn = le64(buf + BS_MFTMIRR_LCN);
	if (out->mft_lcn >= out->total_clusters)
		return ntfs_error_set(err, NTFS_E_RANGE, "$MFT LCN %llu at 0x30 is past the volume's %llu clusters",
				      (unsigned long long)out->mft_lcn, (unsigned long long)out->total_clusters);
	if (out->mftmirr_lcn >= out->total_clusters)
		return ntfs_error_set(err, NTFS_E_RANGE, "$MFTMirr LCN %llu at 0x38 is past the volume's %llu clusters",
				      (unsigned long long)out->mftmirr_lcn, (unsigned long long)out->total_clusters);
	return NTFS_OK;
}

/* Decodes and validates a boot sector; rejects what Windows would reject, with the reason in err. */
ntfs_status ntfs_boot_decode(const uint8_t *buf, size_t len, ntfs_boot *out, ntfs_error *err)
{
	ntfs_status st;

	memset(out, 0, sizeof(*out));
	if (buf == NULL || len < NTFS_BOOT_SIZE)
		return ntfs_error_set(err, NTFS_E_TRUNCATED, "boot sector needs %d bytes, have %zu", NTFS_BOOT_SIZE,
				      buf ? len : 0);
	if ((st = check_signatures(buf, out, err)) != NTFS_OK)
		return st;
	if ((st = check_fat_fields_zero(buf, err)) != NTFS_OK)
		return st;
	if ((st = decode_sector_size(buf, out, err)) != NTFS_OK)
		return st;
	if ((st = decode_cluster_size(buf, out, err)) != NTFS_OK)
		return st;
	out->record_size_raw = (int8_t)buf[BS_RECORD_SIZE];
	out->index_size_raw = (int8_t)buf[BS_INDEX_SIZE];
	if ((st = decode_record_size(out->record_size_raw, out->cluster_size, NTFS_MIN_RECORD_SIZE,
				     NTFS_MAX_RECORD_SIZE, "file record", BS_RECORD_SIZE, &out->record_size, err)) != NTFS_OK)
		return st;
	if ((st = decode_record_size(out->index_size_raw, out->cluster_size, NTFS_MIN_INDEX_SIZE,
				     NTFS_MAX_CLUSTER_SIZE, "index record", BS_INDEX_SIZE, &out->index_record_size,
				     err)) != NTFS_OK)
		return st;
	if ((st = decode_geometry(buf, out, err)) != NTFS_OK)
		return st;
	out->serial = le64(buf + BS_SERIAL);
	ntfs_error_clear(err);
	return NTFS_OK;
}
