/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Interix / SFU and Cygwin symbolic links of a scanned volume: system files whose data holds the link
 * (parsers/posix_symlink.h), read through file_data. They are not reparse points: the report lists them
 * in posix_links[] beside reparse_points[], resolved as POSIX paths (analyzer/resolve.h, link_entry.posix).
 * Threads: posix_links_collect reads the volume and runs alone, after the scan.
 */
#ifndef NTFSLINKS_POSIX_LINKS_H
#define NTFSLINKS_POSIX_LINKS_H

#include "arena.h"
#include "model.h"
#include "posix_symlink.h"

/*
 * Reads every candidate (a file record, allocated or deleted, with the system attribute, no reparse point
 * and an unnamed $DATA of 10 bytes to 64 KiB) and keeps those whose data is an Interix or Cygwin link, as
 * link_entry (resolve.h) with posix set and rp.kind REPARSE_KIND_LX_SYMLINK; kinds[i] is entry i's kind.
 * Data that starts like a link but cannot be decoded is an anomaly of an allocated record. Returns
 * NTFS_E_NOMEM only.
 */
ntfs_status posix_links_collect(model *m, vec *links, vec *kinds, ntfs_error *err);

/* Frees the entries of links (and the kinds vector). */
void posix_links_free(vec *links, vec *kinds);

#endif
