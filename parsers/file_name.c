/* SPDX-License-Identifier: Apache-2.0 */
/* $FILE_NAME decoder: one hard link or DOS alias with its parent reference, times, sizes and name. */
#include "file_name.h"

#include <string.h>

#include "le.h"

/* Field offsets of the fixed part; the name follows at 0x42. */
enum {
	FN_PARENT_REF = 0x00,
	FN_CREATED = 0x08,
	FN_MODIFIED = 0x10,
	FN_MFT_MODIFIED = 0x18,
	FN_ACCESSED = 0x20,
	FN_ALLOCATED_SIZE = 0x28,
	FN_DATA_SIZE = 0x30,
	FN_FLAGS = 0x38,
	FN_REPARSE_TAG = 0x3C,
	FN_NAME_LENGTH = 0x40,
	FN_NAMESPACE = 0x41,
	FN_NAME = 0x42
};

/* Reads the fixed 66-byte part (caller has checked it fits). */
static void decode_fixed(const uint8_t *buf, ntfs_file_name *out)
{
	out->parent_ref = le64(buf + FN_PARENT_REF);
	out->created = le64(buf + FN_CREATED);
	out->modified = le64(buf + FN_MODIFIED);
	out->mft_modified = le64(buf + FN_MFT_MODIFIED);
	out->accessed = le64(buf + FN_ACCESSED);
	out->allocated_size = le64(buf + FN_ALLOCATED_SIZE);
	out->data_size = le64(buf + FN_DATA_SIZE);
	out->flags = le32(buf + FN_FLAGS);
	out->reparse_tag = le32(buf + FN_REPARSE_TAG);
	out->name_length = buf[FN_NAME_LENGTH];
	out->name_space = buf[FN_NAMESPACE];
}

/* Decodes a resident $FILE_NAME value; the name must lie inside len. */
ntfs_status ntfs_file_name_decode(const uint8_t *buf, size_t len, ntfs_file_name *out, ntfs_error *err)
{
	memset(out, 0, sizeof(*out));
	if (buf == NULL || len < FN_NAME)
		return ntfs_error_set(err, NTFS_E_TRUNCATED, "$FILE_NAME needs %d bytes before the name, value has %zu",
				      FN_NAME, buf ? len : 0);
	decode_fixed(buf, out);
	if (out->name_length == 0)
		return ntfs_error_set(err, NTFS_E_INVALID, "$FILE_NAME name length at 0x40 is 0");
	if (out->name_space > NTFS_NS_WIN32_DOS)
		return ntfs_error_set(err, NTFS_E_INVALID, "$FILE_NAME namespace at 0x41 is %u, not 0..3", out->name_space);
	if (!le_in_bounds(len, FN_NAME, (size_t)out->name_length * 2))
		return ntfs_error_set(err, NTFS_E_RANGE, "$FILE_NAME name of %u units at 0x42 runs past the value's %zu bytes",
				      out->name_length, len);
	out->name = buf + FN_NAME;
	ntfs_error_clear(err);
	return NTFS_OK;
}

/* Stable report name of a namespace: "posix", "win32", "dos", "win32_dos" ("unknown" otherwise). */
const char *ntfs_file_name_namespace_name(uint8_t name_space)
{
	switch (name_space) {
	case NTFS_NS_POSIX: return "posix";
	case NTFS_NS_WIN32: return "win32";
	case NTFS_NS_DOS: return "dos";
	case NTFS_NS_WIN32_DOS: return "win32_dos";
	}
	return "unknown";
}
