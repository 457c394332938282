/* SPDX-License-Identifier: Apache-2.0 */
/* The extension-record merge (model_merge) on hand-built models: which extensions a base accepts, what they bring. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "model_builder.h"
#include "std_info.h"

/* Counts anomalies of one type. */
static int count(const model *m, const char *type)
{
	int n = 0;
	for (size_t i = 0; i < m->anomalies.items.count; i++)
		n += !strcmp(VEC_AT(&m->anomalies.items, anomaly, i).type, type);
	return n;
}

/* The UTF-8 text of the k-th name of record r. */
static const char *name_of(const model *m, uint32_t r, uint32_t k)
{
	static char buf[300];
	const name_info *n = model_record_name(m, r, k);
	memcpy(buf, model_name_str(m, n), n->len);
	buf[n->len] = '\0';
	return buf;
}

Test(model_merge, extension_names_data_and_reparse_go_to_the_base)
{
	model m;
	mb_init(&m, 40);
	mb_dir(&m, 5, 5);
	mb_name(&m, 5, ".", 5, 5, NTFS_NS_WIN32_DOS);
	mb_file(&m, 30, 3);
	mb_name(&m, 30, "a.txt", 5, 5, NTFS_NS_WIN32);
	mb_extension(&m, 31, 30, 3, true, 1);
	mb_name(&m, 31, "b.txt", 5, 5, NTFS_NS_POSIX);
	mb_name_with_alias(&m, 31, "Long name.txt", "LONGNA~1.TXT", 5, 5);
	mb_data(&m, 31, 5000);
	mb_junction(&m, 31, "\\??\\C:\\x", "C:\\x");
	cr_assert(mb_merge(&m));
	const rec_info *b = &m.recs[30], *e = &m.recs[31];
	cr_assert(e->flags & REC_EXT_VALID);
	cr_assert_eq(b->name_count, 4, "the base owns its name and the extension's three");
	cr_assert_eq(b->link_names, 3, "the DOS alias is no link");
	cr_assert_eq(e->name_count, 0);
	cr_assert_str_eq(name_of(&m, 30, 0), "a.txt");
	cr_assert_str_eq(name_of(&m, 30, 1), "b.txt", "names keep record order, then attribute order");
	cr_assert_eq(model_record_name(&m, 30, 3)->ns, NTFS_NS_DOS);
	cr_assert_eq(model_record_name(&m, 30, 1)->owner, 30, "the extension's name belongs to the base");
	cr_assert(b->flags & REC_HAS_DATA);
	cr_assert_eq(model_sizes(&m, 30)->data_size, 5000);
	cr_assert_eq(model_sizes(&m, 30)->allocated_size, 8192);
	cr_assert(b->flags & REC_HAS_REPARSE);
	cr_assert_eq(model_reparse_of(&m, 30), 0, "the base points at the extension's $REPARSE_POINT");
	cr_assert_eq(m.anomalies.items.count, 0);
	mb_free(&m);
}

Test(model_merge, a_descriptor_in_an_accepted_extension_is_the_base_s_to_read)
{
	model m;
	mb_init(&m, 40);
	mb_file(&m, 30, 3);
	mb_extension(&m, 31, 30, 3, true, 1);
	m.recs[31].flags |= REC_SD_IN_EXT; /* as the scan marks an extension holding an unnamed $SECURITY_DESCRIPTOR */
	mb_file(&m, 33, 4);
	mb_extension(&m, 34, 33, 2, true, 1); /* stale sequence: rejected */
	m.recs[34].flags |= REC_SD_IN_EXT;
	cr_assert(mb_merge(&m));
	cr_assert(m.recs[30].flags & REC_SD_IN_EXT, "the accepted extension's descriptor is read for its base");
	cr_assert_not(m.recs[33].flags & REC_SD_IN_EXT, "a rejected extension's descriptor is not its claimed base's");
	cr_assert_not(m.recs[31].flags & REC_SD_IN_EXT);
	cr_assert_not(m.recs[34].flags & REC_SD_IN_EXT, "after the merge the flag is a base record's only");
	mb_free(&m);
}

Test(model_merge, base_data_wins_over_an_extension_s)
{
	model m;
	mb_init(&m, 40);
	mb_file(&m, 30, 3);
	mb_data(&m, 30, 10);
	mb_extension(&m, 31, 30, 3, true, 1);
	mb_data(&m, 31, 99999);
	cr_assert(mb_merge(&m));
	cr_assert_eq(model_sizes(&m, 30)->data_size, 10);
	mb_free(&m);
}

Test(model_merge, rejected_extensions_keep_their_names_and_become_anomalies)
{
	model m;
	mb_init(&m, 40);
	mb_file(&m, 30, 3);
	mb_extension(&m, 31, 30, 2, true, 1);  /* stale sequence: the base record was reused */
	mb_name(&m, 31, "stale", 5, 5, NTFS_NS_WIN32);
	mb_extension(&m, 32, 31, 1, true, 1);  /* names an extension record as its base */
	mb_extension(&m, 33, 33, 1, true, 1);  /* names itself */
	mb_record(&m, 34, false, false, 7);    /* a deleted base ... */
	mb_extension(&m, 35, 34, 7, true, 1);  /* ... with an allocated extension */
	mb_extension(&m, 36, 20, 1, true, 1);  /* base record 20 is empty */
	mb_extension(&m, 37, 20, 1, false, 1); /* a deleted extension is rejected silently */
	cr_assert(mb_merge(&m));
	for (uint32_t r = 31; r <= 37; r++)
		cr_assert_not(m.recs[r].flags & REC_EXT_VALID, "record %u", r);
	cr_assert_eq(count(&m, "orphan_extension"), 5, "one per allocated rejected extension");
	cr_assert_eq(m.recs[30].name_count, 0);
	cr_assert_eq(m.recs[31].name_count, 1, "a rejected extension's name stays with the record that holds it");
	mb_free(&m);
}

Test(model_merge, a_freed_base_accepts_its_freed_extensions_one_sequence_behind)
{
	model m;
	mb_init(&m, 40);
	mb_record(&m, 30, false, false, 8);     /* freeing bumped the sequence from 7 to 8 */
	mb_name(&m, 30, "gone.txt", 5, 5, NTFS_NS_WIN32);
	mb_extension(&m, 31, 30, 7, false, 1);
	mb_name(&m, 31, "gone too.txt", 5, 5, NTFS_NS_WIN32);
	mb_extension(&m, 32, 30, 6, false, 1);  /* two behind: another file's */
	cr_assert(mb_merge(&m));
	cr_assert(m.recs[31].flags & REC_EXT_VALID);
	cr_assert_not(m.recs[32].flags & REC_EXT_VALID);
	cr_assert_eq(m.recs[30].name_count, 2);
	cr_assert_eq(count(&m, "orphan_extension"), 0);
	mb_free(&m);
}

/* Without want_sizes the merge keeps the sizes only of the records that show them and frees the table of all. */
Test(model_merge, sizes_kept_for_sets_and_system_files_only)
{
	model m;
	mb_init(&m, 40);
	m.want_sizes = false;
	mb_dir(&m, 5, 5);
	mb_file(&m, 30, 1);                     /* a hard-link set whose second name sits in an extension */
	mb_name(&m, 30, "a.txt", 5, 5, NTFS_NS_WIN32);
	mb_extension(&m, 31, 30, 1, true, 1);
	mb_name(&m, 31, "b.txt", 5, 5, NTFS_NS_WIN32);
	mb_data(&m, 31, 5000);
	m.sizes[31].disk_size = 8192;
	mb_file(&m, 32, 1);                     /* one name and a DOS alias: no set */
	mb_name_with_alias(&m, 32, "Long name.txt", "LONGNA~1.TXT", 5, 5);
	mb_data(&m, 32, 777);
	mb_file(&m, 33, 1);                     /* the system flag: a POSIX link candidate */
	mb_name(&m, 33, "link", 5, 5, NTFS_NS_POSIX);
	m.recs[33].std_attrs = REC_FA_SYSTEM;
	mb_data(&m, 33, 20);
	mb_file(&m, 34, 1);                     /* a set of two names with no data */
	mb_name(&m, 34, "x", 5, 5, NTFS_NS_POSIX);
	mb_name(&m, 34, "y", 5, 5, NTFS_NS_POSIX);
	cr_assert(mb_merge(&m));
	cr_assert_null(m.sizes, "the table of every record's sizes is freed");
	cr_assert_eq(m.sizes_kept.count, 2, "the set's and the system file's: zero sizes and the others are not kept");
	cr_assert_eq(model_sizes(&m, 30)->data_size, 5000, "the extension's data moved to the base");
	cr_assert_eq(model_sizes(&m, 30)->allocated_size, 8192);
	cr_assert_eq(model_sizes(&m, 30)->disk_size, 8192);
	cr_assert_eq(model_sizes(&m, 32)->data_size, 0, "a record that is no set prints no size");
	cr_assert_eq(model_sizes(&m, 33)->data_size, 20);
	cr_assert_eq(model_sizes(&m, 34)->data_size, 0);
	cr_assert_eq(model_sizes(&m, 39)->data_size, 0);
	cr_assert_eq(model_sizes(&m, 4000)->data_size, 0, "past the table");
	mb_free(&m);
}

/* model_sizes of a table of many kept sizes: the same answer in record order, backwards, jumping about, for
 * records without an entry and past the table (each thread's lookups start where its last one ended). */
Test(model_merge, kept_sizes_found_in_any_order)
{
	model m;
	mb_init(&m, 700);
	m.want_sizes = false;
	mb_dir(&m, 5, 5);
	for (uint32_t r = 30; r < 700; r += 3) {  /* system files: their sizes are kept */
		char name[16];
		snprintf(name, sizeof(name), "f%u", r);
		mb_file(&m, r, 1);
		mb_name(&m, r, name, 5, 5, NTFS_NS_POSIX);
		m.recs[r].std_attrs = REC_FA_SYSTEM;
		mb_data(&m, r, 10u * r);
	}
	cr_assert(mb_merge(&m));
	cr_assert_eq(m.sizes_kept.count, (700 - 30 + 2) / 3);
	for (int pass = 0; pass < 3; pass++) {
		for (uint32_t i = 0; i < 700; i++) {
			/* forwards, backwards, then a stride that jumps far both ways (331 is prime to 700) */
			uint32_t r = pass == 0 ? i : pass == 1 ? 699 - i : (uint32_t)((i * 331u) % 700u);
			uint64_t want = r >= 30 && (r - 30) % 3 == 0 ? 10u * r : 0;
			cr_assert_eq(model_sizes(&m, r)->data_size, want, "record %u (pass %d)", r, pass);
		}
		cr_assert_eq(model_sizes(&m, 4000)->data_size, 0, "past the table");
	}
	/* kept records only, 1, 2, 4, ... 64 entries apart, forwards then backwards: a probe lands on the key */
	for (uint32_t step = 1; step <= 64; step *= 2) {
		for (uint32_t r = 30; r < 700; r += 3 * step)
			cr_assert_eq(model_sizes(&m, r)->data_size, 10u * r, "record %u (every %u-th kept)", r, step);
		for (int64_t r = 30 + 3 * step * ((699 - 30) / (3 * step)); r >= 30; r -= 3 * step)
			cr_assert_eq(model_sizes(&m, (uint32_t)r)->data_size, 10u * (uint64_t)r,
				     "record %lld (every %u-th kept, back)", (long long)r, step);
	}
	mb_free(&m);
}

Test(model_merge, primary_name_skips_dos_aliases)
{
	model m;
	mb_init(&m, 40);
	mb_file(&m, 30, 1);
	mb_name(&m, 30, "PROGRA~1", 5, 5, NTFS_NS_DOS);
	mb_name(&m, 30, "Program Files", 5, 5, NTFS_NS_WIN32);
	mb_file(&m, 31, 1);
	mb_name(&m, 31, "ONLY~1", 5, 5, NTFS_NS_DOS);
	cr_assert(mb_merge(&m));
	cr_assert_eq(model_primary_name(&m, 30), model_record_name(&m, 30, 1));
	cr_assert_eq(model_primary_name(&m, 31), model_record_name(&m, 31, 0), "a DOS name when it is all there is");
	cr_assert_null(model_primary_name(&m, 32));
	mb_free(&m);
}

Test(model_links, the_names_that_are_links_skip_dos_aliases_wherever_they_sit)
{
	model m;
	mb_init(&m, 40);
	mb_dir(&m, 5, 5);
	mb_file(&m, 30, 1);
	mb_name(&m, 30, "PROGRA~1.TXT", 5, 5, NTFS_NS_DOS);
	mb_name(&m, 30, "Program notes.txt", 5, 5, NTFS_NS_WIN32);
	mb_name(&m, 30, "hard link.txt", 33, 1, NTFS_NS_POSIX);
	mb_name(&m, 30, "BOTH.TXT", 5, 5, NTFS_NS_WIN32_DOS);
	mb_name(&m, 30, "HARDLI~1.TXT", 33, 1, NTFS_NS_DOS);
	mb_file(&m, 31, 1);
	mb_name(&m, 31, "ONLY~1", 5, 5, NTFS_NS_DOS);
	cr_assert(mb_merge(&m));
	const char *want[] = {"Program notes.txt", "hard link.txt", "BOTH.TXT"};
	uint32_t k = 0, seen = 0;
	for (const name_info *n; (n = model_link_next(&m, 30, &k));) {
		cr_assert_lt(seen, 3);
		cr_assert_eq(n->len, strlen(want[seen]));
		cr_assert(!memcmp(model_name_str(&m, n), want[seen], n->len), "link %u", seen);
		seen++;
	}
	cr_assert_eq(seen, 3);
	cr_assert_eq(seen, m.recs[30].link_names, "the iterator and the model's count agree");
	k = 0;
	cr_assert_null(model_link_next(&m, 31, &k), "a record with only a DOS name has no link");
	cr_assert_eq(m.recs[31].link_names, 0);
	k = 0;
	cr_assert_null(model_link_next(&m, 32, &k), "nor has an empty record");
	mb_free(&m);
}

Test(model_links, a_win32_name_s_alias_is_the_dos_name_in_its_directory)
{
	model m;
	mb_init(&m, 40);
	mb_file(&m, 30, 1);
	mb_name(&m, 30, "HARDLI~1.TXT", 33, 1, NTFS_NS_DOS);  /* another directory's alias */
	uint32_t w = mb_name_with_alias(&m, 30, "Long name.txt", "LONGNA~1.TXT", 5, 5);
	mb_name(&m, 30, "posix", 5, 5, NTFS_NS_POSIX);
	cr_assert(mb_merge(&m));
	const name_info *win32 = NULL, *posix = NULL;
	for (uint32_t k = 0; k < m.recs[30].name_count; k++) {
		const name_info *n = model_record_name(&m, 30, k);
		if (n == model_name(&m, w))
			win32 = n;
		if (n->ns == NTFS_NS_POSIX)
			posix = n;
	}
	cr_assert_not_null(win32);
	const name_info *alias = model_dos_alias(&m, 30, win32);
	cr_assert_not_null(alias);
	cr_assert(!memcmp(model_name_str(&m, alias), "LONGNA~1.TXT", 12));
	cr_assert_null(model_dos_alias(&m, 30, posix), "only Win32 names have aliases");
	mb_free(&m);
}
