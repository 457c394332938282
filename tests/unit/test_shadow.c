/* SPDX-License-Identifier: Apache-2.0 */
/* shadow_diff on two models made by the shared builder (a store "before", the live volume "after"), with the
 * changes written by hand from how the two models were built. */
#include <criterion/criterion.h>
#include <string.h>

#include "links.h"
#include "name_index.h"
#include "paths.h"
#include "resolve.h"
#include "model_builder.h"
#include "shadow.h"

/* One side: a model built by the test, indexed, linked and resolved as drive C: of its own image. */
typedef mb_volume side;

/* Readies side x over the model the test built and resolves its links. */
static void setup(side *x)
{
	mb_volume_ready(x);
	mb_volume_resolve(x, 'C');
}

/* Frees what the test built. */
static void teardown(side *x)
{
	mb_volume_free(x);
}

/* mb_tree_windows's volume and \g.txt (25, a file). */
static void tree(model *m)
{
	mb_tree_windows(m);
	mb_file(m, 25, 1);
	mb_name(m, 25, "g.txt", 5, 5, NTFS_NS_POSIX);
}

/* The store: \Users\bob (26); \f.txt also named \Users\alice\f2.txt; record 27 a set \h1, \h2 (sequence 1);
 * junction \j (40) -> C:\Windows; symlink \s (41) -> C:\Users\bob; junction \gone (42) -> C:\Users. */
static void store_side(model *m)
{
	tree(m);
	mb_dir(m, 26, 1);
	mb_name(m, 26, "bob", 22, 1, NTFS_NS_POSIX);
	mb_name(m, 24, "f2.txt", 23, 1, NTFS_NS_POSIX);
	mb_file(m, 27, 1);
	mb_name(m, 27, "h1", 5, 5, NTFS_NS_POSIX);
	mb_name(m, 27, "h2", 5, 5, NTFS_NS_POSIX);
	mb_dir(m, 40, 1);
	mb_name(m, 40, "j", 5, 5, NTFS_NS_POSIX);
	mb_junction(m, 40, "\\??\\C:\\Windows", "C:\\Windows");
	mb_dir(m, 41, 1);
	mb_name(m, 41, "s", 5, 5, NTFS_NS_POSIX);
	mb_symlink(m, 41, "\\??\\C:\\Users\\bob", "C:\\Users\\bob", false);
	mb_dir(m, 42, 1);
	mb_name(m, 42, "gone", 5, 5, NTFS_NS_POSIX);
	mb_junction(m, 42, "\\??\\C:\\Users", "C:\\Users");
}

/* The live volume: bob gone; \f.txt now also \f3.txt (f2.txt removed); \g.txt also \Users\g_link.txt; record 27
 * reused (sequence 2) by a one-name file; \j -> C:\Users\alice; \s unchanged (now stale); \gone deleted; new
 * junction \new (43) -> C:\Windows. */
static void live_side(model *m)
{
	tree(m);
	mb_name(m, 24, "f3.txt", 5, 5, NTFS_NS_POSIX);
	mb_name(m, 25, "g_link.txt", 22, 1, NTFS_NS_POSIX);
	mb_file(m, 27, 2);
	mb_name(m, 27, "other", 5, 5, NTFS_NS_POSIX);
	mb_dir(m, 40, 1);
	mb_name(m, 40, "j", 5, 5, NTFS_NS_POSIX);
	mb_junction(m, 40, "\\??\\C:\\Users\\alice", "C:\\Users\\alice");
	mb_dir(m, 41, 1);
	mb_name(m, 41, "s", 5, 5, NTFS_NS_POSIX);
	mb_symlink(m, 41, "\\??\\C:\\Users\\bob", "C:\\Users\\bob", false);
	mb_dir(m, 43, 1);
	mb_name(m, 43, "new", 5, 5, NTFS_NS_POSIX);
	mb_junction(m, 43, "\\??\\C:\\Windows", "C:\\Windows");
}

static void expect_change(const vec *ch, size_t i, const char *change, uint32_t rec, const char *kind, const char *path,
			  const char *before, const char *after)
{
	cr_assert_lt(i, ch->count, "change %zu missing (%zu changes)", i, ch->count);
	const shadow_change *c = &VEC_AT(ch, shadow_change, i);
	cr_expect_str_eq(shadow_change_name(c->change), change, "change %zu", i);
	cr_expect_eq(c->record, rec, "change %zu: record %u", i, c->record);
	cr_expect_str_eq(c->kind, kind, "change %zu", i);
	cr_expect_str_eq(c->path, path, "change %zu", i);
	if (before)
		cr_expect_str_eq(c->before ? c->before : "(null)", before, "change %zu before", i);
	else
		cr_expect_null(c->before, "change %zu before: %s", i, c->before);
	if (after)
		cr_expect_str_eq(c->after ? c->after : "(null)", after, "change %zu after", i);
	else
		cr_expect_null(c->after, "change %zu after: %s", i, c->after);
	cr_expect(c->against_live, "change %zu is against the live volume", i);
}

Test(shadow, store_against_live_volume)
{
	side store, live;
	store_side(&store.m);
	live_side(&live.m);
	setup(&store);
	setup(&live);
	shadow_side before = {.m = &store.m, .p = &store.p, .links = &store.links};
	shadow_side after = {.m = &live.m, .p = &live.p, .links = &live.links};
	vec ch;
	vec_init(&ch, sizeof(shadow_change));
	cr_assert_eq(shadow_diff(&before, &after, true, &ch, NULL), NTFS_OK);
	expect_change(&ch, 0, "name_added", 24, "hardlink_set", "\\f3.txt", NULL, "\\f3.txt");
	expect_change(&ch, 1, "name_removed", 24, "hardlink_set", "\\Users\\alice\\f2.txt", "\\Users\\alice\\f2.txt", NULL);
	expect_change(&ch, 2, "name_added", 25, "hardlink_set", "\\Users\\g_link.txt", NULL, "\\Users\\g_link.txt");
	expect_change(&ch, 3, "removed", 27, "hardlink_set", "\\h1", "2 names", NULL);
	expect_change(&ch, 4, "retargeted", 40, "junction", "\\j", "\\??\\C:\\Windows", "\\??\\C:\\Users\\alice");
	expect_change(&ch, 5, "status_changed", 41, "symlink", "\\s", "ok", "stale");
	expect_change(&ch, 6, "removed", 42, "junction", "\\gone", "\\??\\C:\\Users", NULL);
	expect_change(&ch, 7, "added", 43, "junction", "\\new", NULL, "\\??\\C:\\Windows");
	cr_expect_eq(ch.count, 8, "%zu changes", ch.count);
	shadow_changes_free(&ch);
	teardown(&store);
	teardown(&live);
}

Test(shadow, identical_sides_have_no_changes)
{
	side x, y;
	store_side(&x.m);
	store_side(&y.m);
	setup(&x);
	setup(&y);
	shadow_side sx = {.m = &x.m, .p = &x.p, .links = &x.links}, sy = {.m = &y.m, .p = &y.p, .links = &y.links};
	vec ch;
	vec_init(&ch, sizeof(shadow_change));
	cr_assert_eq(shadow_diff(&sx, &sy, false, &ch, NULL), NTFS_OK);
	cr_expect_eq(ch.count, 0, "%zu changes", ch.count);
	shadow_changes_free(&ch);
	teardown(&x);
	teardown(&y);
}
