/* SPDX-License-Identifier: Apache-2.0 */
/* $I30 index entries: valid entries of a node, and $FILE_NAME keys carved from its slack. */
#include "index_entry.h"

#include <string.h>

#include "le.h"
#include "std_info.h"

/* Entry header fields. */
enum {
	IE_FILE_REF = 0x00,
	IE_ENTRY_LENGTH = 0x08,
	IE_KEY_LENGTH = 0x0A,
	IE_FLAGS = 0x0C,
	IE_KEY = 0x10
};

/* Attribute bits a $FILE_NAME key may carry (the documented FILE_ATTRIBUTE_* and the two index bits). */
#define FN_KNOWN_FLAGS (0x000FFFF7u | 0x00400000u | NTFS_FA_DUP_FILE_NAME_INDEX | NTFS_FA_DUP_VIEW_INDEX)

/* Reads the 16-byte header of the entry at e into out (caller has checked it fits). */
static void read_header(const uint8_t *e, ntfs_index_entry *out)
{
	out->file_ref = le64(e + IE_FILE_REF);
	out->entry_length = le16(e + IE_ENTRY_LENGTH);
	out->key_length = le16(e + IE_KEY_LENGTH);
	out->flags = le16(e + IE_FLAGS);
	out->is_last = (out->flags & NTFS_INDEX_ENTRY_LAST) != 0;
	out->has_subnode = (out->flags & NTFS_INDEX_ENTRY_HAS_SUBNODE) != 0;
}

/* Entry length must be aligned, cover header, key and sub-node VCN, and end by end. */
static ntfs_status check_lengths(const ntfs_index_entry *out, size_t end, size_t off, ntfs_error *err)
{
	size_t need = NTFS_INDEX_ENTRY_HEADER + (size_t)out->key_length + (out->has_subnode ? 8u : 0u);

	if (out->entry_length % 8 != 0 || out->entry_length < NTFS_INDEX_ENTRY_HEADER + (out->has_subnode ? 8u : 0u))
		return ntfs_error_set(err, NTFS_E_INVALID, "index entry at 0x%zx: length %u is unaligned or too short", off,
				      out->entry_length);
	if (!le_in_bounds(end, off, out->entry_length))
		return ntfs_error_set(err, NTFS_E_RANGE, "index entry at 0x%zx: length %u runs past the node's 0x%zx bytes",
				      off, out->entry_length, end);
	if (need > out->entry_length)
		return ntfs_error_set(err, NTFS_E_INVALID, "index entry at 0x%zx: key of %u bytes does not fit its length %u",
				      off, out->key_length, out->entry_length);
	return NTFS_OK;
}

/* Decodes the $I30 entry at node[off], which must end by end. */
ntfs_status ntfs_index_entry_decode(const uint8_t *node, size_t end, size_t off, ntfs_index_entry *out,
				    ntfs_error *err)
{
	const uint8_t *e;
	ntfs_status st;

	memset(out, 0, sizeof(*out));
	if (node == NULL || !le_in_bounds(end, off, NTFS_INDEX_ENTRY_HEADER))
		return ntfs_error_set(err, NTFS_E_TRUNCATED, "index entry header at 0x%zx runs past the node's 0x%zx bytes",
				      off, end);
	e = node + off;
	out->offset = (uint32_t)off;
	read_header(e, out);
	if ((st = check_lengths(out, end, off, err)) != NTFS_OK)
		return st;
	if (out->has_subnode)
		out->subnode_vcn = le64(e + out->entry_length - 8);
	if (out->is_last) {
		ntfs_error_clear(err);
		return NTFS_OK;
	}
	if (out->key_length < NTFS_FILE_NAME_FIXED)
		return ntfs_error_set(err, NTFS_E_INVALID, "index entry at 0x%zx: key of %u bytes is no $FILE_NAME", off,
				      out->key_length);
	if ((st = ntfs_file_name_decode(e + IE_KEY, out->key_length, &out->name, err)) != NTFS_OK)
		return st;
	ntfs_error_clear(err);
	return NTFS_OK;
}

/* Starts an iterator over the entries of a decoded node. */
void ntfs_index_iter_init(ntfs_index_iter *it, const ntfs_index_node *node)
{
	memset(it, 0, sizeof(*it));
	it->node = node;
	it->pos = node->entries_offset;
}

/* Next valid entry with a name; END at the end marker; DAMAGED once when an entry is malformed. */
ntfs_index_step ntfs_index_iter_next(ntfs_index_iter *it, ntfs_index_entry *out, ntfs_error *err)
{
	const ntfs_index_node *n = it->node;

	memset(out, 0, sizeof(*out));
	if (it->done) {
		ntfs_error_clear(err);
		return NTFS_INDEX_STEP_END;
	}
	if (ntfs_index_entry_decode(n->node, n->index_length, it->pos, out, err) != NTFS_OK) {
		memset(out, 0, sizeof(*out));
		it->done = it->damaged = true;
		it->slack_start = n->index_length;
		return NTFS_INDEX_STEP_DAMAGED;
	}
	it->has_subnodes |= out->has_subnode;
	it->pos += out->entry_length;
	if (out->is_last) {
		it->done = true;
		it->slack_start = it->pos;
		memset(out, 0, sizeof(*out));
		ntfs_error_clear(err);
		return NTFS_INDEX_STEP_END;
	}
	it->entries++;
	return NTFS_INDEX_STEP_ENTRY;
}

/* Starts a carver over node[from .. allocated_size). */
void ntfs_index_slack_init(ntfs_index_slack *s, const ntfs_index_node *node, uint32_t from, uint64_t dir_record)
{
	memset(s, 0, sizeof(*s));
	s->node = node->node;
	s->end = node->allocated_size;
	if (from > s->end)
		from = s->end;
	s->start = from;
	s->pos = (from + 7u) & ~7u;
	if (s->pos > s->end)
		s->pos = s->end;
	s->dir_record = dir_record;
}

/* True when time t is in the carver's sane range. */
static bool sane_time(uint64_t t)
{
	return t >= NTFS_SLACK_MIN_TIME && t < NTFS_SLACK_MAX_TIME;
}

/* True when UTF-16 unit c may appear in a name of namespace ns. */
static bool name_char_ok(uint16_t c, uint8_t ns)
{
	if (c == 0 || c == '/')
		return false;
	if (ns == NTFS_NS_POSIX)
		return true;
	return c >= 0x20 && c != '\\' && c != ':' && c != '*' && c != '?' && c != '"' && c != '<' && c != '>' &&
	       c != '|';
}

/* True when the decoded key looks like a $FILE_NAME Windows wrote into directory dir_record. */
static bool plausible_name(const ntfs_file_name *fn, uint64_t dir_record)
{
	uint64_t parent = ntfs_ref_record(fn->parent_ref);

	if (dir_record != NTFS_INDEX_ANY_DIRECTORY ? parent != dir_record
						    : parent > UINT32_MAX || ntfs_ref_sequence(fn->parent_ref) == 0)
		return false;
	if (!sane_time(fn->created) || !sane_time(fn->modified) || !sane_time(fn->mft_modified) ||
	    !sane_time(fn->accessed))
		return false;
	if (fn->flags & ~FN_KNOWN_FLAGS)
		return false;
	for (unsigned i = 0; i < fn->name_length; i++)
		if (!name_char_ok(le16(fn->name + 2 * i), fn->name_space))
			return false;
	return true;
}

/* Fills the entry-header fields of out when the 16 bytes before the key (inside the slack) match it. */
static void match_header(const ntfs_index_slack *s, uint32_t key_off, ntfs_index_slack_entry *out)
{
	ntfs_index_entry h;
	uint32_t key_len = NTFS_FILE_NAME_FIXED + 2u * out->name.name_length;

	if (key_off < s->start + NTFS_INDEX_ENTRY_HEADER)
		return;
	memset(&h, 0, sizeof(h));
	read_header(s->node + key_off - NTFS_INDEX_ENTRY_HEADER, &h);
	if (h.key_length != key_len || h.is_last || (h.flags & ~(unsigned)NTFS_INDEX_ENTRY_HAS_SUBNODE) != 0)
		return;
	if (h.entry_length % 8 != 0 || h.entry_length < NTFS_INDEX_ENTRY_HEADER + key_len + (h.has_subnode ? 8u : 0u))
		return;
	out->has_entry_header = true;
	out->file_ref = h.file_ref;
	out->entry_length = h.entry_length;
}

/* Next plausible $FILE_NAME key in the slack; false when there is none left. */
bool ntfs_index_slack_next(ntfs_index_slack *s, ntfs_index_slack_entry *out)
{
	memset(out, 0, sizeof(*out));
	while ((uint64_t)s->pos + NTFS_FILE_NAME_FIXED <= s->end) {
		uint32_t q = s->pos;
		uint64_t parent = le64(s->node + q); /* the key's first field: most positions fail here */
		if (s->dir_record != NTFS_INDEX_ANY_DIRECTORY ? ntfs_ref_record(parent) != s->dir_record
							       : ntfs_ref_record(parent) > UINT32_MAX || ntfs_ref_sequence(parent) == 0) {
			s->pos += 8;
			continue;
		}
		if (ntfs_file_name_decode(s->node + q, s->end - q, &out->name, NULL) != NTFS_OK ||
		    !plausible_name(&out->name, s->dir_record)) {
			s->pos += 8;
			continue;
		}
		out->offset = q;
		if (out->name.flags & NTFS_FA_REPARSE_POINT)
			out->reparse_tag = out->name.reparse_tag;
		match_header(s, q, out);
		s->pos = q + ((NTFS_FILE_NAME_FIXED + 2u * out->name.name_length + 7u) & ~7u);
		s->carved++;
		return true;
	}
	s->pos = s->end;
	memset(out, 0, sizeof(*out));
	return false;
}
