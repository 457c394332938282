/* SPDX-License-Identifier: Apache-2.0 */
/*
 * GUID Partition Table (UEFI 2.x, 5.3): the header at LBA 1 and its 128-byte (or larger) entries, for the
 * partitions' unique GUIDs (Windows names GPT volumes by them in MountedDevices); and GUIDs as text.
 * Pure: no I/O, bounds-checked. Thread-safe.
 */
#ifndef NTFSLINKS_GPT_H
#define NTFSLINKS_GPT_H

#include <stddef.h>
#include <stdint.h>

#include "ntfs_error.h"

#define NTFS_GPT_MAX_ENTRIES 1024u /* far more than any disk has (128 is the usual count) */
#define NTFS_GUID_STRING 37       /* "01234567-89ab-cdef-0123-456789abcdef" and its NUL */

typedef struct {
	uint64_t entries_lba;     /* first sector of the entry array */
	uint32_t entry_count;
	uint32_t entry_size;
} ntfs_gpt_header;

typedef struct {
	uint8_t type_guid[16];    /* as stored (first three fields little-endian) */
	uint8_t unique_guid[16];
	uint64_t first_lba, last_lba;
} ntfs_gpt_entry;

/* Decodes the header sector ("EFI PART"): entry size 128..4096 and a multiple of 8, count <= the bound. */
ntfs_status ntfs_gpt_header_decode(const uint8_t *buf, size_t len, ntfs_gpt_header *out, ntfs_error *err);

/* Decodes one entry (entry_size bytes at buf). An unused entry has an all-zero type GUID. */
ntfs_status ntfs_gpt_entry_decode(const uint8_t *buf, size_t len, ntfs_gpt_entry *out, ntfs_error *err);

/* Writes a GUID stored as on disk (mixed-endian) as lower-case text "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx". */
void ntfs_guid_format(const uint8_t g[16], char out[NTFS_GUID_STRING]);

/* Parses text GUID s (36 characters, either case, no braces) into its stored bytes; 0 on success, -1 if malformed. */
int ntfs_guid_parse(const char *s, uint8_t out[16]);

#endif
