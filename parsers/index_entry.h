/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Directory index ($I30) entries: the valid entries of one node (index_record.h gives the node), and a
 * carver for the $FILE_NAME keys left in the node's slack, the bytes between the end of its last valid
 * entry and its allocated size: names the directory held and no longer does.
 *
 * An entry: 0x00 file reference, 0x08 entry length, 0x0A key length, 0x0C flags (0x01 has a sub-node,
 * 0x02 last entry), 0x10 the key (a $FILE_NAME value for $I30), padded to 8 bytes; with a sub-node the
 * entry's last 8 bytes are the sub-node's VCN. The last entry holds no key.
 */
#ifndef NTFSLINKS_INDEX_ENTRY_H
#define NTFSLINKS_INDEX_ENTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "file_name.h"
#include "index_record.h"
#include "ntfs_error.h"

#define NTFS_INDEX_ENTRY_HEADER 16u
#define NTFS_INDEX_ENTRY_HAS_SUBNODE 0x0001
#define NTFS_INDEX_ENTRY_LAST 0x0002
#define NTFS_FILE_NAME_FIXED 66u /* bytes of a $FILE_NAME before its name */

/* Times a carved key must have, all four: 1980-01-01 <= t < 2100-01-01 (FILETIME). */
#define NTFS_SLACK_MIN_TIME 119600064000000000ULL
#define NTFS_SLACK_MAX_TIME 157469184000000000ULL

/* Pass as dir_record when the directory's record number is unknown (weaker parent check). */
#define NTFS_INDEX_ANY_DIRECTORY UINT64_MAX

typedef struct {
	uint32_t offset;          /* from the node header */
	uint64_t file_ref;        /* record (low 48 bits) and sequence (high 16) the name belongs to */
	uint16_t entry_length;
	uint16_t key_length;
	uint16_t flags;           /* NTFS_INDEX_ENTRY_* */
	bool is_last;             /* the end marker: no key, no name */
	bool has_subnode;
	uint64_t subnode_vcn;     /* when has_subnode */
	ntfs_file_name name;      /* the decoded key (not for the end marker); name.name points into the node */
} ntfs_index_entry;

/*
 * Decodes the $I30 entry at node[off]; it must end by end (the node's index length). A non-last entry's key
 * must be a $FILE_NAME whose name fits the key length.
 */
ntfs_status ntfs_index_entry_decode(const uint8_t *node, size_t end, size_t off, ntfs_index_entry *out,
				    ntfs_error *err);

typedef enum {
	NTFS_INDEX_STEP_END = 0,  /* the end marker was reached; slack_start is set */
	NTFS_INDEX_STEP_ENTRY,    /* out is a valid entry with a name */
	NTFS_INDEX_STEP_DAMAGED   /* an entry failed to decode (err says why); iteration stops, slack_start is set */
} ntfs_index_step;

/* Iterator over the valid entries of one node. */
typedef struct {
	const ntfs_index_node *node;
	uint32_t pos;             /* offset of the next entry (from the node header) */
	bool done;
	bool damaged;
	uint32_t entries;         /* named entries returned */
	bool has_subnodes;        /* some entry (the end marker included) points to a sub-node */
	/*
	 * Where the slack starts once done: the end of the end marker; after damage, the node's index length
	 * (what lies between the damaged entry and the index length is neither trusted nor carved).
	 */
	uint32_t slack_start;
} ntfs_index_iter;

/* Starts an iterator over the entries of a decoded node. */
void ntfs_index_iter_init(ntfs_index_iter *it, const ntfs_index_node *node);

/* Next valid entry with a name; END at the end marker; DAMAGED (once, then END) when an entry is malformed. */
ntfs_index_step ntfs_index_iter_next(ntfs_index_iter *it, ntfs_index_entry *out, ntfs_error *err);

/* One $FILE_NAME key recovered from slack. */
typedef struct {
	uint32_t offset;          /* of the key, from the node header */
	bool has_entry_header;    /* the 16 bytes before the key are a matching entry header (inside the slack) */
	uint64_t file_ref;        /* from that header (0 without one): the record and sequence the name belonged to */
	uint16_t entry_length;    /* from that header */
	ntfs_file_name name;      /* the key: parent, four times, sizes, flags, namespace, name (pointing into the node) */
	uint32_t reparse_tag;     /* the key's reparse tag when its flags have FILE_ATTRIBUTE_REPARSE_POINT, else 0 */
} ntfs_index_slack_entry;

/* Carver over node[from .. allocated_size), at 8-byte alignment. */
typedef struct {
	const uint8_t *node;
	uint32_t pos;
	uint32_t start;
	uint32_t end;
	uint64_t dir_record;      /* every key's parent must be this record (NTFS_INDEX_ANY_DIRECTORY: any) */
	uint32_t carved;
} ntfs_index_slack;

/*
 * Starts a carver over the slack of node from offset from (ntfs_index_iter's slack_start) to its allocated
 * size. dir_record is the record number of the directory the index belongs to.
 */
void ntfs_index_slack_init(ntfs_index_slack *s, const ntfs_index_node *node, uint32_t from, uint64_t dir_record);

/*
 * Next plausible key: a $FILE_NAME (name length 1..255, namespace 0..3, name inside the slack, no NUL or
 * '/' in it, nor Win32-forbidden characters outside the POSIX namespace) whose parent is the directory,
 * whose four times lie in [NTFS_SLACK_MIN_TIME, NTFS_SLACK_MAX_TIME) and whose flags are attribute bits.
 * False when the slack holds no more.
 */
bool ntfs_index_slack_next(ntfs_index_slack *s, ntfs_index_slack_entry *out);

#endif
