/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The history of the links in the report: the change journal's link events (and, from the other passes of
 * issue 12, removed names and shadow copies) as JSON values, text lines and bodyfile lines.
 * Threads: every function only reads the finished analysis; any number may run at once.
 */
#ifndef NTFSLINKS_REPORT_HISTORY_H
#define NTFSLINKS_REPORT_HISTORY_H

#include <jansson.h>
#include <stdio.h>

#include "usn.h"

/* A FILETIME as an ISO 8601 UTC JSON string, null when 0. */
json_t *history_time_json(uint64_t ft);

#include "json_out.h"

/*
 * Writes the volume's "usn" object (source, counts by reason, link events) to o, event by event (memory does
 * not grow with the events), or null when no journal was read. Same bytes as jansson's compact output.
 * events false (--only): link_events is written empty, the counts whole.
 */
void history_usn_write(json_out *o, const usn_journal *j, bool events);

/* The reason flags of an event joined by sep ("HARD_LINK_CHANGE | CLOSE" with " | ") into buf (cap bytes). */
void history_reasons_text(uint32_t reason, const char *sep, char *buf, size_t cap);

#endif
