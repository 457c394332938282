/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of file records: header, update sequence fixups, and the attribute iterator. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "attribute.h"
#include "ntfs_test_builder.h"
#include "record.h"

Test(record, header_fields_of_a_31_record)
{
	uint8_t r[1024];
	tb_layout L = tb_record(r, sizeof(r), 42);
	ntfs_record_header h;
	ntfs_error e;

	cr_assert_eq(ntfs_record_decode_header(r, sizeof(r), &h, &e), NTFS_OK, "%s", e.reason);
	cr_assert_not(h.is_baad);
	cr_assert_eq(h.usa_offset, 0x30);
	cr_assert_eq(h.usa_count, 3);
	cr_assert_eq(h.lsn, 1069717);
	cr_assert_eq(h.sequence, 7);
	cr_assert_eq(h.link_count, 2);
	cr_assert_eq(h.attrs_offset, L.attrs);
	cr_assert_eq(h.attrs_offset, 0x38);
	cr_assert_eq(h.flags, NTFS_RECORD_FLAG_IN_USE);
	cr_assert_eq(h.bytes_in_use, L.in_use);
	cr_assert_eq(h.bytes_allocated, 1024);
	cr_assert_eq(h.base_ref, 0);
	cr_assert_eq(h.next_attr_id, 4);
	cr_assert(h.has_record_number);
	cr_assert_eq(h.record_number, 42);
	cr_assert(ntfs_record_has_signature(r, sizeof(r)));
}

Test(record, baad_signature_is_decoded_and_flagged)
{
	uint8_t r[1024];
	ntfs_record_header h;

	tb_record(r, sizeof(r), 1);
	memcpy(r, "BAAD", 4);
	cr_assert(ntfs_record_has_signature(r, sizeof(r)));
	cr_assert_eq(ntfs_record_decode_header(r, sizeof(r), &h, NULL), NTFS_OK);
	cr_assert(h.is_baad);
	cr_assert_eq(h.sequence, 7);
}

Test(record, ntfs30_header_has_no_record_number)
{
	uint8_t r[1024];
	ntfs_record_header h;
	ntfs_error e;

	tb_record(r, sizeof(r), 99);
	le16_put(r + 0x04, 0x2A); /* USA right after next_attr_id, as NTFS 3.0 writes it */
	cr_assert_eq(ntfs_record_decode_header(r, sizeof(r), &h, &e), NTFS_OK, "%s", e.reason);
	cr_assert_not(h.has_record_number);
	cr_assert_eq(h.record_number, 0);
}

Test(record, bad_signature)
{
	uint8_t r[1024];
	ntfs_record_header h;
	ntfs_error e;

	tb_record(r, sizeof(r), 1);
	memcpy(r, "INDX", 4);
	cr_assert_not(ntfs_record_has_signature(r, sizeof(r)));
	cr_assert_eq(ntfs_record_decode_header(r, sizeof(r), &h, &e), NTFS_E_SIGNATURE);
	memset(r, 0, 4);
	cr_assert_eq(ntfs_record_decode_header(r, sizeof(r), &h, &e), NTFS_E_SIGNATURE);
	cr_assert_not(ntfs_record_has_signature(r, 3));
	cr_assert_not(ntfs_record_has_signature(NULL, 1024));
}

Test(record, lying_header_fields)
{
	static const struct {
		unsigned off, width;
		uint32_t value;
		ntfs_status want;
		const char *field;
	} cases[] = {
		{0x04, 2, 0x20, NTFS_E_INVALID, "0x04"},  /* USA inside the header */
		{0x04, 2, 0x31, NTFS_E_INVALID, "0x04"},  /* odd USA offset */
		{0x04, 2, 0x3FE, NTFS_E_RANGE, "past"},   /* USA past the record */
		{0x06, 2, 0, NTFS_E_INVALID, "0x06"},
		{0x06, 2, 1, NTFS_E_INVALID, "0x06"},
		{0x06, 2, 0xFFFF, NTFS_E_RANGE, "past"},
		{0x14, 2, 0x30, NTFS_E_INVALID, "0x14"},  /* first attribute over the USA */
		{0x14, 2, 0x3FE, NTFS_E_RANGE, "0x14"},   /* first attribute at the very end */
		{0x14, 2, 0xFFFF, NTFS_E_RANGE, "0x14"},
		{0x18, 4, 2000, NTFS_E_INVALID, "0x1C"},  /* in use > allocated */
		{0x18, 4, 0x38, NTFS_E_INVALID, "0x18"},  /* in use ends before the first attribute */
		{0x1C, 4, 100, NTFS_E_INVALID, "0x1C"},
	};
	uint8_t r[1024];
	ntfs_record_header h;
	ntfs_error e;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		tb_record(r, sizeof(r), 1);
		if (cases[i].width == 2)
			le16_put(r + cases[i].off, (uint16_t)cases[i].value);
		else
			tb_put32(r + cases[i].off, cases[i].value);
		cr_assert_eq(ntfs_record_decode_header(r, sizeof(r), &h, &e), cases[i].want, "case %zu: %s", i, e.reason);
		cr_assert(strstr(e.reason, cases[i].field) != NULL, "case %zu: %s", i, e.reason);
	}
}

Test(record, bytes_in_use_past_a_short_buffer_is_allowed)
{
	uint8_t r[1024];
	ntfs_record_header h;
	ntfs_error e;

	tb_record(r, sizeof(r), 3);
	/* The analyzer reads just the header of record 0 to learn the record size. */
	cr_assert_eq(ntfs_record_decode_header(r, 0x80, &h, &e), NTFS_OK, "%s", e.reason);
	cr_assert_eq(h.bytes_allocated, 1024);
	cr_assert_gt(h.bytes_in_use, 0x80);
}

Test(record, header_every_prefix)
{
	uint8_t r[1024];
	tb_layout L = tb_record(r, sizeof(r), 42);
	ntfs_record_header full, h;
	ntfs_error e;
	size_t n;

	cr_assert_eq(ntfs_record_decode_header(r, sizeof(r), &full, NULL), NTFS_OK);
	for (n = 0; n <= sizeof(r); n++) {
		uint8_t *p = tb_prefix(r, n);
		ntfs_status st = ntfs_record_decode_header(p, n, &h, &e);
		if (n < L.attrs + 4) {
			cr_assert_neq(st, NTFS_OK, "len %zu", n);
			cr_assert_neq(e.reason[0], '\0');
		} else {
			cr_assert_eq(st, NTFS_OK, "len %zu: %s", n, e.reason);
			cr_assert_eq(memcmp(&h, &full, sizeof(h)), 0, "len %zu", n);
		}
		free(p);
	}
}

Test(fixups, restore_every_sector_tail)
{
	uint8_t orig[1024], r[1024];
	ntfs_record_fixups fx;
	ntfs_error e;

	tb_record(orig, sizeof(orig), 1);
	orig[510] = 0xAB;
	orig[511] = 0xCD;
	orig[1022] = 0x12;
	orig[1023] = 0x34;
	memcpy(r, orig, sizeof(r));
	tb_protect(r, sizeof(r));
	cr_assert_eq(le16(r + 510), 0x0005);
	cr_assert_eq(le16(r + 1022), 0x0005);
	cr_assert_eq(ntfs_record_apply_fixups(r, sizeof(r), NTFS_USA_STRIDE, &fx, &e), NTFS_OK, "%s", e.reason);
	cr_assert_eq(fx.sectors, 2);
	cr_assert_eq(fx.bad_count, 0);
	cr_assert_eq(fx.bad_mask, 0);
	cr_assert_eq(r[510], 0xAB);
	cr_assert_eq(r[1023], 0x34);
	/* Only the tails change: the USA itself stays as stored. */
	cr_assert_eq(memcmp(r, orig, 0x32), 0);
	cr_assert_eq(memcmp(r + 0x38, orig + 0x38, sizeof(r) - 0x38), 0);
}

Test(fixups, mismatch_is_counted_and_left_as_read)
{
	uint8_t r[1024];
	ntfs_record_fixups fx;
	ntfs_error e;

	tb_record(r, sizeof(r), 1);
	r[510] = 0x11;
	r[1022] = 0x22;
	tb_protect(r, sizeof(r));
	le16_put(r + 1022, 0xBEEF); /* a torn write: sector 1 never got the new USN */
	cr_assert_eq(ntfs_record_apply_fixups(r, sizeof(r), 512, &fx, &e), NTFS_OK, "%s", e.reason);
	cr_assert_eq(fx.sectors, 2);
	cr_assert_eq(fx.bad_count, 1);
	cr_assert_eq(fx.bad_mask, 0x2);
	cr_assert_eq(r[510], 0x11);
	cr_assert_eq(le16(r + 1022), 0xBEEF);
}

Test(fixups, four_kib_record_two_bad_sectors)
{
	static uint8_t r[4096];
	ntfs_record_fixups fx;
	ntfs_record_header h;
	ntfs_error e;
	tb_layout L = tb_record(r, sizeof(r), 77);

	cr_assert_eq(L.attrs, 0x48);
	tb_protect(r, sizeof(r));
	le16_put(r + 510, 0);
	le16_put(r + 4094, 0xFFFF);
	cr_assert_eq(ntfs_record_apply_fixups(r, sizeof(r), 512, &fx, &e), NTFS_OK, "%s", e.reason);
	cr_assert_eq(fx.sectors, 8);
	cr_assert_eq(fx.bad_count, 2);
	cr_assert_eq(fx.bad_mask, 0x81);
	cr_assert_eq(ntfs_record_decode_header(r, sizeof(r), &h, &e), NTFS_OK, "%s", e.reason);
	cr_assert_eq(h.usa_count, 9);
	cr_assert_eq(h.record_number, 77);
}

Test(fixups, bad_arrays_and_strides)
{
	uint8_t r[1024], c[1024];
	ntfs_record_fixups fx;
	ntfs_error e;

	tb_record(r, sizeof(r), 1);
	tb_protect(r, sizeof(r));

	memcpy(c, r, sizeof(c));
	cr_assert_eq(ntfs_record_apply_fixups(c, sizeof(c), 4096, &fx, &e), NTFS_E_RANGE);
	cr_assert(strstr(e.reason, "2 sectors of 4096") != NULL, "%s", e.reason);
	cr_assert_eq(memcmp(c, r, sizeof(c)), 0, "a failed apply must not touch the record");
	cr_assert_eq(ntfs_record_apply_fixups(c, sizeof(c), 300, &fx, &e), NTFS_E_INVALID);
	cr_assert_eq(ntfs_record_apply_fixups(c, sizeof(c), 0, &fx, &e), NTFS_E_INVALID);

	le16_put(c + 6, 1);
	cr_assert_eq(ntfs_record_apply_fixups(c, sizeof(c), 512, &fx, &e), NTFS_E_INVALID);
	le16_put(c + 6, 0);
	cr_assert_eq(ntfs_record_apply_fixups(c, sizeof(c), 512, &fx, &e), NTFS_E_INVALID);
	le16_put(c + 6, 40);
	cr_assert_eq(ntfs_record_apply_fixups(c, sizeof(c), 512, &fx, &e), NTFS_E_UNSUPPORTED);
	le16_put(c + 6, 3);

	le16_put(c + 4, 0x31);
	cr_assert_eq(ntfs_record_apply_fixups(c, sizeof(c), 512, &fx, &e), NTFS_E_RANGE);
	le16_put(c + 4, 0x1FA); /* the array would overwrite the first sector's protected tail */
	cr_assert_eq(ntfs_record_apply_fixups(c, sizeof(c), 512, &fx, &e), NTFS_E_RANGE);
	le16_put(c + 4, 0xFFFE);
	cr_assert_eq(ntfs_record_apply_fixups(c, sizeof(c), 512, &fx, &e), NTFS_E_RANGE);
	cr_assert_eq(memcmp(c + 8, r + 8, sizeof(c) - 8), 0);
}

Test(fixups, every_other_length_is_refused)
{
	uint8_t r[1024];
	ntfs_record_fixups fx;
	ntfs_error e;
	size_t n;

	tb_record(r, sizeof(r), 1);
	tb_protect(r, sizeof(r));
	for (n = 0; n < sizeof(r); n++) {
		uint8_t *p = tb_prefix(r, n);
		cr_assert_neq(ntfs_record_apply_fixups(p, n, 512, &fx, &e), NTFS_OK, "len %zu", n);
		cr_assert_eq(fx.bad_count, 0);
		free(p);
	}
}

/* Walks a record's attributes and returns how many were decoded; *last gets the final return value. */
static int walk(const uint8_t *r, size_t len, size_t first, uint32_t *types, int max, int *last, ntfs_error *e)
{
	ntfs_attr_iter it;
	ntfs_attr a;
	int n = 0, rc;

	ntfs_attr_iter_init(&it, r, len, first);
	while ((rc = ntfs_attr_iter_next(&it, &a, e)) == 1) {
		cr_assert_geq(a.raw, r);
		cr_assert_leq(a.raw + a.length, r + len);
		if (n < max)
			types[n] = a.type;
		n++;
	}
	*last = rc;
	/* Once finished, the iterator stays finished. */
	cr_assert_eq(ntfs_attr_iter_next(&it, &a, NULL), 0);
	return n;
}

Test(iter, walks_the_attributes_to_the_end_marker)
{
	uint8_t r[1024];
	tb_layout L = tb_record(r, sizeof(r), 1);
	ntfs_attr_iter it;
	ntfs_attr a;
	ntfs_error e;

	ntfs_attr_iter_init(&it, r, L.in_use, L.attrs);
	cr_assert_eq(ntfs_attr_iter_next(&it, &a, &e), 1, "%s", e.reason);
	cr_assert_eq(a.type, NTFS_AT_STANDARD_INFORMATION);
	cr_assert_eq(a.raw, r + L.si);
	cr_assert_not(a.non_resident);
	cr_assert_eq(a.value_length, 72);
	cr_assert_eq(a.value, r + L.si + 0x18);
	cr_assert_eq(ntfs_attr_iter_next(&it, &a, &e), 1, "%s", e.reason);
	cr_assert_eq(a.type, NTFS_AT_FILE_NAME);
	cr_assert_eq(a.id, 2);
	cr_assert_eq(a.value_length, 0x42 + 10);
	cr_assert_eq(ntfs_attr_iter_next(&it, &a, &e), 1, "%s", e.reason);
	cr_assert_eq(a.type, NTFS_AT_DATA);
	cr_assert(a.non_resident);
	cr_assert_eq(a.highest_vcn, 63);
	cr_assert_eq(a.allocated_size, 64 * 4096);
	cr_assert_eq(a.runlist, r + L.data + 0x40);
	cr_assert_eq(a.runlist_length, 8);
	cr_assert_eq(a.runlist[0], 0x21);
	cr_assert_eq(ntfs_attr_iter_next(&it, &a, &e), 0);
	cr_assert(it.done);
}

Test(iter, zero_length_stops_with_error)
{
	uint8_t r[1024];
	tb_layout L = tb_record(r, sizeof(r), 1);
	uint32_t types[8];
	int last;
	ntfs_error e;

	tb_put32(r + L.fn + 4, 0);
	cr_assert_eq(walk(r, L.in_use, L.attrs, types, 8, &last, &e), 1);
	cr_assert_eq(last, -1);
	cr_assert_eq(e.status, NTFS_E_INVALID);
	cr_assert(strstr(e.reason, "length 0") != NULL, "%s", e.reason);
}

Test(iter, length_past_the_record_stops_with_error)
{
	uint8_t r[1024];
	tb_layout L = tb_record(r, sizeof(r), 1);
	uint32_t types[8];
	int last;
	ntfs_error e;

	tb_put32(r + L.data + 4, 0x10000);
	cr_assert_eq(walk(r, L.in_use, L.attrs, types, 8, &last, &e), 2);
	cr_assert_eq(last, -1);
	cr_assert_eq(e.status, NTFS_E_RANGE);
	cr_assert(strstr(e.reason, "65536") != NULL, "%s", e.reason);

	tb_put32(r + L.data + 4, 0xFFFFFFF8); /* would wrap a 32-bit position */
	cr_assert_eq(walk(r, L.in_use, L.attrs, types, 8, &last, &e), 2);
	cr_assert_eq(last, -1);
}

Test(iter, no_end_marker_stops_at_the_end)
{
	uint8_t r[1024];
	tb_layout L = tb_record(r, sizeof(r), 1);
	uint32_t types[8];
	int last;
	ntfs_error e;

	cr_assert_eq(walk(r, L.end, L.attrs, types, 8, &last, &e), 3);
	cr_assert_eq(last, 0);
	cr_assert_eq(types[2], NTFS_AT_DATA);
	/* Two stray bytes after the last attribute are an error, not a silent stop. */
	cr_assert_eq(walk(r, L.end + 2, L.attrs, types, 8, &last, &e), 3);
	cr_assert_eq(last, -1);
	cr_assert_eq(e.status, NTFS_E_TRUNCATED);
}

Test(iter, lying_inner_offsets)
{
	uint8_t r[1024];
	tb_layout L;
	uint32_t types[8];
	int last;
	ntfs_error e;

	L = tb_record(r, sizeof(r), 1);
	le16_put(r + L.si + 0x14, 0x200); /* value offset past the attribute */
	cr_assert_eq(walk(r, L.in_use, L.attrs, types, 8, &last, &e), 0);
	cr_assert_eq(last, -1);
	cr_assert(strstr(e.reason, "value") != NULL, "%s", e.reason);

	L = tb_record(r, sizeof(r), 1);
	r[L.fn + 9] = 200; /* name of 200 units */
	le16_put(r + L.fn + 0x0A, 0x18);
	cr_assert_eq(walk(r, L.in_use, L.attrs, types, 8, &last, &e), 1);
	cr_assert_eq(last, -1);
	cr_assert(strstr(e.reason, "name") != NULL, "%s", e.reason);

	L = tb_record(r, sizeof(r), 1);
	le16_put(r + L.data + 0x20, 0x300); /* mapping pairs past the attribute */
	cr_assert_eq(walk(r, L.in_use, L.attrs, types, 8, &last, &e), 2);
	cr_assert_eq(last, -1);
	cr_assert(strstr(e.reason, "mapping pairs") != NULL, "%s", e.reason);

	L = tb_record(r, sizeof(r), 1);
	r[L.data + 8] = 2; /* neither resident nor non-resident */
	cr_assert_eq(walk(r, L.in_use, L.attrs, types, 8, &last, &e), 2);
	cr_assert_eq(last, -1);

	L = tb_record(r, sizeof(r), 1);
	tb_put32(r + L.data + 4, 0x20); /* non-resident but shorter than its header */
	cr_assert_eq(walk(r, L.in_use, L.attrs, types, 8, &last, &e), 2);
	cr_assert_eq(last, -1);
	cr_assert(strstr(e.reason, "header") != NULL, "%s", e.reason);
}

Test(iter, start_past_the_record)
{
	uint8_t r[1024];
	uint32_t types[8];
	int last;
	ntfs_error e;

	tb_record(r, sizeof(r), 1);
	cr_assert_eq(walk(r, 100, 200, types, 8, &last, &e), 0);
	cr_assert_eq(last, -1);
	cr_assert_eq(e.status, NTFS_E_RANGE);
	cr_assert_eq(walk(r, 100, 100, types, 8, &last, &e), 0);
	cr_assert_eq(last, 0);
	cr_assert_eq(walk(NULL, 0, 0, types, 8, &last, &e), 0);
	cr_assert_eq(last, 0);
}

Test(iter, every_prefix_gives_a_consistent_prefix_of_the_attributes)
{
	uint8_t r[1024];
	tb_layout L = tb_record(r, sizeof(r), 1);
	const size_t ends[3] = {L.fn, L.data, L.end};
	const uint32_t want[3] = {0x10, 0x30, 0x80};
	size_t n;

	for (n = L.attrs; n <= L.in_use; n++) {
		uint8_t *p = tb_prefix(r, n);
		uint32_t types[8];
		int last, got, i, complete = 0;
		ntfs_error e;

		got = walk(p, n, L.attrs, types, 8, &last, &e);
		for (i = 0; i < 3; i++)
			if (ends[i] <= n)
				complete = i + 1;
		cr_assert_eq(got, complete, "len %zu: %d attributes, %d fit", n, got, complete);
		for (i = 0; i < got; i++)
			cr_assert_eq(types[i], want[i]);
		/* A cut inside an attribute is an error; a cut exactly between attributes ends cleanly. */
		if (n == L.attrs || n == L.fn || n == L.data || n == L.end || n >= L.end + 4)
			cr_assert_eq(last, 0, "len %zu", n);
		else
			cr_assert_eq(last, -1, "len %zu", n);
		free(p);
	}
}
