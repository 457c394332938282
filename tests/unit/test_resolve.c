/* SPDX-License-Identifier: Apache-2.0 */
/* The resolver on models made by the shared builder: forms, rooted links, deleted targets, types, loops, no root. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "links.h"
#include "resolve.h"
#include "model_builder.h"

/* One volume of a test: the shared builder's volume and the drive letter it is resolved with. */
typedef struct {
	mb_volume v;
	char drive;
} test_vol;

/* One volume over the model the test built, indexed and with its links collected (drive C: when c). */
static void setup(test_vol *va, bool c)
{
	mb_volume_ready(&va->v);
	va->drive = c ? 'C' : 0;
}

/* Resolves the links of the one volume va. */
static void resolve_one(test_vol *va)
{
	mb_volume_resolve(&va->v, va->drive);
}

/* The resolved target of the link at record r. */
static const link_target *target_of(const test_vol *va, uint32_t r)
{
	for (size_t i = 0; i < va->v.links.count; i++) {
		const link_entry *le = &VEC_AT(&va->v.links, link_entry, i);
		if (le->record == r)
			return &le->target;
	}
	cr_assert_fail("no link at record %u", r);
	return NULL;
}

/* Frees what the test built. */
static void teardown(test_vol *va)
{
	mb_volume_free(&va->v);
}

Test(resolve, relative_symlink_starting_with_backslash_is_rooted_on_its_volume)
{
	test_vol va;
	mb_tree_windows(&va.v.m);
	mb_dir(&va.v.m, 40, 1);
	mb_name(&va.v.m, 40, "sys32", 23, 1, NTFS_NS_POSIX);
	mb_symlink(&va.v.m, 40, "\\Windows\\System32", "\\Windows\\System32", true);
	mb_file(&va.v.m, 41, 1);
	mb_name(&va.v.m, 41, "up", 23, 1, NTFS_NS_POSIX);
	mb_symlink(&va.v.m, 41, "..\\..\\f.txt", "..\\..\\f.txt", true);
	setup(&va, false);
	resolve_one(&va);
	const link_target *t = target_of(&va, 40);
	cr_assert_eq(t->status, LINK_STATUS_OK, "%s", t->reason);
	cr_assert_eq(t->form, TARGET_FORM_ROOTED);
	cr_assert_eq(t->record, 21);
	cr_assert_str_eq(t->path, "\\Windows\\System32");
	t = target_of(&va, 41);
	cr_assert_eq(t->status, LINK_STATUS_OK, "%s", t->reason);
	cr_assert_eq(t->form, TARGET_FORM_RELATIVE);
	cr_assert_eq(t->record, 24);
	teardown(&va);
}

Test(resolve, nt_paths_are_classified_not_walked)
{
	static const struct {
		const char *sub;
		target_form form;
		uint32_t shadow;
	} cases[] = {
		{"\\Device\\HarddiskVolume2\\x", TARGET_FORM_DEVICE, 0},
		{"\\??\\GLOBALROOT\\Device\\HarddiskVolume2\\x", TARGET_FORM_DEVICE, 0},
		{"\\??\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy7\\Windows", TARGET_FORM_SHADOW_COPY, 7},
		{"\\RPC Control\\x", TARGET_FORM_OBJECT_MANAGER, 0},
		{"\\BaseNamedObjects\\Global\\y", TARGET_FORM_OBJECT_MANAGER, 0},
		{"\\??\\Volume{3c2e8f41-7a5d-4b6e-9f10-2d4c6b8a0e13}\\", TARGET_FORM_VOLUME_GUID, 0},
	};
	test_vol va;
	mb_tree_windows(&va.v.m);
	for (uint32_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		char name[8];
		snprintf(name, sizeof(name), "n%u", k);
		mb_dir(&va.v.m, 40 + k, 1);
		mb_name(&va.v.m, 40 + k, name, 5, 5, NTFS_NS_POSIX);
		mb_junction(&va.v.m, 40 + k, cases[k].sub, "");
	}
	setup(&va, true);
	resolve_one(&va);
	for (uint32_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		const link_target *t = target_of(&va, 40 + k);
		cr_expect_eq(t->status, LINK_STATUS_EXTERNAL, "%s: %s", cases[k].sub, t->reason);
		cr_expect_eq(t->form, cases[k].form, "%s: form %d", cases[k].sub, t->form);
		cr_expect_eq(t->shadow_copy, cases[k].shadow, "%s", cases[k].sub);
		cr_expect_null(t->path, "%s was walked: %s", cases[k].sub, t->path);
	}
	teardown(&va);
}

Test(resolve, symlink_kind_must_match_the_target_type)
{
	test_vol va;
	mb_tree_windows(&va.v.m);
	mb_file(&va.v.m, 40, 1);
	mb_name(&va.v.m, 40, "file_onto_dir", 5, 5, NTFS_NS_POSIX);
	mb_symlink(&va.v.m, 40, "\\??\\C:\\Windows", "C:\\Windows", false);
	mb_dir(&va.v.m, 41, 1);
	mb_name(&va.v.m, 41, "dir_onto_file", 5, 5, NTFS_NS_POSIX);
	mb_symlink(&va.v.m, 41, "\\??\\C:\\f.txt", "C:\\f.txt", false);
	mb_dir(&va.v.m, 42, 1);
	mb_name(&va.v.m, 42, "dir_ok", 5, 5, NTFS_NS_POSIX);
	mb_symlink(&va.v.m, 42, "\\??\\C:\\Windows", "C:\\Windows", false);
	setup(&va, true);
	resolve_one(&va);
	cr_expect_eq(target_of(&va, 40)->status, LINK_STATUS_TYPE_MISMATCH);
	cr_expect_eq(target_of(&va, 41)->status, LINK_STATUS_TYPE_MISMATCH);
	cr_expect_eq(target_of(&va, 42)->status, LINK_STATUS_OK);
	teardown(&va);
}

Test(resolve, stale_target_names_the_deepest_deleted_record)
{
	test_vol va;
	mb_tree_windows(&va.v.m);
	/* \gone (30) and \gone\inner (31) deleted with \gone\inner\t.txt (32): each sequence moved on by one */
	mb_record(&va.v.m, 30, true, false, 2);
	mb_name(&va.v.m, 30, "gone", 5, 5, NTFS_NS_POSIX);
	mb_record(&va.v.m, 31, true, false, 2);
	mb_name(&va.v.m, 31, "inner", 30, 1, NTFS_NS_POSIX);
	mb_record(&va.v.m, 32, false, false, 2);
	mb_name(&va.v.m, 32, "t.txt", 31, 1, NTFS_NS_POSIX);
	mb_file(&va.v.m, 40, 1);
	mb_name(&va.v.m, 40, "to_t", 5, 5, NTFS_NS_POSIX);
	mb_symlink(&va.v.m, 40, "\\??\\C:\\gone\\inner\\t.txt", "C:\\gone\\inner\\t.txt", false);
	mb_file(&va.v.m, 41, 1);
	mb_name(&va.v.m, 41, "to_never", 5, 5, NTFS_NS_POSIX);
	mb_symlink(&va.v.m, 41, "\\??\\C:\\gone\\inner\\never.txt", "C:\\gone\\inner\\never.txt", false);
	setup(&va, true);
	resolve_one(&va);
	const link_target *t = target_of(&va, 40);
	cr_assert_eq(t->status, LINK_STATUS_STALE);
	cr_assert(t->has_deleted);
	cr_expect_eq(t->deleted_record, 32);
	cr_expect_eq(t->deleted_sequence, 2);
	cr_expect_str_eq(t->deleted_path, "\\gone\\inner\\t.txt");
	t = target_of(&va, 41);
	cr_assert(t->has_deleted);
	cr_expect_eq(t->deleted_record, 31);
	cr_expect_str_eq(t->deleted_path, "\\gone\\inner");
	teardown(&va);
}

Test(resolve, chains_count_every_link_and_cycles_are_loops)
{
	test_vol va;
	mb_init(&va.v.m, 256);
	mb_dir(&va.v.m, 5, 5);
	mb_name(&va.v.m, 5, ".", 5, 5, NTFS_NS_WIN32_DOS);
	mb_file(&va.v.m, 20, 1);
	mb_name(&va.v.m, 20, "end", 5, 5, NTFS_NS_POSIX);
	/* l1 -> l2 -> ... -> l64 -> end: l1 needs 64 links (loop), l2 63 (ok) */
	for (uint32_t k = 1; k <= 64; k++) {
		char name[8], next[8];
		snprintf(name, sizeof(name), "l%u", k);
		snprintf(next, sizeof(next), k < 64 ? "l%u" : "end", k + 1);
		mb_file(&va.v.m, 30 + k, 1);
		mb_name(&va.v.m, 30 + k, name, 5, 5, NTFS_NS_POSIX);
		mb_symlink(&va.v.m, 30 + k, next, next, true);
	}
	mb_file(&va.v.m, 200, 1);
	mb_name(&va.v.m, 200, "ping", 5, 5, NTFS_NS_POSIX);
	mb_symlink(&va.v.m, 200, "pong", "pong", true);
	mb_file(&va.v.m, 201, 1);
	mb_name(&va.v.m, 201, "pong", 5, 5, NTFS_NS_POSIX);
	mb_symlink(&va.v.m, 201, "ping", "ping", true);
	setup(&va, false);
	resolve_one(&va);
	cr_expect_eq(target_of(&va, 31)->status, LINK_STATUS_LOOP, "%s", target_of(&va, 31)->reason);
	cr_expect_eq(target_of(&va, 32)->status, LINK_STATUS_OK, "%s", target_of(&va, 32)->reason);
	cr_expect_eq(target_of(&va, 32)->record, 20);
	cr_expect_eq(target_of(&va, 200)->status, LINK_STATUS_LOOP);
	cr_expect_eq(target_of(&va, 201)->status, LINK_STATUS_LOOP);
	teardown(&va);
}

Test(resolve, no_root_record_is_never_read_nor_claimed)
{
	test_vol va;
	mb_init(&va.v.m, 2);
	mb_file(&va.v.m, 1, 1);
	mb_name(&va.v.m, 1, "dot", 5, 5, NTFS_NS_POSIX);
	mb_symlink(&va.v.m, 1, ".", ".", true);
	setup(&va, false);
	resolve_one(&va);
	const link_target *t = target_of(&va, 1);
	cr_expect_eq(t->status, LINK_STATUS_STALE, "%s", t->reason);
	cr_expect_not(t->has_record);
	teardown(&va);
}

Test(resolve, needs_attention_is_allocated_and_broken)
{
	link_entry le;
	memset(&le, 0, sizeof(le));
	le.has_target = true;
	le.allocated = true;
	le.target.status = LINK_STATUS_STALE;
	cr_expect(link_needs_attention(&le));
	le.allocated = false;
	cr_expect_not(link_needs_attention(&le), "a deleted link is counted in no stale list");
	le.allocated = true;
	le.target.status = LINK_STATUS_EXTERNAL;
	cr_expect_not(link_needs_attention(&le));
	cr_expect_str_eq(link_status_name(LINK_STATUS_TYPE_MISMATCH), "type_mismatch");
	cr_expect_str_eq(target_form_name(TARGET_FORM_SHADOW_COPY), "shadow_copy");
	cr_expect_null(target_form_name(TARGET_FORM_NONE));
}
