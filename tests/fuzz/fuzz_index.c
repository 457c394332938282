/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer harness for the $I30 decoders. Input: one flag byte (bit 0: the rest is a resident $INDEX_ROOT
 * value, else an INDX record whose update sequence is applied on a private copy first; bits 1-7: the
 * directory record the carver expects, 127 = any), then the bytes. The node's entries are walked the way
 * the analyzer does, then its slack is carved. Every entry, name and carved key must lie inside the node;
 * the walk and the carver must end within a bound set by the node's size.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "index_entry.h"
#include "index_record.h"
#include "le.h"
#include "record.h"
#include "std_info.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Traps unless p..p+n lies inside the node's first lim bytes. */
static void check_inside(const ntfs_index_node *node, size_t lim, const uint8_t *p, size_t n)
{
	if (p < node->node || (size_t)(p - node->node) > lim || n > lim - (size_t)(p - node->node))
		__builtin_trap();
}

/* Walks the node's valid entries; returns where its slack starts. */
static uint32_t walk(const ntfs_index_node *node)
{
	ntfs_index_iter it;
	ntfs_index_entry en;
	ntfs_index_step s;
	ntfs_error err;
	uint32_t steps = 0;

	ntfs_index_iter_init(&it, node);
	while ((s = ntfs_index_iter_next(&it, &en, &err)) == NTFS_INDEX_STEP_ENTRY) {
		if (++steps > node->index_length / NTFS_INDEX_ENTRY_HEADER + 1)
			__builtin_trap();
		check_inside(node, node->index_length, node->node + en.offset, en.entry_length);
		check_inside(node, node->index_length, en.name.name, 2u * en.name.name_length);
		if (en.is_last || en.name.name_length == 0)
			__builtin_trap();
	}
	if (s == NTFS_INDEX_STEP_DAMAGED && (err.reason[0] == '\0' || !it.damaged))
		__builtin_trap();
	if (ntfs_index_iter_next(&it, &en, &err) != NTFS_INDEX_STEP_END)
		__builtin_trap();
	if (it.slack_start > node->allocated_size)
		__builtin_trap();
	return it.slack_start;
}

/* Carves the slack from from; checks every key against the node's allocated bytes. */
static void carve(const ntfs_index_node *node, uint32_t from, uint64_t dir)
{
	ntfs_index_slack s;
	ntfs_index_slack_entry se;
	uint32_t n = 0;

	ntfs_index_slack_init(&s, node, from, dir);
	while (ntfs_index_slack_next(&s, &se)) {
		if (++n > node->allocated_size / 8 + 1)
			__builtin_trap();
		if (se.offset < from || se.offset % 8 != 0)
			__builtin_trap();
		check_inside(node, node->allocated_size, node->node + se.offset,
			     NTFS_FILE_NAME_FIXED + 2u * se.name.name_length);
		if (se.has_entry_header && se.offset < from + NTFS_INDEX_ENTRY_HEADER)
			__builtin_trap();
		if (se.reparse_tag != 0 && !(se.name.flags & NTFS_FA_REPARSE_POINT))
			__builtin_trap();
		if (dir != NTFS_INDEX_ANY_DIRECTORY && ntfs_ref_record(se.name.parent_ref) != dir)
			__builtin_trap();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t dir;
	ntfs_error err;

	if (size < 1)
		return 0;
	dir = (data[0] >> 1) == 127 ? NTFS_INDEX_ANY_DIRECTORY : (uint64_t)(data[0] >> 1);
	if (data[0] & 1) {
		ntfs_index_root ir;
		if (ntfs_index_root_decode(data + 1, size - 1, &ir, &err) == NTFS_OK) {
			check_inside(&ir.node, ir.node.allocated_size, ir.node.node, ir.node.allocated_size);
			carve(&ir.node, walk(&ir.node), dir);
		}
		return 0;
	}
	{
		size_t len = size - 1;
		uint8_t *copy = malloc(len ? len : 1);
		ntfs_record_fixups fx;
		ntfs_indx_record rec;

		if (copy == NULL)
			return 0;
		memcpy(copy, data + 1, len);
		(void)ntfs_record_apply_fixups(copy, len, NTFS_USA_STRIDE, &fx, &err);
		if (ntfs_indx_record_decode(copy, len, &rec, &err) == NTFS_OK) {
			if (rec.node.node != copy + NTFS_INDX_NODE_OFFSET ||
			    NTFS_INDX_NODE_OFFSET + (size_t)rec.node.allocated_size > len)
				__builtin_trap();
			carve(&rec.node, walk(&rec.node), dir);
			carve(&rec.node, rec.node.entries_offset, dir); /* the whole node, live keys included */
		}
		free(copy);
	}
	return 0;
}
