/* SPDX-License-Identifier: Apache-2.0 */
/* USN change journal decoder: USN_RECORD_V2/V3/V4 and an iterator over a block of $J that survives damage. */
#include "usn_record.h"

#include <string.h>

#include "le.h"
#include "utf16.h"

/* Common header (all versions). */
enum {
	USN_RECORD_LENGTH = 0x00,
	USN_MAJOR = 0x04,
	USN_MINOR = 0x06,
	USN_COMMON_HEADER = 0x08,
	USN_FILE_REF = 0x08
};

/* V2 fields after the common header. */
enum {
	V2_PARENT_REF = 0x10,
	V2_USN = 0x18,
	V2_TIMESTAMP = 0x20,
	V2_REASON = 0x28,
	V2_SOURCE_INFO = 0x2C,
	V2_SECURITY_ID = 0x30,
	V2_ATTRIBUTES = 0x34,
	V2_NAME_LENGTH = 0x38,
	V2_NAME_OFFSET = 0x3A
};

/* V3 fields: 128-bit file ids move everything after them by 16 bytes. */
enum {
	V3_PARENT_REF = 0x18,
	V3_USN = 0x28,
	V3_TIMESTAMP = 0x30,
	V3_REASON = 0x38,
	V3_SOURCE_INFO = 0x3C,
	V3_SECURITY_ID = 0x40,
	V3_ATTRIBUTES = 0x44,
	V3_NAME_LENGTH = 0x48,
	V3_NAME_OFFSET = 0x4A
};

/* V4 fields: no time, attributes or name; extents instead. */
enum {
	V4_PARENT_REF = 0x18,
	V4_USN = 0x28,
	V4_REASON = 0x30,
	V4_SOURCE_INFO = 0x34,
	V4_REMAINING_EXTENTS = 0x38,
	V4_EXTENT_COUNT = 0x3C,
	V4_EXTENT_SIZE = 0x3E,
	V4_EXTENTS = 0x40
};

/* Fixed header size of a major version; 0 when the version is not one we decode. */
static uint32_t header_size(uint16_t major)
{
	switch (major) {
	case 2: return NTFS_USN_V2_HEADER;
	case 3: return NTFS_USN_V3_HEADER;
	case 4: return NTFS_USN_V4_HEADER;
	}
	return 0;
}

/* Length and version must describe a whole record of a known version inside one page and inside len. */
static ntfs_status check_length(const uint8_t *r, size_t avail, ntfs_error *err)
{
	uint32_t rl = le32(r + USN_RECORD_LENGTH);
	uint16_t major = le16(r + USN_MAJOR);
	uint32_t hdr = header_size(major);

	if (rl == 0)
		return ntfs_error_set(err, NTFS_E_INVALID, "USN record length is 0 (padding, not a record)");
	if (rl % NTFS_USN_ALIGN != 0)
		return ntfs_error_set(err, NTFS_E_INVALID, "USN record length %u is not a multiple of 8", rl);
	if (hdr == 0)
		return ntfs_error_set(err, NTFS_E_UNSUPPORTED, "USN record major version %u is not 2, 3 or 4", major);
	if (rl < hdr)
		return ntfs_error_set(err, NTFS_E_INVALID, "USN record length %u is shorter than the V%u header (%u bytes)",
				      rl, major, hdr);
	if (rl > NTFS_USN_PAGE_SIZE)
		return ntfs_error_set(err, NTFS_E_INVALID, "USN record length %u exceeds a journal page (%u bytes)", rl,
				      NTFS_USN_PAGE_SIZE);
	if (rl > avail)
		return ntfs_error_set(err, NTFS_E_TRUNCATED, "USN record length %u runs past the %zu bytes left in the buffer",
				      rl, avail);
	return NTFS_OK;
}

/* Decodes the V2 fields of record r (length already checked). */
static void decode_v2(const uint8_t *r, ntfs_usn_record *out)
{
	out->file_ref = le64(r + USN_FILE_REF);
	out->parent_ref = le64(r + V2_PARENT_REF);
	out->usn = (int64_t)le64(r + V2_USN);
	out->timestamp = le64(r + V2_TIMESTAMP);
	out->reason = le32(r + V2_REASON);
	out->source_info = le32(r + V2_SOURCE_INFO);
	out->security_id = le32(r + V2_SECURITY_ID);
	out->file_attributes = le32(r + V2_ATTRIBUTES);
	out->name_length = le16(r + V2_NAME_LENGTH);
	out->name_offset = le16(r + V2_NAME_OFFSET);
}

/* Decodes the V3 fields of record r (length already checked). */
static void decode_v3(const uint8_t *r, ntfs_usn_record *out)
{
	out->file_ref = le64(r + USN_FILE_REF);
	out->file_ref_high = le64(r + USN_FILE_REF + 8);
	out->parent_ref = le64(r + V3_PARENT_REF);
	out->parent_ref_high = le64(r + V3_PARENT_REF + 8);
	out->usn = (int64_t)le64(r + V3_USN);
	out->timestamp = le64(r + V3_TIMESTAMP);
	out->reason = le32(r + V3_REASON);
	out->source_info = le32(r + V3_SOURCE_INFO);
	out->security_id = le32(r + V3_SECURITY_ID);
	out->file_attributes = le32(r + V3_ATTRIBUTES);
	out->name_length = le16(r + V3_NAME_LENGTH);
	out->name_offset = le16(r + V3_NAME_OFFSET);
}

/* Decodes the V4 fields of record r (length already checked). */
static void decode_v4(const uint8_t *r, ntfs_usn_record *out)
{
	out->file_ref = le64(r + USN_FILE_REF);
	out->file_ref_high = le64(r + USN_FILE_REF + 8);
	out->parent_ref = le64(r + V4_PARENT_REF);
	out->parent_ref_high = le64(r + V4_PARENT_REF + 8);
	out->usn = (int64_t)le64(r + V4_USN);
	out->reason = le32(r + V4_REASON);
	out->source_info = le32(r + V4_SOURCE_INFO);
	out->remaining_extents = le32(r + V4_REMAINING_EXTENTS);
	out->extent_count = le16(r + V4_EXTENT_COUNT);
	out->extent_size = le16(r + V4_EXTENT_SIZE);
}

/* The V2/V3 name must start after the header, have an even length and end inside the record. */
static ntfs_status check_name(const uint8_t *r, ntfs_usn_record *out, ntfs_error *err)
{
	uint32_t hdr = header_size(out->major);

	if (out->name_length % 2 != 0)
		return ntfs_error_set(err, NTFS_E_INVALID, "USN record name length %u is odd (UTF-16 needs 2 bytes a unit)",
				      out->name_length);
	if (out->name_offset < hdr)
		return ntfs_error_set(err, NTFS_E_INVALID, "USN record name offset %u lies inside the V%u header (%u bytes)",
				      out->name_offset, out->major, hdr);
	if (!le_in_bounds(out->record_length, out->name_offset, out->name_length))
		return ntfs_error_set(err, NTFS_E_RANGE, "USN record name at %u (%u bytes) runs past the record's %u bytes",
				      out->name_offset, out->name_length, out->record_length);
	out->name = r + out->name_offset;
	return NTFS_OK;
}

/* The V4 extents must have at least the documented size each and all lie inside the record. */
static ntfs_status check_extents(const uint8_t *r, ntfs_usn_record *out, ntfs_error *err)
{
	uint64_t need = (uint64_t)out->extent_count * out->extent_size;

	if (out->extent_count == 0)
		return NTFS_OK;
	if (out->extent_size < NTFS_USN_EXTENT_SIZE)
		return ntfs_error_set(err, NTFS_E_INVALID, "USN V4 extent size %u is below the %u bytes of an extent",
				      out->extent_size, NTFS_USN_EXTENT_SIZE);
	if (need > out->record_length - V4_EXTENTS)
		return ntfs_error_set(err, NTFS_E_RANGE, "USN V4 record's %u extents of %u bytes run past its %u bytes",
				      out->extent_count, out->extent_size, out->record_length);
	out->extents = r + V4_EXTENTS;
	return NTFS_OK;
}

/* Decodes the record at buf[off]; see usn_record.h for what is checked. */
ntfs_status ntfs_usn_record_decode(const uint8_t *buf, size_t len, size_t off, ntfs_usn_record *out,
				   ntfs_error *err)
{
	const uint8_t *r;
	ntfs_status st;

	memset(out, 0, sizeof(*out));
	if (buf == NULL || !le_in_bounds(len, off, USN_COMMON_HEADER))
		return ntfs_error_set(err, NTFS_E_TRUNCATED, "USN record header needs %d bytes at offset %zu of %zu",
				      USN_COMMON_HEADER, off, buf ? len : 0);
	r = buf + off;
	if ((st = check_length(r, len - off, err)) != NTFS_OK)
		return st;
	out->record_length = le32(r + USN_RECORD_LENGTH);
	out->major = le16(r + USN_MAJOR);
	out->minor = le16(r + USN_MINOR);
	if (out->major == 2)
		decode_v2(r, out);
	else if (out->major == 3)
		decode_v3(r, out);
	else
		decode_v4(r, out);
	st = out->major == 4 ? check_extents(r, out, err) : check_name(r, out, err);
	if (st != NTFS_OK)
		return st;
	ntfs_error_clear(err);
	return NTFS_OK;
}

/* Extent i (< extent_count) of a decoded V4 record. */
ntfs_status ntfs_usn_record_extent(const ntfs_usn_record *r, unsigned i, ntfs_usn_extent *out, ntfs_error *err)
{
	const uint8_t *e;

	memset(out, 0, sizeof(*out));
	if (r->extents == NULL || i >= r->extent_count)
		return ntfs_error_set(err, NTFS_E_RANGE, "USN extent %u requested, the record has %u", i,
				      r->extents ? r->extent_count : 0);
	e = r->extents + (size_t)i * r->extent_size;
	out->offset = (int64_t)le64(e);
	out->length = (int64_t)le64(e + 8);
	ntfs_error_clear(err);
	return NTFS_OK;
}

/* The record's name as UTF-8 into dst; returns the length needed. */
size_t ntfs_usn_record_name_utf8(const ntfs_usn_record *r, char *dst, size_t cap)
{
	if (r->name == NULL) {
		if (cap > 0)
			dst[0] = '\0';
		return 0;
	}
	return ntfs_utf16_to_utf8(r->name, r->name_length / 2u, dst, cap);
}

/* Reason bit names as fsutil and MS-FSCC spell them, without USN_REASON_. */
static const struct {
	uint32_t bit;
	const char *name;
} reason_names[] = {
	{NTFS_USN_REASON_DATA_OVERWRITE, "DATA_OVERWRITE"},
	{NTFS_USN_REASON_DATA_EXTEND, "DATA_EXTEND"},
	{NTFS_USN_REASON_DATA_TRUNCATION, "DATA_TRUNCATION"},
	{NTFS_USN_REASON_NAMED_DATA_OVERWRITE, "NAMED_DATA_OVERWRITE"},
	{NTFS_USN_REASON_NAMED_DATA_EXTEND, "NAMED_DATA_EXTEND"},
	{NTFS_USN_REASON_NAMED_DATA_TRUNCATION, "NAMED_DATA_TRUNCATION"},
	{NTFS_USN_REASON_FILE_CREATE, "FILE_CREATE"},
	{NTFS_USN_REASON_FILE_DELETE, "FILE_DELETE"},
	{NTFS_USN_REASON_EA_CHANGE, "EA_CHANGE"},
	{NTFS_USN_REASON_SECURITY_CHANGE, "SECURITY_CHANGE"},
	{NTFS_USN_REASON_RENAME_OLD_NAME, "RENAME_OLD_NAME"},
	{NTFS_USN_REASON_RENAME_NEW_NAME, "RENAME_NEW_NAME"},
	{NTFS_USN_REASON_INDEXABLE_CHANGE, "INDEXABLE_CHANGE"},
	{NTFS_USN_REASON_BASIC_INFO_CHANGE, "BASIC_INFO_CHANGE"},
	{NTFS_USN_REASON_HARD_LINK_CHANGE, "HARD_LINK_CHANGE"},
	{NTFS_USN_REASON_COMPRESSION_CHANGE, "COMPRESSION_CHANGE"},
	{NTFS_USN_REASON_ENCRYPTION_CHANGE, "ENCRYPTION_CHANGE"},
	{NTFS_USN_REASON_OBJECT_ID_CHANGE, "OBJECT_ID_CHANGE"},
	{NTFS_USN_REASON_REPARSE_POINT_CHANGE, "REPARSE_POINT_CHANGE"},
	{NTFS_USN_REASON_STREAM_CHANGE, "STREAM_CHANGE"},
	{NTFS_USN_REASON_TRANSACTED_CHANGE, "TRANSACTED_CHANGE"},
	{NTFS_USN_REASON_INTEGRITY_CHANGE, "INTEGRITY_CHANGE"},
	{NTFS_USN_REASON_DESIRED_STORAGE_CLASS_CHANGE, "DESIRED_STORAGE_CLASS_CHANGE"},
	{NTFS_USN_REASON_CLOSE, "CLOSE"},
};

/* Name of one reason bit ("HARD_LINK_CHANGE"); NULL for an unknown bit or a value that is not one bit. */
const char *ntfs_usn_reason_name(uint32_t bit)
{
	for (size_t i = 0; i < sizeof(reason_names) / sizeof(reason_names[0]); i++)
		if (reason_names[i].bit == bit)
			return reason_names[i].name;
	return NULL;
}

/* Name of one source-info bit ("DATA_MANAGEMENT"); NULL if unknown. */
const char *ntfs_usn_source_name(uint32_t bit)
{
	switch (bit) {
	case 0x1: return "DATA_MANAGEMENT";
	case 0x2: return "AUXILIARY_DATA";
	case 0x4: return "REPLICATION_MANAGEMENT";
	case 0x8: return "CLIENT_REPLICATION_MANAGEMENT";
	}
	return NULL;
}

/* Starts an iterator over buf[0..len) whose first byte is at stream offset base. */
void ntfs_usn_iter_init(ntfs_usn_iter *it, const uint8_t *buf, size_t len, uint64_t base, bool check_usn)
{
	memset(it, 0, sizeof(*it));
	it->buf = buf;
	it->len = buf ? len : 0;
	it->base = base;
	it->check_usn = check_usn;
}

/* True when the 8 bytes at pos (or what is left of them) are all zero. */
static bool zero_word(const ntfs_usn_iter *it, size_t pos)
{
	size_t n = it->len - pos < NTFS_USN_ALIGN ? it->len - pos : NTFS_USN_ALIGN;

	if (n == NTFS_USN_ALIGN)
		return le64(it->buf + pos) == 0;
	for (size_t i = 0; i < n; i++)
		if (it->buf[pos + i] != 0)
			return false;
	return true;
}

/* Decodes the record at pos and checks what the journal guarantees: inside one page, USN = offset. */
static ntfs_status try_record(const ntfs_usn_iter *it, size_t pos, ntfs_usn_record *out, ntfs_error *err)
{
	uint64_t at = it->base + pos;
	ntfs_status st;

	if ((st = ntfs_usn_record_decode(it->buf, it->len, pos, out, err)) != NTFS_OK)
		return st;
	if (at / NTFS_USN_PAGE_SIZE != (at + out->record_length - 1) / NTFS_USN_PAGE_SIZE)
		return ntfs_error_set(err, NTFS_E_INVALID,
				      "USN record at 0x%llx (%u bytes) crosses a %u-byte journal page", (unsigned long long)at,
				      out->record_length, NTFS_USN_PAGE_SIZE);
	if (it->check_usn && (out->usn < 0 || (uint64_t)out->usn != at))
		return ntfs_error_set(err, NTFS_E_INVALID, "USN record at 0x%llx says USN %lld, not its offset",
				      (unsigned long long)at, (long long)out->usn);
	return NTFS_OK;
}

/*
 * A header good enough to resynchronise on. With USNs checked, try_record is strict enough; without, the
 * layout must also be what NTFS writes: a V2/V3 name right after the header, V4 extents of 16 bytes, a USN
 * that is a multiple of 8.
 */
static bool plausible(const ntfs_usn_iter *it, size_t pos)
{
	ntfs_usn_record r;

	if (try_record(it, pos, &r, NULL) != NTFS_OK)
		return false;
	if (it->check_usn)
		return true;
	if (r.usn < 0 || r.usn % NTFS_USN_ALIGN != 0)
		return false;
	if (r.major == 4)
		return r.extent_count == 0 || r.extent_size == NTFS_USN_EXTENT_SIZE;
	return r.name_length > 0 && r.name_offset == header_size(r.major);
}

/* Offset in buf where the page holding buf[pos] ends (the buffer's end if sooner). */
static size_t page_end(const ntfs_usn_iter *it, size_t pos)
{
	uint64_t end = ((it->base + pos) / NTFS_USN_PAGE_SIZE + 1) * NTFS_USN_PAGE_SIZE - it->base;

	return end < it->len ? (size_t)end : it->len;
}

/*
 * Offset in buf where the all-zero tail of the page holding buf[pos] starts (words from pos on only):
 * the page's padding after its last record. page_end(pos) when the page ends in a non-zero word.
 */
static size_t zero_tail(const ntfs_usn_iter *it, size_t pos)
{
	size_t end = page_end(it, pos), t = end;

	while (t > pos) {
		size_t w = pos + (t - pos - 1) / NTFS_USN_ALIGN * NTFS_USN_ALIGN; /* start of the last word before t */
		if (!zero_word(it, w))
			break;
		t = w;
	}
	return t;
}

/*
 * Skips damaged bytes from pos to the next plausible header or to the zero tail of a page (a zero word
 * inside a damaged record does not end the damage); reports the range. Each page's tail is found once.
 */
static ntfs_usn_step report_damage(ntfs_usn_iter *it, size_t pos)
{
	size_t start = pos, tail = zero_tail(it, pos), end = page_end(it, pos);

	pos += NTFS_USN_ALIGN;
	while (pos < it->len) {
		if (pos >= end) {
			tail = zero_tail(it, pos);
			end = page_end(it, pos);
		}
		if (pos >= tail || plausible(it, pos))
			break;
		pos += NTFS_USN_ALIGN;
	}
	if (pos > it->len)
		pos = it->len;
	it->pos = pos;
	it->damage_offset = it->base + start;
	it->damage_length = pos - start;
	it->damaged_bytes += pos - start;
	it->damaged_ranges++;
	return NTFS_USN_STEP_DAMAGED;
}

/* Next step: skips zero padding, returns a record, or returns a damaged range after resynchronising. */
ntfs_usn_step ntfs_usn_iter_next(ntfs_usn_iter *it, ntfs_usn_record *out, ntfs_error *err)
{
	ntfs_status st;

	memset(out, 0, sizeof(*out));
	while (it->pos < it->len && zero_word(it, it->pos)) {
		size_t n = it->len - it->pos < NTFS_USN_ALIGN ? it->len - it->pos : NTFS_USN_ALIGN;
		it->padding_bytes += n;
		it->pos += n;
	}
	if (it->pos >= it->len) {
		ntfs_error_clear(err);
		return NTFS_USN_STEP_END;
	}
	if ((st = try_record(it, it->pos, out, err)) != NTFS_OK) {
		memset(out, 0, sizeof(*out));
		return report_damage(it, it->pos);
	}
	it->record_offset = it->base + it->pos;
	it->pos += out->record_length;
	it->records++;
	return NTFS_USN_STEP_RECORD;
}
