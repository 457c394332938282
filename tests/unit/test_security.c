/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of SIDs, self-relative security descriptors and $SDS entry headers. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "ntfs_test_builder.h"
#include "security.h"

/* Writes a SID with a 48-bit authority and n sub-authorities; returns its length. */
static size_t make_sid(uint8_t *p, uint64_t authority, const uint32_t *subs, unsigned n)
{
	unsigned i;

	p[0] = 1;
	p[1] = (uint8_t)n;
	for (i = 0; i < 6; i++)
		p[2 + i] = (uint8_t)(authority >> (8 * (5 - i)));
	for (i = 0; i < n; i++)
		tb_put32(p + 8 + 4 * i, subs[i]);
	return 8 + 4 * (size_t)n;
}

Test(sid, well_known_and_domain_sids)
{
	static const uint32_t system[] = {18};
	static const uint32_t user[] = {21, 2341207468u, 2645333676u, 3461800803u, 1001};
	static const uint32_t admins[] = {32, 544};
	uint8_t b[80];
	char s[NTFS_SID_STRING_MAX];
	size_t used, len;
	ntfs_error e;

	len = make_sid(b, 5, system, 1);
	cr_assert_eq(ntfs_sid_to_string(b, len, s, sizeof(s), &used, &e), NTFS_OK, "%s", e.reason);
	cr_assert_str_eq(s, "S-1-5-18");
	cr_assert_eq(used, 12);

	len = make_sid(b, 5, user, 5);
	cr_assert_eq(ntfs_sid_to_string(b, len + 7, s, sizeof(s), &used, &e), NTFS_OK, "%s", e.reason);
	cr_assert_str_eq(s, "S-1-5-21-2341207468-2645333676-3461800803-1001");
	cr_assert_eq(used, 28);

	len = make_sid(b, 5, admins, 2);
	cr_assert_eq(ntfs_sid_to_string(b, len, s, sizeof(s), &used, &e), NTFS_OK);
	cr_assert_str_eq(s, "S-1-5-32-544");

	len = make_sid(b, 1, NULL, 0); /* S-1-1: no sub-authority at all */
	cr_assert_eq(ntfs_sid_to_string(b, len, s, sizeof(s), &used, &e), NTFS_OK);
	cr_assert_str_eq(s, "S-1-1");
	cr_assert_eq(used, 8);
}

Test(sid, authority_formats)
{
	static const uint32_t one[] = {1};
	uint8_t b[16];
	char s[NTFS_SID_STRING_MAX];
	ntfs_error e;

	make_sid(b, 0xFFFFFFFFULL, one, 1); /* largest decimal authority */
	cr_assert_eq(ntfs_sid_to_string(b, 12, s, sizeof(s), NULL, &e), NTFS_OK);
	cr_assert_str_eq(s, "S-1-4294967295-1");
	make_sid(b, 0x100000000ULL, one, 1); /* 2^32: hexadecimal, 12 digits */
	cr_assert_eq(ntfs_sid_to_string(b, 12, s, sizeof(s), NULL, &e), NTFS_OK);
	cr_assert_str_eq(s, "S-1-0x000100000000-1");
	make_sid(b, 0xABCDEF012345ULL, one, 1);
	cr_assert_eq(ntfs_sid_to_string(b, 12, s, sizeof(s), NULL, &e), NTFS_OK);
	cr_assert_str_eq(s, "S-1-0xABCDEF012345-1");
}

Test(sid, the_longest_sid_fits_the_string_max)
{
	uint32_t subs[15];
	uint8_t b[68];
	char s[NTFS_SID_STRING_MAX];
	size_t used, i;
	ntfs_error e;

	for (i = 0; i < 15; i++)
		subs[i] = UINT32_MAX;
	make_sid(b, 0xFFFFFFFFFFFFULL, subs, 15);
	cr_assert_eq(ntfs_sid_to_string(b, sizeof(b), s, sizeof(s), &used, &e), NTFS_OK, "%s", e.reason);
	cr_assert_eq(used, 68);
	cr_assert_eq(strlen(s), strlen("S-1-0xFFFFFFFFFFFF") + 15 * 11);
}

Test(sid, malformed)
{
	static const uint32_t sub[] = {18};
	uint8_t b[80];
	char s[NTFS_SID_STRING_MAX];
	size_t used = 99, n;
	ntfs_error e;

	make_sid(b, 5, sub, 1);
	b[0] = 2;
	cr_assert_eq(ntfs_sid_to_string(b, 12, s, sizeof(s), &used, &e), NTFS_E_INVALID);
	cr_assert_eq(used, 0);
	cr_assert_str_eq(s, "");
	b[0] = 1;
	b[1] = 16;
	cr_assert_eq(ntfs_sid_to_string(b, sizeof(b), s, sizeof(s), &used, &e), NTFS_E_INVALID);
	cr_assert(strstr(e.reason, "16 sub-authorities") != NULL, "%s", e.reason);
	b[1] = 1;
	cr_assert_eq(ntfs_sid_to_string(b, 12, s, 8, &used, &e), NTFS_E_RANGE); /* "S-1-5-18" needs 9 */
	cr_assert_str_eq(s, "");
	cr_assert_eq(ntfs_sid_to_string(b, 12, s, 9, &used, &e), NTFS_OK);
	cr_assert_str_eq(s, "S-1-5-18");
	cr_assert_eq(ntfs_sid_to_string(b, 12, NULL, 0, &used, &e), NTFS_E_RANGE);
	for (n = 0; n < 12; n++) {
		uint8_t *p = tb_prefix(b, n);
		cr_assert_eq(ntfs_sid_to_string(p, n, s, sizeof(s), &used, &e), NTFS_E_TRUNCATED, "len %zu", n);
		free(p);
	}
}

/* A self-relative descriptor: header, owner S-1-5-32-544, group S-1-5-18, an empty DACL. Returns its length. */
static size_t make_sd(uint8_t *p)
{
	static const uint32_t admins[] = {32, 544};
	static const uint32_t system[] = {18};
	size_t pos = 20;

	memset(p, 0, 64);
	p[0] = 1;
	le16_put(p + 2, 0x8004); /* self-relative, DACL present */
	tb_put32(p + 4, (uint32_t)pos);
	pos += make_sid(p + pos, 5, admins, 2);
	tb_put32(p + 8, (uint32_t)pos);
	pos += make_sid(p + pos, 5, system, 1);
	tb_put32(p + 0x10, (uint32_t)pos);
	p[pos] = 2;
	le16_put(p + pos + 2, 8);
	return pos + 8;
}

Test(sd, owner_group_dacl)
{
	uint8_t b[64];
	ntfs_security_descriptor sd;
	ntfs_error e;
	size_t len = make_sd(b);

	cr_assert_eq(len, 20 + 16 + 12 + 8);
	cr_assert_eq(ntfs_sd_decode(b, len, &sd, &e), NTFS_OK, "%s", e.reason);
	cr_assert_eq(sd.revision, 1);
	cr_assert_eq(sd.control, 0x8004);
	cr_assert(sd.has_owner);
	cr_assert_str_eq(sd.owner_sid, "S-1-5-32-544");
	cr_assert(sd.has_group);
	cr_assert_str_eq(sd.group_sid, "S-1-5-18");
	cr_assert(sd.has_dacl);
	cr_assert_not(sd.has_sacl);
}

Test(sd, absent_parts)
{
	uint8_t b[64];
	ntfs_security_descriptor sd;
	ntfs_error e;
	size_t len = make_sd(b);

	tb_put32(b + 4, 0);
	le16_put(b + 2, 0x8000); /* DACL offset still set, but the flag says absent */
	cr_assert_eq(ntfs_sd_decode(b, len, &sd, &e), NTFS_OK, "%s", e.reason);
	cr_assert_not(sd.has_owner);
	cr_assert_str_eq(sd.owner_sid, "");
	cr_assert(sd.has_group);
	cr_assert_not(sd.has_dacl);
}

Test(sd, lying_offsets_and_headers)
{
	uint8_t b[64];
	ntfs_security_descriptor sd;
	ntfs_error e;
	size_t len;

	len = make_sd(b);
	tb_put32(b + 4, (uint32_t)len); /* owner at the very end */
	cr_assert_eq(ntfs_sd_decode(b, len, &sd, &e), NTFS_E_RANGE);
	cr_assert(strstr(e.reason, "owner") != NULL, "%s", e.reason);

	len = make_sd(b);
	tb_put32(b + 8, 0xFFFFFFF0u);
	cr_assert_eq(ntfs_sd_decode(b, len, &sd, &e), NTFS_E_RANGE);
	cr_assert(strstr(e.reason, "group") != NULL, "%s", e.reason);

	len = make_sd(b);
	tb_put32(b + 4, 4); /* owner inside the header */
	cr_assert_eq(ntfs_sd_decode(b, len, &sd, &e), NTFS_E_RANGE);

	len = make_sd(b);
	cr_assert_eq(ntfs_sd_decode(b, 30, &sd, &e), NTFS_E_TRUNCATED); /* owner SID cut by the end */
	cr_assert(strstr(e.reason, "owner") != NULL, "%s", e.reason);

	len = make_sd(b);
	le16_put(b + len - 8 + 2, 200); /* DACL size past the end */
	cr_assert_eq(ntfs_sd_decode(b, len, &sd, &e), NTFS_E_RANGE);
	cr_assert(strstr(e.reason, "DACL") != NULL, "%s", e.reason);

	len = make_sd(b);
	le16_put(b + 2, 0x8014); /* SACL present at offset 0 */
	cr_assert_eq(ntfs_sd_decode(b, len, &sd, &e), NTFS_OK, "%s", e.reason);
	cr_assert_not(sd.has_sacl);
	tb_put32(b + 0x0C, (uint32_t)len - 4);
	cr_assert_eq(ntfs_sd_decode(b, len, &sd, &e), NTFS_E_RANGE);
	cr_assert(strstr(e.reason, "SACL") != NULL, "%s", e.reason);

	len = make_sd(b);
	b[0] = 2;
	cr_assert_eq(ntfs_sd_decode(b, len, &sd, &e), NTFS_E_INVALID);
	b[0] = 1;
	le16_put(b + 2, 0x0004); /* absolute form: pointers, not offsets */
	cr_assert_eq(ntfs_sd_decode(b, len, &sd, &e), NTFS_E_UNSUPPORTED);
}

Test(sd, every_prefix)
{
	uint8_t b[64];
	ntfs_security_descriptor sd;
	ntfs_error e;
	size_t len = make_sd(b), n;

	for (n = 0; n <= len; n++) {
		uint8_t *p = tb_prefix(b, n);
		ntfs_status st = ntfs_sd_decode(p, n, &sd, &e);
		cr_assert_eq(st == NTFS_OK, n == len, "len %zu: %s", n, e.reason);
		free(p);
	}
}

Test(sds, entry_header)
{
	uint8_t b[128];
	ntfs_sds_entry en;
	ntfs_error e;
	size_t sdlen = make_sd(b + 20), n;

	tb_put32(b, 0xDEADBEEF);
	tb_put32(b + 4, 268);
	tb_put64(b + 8, 0x750);
	tb_put32(b + 16, (uint32_t)(20 + sdlen));
	cr_assert_eq(ntfs_sds_entry_decode(b, sizeof(b), &en, &e), NTFS_OK, "%s", e.reason);
	cr_assert_eq(en.hash, 0xDEADBEEF);
	cr_assert_eq(en.security_id, 268);
	cr_assert_eq(en.offset, 0x750);
	cr_assert_eq(en.length, 20 + sdlen);
	cr_assert_eq(en.descriptor, b + 20);
	cr_assert_eq(en.descriptor_length, sdlen);
	for (n = 0; n < 20 + sdlen; n++) {
		uint8_t *p = tb_prefix(b, n);
		cr_assert_neq(ntfs_sds_entry_decode(p, n, &en, &e), NTFS_OK, "len %zu", n);
		free(p);
	}
	tb_put32(b + 16, 19);
	cr_assert_eq(ntfs_sds_entry_decode(b, sizeof(b), &en, &e), NTFS_E_INVALID);
	tb_put32(b + 16, 0);
	cr_assert_eq(ntfs_sds_entry_decode(b, sizeof(b), &en, &e), NTFS_E_INVALID);
	tb_put32(b + 16, 0x4E525450); /* "PTRN": the fill pattern found in a real $SDS after its last entry */
	cr_assert_eq(ntfs_sds_entry_decode(b, sizeof(b), &en, &e), NTFS_E_RANGE);
}
