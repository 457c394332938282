/* SPDX-License-Identifier: Apache-2.0 */
/* $VOLUME_INFORMATION (NTFS version and volume flags) and $VOLUME_NAME (the label) decoders. */
#include "volume_info.h"

#include <string.h>

#include "le.h"
#include "utf16.h"

/* Field offsets in $VOLUME_INFORMATION (the first 8 bytes are reserved). */
enum {
	VI_MAJOR = 0x08,
	VI_MINOR = 0x09,
	VI_FLAGS = 0x0A,
	VI_MIN_SIZE = 0x0C
};

/* Windows caps labels at 128 UTF-16 units ($AttrDef: 256 bytes). */
#define VOLUME_NAME_MAX_BYTES 256

/* Decodes a $VOLUME_INFORMATION value (at least 12 bytes). */
ntfs_status ntfs_volume_info_decode(const uint8_t *buf, size_t len, ntfs_volume_info *out, ntfs_error *err)
{
	memset(out, 0, sizeof(*out));
	if (buf == NULL || len < VI_MIN_SIZE)
		return ntfs_error_set(err, NTFS_E_TRUNCATED, "$VOLUME_INFORMATION needs %d bytes, value has %zu", VI_MIN_SIZE,
				      buf ? len : 0);
	out->major = buf[VI_MAJOR];
	out->minor = buf[VI_MINOR];
	out->flags = le16(buf + VI_FLAGS);
	ntfs_error_clear(err);
	return NTFS_OK;
}

/* Converts a $VOLUME_NAME value (UTF-16LE, even length) to NUL-terminated UTF-8 in out. */
ntfs_status ntfs_volume_name_decode(const uint8_t *buf, size_t len, char *out, size_t cap, ntfs_error *err)
{
	size_t need;

	if (out == NULL || cap == 0)
		return ntfs_error_set(err, NTFS_E_INVALID, "no room for the volume label");
	out[0] = '\0';
	if (len % 2 != 0)
		return ntfs_error_set(err, NTFS_E_INVALID, "$VOLUME_NAME length %zu is odd, not UTF-16", len);
	if (len > VOLUME_NAME_MAX_BYTES)
		return ntfs_error_set(err, NTFS_E_RANGE, "$VOLUME_NAME length %zu exceeds %d bytes", len,
				      VOLUME_NAME_MAX_BYTES);
	if (buf == NULL && len != 0)
		return ntfs_error_set(err, NTFS_E_INVALID, "$VOLUME_NAME value missing");
	if (len == 0) {
		ntfs_error_clear(err);
		return NTFS_OK;
	}
	need = ntfs_utf16_to_utf8(buf, len / 2, out, cap);
	if (need >= cap) {
		out[0] = '\0';
		return ntfs_error_set(err, NTFS_E_RANGE, "volume label needs %zu bytes of UTF-8, buffer holds %zu", need + 1,
				      cap);
	}
	ntfs_error_clear(err);
	return NTFS_OK;
}
