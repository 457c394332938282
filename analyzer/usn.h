/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The USN change journal pass: reads $Extend\$UsnJrnl:$J of one volume (or an extracted $J given with
 * --usn), counts every event by reason, and keeps the events that touch links: HARD_LINK_CHANGE,
 * REPARSE_POINT_CHANGE, and the create, delete and rename events of records that are links or link
 * targets now (hard-link sets, reparse points, resolved targets) or that the journal shows were (a record
 * with a HARD_LINK_CHANGE or REPARSE_POINT_CHANGE event). Each kept event gets the path its parent
 * directory has in the live MFT.
 * Only the allocated (non-sparse) runs of $J are read, in page-aligned blocks of USN_BLOCK_BYTES; memory is
 * one block plus the events kept, never what the stream claims. Damage is recorded as anomalies.
 * Input: a merged model, its paths and name index, and the resolved links of every volume (targets may lie
 * on this one). Threads: usn_read only reads its inputs (and the volume, whose reads are thread-safe) and
 * writes its own usn_journal, so it may run beside other readers; the journal is read-only afterwards.
 */
#ifndef NTFSLINKS_USN_H
#define NTFSLINKS_USN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "anomaly.h"
#include "arena.h"
#include "model.h"
#include "name_index.h"
#include "ntfs_error.h"
#include "paths.h"

#define USN_BLOCK_BYTES (1u << 20) /* bytes of $J read at a time: a multiple of the 4 KiB journal page */
#define USN_REASON_BITS 32

/* How the parent directory of an event stands in the live MFT. */
typedef enum {
	USN_PARENT_SAME = 0,      /* the same record and sequence: a directory now */
	USN_PARENT_REUSED,        /* the record is a directory now, with another sequence: reused since */
	USN_PARENT_MISSING        /* not an allocated directory now: no path */
} usn_parent_state;

/* One journal event that touches a link. */
typedef struct {
	int64_t usn;
	uint64_t offset;          /* where in the stream the record lies (orders events of an extract) */
	uint64_t time;            /* FILETIME (UTC); 0 for V4 records, which carry none */
	uint64_t file_ref;        /* record (low 48 bits) and sequence (high 16) */
	uint64_t parent_ref;
	uint32_t reason;          /* NTFS_USN_REASON_* */
	uint16_t major;           /* record version */
	uint8_t parent_state;     /* usn_parent_state */
	size_t name;              /* offset of the UTF-8 name in usn_journal.strings */
	size_t path;              /* offset of the path rebuilt from the live MFT, SIZE_MAX when none */
} usn_event;

/* What the journal of one volume holds. */
typedef struct {
	bool present;             /* a journal was found (or given) and read, wholly or in part */
	bool complete;            /* every allocated byte of it was read and no damage was met */
	const char *source;       /* "volume", or the extracted file's path as given */
	uint64_t stream_size;     /* bytes the stream declares (sparse start included) */
	uint64_t bytes_read;      /* allocated bytes read (once per pass) */
	uint64_t events_total;    /* records decoded */
	uint64_t by_reason[USN_REASON_BITS]; /* records with reason bit i set */
	uint64_t damaged_bytes;
	int passes;               /* 1, or 2 when the journal names past links that are no links now */
	vec events;               /* usn_event in USN order */
	arena strings;            /* names and paths of the events */
	anomaly_list anomalies;   /* damage met; the caller moves them into the model's */
} usn_journal;

/* What the pass reads. */
typedef struct {
	const model *m;
	const paths *p;
	const name_index *ix;
	const vec *const *links;  /* the link_entry vecs of every volume of the analysis (targets may lie here) */
	size_t nlinks;
	int volume;               /* this volume's index (link_target.volume) */
	const char *file;         /* an extracted $J to read instead of the volume's own; NULL: the volume's */
} usn_input;

/* Prepares an empty journal. */
void usn_journal_init(usn_journal *j);

/*
 * Reads the journal of in->m's volume (or in->file) into j. A volume without $Extend\$UsnJrnl:$J, or an
 * extracted $MFT without --usn, leaves j not present. Damage (unreadable runs, bad records, runs that claim
 * more than the volume holds) is recorded in j->anomalies and leaves j incomplete. Returns an error only when
 * memory runs out or in->file cannot be opened.
 */
ntfs_status usn_read(const usn_input *in, usn_journal *j, ntfs_error *err);

/* The report's name of a parent state ("same", "reused", "missing"). */
const char *usn_parent_state_name(usn_parent_state s);

/* The path of event e, or NULL when its parent is missing. */
static inline const char *usn_event_path(const usn_journal *j, const usn_event *e)
{
	return e->path == SIZE_MAX ? NULL : j->strings.data + e->path;
}

/* The name of event e (UTF-8). */
static inline const char *usn_event_name(const usn_journal *j, const usn_event *e)
{
	return j->strings.data + e->name;
}

/* Releases what the journal holds. */
void usn_journal_free(usn_journal *j);

#endif
