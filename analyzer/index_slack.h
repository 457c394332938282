/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Names left in directory index slack: for every allocated directory of a scanned volume, the $FILE_NAME
 * keys carved from the slack of its $INDEX_ROOT and $INDEX_ALLOCATION:$I30 records (every INDX record that
 * $BITMAP:$I30 marks unused is slack as a whole), minus the names still live in that directory: names the
 * directory held and no longer does, each classified against the live MFT.
 *
 * Threads: index_slack_collect reads the model and the volume (positional reads; the volume is read-only
 * once open) and writes only its own result, so it may run beside other readers of the same model, and
 * several volumes may be carved at once; analysis.c runs it right after the scan, beside the passes after it, whose
 * writes to the model touch no field or byte it reads: the descriptors (own_sd; their bytes go to model.late), the
 * name index (takes name_hashes), the links (the reparse table's tags), the owners. It carves with in->threads threads of its own (shares of records
 * taken in turn, appended in record order: the result is the same for any number). The result is read-only
 * afterwards, from any thread.
 */
#ifndef NTFSLINKS_INDEX_SLACK_H
#define NTFSLINKS_INDEX_SLACK_H

#include <stdbool.h>
#include <stdint.h>

#include "anomaly.h"
#include "arena.h"
#include "model.h"
#include "name_index.h"
#include "ntfs_error.h"

/* Removed names kept per volume (the rest are counted in the stats, link kinds kept first). */
#define INDEX_SLACK_MAX_REPORTED 10000u

enum {                            /* removed_name.state: the referenced record in the live MFT */
	SLACK_SAME_SEQUENCE = 0,  /* in use, same sequence: the file still exists (under other names or none here) */
	SLACK_REUSED,             /* in use with another sequence: the file was deleted, its record now holds another */
	SLACK_DELETED,            /* a file record no longer in use: the file was deleted */
	SLACK_ABSENT,             /* beyond the MFT, never used, unreadable, or an extension record */
	SLACK_UNKNOWN             /* the key's entry header was overwritten (none, or a torn one whose reference
				   * names no record of the MFT or sequence 0): no file reference */
};

enum {                            /* removed_name.kind, in the order kept when the list is cut */
	SLACK_REMOVED_LINK = 0,   /* the key carries a reparse tag: a removed or replaced junction or symbolic link */
	SLACK_REMOVED_HARD_LINK,  /* same sequence, no name left here, two or more link names elsewhere */
	SLACK_MOVED_OR_UNLINKED,  /* same sequence, no name left here, exactly one name elsewhere: a move, or one
				   * of two hard links removed (the two leave the same traces) */
	SLACK_RENAMED,            /* same sequence and the record has another name in this directory */
	SLACK_REMOVED_NAME        /* anything else: the file was deleted, its record reused, or unknown */
};

enum {                            /* removed_name.where */
	SLACK_IN_ROOT = 0,        /* $INDEX_ROOT's node */
	SLACK_IN_RECORD,          /* an INDX record in use: after its last entry */
	SLACK_IN_UNUSED_RECORD    /* an INDX record $BITMAP:$I30 marks unused: anywhere in it */
};

typedef struct {
	uint32_t directory;       /* the directory record whose index held the name */
	bool has_ref;             /* the key's entry header survived: file_ref is known */
	uint64_t file_ref;        /* record (low 48 bits) and sequence (high 16), 0 without has_ref */
	uint64_t parent_ref;      /* the key's parent reference (the directory, possibly an older sequence) */
	uint64_t times[4];        /* the key's created, modified, MFT modified, accessed (FILETIME) */
	uint64_t data_size;       /* the key's sizes */
	uint64_t allocated_size;
	uint32_t flags;           /* the key's FILE_ATTRIBUTE_* flags */
	uint32_t reparse_tag;     /* the key's reparse tag (0 without FILE_ATTRIBUTE_REPARSE_POINT) */
	size_t name;              /* offset of the UTF-8 name in the result's text */
	uint16_t name_len;        /* UTF-8 bytes */
	uint8_t ns;               /* NTFS_NS_* */
	uint8_t state;            /* SLACK_SAME_SEQUENCE ... */
	uint8_t kind;             /* SLACK_REMOVED_LINK ... */
	uint8_t where;            /* SLACK_IN_* of the copy kept */
	uint64_t vcn;             /* INDX record VCN of the copy kept (where != SLACK_IN_ROOT) */
	uint32_t offset;          /* offset of the key from its node header */
	uint32_t copies;          /* copies of this name (same directory, reference and name) found in slack */
} removed_name;

typedef struct {
	uint64_t directories;     /* allocated directories whose $I30 was read */
	uint64_t index_records;   /* INDX records read */
	uint64_t unused_records;  /* of those, marked unused in $BITMAP:$I30 */
	uint64_t bad_records;     /* INDX records that were not valid (no signature, damaged header): skipped */
	uint64_t carved;          /* $FILE_NAME keys carved from slack */
	uint64_t live;            /* of those, names still live in the directory (not reported) */
	uint64_t duplicates;      /* of those, further copies of a removed name */
	uint64_t removed;         /* distinct removed names */
	uint64_t reported;        /* of those, in the list (at most INDEX_SLACK_MAX_REPORTED) */
	uint64_t by_kind[5];      /* distinct removed names by kind (all, not only the reported) */
	uint64_t unreadable;      /* directories whose index could not be read (an anomaly each) */
} index_slack_stats;

/*
 * What the pass reads, all built and never written again during it: the scanned model (and its volume). Names
 * the live MFT still lists count as live: it looks them up in the model itself (the record a key references, or
 * one walk over the names for the keys without a reference), not in the name index, so the index may be freed
 * while the pass still runs.
 */
typedef struct {
	const model *m;
	int volume;               /* the volume's number in the report, for messages */
	uint64_t max_reported;    /* 0: INDEX_SLACK_MAX_REPORTED */
	int threads;              /* directories carved by this many threads (0: one per core); same result */
} index_slack_input;

typedef struct {
	vec names;                /* removed_name, ordered by directory, name, file reference */
	arena text;               /* UTF-8 names */
	index_slack_stats stats;
	anomaly_list anomalies;   /* unreadable indexes, the read budget spent */
} index_slack_result;

/*
 * Carves every allocated directory's $I30 slack of in->m's volume into out (initialised here). An extracted
 * $MFT has only resident $INDEX_ROOTs to carve. Unreadable indexes are anomalies; NTFS_E_NOMEM is the
 * only failure. INDX bytes read over the whole volume are capped at the volume's length (a hostile runlist
 * cannot make the pass read more than the volume holds).
 */
ntfs_status index_slack_collect(const index_slack_input *in, index_slack_result *out, ntfs_error *err);

/* Releases the result. */
void index_slack_free(index_slack_result *r);

/* Report names: "same_sequence", "reused", "deleted", "absent", "unknown". */
const char *index_slack_state_name(uint8_t state);

/* Report names: "removed_link", "removed_hard_link", "moved_or_unlinked", "renamed", "removed_name". */
const char *index_slack_kind_name(uint8_t kind);

/* Report names: "index_root", "index_record", "unused_index_record". */
const char *index_slack_where_name(uint8_t where);

/* The UTF-8 name of e. */
static inline const char *index_slack_name(const index_slack_result *r, const removed_name *e)
{
	return r->text.data + e->name;
}

#endif
