/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The HTML case report (--format html): one self-contained page (its style and script inline, a
 * Content-Security-Policy that lets it load nothing), with a case header, then per volume its findings,
 * stale links, every reparse point by kind, hard-link sets, POSIX links, anomalies, history and the link
 * graph (report_html_graph.c). Every string from the image is escaped (html_out.h); every record shows the
 * istat command that checks it. Written in one thread in the analysis' own order: the same analysis gives
 * the same bytes whatever --threads says (run times aside).
 */
#include "config.h"
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "html_out.h"
#include "le.h"
#include "report_history.h"
#include "report_html.h"
#include "report_text.h"
#include "sha256.h"
#include "report/html_assets.h"

#define HTML_KINDS (REPARSE_KIND_THIRD_PARTY + 1) /* reparse_kind values */

/* Opens a table of id V-kind with a filter box, a count and the column headings. */
static void table_open(const html_vol *h, const char *kind, const char *const *cols)
{
	FILE *f = h->f;
	fprintf(f, "<input type=\"search\" class=\"filter\" id=\"v%d-%s-filter\" placeholder=\"filter rows\" "
		   "aria-label=\"filter\"><span class=\"shown\" id=\"v%d-%s-shown\"></span>\n",
		h->va->index, kind, h->va->index, kind);
	fprintf(f, "<table class=\"data\" id=\"v%d-%s\"><thead><tr>", h->va->index, kind);
	for (; *cols; cols++)
		fprintf(f, "<th>%s</th>", *cols);
	fputs("</tr></thead><tbody>\n", f);
}

/* Closes the table table_open opened. */
static void table_close(FILE *f)
{
	fputs("</tbody></table>\n", f);
}

void html_record(const html_vol *h, uint64_t r)
{
	fprintf(h->f, "%llu", (unsigned long long)r);
	if (!h->istat)
		return;
	fputs("<br><code class=\"cmd\">", h->f);
	html_istat(h->f, h->image, h->va->part.offset, r);
	fputs("</code>", h->f);
}

/* A cell holding record r, sorted by its number. */
static void td_record(const html_vol *h, uint64_t r)
{
	fprintf(h->f, "<td data-sort=\"%llu\">", (unsigned long long)r);
	html_record(h, r);
	fputs("</td>", h->f);
}

/* A cell of text from the image ("-" when none). */
static void td_text(FILE *f, const char *cls, const char *s)
{
	if (cls)
		fprintf(f, "<td class=\"%s\">", cls);
	else
		fputs("<td>", f);
	html_text_or_dash(f, s);
	fputs("</td>", f);
}

/* A cell of a number, sorted numerically. */
static void td_u64(FILE *f, uint64_t v)
{
	fprintf(f, "<td data-sort=\"%llu\">%llu</td>", (unsigned long long)v, (unsigned long long)v);
}

/* A cell of a FILETIME, sorted by its value. */
static void td_time(FILE *f, uint64_t ft)
{
	fprintf(f, "<td data-sort=\"%llu\">", (unsigned long long)ft);
	html_filetime(f, ft);
	fputs("</td>", f);
}

/* A row of a key-value table; value escaped. */
static void kv(FILE *f, const char *key, const char *value)
{
	fprintf(f, "<tr><th>%s</th><td>", key);
	html_text_or_dash(f, value);
	fputs("</td></tr>\n", f);
}

/* Formats a byte count for people: "94.2 KiB (96475 bytes)", as the text view writes it, with the exact count. */
static void human(uint64_t v, char *buf, size_t cap)
{
	char short_form[32];
	text_human(v, short_form, sizeof(short_form));
	if (v < 1024)
		snprintf(buf, cap, "%llu bytes", (unsigned long long)v);
	else
		snprintf(buf, cap, "%s (%llu bytes)", short_form, (unsigned long long)v);
}

/* The principals that may write a record (writable_by), "-" when none, "unknown" without a descriptor. */
static void writers_cell(FILE *f, const analysis_volume *va, uint64_t r)
{
	access_info in = access_record(va->access, r < UINT32_MAX ? (uint32_t)r : UINT32_MAX);
	fputs("<td>", f);
	if (!in.known) {
		fputs("<span class=\"note\">unknown</span>", f);
	} else if (!in.writer_count) {
		fputc('-', f);
	}
	for (uint32_t k = 0; in.known && k < in.writer_count; k++) {
		access_writer w = access_writer_at(va->access, &in, k);
		fputs(k ? ", <span title=\"" : "<span title=\"", f);
		html_text(f, w.sid);
		fputs(":", f);
		for (int i = 0; i < ACCESS_RIGHT_NAMES; i++)
			if (w.rights & access_right_bit[i])
				fprintf(f, " %s", access_right_name[i]);
		fputs("\">", f);
		html_text(f, w.name ? w.name : w.sid);
		fputs("</span>", f);
	}
	fputs("</td>", f);
}

/* The owner of a record: account name and SID. */
static void owner_cell(FILE *f, const analysis_volume *va, uint32_t r)
{
	const char *sid = model_owner_sid(va->m, r), *name = accounts_name(va->image_accounts, sid);
	fputs("<td>", f);
	if (name) {
		html_text(f, name);
		fputs("<br><span class=\"note\">", f);
		html_text(f, sid);
		fputs("</span>", f);
	} else {
		html_text_or_dash(f, sid);
	}
	fputs("</td>", f);
}

/* The volume's findings: severity, rule, title, records (with istat), paths, evidence, reference. */
static void findings_section(const html_vol *h)
{
	FILE *f = h->f;
	const findings_list *l = h->va->findings;
	if (!report_filter_findings(&h->only))
		return;
	fprintf(f, "<h3 id=\"v%d-findings-h\">Findings (%zu)</h3>\n", h->va->index, l->items.count);
	if (l->baseline_suppressed)
		fprintf(f, "<p class=\"note\">%llu normal Windows links kept quiet by the baseline.</p>\n",
			(unsigned long long)l->baseline_suppressed);
	if (!l->items.count) {
		fputs("<p class=\"note\">None.</p>\n", f);
		return;
	}
	static const char *const cols[] = {"severity", "rule", "title", "records", "paths", "evidence", "reference", NULL};
	table_open(h, "findings", cols);
	finding_view v;
	finding_view_init(&v);
	for (size_t i = 0; i < l->items.count; i++) {
		const finding *fd = findings_view(l, i, &v);
		if (!fd)
			continue;
		const char *sev = findings_severity_name(fd->severity);
		fprintf(f, "<tr><td class=\"sev-%s\" data-sort=\"%d\">%s</td><td>%s</td>", sev, (int)fd->severity, sev,
			findings_rule_id(fd->rule));
		td_text(f, NULL, fd->title);
		fprintf(f, "<td data-sort=\"%u\">", fd->records.count ? VEC_AT(&fd->records, uint32_t, 0) : 0);
		for (size_t r = 0; r < fd->records.count; r++) {
			if (r)
				fputs("<br>", f);
			html_record(h, VEC_AT(&fd->records, uint32_t, r));
		}
		fputs("</td><td class=\"path\">", f);
		for (size_t p = 0; p < fd->paths.count; p++) {
			if (p)
				fputs("<br>", f);
			html_text(f, VEC_AT(&fd->paths, char *, p));
		}
		fputs("</td><td>", f);
		for (size_t e = 0; e < fd->evidence.count; e++) {
			const finding_field *fl = &VEC_AT(&fd->evidence, finding_field, e);
			if (e)
				fputs("<br>", f);
			html_text(f, fl->name);
			fputs(": ", f);
			html_text(f, fl->value);
		}
		fputs("</td>", f);
		td_text(f, "note", findings_rule_reference(fd->rule));
		fputs("</tr>\n", f);
	}
	finding_view_free(&v);
	table_close(f);
}

/* The path of a link's name, or NULL (caller frees). */
static char *link_path(const analysis_volume *va, const link_entry *le)
{
	return le->name == MODEL_NONE ? NULL : paths_name_alloc(va->p, model_name(va->m, le->name));
}

/* The status cell of a link ("-" for kinds that point nowhere). */
static void status_cell(FILE *f, const link_entry *le)
{
	if (!le->has_target) {
		fputs("<td>-</td>", f);
		return;
	}
	const char *s = link_status_name(le->target.status);
	fprintf(f, "<td class=\"st-%s\">%s</td>", s, s);
}

/* Where a link resolves to, and why, with the deleted record that still holds the path (and its istat). */
static void target_cells(const html_vol *h, const link_entry *le)
{
	FILE *f = h->f;
	td_text(f, "path", reparse_target_text(&le->rp));
	if (!le->has_target) {
		fputs("<td>-</td><td>-</td>", f);
		return;
	}
	const link_target *t = &le->target;
	fputs("<td class=\"path\">", f);
	html_text_or_dash(f, t->path);
	if (t->volume >= 0 && t->volume != h->va->index)
		fprintf(f, " <span class=\"note\">(volume %d)</span>", t->volume);
	if (t->has_record)
		fprintf(f, "<br><span class=\"note\">record %u</span>", t->record);
	fputs("</td><td>", f);
	html_text_or_dash(f, t->reason);
	if (t->has_deleted) {
		fputs("<br>deleted record ", f);
		html_record(h, t->deleted_record);
		fputs(": ", f);
		html_text(f, t->deleted_path);
	}
	fputs("</td>", f);
}

/* One reparse point's row: kind, record, path, state, tag, stored target, status, resolution, writers. */
static void link_row(const html_vol *h, const link_entry *le)
{
	FILE *f = h->f;
	char *path = link_path(h->va, le), tag[16];
	snprintf(tag, sizeof(tag), "0x%08x", le->rp.tag);
	fputs("<tr>", f);
	td_text(f, NULL, reparse_kind_name(le->rp.kind));
	td_record(h, le->record);
	td_text(f, "path", path);
	fprintf(f, "<td>%s</td><td>%s ", le->allocated ? "allocated" : "deleted", tag);
	html_text(f, le->rp.info ? le->rp.info->name : NULL);
	fputs("</td>", f);
	status_cell(f, le);
	target_cells(h, le);
	writers_cell(f, h->va, le->record);
	fputs("</tr>\n", f);
	free(path);
}

static const char *const link_cols[] = {"kind", "record", "path", "state", "tag", "status", "stored target",
					"resolves to", "reason", "writable by", NULL};

/* True when link le is in the page's stale list: it needs attention and --only keeps it. */
static bool stale_shown(const html_vol *h, const link_entry *le)
{
	return link_needs_attention(le) && report_filter_link(&h->only, le);
}

/* The links that need an investigator's eye (link_needs_attention: the report's stale links). */
static void stale_section(const html_vol *h)
{
	const vec *links = h->va->links;
	size_t n = 0;
	if (!html_shows(h, REPORT_ONLY_STALE | REPORT_ONLY_LINKS))
		return;
	for (size_t i = 0; i < links->count; i++)
		n += stale_shown(h, &VEC_AT(links, link_entry, i));
	fprintf(h->f, "<h3 id=\"v%d-stale-h\">Stale links (%zu)</h3>\n", h->va->index, n);
	if (!n) {
		fputs("<p class=\"note\">None.</p>\n", h->f);
		return;
	}
	table_open(h, "stale", link_cols);
	for (size_t i = 0; i < links->count; i++)
		if (stale_shown(h, &VEC_AT(links, link_entry, i)))
			link_row(h, &VEC_AT(links, link_entry, i));
	table_close(h->f);
}

/* Every reparse point, grouped by kind (kinds in the order of reparse_kind, records in order within). */
static void reparse_section(const html_vol *h)
{
	FILE *f = h->f;
	const vec *links = h->va->links;
	size_t count[HTML_KINDS] = {0}, n = 0;
	if (!html_shows(h, REPORT_ONLY_STALE | REPORT_ONLY_LINKS))
		return;
	for (size_t i = 0; i < links->count; i++)
		if (report_filter_link(&h->only, &VEC_AT(links, link_entry, i))) {
			count[VEC_AT(links, link_entry, i).rp.kind % HTML_KINDS]++;
			n++;
		}
	fprintf(f, "<h3 id=\"v%d-reparse-h\">Reparse points by kind (%zu)</h3>\n", h->va->index, n);
	if (!n) {
		fputs("<p class=\"note\">None.</p>\n", f);
		return;
	}
	fputs("<p>", f);
	for (int k = 0, first = 1; k < HTML_KINDS; k++)
		if (count[k]) {
			fprintf(f, "%s%s: %zu", first ? "" : ", ", reparse_kind_name((reparse_kind)k), count[k]);
			first = 0;
		}
	fputs("</p>\n", f);
	table_open(h, "reparse", link_cols);
	for (int k = 0; k < HTML_KINDS; k++)
		for (size_t i = 0; count[k] && i < links->count; i++)
			if (VEC_AT(links, link_entry, i).rp.kind % HTML_KINDS == (unsigned)k &&
			    report_filter_link(&h->only, &VEC_AT(links, link_entry, i)))
				link_row(h, &VEC_AT(links, link_entry, i));
	table_close(f);
}

/* The names of a hard-link set, each with who may add or remove names in its folder. */
static void set_names_cell(const html_vol *h, uint32_t r)
{
	FILE *f = h->f;
	const analysis_volume *va = h->va;
	uint32_t k = 0;
	fputs("<td class=\"path\">", f);
	for (const name_info *n; (n = model_link_next(va->m, r, &k));) {
		char *p = paths_name_alloc(va->p, n);
		if (k > 1)
			fputs("<br>", f);
		html_text_or_dash(f, p);
		free(p);
		uint64_t parent = ntfs_ref_record(n->parent_ref);
		access_info in = access_record(va->access, parent < UINT32_MAX ? (uint32_t)parent : UINT32_MAX);
		for (uint32_t w = 0; in.known && w < in.writer_count; w++) {
			access_writer wr = access_writer_at(va->access, &in, w);
			fputs(w ? ", " : " <span class=\"note\">(folder writable by ", f);
			html_text(f, wr.name ? wr.name : wr.sid);
			if (w + 1 == in.writer_count)
				fputs(")</span>", f);
		}
	}
	fputs("</td>", f);
}

/* Every hard-link set: record, link count, names found, size, owner, writers, names. */
static void sets_section(const html_vol *h)
{
	FILE *f = h->f;
	const model *m = h->va->m;
	if (!html_shows(h, REPORT_ONLY_SETS))
		return;
	fprintf(f, "<h3 id=\"v%d-sets-h\">Hard-link sets (%llu)</h3>\n", h->va->index,
		(unsigned long long)h->va->stats.hardlink_sets);
	if (!h->va->stats.hardlink_sets) {
		fputs("<p class=\"note\">None.</p>\n", f);
		return;
	}
	static const char *const cols[] = {"record", "link count", "names", "size", "owner", "writable by", "paths", NULL};
	table_open(h, "sets", cols);
	for (uint64_t r = 0; r < m->count; r++) {
		if (!links_is_hardlink_set(m, (uint32_t)r) || !report_filter_set(&h->only, (uint32_t)r))
			continue;
		fputs("<tr>", f);
		td_record(h, r);
		td_u64(f, m->recs[r].link_count);
		td_u64(f, links_name_count(m, (uint32_t)r));
		td_u64(f, model_sizes(m, (uint32_t)r)->data_size);
		owner_cell(f, h->va, (uint32_t)r);
		writers_cell(f, h->va, r);
		set_names_cell(h, (uint32_t)r);
		fputs("</tr>\n", f);
	}
	table_close(f);
}

/* Interix and Cygwin links kept as file data (only when the volume has any). */
static void posix_section(const html_vol *h)
{
	FILE *f = h->f;
	const vec *px = h->va->posix;
	size_t n = 0;
	for (size_t i = 0; px && i < px->count; i++)
		n += report_filter_link(&h->only, &VEC_AT(px, link_entry, i));
	if (!n)
		return;
	fprintf(f, "<h3 id=\"v%d-posix-h\">POSIX links (%zu)</h3>\n", h->va->index, n);
	static const char *const cols[] = {"kind", "record", "path", "state", "stored target", "status", "resolves to", "reason", NULL};
	table_open(h, "posix", cols);
	for (size_t i = 0; i < px->count; i++) {
		const link_entry *le = &VEC_AT(px, link_entry, i);
		if (!report_filter_link(&h->only, le))
			continue;
		char *path = link_path(h->va, le);
		fputs("<tr>", f);
		td_text(f, NULL, ntfs_posix_kind_name((ntfs_posix_kind)VEC_AT(h->va->posix_kinds, uint8_t, i)));
		td_record(h, le->record);
		td_text(f, "path", path);
		fprintf(f, "<td>%s</td>", le->allocated ? "allocated" : "deleted");
		td_text(f, "path", le->rp.lx_target);
		status_cell(f, le);
		td_text(f, "path", le->has_target ? le->target.path : NULL);
		td_text(f, NULL, le->has_target ? le->target.reason : NULL);
		fputs("</tr>\n", f);
		free(path);
	}
	table_close(f);
}

/* Shell shortcuts (.lnk) and where they lead (only when the volume has any). */
static void shortcuts_section(const html_vol *h)
{
	FILE *f = h->f;
	const shortcut_list *l = h->va->shortcuts;
	size_t n = 0;
	for (size_t i = 0; l && i < l->items.count; i++)
		n += report_filter_shortcut(&h->only, &VEC_AT(&l->items, shortcut, i));
	if (!n)
		return;
	fprintf(f, "<h3 id=\"v%d-shortcuts-h\">Shortcuts (%zu)</h3>\n", h->va->index, n);
	static const char *const cols[] = {"record", "path", "state", "stored target", "arguments", "volume serial",
					   "status", "resolves to", "reason", NULL};
	table_open(h, "shortcuts", cols);
	for (size_t i = 0; i < l->items.count; i++) {
		const shortcut *s = &VEC_AT(&l->items, shortcut, i);
		if (!report_filter_shortcut(&h->only, s))
			continue;
		char *path = paths_name_alloc(h->va->p, model_name(h->va->m, s->name)), serial[16] = "";
		if (s->has_volume)
			snprintf(serial, sizeof(serial), "%08X", s->drive_serial);
		fputs("<tr>", f);
		td_record(h, s->record);
		td_text(f, "path", path);
		fprintf(f, "<td>%s</td>", s->allocated ? "allocated" : "deleted");
		const char *stored = shortcut_stored_target(s);
		td_text(f, "path", stored ? stored : s->has_id_list ? "(an ID list only)" : NULL);
		td_text(f, "path", s->arguments);
		td_text(f, NULL, s->has_volume ? serial : NULL);
		const char *st = link_status_name(s->target.status);
		fprintf(f, "<td class=\"st-%s\">%s</td>", st, st);
		td_text(f, "path", s->target.path);
		td_text(f, NULL, s->target.reason ? s->target.reason : s->error);
		fputs("</tr>\n", f);
		free(path);
	}
	table_close(f);
}

/* Every anomaly, volume-wide ones first, each with its record. */
static void anomalies_section(const html_vol *h)
{
	FILE *f = h->f;
	const anomaly_list *lists[2] = {h->va->volume_anomalies, h->va->anomalies};
	size_t n = anomaly_count(lists[0]) + anomaly_count(lists[1]);
	if (!report_filter_context(&h->only))
		return;
	fprintf(f, "<h3 id=\"v%d-anomalies-h\">Anomalies (%zu)</h3>\n", h->va->index, n);
	if (!n) {
		fputs("<p class=\"note\">None.</p>\n", f);
		return;
	}
	static const char *const cols[] = {"type", "record", "detail", NULL};
	table_open(h, "anomalies", cols);
	for (int l = 0; l < 2; l++)
		for (size_t i = 0; i < lists[l]->items.count; i++) {
			const anomaly *an = &VEC_AT(&lists[l]->items, anomaly, i);
			fputs("<tr>", f);
			td_text(f, NULL, an->type);
			if (an->record != ANOMALY_NO_RECORD)
				td_record(h, an->record);
			else
				fputs("<td data-sort=\"-1\">-</td>", f);
			td_text(f, NULL, anomaly_detail(lists[l], an));
			fputs("</tr>\n", f);
		}
	table_close(f);
}

/* The change journal's link events. */
static void usn_table(const html_vol *h)
{
	FILE *f = h->f;
	const usn_journal *j = h->va->usn;
	fprintf(f, "<h4>Change journal (%zu link events of %llu; source ", j->events.count,
		(unsigned long long)j->events_total);
	html_text(f, j->source);
	fputs(j->complete ? ")</h4>\n" : "; incomplete)</h4>\n", f);
	if (!j->events.count)
		return;
	static const char *const cols[] = {"usn", "time (UTC)", "record", "sequence", "reasons", "path", NULL};
	table_open(h, "usn", cols);
	for (size_t i = 0; i < j->events.count; i++) {
		const usn_event *e = &VEC_AT(&j->events, usn_event, i);
		char reasons[512];
		history_reasons_text(e->reason, " | ", reasons, sizeof(reasons));
		const char *path = usn_event_path(j, e);
		fprintf(f, "<tr><td data-sort=\"%lld\">%lld</td>", (long long)e->usn, (long long)e->usn);
		td_time(f, e->time);
		td_record(h, ntfs_ref_record(e->file_ref));
		td_u64(f, ntfs_ref_sequence(e->file_ref));
		td_text(f, NULL, reasons);
		fputs("<td class=\"path\">", f);
		html_text_or_dash(f, path ? path : usn_event_name(j, e));
		if (e->parent_state != USN_PARENT_SAME)
			fprintf(f, " <span class=\"note\">(parent %s)</span>", usn_parent_state_name(e->parent_state));
		fputs("</td></tr>\n", f);
	}
	table_close(f);
}

/* The names carved from directory index slack. */
static void removed_table(const html_vol *h)
{
	FILE *f = h->f;
	const index_slack_result *s = h->va->slack;
	fprintf(f, "<h4>Removed names in index slack (%llu; %zu listed)</h4>\n", (unsigned long long)s->stats.removed,
		s->names.count);
	if (!s->names.count)
		return;
	static const char *const cols[] = {"kind", "directory", "name", "record", "state", "created (UTC)", "MFT modified (UTC)", NULL};
	table_open(h, "removed", cols);
	for (size_t i = 0; i < s->names.count; i++) {
		const removed_name *e = &VEC_AT(&s->names, removed_name, i);
		char *dir = paths_dir_alloc(h->va->p, e->directory);
		fputs("<tr>", f);
		td_text(f, NULL, index_slack_kind_name(e->kind));
		td_text(f, "path", dir);
		td_text(f, "path", index_slack_name(s, e));
		if (e->has_ref)
			td_record(h, ntfs_ref_record(e->file_ref));
		else
			fputs("<td data-sort=\"-1\">unknown</td>", f);
		td_text(f, NULL, index_slack_state_name(e->state));
		td_time(f, e->times[0]);
		td_time(f, e->times[2]);
		fputs("</tr>\n", f);
		free(dir);
	}
	table_close(f);
}

/* The shadow copy stores and what changed in the links since each. */
static void shadow_tables(const html_vol *h)
{
	FILE *f = h->f;
	const vec *sc = h->va->shadow_copies;
	fprintf(f, "<h4>Shadow copies (%zu)</h4>\n", sc->count);
	static const char *const cols[] = {"store", "created (UTC)", "identifier", "scanned", "changes", NULL};
	table_open(h, "shadow", cols);
	size_t changes = 0;
	for (size_t i = 0; i < sc->count; i++) {
		const shadow_store *st = &VEC_AT(sc, shadow_store, i);
		fputs("<tr>", f);
		td_u64(f, (uint64_t)st->store_index);
		td_time(f, st->info.creation_time);
		td_text(f, "mono", st->info.identifier);
		td_text(f, NULL, st->scanned ? (st->partial ? "partially" : "yes") : st->error);
		td_u64(f, st->changes.count);
		fputs("</tr>\n", f);
		changes += st->changes.count;
	}
	table_close(f);
	if (!changes)
		return;
	static const char *const ccols[] = {"store", "against", "change", "kind", "record", "path", "before", "after", NULL};
	table_open(h, "shadow_changes", ccols);
	for (size_t i = 0; i < sc->count; i++) {
		const shadow_store *st = &VEC_AT(sc, shadow_store, i);
		for (size_t k = 0; k < st->changes.count; k++) {
			const shadow_change *c = &VEC_AT(&st->changes, shadow_change, k);
			fputs("<tr>", f);
			td_u64(f, (uint64_t)st->store_index);
			fprintf(f, "<td>%s</td><td>%s</td>", c->against_live ? "live" : "previous store",
				shadow_change_name(c->change));
			td_text(f, NULL, c->kind);
			td_record(h, c->record);
			td_text(f, "path", c->path);
			td_text(f, "path", c->before);
			td_text(f, "path", c->after);
			fputs("</tr>\n", f);
		}
	}
	table_close(f);
}

/* The History section, when any source has something: journal, index slack, shadow copies. */
static void history_section(const html_vol *h)
{
	const analysis_volume *va = h->va;
	if (!report_filter_context(&h->only) || (!va->usn->present && !va->slack->stats.removed && !va->shadow_copies->count))
		return;
	fprintf(h->f, "<h3 id=\"v%d-history-h\">History</h3>\n", va->index);
	if (va->usn->present)
		usn_table(h);
	if (va->slack->stats.removed)
		removed_table(h);
	if (va->shadow_copies->count)
		shadow_tables(h);
}

/* The volume's own facts: where it lies, what NTFS says, its letter, accounts and counts. */
static void volume_facts_table(const html_vol *h)
{
	FILE *f = h->f;
	const analysis_volume *va = h->va;
	const volume_facts *n = &va->ntfs;
	char buf[96];
	fputs("<table class=\"kv\">\n", f);
	snprintf(buf, sizeof(buf), "byte %llu (sector %llu), %llu bytes", (unsigned long long)va->part.offset,
		 (unsigned long long)(va->part.offset / 512), (unsigned long long)va->part.length);
	kv(f, "offset", buf);
	snprintf(buf, sizeof(buf), "%s %s", va->part.table, va->part.slot);
	fprintf(f, "<tr><th>partition</th><td>%s: ", va->part.table);
	html_text(f, va->part.slot);
	fputs(", ", f);
	html_text(f, va->part.description);
	fputs("</td></tr>\n", f);
	if (n->has_version) {
		snprintf(buf, sizeof(buf), "%u.%u", n->version_major, n->version_minor);
		kv(f, "NTFS version", buf);
	}
	if (n->has_label)
		kv(f, "label", n->label);
	if (!n->is_mft_file) {
		snprintf(buf, sizeof(buf), "%016llX", (unsigned long long)n->serial);
		kv(f, "serial", buf);
		snprintf(buf, sizeof(buf), "%u bytes", n->cluster_size);
		kv(f, "cluster size", buf);
	}
	snprintf(buf, sizeof(buf), "%u bytes; %llu records declared", n->record_size, (unsigned long long)n->record_count);
	kv(f, "MFT records", buf);
	if (va->drive) {
		snprintf(buf, sizeof(buf), "%c: (%s)", va->drive,
			 va->drive_source ? va->drive_source : va->drive_given ? "option" : "inferred");
		kv(f, "drive letter", buf);
	}
	const volume_stats *s = &va->stats;
	snprintf(buf, sizeof(buf), "%s", va->m->partial ? "PARTIAL: some records could not be read" : "complete");
	fprintf(f, "<tr><th>scan</th><td%s>%s</td></tr>\n", va->m->partial ? " class=\"partial\"" : "", buf);
	fprintf(f, "<tr><th>counts</th><td>%llu records in use, %llu names, %llu hard-link sets, %llu reparse points, "
		   "%llu stale links, %llu anomalies, %zu findings</td></tr>\n",
		(unsigned long long)s->records_in_use, (unsigned long long)s->names, (unsigned long long)s->hardlink_sets,
		(unsigned long long)s->reparse_points, (unsigned long long)s->stale_links,
		(unsigned long long)s->anomalies, va->findings->items.count);
	if (va->accounts && va->accounts->items.count) {
		fputs("<tr><th>accounts</th><td>", f);
		for (size_t i = 0; i < va->accounts->items.count; i++) {
			const account *ac = &VEC_AT(&va->accounts->items, account, i);
			if (i)
				fputs("<br>", f);
			html_text_or_dash(f, ac->name);
			fputs(" <span class=\"note\">", f);
			html_text(f, ac->sid);
			fputs(" (", f);
			html_text(f, ac->source);
			fputs(")</span>", f);
		}
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

/* One volume's section. */
static void volume_section(const analysis *a, const report_config *rc, const analysis_volume *va, FILE *f,
			   bool *failed)
{
	html_vol h = {.f = f, .a = a, .va = va, .image = a->config.image, .mask = rc->only,
		      .istat = image_get_format(a->img) != IMAGE_FORMAT_MFT_FILE};
	fprintf(f, "<section id=\"v%d\">\n<h2>Volume %d", va->index, va->index);
	if (va->drive)
		fprintf(f, " (%c:)", va->drive);
	if (va->ntfs.has_label && va->ntfs.label[0]) {
		fputs(" &ldquo;", f);
		html_text(f, va->ntfs.label);
		fputs("&rdquo;", f);
	}
	fputs("</h2>\n", f);
	if (!va->scanned) {
		fputs("<p class=\"partial\">Not scanned: ", f);
		html_text(f, va->error);
		fputs("</p>\n</section>\n", f);
		return;
	}
	volume_facts_table(&h);
	if (!report_filter_init(&h.only, rc->only, false, va)) {
		*failed = true;
		fputs("</section>\n", f);
		return;
	}
	if (!h.istat)
		fputs("<p class=\"note\">An extracted $MFT: istat needs the volume, so no istat commands are given.</p>\n", f);
	findings_section(&h);
	stale_section(&h);
	reparse_section(&h);
	sets_section(&h);
	posix_section(&h);
	shortcuts_section(&h);
	anomalies_section(&h);
	history_section(&h);
	if (html_shows(&h, REPORT_ONLY_STALE | REPORT_ONLY_FINDINGS)) {
		fprintf(f, "<h3 id=\"v%d-graph-h\">Link graph</h3>\n", va->index);
		html_graph(&h);
	}
	report_filter_free(&h.only);
	fputs("</section>\n", f);
}

/* The E01's case metadata, stored hashes and what --verify found. */
static void ewf_rows(FILE *f, const image_ewf_info *e)
{
	kv(f, "case number", e->case_number);
	kv(f, "evidence number", e->evidence_number);
	kv(f, "examiner", e->examiner);
	kv(f, "description", e->description);
	kv(f, "notes", e->notes);
	kv(f, "acquired", e->acquisition_date);
	kv(f, "acquisition software", e->acquisition_software);
	kv(f, "media model / serial", e->model);
	kv(f, "media serial number", e->serial_number);
	kv(f, "stored MD5", e->stored_md5);
	kv(f, "stored SHA1", e->stored_sha1);
	static const char *const outcome[] = {"not verified (run with --verify)", "verified: the media matches every stored hash",
					      "MISMATCH: the media does not match its stored hashes", "no stored hash to verify against"};
	fprintf(f, "<tr><th>--verify</th><td%s>%s</td></tr>\n", e->verified == IMAGE_EWF_MISMATCH ? " class=\"partial\"" : "",
		outcome[e->verified <= IMAGE_EWF_NO_STORED_HASH ? e->verified : 0]);
	if (e->computed_md5)
		kv(f, "computed MD5", e->computed_md5);
	if (e->computed_sha1)
		kv(f, "computed SHA1", e->computed_sha1);
}

/* The case header: the image, the tool, the command line, the run's times. */
static void case_header(const analysis *a, const report_config *rc, FILE *f)
{
	char buf[128];
	fputs("<header>\n<h1>ntfslinks case report</h1>\n<table class=\"kv\">\n", f);
	fputs("<tr><th>image</th><td class=\"path\">", f);
	html_text(f, a->config.image);
	fputs("</td></tr>\n", f);
	kv(f, "format", image_format_name(image_get_format(a->img)));
	human(image_size(a->img), buf, sizeof(buf));
	kv(f, "size", buf);
	fprintf(f, "<tr><th>segments (%zu)</th><td class=\"path\">", image_segment_count(a->img));
	for (size_t i = 0; i < image_segment_count(a->img); i++) {
		if (i)
			fputs("<br>", f);
		html_text(f, image_segment(a->img, i));
	}
	fputs("</td></tr>\n", f);
	const image_ewf_info *e = image_ewf(a->img);
	if (e)
		ewf_rows(f, e);
	snprintf(buf, sizeof(buf), "%s %s", PACKAGE_NAME, PACKAGE_VERSION);
	kv(f, "tool", buf);
	fputs("<tr><th>command line</th><td class=\"cmd\"><code>", f);
	for (int i = 0; i < rc->argc; i++) {
		if (i)
			fputc(' ', f);
		html_shell_word(f, rc->argv[i]);
	}
	fputs("</code></td></tr>\n", f);
	fprintf(f, "<tr><th>started (UTC)</th><td class=\"run-time\">%s</td></tr>\n", a->started);
	fprintf(f, "<tr><th>finished (UTC)</th><td class=\"run-time\">%s</td></tr>\n", a->finished);
	fprintf(f, "<tr><th>scan</th><td%s>%s</td></tr>\n", a->partial ? " class=\"partial\"" : "",
		a->partial ? "PARTIAL: some volumes or records could not be read (see the anomalies)" : "complete");
	if (rc->only) {
		fputs("<tr><th>--only</th><td>", f);
		for (int i = 0, first = 1; i < REPORT_ONLY_KINDS; i++)
			if (rc->only & report_only_bit(i)) {
				fprintf(f, "%s%s", first ? "" : ", ", report_only_name(i));
				first = 0;
			}
		fputs(" <span class=\"note\">(only these lists; the volumes' counts are of everything)</span></td></tr>\n", f);
	}
	fputs("</table>\n</header>\n", f);
}

/* The table of contents: one entry per selected volume and its sections. */
static void contents(const analysis *a, FILE *f)
{
	fputs("<nav><ul>\n", f);
	for (size_t v = 0; v < analysis_volume_count(a); v++) {
		const analysis_volume *va = analysis_volume_at(a, v);
		if (!va->selected)
			continue;
		fprintf(f, "<li><a href=\"#v%d\">Volume %d</a>", va->index, va->index);
		if (va->scanned)
			fprintf(f, ": <a href=\"#v%d-findings-h\">findings</a> %zu, <a href=\"#v%d-stale-h\">stale links</a> %llu, "
				   "<a href=\"#v%d-reparse-h\">reparse points</a> %llu, <a href=\"#v%d-sets-h\">hard-link sets</a> %llu, "
				   "<a href=\"#v%d-anomalies-h\">anomalies</a> %llu, <a href=\"#v%d-graph-h\">graph</a>",
				va->index, va->findings->items.count, va->index, (unsigned long long)va->stats.stale_links,
				va->index, (unsigned long long)va->stats.reparse_points, va->index,
				(unsigned long long)va->stats.hardlink_sets, va->index, (unsigned long long)va->stats.anomalies,
				va->index);
		fputs("</li>\n", f);
	}
	fputs("</ul></nav>\n", f);
}

/* <head>: the policy that lets the page load nothing (only its own inline style and this one script, by
 * hash), the title and the style. */
static void head(const analysis *a, FILE *f)
{
	sha256_ctx c;
	uint8_t d[32];
	char b64[45];
	sha256_init(&c);
	sha256_update(&c, html_asset_js, strlen(html_asset_js));
	sha256_final(&c, d);
	sha256_base64(d, b64);
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n", f);
	fprintf(f, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
		   "script-src 'sha256-%s'; img-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'\">\n",
		b64);
	fputs("<meta name=\"referrer\" content=\"no-referrer\">\n<title>ntfslinks: ", f);
	html_text(f, a->config.image);
	fputs("</title>\n<style>\n", f);
	fputs(html_asset_css, f);
	fputs("</style>\n</head>\n<body>\n", f);
}

ntfs_status report_html(const analysis *a, const report_config *rc, FILE *f, ntfs_error *err)
{
	head(a, f);
	case_header(a, rc, f);
	contents(a, f);
	bool failed = false;
	for (size_t v = 0; v < analysis_volume_count(a); v++)
		if (analysis_volume_at(a, v)->selected)
			volume_section(a, rc, analysis_volume_at(a, v), f, &failed);
	fputs("<output id=\"test-hook\"></output>\n<script>", f);
	fputs(html_asset_js, f);
	fputs("</script>\n</body>\n</html>\n", f);
	if (failed)
		return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory writing the report");
	if (fflush(f) || ferror(f))
		return ntfs_error_set(err, NTFS_E_IO, "writing the report failed");
	return NTFS_OK;
}
