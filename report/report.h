/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The report: one JSON document, or NDJSON (one object per line), streamed item by item; and the other views.
 * Threads: a writer only reads the finished analysis (no I/O on the image, nothing settled late), so writers
 * may run at the same time over one analysis; the JSON writer runs rc->threads threads of its own for the
 * hard-link sets, each writing to memory, joined in record order. One FILE per writer.
 */
#ifndef NTFSLINKS_REPORT_H
#define NTFSLINKS_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "analysis.h"

#define REPORT_SCHEMA_VERSION "1"

typedef enum { REPORT_JSON, REPORT_NDJSON, REPORT_TEXT, REPORT_BODYFILE, REPORT_DOT, REPORT_TIMESKETCH, REPORT_CSV, REPORT_HTML } report_format;

/* The node cap of --format dot when the command line sets none (README.md "The graph"). */
#define REPORT_DOT_NODES 1000

/* How the report is written: its format and what only the writers need. */
typedef struct {
	report_format format;
	const char *drive_prefix; /* bodyfile names start with it ("C:"), NULL for none */
	bool graph_all;           /* dot: every link and hard-link set, not only stale links and findings' records */
	uint32_t graph_nodes;     /* dot: at most this many nodes (0: REPORT_DOT_NODES; UINT32_MAX: no cap) */
	int threads;              /* writers for the hard-link sets of a large volume; 0: one per core */
	int argc;                 /* the command line, as the report records it */
	char **argv;
	unsigned only;            /* --only: REPORT_ONLY_* bits of report_only.h; 0: everything */
	int text_width;           /* the text view's columns (cli: COLUMNS, the terminal's); 0: 100 */
	bool text_all;            /* --all: the text view cuts no list */
} report_config;

/* Stable name of a format ("json", "text", ...). */
const char *report_format_name(report_format f);

/* Finds the format called name; returns 0, or -1 when there is none. */
int report_format_parse(const char *name, report_format *out);

/* Writes the report of analysis a to f in the format rc asks for. */
ntfs_status report_write(const analysis *a, const report_config *rc, FILE *f, ntfs_error *err);

/* Writes the JSON document or the NDJSON lines (--format json, ndjson). */
ntfs_status report_json(const analysis *a, const report_config *rc, FILE *f, ntfs_error *err);

/* Writes the human summary (--format text): per volume, stale links first, then sets, then anomalies. */
ntfs_status report_text(const analysis *a, const report_config *rc, FILE *f, ntfs_error *err);

/* Writes TSK's bodyfile (mactime 3.x, the fls -m layout) for every name, link targets appended. */
ntfs_status report_bodyfile(const analysis *a, const report_config *rc, FILE *f, ntfs_error *err);

/* Writes Timesketch JSONL (--format timesketch): one line per time of every link object and removed name. */
ntfs_status report_timesketch(const analysis *a, const report_config *rc, FILE *f, ntfs_error *err);

/* Writes CSV (--format csv, RFC 4180): one row per link name and reparse point. */
ntfs_status report_csv(const analysis *a, const report_config *rc, FILE *f, ntfs_error *err);

/* Writes the HTML case report (--format html): one self-contained page, tables that sort and filter, the
 * link graph as inline SVG (report_html.c). */
ntfs_status report_html(const analysis *a, const report_config *rc, FILE *f, ntfs_error *err);

/*
 * Writes a Graphviz graph of the links: reparse points as arrows, hard-link sets as clusters; by default
 * only the stale links and the records of findings (rc->graph_all: everything), at most rc->graph_nodes
 * nodes, with a legend and a note of what was left out.
 */
ntfs_status report_dot(const analysis *a, const report_config *rc, FILE *f, ntfs_error *err);

#endif
