/* SPDX-License-Identifier: Apache-2.0 */
/* The human summary (--format text): what was scanned, stale links first, then sets and anomalies, in 100 columns. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "json_out.h"
#include "le.h"
#include "report.h"
#include "report_history.h"
#include "report_findings.h"

#define WIDTH 100
#define TOP_SETS 10
#define TOP_LINKS 20
#define TOP_ANOMALIES 30
#define TOP_REMOVED 20
#define TOP_HISTORY 20
#define PATH_INDENT 34
#define TOP_SHADOW_CHANGES 20

/* Counts UTF-8 code points: the terminal columns of a string, near enough for paths. */
static size_t columns(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* Byte offset of the code point that starts column col of s. */
static size_t byte_at(const char *s, size_t col)
{
	size_t i = 0, c = 0;
	for (; s[i]; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80 && c++ == col)
			return i;
	return i;
}

/* Prints s in at most width columns, eliding the middle with "…" so both ends of a path stay visible. */
static void put_fit(FILE *f, const char *s, size_t width)
{
	size_t n = columns(s);
	if (n <= width || width < 5) {
		fputs(s, f);
		return;
	}
	size_t head = (width - 1) / 2, tail = width - 1 - head;
	fprintf(f, "%.*s…%s", (int)byte_at(s, head), s, s + byte_at(s, n - tail));
}

/* Formats a byte count for people: "94.2 KiB". */
static void human(uint64_t v, char *buf, size_t cap)
{
	static const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
	double d = (double)v;
	int u = 0;
	while (d >= 1024 && u < 5) {
		d /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, cap, "%llu B", (unsigned long long)v);
	else
		snprintf(buf, cap, "%.1f %s", d, units[u]);
}

/* What a link points at, as written; "" for kinds that point nowhere. */
static const char *link_text(const link_entry *le)
{
	const char *t = reparse_target_text(&le->rp);
	return t ? t : "";
}

/* Path of a link's record, or a placeholder when it has no name. */
static char *link_path(const analysis_volume *va, const link_entry *le)
{
	if (le->name == MODEL_NONE)
		return strdup("(no name)");
	return paths_name_alloc(va->p, model_name(va->m, le->name));
}

/* One link on two lines: status, path -> target; then kind, record and the reason. */
static void print_link(FILE *f, const analysis_volume *va, const link_entry *le)
{
	char *path = link_path(va, le);
	const char *status = le->has_target ? link_status_name(le->target.status) : "-";
	const char *text = link_text(le);
	size_t room = WIDTH - 4 - 14 - 4, pw = columns(path ? path : "?"), tw = columns(text);
	if (pw + tw > room) { /* share the line: the shorter side keeps its length when it can */
		if (tw <= room / 2)
			pw = room - tw;
		else if (pw <= room / 2)
			tw = room - pw;
		else {
			pw = room / 2;
			tw = room - pw;
		}
	}
	fprintf(f, "    %-13s ", status);
	put_fit(f, path ? path : "?", pw);
	fputs(" -> ", f);
	put_fit(f, text, tw);
	fputc('\n', f);
	fprintf(f, "    %-13s %s, record %u%s", "", reparse_kind_name(le->rp.kind), le->record,
		le->allocated ? "" : " (deleted)");
	if (le->has_target && le->target.reason) {
		fputs(": ", f);
		put_fit(f, le->target.reason, WIDTH - 36);
	}
	fputc('\n', f);
	free(path);
}

/* Orders hard-link sets by name count, then size, for "largest first". */
typedef struct {
	uint32_t record;
	uint32_t names;
	uint64_t size;
} set_rank;

/* Largest first; ties by record for a stable listing. */
static int set_cmp(const void *pa, const void *pb)
{
	const set_rank *a = pa, *b = pb;
	if (a->names != b->names)
		return a->names > b->names ? -1 : 1;
	if (a->size != b->size)
		return a->size > b->size ? -1 : 1;
	return a->record < b->record ? -1 : a->record > b->record;
}

/* The largest hard-link sets with all (or the first few) of their paths. */
static void print_sets(FILE *f, const analysis_volume *va)
{
	const model *m = va->m;
	size_t n = 0;
	set_rank *r = malloc((va->stats.hardlink_sets ? va->stats.hardlink_sets : 1) * sizeof(*r));
	if (!r)
		return;
	for (uint64_t rec = 0; rec < m->count && n < va->stats.hardlink_sets; rec++)
		if (links_is_hardlink_set(m, (uint32_t)rec))
			r[n++] = (set_rank){(uint32_t)rec, links_name_count(m, (uint32_t)rec), m->recs[rec].data_size};
	qsort(r, n, sizeof(*r), set_cmp);
	fprintf(f, "\n  Largest hard-link sets (%zu of %llu)\n", n < TOP_SETS ? n : TOP_SETS,
		(unsigned long long)va->stats.hardlink_sets);
	if (n)
		fprintf(f, "    %5s  %10s  %9s  %s\n", "names", "size", "record", "paths");
	for (size_t i = 0; i < n && i < TOP_SETS; i++) {
		char size[32];
		human(r[i].size, size, sizeof(size));
		fprintf(f, "    %5u  %10s  %9u  ", r[i].names, size, r[i].record);
		uint32_t shown = 0;
		uint32_t k = 0;
		for (const name_info *ni; shown < 5 && (ni = model_link_next(m, r[i].record, &k));) {
			char *p = paths_name_alloc(va->p, ni);
			if (shown++)
				fprintf(f, "%*s", PATH_INDENT, "");
			put_fit(f, p ? p : "?", WIDTH - PATH_INDENT);
			fputc('\n', f);
			free(p);
		}
		if (r[i].names > shown)
			fprintf(f, "%*s… and %u more\n", PATH_INDENT, "", r[i].names - shown);
	}
	free(r);
}

/* Stale links first, then (briefly) the links that resolve. */
static void print_links(FILE *f, const analysis_volume *va)
{
	size_t stale = 0, other = 0;
	for (size_t i = 0; i < va->links->count; i++)
		stale += link_needs_attention(&VEC_AT(va->links, link_entry, i));
	fprintf(f, "\n  Stale links (%zu)\n", stale);
	for (size_t i = 0; i < va->links->count; i++) {
		const link_entry *le = &VEC_AT(va->links, link_entry, i);
		if (link_needs_attention(le))
			print_link(f, va, le);
	}
	other = va->links->count - stale;
	fprintf(f, "\n  Other reparse points (%zu%s)\n", other, other > TOP_LINKS ? ", first 20" : "");
	size_t shown = 0;
	for (size_t i = 0; i < va->links->count && shown < TOP_LINKS; i++) {
		const link_entry *le = &VEC_AT(va->links, link_entry, i);
		if (!link_needs_attention(le)) {
			print_link(f, va, le);
			shown++;
		}
	}
}


/* The anomalies, volume-wide first, each with its record. */
static void print_anomalies(FILE *f, const analysis_volume *va)
{
	const anomaly_list *lists[2] = {va->volume_anomalies, va->anomalies};
	size_t total = anomaly_count(lists[0]) + anomaly_count(lists[1]), shown = 0;
	fprintf(f, "\n  Anomalies (%zu%s)\n", total, total > TOP_ANOMALIES ? ", first 30: the JSON report has all" : "");
	for (int l = 0; l < 2; l++)
		for (size_t i = 0; i < lists[l]->items.count && shown < TOP_ANOMALIES; i++, shown++) {
			const anomaly *an = &VEC_AT(&lists[l]->items, anomaly, i);
			char rec[24] = "-";
			if (an->record != ANOMALY_NO_RECORD)
				snprintf(rec, sizeof(rec), "%llu", (unsigned long long)an->record);
			fprintf(f, "    %-28s %9s  ", an->type, rec);
			put_fit(f, anomaly_detail(lists[l], an), WIDTH - 44);
			fputc('\n', f);
		}
}

/* --du as an indented tree: Explorer's sum, each file once, and what is shared with the outside. */
static void print_du(FILE *f, const analysis_volume *va)
{
	if (va->du_error[0]) {
		fprintf(f, "\n  Directory sizes: %s\n", va->du_error);
		return;
	}
	fprintf(f, "\n  Directory sizes (all names / each file once / shared with outside / on disk)\n");
	if (va->du_note && va->du_note[0])
		fprintf(f, "    (%s)\n", va->du_note);
	for (size_t i = 0; i < va->du->count; i++) {
		const du_entry *e = &VEC_AT(va->du, du_entry, i);
		char a[32], b[32], c[32], d[32];
		human(e->names_bytes, a, sizeof(a));
		human(e->records_bytes, b, sizeof(b));
		human(e->shared_bytes, c, sizeof(c));
		human(e->disk_bytes, d, sizeof(d));
		fprintf(f, "    %11s %11s %11s %11s  %*s", a, b, c, d, 2 * e->depth, "");
		put_fit(f, e->path, WIDTH - 54 - 2 * (size_t)e->depth);
		fputc('\n', f);
	}
}

/* The History line group of names left in directory index slack: link kinds first, at most TOP_REMOVED lines. */
static void print_removed_names(FILE *f, const analysis_volume *va)
{
	const index_slack_stats *s = &va->slack->stats;
	const vec *names = &va->slack->names;
	fprintf(f, "    Removed names in index slack (%llu): %llu hard links, %llu links, %llu moved or unlinked, %llu "
		   "renamed, %llu other%s\n",
		(unsigned long long)s->removed, (unsigned long long)s->by_kind[SLACK_REMOVED_HARD_LINK],
		(unsigned long long)s->by_kind[SLACK_REMOVED_LINK], (unsigned long long)s->by_kind[SLACK_MOVED_OR_UNLINKED],
		(unsigned long long)s->by_kind[SLACK_RENAMED], (unsigned long long)s->by_kind[SLACK_REMOVED_NAME],
		s->removed > TOP_REMOVED ? "\n    (first 20, link kinds first: the JSON report has the rest)" : "");
	size_t shown = 0;
	for (uint8_t kind = 0; kind < 5 && shown < TOP_REMOVED; kind++)
		for (size_t i = 0; i < names->count && shown < TOP_REMOVED; i++) {
			const removed_name *e = &VEC_AT(names, removed_name, i);
			if (e->kind != kind)
				continue;
			char *dir = paths_dir_alloc(va->p, e->directory), when[40] = "-", rec[48] = "record unknown";
			if (e->times[2])
				json_out_format_filetime(e->times[2], when);
			if (e->has_ref)
				snprintf(rec, sizeof(rec), "record %llu-%u %s", (unsigned long long)ntfs_ref_record(e->file_ref),
					 ntfs_ref_sequence(e->file_ref), index_slack_state_name(e->state));
			fprintf(f, "      %-17s %.19s  %-28s ", index_slack_kind_name(e->kind), when, rec);
			const char *name = index_slack_name(va->slack, e), *d = dir ? dir : "?";
			const char *sep = !strcmp(d, "\\") ? "" : "\\";
			char *path = malloc(strlen(d) + strlen(sep) + strlen(name) + 1);
			if (path) {
				sprintf(path, "%s%s%s", d, sep, name);
				put_fit(f, path, WIDTH - 6 - 18 - 21 - 29);
			}
			fputc('\n', f);
			free(path);
			free(dir);
			shown++;
		}
}

/* The History line group of the change journal: its last TOP_HISTORY link events, oldest first. */
static void print_usn_events(FILE *f, const analysis_volume *va)
{
	const usn_journal *j = va->usn;
	size_t n = j->events.count, from = n > TOP_HISTORY ? n - TOP_HISTORY : 0;
	fprintf(f, "    Change journal (%s): %llu events, %zu on links%s\n", j->source,
		(unsigned long long)j->events_total, n, n > TOP_HISTORY ? ", the last 20: the JSON report has all" : "");
	for (size_t i = from; i < n; i++) {
		const usn_event *e = &VEC_AT(&j->events, usn_event, i);
		char when[40] = "(no time)", reasons[256], rec[48];
		if (e->time) {
			json_out_format_filetime(e->time, when);
			when[19] = '\0'; /* to the second */
			when[10] = ' ';
		}
		history_reasons_text(e->reason, " | ", reasons, sizeof(reasons));
		snprintf(rec, sizeof(rec), "  record %llu-%u", (unsigned long long)ntfs_ref_record(e->file_ref),
			 ntfs_ref_sequence(e->file_ref));
		fprintf(f, "      %s  ", when);
		put_fit(f, reasons, WIDTH - 27 - strlen(rec));
		fprintf(f, "%s\n        ", rec);
		const char *path = usn_event_path(j, e);
		const char *note = e->parent_state == USN_PARENT_REUSED ? " (parent record reused since)"
				   : e->parent_state == USN_PARENT_MISSING ? " (parent gone)" : "";
		put_fit(f, path ? path : usn_event_name(j, e), WIDTH - 8 - strlen(note));
		fprintf(f, "%s\n", note);
	}
}

/* A FILETIME as "YYYY-MM-DD HH:MM:SS" UTC (to the second). */
static void shadow_when(uint64_t ft, char when[40])
{
	if (!ft) {
		strcpy(when, "(no time)");
		return;
	}
	json_out_format_filetime(ft, when);
	when[19] = '\0';
	when[10] = ' ';
}

/*
 * The History group of the shadow copies: one line per store (when it was made, its identifier), then what
 * changed in the links since each store was made (its changes against the live volume; the JSON report also
 * has the changes between consecutive stores), at most TOP_SHADOW_CHANGES per store. Nothing for a volume
 * without shadow copies.
 */
static void print_shadow_copies(FILE *f, const analysis_volume *va)
{
	if (!va->shadow_copies->count)
		return;
	fprintf(f, "    Shadow copies (%zu)\n", va->shadow_copies->count);
	for (size_t i = 0; i < va->shadow_copies->count; i++) {
		const shadow_store *st = &VEC_AT(va->shadow_copies, shadow_store, i);
		char when[40];
		shadow_when(st->info.creation_time, when);
		fprintf(f, "      store %d  %s  %s  ", st->store_index, when, st->info.identifier[0] ? st->info.identifier : "-");
		if (!st->scanned) {
			fputs("unreadable\n", f);
			continue;
		}
		size_t live = 0;
		for (size_t k = 0; k < st->changes.count; k++)
			live += VEC_AT(&st->changes, shadow_change, k).against_live;
		fprintf(f, "%zu change%s since%s\n", live, live == 1 ? "" : "s", st->partial ? " (PARTIAL)" : "");
		for (size_t k = 0, shown = 0; k < st->changes.count && shown < TOP_SHADOW_CHANGES; k++) {
			const shadow_change *c = &VEC_AT(&st->changes, shadow_change, k);
			if (!c->against_live)
				continue;
			shown++;
			fprintf(f, "        %-14s %-13s record %-8u ", shadow_change_name(c->change), c->kind, c->record);
			put_fit(f, c->path, WIDTH - 54);
			fputc('\n', f);
			if (c->before || c->after) {
				char line[2048];
				snprintf(line, sizeof(line), "%s -> %s", c->before ? c->before : "(none)", c->after ? c->after : "(none)");
				fputs("          ", f);
				put_fit(f, line, WIDTH - 10);
				fputc('\n', f);
			}
		}
		if (live > TOP_SHADOW_CHANGES)
			fprintf(f, "        ... %zu more: the JSON report has all\n", live - TOP_SHADOW_CHANGES);
	}
}

/* The History section: what the volume's links and names were before, one line group per source (the change
 * journal's link events, names left in index slack, shadow copies); absent when no source has anything. */
static void print_history(FILE *f, const analysis_volume *va)
{
	if (va->slack->stats.removed == 0 && !va->usn->present && !va->shadow_copies->count)
		return;
	fputs("\n  History\n", f);
	if (va->usn->present)
		print_usn_events(f, va);
	if (va->slack->stats.removed)
		print_removed_names(f, va);
	print_shadow_copies(f, va);
}

/* True when another volume was inferred to have va's letter too (two Windows installations, each C:). */
static bool others_inferred(const analysis *a, const analysis_volume *va)
{
	for (size_t v = 0; v < analysis_volume_count(a); v++)
		if (analysis_volume_at(a, v) != va && analysis_volume_at(a, v)->scanned && analysis_volume_at(a, v)->drive == va->drive && !analysis_volume_at(a, v)->drive_given)
			return true;
	return false;
}


/* The volume header: where, what, how many. */
static void print_volume(FILE *f, const analysis *a, const analysis_volume *va, bool du)
{
	char size[32];
	human(va->part.length, size, sizeof(size));
	fprintf(f, "\nVolume %d at byte %llu, %s", va->index, (unsigned long long)va->part.offset, size);
	if (!va->scanned) {
		fprintf(f, ": not scanned: %s\n", va->error);
		return;
	}
	const volume_facts *vol = &va->ntfs;
	if (va->drive && !va->drive_given && others_inferred(a, va))
		fprintf(f, ", drive %c: (inferred per volume: more than one holds \\Windows\\System32)", va->drive);
	else if (va->drive)
		fprintf(f, ", drive %c: (%s)", va->drive, va->drive_given ? "--drive" : "inferred");
	fputs("\n ", f);
	if (vol->has_version)
		fprintf(f, " NTFS %u.%u,", vol->version_major, vol->version_minor);
	if (vol->has_label)
		fprintf(f, " label \"%s\",", vol->label);
	if (!vol->is_mft_file)
		fprintf(f, " serial %016llX,", (unsigned long long)vol->serial);
	fprintf(f, " %u-byte records", vol->record_size);
	const volume_stats *s = &va->stats;
	fprintf(f, "\n  %llu records (%llu in use), %llu names, %llu hard-link sets, %llu reparse points, %llu stale links, "
		   "%llu anomalies%s\n",
		(unsigned long long)vol->record_count, (unsigned long long)s->records_in_use,
		(unsigned long long)s->names, (unsigned long long)s->hardlink_sets, (unsigned long long)s->reparse_points,
		(unsigned long long)s->stale_links, (unsigned long long)s->anomalies,
		va->m->partial ? " (PARTIAL SCAN)" : "");
	report_findings_text(f, va->findings);
	print_links(f, va);
	print_sets(f, va);
	print_anomalies(f, va);
	print_history(f, va);
	if (du)
		print_du(f, va);
}

ntfs_status report_text(const analysis *a, const report_config *rc, FILE *f, ntfs_error *err)
{
	(void)rc; /* the text view has no options of its own yet */
	char size[32];
	human(image_size(a->img), size, sizeof(size));
	char head[64], tail[96];
	snprintf(head, sizeof(head), "%s %s: ", PACKAGE_NAME, PACKAGE_VERSION);
	snprintf(tail, sizeof(tail), " (%s, %s, %zu segment%s)", image_format_name(image_get_format(a->img)), size,
		 image_segment_count(a->img), image_segment_count(a->img) == 1 ? "" : "s");
	fputs(head, f);
	put_fit(f, a->config.image, WIDTH - strlen(head) - strlen(tail));
	fprintf(f, "%s\n", tail);
	const image_ewf_info *e = image_ewf(a->img);
	if (e)
		fprintf(f, "E01: case %s, evidence %s, examiner %s, acquired %s\n", e->case_number ? e->case_number : "-",
			e->evidence_number ? e->evidence_number : "-", e->examiner ? e->examiner : "-",
			e->acquisition_date ? e->acquisition_date : "-");
	for (size_t v = 0; v < analysis_volume_count(a); v++)
		if (analysis_volume_at(a, v)->selected)
			print_volume(f, a, analysis_volume_at(a, v), a->config.du);
	if (a->partial)
		fputs("\nThe scan is PARTIAL: some volumes or records could not be read (see the anomalies).\n", f);
	if (fflush(f) || ferror(f))
		return ntfs_error_set(err, NTFS_E_IO, "writing the report failed");
	return NTFS_OK;
}
