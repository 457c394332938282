/* SPDX-License-Identifier: Apache-2.0 */
/* The name index on hand-built models: case-insensitive lookups per directory, allocated names first, paths. */
#include <criterion/criterion.h>
#include <string.h>

#include "model_builder.h"
#include "name_index.h"

/* A small tree: \Windows\System32 (allocated), \Users\Alice with a file under two names and a DOS alias,
 * a deleted \Users\alice.txt beside an allocated \Users\ALICE.TXT, and a name whose parent was reused. */
static void small_tree(model *m)
{
	mb_init(m, 64);
	mb_dir(m, 5, 5);
	mb_name(m, 5, ".", 5, 5, NTFS_NS_WIN32_DOS);
	mb_dir(m, 30, 1);
	mb_name(m, 30, "Windows", 5, 5, NTFS_NS_WIN32_DOS);
	mb_dir(m, 31, 2);
	mb_name(m, 31, "System32", 30, 1, NTFS_NS_WIN32_DOS);
	mb_dir(m, 32, 1);
	mb_name(m, 32, "Users", 5, 5, NTFS_NS_WIN32_DOS);
	mb_dir(m, 33, 4);
	mb_name(m, 33, "Alice", 32, 1, NTFS_NS_WIN32_DOS);
	mb_file(m, 40, 1);
	mb_name_with_alias(m, 40, "Résumé final.docx", "RSUMFI~1.DOC", 33, 4);
	mb_name(m, 40, "link.docx", 32, 1, NTFS_NS_POSIX);
	mb_record(m, 41, false, false, 3);     /* deleted first, in record order */
	mb_name(m, 41, "alice.txt", 32, 1, NTFS_NS_WIN32);
	mb_file(m, 42, 1);
	mb_name(m, 42, "ALICE.TXT", 32, 1, NTFS_NS_WIN32);
	mb_file(m, 43, 1);
	mb_name(m, 43, "old.txt", 33, 3, NTFS_NS_WIN32); /* Alice is at sequence 4 now */
	cr_assert(mb_merge(m));
}

/* The index takes the scan's hashes; built again, it hashes the names itself and finds the same. */
Test(name_index, takes_the_models_hashes_and_rebuilds_without_them)
{
	model m;
	name_index ix;
	small_tree(&m);
	size_t names = m.names.count;
	cr_assert_eq(m.name_hashes.count, names);
	cr_assert_eq(name_index_build(&ix, &m, NULL), NTFS_OK);
	cr_assert_eq(m.name_hashes.count, 0, "the index owns the hashes now");
	uint32_t out[4], first[4];
	size_t a = name_index_find(&ix, 32, "alice.TXT", 9, first, 4);
	name_index_free(&ix);
	cr_assert_eq(name_index_build(&ix, &m, NULL), NTFS_OK);
	cr_assert_eq(name_index_find(&ix, 32, "alice.TXT", 9, out, 4), a);
	cr_assert_eq(a, 2, "the allocated ALICE.TXT, then the deleted alice.txt");
	cr_assert_eq(out[0], first[0]);
	cr_assert_eq(out[1], first[1]);
	cr_assert_eq(name_index_find(&ix, 33, "RÉSUMÉ FINAL.DOCX", strlen("RÉSUMÉ FINAL.DOCX"), out, 4), 1);
	cr_assert_eq(model_name(&m, out[0])->owner, 40);
	name_index_free(&ix);
	mb_free(&m);
}

Test(name_index, finds_names_case_insensitively_in_their_directory)
{
	model m;
	name_index ix;
	small_tree(&m);
	cr_assert_eq(name_index_build(&ix, &m, NULL), NTFS_OK);
	uint32_t out[4];
	cr_assert_eq(name_index_find(&ix, 5, "WINDOWS", 7, out, 4), 1);
	cr_assert_eq(model_name(&m, out[0])->owner, 30);
	cr_assert_eq(name_index_find(&ix, 33, "RÉSUMÉ FINAL.DOCX", strlen("RÉSUMÉ FINAL.DOCX"), out, 4), 1,
		     "upcased through $UpCase, beyond ASCII");
	cr_assert_eq(model_name(&m, out[0])->owner, 40);
	cr_assert_eq(name_index_find(&ix, 33, "rsumfi~1.doc", 12, out, 4), 1, "DOS aliases are names too");
	cr_assert_eq(name_index_find(&ix, 32, "LINK.docx", 9, out, 4), 1, "a hard link in another directory");
	cr_assert_eq(model_name(&m, out[0])->owner, 40);
	cr_assert_eq(name_index_find(&ix, 5, "link.docx", 9, out, 4), 0, "only in its own directory");
	cr_assert_eq(name_index_find(&ix, 33, "nothing", 7, out, 4), 0);
	name_index_free(&ix);
	mb_free(&m);
}

Test(name_index, allocated_names_come_before_deleted_ones)
{
	model m;
	name_index ix;
	small_tree(&m);
	cr_assert_eq(name_index_build(&ix, &m, NULL), NTFS_OK);
	uint32_t out[4];
	cr_assert_eq(name_index_find(&ix, 32, "Alice.Txt", 9, out, 4), 2);
	cr_assert_eq(model_name(&m, out[0])->owner, 42, "the allocated file first, though its record comes later");
	cr_assert_eq(model_name(&m, out[1])->owner, 41);
	cr_assert_eq(name_index_find(&ix, 32, "alice.txt", 9, out, 1), 1, "no more than cap");
	cr_assert_eq(model_name(&m, out[0])->owner, 42);
	name_index_free(&ix);
	mb_free(&m);
}

Test(name_index, a_name_whose_parent_was_reused_is_listed_nowhere)
{
	model m;
	name_index ix;
	small_tree(&m);
	cr_assert_eq(name_index_build(&ix, &m, NULL), NTFS_OK);
	uint32_t out[4];
	cr_assert_eq(name_index_find(&ix, 33, "old.txt", 7, out, 4), 0);
	cr_assert_eq(name_index_parent(&ix, model_record_name_index(&m, 43, 0)), PATHS_ORPHAN);
	cr_assert_eq(name_index_parent(&ix, model_record_name_index(&m, 33, 0)), 32);
	name_index_free(&ix);
	mb_free(&m);
}

Test(name_index, directory_paths_follow_allocated_directories_only)
{
	model m;
	name_index ix;
	small_tree(&m);
	cr_assert_eq(name_index_build(&ix, &m, NULL), NTFS_OK);
	cr_assert_eq(name_index_root(&ix), 5);
	cr_assert_eq(name_index_dir(&ix, "\\"), 5);
	cr_assert_eq(name_index_dir(&ix, NULL), 5);
	cr_assert_eq(name_index_dir(&ix, "\\windows\\SYSTEM32"), 31);
	cr_assert_eq(name_index_dir(&ix, "/Users/alice/"), 33, "either separator, trailing one ignored");
	cr_assert_eq(name_index_dir(&ix, "\\Users\\ALICE.TXT"), MODEL_NONE, "a file is no directory");
	cr_assert_eq(name_index_dir(&ix, "\\Windows\\System64"), MODEL_NONE);
	name_index_free(&ix);
	mb_free(&m);
}

Test(name_index, no_root_no_paths)
{
	model m;
	name_index ix;
	mb_init(&m, 10);
	mb_record(&m, 5, true, false, 5); /* the root record is not in use */
	mb_name(&m, 5, ".", 5, 5, NTFS_NS_WIN32_DOS);
	cr_assert(mb_merge(&m));
	cr_assert_eq(name_index_build(&ix, &m, NULL), NTFS_OK);
	cr_assert_eq(name_index_root(&ix), MODEL_NONE);
	cr_assert_eq(name_index_dir(&ix, "\\"), MODEL_NONE);
	name_index_free(&ix);
	mb_free(&m);
}

/* 20,000 names "a" and "A" (one upcased key) in the root, some deleted, and one \b: chains, not clusters. */
Test(name_index, many_equal_keys_in_one_directory_stay_in_order, .timeout = 20)
{
	const uint32_t n = 20000, first = 16;
	model m;
	name_index ix;
	mb_init(&m, first + n + 1);
	mb_dir(&m, 5, 5);
	mb_name(&m, 5, ".", 5, 5, NTFS_NS_WIN32_DOS);
	for (uint32_t i = 0; i < n; i++) {
		mb_record(&m, first + i, false, i % 4 != 3, 1); /* every fourth deleted */
		mb_name(&m, first + i, i & 1 ? "A" : "a", 5, 5, NTFS_NS_POSIX);
	}
	mb_file(&m, first + n, 1);
	mb_name(&m, first + n, "b", 5, 5, NTFS_NS_POSIX);
	cr_assert(mb_merge(&m));
	cr_assert_eq(name_index_build(&ix, &m, NULL), NTFS_OK);
	static uint32_t out[20000];
	cr_assert_eq(name_index_find(&ix, 5, "a", 1, out, n), n);
	for (uint32_t k = 0; k < n; k++) { /* the 15,000 allocated in record order, then the 5,000 deleted */
		uint32_t want = k < 15000 ? first + k / 3 * 4 + k % 3 : first + (k - 15000) * 4 + 3;
		cr_assert_eq(model_name(&m, out[k])->owner, want, "match %u is record %u", k, model_name(&m, out[k])->owner);
	}
	cr_assert_eq(name_index_find(&ix, 5, "B", 1, out, 4), 1, "another key beside the long chain");
	cr_assert_eq(model_name(&m, out[0])->owner, first + n);
	cr_assert_eq(name_index_find(&ix, 5, "a", 1, out, 3), 3, "a lookup stops after cap");
	cr_assert_eq(name_index_dir(&ix, "\\a"), MODEL_NONE, "no directory called a");
	name_index_free(&ix);
	mb_free(&m);
}

Test(name_index, parent_and_root_of_the_public_api)
{
	model m;
	name_index ix;
	small_tree(&m);
	cr_assert_eq(name_index_build(&ix, &m, NULL), NTFS_OK);
	cr_assert_eq(name_index_root(&ix), 5);
	uint32_t out[2];
	cr_assert_eq(name_index_find(&ix, 30, "system32", 8, out, 2), 1);
	cr_assert_eq(name_index_parent(&ix, out[0]), 30);
	cr_assert_eq(name_index_parent(&ix, model_record_name(&m, 5, 0) - model_name(&m, 0)), PATHS_ORPHAN,
		     "the root's own name is listed nowhere");
	cr_assert_eq(name_index_parent(&ix, (uint32_t)m.names.count), PATHS_ORPHAN, "out of range");
	cr_assert_eq(name_index_dir(&ix, "\\Windows\\System32"), 31);
	cr_assert_eq(name_index_dir(&ix, "/windows/system32/"), 31);
	name_index_free(&ix);
	mb_free(&m);
}

/* The name hash's step is FNV-1a over each unit's low byte then its high byte, for every unit: the
 * one-multiplication shortcut for units below 0x100 gives the same value as the two steps. */
Test(name_index, hash_step_is_bytewise_fnv1a_for_every_unit)
{
	const uint32_t seeds[] = {MODEL_NAME_HASH_SEED, 0, 1, 0x80000000u, 0xffffffffu, 0x12345678u};
	for (size_t s = 0; s < sizeof(seeds) / sizeof(seeds[0]); s++) {
		for (uint32_t u = 0; u <= 0xffff; u++) {
			uint32_t h = (seeds[s] ^ (u & 0xff)) * 16777619u;
			h = (h ^ (u >> 8)) * 16777619u;
			uint32_t got = model_name_hash_step(seeds[s], (uint16_t)u);
			if (got != h)
				cr_assert_fail("unit 0x%x seed 0x%x: step 0x%x, FNV-1a 0x%x", u, seeds[s], got, h);
		}
	}
	/* and a known value: "A" (0x0041) from the seed, FNV-1a of the bytes 41 00 */
	cr_assert_eq(model_name_hash_step(MODEL_NAME_HASH_SEED, 0x41), 0x6ad58324u);
}
