/* SPDX-License-Identifier: Apache-2.0 */
/* Command-line options of ntfslinks, parsed into one struct with no global state. */
#ifndef NTFSLINKS_OPTIONS_H
#define NTFSLINKS_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "analysis.h"
#include "report.h"

#define OPTIONS_DU_DEPTH_DEFAULT 1

#define OPTIONS_MAX_DRIVES ANALYSIS_MAX_DRIVES

typedef struct {
	const char *image;        /* the first (or only) image file */
	const char *output;       /* NULL: standard output */
	report_format format;
	bool format_given;        /* --format was on the command line */
	bool have_offset;
	uint64_t offset;          /* --offset BYTES: one volume at this byte offset */
	int partition;            /* --partition N: only volume N; -1 for all */
	drive_mapping drives[OPTIONS_MAX_DRIVES];
	int drive_count;
	int threads;              /* 0: one per core */
	bool quiet;
	bool du;                  /* --du: link-aware directory sizes */
	const char *du_path;      /* directory to size (NULL: the root) */
	int du_depth;             /* levels of subdirectories below du_path */
	bool no_vss;              /* --no-vss: shadow copy stores are not looked for */
	bool vss_full;            /* --vss-full: each store's own link lists too */
	const char *drive_prefix; /* --drive-prefix X: for bodyfile names */
	const char *usn_file;     /* --usn FILE: an extracted $J */
	const char *baseline;     /* --baseline FILE: a site's known-good link patterns */
	bool no_baseline;         /* --no-baseline: every finding */
	bool verify;              /* --verify: hash the E01 media, compare with its stored hashes */
	unsigned only;            /* --only LIST: REPORT_ONLY_* bits (report_only.h); 0: everything */
	bool all;                 /* --all: the text view cuts no list */
	bool graph_given;         /* --graph or --graph-nodes was given (dot only) */
	bool graph_all;           /* --graph all: every link and set in the dot graph */
	uint32_t graph_nodes;     /* --graph-nodes N: the dot graph's node cap (0: the default; UINT32_MAX: none) */
	bool help;
	bool version;
} options;

/*
 * Parses argv into opts. Returns 0 on success, -1 on a usage error with a message in msg
 * (msg_cap bytes). --help and --version set their flags and skip the image requirement.
 */
int options_parse(int argc, char **argv, options *opts, char *msg, size_t msg_cap);

/* Writes the --help text to f. */
void options_usage(FILE *f);

#endif
