/* SPDX-License-Identifier: Apache-2.0 */
/* MFT file record ("FILE"/"BAAD"): update sequence fixups and the record header. */
#ifndef NTFSLINKS_RECORD_H
#define NTFSLINKS_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "ntfs_error.h"

#define NTFS_RECORD_FLAG_IN_USE    0x0001
#define NTFS_RECORD_FLAG_DIRECTORY 0x0002 /* has a $I30 index */
#define NTFS_RECORD_FLAG_EXTEND    0x0004 /* in $Extend */
#define NTFS_RECORD_FLAG_VIEW_INDEX 0x0008

/* At most 32 update-sequence strides per record (16 KiB of 512-byte strides); bit i of bad_mask = stride i mismatched. */
#define NTFS_RECORD_MAX_SECTORS 32

/* Windows protects multi-sector records every 512 bytes whatever the device's sector size. */
#define NTFS_USA_STRIDE 512

typedef struct {
	bool is_baad;             /* signature "BAAD": Windows found it corrupt */
	uint16_t usa_offset;
	uint16_t usa_count;       /* update sequence number + one entry per sector */
	uint64_t lsn;
	uint16_t sequence;
	uint16_t link_count;      /* the header's hard link count */
	uint16_t attrs_offset;    /* offset of the first attribute */
	uint16_t flags;           /* NTFS_RECORD_FLAG_* */
	uint32_t bytes_in_use;
	uint32_t bytes_allocated;
	uint64_t base_ref;        /* 0 for a base record; else the base record's file reference */
	uint16_t next_attr_id;
	bool has_record_number;   /* NTFS 3.1 records store their own number */
	uint32_t record_number;
} ntfs_record_header;

typedef struct {
	unsigned sectors;         /* sectors covered by the update sequence array */
	unsigned bad_count;       /* sectors whose last two bytes did not match the update sequence number */
	uint32_t bad_mask;        /* bit i set: sector i mismatched */
} ntfs_record_fixups;

/*
 * Decodes the header; checks signature, USA bounds and attribute offset against len, and bytes in use
 * against bytes allocated and the first attribute. Bytes in use are not checked against len (a header-only
 * prefix decodes; walk min(bytes_in_use, len)); compare bytes_allocated with the volume's record size.
 */
ntfs_status ntfs_record_decode_header(const uint8_t *buf, size_t len, ntfs_record_header *out, ntfs_error *err);

/*
 * Applies the update sequence array in place to buf, the caller's private copy of one record
 * (never the image). Mismatching sectors are counted in fx and left as read; the record stays usable.
 * Fails only when the array itself cannot be applied (bounds, sector size).
 * sector_size is the update-sequence stride: pass NTFS_USA_STRIDE (512), also on 4 KiB-sector volumes;
 * the array must cover exactly len bytes ((usa_count - 1) * sector_size == len). It does not check the
 * signature, so it serves INDX records too.
 */
ntfs_status ntfs_record_apply_fixups(uint8_t *buf, size_t len, uint32_t sector_size, ntfs_record_fixups *fx,
				     ntfs_error *err);

/* True when buf starts with a FILE or BAAD signature (cheap test for "is this an MFT?"). */
bool ntfs_record_has_signature(const uint8_t *buf, size_t len);

#endif
