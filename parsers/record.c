/* SPDX-License-Identifier: Apache-2.0 */
/* MFT file record decoder: update sequence fixups and the FILE/BAAD header. */
#include "record.h"

#include <string.h>

#include "le.h"

/* Header field offsets (NTFS 3.1; 3.0 stops before the record number). */
enum {
	REC_USA_OFFSET = 0x04,
	REC_USA_COUNT = 0x06,
	REC_LSN = 0x08,
	REC_SEQUENCE = 0x10,
	REC_LINK_COUNT = 0x12,
	REC_ATTRS_OFFSET = 0x14,
	REC_FLAGS = 0x16,
	REC_BYTES_IN_USE = 0x18,
	REC_BYTES_ALLOCATED = 0x1C,
	REC_BASE_REF = 0x20,
	REC_NEXT_ATTR_ID = 0x28,
	REC_MIN_HEADER = 0x2A,    /* the NTFS 3.0 header ends here, where its USA starts */
	REC_RECORD_NUMBER = 0x2C,
	REC_V31_HEADER = 0x30     /* a USA at or after this offset leaves room for the record number */
};

/* True when buf starts with a FILE or BAAD signature (cheap test for "is this an MFT?"). */
bool ntfs_record_has_signature(const uint8_t *buf, size_t len)
{
	return buf != NULL && len >= 4 && (memcmp(buf, "FILE", 4) == 0 || memcmp(buf, "BAAD", 4) == 0);
}

/* The update sequence array must sit after the fixed header and inside the buffer. */
static ntfs_status check_usa_bounds(uint16_t usa_offset, uint16_t usa_count, size_t len, ntfs_error *err)
{
	if (usa_offset < REC_MIN_HEADER || (usa_offset & 1))
		return ntfs_error_set(err, NTFS_E_INVALID,
				      "update sequence offset 0x%x at 0x04 is odd or inside the header (< 0x%x)",
				      usa_offset, REC_MIN_HEADER);
	if (usa_count < 2)
		return ntfs_error_set(err, NTFS_E_INVALID,
				      "update sequence count %u at 0x06 covers no sector (needs >= 2)", usa_count);
	if (!le_in_bounds(len, usa_offset, (size_t)usa_count * 2))
		return ntfs_error_set(err, NTFS_E_RANGE,
				      "update sequence array 0x%x + %u*2 bytes runs past the record's %zu bytes", usa_offset,
				      usa_count, len);
	return NTFS_OK;
}

/*
 * The first attribute must follow the USA inside len; bytes in use must cover it and fit bytes allocated.
 * Bytes in use are not held against len, so a header-only prefix decodes (callers walk min(bytes_in_use, len)).
 */
static ntfs_status check_layout(const ntfs_record_header *h, size_t len, ntfs_error *err)
{
	size_t usa_end = (size_t)h->usa_offset + (size_t)h->usa_count * 2;

	if (h->attrs_offset < usa_end)
		return ntfs_error_set(err, NTFS_E_INVALID,
				      "first attribute offset 0x%x at 0x14 overlaps the update sequence array (ends 0x%zx)",
				      h->attrs_offset, usa_end);
	if (!le_in_bounds(len, h->attrs_offset, 4))
		return ntfs_error_set(err, NTFS_E_RANGE,
				      "first attribute offset 0x%x at 0x14 leaves no room for an attribute in %zu bytes",
				      h->attrs_offset, len);
	if (h->bytes_in_use > h->bytes_allocated)
		return ntfs_error_set(err, NTFS_E_INVALID, "bytes in use %u at 0x18 exceed bytes allocated %u at 0x1C",
				      h->bytes_in_use, h->bytes_allocated);
	if ((size_t)h->attrs_offset + 4 > h->bytes_in_use)
		return ntfs_error_set(err, NTFS_E_INVALID,
				      "bytes in use %u at 0x18 end before the first attribute at 0x%x has room for an end marker",
				      h->bytes_in_use, h->attrs_offset);
	return NTFS_OK;
}

/* Decodes the header; checks signature, USA bounds and attribute offset against len. */
ntfs_status ntfs_record_decode_header(const uint8_t *buf, size_t len, ntfs_record_header *out, ntfs_error *err)
{
	ntfs_status st;

	memset(out, 0, sizeof(*out));
	if (buf == NULL || len < REC_MIN_HEADER)
		return ntfs_error_set(err, NTFS_E_TRUNCATED, "file record header needs %d bytes, have %zu",
				      REC_MIN_HEADER, buf ? len : 0);
	if (!ntfs_record_has_signature(buf, len))
		return ntfs_error_set(err, NTFS_E_SIGNATURE, "file record signature is %02x%02x%02x%02x, not FILE or BAAD",
				      buf[0], buf[1], buf[2], buf[3]);
	out->is_baad = buf[0] == 'B';
	out->usa_offset = le16(buf + REC_USA_OFFSET);
	out->usa_count = le16(buf + REC_USA_COUNT);
	if ((st = check_usa_bounds(out->usa_offset, out->usa_count, len, err)) != NTFS_OK)
		return st;
	out->lsn = le64(buf + REC_LSN);
	out->sequence = le16(buf + REC_SEQUENCE);
	out->link_count = le16(buf + REC_LINK_COUNT);
	out->attrs_offset = le16(buf + REC_ATTRS_OFFSET);
	out->flags = le16(buf + REC_FLAGS);
	out->bytes_in_use = le32(buf + REC_BYTES_IN_USE);
	out->bytes_allocated = le32(buf + REC_BYTES_ALLOCATED);
	out->base_ref = le64(buf + REC_BASE_REF);
	out->next_attr_id = le16(buf + REC_NEXT_ATTR_ID);
	/* usa_offset >= 0x30 and the USA bounds check guarantee bytes 0x2C..0x30 are inside buf. */
	out->has_record_number = out->usa_offset >= REC_V31_HEADER;
	if (out->has_record_number)
		out->record_number = le32(buf + REC_RECORD_NUMBER);
	if ((st = check_layout(out, len, err)) != NTFS_OK)
		return st;
	ntfs_error_clear(err);
	return NTFS_OK;
}

/* The stride must be a power of two a record can be split into (256..4096). */
static ntfs_status check_stride(uint32_t sector_size, ntfs_error *err)
{
	if (sector_size < 256 || sector_size > 4096 || (sector_size & (sector_size - 1)) != 0)
		return ntfs_error_set(err, NTFS_E_INVALID, "update sequence stride %u is not a power of two in 256..4096",
				      sector_size);
	return NTFS_OK;
}

/* Applies the update sequence array in place; mismatching sectors are reported in fx and left as read. */
ntfs_status ntfs_record_apply_fixups(uint8_t *buf, size_t len, uint32_t sector_size, ntfs_record_fixups *fx,
				     ntfs_error *err)
{
	uint16_t usa_offset, usa_count, usn;
	unsigned sectors, i;
	ntfs_status st;

	memset(fx, 0, sizeof(*fx));
	if ((st = check_stride(sector_size, err)) != NTFS_OK)
		return st;
	if (buf == NULL || len < REC_USA_COUNT + 2)
		return ntfs_error_set(err, NTFS_E_TRUNCATED, "record of %zu bytes has no update sequence fields",
				      buf ? len : 0);
	usa_offset = le16(buf + REC_USA_OFFSET);
	usa_count = le16(buf + REC_USA_COUNT);
	if (usa_count < 2)
		return ntfs_error_set(err, NTFS_E_INVALID, "update sequence count %u at 0x06 covers no sector", usa_count);
	sectors = usa_count - 1u;
	if (sectors > NTFS_RECORD_MAX_SECTORS)
		return ntfs_error_set(err, NTFS_E_UNSUPPORTED, "update sequence count %u at 0x06 covers more than %d sectors",
				      usa_count, NTFS_RECORD_MAX_SECTORS);
	if ((uint64_t)sectors * sector_size != len)
		return ntfs_error_set(err, NTFS_E_RANGE,
				      "update sequence covers %u sectors of %u bytes, but the record is %zu bytes", sectors,
				      sector_size, len);
	/* The array must lie before the first sector's protected last two bytes. */
	if ((usa_offset & 1) || (size_t)usa_offset + (size_t)usa_count * 2 > sector_size - 2)
		return ntfs_error_set(err, NTFS_E_RANGE,
				      "update sequence array at 0x%x (%u entries) is odd or overlaps the first sector's end",
				      usa_offset, usa_count);
	usn = le16(buf + usa_offset);
	fx->sectors = sectors;
	for (i = 0; i < sectors; i++) {
		uint8_t *tail = buf + (size_t)(i + 1) * sector_size - 2;
		if (le16(tail) != usn) {
			fx->bad_count++;
			fx->bad_mask |= (uint32_t)1 << i;
			continue;
		}
		le16_put(tail, le16(buf + usa_offset + 2 + 2 * (size_t)i));
	}
	ntfs_error_clear(err);
	return NTFS_OK;
}
