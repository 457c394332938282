/* SPDX-License-Identifier: Apache-2.0 */
/* The links pass on models made by the shared builder: reparse points decoded, hard-link sets counted, record anomalies. */
#include <criterion/criterion.h>
#include <string.h>

#include "links.h"
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

/* Frees what links_collect made. */
static void links_free(vec *links)
{
	for (size_t i = 0; i < links->count; i++) {
		link_entry *le = &VEC_AT(links, link_entry, i);
		reparse_point_free(&le->rp);
		link_target_free(&le->target);
	}
	vec_free(links);
}

/* \ with a file of three links (one with a DOS alias), a junction \j (flagged), a symlink \s (unflagged). */
static void volume_of_links(model *m)
{
	mb_init(m, 64);
	mb_dir(m, 5, 5);
	mb_name(m, 5, ".", 5, 5, NTFS_NS_WIN32_DOS);
	mb_file(m, 40, 1);
	mb_name_with_alias(m, 40, "Report final.docx", "REPORT~1.DOC", 5, 5);
	mb_name(m, 40, "b", 5, 5, NTFS_NS_POSIX);
	mb_name(m, 40, "c", 5, 5, NTFS_NS_POSIX);
	m->recs[40].link_count = 4;
	mb_data(m, 40, 100);
	mb_dir(m, 41, 1);
	mb_name(m, 41, "j", 5, 5, NTFS_NS_POSIX);
	mb_junction(m, 41, "\\??\\C:\\Windows", "C:\\Windows");
	m->recs[41].std_attrs = REC_FA_REPARSE_POINT;
	mb_file(m, 42, 3);
	mb_name(m, 42, "s", 5, 5, NTFS_NS_POSIX);
	mb_symlink(m, 42, "..\\x", "..\\x", true);
	mb_file(m, 43, 1);
	mb_name(m, 43, "one", 5, 5, NTFS_NS_POSIX);
	mb_name(m, 43, "two", 5, 5, NTFS_NS_POSIX); /* two names, but the header counts one */
	cr_assert(mb_merge(m));
}

Test(links, reparse_points_are_decoded_in_record_order)
{
	model m;
	vec links;
	volume_of_links(&m);
	cr_assert_eq(links_collect(&m, &links, NULL), NTFS_OK);
	cr_assert_eq(links.count, 2);
	const link_entry *j = &VEC_AT(&links, link_entry, 0), *s = &VEC_AT(&links, link_entry, 1);
	cr_assert_eq(j->record, 41);
	cr_assert_eq(j->rp.kind, REPARSE_KIND_JUNCTION);
	cr_assert_str_eq(j->rp.substitute_name, "\\??\\C:\\Windows");
	cr_assert(j->is_directory && j->allocated && j->has_target);
	cr_assert_eq(j->name, model_record_name_index(&m, 41, 0), "the link's path comes from its name");
	cr_assert_eq(s->record, 42);
	cr_assert_eq(s->sequence, 3);
	cr_assert_eq(s->rp.kind, REPARSE_KIND_SYMLINK);
	cr_assert(s->rp.relative);
	links_free(&links);
	mb_free(&m);
}

Test(links, record_anomalies_and_counts)
{
	model m;
	vec links;
	volume_of_links(&m);
	cr_assert_eq(links_collect(&m, &links, NULL), NTFS_OK);
	cr_assert_eq(count(&m, "reparse_attribute_without_flag"), 1, "the symbolic link lacks the flag");
	cr_assert_eq(count(&m, "reparse_flag_without_attribute"), 0);
	cr_assert_eq(count(&m, "link_count_mismatch"), 1, "record 43: two names, the header says one");
	cr_assert_eq(links_name_count(&m, 40), 3, "the DOS alias is no link");
	cr_assert(links_is_hardlink_set(&m, 40));
	cr_assert(links_is_hardlink_set(&m, 43));
	cr_assert_not(links_is_hardlink_set(&m, 41));
	volume_stats st = links_stats(&m, &links);
	cr_assert_eq(st.records_in_use, 5);
	cr_assert_eq(st.names, 1 + 3 + 1 + 1 + 2);
	cr_assert_eq(st.hardlink_sets, 2);
	cr_assert_eq(st.reparse_points, 2);
	cr_assert_eq(st.anomalies, 2);
	links_free(&links);
	mb_free(&m);
}
