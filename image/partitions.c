/* SPDX-License-Identifier: Apache-2.0 */
/* The partition table of an image (MBR, GPT, … via libtsk's vs layer), or the whole image as one volume. */
#include "config.h"
#include "image_priv.h"

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
	*parts = arr;
	*count = n;
	return NTFS_OK;
}

ntfs_status image_list_partitions(image *img, image_partition **parts, size_t *count, ntfs_error *err)
{
	if (!img || !parts || !count)
		return ntfs_error_set(err, NTFS_E_INVALID, "image_list_partitions: null argument");
	*parts = NULL;
	*count = 0;
	if (img->format == IMAGE_FORMAT_MFT_FILE || img->mem) /* memory images: no vs layer (it reads files) */
		return part_whole_image(img, parts, count, err);
	uint8_t first[512];
	size_t got = 0;
	ntfs_status s = image_read(img, 0, first, sizeof(first), &got, err);
	if (s != NTFS_OK)
		return s;
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
