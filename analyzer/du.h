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

#include "ntfs_error.h"

struct vol_analysis;

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
 * `depth` levels, into va->du. Junctions and symbolic links are never followed. A path that
 * does not exist is NTFS_E_INVALID with the reason.
 */
ntfs_status du_compute(struct vol_analysis *va, const char *path, int depth, ntfs_error *err);

/* Releases va->du. */
void du_free(struct vol_analysis *va);

#endif
