/* SPDX-License-Identifier: Apache-2.0 */
/*
 * USN change journal records ($Extend\$UsnJrnl:$J): USN_RECORD_V2, V3 (128-bit file ids) and V4 (range
 * tracking extents) as MS-FSCC and winioctl.h lay them out. A $J stream is a sequence of 4 KiB journal pages; records are
 * 8-byte aligned, never cross a page, and the rest of a page after its last record is zeros (libfsntfs
 * documentation, "USN change journal entries"). The purged start of a live journal is sparse: it reads as
 * zeros. The USN of a record is its byte offset in the $J stream.
 */
#ifndef NTFSLINKS_USN_RECORD_H
#define NTFSLINKS_USN_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "ntfs_error.h"

#define NTFS_USN_PAGE_SIZE 4096u /* a record never crosses a page of the $J stream */
#define NTFS_USN_ALIGN 8u        /* records start and end on 8-byte boundaries */

/* Fixed header sizes; the V2/V3 name and the V4 extents follow. */
#define NTFS_USN_V2_HEADER 60u
#define NTFS_USN_V3_HEADER 76u
#define NTFS_USN_V4_HEADER 64u
#define NTFS_USN_EXTENT_SIZE 16u /* USN_RECORD_EXTENT: offset and length, 8 bytes each */

/* Reason flags (USN_REASON_*). */
#define NTFS_USN_REASON_DATA_OVERWRITE 0x00000001u
#define NTFS_USN_REASON_DATA_EXTEND 0x00000002u
#define NTFS_USN_REASON_DATA_TRUNCATION 0x00000004u
#define NTFS_USN_REASON_NAMED_DATA_OVERWRITE 0x00000010u
#define NTFS_USN_REASON_NAMED_DATA_EXTEND 0x00000020u
#define NTFS_USN_REASON_NAMED_DATA_TRUNCATION 0x00000040u
#define NTFS_USN_REASON_FILE_CREATE 0x00000100u
#define NTFS_USN_REASON_FILE_DELETE 0x00000200u
#define NTFS_USN_REASON_EA_CHANGE 0x00000400u
#define NTFS_USN_REASON_SECURITY_CHANGE 0x00000800u
#define NTFS_USN_REASON_RENAME_OLD_NAME 0x00001000u
#define NTFS_USN_REASON_RENAME_NEW_NAME 0x00002000u
#define NTFS_USN_REASON_INDEXABLE_CHANGE 0x00004000u
#define NTFS_USN_REASON_BASIC_INFO_CHANGE 0x00008000u
#define NTFS_USN_REASON_HARD_LINK_CHANGE 0x00010000u
#define NTFS_USN_REASON_COMPRESSION_CHANGE 0x00020000u
#define NTFS_USN_REASON_ENCRYPTION_CHANGE 0x00040000u
#define NTFS_USN_REASON_OBJECT_ID_CHANGE 0x00080000u
#define NTFS_USN_REASON_REPARSE_POINT_CHANGE 0x00100000u
#define NTFS_USN_REASON_STREAM_CHANGE 0x00200000u
#define NTFS_USN_REASON_TRANSACTED_CHANGE 0x00400000u
#define NTFS_USN_REASON_INTEGRITY_CHANGE 0x00800000u
#define NTFS_USN_REASON_DESIRED_STORAGE_CLASS_CHANGE 0x01000000u
#define NTFS_USN_REASON_CLOSE 0x80000000u

typedef struct {
	uint32_t record_length;   /* bytes, a multiple of 8, padding included */
	uint16_t major;           /* 2, 3 or 4 */
	uint16_t minor;
	uint64_t file_ref;        /* NTFS file reference (record | sequence << 48); V3/V4: low half of the 128-bit id */
	uint64_t file_ref_high;   /* V3/V4: high half of the 128-bit id (0 on NTFS); V2: 0 */
	uint64_t parent_ref;
	uint64_t parent_ref_high;
	int64_t usn;              /* the record's offset in the $J stream */
	uint64_t timestamp;       /* FILETIME (UTC); V4 records have none: 0 */
	uint32_t reason;          /* NTFS_USN_REASON_* */
	uint32_t source_info;
	uint32_t security_id;     /* V2/V3 */
	uint32_t file_attributes; /* V2/V3, NTFS_FA_* */
	uint16_t name_length;     /* bytes of UTF-16LE (V2/V3), even; 0 for V4 */
	uint16_t name_offset;
	const uint8_t *name;      /* points into the decoded buffer; NULL for V4 */
	uint32_t remaining_extents; /* V4 */
	uint16_t extent_count;    /* V4 */
	uint16_t extent_size;     /* V4, >= NTFS_USN_EXTENT_SIZE */
	const uint8_t *extents;   /* V4: extent_count * extent_size bytes inside the record; NULL otherwise */
} ntfs_usn_record;

typedef struct {
	int64_t offset; /* bytes into the file or stream */
	int64_t length;
} ntfs_usn_extent;

/*
 * Decodes the record at buf[off]: length (a multiple of 8, the version's header at least, at most a page,
 * inside len), version 2/3/4, name inside the record with an even length, V4 extents inside the record.
 */
ntfs_status ntfs_usn_record_decode(const uint8_t *buf, size_t len, size_t off, ntfs_usn_record *out,
				   ntfs_error *err);

/* Extent i (< extent_count) of a decoded V4 record. */
ntfs_status ntfs_usn_record_extent(const ntfs_usn_record *r, unsigned i, ntfs_usn_extent *out, ntfs_error *err);

/* The record's name as UTF-8 into dst (cap bytes, NUL-terminated); returns the length needed (utf16.h rules). */
size_t ntfs_usn_record_name_utf8(const ntfs_usn_record *r, char *dst, size_t cap);

/* fsutil/MS-FSCC name of one reason bit without the USN_REASON_ prefix ("HARD_LINK_CHANGE"); NULL if unknown. */
const char *ntfs_usn_reason_name(uint32_t bit);

/* Name of one source-info bit without the USN_SOURCE_ prefix ("DATA_MANAGEMENT"); NULL if unknown. */
const char *ntfs_usn_source_name(uint32_t bit);

/* What one step of the iterator found. */
typedef enum {
	NTFS_USN_STEP_END = 0,  /* no more bytes */
	NTFS_USN_STEP_RECORD,   /* a record: out is filled, it->record_offset says where */
	NTFS_USN_STEP_DAMAGED   /* bytes that are neither records nor zero padding: it->damage_* and err say which */
} ntfs_usn_step;

/* Iterator over one block of a $J stream (bytes in memory, no I/O). */
typedef struct {
	const uint8_t *buf;
	size_t len;
	uint64_t base;            /* stream offset of buf[0]; page boundaries and expected USNs are counted from it */
	bool check_usn;           /* a record's USN must equal its stream offset (true for a $J read in place) */
	size_t pos;               /* next offset in buf to look at */
	uint64_t record_offset;   /* stream offset of the last record returned */
	uint64_t damage_offset;   /* stream offset and length of the last damaged range returned */
	uint64_t damage_length;
	/* running totals over the block */
	uint64_t records;
	uint64_t padding_bytes;   /* zero bytes skipped (page tails, sparse ranges) */
	uint64_t damaged_bytes;
	uint64_t damaged_ranges;
} ntfs_usn_iter;

/*
 * Starts an iterator over buf[0..len), whose first byte is at stream offset base. check_usn: records
 * whose USN differs from their offset are damage (use it for a $J read from the volume or extracted
 * with its sparse start; an extract that dropped the sparse start has offsets that are not USNs).
 */
void ntfs_usn_iter_init(ntfs_usn_iter *it, const uint8_t *buf, size_t len, uint64_t base, bool check_usn);

/*
 * Next step: skips 8-byte zero words, returns a record, or returns a damaged range (a record that fails
 * to decode, crosses a page, or has the wrong USN) after resynchronising on the next plausible header or
 * zero word at 8-byte alignment. A record cut by the end of buf is damage too (blocks should end on pages).
 */
ntfs_usn_step ntfs_usn_iter_next(ntfs_usn_iter *it, ntfs_usn_record *out, ntfs_error *err);

#endif
