/* SPDX-License-Identifier: Apache-2.0 */
/* The Volume Shadow Copy volume header: 512 bytes at byte 0x1e00 of an NTFS volume (libvshadow's
 * documentation of the format, "vshadow_volume_header"). Used only to tell cheaply whether a volume has
 * shadow copies before libvshadow is asked to read them. */
#ifndef NTFSLINKS_VSS_HEADER_H
#define NTFSLINKS_VSS_HEADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "ntfs_error.h"

#define VSS_HEADER_OFFSET 0x1e00u   /* bytes from the start of the volume */
#define VSS_HEADER_SIZE 512u

typedef struct {
	uint32_t version;           /* 1 (Windows Vista and later) or 2 (Windows Server 2003) as stored */
	uint32_t record_type;       /* 1: volume header */
	uint64_t catalog_offset;    /* bytes from the start of the volume; 0: no catalog (no stores) */
	uint64_t maximum_size;
} vss_header;

/* Decodes the header at buf (len bytes, at least VSS_HEADER_SIZE). NTFS_E_SIGNATURE when the 16-byte VSS
 * identifier is not there (no shadow copies: the usual case), NTFS_E_INVALID when the record type is not 1. */
ntfs_status vss_header_decode(const uint8_t *buf, size_t len, vss_header *out, ntfs_error *err);

#define VSS_BLOCK_SIZE 16384u        /* catalog and store block list blocks */
#define VSS_BLOCK_HEADER_SIZE 128u
#define VSS_CATALOG_ENTRY_SIZE 128u

/* The 128-byte header of a catalog or store block (list) block. */
typedef struct {
	uint32_t record_type;       /* 2 catalog, 3 store block list, 4 store header, 5 store block range list */
	uint64_t current_offset;    /* where the block says it is (bytes from the start of the volume) */
	uint64_t next_offset;       /* the next block of the chain, 0 at its end */
} vss_block_header;

/* Decodes a block header (at least VSS_BLOCK_HEADER_SIZE bytes); NTFS_E_SIGNATURE without the VSS identifier. */
ntfs_status vss_block_header_decode(const uint8_t *buf, size_t len, vss_block_header *out, ntfs_error *err);

/* A catalog entry: type 2 holds a store's volume size and creation time, type 3 where its blocks are. */
typedef struct {
	uint64_t type;              /* 0 or 1: unused */
	uint64_t block_list_offset, header_offset, range_list_offset;   /* type 3 */
} vss_catalog_entry;

/* Decodes one 128-byte catalog entry. */
ntfs_status vss_catalog_entry_decode(const uint8_t *buf, size_t len, vss_catalog_entry *out, ntfs_error *err);

#endif
