/* SPDX-License-Identifier: Apache-2.0 */
/* $VOLUME_INFORMATION (NTFS version, volume flags) and $VOLUME_NAME (the label) from record 3. */
#ifndef NTFSLINKS_VOLUME_INFO_H
#define NTFSLINKS_VOLUME_INFO_H

#include <stddef.h>
#include <stdint.h>
#include "ntfs_error.h"

#define NTFS_VOLUME_FLAG_DIRTY 0x0001

typedef struct {
	uint8_t major;
	uint8_t minor;
	uint16_t flags;
} ntfs_volume_info;

/* Decodes a $VOLUME_INFORMATION value (at least 12 bytes). */
ntfs_status ntfs_volume_info_decode(const uint8_t *buf, size_t len, ntfs_volume_info *out, ntfs_error *err);

/* Converts a $VOLUME_NAME value (UTF-16LE, even length) to NUL-terminated UTF-8 in out. */
ntfs_status ntfs_volume_name_decode(const uint8_t *buf, size_t len, char *out, size_t cap, ntfs_error *err);

#endif
