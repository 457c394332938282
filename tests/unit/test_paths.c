/* SPDX-License-Identifier: Apache-2.0 */
/* Paths from parent references on models made by the shared builder: sequences, orphans, cycles, very deep chains. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "model_builder.h"
#include "paths.h"

/* Path of the first name of record r. */
static char *path_of(paths *p, uint32_t r)
{
	return paths_name_alloc(p, model_record_name(p->m, r, 0));
}

/* Counts anomalies of one type. */
static int count(const anomaly_list *l, const char *type)
{
	int n = 0;
	for (size_t i = 0; i < l->items.count; i++)
		n += !strcmp(VEC_AT(&l->items, anomaly, i).type, type);
	return n;
}

Test(paths, nested_names_and_hard_links)
{
	model m;
	paths p;
	mb_init(&m, 40);
	mb_record(&m, 5, true, true, 5);
	mb_name(&m, 5, ".", 5, 5, NTFS_NS_WIN32_DOS);
	mb_record(&m, 30, true, true, 1);
	mb_name(&m, 30, "Users", 5, 5, NTFS_NS_WIN32);
	mb_record(&m, 31, true, true, 2);
	mb_name(&m, 31, "alice", 30, 1, NTFS_NS_POSIX);
	mb_record(&m, 32, false, true, 1);
	mb_name(&m, 32, "a.txt", 31, 2, NTFS_NS_WIN32);
	mb_name(&m, 32, "b.txt", 5, 5, NTFS_NS_POSIX);
	cr_assert_eq(model_merge(&m, NULL), NTFS_OK);
	cr_assert_eq(paths_build(&p, &m, NULL), NTFS_OK);
	char *a = path_of(&p, 32), *root = path_of(&p, 5);
	cr_assert_str_eq(a, "\\Users\\alice\\a.txt");
	cr_assert_str_eq(root, "\\");
	char *b = paths_name_alloc(&p, model_record_name(&m, 32, 1));
	cr_assert_str_eq(b, "\\b.txt");
	cr_assert_eq(p.anomalies.items.count, 0);
	free(a);
	free(b);
	free(root);
	paths_free(&p);
	mb_free(&m);
}

Test(paths, deleted_child_of_deleted_parent_accepts_sequence_minus_one)
{
	model m;
	paths p;
	mb_init(&m, 40);
	mb_record(&m, 5, true, true, 5);
	mb_name(&m, 5, ".", 5, 5, NTFS_NS_WIN32_DOS);
	mb_record(&m, 30, true, false, 3); /* freed: sequence moved from 2 to 3 */
	mb_name(&m, 30, "gone", 5, 5, NTFS_NS_WIN32);
	mb_record(&m, 31, false, false, 2);
	mb_name(&m, 31, "old.txt", 30, 2, NTFS_NS_WIN32);
	mb_record(&m, 32, false, true, 1); /* allocated file naming a reused parent */
	mb_name(&m, 32, "x.txt", 30, 1, NTFS_NS_WIN32);
	cr_assert_eq(model_merge(&m, NULL), NTFS_OK);
	cr_assert_eq(paths_build(&p, &m, NULL), NTFS_OK);
	char *old = path_of(&p, 31), *x = path_of(&p, 32);
	cr_assert_str_eq(old, "\\gone\\old.txt");
	cr_assert_str_eq(x, "\\$OrphanFiles\\x.txt");
	cr_assert_eq(count(&p.anomalies, "sequence_mismatch"), 1);
	free(old);
	free(x);
	paths_free(&p);
	mb_free(&m);
}

Test(paths, cycle_and_self_parent_become_orphans)
{
	model m;
	paths p;
	mb_init(&m, 40);
	mb_record(&m, 5, true, true, 5);
	mb_name(&m, 5, ".", 5, 5, NTFS_NS_WIN32_DOS);
	mb_record(&m, 30, true, true, 1);
	mb_name(&m, 30, "A", 31, 1, NTFS_NS_WIN32); /* A in B */
	mb_record(&m, 31, true, true, 1);
	mb_name(&m, 31, "B", 30, 1, NTFS_NS_WIN32); /* B in A */
	mb_record(&m, 32, false, true, 1);
	mb_name(&m, 32, "f", 30, 1, NTFS_NS_WIN32);
	mb_record(&m, 33, true, true, 1);
	mb_name(&m, 33, "self", 33, 1, NTFS_NS_WIN32);
	mb_record(&m, 34, false, true, 1);
	mb_name(&m, 34, "lost", 39, 1, NTFS_NS_WIN32); /* parent record never used */
	cr_assert_eq(model_merge(&m, NULL), NTFS_OK);
	cr_assert_eq(paths_build(&p, &m, NULL), NTFS_OK);
	char *f = path_of(&p, 32), *self = path_of(&p, 33), *lost = path_of(&p, 34);
	cr_assert(strncmp(f, "\\$OrphanFiles\\", 14) == 0, "got %s", f);
	cr_assert(strstr(f, "\\f") != NULL);
	cr_assert_eq(count(&p.anomalies, "parent_cycle"), 2); /* the A/B cycle and the self-parent */
	cr_assert(strncmp(self, "\\$OrphanFiles", 13) == 0, "got %s", self);
	cr_assert_str_eq(lost, "\\$OrphanFiles\\lost");
	cr_assert_eq(count(&p.anomalies, "orphan_name"), 1);
	free(f);
	free(self);
	free(lost);
	paths_free(&p);
	mb_free(&m);
}

Test(paths, chain_100000_deep_is_cut_not_fatal, .timeout = 20)
{
	const uint32_t depth = 100000, first = 16;
	model m;
	paths p;
	mb_init(&m, first + depth + 1);
	mb_record(&m, 5, true, true, 5);
	mb_name(&m, 5, ".", 5, 5, NTFS_NS_WIN32_DOS);
	for (uint32_t i = 0; i < depth; i++) {
		uint32_t r = first + i;
		mb_record(&m, r, true, true, 1);
		mb_name(&m, r, "d", i == 0 ? 5 : r - 1, i == 0 ? 5 : 1, NTFS_NS_WIN32);
	}
	cr_assert_eq(model_merge(&m, NULL), NTFS_OK);
	cr_assert_eq(paths_build(&p, &m, NULL), NTFS_OK);
	cr_assert_geq(count(&p.anomalies, "path_too_deep"), 1);
	char *deep = path_of(&p, first + depth - 1);
	cr_assert_not_null(deep);
	cr_assert_lt(strlen(deep), 2u * (PATHS_MAX_DEPTH + 16) + 16, "path of %zu bytes", strlen(deep));
	free(deep);
	paths_free(&p);
	mb_free(&m);
}

Test(paths, cut_at_windows_limit_of_32767_units)
{
	const uint32_t levels = 200, first = 16, file = first + levels;
	char long_name[256];
	memset(long_name, 'n', 255);
	long_name[255] = '\0';
	model m;
	paths p;
	mb_init(&m, file + 1);
	mb_record(&m, 5, true, true, 5);
	mb_name(&m, 5, ".", 5, 5, NTFS_NS_WIN32_DOS);
	for (uint32_t i = 0; i < levels; i++) { /* 256 units a level: depth 127 is 32,512, depth 128 too long */
		mb_record(&m, first + i, true, true, 1);
		mb_name(&m, first + i, long_name, i == 0 ? 5 : first + i - 1, i == 0 ? 5 : 1, NTFS_NS_WIN32);
	}
	mb_record(&m, file, false, true, 1);
	mb_name(&m, file, "f.txt", first + 126, 1, NTFS_NS_WIN32); /* fits: 32,512 + 6 */
	mb_name(&m, file, "g.txt", first + levels - 1, 1, NTFS_NS_WIN32); /* under the cut */
	cr_assert_eq(model_merge(&m, NULL), NTFS_OK);
	cr_assert_eq(paths_build(&p, &m, NULL), NTFS_OK);

	const name_info *f = model_record_name(&m, file, 0), *g = model_record_name(&m, file, 1);
	char *fp = paths_name_alloc(&p, f), *gp = paths_name_alloc(&p, g);
	cr_assert_eq(strlen(fp), 127u * 256 + 6);
	cr_assert_str_eq(fp + 127 * 256, "\\f.txt");
	cr_assert_not(paths_name_truncated(&p, f));
	cr_assert_eq(paths_name_units(&p, f), 127u * 256 + 6);
	cr_assert_eq(strlen(gp), 127u * 256, "cut path of %zu bytes", strlen(gp));
	cr_assert(paths_name_truncated(&p, g));
	cr_assert_eq(paths_name_units(&p, g), 127u * 256);
	cr_assert_eq(strncmp(gp, fp, 127 * 256), 0, "the cut keeps the components from the root");

	cr_assert_not(paths_dir_truncated(&p, first + 126));
	cr_assert(paths_dir_truncated(&p, first + 127));
	char *d = paths_dir_alloc(&p, first + levels - 1);
	cr_assert_str_eq(d, gp);
	char small[64];
	cr_assert_eq(paths_dir(&p, first + levels - 1, small, sizeof(small)), 127u * 256, "snprintf-like length");
	cr_assert_eq(strlen(small), sizeof(small) - 1);

	/* one anomaly, on the directory where paths cross the limit */
	cr_assert_eq(count(&p.anomalies, "path_truncated"), 1);
	for (size_t i = 0; i < p.anomalies.items.count; i++) {
		const anomaly *an = &VEC_AT(&p.anomalies.items, anomaly, i);
		if (!strcmp(an->type, "path_truncated"))
			cr_assert_eq(an->record, first + 127);
	}
	free(fp);
	free(gp);
	free(d);
	paths_free(&p);
	mb_free(&m);
}
