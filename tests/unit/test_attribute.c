/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of attribute headers and of the small value decoders: $STANDARD_INFORMATION, $FILE_NAME,
 * $ATTRIBUTE_LIST, $VOLUME_INFORMATION and $VOLUME_NAME. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "attr_list.h"
#include "attribute.h"
#include "file_name.h"
#include "ntfs_test_builder.h"
#include "std_info.h"
#include "volume_info.h"

/* ---- attribute headers ---- */

Test(attr, named_resident)
{
	uint8_t a[128], v[4] = {1, 2, 3, 4};
	ntfs_attr at;
	ntfs_error e;
	size_t len = tb_resident(a, NTFS_AT_DATA, 9, "Zone.Identifier", v, 4);

	cr_assert_eq(len, tb_align8(tb_align8(0x18 + 30) + 4));
	cr_assert_eq(ntfs_attr_decode(a, len, &at, &e), NTFS_OK, "%s", e.reason);
	cr_assert_eq(at.type, NTFS_AT_DATA);
	cr_assert_eq(at.length, len);
	cr_assert_eq(at.id, 9);
	cr_assert_eq(at.name_length, 15);
	cr_assert_eq(at.name, a + 0x18);
	cr_assert_eq(le16(at.name), 'Z');
	cr_assert_eq(at.value_length, 4);
	cr_assert_eq(at.value, a + 0x38);
	cr_assert_eq(at.value[3], 4);
}

Test(attr, named_non_resident_with_compressed_size)
{
	uint8_t a[160];
	const uint8_t pairs[] = {0x11, 0x10, 0x20, 0x01, 0x10, 0x00};
	ntfs_attr at;
	ntfs_error e;
	size_t len = tb_non_resident(a, NTFS_AT_DATA, 4, "$SDS", 0, 31, 32 * 4096, 100000, pairs, sizeof(pairs));

	cr_assert_eq(ntfs_attr_decode(a, len, &at, &e), NTFS_OK, "%s", e.reason);
	cr_assert(at.non_resident);
	cr_assert_eq(at.name_length, 4);
	cr_assert_eq(at.name, a + 0x40);
	cr_assert_eq(at.lowest_vcn, 0);
	cr_assert_eq(at.highest_vcn, 31);
	cr_assert_eq(at.allocated_size, 32 * 4096);
	cr_assert_eq(at.data_size, 100000);
	cr_assert_eq(at.initialized_size, 100000);
	cr_assert_eq(at.runlist, a + 0x48);
	cr_assert_eq(at.runlist_length, len - 0x48);
	cr_assert_not(at.has_compressed_size);

	/* Sparse with the 0x48-byte header: mapping pairs move after the compressed size. */
	len = tb_non_resident(a, NTFS_AT_DATA, 4, NULL, 0, 31, 32 * 4096, 100000, pairs, 0);
	memmove(a + 0x48, pairs, sizeof(pairs));
	le16_put(a + 0x0C, NTFS_ATTR_FLAG_SPARSE);
	le16_put(a + 0x20, 0x48);
	tb_put64(a + 0x40, 16 * 4096);
	tb_put32(a + 4, 0x50);
	cr_assert_eq(ntfs_attr_decode(a, 0x50, &at, &e), NTFS_OK, "%s", e.reason);
	cr_assert(at.has_compressed_size);
	cr_assert_eq(at.compressed_size, 16 * 4096);
	cr_assert_eq(at.flags, NTFS_ATTR_FLAG_SPARSE);
	cr_assert_eq(at.runlist_length, 8);
	cr_assert_eq(at.runlist[0], 0x11);
}

Test(attr, vcn_range_checks)
{
	uint8_t a[128];
	const uint8_t pairs[] = {0x00};
	ntfs_attr at;
	ntfs_error e;
	size_t len;

	/* An empty non-resident attribute: highest VCN is -1. */
	len = tb_non_resident(a, NTFS_AT_DATA, 1, NULL, 0, UINT64_MAX, 0, 0, pairs, 1);
	cr_assert_eq(ntfs_attr_decode(a, len, &at, &e), NTFS_OK, "%s", e.reason);
	cr_assert_eq(at.highest_vcn, UINT64_MAX);

	len = tb_non_resident(a, NTFS_AT_DATA, 1, NULL, 10, 5, 0, 0, pairs, 1);
	cr_assert_eq(ntfs_attr_decode(a, len, &at, &e), NTFS_E_INVALID);
	cr_assert(strstr(e.reason, "highest VCN") != NULL, "%s", e.reason);

	len = tb_non_resident(a, NTFS_AT_DATA, 1, NULL, (uint64_t)1 << 63, UINT64_MAX, 0, 0, pairs, 1);
	cr_assert_eq(ntfs_attr_decode(a, len, &at, &e), NTFS_E_INVALID);
	cr_assert(strstr(e.reason, "lowest VCN") != NULL, "%s", e.reason);

	/* An extension extent starting at VCN 64. */
	len = tb_non_resident(a, NTFS_AT_DATA, 1, NULL, 64, 127, 0, 0, pairs, 1);
	cr_assert_eq(ntfs_attr_decode(a, len, &at, &e), NTFS_OK, "%s", e.reason);
	cr_assert_eq(at.lowest_vcn, 64);
}

Test(attr, end_marker_and_short_buffers)
{
	uint8_t a[128], v[8] = {0};
	ntfs_attr at;
	ntfs_error e;
	size_t len = tb_resident(a, NTFS_AT_OBJECT_ID, 1, NULL, v, 8), n;

	for (n = 0; n < len; n++) {
		uint8_t *p = tb_prefix(a, n);
		cr_assert_neq(ntfs_attr_decode(p, n, &at, &e), NTFS_OK, "len %zu", n);
		free(p);
	}
	cr_assert_eq(ntfs_attr_decode(a, len, &at, &e), NTFS_OK);
	tb_put32(a, NTFS_AT_END);
	cr_assert_eq(ntfs_attr_decode(a, len, &at, &e), NTFS_E_INVALID);
	cr_assert_eq(ntfs_attr_decode(NULL, 100, &at, &e), NTFS_E_TRUNCATED);
}

Test(attr, resident_value_offset_inside_header)
{
	uint8_t a[64], v[8] = {0};
	ntfs_attr at;
	ntfs_error e;
	size_t len = tb_resident(a, NTFS_AT_OBJECT_ID, 1, NULL, v, 8);

	le16_put(a + 0x14, 0x08);
	cr_assert_eq(ntfs_attr_decode(a, len, &at, &e), NTFS_E_INVALID);
	/* An empty value may sit anywhere inside the attribute. */
	tb_put32(a + 0x10, 0);
	cr_assert_eq(ntfs_attr_decode(a, len, &at, &e), NTFS_OK, "%s", e.reason);
	cr_assert_eq(at.value_length, 0);
}

Test(attr, type_names)
{
	cr_assert_str_eq(ntfs_attr_type_name(NTFS_AT_FILE_NAME), "$FILE_NAME");
	cr_assert_str_eq(ntfs_attr_type_name(NTFS_AT_LOGGED_UTILITY_STREAM), "$LOGGED_UTILITY_STREAM");
	cr_assert_str_eq(ntfs_attr_type_name(NTFS_AT_REPARSE_POINT), "$REPARSE_POINT");
	cr_assert_null(ntfs_attr_type_name(0x1234));
	cr_assert_null(ntfs_attr_type_name(NTFS_AT_END));
}

/* ---- $STANDARD_INFORMATION ---- */

Test(std_info, v3_form)
{
	uint8_t v[72];
	ntfs_std_info si;
	ntfs_error e;

	tb_std_info(v);
	cr_assert_eq(ntfs_std_info_decode(v, 72, &si, &e), NTFS_OK, "%s", e.reason);
	cr_assert_eq(si.created, TB_SI_CREATED);
	cr_assert_eq(si.modified, TB_SI_CREATED + 1);
	cr_assert_eq(si.mft_modified, TB_SI_CREATED + 2);
	cr_assert_eq(si.accessed, TB_SI_CREATED + 3);
	cr_assert_eq(si.flags, NTFS_FA_HIDDEN | NTFS_FA_SYSTEM | NTFS_FA_ARCHIVE);
	cr_assert(si.has_v3_fields);
	cr_assert_eq(si.owner_id, 7);
	cr_assert_eq(si.security_id, 268);
	cr_assert_eq(si.quota_charged, 4096);
	cr_assert_eq(si.usn, 0x1234);
}

Test(std_info, v1_form_and_every_prefix)
{
	uint8_t v[72];
	ntfs_std_info si;
	ntfs_error e;
	size_t n;

	tb_std_info(v);
	for (n = 0; n <= 72; n++) {
		uint8_t *p = tb_prefix(v, n);
		ntfs_status st = ntfs_std_info_decode(p, n, &si, &e);
		if (n < 48) {
			cr_assert_eq(st, NTFS_E_TRUNCATED, "len %zu", n);
		} else {
			cr_assert_eq(st, NTFS_OK, "len %zu", n);
			cr_assert_eq(si.accessed, TB_SI_CREATED + 3);
			cr_assert_eq(si.has_v3_fields, n >= 72, "len %zu", n);
			cr_assert_eq(si.security_id, n >= 72 ? 268u : 0u, "len %zu", n);
		}
		free(p);
	}
}

/* ---- $FILE_NAME ---- */

Test(file_name, decodes_every_field)
{
	uint8_t v[600];
	ntfs_file_name fn;
	ntfs_error e;
	size_t len = tb_file_name(v, 39 | (3ULL << 48), "report.txt", NTFS_NS_WIN32);

	tb_put32(v + 0x38, NTFS_FA_REPARSE_POINT | NTFS_FA_ARCHIVE);
	tb_put32(v + 0x3C, 0xA000000C);
	cr_assert_eq(ntfs_file_name_decode(v, len, &fn, &e), NTFS_OK, "%s", e.reason);
	cr_assert_eq(ntfs_ref_record(fn.parent_ref), 39);
	cr_assert_eq(ntfs_ref_sequence(fn.parent_ref), 3);
	cr_assert_eq(fn.created, TB_SI_CREATED - 10);
	cr_assert_eq(fn.modified, TB_SI_CREATED - 11);
	cr_assert_eq(fn.mft_modified, TB_SI_CREATED - 12);
	cr_assert_eq(fn.accessed, TB_SI_CREATED - 13);
	cr_assert_eq(fn.allocated_size, 8192);
	cr_assert_eq(fn.data_size, 5000);
	cr_assert_eq(fn.flags, NTFS_FA_REPARSE_POINT | NTFS_FA_ARCHIVE);
	cr_assert_eq(fn.reparse_tag, 0xA000000C);
	cr_assert_eq(fn.name_length, 10);
	cr_assert_eq(fn.name_space, NTFS_NS_WIN32);
	cr_assert_eq(fn.name, v + 0x42);
	cr_assert_eq(le16(fn.name + 18), 't');
}

Test(file_name, every_prefix_and_lies)
{
	uint8_t v[600];
	ntfs_file_name fn;
	ntfs_error e;
	size_t len = tb_file_name(v, 5 | (5ULL << 48), "a.txt", NTFS_NS_WIN32_DOS), n;

	for (n = 0; n <= len; n++) {
		uint8_t *p = tb_prefix(v, n);
		ntfs_status st = ntfs_file_name_decode(p, n, &fn, &e);
		cr_assert_eq(st, n == len ? NTFS_OK : (n < 0x42 ? NTFS_E_TRUNCATED : NTFS_E_RANGE), "len %zu", n);
		free(p);
	}
	v[0x40] = 255; /* name longer than the value */
	cr_assert_eq(ntfs_file_name_decode(v, len, &fn, &e), NTFS_E_RANGE);
	cr_assert(strstr(e.reason, "255") != NULL, "%s", e.reason);
	v[0x40] = 0;
	cr_assert_eq(ntfs_file_name_decode(v, len, &fn, &e), NTFS_E_INVALID);
	v[0x40] = 5;
	v[0x41] = 4;
	cr_assert_eq(ntfs_file_name_decode(v, len, &fn, &e), NTFS_E_INVALID);
	cr_assert(strstr(e.reason, "namespace") != NULL, "%s", e.reason);
}

Test(file_name, namespace_names)
{
	cr_assert_str_eq(ntfs_file_name_namespace_name(NTFS_NS_POSIX), "posix");
	cr_assert_str_eq(ntfs_file_name_namespace_name(NTFS_NS_WIN32), "win32");
	cr_assert_str_eq(ntfs_file_name_namespace_name(NTFS_NS_DOS), "dos");
	cr_assert_str_eq(ntfs_file_name_namespace_name(NTFS_NS_WIN32_DOS), "win32_dos");
	cr_assert_str_eq(ntfs_file_name_namespace_name(9), "unknown");
}

/* ---- $ATTRIBUTE_LIST ---- */

/* Writes an attribute list entry at p; returns its length (rounded to 8 like Windows). */
static size_t al_entry(uint8_t *p, uint32_t type, const char *name, uint64_t vcn, uint64_t ref, uint16_t id)
{
	uint8_t nlen = name ? tb_utf16(p + 0x1A, name) : 0;
	size_t len = tb_align8(0x1A + 2 * (size_t)nlen);

	memset(p + 0x1A + 2 * (size_t)nlen, 0, len - 0x1A - 2 * (size_t)nlen);
	tb_put32(p, type);
	le16_put(p + 4, (uint16_t)len);
	p[6] = nlen;
	p[7] = 0x1A;
	tb_put64(p + 8, vcn);
	tb_put64(p + 0x10, ref);
	le16_put(p + 0x18, id);
	return len;
}

/* A three-entry list: $STANDARD_INFORMATION in the base, two $DATA extents in extension records. */
static size_t make_list(uint8_t *buf, size_t *ends)
{
	size_t pos = 0;
	pos += al_entry(buf + pos, NTFS_AT_STANDARD_INFORMATION, NULL, 0, 100 | (2ULL << 48), 0);
	ends[0] = pos;
	pos += al_entry(buf + pos, NTFS_AT_DATA, NULL, 0, 101 | (1ULL << 48), 5);
	ends[1] = pos;
	pos += al_entry(buf + pos, NTFS_AT_DATA, "ads", 4096, 102 | (1ULL << 48), 6);
	ends[2] = pos;
	return pos;
}

Test(attr_list, walks_entries)
{
	uint8_t buf[256];
	size_t ends[3], len = make_list(buf, ends), pos = 0;
	ntfs_attr_list_entry en;
	ntfs_error e;

	cr_assert_eq(ntfs_attr_list_next(buf, len, &pos, &en, &e), 1, "%s", e.reason);
	cr_assert_eq(en.type, NTFS_AT_STANDARD_INFORMATION);
	cr_assert_eq(en.length, 32);
	cr_assert_null(en.name);
	cr_assert_eq(ntfs_ref_record(en.mft_ref), 100);
	cr_assert_eq(ntfs_ref_sequence(en.mft_ref), 2);
	cr_assert_eq(pos, 32);
	cr_assert_eq(ntfs_attr_list_next(buf, len, &pos, &en, &e), 1, "%s", e.reason);
	cr_assert_eq(en.attr_id, 5);
	cr_assert_eq(ntfs_attr_list_next(buf, len, &pos, &en, &e), 1, "%s", e.reason);
	cr_assert_eq(en.type, NTFS_AT_DATA);
	cr_assert_eq(en.lowest_vcn, 4096);
	cr_assert_eq(en.name_length, 3);
	cr_assert_eq(en.name, buf + ends[1] + 0x1A);
	cr_assert_eq(le16(en.name + 4), 's');
	cr_assert_eq(ntfs_ref_record(en.mft_ref), 102);
	cr_assert_eq(en.attr_id, 6);
	cr_assert_eq(ntfs_attr_list_next(buf, len, &pos, &en, &e), 0);
	cr_assert_eq(pos, len);
}

Test(attr_list, every_prefix)
{
	uint8_t buf[256];
	size_t ends[3], len = make_list(buf, ends), n;

	for (n = 0; n <= len; n++) {
		uint8_t *p = tb_prefix(buf, n);
		size_t pos = 0;
		int rc, got = 0, want = (ends[0] <= n) + (ends[1] <= n) + (ends[2] <= n);
		ntfs_attr_list_entry en;
		ntfs_error e;

		while ((rc = ntfs_attr_list_next(p, n, &pos, &en, &e)) == 1)
			got++;
		cr_assert_eq(got, want, "len %zu", n);
		cr_assert_eq(rc, (n == 0 || n == ends[0] || n == ends[1] || n == ends[2]) ? 0 : -1, "len %zu", n);
		cr_assert_leq(pos, n);
		free(p);
	}
}

Test(attr_list, lying_lengths)
{
	uint8_t buf[256];
	size_t ends[3], len = make_list(buf, ends), pos;
	ntfs_attr_list_entry en;
	ntfs_error e;

	le16_put(buf + ends[0] + 4, 0); /* zero length would loop forever */
	pos = ends[0];
	cr_assert_eq(ntfs_attr_list_next(buf, len, &pos, &en, &e), -1);
	cr_assert_eq(e.status, NTFS_E_INVALID);
	cr_assert_eq(pos, ends[0], "a bad entry must not advance the position");

	make_list(buf, ends);
	le16_put(buf + ends[0] + 4, 0x1000);
	pos = ends[0];
	cr_assert_eq(ntfs_attr_list_next(buf, len, &pos, &en, &e), -1);
	cr_assert_eq(e.status, NTFS_E_RANGE);

	make_list(buf, ends);
	buf[ends[1] + 6] = 40; /* 40-unit name in a 40-byte entry */
	pos = ends[1];
	cr_assert_eq(ntfs_attr_list_next(buf, len, &pos, &en, &e), -1);
	cr_assert(strstr(e.reason, "name") != NULL, "%s", e.reason);

	make_list(buf, ends);
	buf[ends[1] + 7] = 0x02; /* name over the fixed fields */
	pos = ends[1];
	cr_assert_eq(ntfs_attr_list_next(buf, len, &pos, &en, &e), -1);

	pos = len + 10;
	cr_assert_eq(ntfs_attr_list_next(buf, len, &pos, &en, &e), 0);
}

/* ---- $VOLUME_INFORMATION and $VOLUME_NAME ---- */

Test(volume, information)
{
	uint8_t v[12] = {0, 0, 0, 0, 0, 0, 0, 0, 3, 1, 0x01, 0x80};
	ntfs_volume_info vi;
	ntfs_error e;
	size_t n;

	cr_assert_eq(ntfs_volume_info_decode(v, sizeof(v), &vi, &e), NTFS_OK, "%s", e.reason);
	cr_assert_eq(vi.major, 3);
	cr_assert_eq(vi.minor, 1);
	cr_assert_eq(vi.flags, 0x8001);
	cr_assert(vi.flags & NTFS_VOLUME_FLAG_DIRTY);
	for (n = 0; n < sizeof(v); n++) {
		uint8_t *p = tb_prefix(v, n);
		cr_assert_eq(ntfs_volume_info_decode(p, n, &vi, &e), NTFS_E_TRUNCATED, "len %zu", n);
		free(p);
	}
}

Test(volume, name)
{
	uint8_t v[32];
	char out[64];
	ntfs_error e;
	uint8_t units = tb_utf16(v, "Last access");

	cr_assert_eq(ntfs_volume_name_decode(v, 2 * (size_t)units, out, sizeof(out), &e), NTFS_OK, "%s", e.reason);
	cr_assert_str_eq(out, "Last access");
	cr_assert_eq(ntfs_volume_name_decode(v, 0, out, sizeof(out), &e), NTFS_OK);
	cr_assert_str_eq(out, "");
	cr_assert_eq(ntfs_volume_name_decode(v, 3, out, sizeof(out), &e), NTFS_E_INVALID);
	cr_assert(strstr(e.reason, "odd") != NULL, "%s", e.reason);
	cr_assert_eq(ntfs_volume_name_decode(v, 2 * (size_t)units, out, 5, &e), NTFS_E_RANGE);
	cr_assert_str_eq(out, "");
	cr_assert_eq(ntfs_volume_name_decode(v, 2 * (size_t)units, out, 12, &e), NTFS_OK);
	cr_assert_str_eq(out, "Last access");
	cr_assert_eq(ntfs_volume_name_decode(v, 2 * (size_t)units, out, 0, &e), NTFS_E_INVALID);
	cr_assert_eq(ntfs_volume_name_decode(v, 258, out, sizeof(out), &e), NTFS_E_RANGE);
}

Test(volume, name_non_ascii)
{
	/* "Тест" (Cyrillic) then an unpaired high surrogate, which must be escaped, not dropped. */
	const uint8_t v[] = {0x22, 0x04, 0x35, 0x04, 0x41, 0x04, 0x42, 0x04, 0x00, 0xD8};
	char out[64];
	ntfs_error e;

	cr_assert_eq(ntfs_volume_name_decode(v, sizeof(v), out, sizeof(out), &e), NTFS_OK, "%s", e.reason);
	cr_assert_str_eq(out, "\xD0\xA2\xD0\xB5\xD1\x81\xD1\x82\\uD800");
}
