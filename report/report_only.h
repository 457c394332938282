/* SPDX-License-Identifier: Apache-2.0 */
/*
 * --only: which of the link lists a view writes (README "Writing only part of the report"). One predicate for
 * every writer (json, ndjson, text, csv, timesketch, bodyfile, dot, html), so no two views disagree on what
 * "--only stale" means:
 *   stale     links whose target needs attention (stats.stale_links' own test, link_needs_attention), of every
 *             kind: reparse points, POSIX (Interix, Cygwin) links, shortcuts
 *   links     every link: reparse points, POSIX links, shortcuts
 *   sets      hard-link sets
 *   findings  the findings; a view without a list of findings (csv, timesketch, bodyfile, dot) shows the
 *             hard-link sets and links the findings name instead
 * Kinds combine (a union). Everything else of a volume (anomalies, removed names, the journal's link events,
 * shadow copies) is left out under --only; the volume's header and stats are always written whole.
 * Threads: a filter only reads the finished analysis and its own memory; one per writer and volume.
 */
#ifndef NTFSLINKS_REPORT_ONLY_H
#define NTFSLINKS_REPORT_ONLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis.h"

#define REPORT_ONLY_STALE 1u
#define REPORT_ONLY_FINDINGS 2u
#define REPORT_ONLY_LINKS 4u
#define REPORT_ONLY_SETS 8u
#define REPORT_ONLY_KINDS 4

/* Adds the kinds of list ("stale", "links,sets", ...) to *mask; 0, or -1 for an unknown or empty name. */
int report_only_parse(const char *list, unsigned *mask);

/* Name of kind i (i < REPORT_ONLY_KINDS) and its bit, in the fixed order stale, findings, links, sets. */
const char *report_only_name(int i);
unsigned report_only_bit(int i);

/* What one writer writes of one volume. */
typedef struct {
	unsigned only;            /* REPORT_ONLY_* bits; 0: everything */
	bool findings_as_records; /* the view lists no findings: --only findings keeps what they name */
	uint32_t *named;          /* sorted records the volume's findings name (with findings_as_records) */
	size_t nnamed;
} report_filter;

/* Prepares the filter of mask only for volume va; findings_as_records as above. false when out of memory. */
bool report_filter_init(report_filter *f, unsigned only, bool findings_as_records, const analysis_volume *va);

/* Releases it. */
void report_filter_free(report_filter *f);

/* True without --only: every list is written whole. */
bool report_filter_everything(const report_filter *f);

/* True when the view writes the volume's findings. */
bool report_filter_findings(const report_filter *f);

/* True when the view writes hard-link set r (a record links_is_hardlink_set says is one). */
bool report_filter_set(const report_filter *f, uint32_t r);

/* True when the view writes link le: a reparse point or a POSIX link. */
bool report_filter_link(const report_filter *f, const link_entry *le);

/* True when shortcut s needs an investigator's eye, as link_needs_attention says of a link: an allocated
 * .lnk whose target is stale, a loop, or unreadable (malformed). */
bool report_shortcut_needs_attention(const shortcut *s);

/* True when the view writes shortcut s: with links, with stale when it needs attention, or when a finding
 * names its record (see above). */
bool report_filter_shortcut(const report_filter *f, const shortcut *s);

/* True when a finding of the volume names record r and the view shows what findings name (see above). */
bool report_filter_named(const report_filter *f, uint32_t r);

/* True when the view writes the rest: anomalies, removed names, journal events, shadow copies. */
bool report_filter_context(const report_filter *f);

#endif
