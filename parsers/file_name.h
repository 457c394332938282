/* SPDX-License-Identifier: Apache-2.0 */
/* $FILE_NAME: one hard link (or DOS alias): parent reference, times, sizes, namespace and name. */
#ifndef NTFSLINKS_FILE_NAME_H
#define NTFSLINKS_FILE_NAME_H

#include <stddef.h>
#include <stdint.h>
#include "ntfs_error.h"

enum {
	NTFS_NS_POSIX = 0,
	NTFS_NS_WIN32 = 1,
	NTFS_NS_DOS = 2,
	NTFS_NS_WIN32_DOS = 3
};

typedef struct {
	uint64_t parent_ref;      /* record (low 48 bits) and sequence (high 16) of the parent directory */
	uint64_t created;         /* FILETIME */
	uint64_t modified;
	uint64_t mft_modified;
	uint64_t accessed;
	uint64_t allocated_size;
	uint64_t data_size;
	uint32_t flags;           /* NTFS_FA_* (std_info.h) */
	uint32_t reparse_tag;     /* valid when flags has NTFS_FA_REPARSE_POINT; else the EA size field */
	uint8_t name_length;      /* UTF-16 code units */
	uint8_t name_space;       /* NTFS_NS_* */
	const uint8_t *name;      /* UTF-16LE, points into buf */
} ntfs_file_name;

/* Decodes a resident $FILE_NAME value; the name must lie inside len. */
ntfs_status ntfs_file_name_decode(const uint8_t *buf, size_t len, ntfs_file_name *out, ntfs_error *err);

/* Stable report name of a namespace: "posix", "win32", "dos", "win32_dos" ("unknown" otherwise). */
const char *ntfs_file_name_namespace_name(uint8_t name_space);

#endif
