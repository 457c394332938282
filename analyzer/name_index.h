/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Case-insensitive lookup of a name in a directory, through the volume's $UpCase table.
 *
 * Thread-safety: name_index_build reads only the model (never the paths or the anomalies), so it may
 * run while paths_build works on the same model. Once built, the index is never written again: any
 * number of threads may call the lookups below at the same time; name_index_free needs them all done.
 */
#ifndef NTFSLINKS_NAME_INDEX_H
#define NTFSLINKS_NAME_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "paths.h"

/*
 * Buckets chosen by (directory, name hash), one per 8 names; the names of a bucket are chained (4.5 bytes
 * per name in all). A lookup walks its bucket's chain and compares only the names listed under its directory
 * with as many UTF-16 units. The fields are the index's own: use the functions below.
 */
typedef struct {
	const model *m;
	uint32_t *slots;          /* per bucket: the first name of its chain, MODEL_NONE when empty */
	uint32_t *next;           /* per name: the next name of its bucket, MODEL_NONE at the end */
	size_t size;              /* buckets */
	size_t count;             /* names in the model when built */
} name_index;

/*
 * Indexes every name of every decoded record (allocated and deleted) under its validated parent. Takes the
 * model's name_hashes and writes its chains over them (the only field it writes: paths_build may read
 * the model meanwhile); when the model has none for every name (the index built again), hashes the names from
 * their UTF-8.
 */
ntfs_status name_index_build(name_index *ix, model *m, ntfs_error *err);

/* Releases the index. */
void name_index_free(name_index *ix);

/* Bytes the index holds (NTFSLINKS_PROFILE). */
size_t name_index_bytes(const name_index *ix);

/*
 * Finds the names called `name` (UTF-8, compared case-insensitively) in directory dir: allocated
 * names first, then deleted ones, each in name order. Writes up to cap name indexes into out and
 * returns how many it wrote (it stops looking after cap).
 */
size_t name_index_find(const name_index *ix, uint32_t dir, const char *name, size_t len, uint32_t *out, size_t cap);

/*
 * The directory name i is listed in: its validated parent record, or PATHS_ORPHAN when it has none
 * (no valid parent, a record naming itself as parent like the root, a record not decoded, i out of range).
 */
uint32_t name_index_parent(const name_index *ix, uint32_t i);

/*
 * The directory name ni is listed under (what name_index_parent gives for it), computed from the model alone:
 * its validated parent record, or PATHS_ORPHAN.
 */
uint32_t name_index_listed_dir(const model *m, const name_info *ni);

/* The root directory (record 5) when it exists, is decoded, in use and a directory; else MODEL_NONE. */
uint32_t name_index_root(const name_index *ix);

/*
 * The allocated directory at a volume path ("\\Windows\\System32"; no links followed), or MODEL_NONE
 * (also for "\" when the volume has no usable root directory).
 */
uint32_t name_index_dir(const name_index *ix, const char *path);

#endif
