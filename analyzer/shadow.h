/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Volume Shadow Copies of a volume, compared with the live volume and with each other: what links the
 * stores held that the volume no longer holds, and the reverse. Input: two scanned, resolved sides (model,
 * paths, links). Output: the changes from the older side ("before") to the newer ("after"), in record order.
 * Threads: shadow_diff only reads its sides and writes its own vec; it may run from any thread.
 */
#ifndef NTFSLINKS_SHADOW_H
#define NTFSLINKS_SHADOW_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "links.h"
#include "model.h"
#include "paths.h"
#include "vss.h"

typedef enum {
	SHADOW_ADDED,             /* the link is on the newer side only */
	SHADOW_REMOVED,           /* on the older side only */
	SHADOW_RETARGETED,        /* a reparse point whose stored target changed */
	SHADOW_STATUS_CHANGED,    /* a reparse point whose resolution status changed (ok -> stale ...) */
	SHADOW_NAME_ADDED,        /* a hard-link name of the record on the newer side only */
	SHADOW_NAME_REMOVED       /* on the older side only */
} shadow_change_kind;

/* One difference between two sides. */
typedef struct {
	shadow_change_kind change;
	bool against_live;        /* store -> live volume; false: previous store -> this store */
	uint32_t record;
	uint16_t sequence;        /* of the side the link is on (the newer when on both) */
	const char *kind;         /* "hardlink_set" or the reparse kind's name (static) */
	char *path;               /* the link's path (the name's, for name changes) */
	char *before, *after;     /* the values on each side, NULL when the side has none: the stored target
				   * (added, removed, retargeted), the status name (status_changed), the name's
				   * path (name_added, name_removed), "N names" for hard-link sets added or removed */
} shadow_change;

/* One shadow copy store of a volume, as the report shows it. */
typedef struct {
	int store_index;          /* 1, 2, ... in libvshadow's order (oldest first), as vshadowinfo numbers them */
	image_vss_store_info info;
	bool scanned;             /* false: the store could not be read as a volume (see error) */
	bool partial;             /* its scan could not read everything */
	char error[NTFS_ERROR_REASON_MAX];
	volume_stats stats;       /* the store's own counts */
	vec changes;              /* shadow_change: against the live volume first, then against the previous store */
	void *full;               /* with --vss-full: the store's own analysis (analysis.c owns its type); else NULL */
} shadow_store;

/* The two sides of a comparison. */
typedef struct {
	const model *m;
	const paths *p;
	const vec *links;         /* link_entry, resolved, sorted by record */
} shadow_side;

/* Appends to changes (a vec of shadow_change) the differences from before to after. */
ntfs_status shadow_diff(const shadow_side *before, const shadow_side *after, bool against_live, vec *changes,
			ntfs_error *err);

/* The report's name of a change: "added", "removed", "retargeted", "status_changed", "name_added",
 * "name_removed". */
const char *shadow_change_name(shadow_change_kind k);

/* Frees the strings of the changes in changes and the vec (not s->full). */
void shadow_changes_free(vec *changes);

#endif
