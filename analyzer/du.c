/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"
#include "du.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file_name.h"
#include "resolve.h"

/* Children of every directory, as name indexes grouped by validated parent (CSR). */
typedef struct {
	uint32_t *first;          /* count + 1 offsets */
	uint32_t *names;
} children;

/* Groups the names of allocated records (DOS aliases aside) under their validated parent directory. */
static int children_build(const du_input *in, children *c)
{
	const model *m = in->m;
	size_t n = m->names.count;
	c->first = calloc(m->count + 2, sizeof(uint32_t));
	c->names = malloc((n ? n : 1) * sizeof(uint32_t));
	if (!c->first || !c->names)
		return -1;
	for (size_t pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < n; i++) {
			const name_info *ni = model_name(m, (uint32_t)i);
			uint32_t d = name_index_parent(in->ix, (uint32_t)i);
			if (!model_name_is_link(ni) || d >= m->count || !model_in_use(m, ni->owner))
				continue;
			if (pass == 0)
				c->first[d + 2]++;
			else
				c->names[c->first[d + 1]++] = (uint32_t)i;
		}
		if (pass == 0)
			for (uint64_t r = 0; r < m->count; r++)
				c->first[r + 2] += c->first[r + 1];
	}
	return 0;
}

/*
 * Directories that sizes descend into: every directory but name surrogates (junctions, symbolic
 * links, mount points, and reparse points whose tag is unknown). Cloud placeholders and other
 * reparse points that keep their contents in place are sized like plain directories.
 */
static bool descend(const model *m, uint32_t r)
{
	return (m->recs[r].flags & REC_DIR) && !model_reparse_surrogate(m, r);
}

/* Scratch shared by every directory sized: marks are stamped so nothing needs clearing. */
typedef struct {
	uint32_t *mark;
	uint32_t *count;
	vec stack;                /* uint32_t directories to visit */
	vec touched;              /* uint32_t files met */
	uint32_t stamp;
} du_scratch;

/* Sizes everything beneath directory d into e. */
static int size_dir(const du_input *in, const children *c, du_scratch *s, uint32_t d, du_entry *e)
{
	const model *m = in->m;
	s->stamp++;
	s->stack.count = s->touched.count = 0;
	uint32_t *top = vec_push(&s->stack);
	if (!top)
		return -1;
	*top = d;
	s->mark[d] = s->stamp;
	while (s->stack.count) {
		uint32_t dir = VEC_AT(&s->stack, uint32_t, --s->stack.count);
		for (uint32_t k = c->first[dir]; k < c->first[dir + 1]; k++) {
			uint32_t r = model_name(m, c->names[k])->owner;
			if (m->recs[r].flags & REC_DIR) {
				if (descend(m, r) && s->mark[r] != s->stamp) {
					s->mark[r] = s->stamp;
					uint32_t *p = vec_push(&s->stack);
					if (!p)
						return -1;
					*p = r;
				}
				continue;
			}
			uint64_t size = model_sizes(m, r)->data_size;
			e->names++;
			e->names_bytes += size;
			if (s->mark[r] != s->stamp) {
				s->mark[r] = s->stamp;
				s->count[r] = 0;
				e->files++;
				e->records_bytes += size;
				e->disk_bytes += model_sizes(m, r)->disk_size;
				uint32_t *t = vec_push(&s->touched);
				if (!t)
					return -1;
				*t = r;
			}
			s->count[r]++;
		}
	}
	for (size_t i = 0; i < s->touched.count; i++) {
		uint32_t r = VEC_AT(&s->touched, uint32_t, i);
		if (s->count[r] < m->recs[r].link_names) /* names that are links: all but DOS aliases */
			e->shared_bytes += model_sizes(m, r)->data_size;
	}
	return 0;
}

/* A directory waiting to be listed, and how deep it is. */
typedef struct {
	uint32_t record;
	int depth;
} du_pending;

/* Adds the entry for directory d, then its subdirectories while depth allows, depth first (pre-order,
 * children in name-index order). A directory met twice on one path (a hard-linked directory loop) is
 * not entered again below itself: the depth bound ends every walk. */
static int list_dirs(const du_input *in, const children *c, uint32_t d, int max_depth, vec *out)
{
	vec stack;
	vec_init(&stack, sizeof(du_pending));
	du_pending *p = vec_push(&stack);
	int rc = p ? 0 : -1;
	if (p)
		*p = (du_pending){d, 0};
	while (rc == 0 && stack.count) {
		du_pending cur = VEC_AT(&stack, du_pending, --stack.count);
		du_entry *e = vec_push(out);
		if (!e) {
			rc = -1;
			break;
		}
		e->record = cur.record;
		e->depth = cur.depth;
		if (cur.depth >= max_depth)
			continue;
		for (uint32_t k = c->first[cur.record + 1]; rc == 0 && k-- > c->first[cur.record];) {
			uint32_t r = model_name(in->m, c->names[k])->owner; /* pushed last to first: popped in order */
			if (!descend(in->m, r))
				continue;
			du_pending *sub = vec_push(&stack);
			if (!sub)
				rc = -1;
			else
				*sub = (du_pending){r, cur.depth + 1};
		}
	}
	vec_free(&stack);
	return rc;
}

bool du_normalise_path(const char *path, char *out, size_t cap)
{
	size_t n = 0;
	if (cap < 2)
		return false;
	if (path && ((path[0] >= 'A' && path[0] <= 'Z') || (path[0] >= 'a' && path[0] <= 'z')) && path[1] == ':')
		path += 2;
	out[n++] = '\\';
	for (const char *p = path ? path : ""; *p; p++) {
		char ch = *p == '/' ? '\\' : *p;
		if (ch == '\\' && out[n - 1] == '\\')
			continue;
		if (n + 1 >= cap)
			return false;
		out[n++] = ch;
	}
	if (n > 1 && out[n - 1] == '\\')
		n--;
	out[n] = '\0';
	return true;
}

/* The resolved link of record r when it leads to a directory of this volume, else NULL. */
static const link_entry *du_link_to_dir(const du_input *in, uint32_t r)
{
	for (size_t i = 0; in->links && i < in->links->count; i++) {
		const link_entry *le = &VEC_AT(in->links, link_entry, i);
		if (le->record != r)
			continue;
		const link_target *t = &le->target;
		bool ok = le->has_target && t->status == LINK_STATUS_OK && t->volume == in->volume && t->path &&
			  t->has_record && t->record < in->m->count && (in->m->recs[t->record].flags & REC_DIR);
		return ok ? le : NULL;
	}
	return NULL;
}

/* Appends "; " (when note is not empty) and the words to note, cut to cap. */
static void du_note_add(char *note, size_t cap, const char *from, size_t from_len, const char *kind, const char *to)
{
	size_t n = strlen(note);
	if (n + 1 < cap)
		snprintf(note + n, cap - n, "%s%.*s is a %s to %s: followed", n ? "; " : "", (int)from_len, from, kind, to);
}

/*
 * The directory at norm (normalised), following name surrogates on the way (see du_compute); path gets
 * the path finally looked up. MODEL_NONE when there is none; a surrogate that cannot be followed says why
 * in note.
 */
static uint32_t du_find_dir(const du_input *in, const char *norm, char *path, size_t cap, char *note, size_t note_cap)
{
	const model *m = in->m;
	snprintf(path, cap, "%s", norm);
	for (int hop = 0; hop <= 32; hop++) {
		uint32_t d = name_index_dir(in->ix, path);
		if (d != MODEL_NONE && d < m->count && !model_reparse_surrogate(m, d))
			return d;
		/* the first component (from the root) that is a name surrogate, or none: not there */
		size_t k = 0, len = strlen(path);
		uint32_t r = MODEL_NONE;
		while (k < len) {
			size_t next = k + 1 + strcspn(path + k + 1, "\\");
			char save = path[next];
			path[next] = '\0';
			r = name_index_dir(in->ix, path);
			path[next] = save;
			k = next;
			if (r == MODEL_NONE || r >= m->count)
				return MODEL_NONE;
			if (model_reparse_surrogate(m, r))
				break;
		}
		if (r == MODEL_NONE || !model_reparse_surrogate(m, r))
			return MODEL_NONE;
		const link_entry *le = du_link_to_dir(in, r);
		if (!le) {
			if (note_cap && !note[0])
				snprintf(note, note_cap, "%.*s is a name surrogate whose target is not a directory of this "
					 "volume: not followed", (int)k, path);
			return MODEL_NONE;
		}
		char rest[DU_PATH_MAX];
		snprintf(rest, sizeof(rest), "%s", path + k);
		du_note_add(note, note_cap, path, k, reparse_kind_name(le->rp.kind), le->target.path);
		if ((size_t)snprintf(path, cap, "%s%s", strcmp(le->target.path, "\\") ? le->target.path : "", rest) >= cap)
			return MODEL_NONE;
		if (!path[0])
			snprintf(path, cap, "\\");
	}
	return MODEL_NONE;
}

ntfs_status du_compute(const du_input *in, const char *path, int depth, vec *out, char *note, size_t note_cap,
		       ntfs_error *err)
{
	children c = {0};
	du_scratch s = {0};
	ntfs_status st = NTFS_OK;
	const model *m = in->m;
	vec_init(out, sizeof(du_entry));
	if (name_index_root(in->ix) == MODEL_NONE)
		return ntfs_error_set(err, NTFS_E_INVALID,
				      "nothing to size: volume %d has no root directory (record %d is missing, free or not a directory)",
				      in->volume, NTFS_ROOT_RECORD);
	char norm[DU_PATH_MAX], found[DU_PATH_MAX];
	if (note_cap)
		note[0] = '\0';
	if (!du_normalise_path(path, norm, sizeof(norm)))
		return ntfs_error_set(err, NTFS_E_INVALID, "--du path longer than %d bytes", DU_PATH_MAX);
	uint32_t d = du_find_dir(in, norm, found, sizeof(found), note, note_cap);
	if (d == MODEL_NONE || d >= m->count)
		return ntfs_error_set(err, NTFS_E_INVALID, "no allocated directory %s on volume %d%s%s%s", norm, in->volume,
				      note_cap && note[0] ? " (" : "", note_cap && note[0] ? note : "",
				      note_cap && note[0] ? ")" : "");
	vec_init(&s.stack, sizeof(uint32_t));
	vec_init(&s.touched, sizeof(uint32_t));
	s.mark = calloc(m->count + 1, sizeof(uint32_t));
	s.count = calloc(m->count + 1, sizeof(uint32_t));
	if (!s.mark || !s.count || children_build(in, &c) || list_dirs(in, &c, d, depth, out)) {
		st = ntfs_error_set(err, NTFS_E_NOMEM, "out of memory sizing directories");
		goto out;
	}
	for (size_t i = 0; i < out->count; i++) {
		du_entry *e = &VEC_AT(out, du_entry, i);
		e->path = paths_dir_alloc(in->p, e->record);
		e->path_truncated = paths_dir_truncated(in->p, e->record);
		if (!e->path || size_dir(in, &c, &s, e->record, e)) {
			st = ntfs_error_set(err, NTFS_E_NOMEM, "out of memory sizing directories");
			goto out;
		}
	}
out:
	free(c.first);
	free(c.names);
	free(s.mark);
	free(s.count);
	vec_free(&s.stack);
	vec_free(&s.touched);
	return st;
}

void du_free(vec *out)
{
	for (size_t i = 0; i < out->count; i++)
		free(VEC_AT(out, du_entry, i).path);
	vec_free(out);
}
