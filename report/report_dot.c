/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A Graphviz digraph of the link structure (not of every file), for `dot -Tsvg`.
 * Scope: by default the stale links (those stats.stale_links counts) and the reparse points and hard-link
 * sets whose records a finding names; rc->graph_all draws every link and set; --only (rc->only), when
 * given, replaces the default scope: every item of the lists it names. At most rc->graph_nodes
 * nodes (REPORT_DOT_NODES by default): the findings' links and sets first, in at most half the cap, then
 * the stale links, then the findings' items that did not fit, then (all) the rest, each in volume and
 * record order; one that does not fit in what is left is left out. A note node says how many were left
 * out or out of scope and how to see them. A legend cluster explains the
 * shapes and colours.
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

#include <stdlib.h>
#include <string.h>

#include "findings.h"
#include "report_only.h"
#include "resolve.h"

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

/* ---- scope and cap ---- */

/* A record a finding names, and the first such finding's rule. */
typedef struct {
	uint32_t record;
	int rule;
} dot_flagged;

/* What one volume draws. */
typedef struct {
	uint8_t *link_in;         /* per link: drawn */
	uint8_t *set_in;          /* per record: its hard-link set drawn */
	dot_flagged *flagged;     /* sorted by record */
	size_t nflagged;
	report_filter only;       /* --only: what the graph may draw at all */
	bool only_ready;
} dot_vol;

/* What the whole graph draws and leaves out. */
typedef struct {
	dot_vol *vols;            /* per volume of the analysis (empty for the unscanned) */
	uint64_t budget;          /* nodes still free */
	uint32_t cap;             /* the cap, UINT32_MAX for none */
	bool all;
	bool only;                /* --only was given: it, not the default scope, says what is drawn */
	uint64_t drawn_links, drawn_sets, capped_links, capped_sets, scope_links, scope_sets;
} dot_sel;

/* True when volume va is drawn at all. */
static bool dot_vol_drawn(const analysis_volume *va)
{
	return va->selected && va->scanned;
}

/* Orders flagged records by record, then by finding order (kept: the sort is stable through the index). */
static int dot_flagged_cmp(const void *x, const void *y)
{
	const dot_flagged *a = x, *b = y;
	if (a->record != b->record)
		return a->record < b->record ? -1 : 1;
	return a->rule < b->rule ? -1 : a->rule > b->rule;
}

/* The rule of the first finding naming record r on the volume, or -1. */
static int dot_flag(const dot_vol *dv, uint32_t r)
{
	size_t lo = 0, hi = dv->nflagged;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (dv->flagged[mid].record < r)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < dv->nflagged && dv->flagged[lo].record == r ? dv->flagged[lo].rule : -1;
}

/* Collects the records the volume's findings name; false when memory runs out. */
static bool dot_collect_flagged(const analysis_volume *va, dot_vol *dv)
{
	const findings_list *fl = va->findings;
	size_t n = 0;
	for (size_t i = 0; fl && i < fl->items.count; i++)
		n += findings_item(fl, i)->nrecords;
	dv->flagged = malloc((n ? n : 1) * sizeof(*dv->flagged));
	if (!dv->flagged)
		return false;
	for (size_t i = 0; fl && i < fl->items.count; i++) {
		const finding_item *f = findings_item(fl, i);
		for (size_t k = 0; k < f->nrecords; k++)
			dv->flagged[dv->nflagged++] = (dot_flagged){f->records[k], (int)f->rule};
	}
	if (dv->nflagged > 1) /* findings are in rule order, so the smallest rule of a record is its first */
		qsort(dv->flagged, dv->nflagged, sizeof(*dv->flagged), dot_flagged_cmp);
	return true;
}

/*
 * Takes one item of the given cost when it fits in the budget less reserve nodes and counts it drawn; one
 * that does not fit is counted left out on the final pass, and waits for a later pass otherwise.
 */
static bool dot_take(dot_sel *sel, uint64_t cost, bool is_set, uint64_t reserve, bool final)
{
	bool fits = sel->budget >= reserve && cost <= sel->budget - reserve;
	if (fits)
		sel->budget -= cost;
	if (fits || final)
		++*(fits ? (is_set ? &sel->drawn_sets : &sel->drawn_links) : (is_set ? &sel->capped_sets : &sel->capped_links));
	return fits;
}

/*
 * Picks the items of one tier on every volume, keeping reserve nodes free (final: what does not fit is
 * left out): 0 the findings' links and sets, 1 the other stale links, 2 everything else (links, then
 * sets). A link costs two nodes (itself and where it leads), a set one per name. Tier 2 draws only with
 * --graph all; without it the items it would take are counted out of scope.
 */
static void dot_pick_tier(const analysis *a, dot_sel *sel, int tier, uint64_t reserve, bool final)
{
	for (size_t v = 0; v < analysis_volume_count(a); v++) {
		const analysis_volume *va = analysis_volume_at(a, v);
		dot_vol *dv = &sel->vols[v];
		if (!dot_vol_drawn(va))
			continue;
		for (size_t i = 0; i < va->links->count; i++) {
			const link_entry *le = &VEC_AT(va->links, link_entry, i);
			if (!dot_has_arrow(le) || dv->link_in[i] || !report_filter_link(&dv->only, le))
				continue;
			int t = dot_flag(dv, le->record) >= 0 ? 0 : link_needs_attention(le) ? 1 : 2;
			if (t != tier)
				continue;
			if (tier == 2 && !sel->all)
				sel->scope_links++;
			else
				dv->link_in[i] = dot_take(sel, 2, false, reserve, final);
		}
		if (tier == 1)
			continue;
		const model *m = va->m;
		for (uint64_t r = 0; r < m->count; r++) {
			if (!links_is_hardlink_set(m, (uint32_t)r) || dv->set_in[r] || (dot_flag(dv, (uint32_t)r) >= 0) != (tier == 0) ||
			    !report_filter_set(&dv->only, (uint32_t)r))
				continue;
			if (tier == 2 && !sel->all)
				sel->scope_sets++;
			else
				dv->set_in[r] = dot_take(sel, links_name_count(m, (uint32_t)r), true, reserve, final);
		}
	}
}

/* Frees what dot_select made. */
static void dot_sel_free(const analysis *a, dot_sel *sel)
{
	for (size_t v = 0; sel->vols && v < analysis_volume_count(a); v++) {
		free(sel->vols[v].link_in);
		free(sel->vols[v].set_in);
		free(sel->vols[v].flagged);
		if (sel->vols[v].only_ready)
			report_filter_free(&sel->vols[v].only);
	}
	free(sel->vols);
}

/* Decides what the graph draws (see the top of this file); false when memory runs out. */
static bool dot_select(const analysis *a, const report_config *rc, dot_sel *sel)
{
	memset(sel, 0, sizeof(*sel));
	sel->all = rc->graph_all || rc->only; /* --only names the lists to draw: all of them that it keeps */
	sel->only = rc->only != 0;
	sel->cap = rc->graph_nodes ? rc->graph_nodes : REPORT_DOT_NODES;
	sel->budget = sel->cap == UINT32_MAX ? UINT64_MAX : sel->cap;
	size_t nv = analysis_volume_count(a);
	sel->vols = calloc(nv ? nv : 1, sizeof(*sel->vols));
	if (!sel->vols)
		return false;
	for (size_t v = 0; v < nv; v++) {
		const analysis_volume *va = analysis_volume_at(a, v);
		dot_vol *dv = &sel->vols[v];
		if (!dot_vol_drawn(va))
			continue;
		if (!(dv->only_ready = report_filter_init(&dv->only, rc->only, true, va)))
			return false;
		dv->link_in = calloc(va->links->count ? va->links->count : 1, 1);
		dv->set_in = calloc(va->m->count ? va->m->count : 1, 1);
		if (!dv->link_in || !dv->set_in || !dot_collect_flagged(va, dv))
			return false;
	}
	/* the findings' items in half the cap, the stale links in what is left, the findings' again, the rest */
	dot_pick_tier(a, sel, 0, sel->budget / 2, false);
	dot_pick_tier(a, sel, 1, 0, true);
	dot_pick_tier(a, sel, 0, 0, true);
	dot_pick_tier(a, sel, 2, 0, true);
	return true;
}

/* Declares, inside volume v's cluster, the resolved targets any volume's links point to on it. */
static void dot_volume_targets(const analysis *a, const dot_sel *sel, int v, FILE *f)
{
	for (size_t u = 0; u < analysis_volume_count(a); u++) {
		const analysis_volume *va = analysis_volume_at(a, u);
		if (!dot_vol_drawn(va))
			continue;
		for (size_t i = 0; i < va->links->count; i++) {
			const link_entry *le = &VEC_AT(va->links, link_entry, i);
			if (sel->vols[u].link_in[i] && dot_resolved(a, le) && le->target.volume == v)
				dot_target_node(f, v, le->target.path);
		}
	}
}

/*
 * One hard-link set as a cluster: one box per path, the record and size on the cluster's label; red, with
 * the rule on the label, when a finding names it (rule >= 0).
 */
static bool dot_hardlink_set(const analysis_volume *va, uint32_t r, int rule, FILE *f)
{
	const model *m = va->m;
	fprintf(f, "    subgraph cluster_v%d_r%u {\n", va->index, r);
	fprintf(f, "      label=\"record %u, %llu bytes, %u names%s%s\"; style=\"rounded,filled\"; fillcolor=\"#eef3fb\"; ",
		r, (unsigned long long)model_sizes(m, r)->data_size, links_name_count(m, r), rule >= 0 ? "\\nfinding: " : "",
		rule >= 0 ? findings_rule_id((finding_rule)rule) : "");
	fputs(rule >= 0 ? "color=" DOT_RED "; penwidth=2;\n" : "color=\"#7a9cc6\";\n", f);
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

/* A reparse point's node: its path and kind, dashed when the record is deleted, red with the rule when a
 * finding names it (rule >= 0). */
static bool dot_link_node(FILE *f, const analysis_volume *va, const link_entry *le, int rule)
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
	fprintf(f, "\\n%s%s", reparse_kind_name(le->rp.kind), le->allocated ? "" : " (deleted)");
	if (rule >= 0)
		fprintf(f, "\\nfinding: %s", findings_rule_id((finding_rule)rule));
	fprintf(f, "\", shape=%s, style=\"%s\", fillcolor=\"#fff4cc\"%s];\n", le->is_directory ? "folder" : "box",
		le->allocated ? "filled" : "filled,dashed", rule >= 0 ? ", color=" DOT_RED ", penwidth=2" : "");
	return true;
}

/* Everything of one volume the selection draws: targets, hard-link sets, links and the links' text targets. */
static bool dot_volume(const analysis *a, const dot_vol *dv, const dot_sel *sel, const analysis_volume *va, FILE *f)
{
	const model *m = va->m;
	fprintf(f, "  subgraph cluster_vol%d {\n    label=\"volume %d", va->index, va->index);
	if (va->drive)
		fprintf(f, " (%c:)", va->drive);
	if (va->ntfs.has_label) {
		fputs(" ", f);
		dot_put_label_text(f, va->ntfs.label);
	}
	fputs("\"; style=rounded; color=gray60;\n", f);
	dot_volume_targets(a, sel, va->index, f);
	for (uint64_t r = 0; r < m->count; r++)
		if (dv->set_in[r] && !dot_hardlink_set(va, (uint32_t)r, dot_flag(dv, (uint32_t)r), f))
			return false;
	for (size_t i = 0; i < va->links->count; i++) {
		const link_entry *le = &VEC_AT(va->links, link_entry, i);
		if (!dv->link_in[i])
			continue;
		if (!dot_link_node(f, va, le, dot_flag(dv, le->record)))
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

/* The legend: what the shapes, colours and arrows mean, as a cluster of sample nodes. */
static void dot_legend(FILE *f)
{
	fputs("  subgraph cluster_legend {\n"
	      "    label=\"legend\"; style=rounded; color=gray60; fontsize=10;\n"
	      "    legend_rp [label=\"reparse point\\npath, kind\", shape=box, style=filled, fillcolor=\"#fff4cc\"];\n"
	      "    legend_dir [label=\"folder reparse point\\n(junction, mount point, ...)\", shape=folder, style=filled, "
	      "fillcolor=\"#fff4cc\"];\n"
	      "    legend_finding [label=\"in a finding\\nfinding: rule\", shape=box, style=filled, fillcolor=\"#fff4cc\", "
	      "color=" DOT_RED ", penwidth=2];\n"
	      "    legend_deleted [label=\"deleted reparse point\\nkind (deleted)\", shape=box, style=\"filled,dashed\", "
	      "fillcolor=\"#fff4cc\"];\n"
	      "    legend_ok [label=\"existing target (path)\"];\n"
	      "    legend_stale [label=\"stored target text\\n(not found)\", style=dashed, color=" DOT_RED ", fontcolor=" DOT_RED
	      "];\n"
	      "    legend_ext [label=\"another drive\", style=dashed, color=" DOT_GREY ", fontcolor=" DOT_GREY "];\n"
	      "    legend_remote [label=\"a network share\", style=dashed, color=" DOT_BLUE ", fontcolor=" DOT_BLUE "];\n"
	      "    legend_exe [label=\"app alias's executable\", style=dotted, color=" DOT_GREY ", fontcolor=" DOT_GREY "];\n"
	      "    subgraph cluster_legend_set {\n"
	      "      label=\"hard-link set\\nrecord, size, names\"; style=\"rounded,filled\"; fillcolor=\"#eef3fb\"; "
	      "color=\"#7a9cc6\";\n"
	      "      legend_name [label=\"one name (path)\", style=filled, fillcolor=white];\n"
	      "    }\n"
	      "    legend_rp -> legend_ok [color=" DOT_GREEN ", label=\"ok\", fontcolor=" DOT_GREEN "];\n"
	      "    legend_dir -> legend_stale [color=" DOT_RED ", label=\"stale, loop,\\ntype_mismatch, malformed\", fontcolor="
	      DOT_RED "];\n"
	      "    legend_finding -> legend_ext [color=" DOT_GREY ", label=\"external\", fontcolor=" DOT_GREY "];\n"
	      "    legend_deleted -> legend_remote [color=" DOT_BLUE ", label=\"remote\", fontcolor=" DOT_BLUE ", style=dashed];\n"
	      "    legend_rp -> legend_exe [color=" DOT_GREY ", style=dotted, label=\"app alias\", fontcolor=" DOT_GREY "];\n",
	      f);
}

/* Writes n with thousands separators ("12,345"). */
static void dot_put_count(FILE *f, uint64_t n)
{
	char buf[32];
	int len = snprintf(buf, sizeof(buf), "%llu", (unsigned long long)n);
	for (int i = 0; i < len; i++) {
		putc(buf[i], f);
		if (i < len - 1 && (len - 1 - i) % 3 == 0)
			putc(',', f);
	}
}

/* Writes "N links, M hard-link sets" (singular for one). */
static void dot_put_items(FILE *f, uint64_t links, uint64_t sets)
{
	dot_put_count(f, links);
	fputs(links == 1 ? " link, " : " links, ", f);
	dot_put_count(f, sets);
	fputs(sets == 1 ? " hard-link set" : " hard-link sets", f);
}

/* The note (inside the legend, which it closes): the scope, what was drawn, and what was left out and how to see it. */
static void dot_note(FILE *f, const dot_sel *sel)
{
	fputs("    note [shape=note, style=filled, fillcolor=\"#ffffe0\", label=\"", f);
	fputs(sel->only  ? "scope: the lists --only names"
	      : sel->all ? "scope: every link and hard-link set (--graph all)"
			 : "scope: stale links and the records of findings",
	      f);
	fputs("\\ndrawn: ", f);
	dot_put_items(f, sel->drawn_links, sel->drawn_sets);
	if (sel->scope_links || sel->scope_sets) {
		fputs("\\nnot drawn, neither stale nor in a finding: ", f);
		dot_put_items(f, sel->scope_links, sel->scope_sets);
		fputs(" (--graph all draws them)", f);
	}
	if (sel->capped_links || sel->capped_sets) {
		fputs("\\nleft out at the cap of ", f);
		dot_put_count(f, sel->cap);
		fputs(" nodes: ", f);
		dot_put_items(f, sel->capped_links, sel->capped_sets);
		fputs(" (--graph-nodes N raises the cap, 0 lifts it;\\n--format json or text lists them all)", f);
	}
	fputs("\"];\n  }\n", f);
}

ntfs_status report_dot(const analysis *a, const report_config *rc, FILE *f, ntfs_error *err)
{
	dot_sel sel;
	bool ok = dot_select(a, rc, &sel);
	fputs("digraph ntfslinks {\n", f);
	fputs("  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=11, labelloc=t, label=\"ntfslinks: ", f);
	dot_put_label_text(f, dot_base_name(a->config.image));
	fputs("\"];\n  node [fontname=\"Helvetica\", fontsize=10, shape=box, style=rounded];\n"
	      "  edge [fontname=\"Helvetica\", fontsize=9];\n",
	      f);
	if (ok) {
		dot_legend(f);
		dot_note(f, &sel);
	}
	for (size_t v = 0; v < analysis_volume_count(a) && ok; v++)
		if (dot_vol_drawn(analysis_volume_at(a, v)))
			ok = dot_volume(a, &sel.vols[v], &sel, analysis_volume_at(a, v), f);
	/* nodes outside the image (other drives, shares), then every arrow at the top level */
	for (size_t v = 0; v < analysis_volume_count(a) && ok; v++) {
		const analysis_volume *va = analysis_volume_at(a, v);
		if (!dot_vol_drawn(va))
			continue;
		for (size_t i = 0; i < va->links->count; i++) {
			const link_entry *le = &VEC_AT(va->links, link_entry, i);
			if (sel.vols[v].link_in[i] && !dot_resolved(a, le) && dot_outside(le))
				dot_text_node(f, va, le, "  ");
		}
	}
	for (size_t v = 0; v < analysis_volume_count(a) && ok; v++) {
		const analysis_volume *va = analysis_volume_at(a, v);
		if (!dot_vol_drawn(va))
			continue;
		for (size_t i = 0; i < va->links->count && ok; i++) {
			const link_entry *le = &VEC_AT(va->links, link_entry, i);
			if (sel.vols[v].link_in[i])
				ok = dot_edge(f, a, va, le);
		}
	}
	fputs("}\n", f);
	dot_sel_free(a, &sel);
	if (!ok)
		return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory writing the graph");
	if (fflush(f) || ferror(f))
		return ntfs_error_set(err, NTFS_E_IO, "writing the graph failed");
	return NTFS_OK;
}
