/* SPDX-License-Identifier: Apache-2.0 */
/* The text view's shell shortcuts (.lnk): their counts by status, those that need attention first, then the rest. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "report_text.h"

#define TOP_ATTENTION 50          /* shortcuts needing attention listed before the cut */
#define TOP_OTHERS 20             /* other shortcuts listed before the cut */

/* What shortcut s points at, as stored (shortcut_stored_target), or what it holds instead. */
static const char *stored_target(const shortcut *s)
{
	const char *t = shortcut_stored_target(s);
	return t ? t : s->has_id_list ? "(an ID list only)" : "(no target)";
}

/* One shortcut at indent: "STATUS  PATH -> TARGET", then its record, serial, arguments and the reason. */
static void text_shortcut(text_out *t, const shortcut *s, size_t indent)
{
	const analysis_volume *va = t->va;
	char *path = paths_name_alloc(va->p, model_name(va->m, s->name));
	char *kpath = text_keep(path ? path : "?"), *target = text_keep(stored_target(s));
	text_paraf(t, indent, indent + 4, "%s  %s -> %s", link_status_name(s->target.status), kpath ? kpath : "?",
		   target ? target : "?");
	char serial[32] = "";
	if (s->has_volume)
		snprintf(serial, sizeof(serial), ", volume serial %08X", s->drive_serial);
	const char *reason = s->target.reason ? s->target.reason : s->error;
	text_paraf(t, indent + 4, indent + 6, "shortcut, record %u%s%s%s%s%s%s", s->record, s->allocated ? "" : " (deleted)",
		   serial, s->arguments ? ", arguments " : "", s->arguments ? s->arguments : "", reason ? ": " : "",
		   reason ? reason : "");
	free(target);
	free(kpath);
	free(path);
}

/* Lists the shortcuts that the view writes and for which attention says the same as want, up to top. */
static void text_shortcut_group(text_out *t, bool want, size_t top, const char *what, const char *only)
{
	const shortcut_list *l = t->va->shortcuts;
	size_t count = 0, shown = 0, limit = text_limit(t, top);
	for (size_t i = 0; i < l->items.count; i++) {
		const shortcut *s = &VEC_AT(&l->items, shortcut, i);
		if (report_shortcut_needs_attention(s) != want || !report_filter_shortcut(&t->filter, s))
			continue;
		count++;
		if (shown < limit) {
			text_shortcut(t, s, 4);
			shown++;
		}
	}
	if (count > shown)
		text_cut(t, 4, count - shown, what, only);
}

void text_shortcuts(text_out *t)
{
	const shortcut_list *l = t->va->shortcuts;
	if (!l || !l->items.count)
		return;
	const shortcut_stats *st = &l->stats;
	fputc('\n', t->f);
	char other[48] = "";
	char outside[96] = "";
	if (st->other)
		snprintf(other, sizeof(other), ", %llu other", (unsigned long long)st->other);
	if (st->not_in_mft)
		snprintf(outside, sizeof(outside), "; %llu more whose data is not in the $MFT (not read)",
			 (unsigned long long)st->not_in_mft);
	text_paraf(t, 2, 4,
		   "Shortcuts (%llu): %llu ok, %llu stale, %llu external, %llu remote, %llu unknown, %llu malformed%s; "
		   "%llu deleted%s",
		   (unsigned long long)st->total, (unsigned long long)st->ok, (unsigned long long)st->stale,
		   (unsigned long long)st->external, (unsigned long long)st->remote, (unsigned long long)st->unknown,
		   (unsigned long long)st->malformed, other, (unsigned long long)st->deleted, outside);
	text_shortcut_group(t, true, TOP_ATTENTION, "shortcuts needing attention", "stale");
	text_shortcut_group(t, false, TOP_OTHERS, "other shortcuts", "links");
}
