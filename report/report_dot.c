/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A Graphviz digraph of the link structure (not of every file), for `dot -Tsvg`:
 * - one cluster per scanned volume ("cluster_vol<N>");
 * - every hard-link set is a cluster ("cluster_v<N>_r<record>", labelled with record, size and name
 *   count) holding one box per path;
 * - every reparse point that leads somewhere is a node with one arrow to where it leads: for a
 *   target that exists (ok; also type_mismatch and loop, so a cycle shows as one) the node of that
 *   path, on whichever volume it lies (so an arrow into a hard-link set ends on that set's box);
 *   otherwise (stale, malformed, external, remote) a dashed node labelled with the text the link stores. An app execution alias gets a dotted arrow to its executable's path. Reparse points that
 *   lead nowhere (WOF, cloud files, dedup, ...) are left out.
 * - arrow colour by status: ok forestgreen; stale, type_mismatch, loop, malformed red3 (labelled with
 *   the status); external gray45 and remote royalblue (labelled too); app aliases gray45, dotted.
 *   Deleted reparse points are drawn dashed and say "(deleted)".
 * Node ids are built from the volume and the path with every byte outside [A-Za-z0-9] hex-escaped, so
 * they are valid DOT identifiers and the same path always gives the same node. Records, volumes and
 * links are walked in order and nothing is hashed, so the same analysis gives the same bytes.
 */
#include "config.h"
#include "report.h"
#include "report_only.h"

#include <stdlib.h>
#include <string.h>

#include "file_name.h"

#define DOT_GREEN "forestgreen"
#define DOT_RED "red3"
#define DOT_GREY "gray45"
#define DOT_BLUE "royalblue"

/* Writes the bytes of s as part of a DOT identifier: alphanumerics kept, anything else as _XX. */
static void dot_put_id_part(FILE *f, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const char *run = s;
	for (;; s++) { /* runs of letters and digits in one fwrite: long paths cost no call per byte */
		unsigned char c = (unsigned char)*s;
		if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))
			continue;
		if (s > run)
			fwrite(run, 1, (size_t)(s - run), f);
		if (!c)
			return;
		char esc[3] = {'_', hex[c >> 4], hex[c & 15]};
		fwrite(esc, 1, 3, f);
		run = s + 1;
	}
}

/* Length of the valid UTF-8 sequence at s (1 to 4), or 0 when the bytes there are not valid UTF-8. */
static int dot_utf8_len(const unsigned char *s)
{
	if (s[0] < 0x80)
		return 1;
	int n = s[0] >= 0xF0 && s[0] <= 0xF4 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 && s[0] < 0xE0 ? 2 : 0;
	for (int i = 1; i < n; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	return n;
}

/* Writes s inside a quoted DOT label: backslash and quote escaped, controls as '?', bad UTF-8 as \xNN. */
static void dot_put_label_text(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		const unsigned char *run = p; /* plain printable ASCII, written in one call */
		while (*p >= 0x20 && *p < 0x7F && *p != '\\' && *p != '"')
			p++;
		if (p > run)
			fwrite(run, 1, (size_t)(p - run), f);
		if (!*p)
			break;
		int n = dot_utf8_len(p);
		if (n == 0) {
			fprintf(f, "\\\\x%02X", *p++);
		} else if (n > 1) {
			fwrite(p, 1, (size_t)n, f);
			p += n;
		} else {
			if (*p == '\\' || *p == '"')
				putc('\\', f);
			putc(*p < 0x20 || *p == 0x7F ? '?' : *p, f);
			p++;
		}
	}
}

/* The id of the node of path on volume v. */
static void dot_put_path_id(FILE *f, int v, const char *path)
{
	fprintf(f, "v%dp", v);
	dot_put_id_part(f, path);
}

/* True when the link gets an arrow: it has a resolved (or resolvable) target, or is an app alias. */
static bool dot_has_arrow(const link_entry *le)
{
	const char *t = le->rp.kind == REPARSE_KIND_APP_EXEC_LINK ? le->rp.appx_target_path : NULL;
	return le->has_target || (t && t[0]);
}

/*
 * True when the arrow ends on the node of an existing path of a scanned volume: the target (ok), the
 * file a junction wrongly names (type_mismatch), or the link that closes a loop (so cycles show as
 * cycles). Stale, malformed and outside targets end on a node of the stored text instead.
 */
static bool dot_resolved(const analysis *a, const link_entry *le)
{
	const link_target *t = &le->target;
	return le->has_target &&
	       (t->status == LINK_STATUS_OK || t->status == LINK_STATUS_LOOP || t->status == LINK_STATUS_TYPE_MISMATCH) &&
	       t->path && t->volume >= 0 && (size_t)t->volume < analysis_volume_count(a);
}

/* Colour of a status: the healthy, the broken, the two kinds of elsewhere, and unresolved aliases. */
static const char *dot_status_color(const char *status)
{
	if (!strcmp(status, "ok"))
		return DOT_GREEN;
	if (!strcmp(status, "external") || !strcmp(status, "app_exec_link"))
		return DOT_GREY;
	if (!strcmp(status, "remote"))
		return DOT_BLUE;
	return DOT_RED;
}

/* The status of the arrow of le ("app_exec_link" for aliases, which are not resolved). */
static const char *dot_status(const link_entry *le)
{
	if (!le->has_target)
		return "app_exec_link";
	return link_status_name(le->target.status);
}

/* True when the text node of le lies outside the image (drawn at the top level, not in a volume). */
static bool dot_outside(const link_entry *le)
{
	const char *s = dot_status(le);
	return !strcmp(s, "external") || !strcmp(s, "remote");
}

/* The id of the node an unresolved link points to: its target text, scoped to the volume unless outside. */
static void dot_put_text_id(FILE *f, const analysis_volume *va, const link_entry *le)
{
	const char *text = reparse_target_text(&le->rp);
	if (!text || !text[0]) {
		fprintf(f, "v%dm%u", va->index, le->record); /* malformed: nothing to show but the record */
		return;
	}
	if (dot_outside(le))
		fputs("xt", f);
	else
		fprintf(f, "v%dt", va->index);
	dot_put_id_part(f, text);
}

/* The node an unresolved link points to, labelled with the stored text and coloured by status. */
static void dot_text_node(FILE *f, const analysis_volume *va, const link_entry *le, const char *indent)
{
	const char *text = reparse_target_text(&le->rp), *status = dot_status(le);
	fputs(indent, f);
	dot_put_text_id(f, va, le);
	fputs(" [label=\"", f);
	if (text && text[0])
		dot_put_label_text(f, text);
	else
		fprintf(f, "(no target)\\nrecord %u", le->record);
	fprintf(f, "\", style=\"%s\", color=%s, fontcolor=%s];\n", le->has_target ? "dashed" : "dotted",
		dot_status_color(status), dot_status_color(status));
}

/* A plain node for a resolved target path on volume v (labels set later by sets and links win). */
static void dot_target_node(FILE *f, int v, const char *path)
{
	fputs("    ", f);
	dot_put_path_id(f, v, path);
	fputs(" [label=\"", f);
	dot_put_label_text(f, path);
	fputs("\"];\n", f);
}

/* Declares, inside volume v's cluster, the resolved targets any volume's links (those only[u] keeps) point to on it. */
static void dot_volume_targets(const analysis *a, int v, const report_filter *only, FILE *f)
{
	for (size_t u = 0; u < analysis_volume_count(a); u++) {
		const analysis_volume *va = analysis_volume_at(a, u);
		if (!va->selected || !va->scanned)
			continue;
		for (size_t i = 0; i < va->links->count; i++) {
			const link_entry *le = &VEC_AT(va->links, link_entry, i);
			if (dot_resolved(a, le) && le->target.volume == v && report_filter_link(&only[u], le))
				dot_target_node(f, v, le->target.path);
		}
	}
}

/* One hard-link set as a cluster: one box per path, the record and size on the cluster's label. */
static bool dot_hardlink_set(const analysis_volume *va, uint32_t r, FILE *f)
{
	const model *m = va->m;
	const rec_info *ri = &m->recs[r];
	fprintf(f, "    subgraph cluster_v%d_r%u {\n", va->index, r);
	fprintf(f, "      label=\"record %u, %llu bytes, %u names\"; style=\"rounded,filled\"; fillcolor=\"#eef3fb\"; "
		   "color=\"#7a9cc6\";\n",
		r, (unsigned long long)ri->data_size, links_name_count(m, r));
	uint32_t k = 0;
	for (const name_info *n; (n = model_link_next(m, r, &k));) {
		char *p = paths_name_alloc(va->p, n);
		if (!p)
			return false;
		fputs("      ", f);
		dot_put_path_id(f, va->index, p);
		fputs(" [label=\"", f);
		dot_put_label_text(f, p);
		fputs("\", style=filled, fillcolor=white];\n", f);
		free(p);
	}
	fputs("    }\n", f);
	return true;
}

/* The id of a link's own node: its path, or its record when it has no name. */
static bool dot_put_link_id(FILE *f, const analysis_volume *va, const link_entry *le)
{
	if (le->name == MODEL_NONE) {
		fprintf(f, "v%dr%u", va->index, le->record);
		return true;
	}
	char *p = paths_name_alloc(va->p, model_name(va->m, le->name));
	if (!p)
		return false;
	dot_put_path_id(f, va->index, p);
	free(p);
	return true;
}

/* A reparse point's node: its path and kind, dashed when the record is deleted. */
static bool dot_link_node(FILE *f, const analysis_volume *va, const link_entry *le)
{
	fputs("    ", f);
	if (!dot_put_link_id(f, va, le))
		return false;
	fputs(" [label=\"", f);
	if (le->name != MODEL_NONE) {
		char *p = paths_name_alloc(va->p, model_name(va->m, le->name));
		if (!p)
			return false;
		dot_put_label_text(f, p);
		free(p);
	} else {
		fprintf(f, "record %u", le->record);
	}
	fprintf(f, "\\n%s%s\", shape=%s, style=\"%s\", fillcolor=\"#fff4cc\"];\n", reparse_kind_name(le->rp.kind),
		le->allocated ? "" : " (deleted)", le->is_directory ? "folder" : "box",
		le->allocated ? "filled" : "filled,dashed");
	return true;
}

/* Everything that lives in volume v: targets, hard-link sets, links and the links' text targets (what --only
 * keeps of them: filters[v], one per volume). */
static bool dot_volume(const analysis *a, size_t v, const report_filter *filters, FILE *f)
{
	const analysis_volume *va = analysis_volume_at(a, v);
	const report_filter *only = &filters[v];
	const model *m = va->m;
	fprintf(f, "  subgraph cluster_vol%d {\n    label=\"volume %d", va->index, va->index);
	if (va->drive)
		fprintf(f, " (%c:)", va->drive);
	if (va->ntfs.has_label) {
		fputs(" ", f);
		dot_put_label_text(f, va->ntfs.label);
	}
	fputs("\"; style=rounded; color=gray60;\n", f);
	dot_volume_targets(a, va->index, filters, f);
	for (uint64_t r = 0; r < m->count; r++)
		if (links_is_hardlink_set(m, (uint32_t)r) && report_filter_set(only, (uint32_t)r) &&
		    !dot_hardlink_set(va, (uint32_t)r, f))
			return false;
	for (size_t i = 0; i < va->links->count; i++) {
		const link_entry *le = &VEC_AT(va->links, link_entry, i);
		if (!dot_has_arrow(le) || !report_filter_link(only, le))
			continue;
		if (!dot_link_node(f, va, le))
			return false;
		if (!dot_resolved(a, le) && !dot_outside(le))
			dot_text_node(f, va, le, "    ");
	}
	fputs("  }\n", f);
	return true;
}

/* The arrow of one link, coloured by status, labelled unless the link is fine. */
static bool dot_edge(FILE *f, const analysis *a, const analysis_volume *va, const link_entry *le)
{
	const char *status = dot_status(le);
	fputs("  ", f);
	if (!dot_put_link_id(f, va, le))
		return false;
	fputs(" -> ", f);
	if (dot_resolved(a, le))
		dot_put_path_id(f, le->target.volume, le->target.path);
	else
		dot_put_text_id(f, va, le);
	fprintf(f, " [color=%s", dot_status_color(status));
	if (strcmp(status, "ok"))
		fprintf(f, ", label=\"%s\", fontcolor=%s", status, dot_status_color(status));
	if (!le->has_target)
		fputs(", style=dotted", f);
	else if (!le->allocated)
		fputs(", style=dashed", f);
	fputs("];\n", f);
	return true;
}

/* The image's file name without its directories, for the graph's title. */
static const char *dot_base_name(const char *path)
{
	const char *s = path ? strrchr(path, '/') : NULL;
	return s ? s + 1 : path ? path : "";
}

ntfs_status report_dot(const analysis *a, const report_config *rc, FILE *f, ntfs_error *err)
{
	bool ok = true;
	size_t nv = analysis_volume_count(a);
	report_filter *only = calloc(nv ? nv : 1, sizeof(*only)); /* --only, per volume */
	for (size_t v = 0; only && v < nv; v++)
		if (!report_filter_init(&only[v], rc->only, true, analysis_volume_at(a, v)))
			ok = false;
	if (!only)
		ok = false;
	fputs("digraph ntfslinks {\n", f);
	fputs("  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=11, labelloc=t, label=\"ntfslinks: ", f);
	dot_put_label_text(f, dot_base_name(a->config.image));
	fputs("\"];\n  node [fontname=\"Helvetica\", fontsize=10, shape=box, style=rounded];\n"
	      "  edge [fontname=\"Helvetica\", fontsize=9];\n",
	      f);
	for (size_t v = 0; v < analysis_volume_count(a) && ok; v++)
		if (analysis_volume_at(a, v)->selected && analysis_volume_at(a, v)->scanned)
			ok = dot_volume(a, v, only, f);
	/* nodes outside the image (other drives, shares), then every arrow at the top level */
	for (size_t v = 0; v < analysis_volume_count(a) && ok; v++) {
		const analysis_volume *va = analysis_volume_at(a, v);
		if (!va->selected || !va->scanned)
			continue;
		for (size_t i = 0; i < va->links->count; i++) {
			const link_entry *le = &VEC_AT(va->links, link_entry, i);
			if (dot_has_arrow(le) && report_filter_link(&only[v], le) && !dot_resolved(a, le) && dot_outside(le))
				dot_text_node(f, va, le, "  ");
		}
	}
	for (size_t v = 0; v < analysis_volume_count(a) && ok; v++) {
		const analysis_volume *va = analysis_volume_at(a, v);
		if (!va->selected || !va->scanned)
			continue;
		for (size_t i = 0; i < va->links->count && ok; i++) {
			const link_entry *le = &VEC_AT(va->links, link_entry, i);
			if (dot_has_arrow(le) && report_filter_link(&only[v], le))
				ok = dot_edge(f, a, va, le);
		}
	}
	fputs("}\n", f);
	for (size_t v = 0; only && v < nv; v++)
		report_filter_free(&only[v]);
	free(only);
	if (!ok)
		return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory writing the graph");
	if (fflush(f) || ferror(f))
		return ntfs_error_set(err, NTFS_E_IO, "writing the graph failed");
	return NTFS_OK;
}
