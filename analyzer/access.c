/* SPDX-License-Identifier: Apache-2.0 */
/* Security descriptors of the records the report shows: SDDL, names, writable_by (see access.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "accounts.h"
#include "acl.h"
#include "attribute.h"
#include "links.h"
#include "par.h"
#include "runlist.h"
#include "sddl.h"
#include "security.h"

#define MAX_OWN_SD (1u << 20)     /* a record's own $SECURITY_DESCRIPTOR: at most 1 MiB read */
#define MAX_SDDL (4u << 20)       /* longer SDDL is not kept (an error says so) */
#define MAX_NAMED 64              /* named accounts evaluated per descriptor */

enum { SRC_NONE = 0, SRC_SECURE, SRC_RECORD };

const char *const access_right_name[ACCESS_RIGHT_NAMES] = {"write_data", "append_data", "delete", "delete_child",
							   "write_dac", "write_owner"};
const uint32_t access_right_bit[ACCESS_RIGHT_NAMES] = {NTFS_FILE_WRITE_DATA, NTFS_FILE_APPEND_DATA, NTFS_RIGHT_DELETE,
						       NTFS_FILE_DELETE_CHILD, NTFS_RIGHT_WRITE_DAC,
						       NTFS_RIGHT_WRITE_OWNER};

typedef struct {
	uint32_t sddl, owner, owner_name, group, group_name, error; /* text offsets, ACCESS_NONE when absent */
	uint32_t first_writer, writer_count;
	uint8_t source;
	bool known;
} access_desc;

typedef struct {
	uint32_t sid, name, rights;
} access_writer_raw;

typedef struct {
	uint32_t record, desc;
} access_rec;

/* Records 32k .. 32k + 31: bit i set when record 32k + i has an entry in recs, and the entries of the records
 * before 32k (8 bytes per 32 records: 2.4 MiB at 10M records; one read finds an entry). */
struct access_rec_index {
	uint32_t before, bits;
};

/* The write rights writable_by counts (delete child only on directories). */
static uint32_t write_mask(bool is_dir)
{
	return NTFS_FILE_WRITE_DATA | NTFS_FILE_APPEND_DATA | NTFS_RIGHT_DELETE | NTFS_RIGHT_WRITE_DAC |
	       NTFS_RIGHT_WRITE_OWNER | (is_dir ? NTFS_FILE_DELETE_CHILD : 0);
}

void access_init(access_table *t)
{
	memset(t, 0, sizeof(*t));
	vec_init(&t->descs, sizeof(access_desc));
	vec_init(&t->writers, sizeof(access_writer_raw));
	vec_init(&t->recs, sizeof(access_rec));
	vec_init(&t->seen, sizeof(uint32_t));
}

void access_free(access_table *t)
{
	vec_free(&t->descs);
	vec_free(&t->writers);
	vec_free(&t->recs);
	free(t->rec_index);
	vec_free(&t->seen);
	arena_free(&t->text);
	free(t->secure_users);
	memset(t, 0, sizeof(*t));
}

/* Copies s into the table's text; ACCESS_NONE for NULL or when memory runs out. */
static uint32_t text_add(access_table *t, const char *s)
{
	if (!s)
		return ACCESS_NONE;
	size_t off = arena_add(&t->text, s, strlen(s));
	return off == SIZE_MAX || off >= ACCESS_NONE ? ACCESS_NONE : (uint32_t)off;
}

/* Appends sid to the list of SIDs seen; seen_settle sorts the list and drops repeats once all are in. */
static void seen_add(access_table *t, const char *sid)
{
	if (t->seen.count) { /* the same SID as just before (a descriptor's owner and its ACEs): no copy */
		uint32_t last = VEC_AT(&t->seen, uint32_t, t->seen.count - 1);
		if (strcmp(t->text.data + last, sid) == 0)
			return;
	}
	uint32_t off = text_add(t, sid);
	uint32_t *v = off == ACCESS_NONE ? NULL : vec_push(&t->seen);
	if (v)
		*v = off; /* out of memory: the list is only a help to the reader, it lacks this SID */
}

/* strcmp order of two SIDs given as pointers into the text. */
static int seen_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorts the SIDs seen by strcmp and keeps each once: n log n for any number of descriptors and SIDs. */
static void seen_settle(access_table *t)
{
	size_t n = t->seen.count;
	const char **p = n > 1 ? malloc(n * sizeof(*p)) : NULL;
	if (!p)
		return; /* none or one SID; or out of memory: the list stays as read */
	uint32_t *v = t->seen.data;
	for (size_t i = 0; i < n; i++)
		p[i] = t->text.data + v[i]; /* the text no longer grows here: the pointers stay valid */
	qsort(p, n, sizeof(*p), seen_cmp);
	size_t u = 0;
	for (size_t i = 0; i < n; i++)
		if (u == 0 || strcmp(p[i], t->text.data + v[u - 1]) != 0)
			v[u++] = (uint32_t)(p[i] - t->text.data);
	t->seen.count = u;
	free(p);
}

/* Adds the SIDs of the ACEs of the ACL at sd[off..len). */
static void seen_acl(access_table *t, const uint8_t *sd, size_t len, uint32_t off)
{
	ntfs_acl acl;
	if (off >= len || ntfs_acl_decode(sd + off, len - off, &acl, NULL) != NTFS_OK)
		return;
	size_t pos = NTFS_ACL_HEADER;
	uint16_t i = 0;
	ntfs_ace ace;
	while (ntfs_acl_next(sd + off, &acl, &pos, &i, &ace, NULL) == NTFS_OK)
		if (ace.has_sid)
			seen_add(t, ace.sid);
}

/* Adds every SID of descriptor sd (owner, group, DACL and SACL ACEs) to the list of SIDs seen. */
static void seen_descriptor(access_table *t, const uint8_t *sd, size_t len)
{
	ntfs_security_descriptor d;
	if (!sd || ntfs_sd_decode(sd, len, &d, NULL) != NTFS_OK)
		return;
	if (d.has_owner)
		seen_add(t, d.owner_sid);
	if (d.has_group)
		seen_add(t, d.group_sid);
	if (d.has_dacl)
		seen_acl(t, sd, len, d.dacl_offset);
	if (d.has_sacl)
		seen_acl(t, sd, len, d.sacl_offset);
}

size_t access_sids_seen(const access_table *t)
{
	return t->seen.count;
}

const char *access_sid_seen(const access_table *t, size_t k)
{
	return t->text.data + VEC_AT(&t->seen, uint32_t, k);
}

/* True for a local or domain account SID an ordinary user may be: RID >= 1000, Guest, Domain Users/Guests. */
static bool named_account(const char *sid)
{
	if (strncmp(sid, "S-1-5-21-", 9))
		return false;
	int dashes = 0;
	for (const char *c = sid; *c; c++)
		dashes += *c == '-';
	if (dashes != 7)
		return false;
	unsigned long rid = strtoul(strrchr(sid, '-') + 1, NULL, 10);
	return rid >= 1000 || rid == 501 || rid == 513 || rid == 514;
}

/* The principals writable_by evaluates: the four groups, then named accounts. */
typedef struct {
	const char *sid;
	const char *token[5];
	size_t n;
} principal;

typedef struct {
	principal p[4 + MAX_NAMED];
	char named[MAX_NAMED][NTFS_SID_STRING_MAX];
	size_t count;
} principals;

#define WD "S-1-1-0"
#define AU "S-1-5-11"
#define BU "S-1-5-32-545"
#define IU "S-1-5-4"

/* Adds a named account once. */
static void add_named(principals *ps, const char *sid)
{
	for (size_t i = 4; i < ps->count; i++)
		if (!strcmp(ps->p[i].sid, sid))
			return;
	if (ps->count >= 4 + MAX_NAMED)
		return;
	size_t k = ps->count - 4;
	snprintf(ps->named[k], sizeof(ps->named[k]), "%s", sid);
	principal *p = &ps->p[ps->count++];
	p->sid = ps->named[k];
	p->token[0] = WD;
	p->token[1] = AU;
	p->token[2] = BU;
	p->token[3] = IU;
	p->token[4] = ps->named[k];
	p->n = 5;
}

/* The principals of descriptor d (decoded from sd): fixed groups, the owner and the DACL's named accounts. */
static void collect_principals(const uint8_t *sd, size_t len, const ntfs_security_descriptor *d, principals *ps)
{
	static const principal fixed[4] = {
		{WD, {WD}, 1}, {AU, {WD, AU}, 2}, {BU, {WD, AU, BU}, 3}, {IU, {WD, AU, IU}, 3}};
	memcpy(ps->p, fixed, sizeof(fixed));
	ps->count = 4;
	if (d->has_owner && named_account(d->owner_sid))
		add_named(ps, d->owner_sid);
	ntfs_acl acl;
	if (!d->has_dacl || ntfs_acl_decode(sd + d->dacl_offset, len - d->dacl_offset, &acl, NULL) != NTFS_OK)
		return;
	size_t pos = NTFS_ACL_HEADER;
	uint16_t i = 0;
	ntfs_ace ace;
	while (ntfs_acl_next(sd + d->dacl_offset, &acl, &pos, &i, &ace, NULL) == NTFS_OK)
		if (ace.has_sid && !(ace.flags & NTFS_ACE_INHERIT_ONLY) &&
		    (ace.type == NTFS_ACE_ALLOWED || ace.type == NTFS_ACE_ALLOWED_CALLBACK) && named_account(ace.sid))
			add_named(ps, ace.sid);
}

/* The write rights of each principal; returns how many may write (rights[k] for p[k]), -1 on damage. */
static int evaluate(const uint8_t *sd, size_t len, bool is_dir, principals *ps, uint32_t *rights, ntfs_error *e)
{
	ntfs_security_descriptor d;
	if (ntfs_sd_decode(sd, len, &d, e) != NTFS_OK)
		return -1;
	collect_principals(sd, len, &d, ps);
	int writers = 0;
	for (size_t k = 0; k < ps->count; k++) {
		uint32_t g;
		if (ntfs_sd_access(sd, len, ps->p[k].token, ps->p[k].n, &g, e) != NTFS_OK)
			return -1;
		rights[k] = g & write_mask(is_dir);
		writers += rights[k] != 0;
	}
	return writers;
}

/* The name of a SID: the caller's, else the well-known table's. */
static const char *name_of(access_name_fn fn, void *ctx, const char *sid)
{
	const char *n = fn ? fn(ctx, sid) : NULL;
	return n ? n : accounts_well_known_name(sid);
}

/* Renders sd as SDDL into the table's text; ACCESS_NONE with e set when it cannot. */
static uint32_t render(access_table *t, const uint8_t *sd, size_t len, ntfs_error *e)
{
	char small[2048];
	size_t need;
	ntfs_status st = ntfs_sddl_render(sd, len, small, sizeof(small), &need, e);
	if (st == NTFS_OK)
		return text_add(t, small);
	if (st != NTFS_E_RANGE || need >= MAX_SDDL)
		return ACCESS_NONE;
	char *big = malloc(need + 1);
	if (!big) {
		ntfs_error_set(e, NTFS_E_NOMEM, "out of memory");
		return ACCESS_NONE;
	}
	uint32_t off = ntfs_sddl_render(sd, len, big, need + 1, &need, e) == NTFS_OK ? text_add(t, big) : ACCESS_NONE;
	free(big);
	return off;
}

/* A new descriptor entry from sd's bytes (source SRC_*); its index, or ACCESS_NONE when memory runs out. */
static uint32_t add_desc(access_table *t, const uint8_t *sd, size_t len, bool is_dir, uint8_t source, access_name_fn fn,
			 void *ctx, ntfs_error *e)
{
	access_desc *d = vec_push(&t->descs);
	if (!d)
		return ACCESS_NONE;
	uint32_t idx = (uint32_t)(t->descs.count - 1);
	memset(d, 0, sizeof(*d));
	d->sddl = d->owner = d->owner_name = d->group = d->group_name = d->error = ACCESS_NONE;
	d->source = source;
	d->first_writer = (uint32_t)t->writers.count;
	ntfs_security_descriptor sd_;
	principals *ps = malloc(sizeof(*ps));
	uint32_t rights[4 + MAX_NAMED];
	if (!ps)
		return ACCESS_NONE;
	int n = evaluate(sd, len, is_dir, ps, rights, e);
	uint32_t sddl = n < 0 ? ACCESS_NONE : render(t, sd, len, e);
	d = &VEC_AT(&t->descs, access_desc, idx);
	if (ntfs_sd_decode(sd, len, &sd_, NULL) == NTFS_OK) { /* owner and group, also beside a damaged ACL */
		uint32_t owner = sd_.has_owner ? text_add(t, sd_.owner_sid) : ACCESS_NONE;
		uint32_t owner_name = sd_.has_owner ? text_add(t, name_of(fn, ctx, sd_.owner_sid)) : ACCESS_NONE;
		uint32_t group = sd_.has_group ? text_add(t, sd_.group_sid) : ACCESS_NONE;
		uint32_t group_name = sd_.has_group ? text_add(t, name_of(fn, ctx, sd_.group_sid)) : ACCESS_NONE;
		d = &VEC_AT(&t->descs, access_desc, idx);
		d->owner = owner;
		d->owner_name = owner_name;
		d->group = group;
		d->group_name = group_name;
	}
	if (n < 0 || sddl == ACCESS_NONE) {
		uint32_t err = text_add(t, e->reason);
		VEC_AT(&t->descs, access_desc, idx).error = err;
		free(ps);
		return idx;
	}
	d = &VEC_AT(&t->descs, access_desc, idx);
	d->known = true;
	d->sddl = sddl;
	for (size_t k = 0; k < ps->count; k++) {
		if (!rights[k])
			continue;
		access_writer_raw *w = vec_push(&t->writers);
		if (!w)
			break;
		w->sid = text_add(t, ps->p[k].sid);
		w->name = text_add(t, name_of(fn, ctx, ps->p[k].sid));
		seen_add(t, ps->p[k].sid); /* a writer's SID is in the report: listed in accounts[] too */
		w->rights = rights[k];
		VEC_AT(&t->descs, access_desc, idx).writer_count++;
	}
	free(ps);
	return idx;
}

/* A descriptor entry that says why there is none (source SRC_*). */
static uint32_t add_missing(access_table *t, uint8_t source, const char *why)
{
	access_desc *d = vec_push(&t->descs);
	if (!d)
		return ACCESS_NONE;
	memset(d, 0, sizeof(*d));
	d->sddl = d->owner = d->owner_name = d->group = d->group_name = ACCESS_NONE;
	d->source = source;
	d->first_writer = (uint32_t)t->writers.count;
	uint32_t idx = (uint32_t)(t->descs.count - 1);
	uint32_t err = text_add(t, why);
	VEC_AT(&t->descs, access_desc, idx).error = err;
	return idx;
}

/* Marks the records the report shows a security object for: sets, links, the parents of the sets' names,
 * and the folders holding the links (the findings' evidence shows who may write them). */
static uint8_t *wanted_records(const model *m, const vec *links)
{
	uint8_t *want = calloc(m->count ? m->count : 1, 1);
	if (!want)
		return NULL;
	for (uint64_t r = 0; r < m->count; r++) {
		if (!links_is_hardlink_set(m, (uint32_t)r))
			continue;
		want[r] = 1;
		uint32_t k = 0;
		for (const name_info *n; (n = model_link_next(m, (uint32_t)r, &k));) {
			uint64_t p = n->parent_ref & 0x0000FFFFFFFFFFFFull;
			if (p < m->count)
				want[p] = 1;
		}
	}
	for (size_t i = 0; links && i < links->count; i++) {
		const link_entry *le = &VEC_AT(links, link_entry, i);
		if (le->record < m->count)
			want[le->record] = 1;
		uint64_t p = le->name < m->names.count ? model_name(m, le->name)->parent_ref & 0x0000FFFFFFFFFFFFull : UINT64_MAX;
		if (p < m->count)
			want[p] = 1;
	}
	return want;
}

/*
 * The descriptors read from records, by their bytes: an entry is a pure function of the bytes and of
 * whether the record is a directory, and most files repeat their folder's inherited descriptor, so each
 * distinct one is evaluated and rendered once (open addressing, grown at half full).
 */
typedef struct {
	uint64_t *slots;          /* 0 empty, else (hash << 32 | entry + 1) */
	size_t mask;
	vec entries;              /* own_entry */
	arena bytes;              /* the descriptors' bytes */
	bool nomem;               /* the cache gave up: every record evaluates its own (same result) */
} own_cache;

typedef struct {
	size_t off, len;
	uint32_t desc;
	bool is_dir;
} own_entry;

/* FNV-1a of the descriptor's bytes and the directory flag. */
static uint32_t own_hash(const uint8_t *sd, size_t len, bool is_dir)
{
	uint32_t h = 2166136261u ^ (uint32_t)is_dir;
	for (size_t i = 0; i < len; i++)
		h = (h ^ sd[i]) * 16777619u;
	return h;
}

/* The slot of descriptor sd in c: where it is, or the empty slot where it goes. */
static uint64_t *own_slot(own_cache *c, const uint8_t *sd, size_t len, bool is_dir, uint32_t h)
{
	for (size_t i = h & c->mask;; i = (i + 1) & c->mask) {
		uint64_t v = c->slots[i];
		if (!v)
			return &c->slots[i];
		const own_entry *e = &VEC_AT(&c->entries, own_entry, (uint32_t)v - 1);
		if ((uint32_t)(v >> 32) == h && e->len == len && e->is_dir == is_dir && !memcmp(c->bytes.data + e->off, sd, len))
			return &c->slots[i];
	}
}

/* Doubles c's slots (the first time: 1024); false when memory runs out. */
static bool own_grow(own_cache *c)
{
	size_t n = c->slots ? 2 * (c->mask + 1) : 1024;
	uint64_t *old = c->slots, *s = calloc(n, sizeof(*s));
	size_t old_n = old ? c->mask + 1 : 0;
	if (!s)
		return false;
	c->slots = s;
	c->mask = n - 1;
	for (size_t i = 0; i < old_n; i++) {
		if (!old[i])
			continue;
		uint32_t h = (uint32_t)(old[i] >> 32);
		size_t j = h & c->mask;
		while (s[j])
			j = (j + 1) & c->mask;
		s[j] = old[i];
	}
	free(old);
	return true;
}

/* Keeps len bytes at p (flag: is_dir, or the source) in cache c as entry d, at *slot (own_slot's, for hash h);
 * when memory runs out the cache stops keeping (nomem) and d stands as it is. */
static void own_keep(own_cache *c, const void *p, size_t len, bool flag, uint32_t h, uint64_t *slot, uint32_t d)
{
	size_t off = arena_add(&c->bytes, p, len);
	own_entry *oe = off == SIZE_MAX || c->entries.count >= UINT32_MAX - 1 ? NULL : vec_push(&c->entries);
	if (!oe) {
		c->nomem = true;
		return;
	}
	*oe = (own_entry){.off = off, .len = len, .desc = d, .is_dir = flag};
	*slot = (uint64_t)h << 32 | (uint64_t)c->entries.count;
}

/* The entry of descriptor sd (bytes of a record's own $SECURITY_DESCRIPTOR): an earlier one with the same
 * bytes, else a new one (add_desc). ACCESS_NONE when memory runs out. */
static uint32_t own_desc(access_table *t, own_cache *c, const uint8_t *sd, size_t len, bool is_dir, access_name_fn fn,
			 void *ctx, ntfs_error *e)
{
	if (c->nomem || ((c->entries.count + 1) * 2 > c->mask + 1 && !own_grow(c))) {
		c->nomem = true;
		seen_descriptor(t, sd, len);
		return add_desc(t, sd, len, is_dir, SRC_RECORD, fn, ctx, e);
	}
	uint32_t h = own_hash(sd, len, is_dir);
	uint64_t *slot = own_slot(c, sd, len, is_dir, h);
	if (*slot) { /* the same bytes again: the same entry, and the same reason when they are damaged */
		uint32_t d = VEC_AT(&c->entries, own_entry, (uint32_t)*slot - 1).desc;
		const access_desc *ad = &VEC_AT(&t->descs, access_desc, d);
		if (!ad->known && ad->error != ACCESS_NONE)
			snprintf(e->reason, sizeof(e->reason), "%s", t->text.data + ad->error);
		return d;
	}
	seen_descriptor(t, sd, len); /* new bytes: their SIDs join the volume's list (the same bytes add none) */
	uint32_t d = add_desc(t, sd, len, is_dir, SRC_RECORD, fn, ctx, e);
	if (d != ACCESS_NONE)
		own_keep(c, sd, len, is_dir, h, slot, d);
	return d;
}

/*
 * The entry that says why record r has no descriptor (add_missing): records with the same source and reason share
 * one (an extracted $MFT gives a million records a few reasons), found in c by the reason's bytes (own_cache, its
 * flag the source). ACCESS_NONE when memory runs out.
 */
static uint32_t missing_desc(access_table *t, own_cache *c, uint8_t source, const char *why)
{
	size_t len = strlen(why);
	bool rec = source == SRC_RECORD; /* the two sources add_missing is given */
	if (c->nomem || ((c->entries.count + 1) * 2 > c->mask + 1 && !own_grow(c))) {
		c->nomem = true;
		return add_missing(t, source, why);
	}
	uint32_t h = own_hash((const uint8_t *)why, len, rec);
	uint64_t *slot = own_slot(c, (const uint8_t *)why, len, rec, h);
	if (*slot)
		return VEC_AT(&c->entries, own_entry, (uint32_t)*slot - 1).desc;
	uint32_t d = add_missing(t, source, why);
	if (d != ACCESS_NONE)
		own_keep(c, why, len, rec, h, slot, d);
	return d;
}

/* Releases what the cache holds. */
static void own_cache_free(own_cache *c)
{
	free(c->slots);
	vec_free(&c->entries);
	arena_free(&c->bytes);
}

/* True when the only $SECURITY_DESCRIPTOR the scan saw for base record r lies in an accepted extension record
 * (REC_SD_IN_EXT; none of its own). */
static bool sd_only_in_ext(const model *m, uint32_t r)
{
	const rec_info *ri = &m->recs[r];
	return (ri->flags & REC_SD_TO_READ) == REC_SD_IN_EXT && model_own_owner(m, r) == MODEL_NONE;
}

/* The entry that says record ri has no descriptor: none of its own, and its security id (if any) not in $Secure
 * (shared by identical reasons through mc, missing_desc). */
static uint32_t add_no_sd(access_table *t, own_cache *mc, const rec_info *ri)
{
	char why[160];
	if (ri->security_id)
		snprintf(why, sizeof(why), "security id %u is not in $Secure:$SDS", ri->security_id);
	else
		snprintf(why, sizeof(why), "no $SECURITY_DESCRIPTOR and no security id");
	return missing_desc(t, mc, SRC_NONE, why);
}

/* True unless reading record r finds no unnamed $SECURITY_DESCRIPTOR at all, in the record or in a record its
 * attribute list names for one (a read that fails otherwise says true: its own reason is the one to report). */
static bool sd_listed(volume *vol, uint32_t r)
{
	volume_attr va;
	ntfs_error e;
	ntfs_status st = volume_find_attr(vol, r, NTFS_AT_SECURITY_DESCRIPTOR, NULL, &va, &e);
	bool found = st != NTFS_OK || va.found;
	if (st == NTFS_OK)
		volume_attr_free(&va);
	return found;
}

/* The descriptor entry of record r: shared by $Secure id, or read from the record itself (entries shared by
 * identical bytes through oc), or why there is none (shared by identical reasons through mc). */
static uint32_t record_desc(access_table *t, model *m, uint32_t r, uint32_t *secure_desc, own_cache *oc,
			    own_cache *mc, access_name_fn fn, void *ctx)
{
	const rec_info *ri = &m->recs[r];
	bool is_dir = ri->flags & REC_DIR;
	ntfs_error e;
	size_t i = ri->security_id ? volume_secure_index(m->vol, ri->security_id) : SIZE_MAX;
	if (i != SIZE_MAX) {
		uint32_t *slot = &secure_desc[2 * i + is_dir];
		if (*slot == ACCESS_NONE) {
			size_t len;
			const uint8_t *sd = volume_secure_descriptor(m->vol, i, &len);
			*slot = add_desc(t, sd, len, is_dir, SRC_SECURE, fn, ctx, &e);
			if (*slot != ACCESS_NONE && !VEC_AT(&t->descs, access_desc, *slot).known)
				anomaly_add(&m->anomalies, "security_descriptor_damaged", 9,
					    "$Secure:$SDS descriptor of security id %u: %s", ri->security_id, e.reason);
		}
		return *slot;
	}
	if (ri->flags & REC_SD_NOT_IN_MFT)
		return missing_desc(t, mc, SRC_RECORD, "non-resident $SECURITY_DESCRIPTOR: an extracted $MFT holds no data clusters");
	if (!(ri->flags & REC_SD_TO_READ) && model_own_owner(m, r) == MODEL_NONE)
		return add_no_sd(t, mc, ri);
	size_t len = 0;
	const uint8_t *kept = model_own_sd(m, r, &len); /* the bytes the scan read, when it kept them */
	if (kept) {
		uint32_t d = own_desc(t, oc, kept, len, is_dir, fn, ctx, &e);
		if (d != ACCESS_NONE && !VEC_AT(&t->descs, access_desc, d).known)
			anomaly_add(&m->anomalies, "security_descriptor_damaged", r, "$SECURITY_DESCRIPTOR: %s", e.reason);
		return d;
	}
	uint8_t *data = NULL;
	if (volume_load_attr(m->vol, r, NTFS_AT_SECURITY_DESCRIPTOR, NULL, MAX_OWN_SD, &data, &len, &e) != NTFS_OK) {
		free(data);
		if (e.status == NTFS_E_NOMEM)
			return ACCESS_NONE;
		if (sd_only_in_ext(m, r) && !sd_listed(m->vol, r))
			return add_no_sd(t, mc, ri);
		ntfs_error_prefix(&e, "$SECURITY_DESCRIPTOR unreadable: ");
		return missing_desc(t, mc, SRC_RECORD, e.reason);
	}
	uint32_t d = own_desc(t, oc, data, len, is_dir, fn, ctx, &e);
	free(data);
	if (d != ACCESS_NONE && !VEC_AT(&t->descs, access_desc, d).known)
		anomaly_add(&m->anomalies, "security_descriptor_damaged", r, "$SECURITY_DESCRIPTOR: %s", e.reason);
	return d;
}

/* Evaluates every $Secure descriptor for access_users_can_write (bits per entry, see access_table), and
 * collects the SIDs each names. */
static ntfs_status settle_secure(access_table *t, const volume *vol)
{
	t->nsecure = vol->sids.count;
	t->secure_users = calloc(t->nsecure ? t->nsecure : 1, 1);
	if (!t->secure_users)
		return NTFS_E_NOMEM;
	principals *ps = malloc(sizeof(*ps));
	if (!ps)
		return NTFS_E_NOMEM;
	uint32_t rights[4 + MAX_NAMED];
	for (size_t i = 0; i < t->nsecure; i++) {
		size_t len;
		const uint8_t *sd = volume_secure_descriptor(vol, i, &len);
		seen_descriptor(t, sd, len);
		for (int dir = 0; dir < 2; dir++) {
			int n = evaluate(sd, len, dir, ps, rights, NULL);
			if (n < 0)
				break;
			t->secure_users[i] |= (uint8_t)((n > 0 ? 1u << dir : 0) | 4u);
		}
	}
	free(ps);
	return NTFS_OK;
}

/* True when access_settle reads record r's own $SECURITY_DESCRIPTOR from the volume (record_desc's last case). */
static bool access_reads_sd(const model *m, uint32_t r)
{
	const rec_info *ri = &m->recs[r];
	size_t len;
	if (ri->state != REC_OK || (ri->security_id && volume_secure_index(m->vol, ri->security_id) != SIZE_MAX) ||
	    (ri->flags & REC_SD_NOT_IN_MFT) || (!(ri->flags & REC_SD_TO_READ) && model_own_owner(m, r) == MODEL_NONE))
		return false;
	return !model_own_sd(m, r, &len);
}

/* True when links_settle_owners reads record r's own $SECURITY_DESCRIPTOR from the volume. */
static bool owners_read_sd(const model *m, uint32_t r)
{
	const rec_info *ri = &m->recs[r];
	size_t len;
	return (ri->flags & REC_SD_TO_READ) && model_own_owner(m, r) == MODEL_NONE && !model_owner_sid(m, r) &&
	       links_is_hardlink_set(m, r) && !model_own_sd(m, r, &len);
}

#define PRELOAD_ITEM 32 /* records of the preload a thread takes at a time (neighbours share E01 chunks) */

/* One item of the preload: records recs[from, to) read into sd (rec_sd, offsets into bytes). */
typedef struct {
	size_t from, to;
	vec sd;
	arena bytes;
	bool nomem;
} preload_part;

/* What the preload's threads share. */
typedef struct {
	volume *vol;
	const model *m;           /* its sd_attrs: the records' descriptor attributes the scan kept */
	const uint32_t *recs;
	preload_part *parts;
} preload_job;

/* par_run body: reads each record of part i's descriptor (a record that cannot be read is left to the passes,
 * which read it again and report why); bytes equal to the last ones kept share their copy. A record whose
 * descriptor attributes the scan kept (model_sd_attrs) is not read again: volume_load_attr_kept gives what
 * volume_load_attr gives from them. */
static void preload_run(void *arg, size_t item, int thread)
{
	(void)thread;
	preload_job *j = arg;
	preload_part *p = &j->parts[item];
	size_t last = SIZE_MAX, last_len = 0;
	for (size_t i = p->from; i < p->to && !p->nomem; i++) {
		uint8_t *data = NULL;
		size_t len = 0;
		ntfs_error e;
		size_t alen = 0;
		const uint8_t *attrs = model_sd_attrs(j->m, j->recs[i], &alen);
		ntfs_status st =
			attrs ? volume_load_attr_kept(j->vol, j->recs[i], attrs, alen, NTFS_AT_SECURITY_DESCRIPTOR, NULL,
						      MAX_OWN_SD, &data, &len, &e)
			      : volume_load_attr(j->vol, j->recs[i], NTFS_AT_SECURITY_DESCRIPTOR, NULL, MAX_OWN_SD, &data,
						 &len, &e);
		if (st != NTFS_OK || len > UINT32_MAX) {
			free(data);
			continue;
		}
		if (last == SIZE_MAX || last_len != len || memcmp(p->bytes.data + last, data, len) != 0) {
			last = arena_add(&p->bytes, data, len);
			last_len = len;
		}
		rec_sd *e2 = last == SIZE_MAX ? NULL : vec_push(&p->sd);
		free(data);
		if (!e2) {
			p->nomem = true;
			break;
		}
		*e2 = (rec_sd){.off = last, .record = j->recs[i], .len = (uint32_t)len};
	}
}

/* True when the parts' entries, one part after another, are in ascending record order. */
static bool preload_ascending(const preload_part *parts, size_t n)
{
	uint64_t last = 0;
	bool any = false;
	for (size_t t = 0; t < n; t++)
		for (size_t i = 0; i < parts[t].sd.count; i++) {
			uint32_t r = VEC_AT(&parts[t].sd, rec_sd, i).record;
			if (any && r <= last)
				return false;
			last = r;
			any = true;
		}
	return true;
}

/* Orders rec_sd entries by record. */
static int rec_sd_cmp(const void *a, const void *b)
{
	uint32_t x = ((const rec_sd *)a)->record, y = ((const rec_sd *)b)->record;
	return x < y ? -1 : x > y;
}

/* The parts' add entries in one part (out->sd), sorted by record. */
static ntfs_status preload_gather(const preload_part *parts, size_t n, size_t add, preload_part *out)
{
	vec_init(&out->sd, sizeof(rec_sd));
	if (vec_reserve(&out->sd, add) != 0)
		return NTFS_E_NOMEM;
	for (size_t t = 0; t < n; t++) {
		memcpy((rec_sd *)out->sd.data + out->sd.count, parts[t].sd.data, parts[t].sd.count * sizeof(rec_sd));
		out->sd.count += parts[t].sd.count;
	}
	qsort(out->sd.data, out->sd.count, sizeof(rec_sd), rec_sd_cmp);
	return NTFS_OK;
}

/* Adds the parts' descriptors to m->own_sd (their bytes to m->late), keeping it in record order: merged in place
 * from the end (no second table held beside it, but for parts read out of record order: one sorted copy). */
static ntfs_status preload_merge(model *m, preload_part *parts, size_t n)
{
	size_t add = 0;
	for (size_t t = 0; t < n; t++)
		add += parts[t].sd.count;
	if (!add)
		return NTFS_OK;
	size_t na = m->own_sd.count;
	if (vec_reserve(&m->own_sd, na + add) != 0)
		return NTFS_E_NOMEM;
	for (size_t t = 0; t < n; t++) { /* the parts' bytes into the model's late bytes; their offsets with them */
		if (!parts[t].bytes.len)
			continue;
		size_t base = model_add_late(m, parts[t].bytes.data, parts[t].bytes.len);
		if (base == SIZE_MAX)
			return NTFS_E_NOMEM;
		for (size_t i = 0; i < parts[t].sd.count; i++)
			VEC_AT(&parts[t].sd, rec_sd, i).off += base;
	}
	/* the parts hold ascending records after one another (else they are sorted into one first), none of them
	 * in own_sd (the preload reads only records it has not): one merge with the scan's, from the last slot down */
	preload_part all = {0};
	if (!preload_ascending(parts, n)) {
		if (preload_gather(parts, n, add, &all) != NTFS_OK)
			return NTFS_E_NOMEM;
		parts = &all;
		n = 1;
	}
	rec_sd *a = m->own_sd.data;
	size_t out = na + add, ia = na;
	for (size_t t = n; t-- > 0;) {
		const rec_sd *b = parts[t].sd.data;
		for (size_t ib = parts[t].sd.count; ib-- > 0;) {
			while (ia > 0 && a[ia - 1].record >= b[ib].record)
				a[--out] = a[--ia];
			a[--out] = b[ib];
		}
	}
	m->own_sd.count = na + add;
	vec_free(&all.sd);
	return NTFS_OK;
}

/* Reads the descriptors of records recs (in any order; each once) on `threads` threads, in items of PRELOAD_ITEM
 * records taken in turn, into m->own_sd (their bytes to m->late, in record order whatever the order read). */
static ntfs_status preload_read(model *m, const vec *recs, int threads)
{
	ntfs_status st = NTFS_OK;
	size_t n = (recs->count + PRELOAD_ITEM - 1) / PRELOAD_ITEM;
	preload_part *parts = n ? calloc(n, sizeof(*parts)) : NULL;
	if (n && !parts)
		st = NTFS_E_NOMEM;
	for (size_t i = 0; st == NTFS_OK && i < n; i++) {
		parts[i].from = i * PRELOAD_ITEM;
		parts[i].to = i + 1 < n ? (i + 1) * PRELOAD_ITEM : recs->count;
		vec_init(&parts[i].sd, sizeof(rec_sd));
	}
	if (st == NTFS_OK && n) {
		preload_job job = {.vol = m->vol, .m = m, .recs = recs->data, .parts = parts};
		par_run(par_threads(threads, 8), n, preload_run, &job);
	}
	for (size_t i = 0; st == NTFS_OK && i < n; i++)
		if (parts[i].nomem)
			st = NTFS_E_NOMEM;
	if (st == NTFS_OK)
		st = preload_merge(m, parts, n);
	for (size_t i = 0; parts && i < n; i++) {
		vec_free(&parts[i].sd);
		arena_free(&parts[i].bytes);
	}
	free(parts);
	return st;
}

/* Appends record r to recs (uint32_t); NTFS_E_NOMEM when it cannot grow. */
static ntfs_status push_record(vec *recs, uint32_t r)
{
	uint32_t *x = vec_push(recs);
	if (!x)
		return NTFS_E_NOMEM;
	*x = r;
	return NTFS_OK;
}

ntfs_status access_preload(model *m, const vec *links, int threads, uint8_t **wanted)
{
	*wanted = NULL;
	if (!m->vol || m->vol->is_mft_file)
		return NTFS_OK;
	uint8_t *want = wanted_records(m, links);
	vec recs;
	vec_init(&recs, sizeof(uint32_t));
	ntfs_status st = want ? NTFS_OK : NTFS_E_NOMEM;
	for (uint64_t r = 0; st == NTFS_OK && r < m->count; r++)
		if ((want[r] && access_reads_sd(m, (uint32_t)r)) || owners_read_sd(m, (uint32_t)r))
			st = push_record(&recs, (uint32_t)r);
	*wanted = want; /* access_settle's records: the same bitmap */
	if (st == NTFS_OK)
		st = preload_read(m, &recs, threads);
	vec_free(&recs);
	model_sd_attrs_free(m); /* none left after access_preload_kept; what could not be read the passes read */
	return st;
}

/* The first cluster a record's kept attributes (attrs, len bytes) lead a read to: the first run of the first
 * non-resident one (the list comes before the descriptor); UINT64_MAX when none is, or its runs do not decode.
 * Only an order: what is read and how is volume_load_attr_kept's. */
static uint64_t kept_first_cluster(const uint8_t *attrs, size_t len)
{
	ntfs_attr_iter it;
	ntfs_attr a;
	ntfs_error e;
	ntfs_attr_iter_init(&it, attrs, len, 0);
	while (ntfs_attr_iter_next(&it, &a, &e) == 1) {
		if (!a.non_resident)
			continue;
		ntfs_runlist rl = {0};
		uint64_t c = UINT64_MAX;
		if (ntfs_runlist_decode(a.runlist, a.runlist_length, a.lowest_vcn, 0, &rl, &e) == NTFS_OK && rl.count &&
		    rl.runs[0].lcn != NTFS_LCN_SPARSE)
			c = (uint64_t)rl.runs[0].lcn;
		ntfs_runlist_free(&rl);
		return c;
	}
	return UINT64_MAX;
}

/* A record of the kept preload and the first cluster it reads. */
typedef struct {
	uint64_t cluster;
	uint32_t record;
} kept_order;

/* Orders kept_order by cluster, then record. */
static int kept_order_cmp(const void *a, const void *b)
{
	const kept_order *x = a, *y = b;
	if (x->cluster != y->cluster)
		return x->cluster < y->cluster ? -1 : 1;
	return x->record < y->record ? -1 : x->record > y->record;
}

/* The records whose descriptor attributes the scan kept, into recs in the order of the first cluster each reads
 * (records in record order read lists and descriptors scattered over the volume: neighbouring items would
 * inflate the same E01 chunks more than once). */
static ntfs_status kept_records(const model *m, vec *recs)
{
	size_t n = m->sd_attrs_of.count;
	kept_order *o = malloc((n ? n : 1) * sizeof(*o));
	if (!o || vec_reserve(recs, n) != 0) {
		free(o);
		return NTFS_E_NOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		const rec_sd *e = &VEC_AT(&m->sd_attrs_of, rec_sd, i);
		o[i] = (kept_order){kept_first_cluster((const uint8_t *)m->sd_attrs.data + e->off, e->len), e->record};
	}
	qsort(o, n, sizeof(*o), kept_order_cmp);
	for (size_t i = 0; i < n; i++)
		((uint32_t *)recs->data)[i] = o[i].record;
	recs->count = n;
	free(o);
	return NTFS_OK;
}

ntfs_status access_preload_kept(model *m, int threads)
{
	vec recs;
	vec_init(&recs, sizeof(uint32_t));
	ntfs_status st = NTFS_OK;
	if (m->vol && !m->vol->is_mft_file) {
		st = kept_records(m, &recs);
		if (st == NTFS_OK)
			st = preload_read(m, &recs, threads);
	}
	vec_free(&recs);
	model_sd_attrs_free(m);
	return st;
}

/* Builds t->rec_index over records [0, count) from t->recs (ascending); left NULL when memory runs out (find_rec
 * then searches recs in halves: the same answers). */
static void rec_index_build(access_table *t, uint64_t count)
{
	size_t n = (size_t)(count + 31) / 32;
	struct access_rec_index *ix = calloc(n ? n : 1, sizeof(*ix));
	if (!ix)
		return;
	for (size_t i = 0; i < t->recs.count; i++) {
		uint32_t r = VEC_AT(&t->recs, access_rec, i).record;
		ix[r / 32].bits |= 1u << (r % 32);
	}
	uint32_t before = 0;
	for (size_t w = 0; w < n; w++) {
		ix[w].before = before;
		before += (uint32_t)__builtin_popcount(ix[w].bits);
	}
	t->rec_index = ix;
	t->rec_index_n = n;
}

ntfs_status access_settle(access_table *t, model *m, const vec *links, access_name_fn fn, void *ctx)
{
	return access_settle_wanted(t, m, links, NULL, fn, ctx);
}

ntfs_status access_settle_wanted(access_table *t, model *m, const vec *links, uint8_t *wanted, access_name_fn fn,
				 void *ctx)
{
	if (!m->vol) {
		free(wanted);
		return NTFS_OK;
	}
	if (settle_secure(t, m->vol) != NTFS_OK) {
		free(wanted);
		return NTFS_E_NOMEM;
	}
	uint8_t *want = wanted ? wanted : wanted_records(m, links);
	uint32_t *secure_desc = malloc(2 * (t->nsecure ? t->nsecure : 1) * sizeof(uint32_t));
	own_cache oc = {0}, mc = {0};
	vec_init(&oc.entries, sizeof(own_entry));
	vec_init(&mc.entries, sizeof(own_entry));
	ntfs_status st = NTFS_OK;
	if (!want || !secure_desc) {
		st = NTFS_E_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < 2 * t->nsecure; i++)
		secure_desc[i] = ACCESS_NONE;
	for (uint64_t r = 0; r < m->count; r++) {
		if (!want[r] || m->recs[r].state != REC_OK)
			continue;
		uint32_t d = record_desc(t, m, (uint32_t)r, secure_desc, &oc, &mc, fn, ctx);
		access_rec *ar = d == ACCESS_NONE ? NULL : vec_push(&t->recs);
		if (!ar) {
			st = NTFS_E_NOMEM;
			goto out;
		}
		ar->record = (uint32_t)r;
		ar->desc = d;
	}
	t->settled = true;
	rec_index_build(t, m->count);
out:
	seen_settle(t);
	free(want);
	free(secure_desc);
	own_cache_free(&oc);
	own_cache_free(&mc);
	return st;
}

/* The text at off, NULL for ACCESS_NONE. */
static const char *text_at(const access_table *t, uint32_t off)
{
	return off == ACCESS_NONE ? NULL : t->text.data + off;
}

/* The entry of record r in t->recs, or NULL: from the index when it is built, else searching recs in halves. */
static const access_rec *find_rec(const access_table *t, uint32_t r)
{
	if (t->rec_index) {
		if (r / 32 >= t->rec_index_n)
			return NULL;
		const struct access_rec_index *ix = &t->rec_index[r / 32];
		uint32_t bit = 1u << (r % 32);
		if (!(ix->bits & bit))
			return NULL;
		return &VEC_AT(&t->recs, access_rec, ix->before + (uint32_t)__builtin_popcount(ix->bits & (bit - 1)));
	}
	size_t lo = 0, hi = t->recs.count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const access_rec *a = &VEC_AT(&t->recs, access_rec, mid);
		if (a->record == r)
			return a;
		if (a->record < r)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

size_t access_desc_count(const access_table *t)
{
	return t->descs.count;
}

access_info access_desc_info(const access_table *t, uint32_t d)
{
	static const char *const source[] = {NULL, "secure", "record"};
	access_info in = {0};
	const access_desc *ad = &VEC_AT(&t->descs, access_desc, d);
	in.known = ad->known;
	in.source = source[ad->source];
	in.error = text_at(t, ad->error);
	in.sddl = text_at(t, ad->sddl);
	in.owner_sid = text_at(t, ad->owner);
	in.owner_name = text_at(t, ad->owner_name);
	in.group_sid = text_at(t, ad->group);
	in.group_name = text_at(t, ad->group_name);
	in.writer_count = ad->writer_count;
	in.first_writer = ad->first_writer;
	in.desc = d;
	return in;
}

access_info access_record(const access_table *t, uint32_t r)
{
	const access_rec *a = find_rec(t, r);
	if (!a) {
		access_info in = {0};
		in.error = "not read: the report shows no security for this record";
		in.desc = ACCESS_NONE;
		return in;
	}
	return access_desc_info(t, a->desc);
}

size_t access_text_bytes(const access_table *t, uint32_t r)
{
	access_info in = access_record(t, r);
	return (in.sddl ? strlen(in.sddl) : 0) + 160u * in.writer_count + 512u;
}

uint32_t access_record_desc(const access_table *t, uint32_t r)
{
	const access_rec *a = find_rec(t, r);
	return a ? a->desc : ACCESS_NONE;
}

size_t access_desc_text_bytes(const access_table *t, uint32_t d)
{
	if (d == ACCESS_NONE)
		return 512u; /* access_record's info for a record without an entry: no SDDL, no writers */
	access_info in = access_desc_info(t, d);
	return (in.sddl ? strlen(in.sddl) : 0) + 160u * in.writer_count + 512u;
}

access_writer access_writer_at(const access_table *t, const access_info *info, uint32_t k)
{
	const access_writer_raw *w = &VEC_AT(&t->writers, access_writer_raw, info->first_writer + k);
	access_writer out = {text_at(t, w->sid), text_at(t, w->name), w->rights};
	return out;
}

bool access_users_can_write(const access_table *t, const model *m, uint32_t r, bool *known)
{
	*known = false;
	if (r >= m->count)
		return false;
	const access_rec *a = find_rec(t, r);
	if (a) {
		const access_desc *d = &VEC_AT(&t->descs, access_desc, a->desc);
		*known = d->known;
		return d->writer_count > 0;
	}
	const rec_info *ri = &m->recs[r];
	size_t i = ri->security_id && m->vol ? volume_secure_index(m->vol, ri->security_id) : SIZE_MAX;
	if (i == SIZE_MAX || i >= t->nsecure || !(t->secure_users[i] & 4u))
		return false;
	*known = true;
	return t->secure_users[i] & (1u << ((ri->flags & REC_DIR) ? 1 : 0));
}
