/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Models built by hand for unit tests, without an image: N records with names, parents, DOS aliases,
 * extension records, data sizes and reparse data, over a volume that has no image (the default
 * $UpCase, 1024-byte records). The one builder that every model-level unit test uses.
 *
 * Usage: mb_init(&m, 40); mb_dir(&m, 5, 5); mb_name(&m, 5, ".", 5, 5, NTFS_NS_WIN32_DOS); ...;
 * mb_merge(&m) (model_merge, as after a scan); passes on m; mb_free(&m).
 */
#ifndef NTFSLINKS_MODEL_BUILDER_H
#define NTFSLINKS_MODEL_BUILDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "file_name.h"
#include "model.h"
#include "name_index.h"
#include "paths.h"

/* Starts model m of n empty records (REC_EMPTY) over an image-less volume. */
void mb_init(model *m, uint64_t n);

/* Record r is a decoded base record: a directory or a file, allocated or deleted, with sequence seq. */
void mb_record(model *m, uint32_t r, bool dir, bool in_use, uint16_t seq);

/* Shorthands: an allocated directory / file with sequence seq. */
void mb_dir(model *m, uint32_t r, uint16_t seq);
void mb_file(model *m, uint32_t r, uint16_t seq);

/* Record r is an extension record (allocated or not) whose header names base record base, sequence base_seq. */
void mb_extension(model *m, uint32_t r, uint32_t base, uint16_t base_seq, bool in_use, uint16_t seq);

/*
 * Adds a $FILE_NAME called s (UTF-8), held by record src, in parent directory parent as referenced with
 * sequence pseq, in namespace ns (NTFS_NS_*). Returns its name index.
 */
uint32_t mb_name(model *m, uint32_t src, const char *s, uint32_t parent, uint16_t pseq, uint8_t ns);

/* A Win32 name and its DOS 8.3 alias, both held by src in parent (pseq). Returns the Win32 name's index. */
uint32_t mb_name_with_alias(model *m, uint32_t src, const char *win32, const char *dos, uint32_t parent, uint16_t pseq);

/* Record r (base or extension) holds an unnamed $DATA of size bytes (allocated: rounded up to 4096). */
void mb_data(model *m, uint32_t r, uint64_t size);

/* Record r (base or extension) holds a resident $REPARSE_POINT with these raw bytes. */
void mb_reparse_raw(model *m, uint32_t r, const uint8_t *data, size_t len);

/* Record r holds a junction (mount point) reparse point: substitute and print names (UTF-8). */
void mb_junction(model *m, uint32_t r, const char *substitute, const char *print);

/* Record r holds a symbolic link reparse point; relative sets SYMLINK_FLAG_RELATIVE. */
void mb_symlink(model *m, uint32_t r, const char *substitute, const char *print, bool relative);

/* Starts m (mb_init, 64 records) as a small system volume, every name POSIX, sequence 1: the root (5),
 * \Windows (20), \Windows\System32 (21), \Users (22), \Users\alice (23), the file \f.txt (24); records 25-63
 * are left for the test. */
void mb_tree_windows(model *m);

/* Folds extension records and groups names, as the scan does at its end; true when model_merge succeeded. */
bool mb_merge(model *m);

/* Releases the model and its volume. */
void mb_free(model *m);

/* One volume over a model built by a test, with what the passes read of it: paths, name index, links. */
typedef struct {
	model m;
	paths p;
	name_index ix;
	vec links;
} mb_volume;

/* Merges x->m (built by the test) and builds its paths, name index and links; aborts when one fails. */
void mb_volume_ready(mb_volume *x);

/* Resolves x's links as the one volume of its image, with drive letter drive (0: none). */
void mb_volume_resolve(mb_volume *x, char drive);

/* Frees x's links, index, paths and model (with its volume). */
void mb_volume_free(mb_volume *x);

#endif
