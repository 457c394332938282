/* SPDX-License-Identifier: Apache-2.0 */
/* Full paths from parent references: validated, memoised per directory, guarded against cycles and depth. */
#ifndef NTFSLINKS_PATHS_H
#define NTFSLINKS_PATHS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

#define NTFS_ROOT_RECORD 5
#define PATHS_ORPHAN (MODEL_NONE - 1)   /* the name hangs under \$OrphanFiles */
#define PATHS_MAX_DEPTH 16384           /* deeper than any real NTFS path (32767 characters) */
#define PATHS_ORPHAN_DIR "\\$OrphanFiles"
#define PATHS_ORPHAN_UNITS 13           /* UTF-16 units of PATHS_ORPHAN_DIR */

/*
 * Windows' own limit on a path, in UTF-16 code units (\\?\ paths included). A longer path is cut to
 * the whole components from the root that fit (the name is marked path_truncated, and the record
 * where the path crosses the limit gets a path_truncated anomaly). Every walk that builds a path
 * (writers, link resolution) stops at this limit, so no path costs more than it.
 */
#define PATHS_MAX_UNITS 32767
#define PATHS_MAX_BYTES (6 * PATHS_MAX_UNITS) /* UTF-8 bytes of the longest path: at most 6 per unit (\uXXXX escapes) */

typedef enum {
	PARENT_OK = 0,
	PARENT_MISSING,           /* record absent, unreadable, or an extension record */
	PARENT_NOT_DIRECTORY,
	PARENT_REUSED             /* sequence differs: the parent record now holds another file */
} parent_status;

/*
 * Threads: paths_build only reads the model and writes its own tables and anomalies, so it may run beside
 * other readers of the same model (the name index is built beside it); the caller merges p->anomalies
 * into the model's after the join. Once built, every lookup only reads and may run from any thread.
 */
typedef struct {
	const model *m;
	uint64_t *dir_bits;       /* one bit per record: set for the directories (decoded base records with the
				   * directory flag); the tables below have one entry per directory, in record order */
	uint32_t *dir_rank;       /* per 64 records: the directories before them (a directory's entry is its rank) */
	size_t dirs;              /* entries in the tables below */
	uint32_t *dir_parent;     /* validated parent directory, PATHS_ORPHAN, or MODEL_NONE for the root */
	uint16_t *depth;
	uint16_t *units;          /* UTF-16 units of the directory's full path (0 for the root),
				   * saturating: above PATHS_MAX_UNITS means cut */
	uint32_t *keep;           /* the deepest directory on its chain (itself included) whose path fits
				   * PATHS_MAX_UNITS: where a cut path ends */
	uint8_t *state;
	uint16_t *dir_seq;        /* the directory's sequence number, and in dir_free (one bit per entry) whether its
				   * record is not in use: a name's parent checks out from these alone (paths_name_dir) */
	uint64_t *dir_free;
	struct paths_walk *walk;  /* per directory, what composing a path reads (see paths.c): the parent's entry,
				   * the name, the path's length; a few MiB, so a walk up the chain stays in the cache */
	char *walk_names;         /* the directories' names, in record order */
	uint32_t *stack;          /* scratch for walks (PATHS_MAX_DEPTH + 1 entries) */
	anomaly_list anomalies;   /* orphans, cycles, sequence mismatches, chains too deep, cut paths: found while building */
} paths;

/* Checks name n's parent reference against the parent record's state and sequence number. */
parent_status paths_check_parent(const model *m, const name_info *n, uint32_t *parent);

/* Resolves the parent chain of every directory and records orphan, cycle and sequence anomalies in p->anomalies. */
ntfs_status paths_build(paths *p, const model *m, ntfs_error *err);

/* Releases the tables. */
void paths_free(paths *p);

/* Bytes the tables hold (NTFSLINKS_PROFILE). */
size_t paths_table_bytes(const paths *p);

/* The directory name n lives in, after validation: a record, or PATHS_ORPHAN. */
uint32_t paths_name_dir(const paths *p, const name_info *n);

/* The directory above directory d in its path: a record, PATHS_ORPHAN, or MODEL_NONE above the root. */
uint32_t paths_dir_parent(const paths *p, uint32_t d);

/*
 * Writes the full path of name n ("\dir\file") into buf like snprintf; returns the length needed,
 * at most PATHS_MAX_BYTES: a path over PATHS_MAX_UNITS is cut (see paths_name_truncated).
 * Paths are composed from the parent chain with no scratch memory and no write to p: the tables
 * are read-only after paths_build, so any number of threads may compose paths at once.
 */
size_t paths_name(const paths *p, const name_info *n, char *buf, size_t cap);

/* Writes the path of directory record d ("\" for the root) into buf like snprintf, cut the same way. */
size_t paths_dir(const paths *p, uint32_t d, char *buf, size_t cap);

/* True when the path of name n is longer than PATHS_MAX_UNITS, so paths_name gives it cut. */
bool paths_name_truncated(const paths *p, const name_info *n);

/* True when the path of directory d is longer than PATHS_MAX_UNITS. */
bool paths_dir_truncated(const paths *p, uint32_t d);

/* UTF-16 units of the path paths_name writes for n (after the cut): a cheap size estimate. */
size_t paths_name_units(const paths *p, const name_info *n);

/* Path of name n in a fresh malloc'd string (NULL when memory runs out). */
char *paths_name_alloc(const paths *p, const name_info *n);

/* Path of directory d in a fresh malloc'd string. */
char *paths_dir_alloc(const paths *p, uint32_t d);

#endif
