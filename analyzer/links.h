/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The links pass: hard-link sets and reparse points of one scanned volume, with the anomalies that only
 * show there. Input: a merged model (and its volume, for reparse data and descriptors the scan could not
 * read). Output: the decoded reparse points (link_entry, targets not yet resolved), the volume's counts,
 * and the owners of the hard-link sets settled into the model.
 * Threads: links_collect writes the model (anomalies) and runs alone; links_settle_owners writes owner_late
 * and model.late only, beside at most passes that read names and records (index slack); the rest only read
 * and may run from any thread.
 */
#ifndef NTFSLINKS_LINKS_H
#define NTFSLINKS_LINKS_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "model.h"
#include "ntfs_error.h"
#include "resolve.h"

/* The counts of one volume, as the report's stats show them. */
typedef struct {
	uint64_t records_in_use;
	uint64_t names;
	uint64_t hardlink_sets;
	uint64_t reparse_points;
	uint64_t stale_links;
	uint64_t anomalies;
} volume_stats;

/* Decodes every reparse point of model m into links (a vec of link_entry, made here; no resolution yet). */
ntfs_status links_collect(model *m, vec *links, ntfs_error *err);

/* The counts of model m and its links (after resolution, so stale links are counted). */
volume_stats links_stats(const model *m, const vec *links);

/*
 * Reads into the model the owner SID of every hard-link set whose $SECURITY_DESCRIPTOR the scan could not
 * read (non-resident) and that $Secure does not name; with no volume to read from it stays unknown.
 */
void links_settle_owners(model *m);

/* The names of record r that count as links: every name but DOS aliases. */
uint32_t links_name_count(const model *m, uint32_t r);

/* True when record r is an allocated file whose names form a hard-link set. */
bool links_is_hardlink_set(const model *m, uint32_t r);

#endif
