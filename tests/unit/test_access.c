/* SPDX-License-Identifier: Apache-2.0 */
/*
 * access_settle's list of the SIDs a volume's descriptors hold (accounts[] names each): every distinct SID
 * once, sorted by strcmp, however many the volume holds (no cap: a file server's $Secure can name thousands
 * of users).
 */
#include "config.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "access.h"
#include "model_builder.h"

#define DESCS 10000u /* $Secure entries */
#define OWNERS 5000u /* distinct owner SIDs among them: each owns two entries */

/* Writes SID S-1-5-21-100-200-300-rid at p; returns its length (28 bytes). */
static size_t put_domain_sid(uint8_t *p, uint32_t rid)
{
	const uint32_t sub[5] = {21, 100, 200, 300, rid};
	p[0] = 1;
	p[1] = 5;
	memset(p + 2, 0, 6);
	p[7] = 5; /* NT authority */
	for (int i = 0; i < 5; i++)
		for (int b = 0; b < 4; b++)
			p[8 + 4 * i + b] = (uint8_t)(sub[i] >> (8 * b));
	return 28;
}

/* Writes a well-known SID with one sub-authority (S-1-auth-sub) at p; returns its length (12 bytes). */
static size_t put_short_sid(uint8_t *p, uint8_t auth, uint32_t sub)
{
	p[0] = 1;
	p[1] = 1;
	memset(p + 2, 0, 6);
	p[7] = auth;
	for (int b = 0; b < 4; b++)
		p[8 + b] = (uint8_t)(sub >> (8 * b));
	return 12;
}

/* A self-relative descriptor: owner S-1-5-21-100-200-300-rid, group S-1-5-32-545 (Users), a DACL whose one
 * ACE allows Everyone (S-1-1-0) to read. Returns its length. */
static size_t make_descriptor(uint8_t *sd, uint32_t rid)
{
	memset(sd, 0, 128);
	sd[0] = 1;                        /* revision */
	sd[2] = 0x04, sd[3] = 0x80;       /* SE_DACL_PRESENT | SE_SELF_RELATIVE */
	size_t owner = 20, group = owner + put_domain_sid(sd + owner, rid);
	size_t dacl = group + 16;
	sd[group] = 1, sd[group + 1] = 2, sd[group + 7] = 5; /* S-1-5-32-545 */
	sd[group + 8] = 32, sd[group + 12] = 0x21, sd[group + 13] = 0x02;
	size_t ace = dacl + 8;
	size_t ace_len = 8 + put_short_sid(sd + ace + 8, 1, 0);
	sd[dacl] = 2;                     /* ACL revision */
	sd[dacl + 2] = (uint8_t)(8 + ace_len);
	sd[dacl + 4] = 1;                 /* one ACE */
	sd[ace] = 0;                      /* ACCESS_ALLOWED */
	sd[ace + 2] = (uint8_t)ace_len;
	sd[ace + 4] = 0x89, sd[ace + 6] = 0x12; /* FILE_GENERIC_READ 0x00120089 */
	sd[4] = (uint8_t)owner, sd[8] = (uint8_t)group, sd[16] = (uint8_t)dacl;
	return ace + ace_len;
}

Test(access, every_distinct_sid_listed_once_sorted)
{
	model m;
	mb_init(&m, 16);
	volume *vol = m.vol;
	for (uint32_t i = 0; i < DESCS; i++) {
		uint8_t sd[128];
		size_t len = make_descriptor(sd, 1000 + i % OWNERS);
		volume_sid *s = vec_push(&vol->sids);
		cr_assert_not_null(s);
		s->security_id = 256 + i;
		s->sid = SIZE_MAX;
		s->sd = arena_add(&vol->text, sd, len);
		s->sd_len = (uint32_t)len;
		cr_assert_neq(s->sd, SIZE_MAX);
	}
	vec links;
	vec_init(&links, 1);
	access_table t;
	access_init(&t);
	cr_assert_eq(access_settle(&t, &m, &links, NULL, NULL), NTFS_OK);

	/* 5,000 owners, Users and Everyone: each once, whatever order the entries named them in */
	cr_assert_eq(access_sids_seen(&t), OWNERS + 2);
	for (size_t k = 1; k < access_sids_seen(&t); k++)
		cr_assert_lt(strcmp(access_sid_seen(&t, k - 1), access_sid_seen(&t, k)), 0, "%s before %s",
			     access_sid_seen(&t, k - 1), access_sid_seen(&t, k));
	char want[64];
	snprintf(want, sizeof(want), "S-1-5-21-100-200-300-%u", 1000 + OWNERS - 1);
	bool owner_last = false, users = false, everyone = false;
	for (size_t k = 0; k < access_sids_seen(&t); k++) {
		owner_last |= strcmp(access_sid_seen(&t, k), want) == 0;
		users |= strcmp(access_sid_seen(&t, k), "S-1-5-32-545") == 0;
		everyone |= strcmp(access_sid_seen(&t, k), "S-1-1-0") == 0;
	}
	cr_assert(owner_last && users && everyone);
	cr_assert_str_eq(access_sid_seen(&t, 0), "S-1-1-0");

	access_free(&t);
	vec_free(&links);
	mb_free(&m);
}
