/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Directory index ($I30) containers: the $INDEX_ROOT value, the index node header both share with the
 * INDX records of $INDEX_ALLOCATION, and the INDX record header. The entries themselves are in index_entry.h.
 * Offsets and sizes in a node header count from the node header itself.
 */
#ifndef NTFSLINKS_INDEX_RECORD_H
#define NTFSLINKS_INDEX_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "ntfs_error.h"

#define NTFS_INDEX_NODE_HEADER 16u       /* bytes of an index node header */
#define NTFS_INDEX_ROOT_HEADER 16u       /* bytes of $INDEX_ROOT before its node header */
#define NTFS_INDX_NODE_OFFSET 0x18u      /* where an INDX record's node header starts */
#define NTFS_INDEX_NODE_HAS_CHILDREN 0x01 /* node flag: entries point to sub-nodes in $INDEX_ALLOCATION */

/* Collation rules ($INDEX_ROOT at 0x04). */
#define NTFS_COLLATION_BINARY 0x00
#define NTFS_COLLATION_FILE_NAME 0x01
#define NTFS_COLLATION_UNICODE_STRING 0x02
#define NTFS_COLLATION_ULONG 0x10
#define NTFS_COLLATION_SID 0x11
#define NTFS_COLLATION_SECURITY_HASH 0x12
#define NTFS_COLLATION_ULONGS 0x13

/*
 * An index node: the header's fields plus where the node's bytes are. entries_offset <= index_length
 * <= allocated_size; allocated_size bytes from node are inside the buffer the node was decoded from.
 */
typedef struct {
	const uint8_t *node;      /* the node header; every offset below counts from here */
	uint32_t entries_offset;  /* first entry */
	uint32_t index_length;    /* bytes in use: the end of the last entry */
	uint32_t allocated_size;  /* bytes the node owns: what lies between index_length and this is slack */
	uint8_t flags;            /* NTFS_INDEX_NODE_HAS_CHILDREN */
} ntfs_index_node;

typedef struct {
	uint32_t attr_type;       /* type of the indexed attribute: 0x30 ($FILE_NAME) for $I30, 0 for view indexes */
	uint32_t collation;       /* NTFS_COLLATION_* */
	uint32_t record_size;     /* bytes of each INDX record of $INDEX_ALLOCATION */
	uint8_t clusters_per_record; /* as stored (a negative value i8 means 2^-i bytes) */
	ntfs_index_node node;
} ntfs_index_root;

typedef struct {
	uint16_t usa_offset;
	uint16_t usa_count;
	uint64_t lsn;
	uint64_t vcn;             /* this record's VCN in $INDEX_ALLOCATION */
	ntfs_index_node node;
} ntfs_indx_record;

/*
 * Decodes an index node header at buf[off] whose node may use at most avail bytes from there (the rest
 * of its container). min_entries is the lowest entries_offset the container allows (past its own arrays).
 */
ntfs_status ntfs_index_node_decode(const uint8_t *buf, size_t len, size_t off, uint32_t min_entries,
				   ntfs_index_node *out, ntfs_error *err);

/* Decodes a resident $INDEX_ROOT value (len bytes) and its node; the node lives inside the value. */
ntfs_status ntfs_index_root_decode(const uint8_t *buf, size_t len, ntfs_index_root *out, ntfs_error *err);

/*
 * Decodes an INDX record of len bytes (one index record, the update sequence already applied by
 * ntfs_record_apply_fixups on the caller's copy): signature, update sequence bounds, VCN, node. The node
 * must start its entries past the update sequence array and own no more than the record.
 */
ntfs_status ntfs_indx_record_decode(const uint8_t *buf, size_t len, ntfs_indx_record *out, ntfs_error *err);

/* True when buf starts with the "INDX" signature. */
bool ntfs_indx_has_signature(const uint8_t *buf, size_t len);

#endif
