/* SPDX-License-Identifier: Apache-2.0 */
/* Differences between two scanned sides of one volume (a shadow copy store and the live volume, or two stores). */
#include "config.h"
#include "shadow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *shadow_change_name(shadow_change_kind k)
{
	switch (k) {
	case SHADOW_ADDED: return "added";
	case SHADOW_REMOVED: return "removed";
	case SHADOW_RETARGETED: return "retargeted";
	case SHADOW_STATUS_CHANGED: return "status_changed";
	case SHADOW_NAME_ADDED: return "name_added";
	case SHADOW_NAME_REMOVED: return "name_removed";
	}
	return "unknown";
}

/* The malloc'd path of name n (NULL when out of memory). */
static char *name_path(const shadow_side *s, const name_info *n)
{
	size_t need = paths_name(s->p, n, NULL, 0);
	char *buf = malloc(need + 1);
	if (buf)
		paths_name(s->p, n, buf, need + 1);
	return buf;
}

/* The malloc'd path of link le ("" when it has no name), NULL when out of memory. */
static char *link_path(const shadow_side *s, const link_entry *le)
{
	return le->name != MODEL_NONE ? name_path(s, model_name(s->m, le->name)) : strdup("");
}

/* The stored target of a reparse point (static: owned by le), NULL when its kind stores none. */
static const char *link_text(const link_entry *le)
{
	if (le->rp.kind == REPARSE_KIND_LX_SYMLINK)
		return le->rp.lx_target;
	if (le->rp.kind == REPARSE_KIND_APP_EXEC_LINK)
		return le->rp.appx_target_path;
	return le->rp.substitute_name;
}

/* The status name of a resolved link, NULL for kinds that point nowhere. */
static const char *link_status_text(const link_entry *le)
{
	return le->has_target ? link_status_name(le->target.status) : NULL;
}

/* Copies s (NULL stays NULL); *fail set when out of memory. */
static char *dup_or_null(const char *s, bool *fail)
{
	if (!s)
		return NULL;
	char *d = strdup(s);
	if (!d)
		*fail = true;
	return d;
}

/* Appends one change; path is taken over (freed on failure); before/after are copied. */
static ntfs_status add_change(vec *out, shadow_change_kind k, bool live, uint32_t rec, uint16_t seq, const char *kind,
			      char *path, const char *before, const char *after, ntfs_error *err)
{
	bool fail = !path;
	shadow_change c = {.change = k, .against_live = live, .record = rec, .sequence = seq, .kind = kind, .path = path};
	c.before = dup_or_null(before, &fail);
	c.after = dup_or_null(after, &fail);
	shadow_change *slot = fail ? NULL : vec_push(out);
	if (!slot) {
		free(c.path);
		free(c.before);
		free(c.after);
		return ntfs_error_set(err, NTFS_E_NOMEM, "shadow copies: out of memory");
	}
	*slot = c;
	return NTFS_OK;
}

/* The next allocated link at or after *i of links (advancing *i), or NULL. */
static const link_entry *next_link(const vec *links, size_t *i)
{
	for (; *i < links->count; (*i)++) {
		const link_entry *le = &VEC_AT(links, link_entry, *i);
		if (le->allocated)
			return le;
	}
	return NULL;
}

/* A link on one side only: added (after) or removed (before). */
static ntfs_status one_side_link(const shadow_side *s, const link_entry *le, bool added, bool live, vec *out,
				 ntfs_error *err)
{
	const char *kind = reparse_kind_name(le->rp.kind), *text = link_text(le);
	return add_change(out, added ? SHADOW_ADDED : SHADOW_REMOVED, live, le->record, le->sequence, kind,
			  link_path(s, le), added ? NULL : text, added ? text : NULL, err);
}

/* The same reparse point on both sides: its stored target and its status compared. */
static ntfs_status both_sides_link(const shadow_side *b, const link_entry *x, const shadow_side *a, const link_entry *y,
				   bool live, vec *out, ntfs_error *err)
{
	(void)b;
	const char *kind = reparse_kind_name(y->rp.kind), *tx = link_text(x), *ty = link_text(y);
	ntfs_status st = NTFS_OK;
	if ((tx == NULL) != (ty == NULL) || (tx && strcmp(tx, ty) != 0) || x->rp.kind != y->rp.kind)
		st = add_change(out, SHADOW_RETARGETED, live, y->record, y->sequence, kind, link_path(a, y), tx, ty, err);
	const char *sx = link_status_text(x), *sy = link_status_text(y);
	if (st == NTFS_OK && sx && sy && strcmp(sx, sy) != 0)
		st = add_change(out, SHADOW_STATUS_CHANGED, live, y->record, y->sequence, kind, link_path(a, y), sx, sy, err);
	return st;
}

/* Reparse points: both link lists walked in record order. */
static ntfs_status diff_links(const shadow_side *b, const shadow_side *a, bool live, vec *out, ntfs_error *err)
{
	size_t i = 0, j = 0;
	const link_entry *x = next_link(b->links, &i), *y = next_link(a->links, &j);
	ntfs_status st = NTFS_OK;
	while (st == NTFS_OK && (x || y)) {
		if (x && y && x->record == y->record) {
			if (x->sequence == y->sequence) {
				st = both_sides_link(b, x, a, y, live, out, err);
			} else { /* the record was reused: one link gone, another made */
				st = one_side_link(b, x, false, live, out, err);
				if (st == NTFS_OK)
					st = one_side_link(a, y, true, live, out, err);
			}
			i++, j++;
		} else if (x && (!y || x->record < y->record)) {
			st = one_side_link(b, x, false, live, out, err);
			i++;
		} else {
			st = one_side_link(a, y, true, live, out, err);
			j++;
		}
		x = next_link(b->links, &i);
		y = next_link(a->links, &j);
	}
	return st;
}

/* The sorted paths of the link names of record r on side s (n of them); NULL with *n = 0 when it has none. */
static char **record_paths(const shadow_side *s, uint32_t r, size_t *n, bool *fail)
{
	*n = 0;
	uint32_t cap = links_name_count(s->m, r), k = 0;
	if (!cap)
		return NULL;
	char **v = calloc(cap, sizeof(*v));
	if (!v) {
		*fail = true;
		return NULL;
	}
	for (const name_info *ni; *n < cap && (ni = model_link_next(s->m, r, &k));) {
		if (!(v[*n] = name_path(s, ni)))
			*fail = true;
		else
			(*n)++;
	}
	for (size_t p = 1; p < *n; p++) /* insertion sort: hard-link sets are small */
		for (size_t q = p; q > 0 && strcmp(v[q - 1], v[q]) > 0; q--) {
			char *t = v[q];
			v[q] = v[q - 1];
			v[q - 1] = t;
		}
	return v;
}

/* Frees n strings and their array. */
static void free_paths(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Record r on both sides, the same file (same sequence) and a hard-link set on at least one: names compared. */
static ntfs_status diff_names(const shadow_side *b, const shadow_side *a, uint32_t r, bool live, vec *out,
			      ntfs_error *err)
{
	bool fail = false;
	size_t nx = 0, ny = 0, i = 0, j = 0;
	char **x = record_paths(b, r, &nx, &fail), **y = record_paths(a, r, &ny, &fail);
	ntfs_status st = fail ? ntfs_error_set(err, NTFS_E_NOMEM, "shadow copies: out of memory") : NTFS_OK;
	uint16_t seq = a->m->recs[r].sequence;
	while (st == NTFS_OK && (i < nx || j < ny)) {
		int c = i < nx && j < ny ? strcmp(x[i], y[j]) : i < nx ? -1 : 1;
		if (c == 0) {
			i++, j++;
		} else if (c < 0) {
			st = add_change(out, SHADOW_NAME_REMOVED, live, r, seq, "hardlink_set", strdup(x[i]), x[i], NULL, err);
			i++;
		} else {
			st = add_change(out, SHADOW_NAME_ADDED, live, r, seq, "hardlink_set", strdup(y[j]), NULL, y[j], err);
			j++;
		}
	}
	free_paths(x, nx);
	free_paths(y, ny);
	return st;
}

/* A hard-link set on one side only (the other side has no file of that record and sequence). */
static ntfs_status one_side_set(const shadow_side *s, uint32_t r, bool added, bool live, vec *out, ntfs_error *err)
{
	bool fail = false;
	size_t n = 0;
	char **v = record_paths(s, r, &n, &fail), count[32];
	snprintf(count, sizeof(count), "%zu names", n);
	ntfs_status st = fail || n == 0 ? ntfs_error_set(err, NTFS_E_NOMEM, "shadow copies: out of memory")
		       : add_change(out, added ? SHADOW_ADDED : SHADOW_REMOVED, live, r, s->m->recs[r].sequence,
				    "hardlink_set", strdup(v[0]), added ? NULL : count, added ? count : NULL, err);
	free_paths(v, n);
	return st;
}

/* Hard-link sets: every record that is one on either side. */
static ntfs_status diff_sets(const shadow_side *b, const shadow_side *a, bool live, vec *out, ntfs_error *err)
{
	uint64_t n = b->m->count > a->m->count ? b->m->count : a->m->count;
	ntfs_status st = NTFS_OK;
	for (uint64_t r64 = 0; r64 < n && r64 < MODEL_NONE && st == NTFS_OK; r64++) {
		uint32_t r = (uint32_t)r64;
		bool sx = r < b->m->count && links_is_hardlink_set(b->m, r), sy = r < a->m->count && links_is_hardlink_set(a->m, r);
		if (!sx && !sy)
			continue;
		bool same = r < b->m->count && r < a->m->count && model_in_use(b->m, r) && model_in_use(a->m, r) &&
			    b->m->recs[r].sequence == a->m->recs[r].sequence;
		if (same) {
			st = diff_names(b, a, r, live, out, err);
			continue;
		}
		if (sx)
			st = one_side_set(b, r, false, live, out, err);
		if (st == NTFS_OK && sy)
			st = one_side_set(a, r, true, live, out, err);
	}
	return st;
}

/* Order of the report: record, then change, then path. */
static int change_cmp(const void *pa, const void *pb)
{
	const shadow_change *x = pa, *y = pb;
	if (x->record != y->record)
		return x->record < y->record ? -1 : 1;
	if (x->change != y->change)
		return x->change < y->change ? -1 : 1;
	return strcmp(x->path ? x->path : "", y->path ? y->path : "");
}

ntfs_status shadow_diff(const shadow_side *before, const shadow_side *after, bool against_live, vec *changes,
			ntfs_error *err)
{
	size_t first = changes->count;
	ntfs_status st = diff_links(before, after, against_live, changes, err);
	if (st == NTFS_OK)
		st = diff_sets(before, after, against_live, changes, err);
	if (st == NTFS_OK)
		vec_sort_from(changes, first, change_cmp);
	return st;
}

void shadow_changes_free(vec *changes)
{
	for (size_t i = 0; i < changes->count; i++) {
		shadow_change *c = &VEC_AT(changes, shadow_change, i);
		free(c->path);
		free(c->before);
		free(c->after);
	}
	vec_free(changes);
}
