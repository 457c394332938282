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
	const vec *links;         /* link_entry of the volume, resolved (NULL: no link is followed) */
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
	uint64_t disk_bytes;      /* bytes on disk of the distinct files: clusters really allocated (less than
				   * records_bytes for compressed, sparse and WOF files; 0 for resident data) */
} du_entry;

/* The longest --du path du_compute takes (bytes, after normalising). */
#define DU_PATH_MAX 4096

/*
 * Writes path in the form the name index takes ("\Windows\System32"): "/" read as "\", a drive
 * ("C:") dropped, a leading "\" added, repeated and trailing ones removed; NULL or "" is the root.
 * Returns false when it does not fit in cap bytes.
 */
bool du_normalise_path(const char *path, char *out, size_t cap);

/*
 * Sizes directory `path` (NULL: the root; any form du_normalise_path takes) of a scanned volume and its
 * subdirectories down to `depth` levels, into out (a vec of du_entry, initialised here; depth first:
 * the directory asked for, then each subdirectory followed by its own, in name-index order). Name surrogates (junctions, symbolic links, mount points) are never
 * entered. A junction, mount point or directory symbolic link on the path (or the path itself) whose
 * target resolved to a directory of the same volume is followed, at most 32 times; note (note_cap bytes)
 * then says which ("\\Documents and Settings is a junction to \\Users"), else it is "". A volume without a
 * root directory, or a path that is no allocated directory, is NTFS_E_INVALID with the reason (out stays
 * empty); NTFS_E_NOMEM when memory runs out.
 */
ntfs_status du_compute(const du_input *in, const char *path, int depth, vec *out, char *note, size_t note_cap,
		       ntfs_error *err);

/* Releases the entries of out and out itself. */
void du_free(vec *out);

#endif
