/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Link-aware directory sizes: what Explorer shows, what the files really take, and what is shared.
 * Threads: du_compute reads the model, paths and name index and writes only va->du; it runs after the
 * other passes, alone. The entries are read-only afterwards.
 */
#ifndef NTFSLINKS_DU_H
#define NTFSLINKS_DU_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "model.h"
#include "name_index.h"
#include "ntfs_error.h"
#include "paths.h"

/*
 * What du reads, all built and never written again: the scanned volume's model, its paths and its
 * name index. du_compute writes only its own output, so several volumes may be sized at once.
 */
typedef struct {
	const model *m;
	const paths *p;
	const name_index *ix;
	int volume;               /* the volume's number in the report, for messages */
} du_input;

typedef struct {
	char *path;               /* the directory, volume-relative (cut at PATHS_MAX_UNITS) */
	bool path_truncated;      /* the path was longer than PATHS_MAX_UNITS */
	uint32_t record;
	int depth;                /* 0 for the directory asked for */
	uint64_t names;           /* file names beneath it (each hard link counts) */
	uint64_t files;           /* distinct files beneath it */
	uint64_t names_bytes;     /* sum of sizes over all names: Explorer's figure, double counting links */
	uint64_t records_bytes;   /* sum over distinct files: each file once */
	uint64_t shared_bytes;    /* bytes of files beneath that also have a name outside */
} du_entry;

/*
 * Sizes directory `path` (NULL: the root) of a scanned volume and its subdirectories down to
 * `depth` levels, into out (a vec of du_entry, initialised here; the directory asked for first,
 * then breadth first). Name surrogates (junctions, symbolic links, mount points) are never
 * entered. A volume without a root directory, or a path that is no allocated directory, is
 * NTFS_E_INVALID with the reason (out stays empty); NTFS_E_NOMEM when memory runs out.
 */
ntfs_status du_compute(const du_input *in, const char *path, int depth, vec *out, ntfs_error *err);

/* Releases the entries of out and out itself. */
void du_free(vec *out);

#endif
