/* SPDX-License-Identifier: Apache-2.0 */
/* Case-insensitive lookup of a name in a directory, through the volume's $UpCase table. */
#ifndef NTFSLINKS_NAME_INDEX_H
#define NTFSLINKS_NAME_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "paths.h"

typedef struct {
	const model *m;
	uint32_t *slots;          /* name indexes, MODEL_NONE when empty; open addressing */
	uint32_t *dir;            /* per name: the validated parent directory, MODEL_NONE when orphaned */
	size_t mask;
} name_index;

/*
 * Indexes every name of every decoded record (allocated and deleted) under its validated parent.
 * It reads only the model, so it can run while paths_build works on the same model.
 */
ntfs_status name_index_build(name_index *ix, const model *m, ntfs_error *err);

/* Releases the index. */
void name_index_free(name_index *ix);

/*
 * Finds the names called `name` (UTF-8, compared case-insensitively) in directory dir. Allocated
 * names come first. Writes up to cap name indexes into out and returns how many matched.
 */
size_t name_index_find(const name_index *ix, uint32_t dir, const char *name, size_t len, uint32_t *out, size_t cap);

/* The allocated directory at a volume path ("\\Windows\\System32"; no links followed), or MODEL_NONE. */
uint32_t name_index_dir(const name_index *ix, const char *path);

#endif
