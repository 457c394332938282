/* SPDX-License-Identifier: Apache-2.0 */
/* The text view's last sections: anomalies, History (change journal, index slack, shadow copies) and --du. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "json_out.h"
#include "le.h"
#include "report_history.h"
#include "report_text.h"

#define TOP_ANOMALIES 30
#define TOP_REMOVED 20
#define TOP_HISTORY 20
#define TOP_SHADOW_CHANGES 20
#define DU_FIGURES 49             /* columns before a --du path: indent, four figures, two spaces */

void text_anomalies(text_out *t)
{
	const analysis_volume *va = t->va;
	const anomaly_list *lists[2] = {va->volume_anomalies, va->anomalies};
	size_t total = anomaly_count(lists[0]) + anomaly_count(lists[1]), shown = 0, limit = text_limit(t, TOP_ANOMALIES);
	fprintf(t->f, "\n  Anomalies (%zu)\n", total);
	for (int l = 0; l < 2; l++)
		for (size_t i = 0; i < lists[l]->items.count && shown < limit; i++, shown++) {
			const anomaly *an = &VEC_AT(&lists[l]->items, anomaly, i);
			char rec[24] = "-";
			if (an->record != ANOMALY_NO_RECORD)
				snprintf(rec, sizeof(rec), "%llu", (unsigned long long)an->record);
			text_paraf(t, 4, 8, "%-28s %9s  %s", an->type, rec, anomaly_detail(lists[l], an));
		}
	if (total > shown)
		text_cut(t, 4, total - shown, "anomalies", NULL);
}

/* A FILETIME as "YYYY-MM-DD HH:MM:SS" UTC (to the second), or "(no time)". */
static void when_text(uint64_t ft, char when[40])
{
	if (!ft) {
		strcpy(when, "(no time)");
		return;
	}
	json_out_format_filetime(ft, when);
	when[19] = '\0';
	when[10] = ' ';
}

/* The History line group of the change journal: its last TOP_HISTORY link events, oldest first. */
static void usn_events(text_out *t)
{
	const usn_journal *j = t->va->usn;
	size_t n = j->events.count, limit = text_limit(t, TOP_HISTORY), from = n > limit ? n - limit : 0;
	text_paraf(t, 4, 6, "Change journal (%s): %llu events, %zu on links", j->source, (unsigned long long)j->events_total,
		   n);
	if (from)
		text_paraf(t, 6, 8, "(the last %zu)", n - from);
	for (size_t i = from; i < n; i++) {
		const usn_event *e = &VEC_AT(&j->events, usn_event, i);
		char when[40], reasons[256];
		when_text(e->time, when);
		history_reasons_text(e->reason, " | ", reasons, sizeof(reasons));
		text_paraf(t, 6, 10, "%s  %s  record %llu-%u", when, reasons, (unsigned long long)ntfs_ref_record(e->file_ref),
			   ntfs_ref_sequence(e->file_ref));
		const char *path = usn_event_path(j, e);
		const char *note = e->parent_state == USN_PARENT_REUSED ? " (parent record reused since)"
				   : e->parent_state == USN_PARENT_MISSING ? " (parent gone)" : "";
		char *kp = text_keep(path ? path : usn_event_name(j, e));
		text_paraf(t, 8, 12, "%s%s", kp ? kp : "?", note);
		free(kp);
	}
	if (from)
		text_cut(t, 6, from, "earlier journal events", NULL);
}

/* The History line group of names left in directory index slack: link kinds first, at most TOP_REMOVED lines. */
static void removed_names(text_out *t)
{
	const analysis_volume *va = t->va;
	const index_slack_stats *s = &va->slack->stats;
	const vec *names = &va->slack->names;
	text_paraf(t, 4, 6,
		   "Removed names in index slack (%llu): %llu hard links, %llu links, %llu moved or unlinked, %llu renamed, "
		   "%llu other",
		   (unsigned long long)s->removed, (unsigned long long)s->by_kind[SLACK_REMOVED_HARD_LINK],
		   (unsigned long long)s->by_kind[SLACK_REMOVED_LINK], (unsigned long long)s->by_kind[SLACK_MOVED_OR_UNLINKED],
		   (unsigned long long)s->by_kind[SLACK_RENAMED], (unsigned long long)s->by_kind[SLACK_REMOVED_NAME]);
	size_t shown = 0, limit = text_limit(t, TOP_REMOVED);
	for (uint8_t kind = 0; kind < 5 && shown < limit; kind++)
		for (size_t i = 0; i < names->count && shown < limit; i++) {
			const removed_name *e = &VEC_AT(names, removed_name, i);
			if (e->kind != kind)
				continue;
			char *dir = paths_dir_alloc(va->p, e->directory), when[40] = "-", rec[48] = "record unknown";
			if (e->times[2])
				json_out_format_filetime(e->times[2], when);
			if (e->has_ref)
				snprintf(rec, sizeof(rec), "record %llu-%u %s", (unsigned long long)ntfs_ref_record(e->file_ref),
					 ntfs_ref_sequence(e->file_ref), index_slack_state_name(e->state));
			const char *name = index_slack_name(va->slack, e), *d = dir ? dir : "?";
			const char *sep = !strcmp(d, "\\") ? "" : "\\";
			size_t len = strlen(d) + strlen(sep) + strlen(name) + 1;
			char *path = malloc(len);
			if (path) {
				snprintf(path, len, "%s%s%s", d, sep, name);
				char *kp = text_keep(path);
				text_paraf(t, 6, 10, "%-17s %.19s  %-28s %s", index_slack_kind_name(e->kind), when, rec, kp ? kp : "?");
				free(kp);
			}
			free(path);
			free(dir);
			shown++;
		}
	if (s->removed > shown)
		text_cut(t, 6, (size_t)s->removed - shown, "removed names (link kinds are listed first)", NULL);
}

/* One store's changes since it was made (against the live volume), at most TOP_SHADOW_CHANGES. */
static void shadow_changes(text_out *t, const shadow_store *st, size_t live)
{
	size_t shown = 0, limit = text_limit(t, TOP_SHADOW_CHANGES);
	for (size_t k = 0; k < st->changes.count && shown < limit; k++) {
		const shadow_change *c = &VEC_AT(&st->changes, shadow_change, k);
		if (!c->against_live)
			continue;
		shown++;
		char *kp = text_keep(c->path ? c->path : "");
		text_paraf(t, 8, 12, "%-14s %-13s record %-8u %s", shadow_change_name(c->change), c->kind, c->record, kp ? kp : "");
		free(kp);
		if (c->before || c->after) {
			char *b = text_keep(c->before ? c->before : "(none)"), *a = text_keep(c->after ? c->after : "(none)");
			text_paraf(t, 10, 14, "%s -> %s", b ? b : "", a ? a : "");
			free(b);
			free(a);
		}
	}
	if (live > shown) {
		char what[64];
		snprintf(what, sizeof(what), "changes since store %d", st->store_index);
		text_cut(t, 8, live - shown, what, NULL);
	}
}

/*
 * The History group of the shadow copies: one line per store (when it was made, its identifier), then what
 * changed in the links since each store was made (its changes against the live volume; the JSON report also
 * has the changes between consecutive stores). Nothing for a volume without shadow copies.
 */
static void shadow_copies(text_out *t)
{
	const analysis_volume *va = t->va;
	if (!va->shadow_copies->count)
		return;
	text_paraf(t, 4, 6, "Shadow copies (%zu)", va->shadow_copies->count);
	for (size_t i = 0; i < va->shadow_copies->count; i++) {
		const shadow_store *st = &VEC_AT(va->shadow_copies, shadow_store, i);
		char when[40];
		when_text(st->info.creation_time, when);
		const char *id = st->info.identifier[0] ? st->info.identifier : "-";
		if (!st->scanned) {
			text_paraf(t, 6, 10, "store %d  %s  %s  unreadable", st->store_index, when, id);
			continue;
		}
		size_t live = 0;
		for (size_t k = 0; k < st->changes.count; k++)
			live += VEC_AT(&st->changes, shadow_change, k).against_live;
		text_paraf(t, 6, 10, "store %d  %s  %s  %zu change%s since%s", st->store_index, when, id, live,
			   live == 1 ? "" : "s", st->partial ? " (PARTIAL)" : "");
		shadow_changes(t, st, live);
	}
}

void text_history(text_out *t)
{
	const analysis_volume *va = t->va;
	if (va->slack->stats.removed == 0 && !va->usn->present && !va->shadow_copies->count)
		return;
	fputs("\n  History\n", t->f);
	if (va->usn->present)
		usn_events(t);
	if (va->slack->stats.removed)
		removed_names(t);
	shadow_copies(t);
}

void text_du(text_out *t)
{
	const analysis_volume *va = t->va;
	if (va->du_error[0]) {
		fputc('\n', t->f);
		text_paraf(t, 2, 4, "Directory sizes: %s", va->du_error);
		return;
	}
	fputc('\n', t->f);
	text_para(t, 2, 4, "Directory sizes (all names / each file once / shared with outside / on disk)");
	if (va->du_note && va->du_note[0])
		text_paraf(t, 4, 6, "(%s)", va->du_note);
	/* four 10-column figures, then the path indented by depth; narrower than that leaves a path 24 columns:
	   the path on a line of its own, the figures under it */
	bool table = t->width >= DU_FIGURES + 24;
	size_t room = table ? t->width - DU_FIGURES - 24 : t->width / 3;
	for (size_t i = 0; i < va->du->count; i++) {
		const du_entry *e = &VEC_AT(va->du, du_entry, i);
		char a[32], b[32], c[32], d[32];
		text_human(e->names_bytes, a, sizeof(a));
		text_human(e->records_bytes, b, sizeof(b));
		text_human(e->shared_bytes, c, sizeof(c));
		text_human(e->disk_bytes, d, sizeof(d));
		size_t pad = 2 * (size_t)e->depth < room ? 2 * (size_t)e->depth : room;
		char *kp = text_keep(e->path);
		if (table) {
			fprintf(t->f, "    %10s %10s %10s %10s  %*s", a, b, c, d, (int)pad, "");
			text_para_from(t, DU_FIGURES + pad, DU_FIGURES + pad + 2, kp ? kp : "?");
		} else {
			text_para(t, 4 + pad, 8 + pad, kp ? kp : "?");
			text_paraf(t, 8 + pad, 10 + pad, "%s / %s / %s / %s", a, b, c, d);
		}
		free(kp);
	}
}
