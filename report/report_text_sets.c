/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The text view's hard-link sets, telling ones first: sets whose names lie in different top-level folders or
 * different user profiles, then the other sets, then the component store's (\Windows\WinSxS with
 * \Windows\System32, \Windows\SysWOW64 and \Windows itself: every Windows installation has thousands). Within
 * a group the sets with most names come first, then the largest, then by record.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "le.h"
#include "report_text.h"

#define TOP_ACROSS 20             /* sets listed per group before the cut */
#define TOP_WITHIN 10
#define TOP_STORE 5
#define TOP_NAMES 5               /* names listed per set */

typedef enum { SET_ACROSS = 0, SET_WITHIN, SET_STORE, SET_GROUPS } set_group;

static const char *const group_title[SET_GROUPS] = {
	"Across top-level folders or user profiles", "Within one top-level folder",
	"Component store (\\Windows\\WinSxS with System32, SysWOW64 and \\Windows)"};
static const char *const group_short[SET_GROUPS] = {"across folders or profiles", "within one folder",
						    "in the component store"};
static const size_t group_top[SET_GROUPS] = {TOP_ACROSS, TOP_WITHIN, TOP_STORE};

/* A set as ranked: record, name count and size. */
typedef struct {
	uint32_t record;
	uint32_t names;
	uint64_t size;
} set_rank;

/* Most names first, then the largest, then by record. */
static int set_cmp(const void *pa, const void *pb)
{
	const set_rank *a = pa, *b = pb;
	if (a->names != b->names)
		return a->names > b->names ? -1 : 1;
	if (a->size != b->size)
		return a->size > b->size ? -1 : 1;
	return a->record < b->record ? -1 : a->record > b->record;
}

/* Length of path component i (0: the top-level folder) of a volume path, its start in *at; 0 when absent. */
static size_t component(const char *path, int i, const char **at)
{
	const char *p = path;
	for (int k = 0; k <= i; k++) {
		if (*p != '\\')
			return 0;
		p++;
		if (k < i)
			p += strcspn(p, "\\");
	}
	*at = p;
	return strcspn(p, "\\");
}

/* True when components i of paths a and b are both present and equal (case aside). */
static bool same_component(const char *a, const char *b, int i)
{
	const char *pa = "", *pb = "";
	size_t na = component(a, i, &pa), nb = component(b, i, &pb);
	return na == nb && !strncasecmp(pa, pb, na);
}

/* True when path starts with prefix (case aside). */
static bool under(const char *path, const char *prefix)
{
	return !strncasecmp(path, prefix, strlen(prefix));
}

/* True when path is one the component store links: under WinSxS, System32, SysWOW64, or directly in \Windows. */
static bool store_path(const char *path)
{
	return under(path, "\\Windows\\WinSxS\\") || under(path, "\\Windows\\System32\\") ||
	       under(path, "\\Windows\\SysWOW64\\") || (under(path, "\\Windows\\") && !strchr(path + 9, '\\'));
}

/* Which group set r belongs to, from the paths of its names. */
static set_group classify(const analysis_volume *va, uint32_t r)
{
	char *first = NULL;
	bool across = false, store = true, winsxs = false;
	uint32_t k = 0;
	for (const name_info *n; (n = model_link_next(va->m, r, &k));) {
		char *p = paths_name_alloc(va->p, n);
		if (!p)
			continue;
		store = store && store_path(p);
		winsxs = winsxs || under(p, "\\Windows\\WinSxS\\");
		if (!first) {
			first = p;
			continue;
		}
		if (!same_component(first, p, 0) ||
		    (under(first, "\\Users\\") && under(p, "\\Users\\") && !same_component(first, p, 1)))
			across = true;
		free(p);
	}
	free(first);
	return store && winsxs ? SET_STORE : across ? SET_ACROSS : SET_WITHIN;
}

/* The set's heading: record, names, size, owner and who may write it. */
static void set_heading(text_out *t, const set_rank *s)
{
	const analysis_volume *va = t->va;
	char size[32];
	text_human(s->size, size, sizeof(size));
	char *sec = text_security(va, s->record);
	if (!sec) { /* no descriptor read: the owner the model knows, if any */
		const char *sid = model_owner_sid(va->m, s->record), *name = accounts_name(va->image_accounts, sid);
		if (sid) {
			size_t n = strlen(sid) + (name ? strlen(name) : 0) + 16;
			sec = malloc(n);
			if (sec)
				snprintf(sec, n, "owner %s", name ? name : sid);
		}
	}
	text_paraf(t, 6, 10, "record %u: %u names, %s%s%s", s->record, s->names, size, sec ? "; " : "", sec ? sec : "");
	free(sec);
}

/* Who may write the folder of each name, or NULL for all when every name's folder says the same. */
static char **parent_writers(const analysis_volume *va, uint32_t r, uint32_t count)
{
	char **w = calloc(count ? count : 1, sizeof(*w));
	if (!w)
		return NULL;
	bool differ = false;
	uint32_t k = 0, i = 0;
	for (const name_info *n; i < count && (n = model_link_next(va->m, r, &k)); i++) {
		uint64_t parent = ntfs_ref_record(n->parent_ref);
		w[i] = parent < UINT32_MAX ? text_writable(va, (uint32_t)parent) : NULL;
		if (i && (!w[i] != !w[0] || (w[i] && strcmp(w[i], w[0]))))
			differ = true;
	}
	if (differ)
		return w;
	for (uint32_t j = 0; j < count; j++)
		free(w[j]);
	free(w);
	return NULL;
}

/* One set: its heading, its names (the first TOP_NAMES), each with its folder's writers where those differ. */
static void set_print(text_out *t, const set_rank *s)
{
	const analysis_volume *va = t->va;
	set_heading(t, s);
	char **pw = parent_writers(va, s->record, s->names);
	size_t shown = 0, limit = text_limit(t, TOP_NAMES);
	uint32_t k = 0;
	for (const name_info *n; shown < limit && shown < s->names && (n = model_link_next(va->m, s->record, &k));) {
		char *p = paths_name_alloc(va->p, n), *kp = text_keep(p ? p : "?");
		text_para(t, 8, 12, kp ? kp : "?");
		if (pw)
			text_paraf(t, 10, 12, "folder %s", pw[shown] ? pw[shown] : "security unknown");
		free(kp);
		free(p);
		shown++;
	}
	if (s->names > shown) {
		char what[64];
		snprintf(what, sizeof(what), "names of record %u", s->record);
		text_cut(t, 8, s->names - shown, what, "sets");
	}
	for (uint32_t j = 0; pw && j < s->names; j++)
		free(pw[j]);
	free(pw);
}

void text_sets(text_out *t)
{
	const analysis_volume *va = t->va;
	const model *m = va->m;
	size_t cap = va->stats.hardlink_sets ? va->stats.hardlink_sets : 1, n[SET_GROUPS] = {0};
	set_rank *g[SET_GROUPS];
	for (int i = 0; i < SET_GROUPS; i++)
		g[i] = malloc(cap * sizeof(set_rank));
	if (!g[0] || !g[1] || !g[2])
		goto out;
	for (uint64_t rec = 0; rec < m->count; rec++) {
		if (!links_is_hardlink_set(m, (uint32_t)rec))
			continue;
		set_group c = classify(va, (uint32_t)rec);
		if (n[c] < cap)
			g[c][n[c]++] = (set_rank){(uint32_t)rec, links_name_count(m, (uint32_t)rec), model_sizes(m, (uint32_t)rec)->data_size};
	}
	char counts[256] = "";
	size_t len = 0;
	for (int i = 0; i < SET_GROUPS; i++)
		if (n[i])
			len += (size_t)snprintf(counts + len, sizeof(counts) - len, "%s%zu %s", len ? ", " : ": ", n[i],
						group_short[i]);
	fputc('\n', t->f);
	text_paraf(t, 2, 4, "Hard-link sets (%llu)%s", (unsigned long long)va->stats.hardlink_sets, counts);
	for (int i = 0; i < SET_GROUPS; i++) {
		if (!n[i])
			continue;
		qsort(g[i], n[i], sizeof(set_rank), set_cmp);
		text_paraf(t, 4, 6, "%s (%zu)", group_title[i], n[i]);
		size_t limit = text_limit(t, group_top[i]), shown = 0;
		for (; shown < n[i] && shown < limit; shown++)
			set_print(t, &g[i][shown]);
		if (n[i] > shown) {
			char what[96];
			snprintf(what, sizeof(what), "sets %s", group_short[i]);
			text_cut(t, 6, n[i] - shown, what, "sets");
		}
	}
out:
	for (int i = 0; i < SET_GROUPS; i++)
		free(g[i]);
}
