/* SPDX-License-Identifier: Apache-2.0 */
/* $STANDARD_INFORMATION: times, DOS attribute flags, owner and security ids, USN. */
#ifndef NTFSLINKS_STD_INFO_H
#define NTFSLINKS_STD_INFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "ntfs_error.h"

/* FILE_ATTRIBUTE_* flags shared by $STANDARD_INFORMATION and $FILE_NAME. */
#define NTFS_FA_READONLY      0x00000001
#define NTFS_FA_HIDDEN        0x00000002
#define NTFS_FA_SYSTEM        0x00000004
#define NTFS_FA_DIRECTORY     0x00000010 /* as used by Windows in $FILE_NAME: 0x10000000 is the on-disk index flag */
#define NTFS_FA_ARCHIVE       0x00000020
#define NTFS_FA_SPARSE        0x00000200
#define NTFS_FA_REPARSE_POINT 0x00000400
#define NTFS_FA_COMPRESSED    0x00000800
#define NTFS_FA_ENCRYPTED     0x00004000
#define NTFS_FA_DUP_FILE_NAME_INDEX 0x10000000 /* "directory" in $FILE_NAME flags */
#define NTFS_FA_DUP_VIEW_INDEX      0x20000000 /* a view index ($Secure, $Quota, $ObjId, $Reparse) in $FILE_NAME flags */

typedef struct {
	uint64_t created;         /* FILETIME: 100 ns since 1601-01-01 UTC */
	uint64_t modified;
	uint64_t mft_modified;
	uint64_t accessed;
	uint32_t flags;           /* NTFS_FA_* */
	uint32_t max_versions;
	uint32_t version;
	uint32_t class_id;
	bool has_v3_fields;       /* 72-byte form (NTFS 3.x): the fields below are valid */
	uint32_t owner_id;
	uint32_t security_id;     /* key into $Secure */
	uint64_t quota_charged;
	uint64_t usn;
} ntfs_std_info;

/* Decodes a resident $STANDARD_INFORMATION value (48 or 72 bytes). */
ntfs_status ntfs_std_info_decode(const uint8_t *buf, size_t len, ntfs_std_info *out, ntfs_error *err);

#endif
