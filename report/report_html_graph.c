/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The HTML report's link graph: the volume's stale and suspicious links as inline SVG, laid out here (no
 * Graphviz at run time) in three layers: the findings (left), the links and records they name and the
 * links that need attention (middle), and where those links lead (right). A link whose target is another
 * drawn link gets an arrow back into the middle layer, so chains show. Order is the report's: findings in
 * rule order, records in the order the findings name them, then the other stale links by record; targets in
 * the order first pointed at. Under --only, only the findings and stale links it keeps. At most HTML_GRAPH_MAX_NODES nodes; a note counts what was left out.
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "html_out.h"
#include "report_html.h"

#define COL_W 290                 /* a node's width */
#define COL_GAP 110               /* between layers */
#define ROW_H 44                  /* row pitch */
#define NODE_H 34
#define TOP 34                    /* room for the layer titles */
#define LABEL_CHARS 42            /* code points of a label that fit a node */

typedef enum { NODE_FINDING, NODE_SOURCE, NODE_TARGET } node_layer;

/* One node: its layer, row, what it shows, and (sources) the record it stands for. */
typedef struct {
	node_layer layer;
	int row;
	uint32_t record;          /* sources: the record */
	const link_entry *link;   /* sources: the reparse point, NULL for another record */
	const finding_item *fd;   /* findings */
	char *key;                /* targets: what identifies them ("p<vol>:<path>" or "t:<text>") */
	char *label, *sub;        /* first and second line (UTF-8, escaped when written) */
	const char *cls;          /* colour class */
} gnode;

/* One arrow from node a to node b. */
typedef struct {
	int a, b;
	const char *color;
	bool dashed;
} gedge;

typedef struct {
	gnode *n;
	int count, cap;
	gedge *e;
	int ecount, ecap;
	int rows[3];
	int left_out_sources, left_out_findings;
	bool failed;
} graph;

/* The colour of a link's arrow by status. */
static const char *status_color(const link_entry *le)
{
	if (!le->has_target)
		return "#6b7280";
	switch (le->target.status) {
	case LINK_STATUS_OK: return "#1b7a3a";
	case LINK_STATUS_EXTERNAL: return "#6b7280";
	case LINK_STATUS_REMOTE: return "#3d5a80";
	default: return "#b00020";
	}
}

/* Adds a node; returns its index, or -1 when memory ran out. */
static int node_add(graph *g, gnode n)
{
	if (g->count == g->cap) {
		int cap = g->cap ? 2 * g->cap : 32;
		gnode *p = realloc(g->n, (size_t)cap * sizeof(*p));
		if (!p) {
			g->failed = true;
			free(n.key), free(n.label), free(n.sub);
			return -1;
		}
		g->n = p, g->cap = cap;
	}
	n.row = g->rows[n.layer]++;
	g->n[g->count] = n;
	return g->count++;
}

/* Adds an arrow. */
static void edge_add(graph *g, int a, int b, const char *color, bool dashed)
{
	if (a < 0 || b < 0)
		return;
	if (g->ecount == g->ecap) {
		int cap = g->ecap ? 2 * g->ecap : 32;
		gedge *p = realloc(g->e, (size_t)cap * sizeof(*p));
		if (!p) {
			g->failed = true;
			return;
		}
		g->e = p, g->ecap = cap;
	}
	g->e[g->ecount++] = (gedge){a, b, color, dashed};
}

/* The link entry of record r, or NULL (links are sorted by record). */
static const link_entry *link_of(const vec *links, uint32_t r)
{
	size_t lo = 0, hi = links->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const link_entry *le = &VEC_AT(links, link_entry, mid);
		if (le->record == r)
			return le;
		if (le->record < r)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The source node of record r, or -1. */
static int source_find(const graph *g, uint32_t r)
{
	for (int i = 0; i < g->count; i++)
		if (g->n[i].layer == NODE_SOURCE && g->n[i].record == r)
			return i;
	return -1;
}

/* A formatted string in new memory (NULL when memory ran out). */
__attribute__((format(printf, 1, 2))) static char *fmt(const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	int n = vsnprintf(NULL, 0, f, ap);
	va_end(ap);
	char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
	if (s) {
		va_start(ap, f);
		vsnprintf(s, (size_t)n + 1, f, ap);
		va_end(ap);
	}
	return s;
}

/* The middle-layer node of record r (a link, a hard-link set or another record), added once. */
static int source_add(const html_vol *h, graph *g, uint32_t r)
{
	int at = source_find(g, r);
	if (at >= 0)
		return at;
	if (g->rows[NODE_SOURCE] >= HTML_GRAPH_MAX_NODES / 2) {
		g->left_out_sources++;
		return -1;
	}
	const analysis_volume *va = h->va;
	const link_entry *le = link_of(va->links, r);
	gnode n = {.layer = NODE_SOURCE, .record = r, .link = le, .cls = "#fff4cc"};
	char *path = NULL;
	if (le && le->name != MODEL_NONE)
		path = paths_name_alloc(va->p, model_name(va->m, le->name));
	else if (!le && r < va->m->count && model_primary_name(va->m, r))
		path = paths_name_alloc(va->p, model_primary_name(va->m, r));
	n.label = path ? path : fmt("record %u", r);
	if (le)
		n.sub = fmt("%s, record %u%s", reparse_kind_name(le->rp.kind), r, le->allocated ? "" : " (deleted)");
	else if (r < va->m->count && links_is_hardlink_set(va->m, r))
		n.sub = fmt("hard-link set, record %u", r), n.cls = "#eef3fb";
	else
		n.sub = fmt("record %u", r);
	return node_add(g, n);
}

/* Where a drawn link's arrow ends: another drawn link, or a target node (added once). */
static void target_add(const html_vol *h, graph *g, int from)
{
	const link_entry *le = g->n[from].link;
	if (!le || !le->has_target)
		return;
	const link_target *t = &le->target;
	bool exists = (t->status == LINK_STATUS_OK || t->status == LINK_STATUS_LOOP || t->status == LINK_STATUS_TYPE_MISMATCH) &&
		      t->path && t->volume >= 0;
	if (exists && t->has_record && t->volume == h->va->index) {
		int to = source_find(g, t->record);
		if (to >= 0) {
			edge_add(g, from, to, status_color(le), !le->allocated);
			return;
		}
	}
	const char *text = exists ? t->path : reparse_target_text(&le->rp);
	char vol[16];
	snprintf(vol, sizeof(vol), "%d", exists ? t->volume : -1);
	char *key = fmt("%s:%s", vol, text ? text : "");
	if (!key) {
		g->failed = true;
		return;
	}
	for (int i = 0; i < g->count; i++)
		if (g->n[i].layer == NODE_TARGET && !strcmp(g->n[i].key, key)) {
			free(key);
			edge_add(g, from, i, status_color(le), !le->allocated);
			return;
		}
	gnode n = {.layer = NODE_TARGET, .key = key, .cls = "#ffffff"};
	n.label = strdup(text && text[0] ? text : "(no target)");
	if (exists && t->volume != h->va->index)
		n.sub = fmt("on volume %d", t->volume);
	else
		n.sub = strdup(link_status_name(t->status));
	edge_add(g, from, node_add(g, n), status_color(le), !le->allocated);
}

/* Builds the graph of the volume's findings and stale links. */
static void graph_build(const html_vol *h, graph *g)
{
	const findings_list *fl = h->va->findings;
	finding_view v;
	finding_view_init(&v);
	for (size_t i = 0; report_filter_findings(&h->only) && i < fl->items.count && !g->failed; i++) {
		const finding_item *fd = findings_item(fl, i);
		if (g->rows[NODE_FINDING] >= HTML_GRAPH_MAX_NODES / 6) {
			g->left_out_findings++;
			continue;
		}
		gnode n = {.layer = NODE_FINDING, .fd = fd,
			   .cls = fd->severity == FINDING_HIGH ? "#fde2e4" : fd->severity == FINDING_MEDIUM ? "#fdebd3" : "#e8eef7"};
		const finding *view = findings_view(fl, i, &v);
		n.label = view ? strdup(view->title) : NULL;
		n.sub = fmt("%s: %zu record(s)", findings_rule_id(fd->rule), (size_t)fd->nrecords);
		int at = node_add(g, n);
		for (size_t r = 0; r < fd->nrecords; r++)
			edge_add(g, at, source_add(h, g, fd->records[r]),
				 fd->severity == FINDING_HIGH ? "#b00020" : "#a35a00", false);
	}
	finding_view_free(&v);
	for (size_t i = 0; i < h->va->links->count; i++) {
		const link_entry *le = &VEC_AT(h->va->links, link_entry, i);
		if (link_needs_attention(le) && report_filter_link(&h->only, le))
			source_add(h, g, le->record);
	}
	for (int i = 0, n = g->count; i < n && !g->failed; i++)
		if (g->n[i].layer == NODE_SOURCE)
			target_add(h, g, i);
}

/* Writes s cut to LABEL_CHARS code points, escaped: keeping its end (where a path says the most) or its
 * start (a title). */
static void put_label(FILE *f, const char *s, bool keep_end)
{
	size_t cps = 0;
	for (const char *p = s; *p; p++)
		cps += ((unsigned char)*p & 0xC0) != 0x80;
	if (cps <= LABEL_CHARS) {
		html_text(f, s);
		return;
	}
	if (!keep_end) {
		char part[4 * LABEL_CHARS];
		size_t b = 0;
		for (size_t c = 0; s[b] && b < sizeof(part) - 1; b++)
			if (((unsigned char)s[b] & 0xC0) != 0x80 && c++ == LABEL_CHARS - 1)
				break;
		memcpy(part, s, b);
		part[b] = '\0';
		html_text(f, part);
		fputs("\xE2\x80\xA6", f);
		return;
	}
	size_t skip = cps - (LABEL_CHARS - 1);
	const char *p = s;
	for (; *p; p++)
		if (((unsigned char)*p & 0xC0) != 0x80 && skip-- == 0)
			break;
	fputs("\xE2\x80\xA6", f); /* … */
	html_text(f, p);
}

/* x of a layer's left edge, and y of a row's top. */
static int col_x(node_layer l)
{
	return 8 + (int)l * (COL_W + COL_GAP);
}

static int row_y(int row)
{
	return TOP + row * ROW_H;
}

/* Writes one node: a box, two lines, and the full text as its tooltip. */
static void node_write(FILE *f, const gnode *n)
{
	int x = col_x(n->layer), y = row_y(n->row);
	fputs("<g><title>", f);
	html_text(f, n->label);
	fputs(" \xE2\x80\x94 ", f);
	html_text(f, n->sub);
	fprintf(f, "</title><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"5\" fill=\"%s\" stroke=\"#7a8696\"%s/>", x, y,
		COL_W, NODE_H, n->cls, n->link && !n->link->allocated ? " stroke-dasharray=\"4 3\"" : "");
	fprintf(f, "<text x=\"%d\" y=\"%d\">", x + 6, y + 14);
	put_label(f, n->label ? n->label : "", n->layer != NODE_FINDING);
	fprintf(f, "</text><text x=\"%d\" y=\"%d\" fill=\"#5a6573\">", x + 6, y + 28);
	put_label(f, n->sub ? n->sub : "", false);
	fputs("</text></g>\n", f);
}

/* Writes one arrow: right edge to left edge, or a loop back into the middle layer. */
static void edge_write(FILE *f, const graph *g, const gedge *e, int vol)
{
	const gnode *a = &g->n[e->a], *b = &g->n[e->b];
	int x1 = col_x(a->layer) + COL_W, y1 = row_y(a->row) + NODE_H / 2, y2 = row_y(b->row) + NODE_H / 2;
	if (b->layer == a->layer) {
		int bend = x1 + 40 + 6 * (abs(b->row - a->row) % 8);
		fprintf(f, "<path d=\"M%d %d C%d %d %d %d %d %d\"", x1, y1, bend, y1, bend, y2, x1 + 4, y2);
	} else {
		int x2 = col_x(b->layer);
		fprintf(f, "<path d=\"M%d %d C%d %d %d %d %d %d\"", x1, y1, x1 + COL_GAP / 2, y1, x2 - COL_GAP / 2, y2, x2 - 2, y2);
	}
	fprintf(f, " fill=\"none\" stroke=\"%s\" stroke-width=\"1.4\"%s marker-end=\"url(#v%d-arrow-%.6s)\"/>\n", e->color,
		e->dashed ? " stroke-dasharray=\"5 3\"" : "", vol, e->color + 1);
}

/* The colours arrows take, one marker each. */
static const char *const marker_colors[] = {"#1b7a3a", "#6b7280", "#3d5a80", "#b00020", "#a35a00"};

void html_graph(const html_vol *h)
{
	FILE *f = h->f;
	graph g = {0};
	graph_build(h, &g);
	int vol = h->va->index;
	if (g.failed) {
		fputs("<p class=\"partial\">The graph could not be drawn (out of memory).</p>\n", f);
	} else if (!g.count) {
		fputs("<p class=\"note\">No stale or suspicious links to draw.</p>\n", f);
	} else {
		int rows = g.rows[0] > g.rows[1] ? g.rows[0] : g.rows[1];
		rows = rows > g.rows[2] ? rows : g.rows[2];
		int width = col_x(NODE_TARGET) + COL_W + 10, height = row_y(rows) + 6;
		fprintf(f, "<p class=\"note\">Findings (left) name the links and records they rest on (middle); arrows on the "
			   "right lead where each link points, coloured by status (red stale, loop or malformed, green ok, "
			   "grey elsewhere, blue remote); dashed: a deleted record. %d nodes, %d arrows.</p>\n",
			g.count, g.ecount);
		fprintf(f, "<div class=\"graph\"><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
			   "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"link graph of volume %d\">\n<defs>",
			width, height, width, height, vol);
		for (size_t i = 0; i < sizeof(marker_colors) / sizeof(marker_colors[0]); i++)
			fprintf(f, "<marker id=\"v%d-arrow-%s\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" "
				   "markerHeight=\"7\" orient=\"auto\"><path d=\"M0 0 L10 5 L0 10 z\" fill=\"%s\"/></marker>",
				vol, marker_colors[i] + 1, marker_colors[i]);
		fputs("</defs>\n", f);
		static const char *const titles[3] = {"findings", "links and records", "targets"};
		for (int l = 0; l < 3; l++)
			fprintf(f, "<text x=\"%d\" y=\"18\" font-weight=\"bold\">%s</text>\n", col_x((node_layer)l), titles[l]);
		for (int i = 0; i < g.ecount; i++)
			edge_write(f, &g, &g.e[i], vol);
		for (int i = 0; i < g.count; i++)
			node_write(f, &g.n[i]);
		fputs("</svg></div>\n", f);
	}
	if (g.left_out_sources || g.left_out_findings)
		fprintf(f, "<p class=\"note\">The graph is capped at %d nodes: %d findings and %d references to links or "
			   "records are not drawn (the tables above list every one).</p>\n",
			HTML_GRAPH_MAX_NODES, g.left_out_findings, g.left_out_sources);
	for (int i = 0; i < g.count; i++)
		free(g.n[i].key), free(g.n[i].label), free(g.n[i].sub);
	free(g.n);
	free(g.e);
}
