/* SPDX-License-Identifier: Apache-2.0 */
/* Attribute header decoder (resident and non-resident) and a bounds-checked iterator over a record. */
#include "attribute.h"

#include <string.h>

#include "le.h"

/* Common header offsets. */
enum {
	AH_TYPE = 0x00,
	AH_LENGTH = 0x04,
	AH_NON_RESIDENT = 0x08,
	AH_NAME_LENGTH = 0x09,
	AH_NAME_OFFSET = 0x0A,
	AH_FLAGS = 0x0C,
	AH_ID = 0x0E,
	AH_COMMON_SIZE = 0x10
};

/* Resident header offsets. */
enum {
	AR_VALUE_LENGTH = 0x10,
	AR_VALUE_OFFSET = 0x14,
	AR_HEADER_SIZE = 0x18
};

/* Non-resident header offsets. */
enum {
	AN_LOWEST_VCN = 0x10,
	AN_HIGHEST_VCN = 0x18,
	AN_MAPPING_PAIRS_OFFSET = 0x20,
	AN_COMPRESSION_UNIT = 0x22,
	AN_ALLOCATED_SIZE = 0x28,
	AN_DATA_SIZE = 0x30,
	AN_INITIALIZED_SIZE = 0x38,
	AN_HEADER_SIZE = 0x40,
	AN_COMPRESSED_SIZE = 0x40,
	AN_HEADER_SIZE_COMPRESSED = 0x48
};

/* The name (UTF-16LE) must lie inside the attribute; an empty name is reported as NULL. */
static ntfs_status decode_name(const uint8_t *buf, ntfs_attr *out, ntfs_error *err)
{
	uint16_t name_offset = le16(buf + AH_NAME_OFFSET);

	out->name_length = buf[AH_NAME_LENGTH];
	out->name = NULL;
	if (out->name_length == 0)
		return NTFS_OK;
	if (!le_in_bounds(out->length, name_offset, (size_t)out->name_length * 2))
		return ntfs_error_set(err, NTFS_E_RANGE,
				      "attribute 0x%x name at offset 0x%x (%u units) runs past its length %u", out->type,
				      name_offset, out->name_length, out->length);
	out->name = buf + name_offset;
	return NTFS_OK;
}

/* A resident value must lie inside the attribute after the 24-byte header. */
static ntfs_status decode_resident(const uint8_t *buf, ntfs_attr *out, ntfs_error *err)
{
	uint16_t value_offset;

	if (out->length < AR_HEADER_SIZE)
		return ntfs_error_set(err, NTFS_E_INVALID, "resident attribute 0x%x length %u is below the %d-byte header",
				      out->type, out->length, AR_HEADER_SIZE);
	out->value_length = le32(buf + AR_VALUE_LENGTH);
	value_offset = le16(buf + AR_VALUE_OFFSET);
	if (out->value_length != 0 && value_offset < AR_HEADER_SIZE)
		return ntfs_error_set(err, NTFS_E_INVALID, "resident attribute 0x%x value offset 0x%x is inside the header",
				      out->type, value_offset);
	if (!le_in_bounds(out->length, value_offset, out->value_length))
		return ntfs_error_set(err, NTFS_E_RANGE,
				      "resident attribute 0x%x value at 0x%x (%u bytes) runs past its length %u", out->type,
				      value_offset, out->value_length, out->length);
	out->value = buf + value_offset;
	return NTFS_OK;
}

/* The VCN range must be empty (highest = lowest - 1) or ordered, and within the signed 64-bit range. */
static ntfs_status check_vcn_range(const ntfs_attr *a, ntfs_error *err)
{
	if (a->lowest_vcn > (uint64_t)INT64_MAX)
		return ntfs_error_set(err, NTFS_E_INVALID, "attribute 0x%x lowest VCN %lld is negative", a->type,
				      (long long)a->lowest_vcn);
	if ((int64_t)a->highest_vcn < (int64_t)a->lowest_vcn - 1)
		return ntfs_error_set(err, NTFS_E_INVALID, "attribute 0x%x highest VCN %lld is below lowest VCN %llu - 1",
				      a->type, (long long)a->highest_vcn, (unsigned long long)a->lowest_vcn);
	return NTFS_OK;
}

/* A non-resident header: VCN range, sizes and the mapping pairs, which must start after the header. */
static ntfs_status decode_non_resident(const uint8_t *buf, ntfs_attr *out, ntfs_error *err)
{
	uint16_t mp_offset;
	size_t header = AN_HEADER_SIZE;

	if (out->length < AN_HEADER_SIZE)
		return ntfs_error_set(err, NTFS_E_INVALID,
				      "non-resident attribute 0x%x length %u is below the %d-byte header", out->type,
				      out->length, AN_HEADER_SIZE);
	out->lowest_vcn = le64(buf + AN_LOWEST_VCN);
	out->highest_vcn = le64(buf + AN_HIGHEST_VCN);
	mp_offset = le16(buf + AN_MAPPING_PAIRS_OFFSET);
	out->compression_unit = le16(buf + AN_COMPRESSION_UNIT);
	out->allocated_size = le64(buf + AN_ALLOCATED_SIZE);
	out->data_size = le64(buf + AN_DATA_SIZE);
	out->initialized_size = le64(buf + AN_INITIALIZED_SIZE);
	/* Compressed and sparse attributes (in the first extent) carry an extra compressed-size field. */
	if ((out->flags & (NTFS_ATTR_FLAG_COMPRESSED | NTFS_ATTR_FLAG_SPARSE)) && out->length >= AN_HEADER_SIZE_COMPRESSED &&
	    mp_offset >= AN_HEADER_SIZE_COMPRESSED) {
		out->has_compressed_size = true;
		out->compressed_size = le64(buf + AN_COMPRESSED_SIZE);
		header = AN_HEADER_SIZE_COMPRESSED;
	}
	if (mp_offset < header || mp_offset > out->length)
		return ntfs_error_set(err, NTFS_E_RANGE,
				      "non-resident attribute 0x%x mapping pairs offset 0x%x is outside [0x%zx, %u]", out->type,
				      mp_offset, header, out->length);
	out->runlist = buf + mp_offset;
	out->runlist_length = out->length - (size_t)mp_offset;
	return check_vcn_range(out, err);
}

/* Decodes one attribute at buf (len bytes available from there); used by the iterator and tests. */
ntfs_status ntfs_attr_decode(const uint8_t *buf, size_t len, ntfs_attr *out, ntfs_error *err)
{
	ntfs_status st;

	memset(out, 0, sizeof(*out));
	if (buf == NULL || len < AH_COMMON_SIZE)
		return ntfs_error_set(err, NTFS_E_TRUNCATED, "attribute header needs %d bytes, have %zu", AH_COMMON_SIZE,
				      buf ? len : 0);
	out->raw = buf;
	out->type = le32(buf + AH_TYPE);
	out->length = le32(buf + AH_LENGTH);
	if (out->type == NTFS_AT_END)
		return ntfs_error_set(err, NTFS_E_INVALID, "end marker 0xffffffff is not an attribute");
	if (out->length > len)
		return ntfs_error_set(err, NTFS_E_RANGE, "attribute 0x%x length %u runs past the %zu bytes left in the record",
				      out->type, out->length, len);
	if (buf[AH_NON_RESIDENT] > 1)
		return ntfs_error_set(err, NTFS_E_INVALID, "attribute 0x%x non-resident flag is %u, not 0 or 1", out->type,
				      buf[AH_NON_RESIDENT]);
	out->non_resident = buf[AH_NON_RESIDENT] == 1;
	out->flags = le16(buf + AH_FLAGS);
	out->id = le16(buf + AH_ID);
	/* The header-size check comes first so the name and value offsets below are read inside buf. */
	st = out->non_resident ? decode_non_resident(buf, out, err) : decode_resident(buf, out, err);
	if (st != NTFS_OK)
		return st;
	return decode_name(buf, out, err);
}

/* Starts iteration at first_offset (the record header's attrs_offset) within len bytes. */
void ntfs_attr_iter_init(ntfs_attr_iter *it, const uint8_t *rec, size_t len, size_t first_offset)
{
	it->buf = rec;
	it->len = rec ? len : 0;
	it->pos = first_offset;
	it->done = false;
}

/* Ends the iteration with an error so a broken record is never walked further. */
static int iter_fail(ntfs_attr_iter *it)
{
	it->done = true;
	return -1;
}

/* Decodes the next attribute; 1 = got one, 0 = end marker or end of record, -1 = malformed (err set). */
int ntfs_attr_iter_next(ntfs_attr_iter *it, ntfs_attr *out, ntfs_error *err)
{
	size_t left;
	uint32_t length;

	if (it->done)
		return 0;
	if (it->pos > it->len) {
		ntfs_error_set(err, NTFS_E_RANGE, "attribute offset 0x%zx is past the record's %zu bytes", it->pos, it->len);
		return iter_fail(it);
	}
	left = it->len - it->pos;
	if (left == 0) {
		it->done = true;
		return 0;
	}
	if (left < 4) {
		ntfs_error_set(err, NTFS_E_TRUNCATED, "attribute at 0x%zx: only %zu bytes left, no type", it->pos, left);
		return iter_fail(it);
	}
	if (le32(it->buf + it->pos) == NTFS_AT_END) {
		it->done = true;
		return 0;
	}
	if (left < 8) {
		ntfs_error_set(err, NTFS_E_TRUNCATED, "attribute at 0x%zx: only %zu bytes left, no length", it->pos, left);
		return iter_fail(it);
	}
	length = le32(it->buf + it->pos + 4);
	if (length == 0) {
		ntfs_error_set(err, NTFS_E_INVALID, "attribute at 0x%zx has length 0", it->pos);
		return iter_fail(it);
	}
	if (ntfs_attr_decode(it->buf + it->pos, left, out, err) != NTFS_OK) {
		/* Say where in the record the bad attribute sits; keep the decoder's reason. */
		ntfs_error_prefix(err, "at 0x%zx: ", it->pos);
		return iter_fail(it);
	}
	it->pos += length;
	return 1;
}

/* Name of an attribute type ("$FILE_NAME"), or NULL for an unknown type. */
const char *ntfs_attr_type_name(uint32_t type)
{
	switch (type) {
	case NTFS_AT_STANDARD_INFORMATION: return "$STANDARD_INFORMATION";
	case NTFS_AT_ATTRIBUTE_LIST: return "$ATTRIBUTE_LIST";
	case NTFS_AT_FILE_NAME: return "$FILE_NAME";
	case NTFS_AT_OBJECT_ID: return "$OBJECT_ID";
	case NTFS_AT_SECURITY_DESCRIPTOR: return "$SECURITY_DESCRIPTOR";
	case NTFS_AT_VOLUME_NAME: return "$VOLUME_NAME";
	case NTFS_AT_VOLUME_INFORMATION: return "$VOLUME_INFORMATION";
	case NTFS_AT_DATA: return "$DATA";
	case NTFS_AT_INDEX_ROOT: return "$INDEX_ROOT";
	case NTFS_AT_INDEX_ALLOCATION: return "$INDEX_ALLOCATION";
	case NTFS_AT_BITMAP: return "$BITMAP";
	case NTFS_AT_REPARSE_POINT: return "$REPARSE_POINT";
	case NTFS_AT_EA_INFORMATION: return "$EA_INFORMATION";
	case NTFS_AT_EA: return "$EA";
	case NTFS_AT_LOGGED_UTILITY_STREAM: return "$LOGGED_UTILITY_STREAM";
	}
	return NULL;
}
