/* SPDX-License-Identifier: Apache-2.0 */
/* The HTML case report's parts shared by its files (report_html.c, report_html_graph.c). */
#ifndef NTFSLINKS_REPORT_HTML_H
#define NTFSLINKS_REPORT_HTML_H

#include <stdbool.h>
#include <stdio.h>

#include "analysis.h"
#include "report_only.h"

/* What every part of one volume's section needs. */
typedef struct {
	FILE *f;
	const analysis *a;
	const analysis_volume *va;
	const char *image;        /* the image path as given (for the istat commands) */
	bool istat;               /* records can be checked with istat (not an extracted $MFT) */
	report_filter only;       /* --only: which lists and which of their items the page shows */
	unsigned mask;            /* --only's REPORT_ONLY_* bits; 0: everything */
} html_vol;

/* True when the page has the section of --only kind bits (any of them), or when --only was not given. */
static inline bool html_shows(const html_vol *h, unsigned bits)
{
	return !h->mask || (h->mask & bits);
}

/* Writes record r as a cell body: the number and the istat command that shows it. */
void html_record(const html_vol *h, uint64_t r);

/* The most nodes the link graph of one volume draws (the rest are counted in a note). */
#define HTML_GRAPH_MAX_NODES 150

/* Writes the link graph of the volume's stale and suspicious links (needing attention, or named by a
 * finding) as inline SVG, laid out in three layers (findings, links and records, targets). */
void html_graph(const html_vol *h);

#endif
