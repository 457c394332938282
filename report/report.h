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

/* Formats a FILETIME as ISO 8601 UTC with 100 ns precision ("2026-01-01T00:00:00.1234567Z"). */
void report_filetime(uint64_t ft, char *buf, size_t cap);

#endif
