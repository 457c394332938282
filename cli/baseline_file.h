/* SPDX-License-Identifier: Apache-2.0 */
/* --baseline FILE: a site's known-good link patterns, read from a small JSON file (README.md "Findings"). */
#ifndef NTFSLINKS_BASELINE_FILE_H
#define NTFSLINKS_BASELINE_FILE_H

#include <stddef.h>

#include "findings.h"

#define BASELINE_FILE_MAX_BYTES (4u << 20) /* a baseline is a list of patterns, not data */
#define BASELINE_FILE_MAX_PATTERNS 10000

/*
 * Makes b the built-in baseline plus the patterns of the file at path. Returns 0, or -1 with why in msg
 * (not readable, too large, not JSON, an unknown key or rule, a missing path); b is then empty.
 */
int baseline_file_load(const char *path, findings_baseline *b, char *msg, size_t cap);

#endif
