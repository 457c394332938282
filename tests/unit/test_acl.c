/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of ACLs, ACEs, the DACL access check and SDDL rendering. Descriptors are built here field by
 * field; the expected SDDL strings are the ones Windows itself shows for such descriptors (Get-Acl's .Sddl,
 * icacls /save, ConvertSecurityDescriptorToStringSecurityDescriptor).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "ntfs_test_builder.h"
#include "sddl.h"
#include "security.h"

#define TI "S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464"
#define USER "S-1-5-21-2341207468-2645333676-3461800803-1001"

/* Writes the SID spelled "S-1-a-b-..." (decimal authority) at p; returns its length. */
static size_t sid_bytes(uint8_t *p, const char *s)
{
	unsigned long long v[20];
	int n = 0;
	const char *c = s + 2;
	while (*c && n < 20) {
		v[n++] = strtoull(c, (char **)&c, 10);
		if (*c == '-')
			c++;
	}
	cr_assert_geq(n, 2);
	p[0] = (uint8_t)v[0];
	p[1] = (uint8_t)(n - 2);
	for (int i = 0; i < 6; i++)
		p[2 + i] = (uint8_t)(v[1] >> (8 * (5 - i)));
	for (int i = 2; i < n; i++)
		tb_put32(p + 8 + 4 * (i - 2), (uint32_t)v[i]);
	return 8 + 4 * (size_t)(n - 2);
}

/* An ACL under construction. */
typedef struct {
	uint8_t b[4096];
	size_t len;
	uint16_t count;
} acl_b;

static void acl_start(acl_b *a)
{
	memset(a, 0, sizeof(*a));
	a->len = 8;
}

/* Appends a plain ACE (allowed, denied, audit, label). */
static void ace(acl_b *a, uint8_t type, uint8_t flags, uint32_t mask, const char *sid)
{
	uint8_t *p = a->b + a->len;
	size_t n = 8 + sid_bytes(p + 8, sid);
	p[0] = type;
	p[1] = flags;
	le16_put(p + 2, (uint16_t)n);
	tb_put32(p + 4, mask);
	a->len += n;
	a->count++;
}

/* Appends an object ACE with an object type GUID. */
static void object_ace(acl_b *a, uint8_t type, uint32_t mask, const uint8_t guid[16], const char *sid)
{
	uint8_t *p = a->b + a->len;
	tb_put32(p + 8, 1);
	memcpy(p + 12, guid, 16);
	size_t n = 28 + sid_bytes(p + 28, sid);
	p[0] = type;
	p[1] = 0;
	le16_put(p + 2, (uint16_t)n);
	tb_put32(p + 4, mask);
	a->len += n;
	a->count++;
}

/* Writes the ACL header (revision 2). */
static void acl_end(acl_b *a)
{
	a->b[0] = 2;
	le16_put(a->b + 2, (uint16_t)a->len);
	le16_put(a->b + 4, a->count);
}

/* Builds a self-relative descriptor: owner, group, then SACL and DACL (NULL: absent). Returns its length. */
static size_t sd_build(uint8_t *out, uint16_t control, const char *owner, const char *group, acl_b *sacl, acl_b *dacl)
{
	size_t pos = 20;
	memset(out, 0, 20);
	out[0] = 1;
	le16_put(out + 2, (uint16_t)(control | 0x8000));
	if (owner) {
		tb_put32(out + 4, (uint32_t)pos);
		pos += sid_bytes(out + pos, owner);
	}
	if (group) {
		tb_put32(out + 8, (uint32_t)pos);
		pos += sid_bytes(out + pos, group);
	}
	if (sacl) {
		acl_end(sacl);
		tb_put32(out + 12, (uint32_t)pos);
		memcpy(out + pos, sacl->b, sacl->len);
		pos += sacl->len;
		control |= NTFS_SE_SACL_PRESENT;
	}
	if (dacl) {
		acl_end(dacl);
		tb_put32(out + 16, (uint32_t)pos);
		memcpy(out + pos, dacl->b, dacl->len);
		pos += dacl->len;
		control |= NTFS_SE_DACL_PRESENT;
	}
	le16_put(out + 2, (uint16_t)(control | 0x8000));
	return pos;
}

/* Renders sd and compares with want. */
static void check_sddl(const uint8_t *sd, size_t len, const char *want)
{
	char s[8192];
	size_t need;
	ntfs_error e;
	cr_assert_eq(ntfs_sddl_render(sd, len, s, sizeof(s), &need, &e), NTFS_OK, "%s", e.reason);
	cr_assert_str_eq(s, want);
	cr_assert_eq(need, strlen(want));
}

static uint8_t sd[16384];

Test(sddl, windows_directory)
{
	/* C:\Windows on Windows 10: (Get-Acl C:\Windows).Sddl */
	acl_b d;
	acl_start(&d);
	ace(&d, NTFS_ACE_ALLOWED, 0, 0x1F01FF, TI);
	ace(&d, NTFS_ACE_ALLOWED, 0x0A, 0x10000000, TI);
	ace(&d, NTFS_ACE_ALLOWED, 0, 0x1301BF, "S-1-5-18");
	ace(&d, NTFS_ACE_ALLOWED, 0x0B, 0x10000000, "S-1-5-18");
	ace(&d, NTFS_ACE_ALLOWED, 0, 0x1301BF, "S-1-5-32-544");
	ace(&d, NTFS_ACE_ALLOWED, 0x0B, 0x10000000, "S-1-5-32-544");
	ace(&d, NTFS_ACE_ALLOWED, 0, 0x1200A9, "S-1-5-32-545");
	ace(&d, NTFS_ACE_ALLOWED, 0x0B, 0xA0000000, "S-1-5-32-545");
	ace(&d, NTFS_ACE_ALLOWED, 0x0B, 0x10000000, "S-1-3-0");
	ace(&d, NTFS_ACE_ALLOWED, 0, 0x1200A9, "S-1-15-2-1");
	ace(&d, NTFS_ACE_ALLOWED, 0x0B, 0xA0000000, "S-1-15-2-1");
	ace(&d, NTFS_ACE_ALLOWED, 0, 0x1200A9, "S-1-15-2-2");
	ace(&d, NTFS_ACE_ALLOWED, 0x0B, 0xA0000000, "S-1-15-2-2");
	size_t n = sd_build(sd, NTFS_SE_DACL_PROTECTED | NTFS_SE_DACL_AUTO_INHERITED, TI, TI, NULL, &d);
	check_sddl(sd, n,
		   "O:" TI "G:" TI "D:PAI(A;;FA;;;" TI ")(A;CIIO;GA;;;" TI ")(A;;0x1301bf;;;SY)(A;OICIIO;GA;;;SY)"
		   "(A;;0x1301bf;;;BA)(A;OICIIO;GA;;;BA)(A;;0x1200a9;;;BU)(A;OICIIO;GXGR;;;BU)(A;OICIIO;GA;;;CO)"
		   "(A;;0x1200a9;;;AC)(A;OICIIO;GXGR;;;AC)(A;;0x1200a9;;;S-1-15-2-2)(A;OICIIO;GXGR;;;S-1-15-2-2)");
}

Test(sddl, user_file_inherited)
{
	/* a file a user made in their profile: owner the user, group None (-513), three inherited ACEs */
	acl_b d;
	acl_start(&d);
	ace(&d, NTFS_ACE_ALLOWED, 0x10, 0x1F01FF, "S-1-5-18");
	ace(&d, NTFS_ACE_ALLOWED, 0x10, 0x1F01FF, "S-1-5-32-544");
	ace(&d, NTFS_ACE_ALLOWED, 0x10, 0x1F01FF, USER);
	size_t n = sd_build(sd, NTFS_SE_DACL_AUTO_INHERITED, USER, "S-1-5-21-2341207468-2645333676-3461800803-513", NULL, &d);
	check_sddl(sd, n, "O:" USER "G:S-1-5-21-2341207468-2645333676-3461800803-513D:AI(A;ID;FA;;;SY)(A;ID;FA;;;BA)(A;ID;FA;;;" USER ")");
}

Test(sddl, rights_letters_and_hex)
{
	char r[64];
	ntfs_sddl_rights(0x120089, 0, r, sizeof(r));
	cr_assert_str_eq(r, "FR");
	ntfs_sddl_rights(0x120116, 0, r, sizeof(r));
	cr_assert_str_eq(r, "FW");
	ntfs_sddl_rights(0x1200A0, 0, r, sizeof(r));
	cr_assert_str_eq(r, "FX");
	ntfs_sddl_rights(0x000F003F, 0, r, sizeof(r));
	cr_assert_str_eq(r, "KA");
	ntfs_sddl_rights(0x00020019, 0, r, sizeof(r));
	cr_assert_str_eq(r, "KR");
	ntfs_sddl_rights(0x000D0000, 0, r, sizeof(r)); /* DELETE | WRITE_DAC | WRITE_OWNER */
	cr_assert_str_eq(r, "SDWDWO");
	ntfs_sddl_rights(0xE0000000, 0, r, sizeof(r));
	cr_assert_str_eq(r, "GXGWGR");
	ntfs_sddl_rights(0x00000130, 0, r, sizeof(r)); /* bit 8 is CR, 4 RP, 5 WP: all lettered */
	cr_assert_str_eq(r, "RPWPCR");
	ntfs_sddl_rights(0x00100000, 0, r, sizeof(r)); /* SYNCHRONIZE has no letter */
	cr_assert_str_eq(r, "0x100000");
	ntfs_sddl_rights(0, 0, r, sizeof(r));
	cr_assert_str_eq(r, "");
	ntfs_sddl_rights(1, 1, r, sizeof(r));
	cr_assert_str_eq(r, "NW");
	ntfs_sddl_rights(3, 1, r, sizeof(r));
	cr_assert_str_eq(r, "NWNR");
}

Test(sddl, label_null_dacl_object_ace)
{
	/* the low integrity label of AppData\LocalLow, with no DACL change: S:(ML;OICI;NW;;;LW) */
	acl_b s;
	acl_start(&s);
	ace(&s, NTFS_ACE_MANDATORY_LABEL, 0x03, 1, "S-1-16-4096");
	size_t n = sd_build(sd, 0, "S-1-5-32-544", NULL, &s, NULL);
	check_sddl(sd, n, "O:BAS:(ML;OICI;NW;;;LW)");

	/* DACL present but NULL: D:NO_ACCESS_CONTROL */
	n = sd_build(sd, NTFS_SE_DACL_PRESENT, "S-1-5-18", "S-1-5-18", NULL, NULL);
	check_sddl(sd, n, "O:SYG:SYD:NO_ACCESS_CONTROL");

	/* Active Directory's "Change Password" right for Everyone: an object ACE with a GUID */
	static const uint8_t change_pw[16] = {0x53, 0x1a, 0x72, 0xab, 0x2f, 0x1e, 0xd0, 0x11,
					      0x98, 0x19, 0x00, 0xaa, 0x00, 0x40, 0x52, 0x9b};
	acl_b d;
	acl_start(&d);
	object_ace(&d, NTFS_ACE_ALLOWED_OBJECT, 0x100, change_pw, "S-1-1-0");
	ace(&d, NTFS_ACE_DENIED, 0, 0x000C0000, "S-1-1-0");
	ace(&d, NTFS_ACE_AUDIT, 0xC0, 0x10000, "S-1-5-11");
	n = sd_build(sd, NTFS_SE_DACL_AUTO_INHERIT_REQ, NULL, NULL, NULL, &d);
	check_sddl(sd, n, "D:AR(OA;;CR;ab721a53-1e2f-11d0-9819-00aa0040529b;;WD)(D;;WDWO;;;WD)(AU;SAFA;SD;;;AU)");
}

Test(sddl, too_small_buffer_says_how_much)
{
	acl_b d;
	acl_start(&d);
	ace(&d, NTFS_ACE_ALLOWED, 0, 0x1F01FF, "S-1-1-0");
	size_t n = sd_build(sd, 0, "S-1-5-18", NULL, NULL, &d), need;
	char s[8];
	ntfs_error e;
	cr_assert_eq(ntfs_sddl_render(sd, n, s, sizeof(s), &need, &e), NTFS_E_RANGE);
	cr_assert_str_eq(s, "");
	cr_assert_eq(need, strlen("O:SYD:(A;;FA;;;WD)"));
}

Test(acl, hostile_counts_and_sizes)
{
	acl_b d;
	char s[1024];
	size_t need, n;
	ntfs_error e;
	uint32_t g;
	const char *tok[] = {"S-1-1-0"};

	acl_start(&d);
	ace(&d, NTFS_ACE_ALLOWED, 0, 0x1F01FF, "S-1-1-0");
	ace(&d, NTFS_ACE_ALLOWED, 0, 0x1F01FF, "S-1-5-18");
	n = sd_build(sd, 0, "S-1-5-18", NULL, NULL, &d);
	uint32_t off = le32(sd + 16);

	le16_put(sd + off + 4, 5); /* the count lies: 5 ACEs declared, 2 there */
	cr_assert_eq(ntfs_sddl_render(sd, n, s, sizeof(s), &need, &e), NTFS_E_TRUNCATED);
	cr_assert(strstr(e.reason, "declares 5 ACEs") != NULL, "%s", e.reason);
	cr_assert_neq(ntfs_sd_access(sd, n, tok, 1, &g, &e), NTFS_OK);
	cr_assert_eq(g, 0);

	le16_put(sd + off + 4, 60000); /* a huge count: stops at the ACL's end all the same */
	cr_assert_eq(ntfs_sddl_render(sd, n, s, sizeof(s), &need, &e), NTFS_E_TRUNCATED);

	le16_put(sd + off + 4, 1); /* fewer declared than present: only the first one counts */
	check_sddl(sd, n, "O:SYD:(A;;FA;;;WD)");

	le16_put(sd + off + 4, 2);
	le16_put(sd + off + 8 + 2, 0); /* ACE size 0 */
	cr_assert_eq(ntfs_sddl_render(sd, n, s, sizeof(s), &need, &e), NTFS_E_INVALID);
	cr_assert(strstr(e.reason, "ACE 0 of 2") != NULL, "%s", e.reason);
	cr_assert_neq(ntfs_sd_access(sd, n, tok, 1, &g, &e), NTFS_OK);
	/* without an error to fill the status still comes back (the walk must stop, not loop) */
	cr_assert_neq(ntfs_sd_access(sd, n, tok, 1, &g, NULL), NTFS_OK);
	cr_assert_neq(ntfs_sddl_render(sd, n, s, sizeof(s), &need, NULL), NTFS_OK);
	{
		ntfs_acl acl;
		ntfs_ace a;
		size_t pos = NTFS_ACL_HEADER;
		uint16_t i = 0;
		cr_assert_eq(ntfs_acl_decode(sd + off, n - off, &acl, NULL), NTFS_OK);
		cr_assert_eq(ntfs_acl_next(sd + off, &acl, &pos, &i, &a, NULL), NTFS_E_INVALID);
		cr_assert_eq(pos, NTFS_ACL_HEADER);
	}

	le16_put(sd + off + 8 + 2, 0x4000); /* ACE size past its ACL */
	cr_assert_eq(ntfs_sddl_render(sd, n, s, sizeof(s), &need, &e), NTFS_E_RANGE);

	le16_put(sd + off + 8 + 2, 10); /* ACE too short for its SID */
	cr_assert_eq(ntfs_sddl_render(sd, n, s, sizeof(s), &need, &e), NTFS_E_TRUNCATED);

	le16_put(sd + off + 8 + 2, 20);
	le16_put(sd + off + 2, 0x7000); /* ACL size past the descriptor */
	cr_assert_neq(ntfs_sddl_render(sd, n, s, sizeof(s), &need, &e), NTFS_OK);
}

/* The rights the descriptor grants a token of SIDs. */
static uint32_t access_of(const uint8_t *b, size_t n, const char *const *tok, size_t k)
{
	uint32_t g = 0xDEADBEEF;
	ntfs_error e;
	cr_assert_eq(ntfs_sd_access(b, n, tok, k, &g, &e), NTFS_OK, "%s", e.reason);
	return g;
}

Test(acl, access_check_order_deny_inherit_only_owner)
{
	const char *everyone[] = {"S-1-1-0"};
	const char *users[] = {"S-1-1-0", "S-1-5-11", "S-1-5-32-545"};
	const char *user[] = {"S-1-1-0", "S-1-5-11", "S-1-5-32-545", "S-1-5-4", USER};
	acl_b d;

	/* Modify for Users, CREATOR OWNER full control inherit-only, a deny of write data for Everyone first */
	acl_start(&d);
	ace(&d, NTFS_ACE_DENIED, 0, NTFS_FILE_WRITE_DATA, "S-1-1-0");
	ace(&d, NTFS_ACE_ALLOWED, 0, 0x1301BF, "S-1-5-32-545");
	ace(&d, NTFS_ACE_ALLOWED, NTFS_ACE_INHERIT_ONLY | 3, NTFS_GENERIC_ALL, "S-1-3-0");
	ace(&d, NTFS_ACE_ALLOWED, 0, NTFS_GENERIC_ALL, "S-1-5-18");
	size_t n = sd_build(sd, 0, "S-1-5-18", NULL, NULL, &d);
	cr_assert_eq(access_of(sd, n, everyone, 1), 0);
	uint32_t g = access_of(sd, n, users, 3);
	cr_assert_eq(g, 0x1301BF & ~NTFS_FILE_WRITE_DATA, "0x%x", g);
	cr_assert_eq(access_of(sd, n, (const char *[]){"S-1-3-0"}, 1), 0); /* inherit-only: not for this object */
	cr_assert_eq(access_of(sd, n, (const char *[]){"S-1-5-18"}, 1), NTFS_FILE_ALL_ACCESS); /* GA mapped */

	/* an allow before a deny wins (the first ACE that names a right decides) */
	acl_start(&d);
	ace(&d, NTFS_ACE_ALLOWED, 0, NTFS_RIGHT_DELETE, USER);
	ace(&d, NTFS_ACE_DENIED, 0, NTFS_FILE_ALL_ACCESS, "S-1-1-0");
	n = sd_build(sd, 0, "S-1-5-18", NULL, NULL, &d);
	cr_assert_eq(access_of(sd, n, user, 5), NTFS_RIGHT_DELETE);

	/* the owner holds READ_CONTROL and WRITE_DAC beside an empty DACL, not with an OWNER RIGHTS ACE */
	acl_start(&d);
	n = sd_build(sd, 0, USER, NULL, NULL, &d);
	cr_assert_eq(access_of(sd, n, user, 5), NTFS_RIGHT_READ_CONTROL | NTFS_RIGHT_WRITE_DAC);
	cr_assert_eq(access_of(sd, n, users, 3), 0);
	ace(&d, NTFS_ACE_ALLOWED, 0, NTFS_FILE_GENERIC_READ, "S-1-3-4");
	n = sd_build(sd, 0, USER, NULL, NULL, &d);
	cr_assert_eq(access_of(sd, n, user, 5), NTFS_FILE_GENERIC_READ);

	/* no DACL at all, and a NULL one: everything for everyone */
	n = sd_build(sd, 0, USER, NULL, NULL, NULL);
	cr_assert_eq(access_of(sd, n, everyone, 1), NTFS_FILE_ALL_ACCESS);
	n = sd_build(sd, NTFS_SE_DACL_PRESENT, USER, NULL, NULL, NULL);
	cr_assert_eq(access_of(sd, n, everyone, 1), NTFS_FILE_ALL_ACCESS);

	/* a high label with no-write-up leaves a medium token its read rights only */
	acl_b s;
	acl_start(&s);
	ace(&s, NTFS_ACE_MANDATORY_LABEL, 0, NTFS_LABEL_NO_WRITE_UP, "S-1-16-12288");
	acl_start(&d);
	ace(&d, NTFS_ACE_ALLOWED, 0, NTFS_FILE_ALL_ACCESS, "S-1-1-0");
	n = sd_build(sd, 0, USER, NULL, &s, &d);
	g = access_of(sd, n, everyone, 1);
	cr_assert_eq(g & (NTFS_FILE_WRITE_DATA | NTFS_FILE_APPEND_DATA | NTFS_RIGHT_DELETE | NTFS_RIGHT_WRITE_DAC), 0, "0x%x", g);
	cr_assert_eq(g & NTFS_FILE_GENERIC_READ, NTFS_FILE_GENERIC_READ);
	/* a low label does not */
	acl_start(&s);
	ace(&s, NTFS_ACE_MANDATORY_LABEL, 0, NTFS_LABEL_NO_WRITE_UP, "S-1-16-4096");
	n = sd_build(sd, 0, USER, NULL, &s, &d);
	cr_assert_eq(access_of(sd, n, everyone, 1), NTFS_FILE_ALL_ACCESS);
}
