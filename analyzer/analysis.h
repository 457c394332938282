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

#include "du.h"
#include "image.h"
#include "index_slack.h"
#include "links.h"
#include "mft_scan.h"
#include "model.h"
#include "name_index.h"
#include "paths.h"
#include "reparse.h"
#include "resolve.h"

/* A range of media bytes. */
typedef struct {
	uint64_t offset;
	uint64_t length;
} image_range;


typedef struct vol_analysis {
	int index;
	image_partition part;
	bool selected;            /* chosen for analysis (all, or the one --partition names) */
	bool scanned;             /* false: the volume could not be opened (see error) */
	char error[NTFS_ERROR_REASON_MAX];
	volume *vol;
	model m;
	paths p;
	name_index ix;
	char drive;               /* drive letter, 0 when unknown */
	bool drive_given;         /* from --drive, not inferred */
	vec links;                /* link_entry */
	volume_stats stats;
	vec du;                   /* du_entry, with --du */
	char du_error[NTFS_ERROR_REASON_MAX]; /* why --du found nothing to size on this volume */
	index_slack_result slack; /* names left in directory index slack (removed_names) */
} vol_analysis;

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
	bool du;                  /* link-aware directory sizes */
	const char *du_path;      /* directory to size (NULL: the root) */
	int du_depth;             /* levels of subdirectories below du_path */
} analysis_config;

struct analysis {
	analysis_config config;   /* what was asked */
	image *img;
	vol_analysis *vols;       /* the NTFS volumes, numbered as in the report */
	size_t nvols;
	image_partition *parts;   /* every partition of the image, NTFS or not */
	size_t nparts;
	bool partial;             /* some volume or some records could not be read */
	bool selection_error;     /* the run failed because --partition or --drive names no volume of the image */
	vec checksum_errors;      /* image_range: E01 chunks that failed their checksum (read as zeros) */
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

/* Releases everything the analysis holds, the image included. */
void analysis_free(analysis *a);

#endif
