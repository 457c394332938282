/* SPDX-License-Identifier: Apache-2.0 */
/* Paths from parent references on hand-built models: sequences, orphans, cycles, very deep chains. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "file_name.h"
#include "model.h"
#include "paths.h"

/* Makes a model of n empty records (no volume needed for paths). */
static void model_new(model *m, uint64_t n)
{
	model_init(m, NULL);
	m->count = n;
	m->recs = calloc(n, sizeof(rec_info));
	for (uint64_t r = 0; r < n; r++) {
		m->recs[r].base = MODEL_NONE;
		m->recs[r].reparse = MODEL_NONE;
	}
}

/* Marks record r as an allocated file or directory with a sequence number. */
static void rec(model *m, uint32_t r, bool dir, bool in_use, uint16_t seq)
{
	m->recs[r].state = REC_OK;
	m->recs[r].flags = (uint8_t)((dir ? REC_DIR : 0) | (in_use ? REC_IN_USE : 0));
	m->recs[r].sequence = seq;
}

/* Gives record r a name in parent p (with the parent's sequence as referenced). */
static void name(model *m, uint32_t r, const char *s, uint32_t p, uint16_t pseq, uint8_t ns)
{
	name_info *n = vec_push(&m->names);
	n->str = arena_add(&m->strings, s, strlen(s));
	n->len = (uint16_t)strlen(s);
	n->units = (uint8_t)strlen(s);
	n->parent_ref = ((uint64_t)pseq << 48) | p;
	n->owner = n->src = r;
	n->ns = ns;
}

/* Path of the first name of record r. */
static char *path_of(paths *p, uint32_t r)
{
	return paths_name_alloc(p, model_record_name(p->m, r, 0));
}

/* Counts anomalies of one type. */
static int count(model *m, const char *type)
{
	int n = 0;
	for (size_t i = 0; i < m->anomalies.items.count; i++)
		n += !strcmp(VEC_AT(&m->anomalies.items, anomaly, i).type, type);
	return n;
}

Test(paths, nested_names_and_hard_links)
{
	model m;
	paths p;
	model_new(&m, 40);
	rec(&m, 5, true, true, 5);
	name(&m, 5, ".", 5, 5, NTFS_NS_WIN32_DOS);
	rec(&m, 30, true, true, 1);
	name(&m, 30, "Users", 5, 5, NTFS_NS_WIN32);
	rec(&m, 31, true, true, 2);
	name(&m, 31, "alice", 30, 1, NTFS_NS_POSIX);
	rec(&m, 32, false, true, 1);
	name(&m, 32, "a.txt", 31, 2, NTFS_NS_WIN32);
	name(&m, 32, "b.txt", 5, 5, NTFS_NS_POSIX);
	cr_assert_eq(model_merge(&m, NULL), NTFS_OK);
	cr_assert_eq(paths_build(&p, &m, NULL), NTFS_OK);
	char *a = path_of(&p, 32), *root = path_of(&p, 5);
	cr_assert_str_eq(a, "\\Users\\alice\\a.txt");
	cr_assert_str_eq(root, "\\");
	char *b = paths_name_alloc(&p, model_record_name(&m, 32, 1));
	cr_assert_str_eq(b, "\\b.txt");
	cr_assert_eq(m.anomalies.items.count, 0);
	free(a);
	free(b);
	free(root);
	paths_free(&p);
	model_free(&m);
}

Test(paths, deleted_child_of_deleted_parent_accepts_sequence_minus_one)
{
	model m;
	paths p;
	model_new(&m, 40);
	rec(&m, 5, true, true, 5);
	name(&m, 5, ".", 5, 5, NTFS_NS_WIN32_DOS);
	rec(&m, 30, true, false, 3); /* freed: sequence moved from 2 to 3 */
	name(&m, 30, "gone", 5, 5, NTFS_NS_WIN32);
	rec(&m, 31, false, false, 2);
	name(&m, 31, "old.txt", 30, 2, NTFS_NS_WIN32);
	rec(&m, 32, false, true, 1); /* allocated file naming a reused parent */
	name(&m, 32, "x.txt", 30, 1, NTFS_NS_WIN32);
	cr_assert_eq(model_merge(&m, NULL), NTFS_OK);
	cr_assert_eq(paths_build(&p, &m, NULL), NTFS_OK);
	char *old = path_of(&p, 31), *x = path_of(&p, 32);
	cr_assert_str_eq(old, "\\gone\\old.txt");
	cr_assert_str_eq(x, "\\$OrphanFiles\\x.txt");
	cr_assert_eq(count(&m, "sequence_mismatch"), 1);
	free(old);
	free(x);
	paths_free(&p);
	model_free(&m);
}

Test(paths, cycle_and_self_parent_become_orphans)
{
	model m;
	paths p;
	model_new(&m, 40);
	rec(&m, 5, true, true, 5);
	name(&m, 5, ".", 5, 5, NTFS_NS_WIN32_DOS);
	rec(&m, 30, true, true, 1);
	name(&m, 30, "A", 31, 1, NTFS_NS_WIN32); /* A in B */
	rec(&m, 31, true, true, 1);
	name(&m, 31, "B", 30, 1, NTFS_NS_WIN32); /* B in A */
	rec(&m, 32, false, true, 1);
	name(&m, 32, "f", 30, 1, NTFS_NS_WIN32);
	rec(&m, 33, true, true, 1);
	name(&m, 33, "self", 33, 1, NTFS_NS_WIN32);
	rec(&m, 34, false, true, 1);
	name(&m, 34, "lost", 39, 1, NTFS_NS_WIN32); /* parent record never used */
	cr_assert_eq(model_merge(&m, NULL), NTFS_OK);
	cr_assert_eq(paths_build(&p, &m, NULL), NTFS_OK);
	char *f = path_of(&p, 32), *self = path_of(&p, 33), *lost = path_of(&p, 34);
	cr_assert(strncmp(f, "\\$OrphanFiles\\", 14) == 0, "got %s", f);
	cr_assert(strstr(f, "\\f") != NULL);
	cr_assert_eq(count(&m, "parent_cycle"), 2); /* the A/B cycle and the self-parent */
	cr_assert(strncmp(self, "\\$OrphanFiles", 13) == 0, "got %s", self);
	cr_assert_str_eq(lost, "\\$OrphanFiles\\lost");
	cr_assert_eq(count(&m, "orphan_name"), 1);
	free(f);
	free(self);
	free(lost);
	paths_free(&p);
	model_free(&m);
}

Test(paths, chain_100000_deep_is_cut_not_fatal, .timeout = 20)
{
	const uint32_t depth = 100000, first = 16;
	model m;
	paths p;
	model_new(&m, first + depth + 1);
	rec(&m, 5, true, true, 5);
	name(&m, 5, ".", 5, 5, NTFS_NS_WIN32_DOS);
	for (uint32_t i = 0; i < depth; i++) {
		uint32_t r = first + i;
		rec(&m, r, true, true, 1);
		name(&m, r, "d", i == 0 ? 5 : r - 1, i == 0 ? 5 : 1, NTFS_NS_WIN32);
	}
	cr_assert_eq(model_merge(&m, NULL), NTFS_OK);
	cr_assert_eq(paths_build(&p, &m, NULL), NTFS_OK);
	cr_assert_geq(count(&m, "path_too_deep"), 1);
	char *deep = path_of(&p, first + depth - 1);
	cr_assert_not_null(deep);
	cr_assert_lt(strlen(deep), 2u * (PATHS_MAX_DEPTH + 16) + 16, "path of %zu bytes", strlen(deep));
	free(deep);
	paths_free(&p);
	model_free(&m);
}
