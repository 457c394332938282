/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"
#include "du.h"

#include <stdlib.h>
#include <string.h>

#include "file_name.h"

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
			uint64_t size = m->recs[r].data_size;
			e->names++;
			e->names_bytes += size;
			if (s->mark[r] != s->stamp) {
				s->mark[r] = s->stamp;
				s->count[r] = 0;
				e->files++;
				e->records_bytes += size;
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
			e->shared_bytes += m->recs[r].data_size;
	}
	return 0;
}

/* Adds the entry for directory d at depth, then its subdirectories while depth allows (breadth first). */
static int list_dirs(const du_input *in, const children *c, uint32_t d, int max_depth, vec *out)
{
	size_t at = out->count;
	du_entry *e = vec_push(out);
	if (!e)
		return -1;
	e->record = d;
	e->depth = 0;
	for (; at < out->count; at++) {
		du_entry cur = VEC_AT(out, du_entry, at);
		if (cur.depth >= max_depth)
			continue;
		for (uint32_t k = c->first[cur.record]; k < c->first[cur.record + 1]; k++) {
			uint32_t r = model_name(in->m, c->names[k])->owner;
			if (!descend(in->m, r))
				continue;
			du_entry *sub = vec_push(out);
			if (!sub)
				return -1;
			sub->record = r;
			sub->depth = cur.depth + 1;
		}
	}
	return 0;
}

ntfs_status du_compute(const du_input *in, const char *path, int depth, vec *out, ntfs_error *err)
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
	uint32_t d = name_index_dir(in->ix, path);
	if (d == MODEL_NONE || d >= m->count)
		return ntfs_error_set(err, NTFS_E_INVALID, "no allocated directory %s on volume %d", path ? path : "\\",
				      in->volume);
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
