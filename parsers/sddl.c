/* SPDX-License-Identifier: Apache-2.0 */
/* SDDL rendering of self-relative security descriptors ([MS-DTYP] 2.5.1), bytes in, text out. */
#include "sddl.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "security.h"

/* Wraps err's reason in a prefix and returns st (ntfs_error_prefix alone returns NTFS_OK when err is NULL). */
#define prefixed(st, err, ...) (ntfs_error_prefix((err), __VA_ARGS__), (st))

typedef struct {
	const char *sid, *alias;
} sid_alias;

/* Every fixed-SID alias of SDDL (sddl.h); sorted by SID string for bsearch. */
static const sid_alias ALIASES[] = {
	{"S-1-1-0", "WD"},       {"S-1-15-2-1", "AC"},    {"S-1-16-12288", "HI"},  {"S-1-16-16384", "SI"},
	{"S-1-16-4096", "LW"},   {"S-1-16-8192", "ME"},   {"S-1-16-8448", "MP"},   {"S-1-18-1", "AS"},
	{"S-1-18-2", "SS"},      {"S-1-3-0", "CO"},       {"S-1-3-1", "CG"},       {"S-1-3-4", "OW"},
	{"S-1-5-10", "PS"},      {"S-1-5-11", "AU"},      {"S-1-5-12", "RC"},      {"S-1-5-18", "SY"},
	{"S-1-5-19", "LS"},      {"S-1-5-2", "NU"},       {"S-1-5-20", "NS"},      {"S-1-5-32-544", "BA"},
	{"S-1-5-32-545", "BU"},  {"S-1-5-32-546", "BG"},  {"S-1-5-32-547", "PU"},  {"S-1-5-32-548", "AO"},
	{"S-1-5-32-549", "SO"},  {"S-1-5-32-550", "PO"},  {"S-1-5-32-551", "BO"},  {"S-1-5-32-552", "RE"},
	{"S-1-5-32-554", "RU"},  {"S-1-5-32-555", "RD"},  {"S-1-5-32-556", "NO"},  {"S-1-5-32-558", "MU"},
	{"S-1-5-32-559", "LU"},  {"S-1-5-32-568", "IS"},  {"S-1-5-32-569", "CY"},  {"S-1-5-32-573", "ER"},
	{"S-1-5-32-574", "CD"},  {"S-1-5-32-575", "RA"},  {"S-1-5-32-576", "ES"},  {"S-1-5-32-577", "MS"},
	{"S-1-5-32-578", "HA"},  {"S-1-5-32-579", "AA"},  {"S-1-5-32-580", "RM"},  {"S-1-5-33", "WR"},
	{"S-1-5-4", "IU"},       {"S-1-5-6", "SU"},       {"S-1-5-7", "AN"},       {"S-1-5-84-0-0-0-0-0", "UD"},
	{"S-1-5-9", "ED"},
};

/* Whole-mask rights, tried in this order before the bit letters (as Windows does). */
static const struct {
	uint32_t mask;
	const char *s;
} WHOLE[] = {
	{0x001F01FFu, "FA"}, {0x00120089u, "FR"}, {0x00120116u, "FW"}, {0x001200A0u, "FX"},
	{0x000F003Fu, "KA"}, {0x00020019u, "KR"}, {0x00020006u, "KW"},
};

/* The letters of each right bit, NULL where SDDL has none. */
static const char *const BITS[32] = {
	"CC", "DC", "LC", "SW", "RP", "WP", "DT", "LO", "CR", NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	"SD", "RC", "WD", "WO", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "GA", "GX", "GW", "GR",
};

/* ACE flag letters in Windows' order. */
static const struct {
	uint8_t flag;
	const char *s;
} FLAGS[] = {
	{NTFS_ACE_OBJECT_INHERIT, "OI"}, {NTFS_ACE_CONTAINER_INHERIT, "CI"}, {NTFS_ACE_NO_PROPAGATE, "NP"},
	{NTFS_ACE_INHERIT_ONLY, "IO"},   {NTFS_ACE_INHERITED, "ID"},         {NTFS_ACE_CRITICAL, "CR"},
	{NTFS_ACE_SUCCESSFUL_ACCESS, "SA"}, {NTFS_ACE_FAILED_ACCESS, "FA"},
};

/* Output that counts what it would write past its capacity. */
typedef struct {
	char *out;
	size_t cap, pos;
} sink;

/* Appends printf output to the sink (counted even when it does not fit). */
static void put(sink *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(sink *s, const char *fmt, ...)
{
	va_list ap;
	char tmp[64];
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(tmp)) { /* only a SID is longer: write it in place or count it */
		va_start(ap, fmt);
		if (s->pos < s->cap)
			vsnprintf(s->out + s->pos, s->cap - s->pos, fmt, ap);
		va_end(ap);
	} else if (s->pos + (size_t)n < s->cap) {
		memcpy(s->out + s->pos, tmp, (size_t)n + 1);
	}
	s->pos += (size_t)n;
}

/* Orders a SID string against an alias row. */
static int alias_cmp(const void *key, const void *row)
{
	return strcmp((const char *)key, ((const sid_alias *)row)->sid);
}

const char *ntfs_sddl_sid_alias(const char *sid)
{
	const sid_alias *a = bsearch(sid, ALIASES, sizeof(ALIASES) / sizeof(ALIASES[0]), sizeof(ALIASES[0]), alias_cmp);
	return a ? a->alias : NULL;
}

/* Writes a SID by its alias or as S-1-... */
static void put_sid(sink *s, const char *sid)
{
	const char *a = ntfs_sddl_sid_alias(sid);
	put(s, "%s", a ? a : sid);
}

void ntfs_sddl_rights(uint32_t mask, int label, char *out, size_t cap)
{
	sink s = {out, cap, 0};
	if (cap)
		out[0] = '\0';
	if (mask == 0)
		return;
	if (label) {
		static const char *const L[3] = {"NW", "NR", "NX"};
		if (mask & ~7u) {
			put(&s, "0x%x", mask);
			return;
		}
		for (int i = 0; i < 3; i++)
			if (mask & (1u << i))
				put(&s, "%s", L[i]);
		return;
	}
	for (size_t i = 0; i < sizeof(WHOLE) / sizeof(WHOLE[0]); i++)
		if (mask == WHOLE[i].mask) {
			put(&s, "%s", WHOLE[i].s);
			return;
		}
	for (int i = 0; i < 32; i++)
		if ((mask & (1u << i)) && !BITS[i]) {
			put(&s, "0x%x", mask);
			return;
		}
	for (int i = 0; i < 32; i++)
		if (mask & (1u << i))
			put(&s, "%s", BITS[i]);
}

/* Writes a GUID as stored (first three fields little-endian) in lowercase 8-4-4-4-12 form. */
static void put_guid(sink *s, const uint8_t *g)
{
	put(s, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", g[3], g[2], g[1], g[0], g[5], g[4],
	    g[7], g[6], g[8], g[9], g[10], g[11], g[12], g[13], g[14], g[15]);
}

/* Writes one ACE in parentheses. */
static void put_ace(sink *s, const ntfs_ace *a)
{
	char rights[64];
	const char *t = ntfs_ace_type_sddl(a->type);
	if (t)
		put(s, "(%s;", t);
	else
		put(s, "(0x%02x;", a->type);
	for (size_t i = 0; i < sizeof(FLAGS) / sizeof(FLAGS[0]); i++)
		if (a->flags & FLAGS[i].flag)
			put(s, "%s", FLAGS[i].s);
	ntfs_sddl_rights(a->mask, a->type == NTFS_ACE_MANDATORY_LABEL, rights, sizeof(rights));
	put(s, ";%s;", rights);
	if (a->has_object_type)
		put_guid(s, a->object_type);
	put(s, ";");
	if (a->has_inherited_object_type)
		put_guid(s, a->inherited_object_type);
	put(s, ";");
	if (a->has_sid)
		put_sid(s, a->sid);
	put(s, ")");
}

/* Writes "D:" or "S:" with its flags and ACEs; an ACL that cannot be walked to its end is an error. */
static ntfs_status put_acl(sink *s, const uint8_t *sd, size_t len, char which, bool has, uint32_t off, uint16_t control,
			   ntfs_error *err)
{
	bool dacl = which == 'D';
	put(s, "%c:", which);
	if (control & (dacl ? NTFS_SE_DACL_PROTECTED : NTFS_SE_SACL_PROTECTED))
		put(s, "P");
	if (control & (dacl ? NTFS_SE_DACL_AUTO_INHERIT_REQ : NTFS_SE_SACL_AUTO_INHERIT_REQ))
		put(s, "AR");
	if (control & (dacl ? NTFS_SE_DACL_AUTO_INHERITED : NTFS_SE_SACL_AUTO_INHERITED))
		put(s, "AI");
	if (!has) {
		put(s, "NO_ACCESS_CONTROL");
		return NTFS_OK;
	}
	ntfs_acl acl;
	ntfs_status st = ntfs_acl_decode(sd + off, len - off, &acl, err);
	if (st != NTFS_OK)
		return prefixed(st, err, "%s: ", dacl ? "DACL" : "SACL");
	size_t pos = NTFS_ACL_HEADER;
	uint16_t i = 0;
	ntfs_ace ace;
	while ((st = ntfs_acl_next(sd + off, &acl, &pos, &i, &ace, err)) == NTFS_OK)
		put_ace(s, &ace);
	if (i != acl.ace_count)
		return prefixed(st, err, "%s: ", dacl ? "DACL" : "SACL");
	return NTFS_OK;
}

ntfs_status ntfs_sddl_render(const uint8_t *sd, size_t len, char *out, size_t cap, size_t *needed, ntfs_error *err)
{
	ntfs_security_descriptor d;
	sink s = {out, cap, 0};
	*needed = 0;
	if (cap)
		out[0] = '\0';
	ntfs_status st = ntfs_sd_decode(sd, len, &d, err);
	if (st != NTFS_OK)
		return st;
	if (d.has_owner) {
		put(&s, "O:");
		put_sid(&s, d.owner_sid);
	}
	if (d.has_group) {
		put(&s, "G:");
		put_sid(&s, d.group_sid);
	}
	if (d.dacl_present && (st = put_acl(&s, sd, len, 'D', d.has_dacl, d.dacl_offset, d.control, err)) != NTFS_OK)
		goto fail;
	if (d.sacl_present && (st = put_acl(&s, sd, len, 'S', d.has_sacl, d.sacl_offset, d.control, err)) != NTFS_OK)
		goto fail;
	*needed = s.pos;
	if (s.pos >= cap) {
		if (cap)
			out[0] = '\0';
		return ntfs_error_set(err, NTFS_E_RANGE, "SDDL of %zu characters does not fit in %zu bytes", s.pos, cap);
	}
	ntfs_error_clear(err);
	return NTFS_OK;
fail:
	if (cap)
		out[0] = '\0';
	return st;
}
