/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The text view's parts (--format text), shared by report_text*.c: a writer that wraps every line to the
 * terminal's width, and one function per section of a volume. The view never cuts a reason, a record number
 * or a path: a paragraph wraps at spaces onto continuation lines with a deeper indent; a word longer than a
 * line breaks after a path separator (\ or /), and one without any at the line's end, so no line is ever
 * wider than the width and nothing is dropped. Columns are counted per code point, East Asian wide characters
 * as two and combining marks as none; control characters are written as '?', bidirectional controls as \uXXXX.
 * Lists are cut to their first entries (README "The text view"); every cut says how many are left and the
 * command that shows them all (--all lifts every cut).
 * Threads: everything only reads the finished analysis; one text_out per writer.
 */
#ifndef NTFSLINKS_REPORT_TEXT_H
#define NTFSLINKS_REPORT_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "report.h"
#include "report_only.h"

#define TEXT_WIDTH_DEFAULT 100
#define TEXT_WIDTH_MIN 40
#define TEXT_WIDTH_MAX 4096

/* Where the view goes and how wide it is; the volume being written and its --only filter. */
typedef struct {
	FILE *f;
	size_t width;
	bool all;                 /* --all: no list is cut */
	const analysis *a;
	const report_config *rc;
	const analysis_volume *va;
	report_filter filter;
} text_out;

/* The width to use for a requested one (0: the default), kept within [TEXT_WIDTH_MIN, TEXT_WIDTH_MAX]. */
size_t text_width_clamp(int requested);

/* Terminal columns of UTF-8 string s (wide characters 2, combining marks 0, controls 1). */
size_t text_columns(const char *s);

/* Writes s as one paragraph: the first line indented by indent, the others by hang, wrapped to the width. */
void text_para(text_out *t, size_t indent, size_t hang, const char *s);

/* The same from column col, where a prefix written by the caller ends (col < the width). */
void text_para_from(text_out *t, size_t col, size_t hang, const char *s);

/* The same as text_para with printf formatting. */
void text_paraf(text_out *t, size_t indent, size_t hang, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* A copy of path whose spaces do not break a line (a path with spaces wraps at its separators only); the
 * caller frees it. NULL stays NULL. */
char *text_keep(const char *path);

/* Limit of a list of total entries that shows at most top: top, or total with --all. */
size_t text_limit(const text_out *t, size_t top);

/*
 * A cut list's last line at indent: "... N more WHAT: COMMAND", COMMAND being this run's command line with
 * --only only (NULL: no --only), --all and --format text (and --partition of the volume when the image has
 * several), without -o, --format, --only and --threads of its own (the view is the same for any --threads).
 */
void text_cut(text_out *t, size_t indent, size_t left, const char *what, const char *only);

/* A byte count for people ("94.2 KiB"). */
void text_human(uint64_t v, char *buf, size_t cap);

/*
 * Who may write record r, for people: "owner NAME; writable by NAME, NAME" (or "not writable by ordinary
 * users"), names where the image's accounts give them, SIDs otherwise. NULL when its security is not known.
 * The caller frees it.
 */
char *text_security(const analysis_volume *va, uint32_t r);

/* "writable by NAME, NAME" or "not writable by ordinary users" for record r; NULL when unknown. Freed by caller. */
char *text_writable(const analysis_volume *va, uint32_t r);

/*
 * One link (reparse point, POSIX link, shortcut) at indent: "STATUS  PATH -> TARGET", then "KIND, record N:
 * REASON" (kind NULL: left out, for a list grouped by kind), then who owns it and may write it, where known.
 */
void text_link(text_out *t, const link_entry *le, const char *kind, size_t indent);

/* The sections of a volume, in the order they are written (report_text.c). */
void text_findings(text_out *t);       /* report_text_findings.c */
void text_stale_links(text_out *t);    /* report_text_links.c */
void text_other_links(text_out *t);    /* report_text_links.c */
void text_shortcuts(text_out *t);      /* report_text_shortcuts.c */
void text_sets(text_out *t);           /* report_text_sets.c */
void text_anomalies(text_out *t);      /* report_text_history.c */
void text_history(text_out *t);        /* report_text_history.c */
void text_du(text_out *t);             /* report_text_history.c */

#endif
