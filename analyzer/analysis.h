/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One run over one image: its volumes, each scanned into a model, with links decoded and resolved.
 * Threads: analysis_run runs its passes in order, each joining the threads it starts (the scan's
 * workers; the paths beside the name index); it returns a finished analysis that is read-only.
 */
#ifndef NTFSLINKS_ANALYSIS_H
#define NTFSLINKS_ANALYSIS_H

#include <stdbool.h>
#include <stdint.h>

#include "access.h"
#include "accounts.h"
#include "drives.h"
#include "du.h"
#include "findings.h"
#include "image.h"
#include "index_slack.h"
#include "links.h"
#include "mft_scan.h"
#include "model.h"
#include "name_index.h"
#include "paths.h"
#include "posix_links.h"
#include "reparse.h"
#include "resolve.h"
#include "usn.h"
#include "shadow.h"
#include "shortcuts.h"
#include "vss.h"

/* A range of media bytes. */
typedef struct {
	uint64_t offset;
	uint64_t length;
} image_range;


/* What NTFS says about itself on one scanned volume (the boot sector, $Volume, $MFT, $UpCase). */
typedef struct {
	bool is_mft_file;         /* an extracted $MFT: no boot sector, so no serial, cluster or sector size */
	bool has_version;
	uint8_t version_major, version_minor;
	uint64_t serial;
	bool has_label;
	const char *label;        /* "" when none */
	uint32_t cluster_size;
	uint32_t bytes_per_sector;
	uint32_t record_size;
	uint64_t record_count;    /* records $MFT declares */
	bool upcase_from_volume;  /* false: the default Windows table */
} volume_facts;

/*
 * One volume as the writers see it: settled when analysis_run returns, read-only, valid until
 * analysis_free. The engine's own per-volume state (the open volume, the name index) stays private to
 * analysis.c. A volume that was not scanned has only index, part, selected and error; its model,
 * paths and lists are empty.
 */
typedef struct {
	int index;
	image_partition part;
	bool selected;            /* chosen for analysis (all, or the one --partition names) */
	bool scanned;             /* false: the volume could not be opened (see error) */
	const char *error;        /* why not ("" when scanned) */
	volume_facts ntfs;
	char drive;               /* drive letter, 0 when unknown */
	bool drive_given;         /* from --drive, not inferred */
	const char *drive_source; /* "option", "registry" or "inferred"; NULL without a letter */
	const char (*volume_guids)[NTFS_GUID_STRING]; /* \??\Volume{GUID}s the registry gives it, sorted */
	int volume_guid_count;
	const account_list *accounts;       /* what its own hives name (NULL when not opened) */
	const account_list *image_accounts; /* every hive of the image: names beside SIDs (accounts_name) */
	const model *m;
	const paths *p;
	const vec *links;         /* link_entry, by record */
	volume_stats stats;
	const vec *du;            /* du_entry, with --du */
	const char *du_error;     /* why --du found nothing to size on this volume ("" when it did) */
	const char *du_note;      /* the links --du followed to reach its directory ("" when none) */
	const anomaly_list *volume_anomalies; /* found while opening the volume */
	const anomaly_list *anomalies;        /* found by the scan and the passes */
	const index_slack_result *slack;      /* names left in directory index slack (removed_names) */
	const access_table *access;           /* security of the sets, links and the sets' parent folders (access.h) */
	const vec *posix;                     /* link_entry: Interix and Cygwin links (posix_links.h) */
	const vec *posix_kinds;               /* uint8_t ntfs_posix_kind of each */
	const shortcut_list *shortcuts;       /* .lnk files and where they lead (shortcuts.h); NULL for a store */
	const usn_journal *usn;               /* the change journal's link events (usn->present: one was read) */
	const findings_list *findings;        /* the findings pass's (README.md "Findings") */
	const vec *shadow_copies;             /* shadow_store, oldest first (empty: none, or --no-vss) */
} analysis_volume;

struct vol_analysis;          /* the engine's state of one volume (analysis.c) */

#define ANALYSIS_MAX_DRIVES 26

/* A drive letter that a volume had on the system the image came from. */
typedef struct {
	char letter;              /* 'C' */
	int volume;               /* volume index in the report */
} drive_mapping;

/* What the engine is asked to do: which image and volumes, with what, and what to collect. */
typedef struct {
	const char *image;        /* the first (or only) image file */
	bool have_offset;
	uint64_t offset;          /* one volume at this byte offset */
	int partition;            /* only volume N; -1 for all */
	drive_mapping drives[ANALYSIS_MAX_DRIVES];
	int drive_count;
	int threads;              /* 0: one per core */
	bool want_si_times;       /* keep $STANDARD_INFORMATION times of every record */
	bool want_streams;        /* keep every named $DATA stream (the bodyfile's NAME:STREAM lines) */
	bool du;                  /* link-aware directory sizes */
	const char *du_path;      /* directory to size (NULL: the root) */
	int du_depth;             /* levels of subdirectories below du_path */
	const char *usn_file;     /* --usn: an extracted $J for the one volume analysed, NULL: each volume's own */
	bool no_baseline;         /* --no-baseline: every finding, none suppressed */
	const findings_baseline *baseline; /* --baseline: the built-in patterns and a site's; NULL: built-in only */
	bool no_vss;              /* --no-vss: shadow copy stores are not looked for */
	bool vss_full;            /* --vss-full: each store's own link lists are kept for the writers */
} analysis_config;

typedef struct analysis analysis;

struct analysis {
	analysis_config config;   /* what was asked */
	image *img;
	struct vol_analysis *vols; /* private to analysis.c: read the volumes with analysis_volume_at */
	analysis_volume *views;   /* what the writers read of each volume */
	size_t nvols;             /* the NTFS volumes, numbered as in the report */
	image_partition *parts;   /* every partition of the image, NTFS or not */
	size_t nparts;
	bool partial;             /* some volume or some records could not be read */
	bool selection_error;     /* the run failed because --partition or --drive names no volume of the image */
	vec checksum_errors;      /* image_range: E01 chunks that failed their checksum (read as zeros) */
	account_list accounts;    /* every account the image's hives name (finished): analysis_account_name */
	drives_elsewhere *drives_elsewhere; /* drive letters the registry gives partitions the image lacks */
	size_t drives_elsewhere_count;
	findings_baseline builtin_baseline; /* used when config.baseline is NULL */
	bool has_builtin_baseline;
	char started[32], finished[32];
};

/*
 * Opens the image, finds its NTFS volumes, scans and analyses each. Returns NTFS_OK when at least
 * one volume was scanned; otherwise an error saying why (unreadable image, no NTFS volume).
 * The analysis it returns is finished: owners of hard-link sets read, stats counted, anomalies in
 * their one order, the partial flag settled. Writers only read it (const, no I/O), from any thread.
 */
ntfs_status analysis_run(analysis *a, const analysis_config *cfg, mft_scan_progress progress, void *ctx, ntfs_error *err);

/* The same on an image already open (e.g. image_open_memory); cfg->image only names it. The analysis owns
 * img from here on, also when this fails (analysis_free closes it). */
ntfs_status analysis_run_image(analysis *a, const analysis_config *cfg, image *img, mft_scan_progress progress,
			       void *ctx, ntfs_error *err);

/* The NTFS volumes of the image (selected or not), numbered as in the report. */
size_t analysis_volume_count(const analysis *a);

/* Volume i (< analysis_volume_count) as the writers see it. */
const analysis_volume *analysis_volume_at(const analysis *a, size_t i);

/*
 * The account name of sid: from the SAM and ProfileList of any volume of the image, else the well-known
 * table (accounts.h); NULL when unknown. Reads only memory; any thread, once analysis_run returned.
 */
const char *analysis_account_name(const analysis *a, const char *sid);
/* With --vss-full: the scanned store's own volume view (its model, paths, links and stats, as for a volume),
 * for the writers; NULL without --vss-full or when the store could not be read. */
const analysis_volume *analysis_store_view(const shadow_store *st);

/* Releases everything the analysis holds, the image included. */
void analysis_free(analysis *a);

#endif
