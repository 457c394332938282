/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Text into an HTML page without letting the image write markup: every string that came from the image
 * (names, paths, link targets, labels, E01 metadata) goes through html_text or html_attr, which escape
 * & < > " ' and show what a reader must not be fooled by as visible escapes: bytes that are not valid
 * UTF-8 as \xNN, control characters as \xNN, and the bidirectional overrides and isolates (U+202A-U+202E,
 * U+2066-U+2069, which can make a name read backwards) as \u202E.
 * Threads: pure functions over their arguments.
 */
#ifndef NTFSLINKS_HTML_OUT_H
#define NTFSLINKS_HTML_OUT_H

#include <stdint.h>
#include <stdio.h>

/* Writes s (NULL writes nothing) escaped for an element's text or a quoted attribute value. */
void html_text(FILE *f, const char *s);

/* Writes s, or "-" when s is NULL or empty. */
void html_text_or_dash(FILE *f, const char *s);

/* Writes s as one POSIX shell word (as it is when only [A-Za-z0-9_./=:,+@%-], else '...' with quotes as
 * '\''), escaped for HTML. */
void html_shell_word(FILE *f, const char *s);

/* Writes the istat command that shows record r of the volume at byte offset off of the image at path
 * (istat -o SECTORS 'IMAGE' R, no -o at 0; istat cannot address a volume off a 512-byte sector: a note then),
 * escaped. */
void html_istat(FILE *f, const char *path, uint64_t off, uint64_t r);

/* Writes a FILETIME as "YYYY-MM-DD HH:MM:SS.fffffff" UTC, or "-" for 0. */
void html_filetime(FILE *f, uint64_t ft);

#endif
