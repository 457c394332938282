/* SPDX-License-Identifier: Apache-2.0 */
/* The report: one JSON document, or NDJSON (one object per line), streamed item by item. */
#ifndef NTFSLINKS_REPORT_H
#define NTFSLINKS_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "analysis.h"

#define REPORT_SCHEMA_VERSION "1"

/* Writes the report of analysis a to f in the format opts asks for; argv is the command line. */
ntfs_status report_write(const analysis *a, FILE *f, int argc, char **argv, ntfs_error *err);

/* Writes the human summary (--format text): per volume, stale links first, then sets, then anomalies. */
ntfs_status report_text(const analysis *a, FILE *f, ntfs_error *err);

/* Writes TSK's bodyfile (mactime 3.x, the fls -m layout) for every name, link targets appended. */
ntfs_status report_bodyfile(const analysis *a, FILE *f, ntfs_error *err);

/* Writes a Graphviz graph of the links: reparse points as arrows, hard-link sets as clusters. */
ntfs_status report_dot(const analysis *a, FILE *f, ntfs_error *err);

#endif
