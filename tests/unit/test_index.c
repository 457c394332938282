/* SPDX-License-Identifier: Apache-2.0 */
/*
 * $I30 directory indexes: $INDEX_ROOT, INDX records, their valid entries and the slack carver.
 * Real vectors (tests/unit/data/README.md says where each comes from, CC0) are checked against The Sleuth
 * Kit: the names `fls -o OFFSET IMAGE DIR` lists for the directory (plus ".", the root's own entry, which
 * fls does not print; fls's ":$SDS"-style stream lines are not index entries) in index order, and the
 * record and sequence `istat` prints for each. Slack entries are built by hand from the real records.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index_entry.h"
#include "index_record.h"
#include "le.h"
#include "record.h"
#include "std_info.h"
#include "utf16.h"
#include "test_data.h"

#define INDX_SIZE 4096


/* Loads an INDX record as stored, applies its fixups (all must match) and decodes it. */
static void load_indx(const char *name, uint8_t *buf, ntfs_indx_record *rec)
{
	ntfs_record_fixups fx;
	ntfs_error e;

	cr_assert_eq(test_data_load(name, buf, INDX_SIZE), INDX_SIZE);
	cr_assert_eq(ntfs_record_apply_fixups(buf, INDX_SIZE, NTFS_USA_STRIDE, &fx, &e), NTFS_OK, "%s", e.reason);
	cr_assert_eq(fx.sectors, 8);
	cr_assert_eq(fx.bad_count, 0);
	cr_assert_eq(ntfs_indx_record_decode(buf, INDX_SIZE, rec, &e), NTFS_OK, "%s: %s", name, e.reason);
}

typedef struct {
	const char *name;
	uint64_t record;
	uint16_t sequence;
} want_entry;

/* Walks node and asserts its named entries are exactly want[0..n) in order, each with the parent dir/seq. */
static ntfs_index_iter walk_expect(const ntfs_index_node *node, const want_entry *want, size_t n, uint64_t dir,
				   uint16_t dir_seq)
{
	ntfs_index_iter it;
	ntfs_index_entry en;
	ntfs_index_step s;
	ntfs_error e;
	size_t i = 0;
	char name[1024];

	ntfs_index_iter_init(&it, node);
	while ((s = ntfs_index_iter_next(&it, &en, &e)) == NTFS_INDEX_STEP_ENTRY) {
		cr_assert_lt(i, n, "more entries than fls lists");
		ntfs_utf16_to_utf8(en.name.name, en.name.name_length, name, sizeof(name));
		cr_assert_str_eq(name, want[i].name);
		cr_assert_eq(ntfs_ref_record(en.file_ref), want[i].record, "%s", name);
		cr_assert_eq(ntfs_ref_sequence(en.file_ref), want[i].sequence, "%s", name);
		cr_assert_eq(ntfs_ref_record(en.name.parent_ref), dir, "%s", name);
		cr_assert_eq(ntfs_ref_sequence(en.name.parent_ref), dir_seq, "%s", name);
		cr_assert_eq(en.key_length, NTFS_FILE_NAME_FIXED + 2u * en.name.name_length);
		i++;
	}
	cr_assert_eq(s, NTFS_INDEX_STEP_END, "%s", e.reason);
	cr_assert_eq(i, n);
	cr_assert_eq(it.entries, n);
	cr_assert_eq(ntfs_index_iter_next(&it, &en, &e), NTFS_INDEX_STEP_END);
	return it;
}

/* fls -o 2048 ntfs.raw 50 (Windows 10 20H1 "test_dir", record 50 sequence 2), sequences from istat. */
static const want_entry w10_testdir[] = {
	{"file_1.txt", 52, 1}, {"file_10.txt", 62, 1}, {"file_11.txt", 63, 1}, {"file_2.txt", 53, 1},
	{"file_3.txt", 55, 1}, {"file_4.txt", 56, 1}, {"file_5.txt", 57, 1}, {"file_6.txt", 58, 1},
	{"file_7.txt", 59, 1}, {"file_8.txt", 54, 1}, {"file_9.txt", 61, 1},
	{"file_long_name_long_name_long_name_long_name_long_name_long_name_long_name_long_name_long_name_long_name_"
	 "long_name_long_name_long_name_long_name_long_name_long_name_long_name_long_name_long_name_long_name_long_"
	 "name_long_name_long_name.txt",
	 60, 1},
};
#define W10_TESTDIR_N (sizeof(w10_testdir) / sizeof(w10_testdir[0]))

/* fls -o 128 ntfs-lastaccess.raw (root, record 5 sequence 5) plus "."; sequences from istat. */
static const want_entry la_root[] = {
	{"$AttrDef", 4, 4}, {"$BadClus", 8, 8}, {"$Bitmap", 6, 6}, {"$Boot", 7, 7}, {"$Extend", 11, 11},
	{"$LogFile", 2, 2}, {"$MFT", 0, 1}, {"$MFTMirr", 1, 1}, {"$RECYCLE.BIN", 40, 1}, {"$Secure", 9, 9},
	{"$UpCase", 10, 10}, {"$Volume", 3, 3}, {".", 5, 5}, {"System Volume Information", 36, 1}, {"test", 39, 1},
};
#define LA_ROOT_N (sizeof(la_root) / sizeof(la_root[0]))

static uint8_t indx[INDX_SIZE];

Test(index_real, w10_testdir_indx_entries_are_what_fls_lists)
{
	ntfs_indx_record rec;
	ntfs_index_iter it;
	ntfs_index_entry en;

	load_indx("w10_testdir_indx.bin", indx, &rec);
	cr_assert_eq(rec.vcn, 0);
	cr_assert_eq(rec.node.node, indx + NTFS_INDX_NODE_OFFSET);
	cr_assert_eq(rec.node.allocated_size, INDX_SIZE - NTFS_INDX_NODE_OFFSET);
	cr_assert_eq(rec.node.flags & NTFS_INDEX_NODE_HAS_CHILDREN, 0);
	it = walk_expect(&rec.node, w10_testdir, W10_TESTDIR_N, 50, 2);
	cr_assert_eq(it.slack_start, rec.node.index_length);
	cr_assert(!it.has_subnodes);
	/*
	 * file_1.txt's key: created as istat prints it (2020-07-25 12:33:11.8654716); the other three are
	 * Windows' update of the duplicated information when the file was written: istat's $STANDARD_INFORMATION
	 * "File Modified" and "MFT Modified" (12:33:24.3811063), not the record's own $FILE_NAME times
	 */
	cr_assert_eq(ntfs_index_entry_decode(rec.node.node, rec.node.index_length, rec.node.entries_offset, &en, NULL),
		     NTFS_OK);
	cr_assert_eq(en.name.created, 132401539918654716ULL);
	cr_assert_eq(en.name.modified, 132401540043811063ULL);
	cr_assert_eq(en.name.mft_modified, 132401540043811063ULL);
	cr_assert_eq(en.name.accessed, 132401540043811063ULL);
	cr_assert_eq(en.name.name_space, NTFS_NS_POSIX);
	cr_assert_eq(en.name.flags, NTFS_FA_ARCHIVE);
}

Test(index_real, lastaccess_root_indx_and_root)
{
	uint8_t root[64];
	ntfs_indx_record rec;
	ntfs_index_root ir;
	ntfs_index_iter it;
	ntfs_index_entry en;
	ntfs_error e;

	load_indx("lastaccess_root_indx.bin", indx, &rec);
	walk_expect(&rec.node, la_root, LA_ROOT_N, 5, 5);
	/* istat 5: $INDEX_ROOT is 56 bytes, a large index whose only entry is the end marker pointing to VCN 0 */
	cr_assert_eq(test_data_load("lastaccess_root_iroot.bin", root, sizeof(root)), 56);
	cr_assert_eq(ntfs_index_root_decode(root, 56, &ir, &e), NTFS_OK, "%s", e.reason);
	cr_assert_eq(ir.attr_type, 0x30);
	cr_assert_eq(ir.collation, NTFS_COLLATION_FILE_NAME);
	cr_assert_eq(ir.record_size, 4096);
	cr_assert_eq(ir.clusters_per_record, 1);
	cr_assert_eq(ir.node.flags & NTFS_INDEX_NODE_HAS_CHILDREN, NTFS_INDEX_NODE_HAS_CHILDREN);
	cr_assert_eq(ntfs_index_entry_decode(ir.node.node, ir.node.index_length, ir.node.entries_offset, &en, &e),
		     NTFS_OK);
	cr_assert(en.is_last && en.has_subnode);
	cr_assert_eq(en.subnode_vcn, 0);
	ntfs_index_iter_init(&it, &ir.node);
	cr_assert_eq(ntfs_index_iter_next(&it, &en, &e), NTFS_INDEX_STEP_END);
	cr_assert(it.has_subnodes);
	cr_assert_eq(it.entries, 0);
}

Test(index_real, lastaccess_resident_roots)
{
	static const want_entry test_dir[] = {{"1.txt", 43, 1}};
	/* fls -o 128 ntfs-lastaccess.raw 11 (its streams, :$O :$Q :$R, are not entries); sequences from istat */
	static const want_entry extend[] = {
		{"$Deleted", 29, 1}, {"$ObjId", 25, 1}, {"$Quota", 24, 1}, {"$Reparse", 26, 1}, {"$RmMetadata", 27, 1},
	};
	uint8_t buf[1024];
	ntfs_index_root ir;
	ntfs_error e;
	size_t n;

	n = test_data_load("lastaccess_test_iroot.bin", buf, sizeof(buf));
	cr_assert_eq(n, 144);
	cr_assert_eq(ntfs_index_root_decode(buf, n, &ir, &e), NTFS_OK, "%s", e.reason);
	walk_expect(&ir.node, test_dir, 1, 39, 1);
	n = test_data_load("lastaccess_extend_iroot.bin", buf, sizeof(buf));
	cr_assert_eq(n, 552);
	cr_assert_eq(ntfs_index_root_decode(buf, n, &ir, &e), NTFS_OK, "%s", e.reason);
	walk_expect(&ir.node, extend, 5, 11, 11);
}

Test(index_real, windows_left_no_names_in_the_slack)
{
	/* what Windows 10 left after the end markers is no whole key (zeros; in test_dir also two characters
	 * of a name and an old end marker): nothing to carve in either real record */
	static const char *const files[] = {"w10_testdir_indx.bin", "lastaccess_root_indx.bin"};
	static const uint64_t dirs[] = {50, 5};

	for (int f = 0; f < 2; f++) {
		ntfs_indx_record rec;
		ntfs_index_iter it;
		ntfs_index_entry en;
		ntfs_index_slack s;
		ntfs_index_slack_entry se;

		load_indx(files[f], indx, &rec);
		ntfs_index_iter_init(&it, &rec.node);
		while (ntfs_index_iter_next(&it, &en, NULL) == NTFS_INDEX_STEP_ENTRY)
			;
		ntfs_index_slack_init(&s, &rec.node, it.slack_start, dirs[f]);
		cr_assert(!ntfs_index_slack_next(&s, &se), "%s", files[f]);
		cr_assert_eq(s.carved, 0);
	}
}

Test(index_real, carving_the_live_region_finds_every_live_key)
{
	/* the carver's plausibility checks accept every real key: run from the first entry it finds them all */
	ntfs_indx_record rec;
	ntfs_index_slack s;
	ntfs_index_slack_entry se;
	size_t i = 0;
	char name[1024];

	load_indx("w10_testdir_indx.bin", indx, &rec);
	ntfs_index_slack_init(&s, &rec.node, rec.node.entries_offset, 50);
	while (ntfs_index_slack_next(&s, &se)) {
		cr_assert_lt(i, W10_TESTDIR_N);
		ntfs_utf16_to_utf8(se.name.name, se.name.name_length, name, sizeof(name));
		cr_assert_str_eq(name, w10_testdir[i].name);
		cr_assert(se.has_entry_header, "%s", name);
		cr_assert_eq(ntfs_ref_record(se.file_ref), w10_testdir[i].record);
		cr_assert_eq(ntfs_ref_sequence(se.file_ref), w10_testdir[i].sequence);
		cr_assert_eq(se.reparse_tag, 0);
		i++;
	}
	cr_assert_eq(i, W10_TESTDIR_N);
	/* the same from the root of another directory finds nothing: every parent is 50 */
	ntfs_index_slack_init(&s, &rec.node, rec.node.entries_offset, 5);
	cr_assert(!ntfs_index_slack_next(&s, &se));
	/* with no directory given, the other checks still accept them all */
	ntfs_index_slack_init(&s, &rec.node, rec.node.entries_offset, NTFS_INDEX_ANY_DIRECTORY);
	for (i = 0; ntfs_index_slack_next(&s, &se); i++)
		;
	cr_assert_eq(i, W10_TESTDIR_N);
}

/* ---- slack built by hand from the real test_dir record ---- */

/* Offset (from the node) of the entry named like want[k], found by walking. */
static ntfs_index_entry entry_at(const ntfs_index_node *node, size_t k)
{
	ntfs_index_iter it;
	ntfs_index_entry en;

	ntfs_index_iter_init(&it, node);
	for (size_t i = 0; i <= k; i++)
		cr_assert_eq(ntfs_index_iter_next(&it, &en, NULL), NTFS_INDEX_STEP_ENTRY);
	return en;
}

Test(index_slack, entry_copied_past_the_end_is_recovered_with_its_reference)
{
	ntfs_indx_record rec;
	ntfs_index_entry first, last;
	ntfs_index_iter it;
	ntfs_index_slack s;
	ntfs_index_slack_entry se;
	uint8_t *node;
	uint32_t at;
	char name[64];

	load_indx("w10_testdir_indx.bin", indx, &rec);
	node = indx + NTFS_INDX_NODE_OFFSET;
	first = entry_at(&rec.node, 0);
	at = rec.node.index_length + 64; /* 8-aligned, past the end marker */
	memcpy(node + at, node + first.offset, first.entry_length);
	ntfs_index_iter_init(&it, &rec.node);
	while (ntfs_index_iter_next(&it, &last, NULL) == NTFS_INDEX_STEP_ENTRY)
		;
	cr_assert_eq(it.entries, W10_TESTDIR_N); /* the copy is not a valid entry */
	ntfs_index_slack_init(&s, &rec.node, it.slack_start, 50);
	cr_assert(ntfs_index_slack_next(&s, &se));
	cr_assert_eq(se.offset, at + NTFS_INDEX_ENTRY_HEADER);
	cr_assert(se.has_entry_header);
	cr_assert_eq(se.file_ref, first.file_ref);
	cr_assert_eq(ntfs_ref_record(se.file_ref), 52);
	cr_assert_eq(se.entry_length, first.entry_length);
	ntfs_utf16_to_utf8(se.name.name, se.name.name_length, name, sizeof(name));
	cr_assert_str_eq(name, "file_1.txt");
	cr_assert_eq(se.name.created, first.name.created);
	cr_assert_eq(se.name.modified, first.name.modified);
	cr_assert_eq(se.name.mft_modified, first.name.mft_modified);
	cr_assert_eq(se.name.accessed, first.name.accessed);
	cr_assert_eq(se.name.name_space, first.name.name_space);
	cr_assert_eq(se.name.parent_ref, first.name.parent_ref);
	cr_assert_eq(se.reparse_tag, 0);
	cr_assert(!ntfs_index_slack_next(&s, &se));
	cr_assert_eq(s.carved, 1);
}

Test(index_slack, shrunk_node_leaves_its_last_name_in_the_slack)
{
	/* as if the last entry were removed: the end marker moves over its header, the key stays behind */
	ntfs_indx_record rec;
	ntfs_index_entry longname, endm;
	ntfs_index_iter it;
	ntfs_index_slack s;
	ntfs_index_slack_entry se;
	ntfs_error e;
	uint8_t *node, *lenp;
	uint32_t end_off;

	load_indx("w10_testdir_indx.bin", indx, &rec);
	node = indx + NTFS_INDX_NODE_OFFSET;
	longname = entry_at(&rec.node, W10_TESTDIR_N - 1);
	end_off = longname.offset + longname.entry_length;
	cr_assert_eq(ntfs_index_entry_decode(node, rec.node.index_length, end_off, &endm, &e), NTFS_OK);
	cr_assert(endm.is_last);
	memcpy(node + longname.offset, node + end_off, endm.entry_length);
	lenp = node + 4; /* the node's index length */
	le16_put(lenp, (uint16_t)(longname.offset + endm.entry_length));
	cr_assert_eq(ntfs_indx_record_decode(indx, INDX_SIZE, &rec, &e), NTFS_OK, "%s", e.reason);
	ntfs_index_iter_init(&it, &rec.node);
	while (ntfs_index_iter_next(&it, &endm, NULL) == NTFS_INDEX_STEP_ENTRY)
		;
	cr_assert_eq(it.entries, W10_TESTDIR_N - 1);
	cr_assert_eq(it.slack_start, longname.offset + 16);
	ntfs_index_slack_init(&s, &rec.node, it.slack_start, 50);
	cr_assert(ntfs_index_slack_next(&s, &se));
	cr_assert_eq(se.offset, longname.offset + NTFS_INDEX_ENTRY_HEADER);
	cr_assert(!se.has_entry_header); /* its header is now the end marker */
	cr_assert_eq(se.file_ref, 0);
	cr_assert_eq(se.name.name_length, longname.name.name_length);
	cr_assert_eq(memcmp(se.name.name, longname.name.name, 2u * longname.name.name_length), 0);
	cr_assert(!ntfs_index_slack_next(&s, &se));
}

/* Copies entry k of the real record past the end at slack offset at; returns a pointer to its key. */
static uint8_t *plant(ntfs_indx_record *rec, size_t k, uint32_t at)
{
	uint8_t *node;
	ntfs_index_entry en;

	load_indx("w10_testdir_indx.bin", indx, rec);
	node = indx + NTFS_INDX_NODE_OFFSET;
	en = entry_at(&rec->node, k);
	/* what would run past the node's allocated bytes is cut off */
	memcpy(node + at, node + en.offset,
	       en.entry_length < rec->node.allocated_size - at ? en.entry_length : rec->node.allocated_size - at);
	return node + at + NTFS_INDEX_ENTRY_HEADER;
}

/* Carves the whole slack of rec and returns how many keys it found (the last in *se). */
static int carve(ntfs_indx_record *rec, uint64_t dir, ntfs_index_slack_entry *se)
{
	ntfs_index_slack s;
	ntfs_index_slack_entry x;
	int n = 0;

	ntfs_index_slack_init(&s, &rec->node, rec->node.index_length, dir);
	while (ntfs_index_slack_next(&s, &x)) {
		*se = x;
		n++;
	}
	return n;
}

Test(index_slack, reparse_tag_of_a_removed_link)
{
	ntfs_indx_record rec;
	ntfs_index_slack_entry se;
	uint8_t *key = plant(&rec, 3, 0xF00);
	uint32_t flags = le32(key + 0x38) | NTFS_FA_REPARSE_POINT;

	for (int b = 0; b < 4; b++) {
		key[0x38 + b] = (uint8_t)(flags >> (8 * b));
		key[0x3C + b] = (uint8_t)(0xA000000Cu >> (8 * b)); /* IO_REPARSE_TAG_SYMLINK */
	}
	cr_assert_eq(carve(&rec, 50, &se), 1);
	cr_assert_eq(se.reparse_tag, 0xA000000Cu);
	cr_assert_eq(ntfs_ref_record(se.file_ref), 53); /* file_2.txt */
	/* without the reparse flag the same field is the EA size, not a tag */
	key[0x38 + 1] &= (uint8_t)~(NTFS_FA_REPARSE_POINT >> 8);
	cr_assert_eq(carve(&rec, 50, &se), 1);
	cr_assert_eq(se.reparse_tag, 0);
}

Test(index_slack, implausible_keys_are_not_carved)
{
	static const struct {
		unsigned off;   /* byte of the key to change */
		unsigned size;  /* 1, 2 or 8 */
		uint64_t value;
		const char *why;
	} cases[] = {
		{0x00, 8, 0x0002000000000033ULL, "parent is another directory"},
		{0x08, 8, 0x0000000000000001ULL, "created in 1601"},
		{0x10, 8, 0x0300000000000000ULL, "modified after 2100"},
		{0x18, 8, 0, "MFT-modified zero"},
		{0x20, 8, NTFS_SLACK_MAX_TIME, "accessed at the upper bound"},
		{0x38, 8, 0x40000000u, "unknown attribute bit"},
		{0x40, 1, 0, "name length 0"},
		{0x40, 1, 250, "name length past the slack"},
		{0x41, 1, 4, "namespace 4"},
		{0x42, 2, '/', "a slash in the name"},
		{0x44, 2, 0, "a NUL in the name"},
		{0x46, 2, ':', "a colon in a Win32 name... when not POSIX"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ntfs_indx_record rec;
		ntfs_index_slack_entry se;
		uint8_t *key = plant(&rec, 0, INDX_SIZE - NTFS_INDX_NODE_OFFSET - 104); /* file_1.txt, 104 bytes */
		if (i == sizeof(cases) / sizeof(cases[0]) - 1)
			key[0x41] = NTFS_NS_WIN32;
		for (unsigned b = 0; b < cases[i].size; b++)
			key[cases[i].off + b] = (uint8_t)(cases[i].value >> (8 * b));
		cr_assert_eq(carve(&rec, 50, &se), 0, "%s", cases[i].why);
	}
	/* and the unchanged key is carved where it was planted, right at the end of the slack */
	{
		ntfs_indx_record rec;
		ntfs_index_slack_entry se;
		plant(&rec, 0, INDX_SIZE - NTFS_INDX_NODE_OFFSET - 104);
		cr_assert_eq(carve(&rec, 50, &se), 1);
		cr_assert_eq(se.offset, INDX_SIZE - NTFS_INDX_NODE_OFFSET - 104 + NTFS_INDEX_ENTRY_HEADER);
		cr_assert(se.has_entry_header);
	}
}

Test(index_slack, cut_keys_at_the_end_of_the_slack)
{
	/* a key planted so that its name runs past the allocated size is not carved; every start is safe */
	ntfs_indx_record rec;
	ntfs_index_slack_entry se;
	uint32_t alloc = INDX_SIZE - NTFS_INDX_NODE_OFFSET;

	plant(&rec, 0, alloc - 80); /* the 104-byte entry is cut after 80 bytes: its 86-byte key needs 102 */
	cr_assert_eq(carve(&rec, 50, &se), 0);
	for (uint32_t from = 0; from <= alloc + 16; from++) {
		ntfs_index_slack s;
		ntfs_index_slack_init(&s, &rec.node, from, 50);
		while (ntfs_index_slack_next(&s, &se)) {
			cr_assert_geq(se.offset, from);
			cr_assert_leq(se.offset + NTFS_FILE_NAME_FIXED + 2u * se.name.name_length, alloc);
		}
	}
}

/* ---- hostile containers and entries ---- */

Test(index_hostile, every_prefix_of_an_indx_record)
{
	ntfs_indx_record rec;
	ntfs_error e;

	load_indx("w10_testdir_indx.bin", indx, &rec);
	for (size_t k = 0; k < INDX_SIZE; k++) {
		ntfs_status st = ntfs_indx_record_decode(indx, k, &rec, &e);
		cr_assert_neq(st, NTFS_OK, "prefix %zu", k); /* the node owns 4072 bytes: only the whole record holds them */
		cr_assert_neq(e.reason[0], '\0');
	}
	cr_assert_eq(ntfs_indx_record_decode(NULL, INDX_SIZE, &rec, &e), NTFS_E_TRUNCATED);
}

Test(index_hostile, every_prefix_of_an_index_root)
{
	uint8_t buf[1024];
	ntfs_index_root ir;
	ntfs_error e;
	size_t n = test_data_load("lastaccess_extend_iroot.bin", buf, sizeof(buf));

	for (size_t k = 0; k < n; k++)
		cr_assert_neq(ntfs_index_root_decode(buf, k, &ir, &e), NTFS_OK, "prefix %zu", k);
	cr_assert_eq(ntfs_index_root_decode(buf, n, &ir, &e), NTFS_OK);
}

Test(index_hostile, node_headers_that_lie)
{
	static const struct {
		uint32_t entries, length, allocated;
		ntfs_status want;
	} cases[] = {
		{0x28, 0x6e0, 0xfe8, NTFS_OK},         /* as stored */
		{0x40, 0x6e0, 0xfe8, NTFS_OK},         /* later, still inside */
		{0x18, 0x6e0, 0xfe8, NTFS_E_INVALID},  /* entries inside the update sequence array (ends at 0x22) */
		{0x44, 0x6e0, 0xfe8, NTFS_E_INVALID},  /* unaligned */
		{0x40, 0x20, 0xfe8, NTFS_E_INVALID},   /* in use ends before the first entry */
		{0x40, 0xff0, 0xfe8, NTFS_E_INVALID},  /* more in use than owned */
		{0x40, 0x6e0, 0xff0, NTFS_E_RANGE},    /* owns more than the record */
		{0x40, 0x6e0, 0xFFFFFFFFu, NTFS_E_RANGE},
		{0xFFFFFFF8u, 0xFFFFFFF8u, 0xFFFFFFF8u, NTFS_E_RANGE},
	};
	ntfs_indx_record rec;
	ntfs_error e;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t *h;
		load_indx("w10_testdir_indx.bin", indx, &rec);
		h = indx + NTFS_INDX_NODE_OFFSET;
		for (int b = 0; b < 4; b++) {
			h[0 + b] = (uint8_t)(cases[i].entries >> (8 * b));
			h[4 + b] = (uint8_t)(cases[i].length >> (8 * b));
			h[8 + b] = (uint8_t)(cases[i].allocated >> (8 * b));
		}
		cr_assert_eq(ntfs_indx_record_decode(indx, INDX_SIZE, &rec, &e), cases[i].want, "case %zu: %s", i, e.reason);
	}
	/* the update sequence array itself */
	load_indx("w10_testdir_indx.bin", indx, &rec);
	indx[4] = 0x11;
	cr_assert_eq(ntfs_indx_record_decode(indx, INDX_SIZE, &rec, &e), NTFS_E_INVALID);
	load_indx("w10_testdir_indx.bin", indx, &rec);
	indx[6] = 0xFF;
	indx[7] = 0xFF;
	cr_assert_eq(ntfs_indx_record_decode(indx, INDX_SIZE, &rec, &e), NTFS_E_INVALID);
	load_indx("w10_testdir_indx.bin", indx, &rec);
	indx[0] = 'F';
	cr_assert_eq(ntfs_indx_record_decode(indx, INDX_SIZE, &rec, &e), NTFS_E_SIGNATURE);
}

Test(index_hostile, entries_that_lie)
{
	static const struct {
		unsigned off, size;
		uint32_t value;
		ntfs_status want;
	} cases[] = {
		{0x08, 2, 0, NTFS_E_INVALID},        /* entry length 0 */
		{0x08, 2, 0x54, NTFS_E_INVALID},     /* unaligned */
		{0x08, 2, 0x50, NTFS_E_INVALID},     /* shorter than its key */
		{0x08, 2, 0xFFF8, NTFS_E_RANGE},     /* past the node */
		{0x0A, 2, 0x40, NTFS_E_INVALID},     /* key too short for a $FILE_NAME */
		{0x0A, 2, 0x4A, NTFS_E_RANGE},       /* key shorter than its name (10 units need 0x56) */
		{0x0A, 2, 0xFFFF, NTFS_E_INVALID},   /* key longer than the entry */
		{0x0C, 2, 0x0001, NTFS_E_INVALID},   /* a sub-node VCN that does not fit */
		{0x10 + 0x41, 1, 7, NTFS_E_INVALID}, /* namespace */
		{0x10 + 0x40, 1, 0, NTFS_E_INVALID}, /* name length 0 */
	};
	ntfs_indx_record rec;
	ntfs_index_entry en;
	ntfs_index_iter it;
	ntfs_error e;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t *first;
		load_indx("w10_testdir_indx.bin", indx, &rec);
		first = (uint8_t *)rec.node.node + rec.node.entries_offset;
		cr_assert_eq(le16(first + 8), 0x68); /* file_1.txt: 16 + 66 + 20 = 102, padded to 104 */
		for (unsigned b = 0; b < cases[i].size; b++)
			first[cases[i].off + b] = (uint8_t)(cases[i].value >> (8 * b));
		cr_assert_eq(ntfs_index_entry_decode(rec.node.node, rec.node.index_length, rec.node.entries_offset, &en, &e),
			     cases[i].want, "case %zu: %s", i, e.reason);
		ntfs_index_iter_init(&it, &rec.node);
		cr_assert_eq(ntfs_index_iter_next(&it, &en, &e), NTFS_INDEX_STEP_DAMAGED, "case %zu", i);
		cr_assert_neq(e.reason[0], '\0');
		cr_assert_eq(ntfs_index_iter_next(&it, &en, &e), NTFS_INDEX_STEP_END);
		cr_assert(it.damaged);
		cr_assert_eq(it.slack_start, rec.node.index_length);
	}
}

Test(index_hostile, node_without_an_end_marker)
{
	ntfs_indx_record rec;
	ntfs_index_entry en, longname;
	ntfs_index_iter it;
	ntfs_error e;
	int named = 0;

	load_indx("w10_testdir_indx.bin", indx, &rec);
	longname = entry_at(&rec.node, W10_TESTDIR_N - 1);
	/* the end marker's flags cleared: it is now an entry without a key, then the node ends */
	((uint8_t *)rec.node.node)[longname.offset + longname.entry_length + 0x0C] = 0;
	ntfs_index_iter_init(&it, &rec.node);
	ntfs_index_step s;
	while ((s = ntfs_index_iter_next(&it, &en, &e)) == NTFS_INDEX_STEP_ENTRY)
		named++;
	cr_assert_eq(s, NTFS_INDEX_STEP_DAMAGED);
	cr_assert_eq(named, (int)W10_TESTDIR_N);
	cr_assert_eq(it.slack_start, rec.node.index_length);
}

Test(index_hostile, every_prefix_of_a_node)
{
	/* the node's index length cut anywhere: the entries before the cut come out, then damage or the end */
	ntfs_indx_record rec;
	ntfs_index_node cut;
	ntfs_index_entry en;
	ntfs_index_iter it;

	load_indx("w10_testdir_indx.bin", indx, &rec);
	for (uint32_t len = rec.node.entries_offset; len <= rec.node.index_length; len++) {
		int n = 0;
		ntfs_index_step s;
		cut = rec.node;
		cut.index_length = len;
		ntfs_index_iter_init(&it, &cut);
		while ((s = ntfs_index_iter_next(&it, &en, NULL)) == NTFS_INDEX_STEP_ENTRY) {
			cr_assert_leq(en.offset + en.entry_length, len);
			n++;
		}
		cr_assert_eq(s == NTFS_INDEX_STEP_END, len == rec.node.index_length, "cut at %u", len);
		cr_assert_leq(n, (int)W10_TESTDIR_N);
	}
}
