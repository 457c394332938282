/* SPDX-License-Identifier: Apache-2.0 */
/* Directory index containers: $INDEX_ROOT, the index node header and the INDX record header. */
#include "index_record.h"

#include <string.h>

#include "le.h"

/* Index node header fields (relative to the node header). */
enum {
	NODE_ENTRIES_OFFSET = 0x00,
	NODE_INDEX_LENGTH = 0x04,
	NODE_ALLOCATED_SIZE = 0x08,
	NODE_FLAGS = 0x0C
};

/* $INDEX_ROOT fields before the node header. */
enum {
	ROOT_ATTR_TYPE = 0x00,
	ROOT_COLLATION = 0x04,
	ROOT_RECORD_SIZE = 0x08,
	ROOT_CLUSTERS_PER_RECORD = 0x0C
};

/* INDX record header fields. */
enum {
	INDX_USA_OFFSET = 0x04,
	INDX_USA_COUNT = 0x06,
	INDX_LSN = 0x08,
	INDX_VCN = 0x10
};

/* The node's offsets must be ordered, 8-byte aligned and inside the avail bytes the container gives it. */
static ntfs_status check_node(const ntfs_index_node *n, size_t avail, uint32_t min_entries, ntfs_error *err)
{
	if (n->entries_offset < min_entries || n->entries_offset % 8 != 0)
		return ntfs_error_set(err, NTFS_E_INVALID,
				      "index node entries offset 0x%x is unaligned or inside the headers (< 0x%x)",
				      n->entries_offset, min_entries);
	if (n->index_length < n->entries_offset)
		return ntfs_error_set(err, NTFS_E_INVALID, "index node length 0x%x ends before its first entry at 0x%x",
				      n->index_length, n->entries_offset);
	if (n->allocated_size < n->index_length)
		return ntfs_error_set(err, NTFS_E_INVALID, "index node uses 0x%x bytes but owns only 0x%x",
				      n->index_length, n->allocated_size);
	if (n->allocated_size > avail)
		return ntfs_error_set(err, NTFS_E_RANGE, "index node owns 0x%x bytes, its container leaves 0x%zx",
				      n->allocated_size, avail);
	return NTFS_OK;
}

/* Decodes an index node header at buf[off]; its node may use what is left of buf. */
ntfs_status ntfs_index_node_decode(const uint8_t *buf, size_t len, size_t off, uint32_t min_entries,
				   ntfs_index_node *out, ntfs_error *err)
{
	const uint8_t *h;
	ntfs_status st;

	memset(out, 0, sizeof(*out));
	if (buf == NULL || !le_in_bounds(len, off, NTFS_INDEX_NODE_HEADER))
		return ntfs_error_set(err, NTFS_E_TRUNCATED, "index node header needs %u bytes at 0x%zx of %zu",
				      NTFS_INDEX_NODE_HEADER, off, buf ? len : 0);
	h = buf + off;
	out->node = h;
	out->entries_offset = le32(h + NODE_ENTRIES_OFFSET);
	out->index_length = le32(h + NODE_INDEX_LENGTH);
	out->allocated_size = le32(h + NODE_ALLOCATED_SIZE);
	out->flags = h[NODE_FLAGS];
	if ((st = check_node(out, len - off, min_entries < NTFS_INDEX_NODE_HEADER ? NTFS_INDEX_NODE_HEADER : min_entries,
			     err)) != NTFS_OK)
		return st;
	ntfs_error_clear(err);
	return NTFS_OK;
}

/* Decodes a resident $INDEX_ROOT value and its node. */
ntfs_status ntfs_index_root_decode(const uint8_t *buf, size_t len, ntfs_index_root *out, ntfs_error *err)
{
	memset(out, 0, sizeof(*out));
	if (buf == NULL || len < NTFS_INDEX_ROOT_HEADER + NTFS_INDEX_NODE_HEADER)
		return ntfs_error_set(err, NTFS_E_TRUNCATED, "$INDEX_ROOT needs %u bytes, value has %zu",
				      NTFS_INDEX_ROOT_HEADER + NTFS_INDEX_NODE_HEADER, buf ? len : 0);
	out->attr_type = le32(buf + ROOT_ATTR_TYPE);
	out->collation = le32(buf + ROOT_COLLATION);
	out->record_size = le32(buf + ROOT_RECORD_SIZE);
	out->clusters_per_record = buf[ROOT_CLUSTERS_PER_RECORD];
	return ntfs_index_node_decode(buf, len, NTFS_INDEX_ROOT_HEADER, NTFS_INDEX_NODE_HEADER, &out->node, err);
}

/* True when buf starts with the "INDX" signature. */
bool ntfs_indx_has_signature(const uint8_t *buf, size_t len)
{
	return buf != NULL && len >= 4 && memcmp(buf, "INDX", 4) == 0;
}

/* Decodes an INDX record (fixups already applied): signature, update sequence bounds, VCN and node. */
ntfs_status ntfs_indx_record_decode(const uint8_t *buf, size_t len, ntfs_indx_record *out, ntfs_error *err)
{
	size_t usa_end;
	ntfs_status st;

	memset(out, 0, sizeof(*out));
	if (buf == NULL || len < NTFS_INDX_NODE_OFFSET + NTFS_INDEX_NODE_HEADER)
		return ntfs_error_set(err, NTFS_E_TRUNCATED, "INDX record needs %u bytes, have %zu",
				      NTFS_INDX_NODE_OFFSET + NTFS_INDEX_NODE_HEADER, buf ? len : 0);
	if (!ntfs_indx_has_signature(buf, len))
		return ntfs_error_set(err, NTFS_E_SIGNATURE, "index record signature is %02x%02x%02x%02x, not INDX", buf[0],
				      buf[1], buf[2], buf[3]);
	out->usa_offset = le16(buf + INDX_USA_OFFSET);
	out->usa_count = le16(buf + INDX_USA_COUNT);
	out->lsn = le64(buf + INDX_LSN);
	out->vcn = le64(buf + INDX_VCN);
	usa_end = (size_t)out->usa_offset + (size_t)out->usa_count * 2;
	if (out->usa_offset < NTFS_INDX_NODE_OFFSET + NTFS_INDEX_NODE_HEADER || (out->usa_offset & 1) || out->usa_count < 2 ||
	    usa_end > len)
		return ntfs_error_set(err, NTFS_E_INVALID,
				      "INDX update sequence array at 0x%x (%u entries) is odd, inside the header or past %zu bytes",
				      out->usa_offset, out->usa_count, len);
	/* the entries start after the update sequence array: count from the node header at 0x18 */
	if ((st = ntfs_index_node_decode(buf, len, NTFS_INDX_NODE_OFFSET, (uint32_t)(usa_end - NTFS_INDX_NODE_OFFSET),
					 &out->node, err)) != NTFS_OK)
		return st;
	ntfs_error_clear(err);
	return NTFS_OK;
}
