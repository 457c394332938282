/* SPDX-License-Identifier: Apache-2.0 */
/* Link-aware directory sizes on hand-built models: hard links counted once, shared bytes, which reparse
 * points are entered, and volumes with nothing to size. Every expected figure is worked out by hand. */
#include <criterion/criterion.h>
#include <string.h>

#include "du.h"
#include "resolve.h"
#include "model_builder.h"

/* A scanned volume's passes, as du reads them. */
typedef struct {
	model m;
	paths p;
	name_index ix;
	du_input in;
	vec out;
} sized;

/* Builds the paths and the name index of a merged model, ready for du_compute. */
static void passes(sized *s)
{
	cr_assert(mb_merge(&s->m));
	cr_assert_eq(paths_build(&s->p, &s->m, NULL), NTFS_OK);
	cr_assert_eq(name_index_build(&s->ix, &s->m, NULL), NTFS_OK);
	s->in = (du_input){.m = &s->m, .p = &s->p, .ix = &s->ix, .volume = 0};
	memset(&s->out, 0, sizeof(s->out));
}

static void release(sized *s)
{
	du_free(&s->out);
	name_index_free(&s->ix);
	paths_free(&s->p);
	mb_free(&s->m);
}

/* A resident reparse point with tag and an 8-byte payload (enough for every tag that is no link). */
static void tagged(model *m, uint32_t r, uint32_t tag)
{
	uint8_t b[16] = {(uint8_t)tag, (uint8_t)(tag >> 8), (uint8_t)(tag >> 16), (uint8_t)(tag >> 24), 8, 0, 0, 0};
	mb_reparse_raw(m, r, b, sizeof(b));
}

/*
 * \Windows\System32\kernel.dll (1000 bytes) hard-linked as \Windows\WinSxS\kernel.dll;
 * \Windows\System32\notepad.exe (300); \OneDrive (a cloud placeholder, IO_REPARSE_TAG_CLOUD_7) with
 * doc.txt (50); \junc, a junction, holding x.bin (7000: never counted); "\Long name.txt" (20) with
 * its DOS alias (one name); a deleted \gone.txt (99: not counted).
 */
static void tree(sized *s)
{
	model *m = &s->m;
	mb_init(m, 64);
	mb_dir(m, 5, 5);
	mb_name(m, 5, ".", 5, 5, NTFS_NS_WIN32_DOS);
	mb_dir(m, 30, 1);
	mb_name(m, 30, "Windows", 5, 5, NTFS_NS_WIN32_DOS);
	mb_dir(m, 31, 1);
	mb_name(m, 31, "System32", 30, 1, NTFS_NS_WIN32_DOS);
	mb_dir(m, 32, 1);
	mb_name(m, 32, "WinSxS", 30, 1, NTFS_NS_WIN32_DOS);
	mb_dir(m, 33, 1);
	mb_name(m, 33, "OneDrive", 5, 5, NTFS_NS_WIN32_DOS);
	tagged(m, 33, 0x9000701Au);
	mb_dir(m, 34, 1);
	mb_name(m, 34, "junc", 5, 5, NTFS_NS_WIN32_DOS);
	mb_junction(m, 34, "\\??\\C:\\Elsewhere", "C:\\Elsewhere");
	mb_file(m, 40, 1);
	mb_name(m, 40, "kernel.dll", 31, 1, NTFS_NS_WIN32_DOS);
	mb_name(m, 40, "kernel.dll", 32, 1, NTFS_NS_POSIX);
	mb_data(m, 40, 1000);
	mb_file(m, 41, 1);
	mb_name(m, 41, "notepad.exe", 31, 1, NTFS_NS_WIN32_DOS);
	mb_data(m, 41, 300);
	mb_file(m, 42, 1);
	mb_name(m, 42, "doc.txt", 33, 1, NTFS_NS_WIN32_DOS);
	mb_data(m, 42, 50);
	mb_file(m, 43, 1);
	mb_name(m, 43, "x.bin", 34, 1, NTFS_NS_WIN32_DOS);
	mb_data(m, 43, 7000);
	mb_file(m, 44, 1);
	mb_name_with_alias(m, 44, "Long name.txt", "LONGNA~1.TXT", 5, 5);
	mb_data(m, 44, 20);
	mb_record(m, 45, false, false, 2);
	mb_name(m, 45, "gone.txt", 5, 5, NTFS_NS_WIN32_DOS);
	mb_data(m, 45, 99);
	passes(s);
}

/* The entry for path, failing the test when there is none. */
static const du_entry *entry(const vec *out, const char *path)
{
	for (size_t i = 0; i < out->count; i++)
		if (!strcmp(VEC_AT(out, du_entry, i).path, path))
			return &VEC_AT(out, du_entry, i);
	cr_assert_fail("no entry for %s", path);
	return NULL;
}

/* Checks the five figures of one entry. */
static void figures(const vec *out, const char *path, uint64_t names, uint64_t files, uint64_t names_bytes,
		    uint64_t records_bytes, uint64_t shared)
{
	const du_entry *e = entry(out, path);
	cr_expect_eq(e->names, names, "%s names %llu", path, (unsigned long long)e->names);
	cr_expect_eq(e->files, files, "%s files %llu", path, (unsigned long long)e->files);
	cr_expect_eq(e->names_bytes, names_bytes, "%s names_bytes %llu", path, (unsigned long long)e->names_bytes);
	cr_expect_eq(e->records_bytes, records_bytes, "%s records_bytes %llu", path,
		     (unsigned long long)e->records_bytes);
	cr_expect_eq(e->shared_bytes, shared, "%s shared_bytes %llu", path, (unsigned long long)e->shared_bytes);
	cr_expect_not(e->path_truncated);
}

Test(du, hard_links_once_shared_bytes_cloud_entered_junction_not)
{
	sized s;
	tree(&s);
	cr_assert_eq(du_compute(&s.in, NULL, 2, &s.out, NULL, 0, NULL), NTFS_OK);
	const char *order[] = {"\\", "\\Windows", "\\Windows\\System32", "\\Windows\\WinSxS", "\\OneDrive"};
	const int depths[] = {0, 1, 2, 2, 1};
	cr_assert_eq(s.out.count, 5, "%zu entries (the junction is no entry)", s.out.count);
	for (size_t i = 0; i < 5; i++) {
		cr_expect_str_eq(VEC_AT(&s.out, du_entry, i).path, order[i], "depth first");
		cr_expect_eq(VEC_AT(&s.out, du_entry, i).depth, depths[i]);
	}
	figures(&s.out, "\\", 5, 4, 2000 + 300 + 50 + 20, 1000 + 300 + 50 + 20, 0);
	figures(&s.out, "\\Windows", 3, 2, 2000 + 300, 1000 + 300, 0);
	figures(&s.out, "\\Windows\\System32", 2, 2, 1300, 1300, 1000);
	figures(&s.out, "\\Windows\\WinSxS", 1, 1, 1000, 1000, 1000);
	figures(&s.out, "\\OneDrive", 1, 1, 50, 50, 0);
	release(&s);
}

Test(du, a_path_below_the_root_and_depth_zero)
{
	sized s;
	tree(&s);
	cr_assert_eq(du_compute(&s.in, "\\windows\\SYSTEM32", 0, &s.out, NULL, 0, NULL), NTFS_OK, "paths compare case-insensitively");
	cr_assert_eq(s.out.count, 1);
	cr_assert_eq(VEC_AT(&s.out, du_entry, 0).record, 31);
	figures(&s.out, "\\Windows\\System32", 2, 2, 1300, 1300, 1000);
	release(&s);
}

Test(du, path_forms_alike)
{
	const char *forms[] = {"\\Windows\\System32", "/Windows/System32", "C:\\Windows\\System32", "Windows\\System32",
			       "c:/windows//system32/", "Windows/System32\\"};
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		sized s;
		tree(&s);
		cr_assert_eq(du_compute(&s.in, forms[i], 0, &s.out, NULL, 0, NULL), NTFS_OK, "%s", forms[i]);
		cr_assert_eq(s.out.count, 1, "%s", forms[i]);
		cr_expect_eq(VEC_AT(&s.out, du_entry, 0).record, 31, "%s", forms[i]);
		release(&s);
	}
	char out[8];
	cr_assert(du_normalise_path(NULL, out, sizeof(out)) && !strcmp(out, "\\"));
	cr_assert(du_normalise_path("C:", out, sizeof(out)) && !strcmp(out, "\\"));
	cr_assert(!du_normalise_path("\\abcdefgh", out, sizeof(out)), "too long for the buffer");
}

Test(du, disk_bytes_each_file_once)
{
	sized s;
	tree(&s);
	s.m.sizes[40].disk_size = 4096;   /* kernel.dll: two names, one file */
	s.m.sizes[41].disk_size = 0;      /* notepad.exe: resident */
	s.m.sizes[42].disk_size = 65536;  /* doc.txt in the cloud folder */
	cr_assert_eq(du_compute(&s.in, NULL, 2, &s.out, NULL, 0, NULL), NTFS_OK);
	cr_expect_eq(entry(&s.out, "\\")->disk_bytes, 4096 + 65536);
	cr_expect_eq(entry(&s.out, "\\Windows")->disk_bytes, 4096, "the hard-linked file once");
	cr_expect_eq(entry(&s.out, "\\Windows\\System32")->disk_bytes, 4096);
	cr_expect_eq(entry(&s.out, "\\OneDrive")->disk_bytes, 65536);
	release(&s);
}

Test(du, a_junction_on_the_path_is_followed_with_a_note)
{
	sized s;
	ntfs_error e;
	tree(&s);
	vec links;
	vec_init(&links, sizeof(link_entry));
	link_entry *le = vec_push(&links);
	cr_assert(le);
	memset(le, 0, sizeof(*le));
	le->record = 34;
	le->has_target = true;
	le->rp.kind = REPARSE_KIND_JUNCTION;
	le->target = (link_target){.status = LINK_STATUS_OK, .volume = 0, .path = (char *)"\\Windows", .has_record = true,
				   .record = 30};
	s.in.links = &links;
	char note[256];
	cr_assert_eq(du_compute(&s.in, "\\junc\\System32", 0, &s.out, note, sizeof(note), &e), NTFS_OK, "%s", e.reason);
	cr_assert_eq(s.out.count, 1);
	cr_expect_eq(VEC_AT(&s.out, du_entry, 0).record, 31);
	cr_expect(strstr(note, "\\junc is a junction to \\Windows: followed") != NULL, "%s", note);
	du_free(&s.out);
	cr_assert_eq(du_compute(&s.in, "\\junc", 0, &s.out, note, sizeof(note), &e), NTFS_OK, "the junction itself");
	cr_expect_eq(VEC_AT(&s.out, du_entry, 0).record, 30);
	du_free(&s.out);
	le->target.status = LINK_STATUS_STALE;
	cr_assert_eq(du_compute(&s.in, "\\junc\\System32", 0, &s.out, note, sizeof(note), &e), NTFS_E_INVALID);
	cr_expect(strstr(e.reason, "not followed") != NULL, "%s", e.reason);
	vec_free(&links);
	s.in.links = NULL;
	release(&s);
}

Test(du, no_such_directory_and_no_directory_through_a_junction)
{
	sized s;
	ntfs_error e;
	tree(&s);
	cr_assert_eq(du_compute(&s.in, "\\Nope", 1, &s.out, NULL, 0, &e), NTFS_E_INVALID);
	cr_assert(strstr(e.reason, "no allocated directory \\Nope") != NULL, "%s", e.reason);
	cr_assert_eq(s.out.count, 0);
	du_free(&s.out);
	cr_assert_eq(du_compute(&s.in, "\\Windows\\System32\\notepad.exe", 1, &s.out, NULL, 0, &e), NTFS_E_INVALID,
		     "a file is no directory");
	cr_assert_eq(s.out.count, 0);
	release(&s);
}

/* A model of n records with the first four named in the root; record 5 as given. */
static void without_root(sized *s, uint64_t n, int root_kind)
{
	model *m = &s->m;
	mb_init(m, n);
	for (uint32_t r = 0; r < 4; r++) {
		mb_file(m, r, 1);
		mb_name(m, r, r == 0 ? "$MFT" : "$meta", 5, 5, NTFS_NS_WIN32_DOS);
	}
	if (root_kind == 1) { /* a file where the root should be */
		mb_file(m, 5, 5);
		mb_name(m, 5, ".", 5, 5, NTFS_NS_WIN32_DOS);
	} else if (root_kind == 2) { /* a freed directory */
		mb_record(m, 5, true, false, 5);
		mb_name(m, 5, ".", 5, 5, NTFS_NS_WIN32_DOS);
	}
	passes(s);
}

Test(du, nothing_to_size_without_a_root_directory)
{
	const struct { uint64_t records; int root; const char *what; } cases[] = {
		{4, 0, "four records: no record 5 at all"},
		{6, 1, "record 5 is a file"},
		{6, 2, "record 5 is a freed directory"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sized s;
		ntfs_error e;
		without_root(&s, cases[i].records, cases[i].root);
		cr_assert_eq(name_index_root(&s.ix), MODEL_NONE, "%s", cases[i].what);
		cr_assert_eq(name_index_dir(&s.ix, "\\"), MODEL_NONE, "%s", cases[i].what);
		cr_assert_eq(du_compute(&s.in, NULL, 1, &s.out, NULL, 0, &e), NTFS_E_INVALID, "%s", cases[i].what);
		cr_assert(strstr(e.reason, "nothing to size: volume 0 has no root directory") != NULL, "%s: %s",
			  cases[i].what, e.reason);
		cr_assert_eq(s.out.count, 0);
		release(&s);
	}
}
