/* SPDX-License-Identifier: Apache-2.0 */
/* The partition table of an image (MBR, GPT, … via libtsk's vs layer), or the whole image as one volume. */
#include "config.h"
#include "container.h"
#include "image.h"

#include "gpt.h"
#include "le.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* True when the sector at offset starts like an NTFS boot sector (OEM id "NTFS    " at byte 3). */
static bool sector_is_ntfs(image *img, uint64_t offset)
{
	uint8_t sec[16];
	size_t got = 0;
	if (image_read(img, offset, sec, sizeof(sec), &got, NULL) != NTFS_OK || got < 11)
		return false;
	return memcmp(sec + 3, "NTFS    ", 8) == 0;
}

/* True when the partition [offset, offset+length) holds NTFS: its boot sector, or, when that one is
 * damaged, the backup copy NTFS keeps in the partition's last sector (volume_open then uses the backup
 * and says so with a backup_boot_sector_used anomaly). */
static bool part_is_ntfs(image *img, uint64_t offset, uint64_t length)
{
	if (sector_is_ntfs(img, offset))
		return true;
	return length >= 2 * 512 && sector_is_ntfs(img, offset + (length / 512 - 1) * 512);
}

static ntfs_status part_whole_image(image *img, image_partition **parts, size_t *count, ntfs_error *err);

/* The bytes that hold the partition tables: the MBR, and the GPT header and its 128 entries. */
#define PART_TABLE_BYTES (34u * 512u)

/* How far past the last volume found (or the start) the boot-sector search looks. */
#define PART_SCAN_WINDOW ((uint64_t)256 << 20)

#define PART_MIB ((uint64_t)1 << 20)

/* True when an E01 chunk holding the partition tables failed its checksum (libewf then reads it as zeros),
 * so no table read from it can be trusted. */
static bool part_table_damaged(image *img)
{
	uint64_t off[64], len[64];
	size_t n = image_checksum_errors(img, off, len, 64);
	for (size_t i = 0; i < n && i < 64; i++)
		if (off[i] < PART_TABLE_BYTES)
			return true;
	return false;
}

/* Length in bytes of the NTFS volume whose boot sector (or backup) is at offset, the backup sector
 * included; 0 when there is none. Only the OEM id, bytes per sector and total sectors are used. */
static uint64_t part_ntfs_length(image *img, uint64_t offset)
{
	uint8_t b[512];
	size_t got = 0;
	if (image_read(img, offset, b, sizeof(b), &got, NULL) != NTFS_OK || got < 48 || memcmp(b + 3, "NTFS    ", 8) != 0)
		return 0;
	uint32_t bps = (uint32_t)b[11] | (uint32_t)b[12] << 8;
	uint64_t total = 0;
	for (int i = 7; i >= 0; i--)
		total = total << 8 | b[40 + i];
	if (bps < 256 || bps > 4096 || (bps & (bps - 1)) || total == 0 || total > (UINT64_MAX / bps) - 1)
		return 0;
	return (total + 1) * bps;
}

/* Appends one volume found by its boot sector to the growing list. Returns false when out of memory. */
static bool part_add_found(image *img, image_partition **arr, size_t *n, uint64_t offset, uint64_t length, bool backup)
{
	image_partition *grown = realloc(*arr, (*n + 1) * sizeof(**arr));
	if (!grown)
		return false;
	*arr = grown;
	image_partition *p = &grown[(*n)++];
	memset(p, 0, sizeof(*p));
	p->offset = offset;
	p->length = offset + length <= img->size ? length : img->size - offset;
	snprintf(p->table, sizeof(p->table), "scan");
	snprintf(p->slot, sizeof(p->slot), "-");
	snprintf(p->description, sizeof(p->description), "NTFS %s boot sector found by scanning (the partition table "
		 "lies in an E01 chunk that failed its checksum)", backup ? "backup" : "primary");
	p->is_ntfs = true;
	return true;
}

/*
 * When the partition table cannot be trusted: looks for NTFS boot sectors where volumes usually start
 * (sectors 63 and 128, then every MiB, up to PART_SCAN_WINDOW past the start or the end of the last volume
 * found), and for the backup boot sector in the image's last sector (the last volume, when its start was
 * in a damaged chunk). Each volume found becomes an entry of table "scan"; none found: the whole image.
 */
static ntfs_status part_scan_boot_sectors(image *img, image_partition **parts, size_t *count, ntfs_error *err)
{
	image_partition *arr = NULL;
	size_t n = 0;
	uint64_t end = 0; /* where the last volume found ends */
	const uint64_t early[] = {63 * 512, 128 * 512};
	for (size_t i = 0; i < sizeof(early) / sizeof(early[0]); i++) {
		uint64_t len = early[i] >= end ? part_ntfs_length(img, early[i]) : 0;
		if (len && !part_add_found(img, &arr, &n, early[i], len, false))
			goto nomem;
		if (len)
			end = early[i] + len;
	}
	for (uint64_t pos = PART_MIB; pos < img->size && pos < end + PART_SCAN_WINDOW;) {
		uint64_t len = pos >= end ? part_ntfs_length(img, pos) : 0;
		if (len) {
			if (!part_add_found(img, &arr, &n, pos, len, false))
				goto nomem;
			end = pos + len;
			pos = (end + PART_MIB - 1) / PART_MIB * PART_MIB;
		} else {
			pos += PART_MIB;
		}
	}
	if (img->size >= 1024) { /* the backup boot sector of a volume that ends with the image */
		uint64_t last = img->size - 512, len = part_ntfs_length(img, last);
		if (len && len <= img->size && img->size - len >= end && !part_add_found(img, &arr, &n, img->size - len, len, true))
			goto nomem;
	}
	if (n == 0) {
		free(arr);
		return part_whole_image(img, parts, count, err);
	}
	*parts = arr;
	*count = n;
	return NTFS_OK;
nomem:
	free(arr);
	return ntfs_error_set(err, NTFS_E_NOMEM, "%s: out of memory", img->path);
}

/* Returns the single entry that stands for an image without a partition table. */
static ntfs_status part_whole_image(image *img, image_partition **parts, size_t *count, ntfs_error *err)
{
	image_partition *p = calloc(1, sizeof(*p));
	if (!p)
		return ntfs_error_set(err, NTFS_E_NOMEM, "%s: out of memory", img->path);
	p->offset = 0;
	p->length = img->size;
	snprintf(p->table, sizeof(p->table), "none");
	snprintf(p->slot, sizeof(p->slot), "-");
	snprintf(p->description, sizeof(p->description), "%s",
		 img->format == IMAGE_FORMAT_MFT_FILE ? "extracted $MFT file" : "whole image (no partition table)");
	p->is_ntfs = img->format != IMAGE_FORMAT_MFT_FILE && part_is_ntfs(img, 0, img->size);
	*parts = p;
	*count = 1;
	return NTFS_OK;
}

/* True when TSK's last error says it found several table types ("GPT or DOS at 0"); TSK 4.11 has no
 * distinct error number for that, only this message. */
static bool part_multiple_types(void)
{
	const char *msg = tsk_error_get_errstr();
	return msg && strstr(msg, " or ") && strstr(msg, " at ");
}

/* Opens the volume system. A primary GPT is taken first: TSK 4.11's autodetection leaks the protective
 * MBR's table when it picks GPT over it. Otherwise autodetection; when TSK finds several table types
 * (e.g. a hybrid MBR), GPT then DOS. An explicit DOS open is only tried then, because it skips TSK's
 * check that sector 0 is not a FAT/NTFS boot sector. NULL means no partition table. */
static TSK_VS_INFO *part_open_vs(TSK_IMG_INFO *ti)
{
	TSK_VS_INFO *vs = tsk_vs_open(ti, 0, TSK_VS_TYPE_GPT);
	if (vs && !vs->is_backup)
		return vs;
	tsk_vs_close(vs);
	vs = tsk_vs_open(ti, 0, TSK_VS_TYPE_DETECT);
	if (vs || !part_multiple_types())
		return vs;
	vs = tsk_vs_open(ti, 0, TSK_VS_TYPE_GPT);
	if (!vs)
		vs = tsk_vs_open(ti, 0, TSK_VS_TYPE_DOS);
	return vs;
}

/* Copies one allocated TSK partition into our struct. */
static void part_fill(image *img, const TSK_VS_INFO *vs, const TSK_VS_PART_INFO *tp, image_partition *p)
{
	memset(p, 0, sizeof(*p));
	p->offset = vs->offset + (uint64_t)tp->start * vs->block_size;
	p->length = (uint64_t)tp->len * vs->block_size;
	const char *table = vs->vstype == TSK_VS_TYPE_DOS ? "dos"
			  : vs->vstype == TSK_VS_TYPE_GPT ? "gpt" : tsk_vs_type_toname(vs->vstype);
	snprintf(p->table, sizeof(p->table), "%s", table ? table : "unknown");
	if (tp->table_num < 0)   /* GPT: one table, mmls shows the bare entry number */
		snprintf(p->slot, sizeof(p->slot), "%03d", (int)tp->slot_num);
	else
		snprintf(p->slot, sizeof(p->slot), "%03d:%03d", (int)tp->table_num, (int)tp->slot_num);
	snprintf(p->description, sizeof(p->description), "%s", tp->desc ? tp->desc : "");
	p->is_ntfs = part_is_ntfs(img, p->offset, p->length);
}

/*
 * Gives the partitions of a GPT the unique GUIDs of their entries (matched by first sector), read from the
 * primary table that vs was opened from; Windows names GPT volumes by them. Unreadable entries leave has_guid
 * false.
 */
static void part_gpt_guids(image *img, const TSK_VS_INFO *vs, image_partition *arr, size_t n)
{
	uint64_t bs = vs->block_size;
	uint8_t hdr[512];
	size_t got = 0;
	ntfs_gpt_header gh;
	if (bs < 512 || image_read(img, vs->offset + bs, hdr, sizeof(hdr), &got, NULL) != NTFS_OK || got != sizeof(hdr) ||
	    ntfs_gpt_header_decode(hdr, sizeof(hdr), &gh, NULL) != NTFS_OK)
		return;
	size_t len = (size_t)gh.entry_count * gh.entry_size;
	uint8_t *ents = malloc(len ? len : 1);
	if (!ents || gh.entries_lba > UINT64_MAX / bs ||
	    image_read(img, vs->offset + gh.entries_lba * bs, ents, len, &got, NULL) != NTFS_OK) {
		free(ents);
		return;
	}
	for (size_t e = 0; e < gh.entry_count && (e + 1) * gh.entry_size <= got; e++) {
		ntfs_gpt_entry ge;
		if (ntfs_gpt_entry_decode(ents + e * gh.entry_size, gh.entry_size, &ge, NULL) != NTFS_OK ||
		    ge.first_lba > UINT64_MAX / bs)
			continue;
		for (size_t i = 0; i < n; i++)
			if (!arr[i].has_guid && arr[i].offset == vs->offset + ge.first_lba * bs) {
				memcpy(arr[i].guid, ge.unique_guid, 16);
				arr[i].has_guid = true;
			}
	}
	free(ents);
}

/* Gives the partitions of an MBR the disk signature of sector 0 of the table vs was opened from. */
static void part_mbr_signature(image *img, const TSK_VS_INFO *vs, image_partition *arr, size_t n)
{
	uint8_t sig[4];
	size_t got = 0;
	if (image_read(img, vs->offset + 440, sig, sizeof(sig), &got, NULL) != NTFS_OK || got != sizeof(sig))
		return;
	for (size_t i = 0; i < n; i++)
		arr[i].disk_signature = le32(sig);
}

/* Collects the allocated partitions of vs into a malloc'd array. */
static ntfs_status part_collect(image *img, TSK_VS_INFO *vs, image_partition **parts, size_t *count,
				ntfs_error *err)
{
	image_partition *arr = calloc(vs->part_count ? vs->part_count : 1, sizeof(*arr));
	size_t n = 0;
	if (!arr)
		return ntfs_error_set(err, NTFS_E_NOMEM, "%s: out of memory", img->path);
	for (TSK_PNUM_T i = 0; i < vs->part_count; i++) {
		const TSK_VS_PART_INFO *tp = tsk_vs_part_get(vs, i);
		if (tp && (tp->flags & TSK_VS_PART_FLAG_ALLOC))
			part_fill(img, vs, tp, &arr[n++]);
	}
	if (vs->vstype == TSK_VS_TYPE_GPT)
		part_gpt_guids(img, vs, arr, n);
	else if (vs->vstype == TSK_VS_TYPE_DOS)
		part_mbr_signature(img, vs, arr, n);
	*parts = arr;
	*count = n;
	return NTFS_OK;
}

/* LDM's GPT partition types (Windows dynamic disks): its metadata and its data partitions. */
static const char *const PART_LDM_GUIDS[] = {"5808c8aa-7e8f-42e0-85d2-e1e90434cfb3", "af9b60a0-1431-4f62-bc68-3311714a69ad"};

/*
 * What marks the first bytes of a disk (got of them, from sector 0, 512-byte sectors) as a Windows dynamic
 * disk, whose volumes the LDM database at its end lays out (ntfslinks does not read it): an MBR entry of
 * type 0x42, or a GPT entry of an LDM type. NULL when neither.
 */
static const char *part_dynamic_disk(const uint8_t *first, size_t got)
{
	if (got >= 512 && first[510] == 0x55 && first[511] == 0xAA)
		for (int i = 0; i < 4; i++)
			if (first[446 + 16 * i + 4] == 0x42)
				return "an MBR partition of type 0x42";
	ntfs_gpt_header gh;
	if (got < 1024 || ntfs_gpt_header_decode(first + 512, 512, &gh, NULL) != NTFS_OK || gh.entries_lba >= got / 512)
		return NULL;
	uint8_t ldm[2][16];
	if (ntfs_guid_parse(PART_LDM_GUIDS[0], ldm[0]) || ntfs_guid_parse(PART_LDM_GUIDS[1], ldm[1]))
		return NULL;
	size_t at = (size_t)gh.entries_lba * 512;
	for (uint32_t e = 0; e < gh.entry_count && at + (size_t)(e + 1) * gh.entry_size <= got; e++) {
		ntfs_gpt_entry ge;
		if (ntfs_gpt_entry_decode(first + at + (size_t)e * gh.entry_size, gh.entry_size, &ge, NULL) != NTFS_OK)
			continue;
		if (!memcmp(ge.type_guid, ldm[0], 16))
			return "a GPT partition of type LDM metadata";
		if (!memcmp(ge.type_guid, ldm[1], 16))
			return "a GPT partition of type LDM data";
	}
	return NULL;
}

ntfs_status image_list_partitions(image *img, image_partition **parts, size_t *count, ntfs_error *err)
{
	if (!img || !parts || !count)
		return ntfs_error_set(err, NTFS_E_INVALID, "image_list_partitions: null argument");
	*parts = NULL;
	*count = 0;
	if (img->format == IMAGE_FORMAT_MFT_FILE || img->mem) /* memory images: no vs layer (it reads files) */
		return part_whole_image(img, parts, count, err);
	uint8_t first[PART_TABLE_BYTES];
	size_t got = 0;
	ntfs_status s = image_read(img, 0, first, sizeof(first), &got, err);
	if (s != NTFS_OK)
		return s;
	if (part_table_damaged(img))
		return part_scan_boot_sectors(img, parts, count, err);
	const char *ldm = part_dynamic_disk(first, got);
	if (ldm)
		return ntfs_error_set(err, NTFS_E_UNSUPPORTED,
				      "%s: a Windows dynamic disk (LDM: %s) is not supported: its volumes are laid out by the "
				      "LDM database, which ntfslinks does not read (give --offset of a volume to analyse it)",
				      img->path, ldm);
	TSK_IMG_INFO *ti = NULL;
	if ((s = image_tsk_handle(img, &ti, err)) != NTFS_OK)
		return s;
	TSK_VS_INFO *vs = part_open_vs(ti);
	if (!vs)
		return part_whole_image(img, parts, count, err);
	s = part_collect(img, vs, parts, count, err);
	tsk_vs_close(vs);
	if (s == NTFS_OK && *count == 0) {
		free(*parts);
		*parts = NULL;
		return part_whole_image(img, parts, count, err);
	}
	return s;
}
