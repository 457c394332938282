/* SPDX-License-Identifier: Apache-2.0 */
/* $ATTRIBUTE_LIST entry decoder: which record holds each attribute (extent) of a large file. */
#include "attr_list.h"

#include <string.h>

#include "le.h"

/* Entry field offsets; the fixed part is 26 bytes. */
enum {
	AL_TYPE = 0x00,
	AL_LENGTH = 0x04,
	AL_NAME_LENGTH = 0x06,
	AL_NAME_OFFSET = 0x07,
	AL_LOWEST_VCN = 0x08,
	AL_MFT_REF = 0x10,
	AL_ATTR_ID = 0x18,
	AL_MIN_SIZE = 0x1A
};

/* Reads the fixed part of the entry at e (caller has checked 26 bytes are there). */
static void decode_fixed(const uint8_t *e, ntfs_attr_list_entry *out)
{
	out->type = le32(e + AL_TYPE);
	out->length = le16(e + AL_LENGTH);
	out->name_length = e[AL_NAME_LENGTH];
	out->lowest_vcn = le64(e + AL_LOWEST_VCN);
	out->mft_ref = le64(e + AL_MFT_REF);
	out->attr_id = le16(e + AL_ATTR_ID);
}

/* The name must lie inside the entry, after its fixed part. */
static ntfs_status decode_name(const uint8_t *e, size_t pos, ntfs_attr_list_entry *out, ntfs_error *err)
{
	uint8_t name_offset = e[AL_NAME_OFFSET];

	if (out->name_length == 0)
		return NTFS_OK;
	if (name_offset < AL_MIN_SIZE || !le_in_bounds(out->length, name_offset, (size_t)out->name_length * 2))
		return ntfs_error_set(err, NTFS_E_RANGE,
				      "attribute list entry at 0x%zx: name at 0x%x (%u units) is outside the entry's %u bytes",
				      pos, name_offset, out->name_length, out->length);
	out->name = e + name_offset;
	return NTFS_OK;
}

/* Decodes the entry at *pos and advances *pos; 1 = entry, 0 = end of list, -1 = malformed (err set). */
int ntfs_attr_list_next(const uint8_t *buf, size_t len, size_t *pos, ntfs_attr_list_entry *out, ntfs_error *err)
{
	const uint8_t *e;

	memset(out, 0, sizeof(*out));
	if (buf == NULL || *pos >= len)
		return 0;
	if (len - *pos < AL_MIN_SIZE) {
		ntfs_error_set(err, NTFS_E_TRUNCATED, "attribute list entry at 0x%zx: %zu bytes left, needs %d", *pos,
			       len - *pos, AL_MIN_SIZE);
		return -1;
	}
	e = buf + *pos;
	decode_fixed(e, out);
	if (out->length < AL_MIN_SIZE) {
		ntfs_error_set(err, NTFS_E_INVALID, "attribute list entry at 0x%zx: length %u is below %d", *pos,
			       out->length, AL_MIN_SIZE);
		return -1;
	}
	if (out->length > len - *pos) {
		ntfs_error_set(err, NTFS_E_RANGE, "attribute list entry at 0x%zx: length %u runs past the list's %zu bytes",
			       *pos, out->length, len);
		return -1;
	}
	if (decode_name(e, *pos, out, err) != NTFS_OK)
		return -1;
	*pos += out->length;
	return 1;
}
