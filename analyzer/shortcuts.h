/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shell shortcuts (.lnk) of a scanned volume: every file record, allocated or deleted, with a name ending
 * in ".lnk", its unnamed $DATA read through file_data (at most SHORTCUT_MAX_READ bytes) and decoded by
 * parsers/shell_link. Where each one's target lies is decided across the volumes of the image
 * (shortcuts_plan) and walked by the resolver (resolve.h, resolve_request), through the links on the way.
 * Threads: shortcuts_collect reads the volume and runs alone, after the scan; shortcuts_plan and
 * shortcuts_settle run alone before the writers, which only read the list.
 */
#ifndef NTFSLINKS_SHORTCUTS_H
#define NTFSLINKS_SHORTCUTS_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "model.h"
#include "resolve.h"

/* The most bytes of one .lnk read: shortcuts are a few KB (a long ID list and extra data blocks reach tens of
 * KB); a larger declared size is a shortcut_oversized anomaly and only this prefix is decoded. */
#define SHORTCUT_MAX_READ (1u << 20)

/* One .lnk file and what it says of its target (strings NULL when the shortcut has none). */
typedef struct {
	uint32_t record;
	uint16_t sequence;
	bool allocated;           /* false: a deleted record whose data still reads as a shell link */
	uint32_t name;            /* the name ending in .lnk that gives its path (model name index) */
	uint64_t data_size;       /* the size its $DATA declares */
	bool decoded;             /* false: it starts like a shell link but does not decode (error says why) */
	char *error;
	bool read_truncated;      /* declared larger than SHORTCUT_MAX_READ: only the prefix was decoded */
	bool strings_truncated;   /* a string was longer than the decoder keeps */
	uint32_t link_flags, file_attributes;
	uint64_t target_times[3]; /* the header's: target created, accessed, written (FILETIME, 0 = unset) */
	uint32_t target_size;
	bool has_id_list;
	bool has_volume;          /* LinkInfo's VolumeID: drive_type, drive_serial, volume_label */
	uint32_t drive_type, drive_serial;
	char *volume_label;
	char *local_path;         /* "C:\dir\file.txt" (local base path + common path suffix) */
	char *share;              /* "\\server\share" */
	char *device;             /* "Z:" when the share was mapped */
	char *network_path;       /* share + common path suffix */
	char *relative_path, *working_dir, *arguments, *name_string, *icon_location;
	int target_volume;        /* the volume of the image the target is looked for on, -1: none */
	char *walk_path;          /* what the resolver walks there (volume-relative, or relative to the .lnk) */
	bool walk_relative;       /* walk_path starts at the .lnk's own folder */
	char *note;               /* what the plan adds to the resolver's reason (a letter that moved, ...) */
	link_target target;       /* status: ok, stale, loop, external, remote, unknown, malformed */
} shortcut;

/* The counts of one volume's shortcuts, as its stats show them. */
typedef struct {
	uint64_t total, deleted, ok, stale, external, remote, unknown, malformed, other;
	uint64_t not_shell_links; /* allocated .lnk names whose data is no shell link (anomalies) */
	uint64_t not_in_mft;      /* allocated .lnk names of an extracted $MFT whose data is non-resident (not read) */
} shortcut_stats;

typedef struct {
	vec items;                /* shortcut, by record */
	shortcut_stats stats;
} shortcut_list;

/*
 * Collects the shortcuts of the scanned model m into out (of an extracted $MFT, those whose data is resident;
 * the allocated others are counted in stats.not_in_mft).
 * An allocated .lnk that is no shell link, or that does not decode, or that is larger than
 * SHORTCUT_MAX_READ, is an anomaly of m; a deleted record whose data is no longer a shell link is skipped.
 * Returns NTFS_E_NOMEM only.
 */
ntfs_status shortcuts_collect(model *m, shortcut_list *out, ntfs_error *err);

/* A volume of the image as the plan reads it. */
typedef struct {
	bool scanned;
	bool is_mft_file;         /* no serial known */
	uint64_t serial;          /* the NTFS serial: a shortcut's VolumeID holds its low 32 bits */
	char drive;               /* its letter (registry, --drive or inferred), 0 when unknown */
	shortcut_list *list;      /* its shortcuts */
} shortcut_volume;

/*
 * Decides where each shortcut's target lies: a share is remote; a local path goes to the volume whose
 * serial's low 32 bits are the VolumeID's serial (the drive letter of the path is not used to find it:
 * letters move, the serial stays; several volumes with that serial: the one with the path's letter, else
 * the shortcut's own, else the lowest), none is external; no LinkInfo path but a relative path: from the
 * .lnk's own folder; nothing usable: unknown. Fills reqs (up to one per shortcut, *nreq of them) for the
 * resolver; those decided here are settled. Returns NTFS_E_NOMEM only.
 */
ntfs_status shortcuts_plan(shortcut_volume *vols, size_t n, resolve_request **reqs, size_t *nreq);

/* After resolution: the reasons with the plan's notes, and the counts. */
void shortcuts_settle(shortcut_volume *vols, size_t n);

/* The target s stores, as every view shows it: its local path, else its network path, else its share, else its
 * relative path; NULL when it stores none of them (an ID list only, or nothing). */
const char *shortcut_stored_target(const shortcut *s);

/* Initialises an empty list. */
void shortcut_list_init(shortcut_list *l);

/* Frees the list's shortcuts. */
void shortcut_list_free(shortcut_list *l);

#endif
