/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"
#include "index_slack.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attribute.h"
#include "index_entry.h"
#include "index_record.h"
#include "le.h"
#include "par.h"
#include "record.h"
#include "utf16.h"

#define I30 "$I30"
#define MAX_ROOT_BYTES (256u << 10)   /* a resident $INDEX_ROOT fits in one record; far more is refused */
#define MAX_NAME_UTF8 (255 * 6 + 1)
#define INDX_READ_BYTES (1u << 20)   /* INDX records are read this many bytes at a time */

/* A name seen in one directory's index: live (an entry) or carved from slack (small: the keys are sorted). */
typedef struct {
	uint64_t ref;             /* file reference; 0 without one */
	uint32_t u16;             /* offset of the UTF-16LE name in the directory's scratch arena */
	uint32_t rn;              /* carved keys: what the report gets (name not yet set), in the context's rns */
	uint8_t units;
	bool has_ref;
} slack_key;

/* The pass over one volume: its input, its output, and one directory's scratch. */
typedef struct {
	const model *m;
	volume *vol;
	index_slack_result *out;
	uint8_t *rec;             /* INDX records read together (INDX_READ_BYTES, or one record when larger) */
	size_t rec_cap;
	vec live;                 /* slack_key: the directory's valid entries */
	vec cands;                /* slack_key: keys carved from its slack */
	vec rns;                  /* removed_name: what each carved key would report */
	uint32_t *live_slots;     /* hash table of the live keys by name: index + 1, 0 empty */
	size_t live_cap, live_mask;
	arena u16;                /* their UTF-16 names */
	uint32_t dir;
	uint64_t budget;          /* INDX bytes left to read on this volume */
	bool budget_spent;
	bool nomem;
	char utf8[MAX_NAME_UTF8];
} slack_ctx;

const char *index_slack_state_name(uint8_t state)
{
	static const char *const names[] = {"same_sequence", "reused", "deleted", "absent", "unknown"};
	return state < 5 ? names[state] : "unknown";
}

const char *index_slack_kind_name(uint8_t kind)
{
	static const char *const names[] = {"removed_link", "removed_hard_link", "moved_or_unlinked", "renamed",
					    "removed_name"};
	return kind < 5 ? names[kind] : "removed_name";
}

const char *index_slack_where_name(uint8_t where)
{
	static const char *const names[] = {"index_root", "index_record", "unused_index_record"};
	return where < 3 ? names[where] : "index_record";
}

/* Adds a name to the directory's scratch; false when memory runs out. */
static bool add_key(slack_ctx *c, vec *to, uint64_t ref, bool has_ref, const ntfs_file_name *fn, slack_key **out)
{
	size_t off = arena_add(&c->u16, fn->name, 2u * fn->name_length);
	slack_key *k = off == SIZE_MAX || off > UINT32_MAX ? NULL : vec_push(to);
	if (!k) {
		c->nomem = true;
		return false;
	}
	k->ref = ref;
	k->has_ref = has_ref;
	k->u16 = (uint32_t)off;
	k->units = fn->name_length;
	if (out)
		*out = k;
	return true;
}

/* Records the valid entries of a node as live names; returns where its slack starts. */
static uint32_t walk_live(slack_ctx *c, const ntfs_index_node *node)
{
	ntfs_index_iter it;
	ntfs_index_entry e;
	ntfs_error err;
	ntfs_index_iter_init(&it, node);
	while (ntfs_index_iter_next(&it, &e, &err) == NTFS_INDEX_STEP_ENTRY)
		if (!add_key(c, &c->live, e.file_ref, true, &e.name, NULL))
			break;
	return it.slack_start;
}

/* Carves the keys of node[from .. allocated size) into the candidates. */
static void carve(slack_ctx *c, const ntfs_index_node *node, uint32_t from, uint8_t where, uint64_t vcn)
{
	ntfs_index_slack s;
	ntfs_index_slack_entry se;
	ntfs_index_slack_init(&s, node, from, c->dir);
	while (ntfs_index_slack_next(&s, &se)) {
		slack_key *k;
		c->out->stats.carved++;
		/* a torn header (its reference overwritten by a later entry or end marker) names no record */
		if (se.has_entry_header && (ntfs_ref_record(se.file_ref) >= c->m->count || ntfs_ref_sequence(se.file_ref) == 0)) {
			se.has_entry_header = false;
			se.file_ref = 0;
		}
		if (!add_key(c, &c->cands, se.file_ref, se.has_entry_header, &se.name, &k))
			return;
		removed_name *r = c->rns.count < UINT32_MAX ? vec_push(&c->rns) : NULL;
		if (!r) {
			c->nomem = true;
			return;
		}
		k->rn = (uint32_t)(c->rns.count - 1);
		r->directory = c->dir;
		r->has_ref = se.has_entry_header;
		r->file_ref = se.file_ref;
		r->parent_ref = se.name.parent_ref;
		r->times[0] = se.name.created;
		r->times[1] = se.name.modified;
		r->times[2] = se.name.mft_modified;
		r->times[3] = se.name.accessed;
		r->data_size = se.name.data_size;
		r->allocated_size = se.name.allocated_size;
		r->flags = se.name.flags;
		r->reparse_tag = se.reparse_tag;
		r->ns = se.name.name_space;
		r->where = where;
		r->vcn = vcn;
		r->offset = se.offset;
		r->copies = 1;
	}
}

/* Notes that directory dir's index could not be read. */
static void unreadable(slack_ctx *c, const char *what, const ntfs_error *e)
{
	c->out->stats.unreadable++;
	anomaly_add(&c->out->anomalies, "index_unreadable", c->dir, "directory index %s unreadable, its slack not carved: %s",
		    what, e->reason);
}

/* $INDEX_ROOT:$I30: live entries and slack; false when the directory has none (or it is unusable). */
static bool carve_root(slack_ctx *c, ntfs_index_root *root)
{
	volume_attr a;
	ntfs_error e;
	ntfs_status st = volume_find_attr(c->vol, c->dir, NTFS_AT_INDEX_ROOT, I30, &a, &e);
	if (st == NTFS_E_NOMEM)
		c->nomem = true;
	if (st != NTFS_OK) {
		if (st != NTFS_E_NOMEM)
			unreadable(c, "$INDEX_ROOT", &e);
		return false;
	}
	bool ok = a.found && a.resident && a.value_len <= MAX_ROOT_BYTES;
	if (ok && ntfs_index_root_decode(a.value, a.value_len, root, &e) != NTFS_OK) {
		unreadable(c, "$INDEX_ROOT", &e);
		ok = false;
	}
	if (ok && root->attr_type != NTFS_AT_FILE_NAME)
		ok = false;
	if (ok) {
		c->out->stats.directories++;
		uint32_t from = walk_live(c, &root->node);
		carve(c, &root->node, from, SLACK_IN_ROOT, 0);
	}
	root->node.node = NULL; /* it pointed into a.value */
	volume_attr_free(&a);
	return ok;
}

/* The bits of $BITMAP:$I30 for nrec records (NULL with *len 0 when there is none or it is unreadable). */
static uint8_t *load_bitmap(slack_ctx *c, uint64_t nrec, size_t *len)
{
	volume_attr a;
	ntfs_error e;
	uint8_t *bits = NULL;
	size_t want = (size_t)((nrec + 7) / 8);
	*len = 0;
	if (volume_find_attr(c->vol, c->dir, NTFS_AT_BITMAP, I30, &a, &e) != NTFS_OK || !a.found)
		return NULL;
	if (a.resident) {
		bits = a.value;
		*len = a.value_len;
		a.value = NULL;
	} else {
		size_t n = a.data_size < want ? (size_t)a.data_size : want;
		bits = malloc(n ? n : 1);
		if (bits && volume_read_runs(c->vol, &a.rl, 0, bits, n, &e) == NTFS_OK) {
			*len = n;
		} else {
			free(bits);
			bits = NULL;
		}
	}
	volume_attr_free(&a);
	return bits;
}

/* True when size is a power of two an INDX record can have. */
static bool sane_record_size(uint32_t size)
{
	return size >= 512 && size <= 65536 && (size & (size - 1)) == 0;
}

/* Takes rs bytes from the volume's read budget; false (with an anomaly, once) when it is spent. */
static bool spend(slack_ctx *c, uint32_t rs)
{
	if (c->budget >= rs) {
		c->budget -= rs;
		return true;
	}
	if (!c->budget_spent)
		anomaly_add(&c->out->anomalies, "index_slack_budget", c->dir,
			    "directory indexes claim more INDX records than the volume's %llu bytes hold: the slack of "
			    "this directory's and later directories' $INDEX_ALLOCATION is not carved",
			    (unsigned long long)c->vol->length);
	c->budget_spent = true;
	return false;
}

/* One INDX record (rs bytes at rec, read when read_ok): live entries and slack, or all slack when unused. */
static void carve_record(slack_ctx *c, uint8_t *rec, bool read_ok, uint32_t rs, bool in_use)
{
	ntfs_error e;
	ntfs_record_fixups fx;
	ntfs_indx_record ir;
	if (!read_ok || !ntfs_indx_has_signature(rec, rs) ||
	    ntfs_record_apply_fixups(rec, rs, NTFS_USA_STRIDE, &fx, &e) != NTFS_OK ||
	    ntfs_indx_record_decode(rec, rs, &ir, &e) != NTFS_OK) {
		c->out->stats.bad_records++;
		return;
	}
	c->out->stats.index_records++;
	if (!in_use) {
		c->out->stats.unused_records++;
		carve(c, &ir.node, ir.node.entries_offset, SLACK_IN_UNUSED_RECORD, ir.vcn);
		return;
	}
	uint32_t from = walk_live(c, &ir.node);
	carve(c, &ir.node, from, SLACK_IN_RECORD, ir.vcn);
}

/* $INDEX_ALLOCATION:$I30: every INDX record its runs map, as far as its sizes and the budget allow. */
static void carve_allocation(slack_ctx *c, const ntfs_index_root *root)
{
	volume_attr a;
	ntfs_error e;
	uint32_t rs = root->record_size;
	uint64_t cs = c->vol->boot.cluster_size;
	if (c->vol->is_mft_file || cs == 0)
		return;
	ntfs_status st = volume_find_attr(c->vol, c->dir, NTFS_AT_INDEX_ALLOCATION, I30, &a, &e);
	if (st == NTFS_E_NOMEM)
		c->nomem = true;
	if (st != NTFS_OK) {
		if (st != NTFS_E_NOMEM)
			unreadable(c, "$INDEX_ALLOCATION", &e);
		return;
	}
	if (!a.found || a.resident) {
		volume_attr_free(&a);
		return;
	}
	if (!sane_record_size(rs)) {
		e.status = NTFS_E_INVALID;
		snprintf(e.reason, sizeof(e.reason), "$INDEX_ROOT declares INDX records of %u bytes", rs);
		unreadable(c, "$INDEX_ALLOCATION", &e);
		volume_attr_free(&a);
		return;
	}
	/* what the runs map bounds what the sizes claim; the budget bounds what the runs map */
	uint64_t mapped = a.rl.total_clusters > UINT64_MAX / cs ? UINT64_MAX : a.rl.total_clusters * cs;
	uint64_t bytes = a.data_size < mapped ? a.data_size : mapped;
	uint64_t nrec = bytes / rs;
	if (nrec > c->budget / rs + 1)
		nrec = c->budget / rs + 1;
	size_t blen = 0;
	uint8_t *bits = load_bitmap(c, nrec, &blen);
	size_t cap = rs > INDX_READ_BYTES ? rs : INDX_READ_BYTES;
	if (c->rec_cap < cap) {
		uint8_t *p = realloc(c->rec, cap);
		if (!p) {
			c->nomem = true;
			free(bits);
			volume_attr_free(&a);
			return;
		}
		c->rec = p;
		c->rec_cap = cap;
	}
	/* records [first, first + n) are in c->rec, read in one request (ok), else read one by one */
	uint64_t first = 0, n = 0;
	bool ok = false;
	for (uint64_t i = 0; i < nrec && !c->nomem && spend(c, rs); i++) {
		if (i >= first + n) {
			uint64_t left = c->budget / rs + 1; /* never much past what the budget lets be carved */
			first = i;
			n = nrec - i < cap / rs ? nrec - i : cap / rs;
			n = n < left ? n : left;
			ok = volume_read_runs(c->vol, &a.rl, i * rs, c->rec, (size_t)(n * rs), &e) == NTFS_OK;
		}
		uint8_t *rec = c->rec + (size_t)(i - first) * rs;
		bool read_ok = ok || volume_read_runs(c->vol, &a.rl, i * rs, rec, rs, &e) == NTFS_OK;
		/* a record past the bitmap, or with no bitmap at all, counts as in use: its entries are trusted */
		bool in_use = !bits || i / 8 >= blen || (bits[i / 8] >> (i % 8)) & 1;
		carve_record(c, rec, read_ok, rs, in_use);
	}
	free(bits);
	volume_attr_free(&a);
}

/* Orders keys by name (UTF-16 units, then bytes), then reference. */
static _Thread_local const slack_ctx *sort_ctx; /* qsort has no context argument: one per thread */
static int key_cmp(const void *x, const void *y)
{
	const slack_key *a = x, *b = y;
	if (a->units != b->units)
		return a->units < b->units ? -1 : 1;
	int d = memcmp(sort_ctx->u16.data + a->u16, sort_ctx->u16.data + b->u16, 2u * a->units);
	if (d)
		return d;
	return a->ref < b->ref ? -1 : a->ref > b->ref;
}

/* Hash of a key's name (its UTF-16 units). */
static uint32_t key_hash(const slack_ctx *c, const slack_key *k)
{
	const uint8_t *p = (const uint8_t *)c->u16.data + k->u16;
	size_t n = 2u * k->units, i = 0;
	uint64_t h = 0x9E3779B97F4A7C15ull ^ k->units;
	for (; i + 8 <= n; i += 8) { /* eight bytes at a time */
		uint64_t w;
		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0xFF51AFD7ED558CCDull;
		h ^= h >> 32;
	}
	uint64_t w = 0;
	memcpy(&w, p + i, n - i);
	h = (h ^ w) * 0xC4CEB9FE1A85EC53ull;
	return (uint32_t)(h ^ (h >> 29));
}

/* True when keys a and b hold the same name. */
static bool same_name(const slack_ctx *c, const slack_key *a, const slack_key *b)
{
	return a->units == b->units && memcmp(c->u16.data + a->u16, c->u16.data + b->u16, 2u * a->units) == 0;
}

/* Puts the directory's live keys in its hash table (slots hold key index + 1); false without memory. */
static bool live_table_build(slack_ctx *c)
{
	size_t want = 16;
	while (want < 2 * c->live.count)
		want *= 2;
	if (c->live_cap < want) {
		uint32_t *t = realloc(c->live_slots, want * sizeof(*t));
		if (!t)
			return false;
		c->live_slots = t;
		c->live_cap = want;
	}
	c->live_mask = want - 1;
	memset(c->live_slots, 0, want * sizeof(*c->live_slots));
	const slack_key *lv = c->live.data;
	for (size_t i = 0; i < c->live.count; i++) {
		size_t h = key_hash(c, &lv[i]) & c->live_mask;
		while (c->live_slots[h])
			h = (h + 1) & c->live_mask;
		c->live_slots[h] = (uint32_t)(i + 1);
	}
	return true;
}

/* True when key k is a live entry of the directory: same name, and the same reference when k has one. */
static bool is_live(const slack_ctx *c, const slack_key *k)
{
	const slack_key *lv = c->live.data;
	for (size_t h = key_hash(c, k) & c->live_mask; c->live_slots[h]; h = (h + 1) & c->live_mask) {
		const slack_key *l = &lv[c->live_slots[h] - 1];
		if (same_name(c, l, k) && (!k->has_ref || l->ref == k->ref))
			return true;
	}
	return false;
}

/* UTF-16 units of UTF-8 name utf8 as the name index counts them (a name of more than 255 matches none). */
static size_t name_units(const char *utf8, size_t len)
{
	uint16_t units[256];
	return ntfs_utf8_to_utf16(utf8, len, units, 256);
}

/* True when live name ni is the name utf8 (len bytes, units UTF-16 units) listed in directory dir. */
static bool live_name_is(const model *m, const name_info *ni, uint32_t dir, const char *utf8, size_t len,
			 size_t units)
{
	return ni->units == units && ni->len == len && memcmp(model_name_str(m, ni), utf8, len) == 0 &&
	       name_index_listed_dir(m, ni) == dir;
}

/*
 * True when the live MFT still lists the name utf8 in directory c->dir under the allocated record of ref (same
 * sequence). Catches names whose index node could not be read (a cut image, a damaged INDX record), whose slack
 * copies elsewhere would otherwise look removed. Reads the record's own names (no name index: the pass runs
 * beside the passes after the index is freed); a key without a reference is looked up later, with the others
 * of the volume (settle_unreferenced).
 */
static bool mft_has_name(const slack_ctx *c, uint64_t ref, const char *utf8, size_t len)
{
	const model *m = c->m;
	uint64_t r = ntfs_ref_record(ref);
	if (!model_in_use(m, r) || m->recs[r].sequence != ntfs_ref_sequence(ref))
		return false;
	size_t units = name_units(utf8, len);
	if (units > 255)
		return false;
	for (uint32_t k = 0; k < m->recs[r].name_count; k++)
		if (live_name_is(m, model_record_name(m, (uint32_t)r, k), c->dir, utf8, len, units))
			return true;
	return false;
}

/* What the live MFT says of the record a removed name referenced. */
static uint8_t record_state(const model *m, const removed_name *r)
{
	if (!r->has_ref)
		return SLACK_UNKNOWN;
	uint64_t rec = ntfs_ref_record(r->file_ref);
	if (rec >= m->count || m->recs[rec].state != REC_OK || (m->recs[rec].flags & REC_EXTENSION))
		return SLACK_ABSENT;
	if (!(m->recs[rec].flags & REC_IN_USE))
		return SLACK_DELETED;
	return m->recs[rec].sequence == ntfs_ref_sequence(r->file_ref) ? SLACK_SAME_SEQUENCE : SLACK_REUSED;
}

/* The kind of a removed name: a link's, a hard link's, a move's, a rename's, or a plain one. */
static uint8_t removed_kind(const model *m, const removed_name *r)
{
	if (r->reparse_tag)
		return SLACK_REMOVED_LINK;
	if (r->state != SLACK_SAME_SEQUENCE)
		return SLACK_REMOVED_NAME;
	uint32_t rec = (uint32_t)ntfs_ref_record(r->file_ref), here = 0, elsewhere = 0, k = 0;
	for (const name_info *n; (n = model_link_next(m, rec, &k));) {
		if (ntfs_ref_record(n->parent_ref) == r->directory)
			here++;
		else
			elsewhere++;
	}
	if (here)
		return SLACK_RENAMED;
	if (elsewhere >= 2)
		return SLACK_REMOVED_HARD_LINK;
	return elsewhere == 1 ? SLACK_MOVED_OR_UNLINKED : SLACK_REMOVED_NAME;
}

/* True when copy b of a name is more recent than a (later MFT change, then later any time). */
static bool newer(const removed_name *a, const removed_name *b)
{
	for (int t = 2, i = 0; i < 4; i++, t = (t + 1) % 4)
		if (a->times[t] != b->times[t])
			return b->times[t] > a->times[t];
	return false;
}

/* Keeps one removed name: its UTF-8 name in the result's text, its state and kind. */
static void keep(slack_ctx *c, removed_name *r, size_t need)
{
	size_t off = arena_add(&c->out->text, c->utf8, need);
	removed_name *dst = off == SIZE_MAX ? NULL : vec_push(&c->out->names);
	if (!dst) {
		c->nomem = true;
		return;
	}
	r->name = off;
	r->name_len = (uint16_t)need;
	r->state = record_state(c->m, r);
	r->kind = removed_kind(c->m, r);
	*dst = *r;
	c->out->stats.removed++;
	c->out->stats.by_kind[r->kind]++;
}

/* Drops the directory's carved keys that are live, folds copies of one name, keeps the rest. */
static void settle_directory(slack_ctx *c)
{
	sort_ctx = c;
	if (c->cands.count && (c->live.count > UINT32_MAX - 1 || !live_table_build(c))) {
		c->nomem = true; /* live keys are only looked up for carved ones */
		return;
	}
	vec_sort(&c->cands, key_cmp);
	const removed_name *rns = c->rns.data;
	slack_key *cs = c->cands.data;
	for (size_t i = 0; i < c->cands.count && !c->nomem;) {
		size_t j = i + 1;
		while (j < c->cands.count && key_cmp(&cs[i], &cs[j]) == 0)
			j++;
		size_t need = ntfs_utf16_to_utf8((const uint8_t *)c->u16.data + cs[i].u16, cs[i].units, c->utf8,
						 sizeof(c->utf8));
		if (is_live(c, &cs[i]) || (cs[i].has_ref && mft_has_name(c, cs[i].ref, c->utf8, need))) {
			c->out->stats.live += j - i;
		} else {
			removed_name best = rns[cs[i].rn];
			for (size_t x = i + 1; x < j; x++)
				if (newer(&best, &rns[cs[x].rn]))
					best = rns[cs[x].rn];
			best.copies = (uint32_t)(j - i);
			c->out->stats.duplicates += j - i - 1;
			keep(c, &best, need);
		}
		i = j;
	}
	c->live.count = 0;
	c->cands.count = 0;
	c->rns.count = 0;
	c->u16.len = 0;
}

/* Report order: directory, name, reference. */
static _Thread_local const index_slack_result *order_result;
static int name_cmp(const void *x, const void *y)
{
	const removed_name *a = x, *b = y;
	if (a->directory != b->directory)
		return a->directory < b->directory ? -1 : 1;
	int d = strcmp(order_result->text.data + a->name, order_result->text.data + b->name);
	if (d)
		return d < 0 ? -1 : 1;
	if (a->file_ref != b->file_ref)
		return a->file_ref < b->file_ref ? -1 : 1;
	return a->offset < b->offset ? -1 : a->offset > b->offset;
}

/* Which names are kept when the list is cut: kinds in their order, then report order. */
static int keep_cmp(const void *x, const void *y)
{
	const removed_name *a = x, *b = y;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	return name_cmp(x, y);
}

/* Cuts the list at max (link kinds first) and sorts it in report order. */
static void finish(index_slack_result *out, uint64_t max)
{
	order_result = out;
	if (out->names.count > max) {
		qsort(out->names.data, out->names.count, sizeof(removed_name), keep_cmp);
		out->names.count = (size_t)max;
	}
	vec_sort(&out->names, name_cmp);
	out->stats.reported = out->names.count;
}

/* Carves the allocated directories among records [from, to) into c->out, in record order. */
/* True when the pass carves record d: an allocated directory. */
static bool carved_dir(const model *m, uint64_t d)
{
	return model_in_use(m, d) && (m->recs[d].flags & REC_DIR);
}

static void carve_range(slack_ctx *c, uint64_t from, uint64_t to)
{
	const model *m = c->m;
	for (uint64_t d = from; d < to && !c->nomem; d++) {
		if (!carved_dir(m, d))
			continue;
		ntfs_index_root root;
		c->dir = (uint32_t)d;
		if (carve_root(c, &root))
			carve_allocation(c, &root);
		settle_directory(c);
	}
}

/* An empty result. */
static void result_init(index_slack_result *out)
{
	memset(out, 0, sizeof(*out));
	vec_init(&out->names, sizeof(removed_name));
	anomaly_list_init(&out->anomalies);
}

/* A context for in's volume writing into out (initialised here unless NULL), with the whole read budget. */
static void ctx_init(slack_ctx *c, const index_slack_input *in, index_slack_result *out)
{
	*c = (slack_ctx){.m = in->m, .vol = in->m->vol, .out = out};
	if (out)
		result_init(out);
	vec_init(&c->live, sizeof(slack_key));
	vec_init(&c->cands, sizeof(slack_key));
	vec_init(&c->rns, sizeof(removed_name));
	c->budget = c->vol->length;
}

/* Releases a context's scratch (not its result). */
static void ctx_free(slack_ctx *c)
{
	vec_free(&c->live);
	vec_free(&c->cands);
	vec_free(&c->rns);
	free(c->live_slots);
	arena_free(&c->u16);
	free(c->rec);
}

/* One share of a parallel pass: the directories among records [from, to), carved into a result of their own
 * with the whole volume's read budget (the pass is redone alone when the shares together spend more). */
typedef struct {
	uint64_t from, to;
	index_slack_result r;
	uint64_t spent;           /* INDX bytes read */
	bool budget_spent, nomem, done;
} slack_share;

/* The shares and each thread's scratch context. */
typedef struct {
	const index_slack_input *in;
	slack_share *shares;
	slack_ctx *ctx;           /* one per thread */
} slack_pool;

/* par_run body: carves share i on thread t's context into the share's own result. */
static void share_run(void *arg, size_t i, int t)
{
	slack_pool *p = arg;
	slack_ctx *c = &p->ctx[t];
	slack_share *sh = &p->shares[i];
	result_init(&sh->r);
	c->out = &sh->r;
	c->budget = c->vol->length;
	c->budget_spent = c->nomem = false;
	carve_range(c, sh->from, sh->to);
	sh->spent = c->vol->length - c->budget;
	sh->budget_spent = c->budget_spent;
	sh->nomem = c->nomem;
	sh->done = true;
}

/* Appends share result src to out (names, their text, anomalies, counts), emptying src; false without memory. */
static bool merge_share(index_slack_result *out, index_slack_result *src)
{
	size_t base = out->text.len;
	if (src->text.len && !arena_reserve(&out->text, src->text.len))
		return false;
	if (src->text.len)
		memcpy(out->text.data + base, src->text.data, src->text.len);
	size_t first = out->names.count;
	if (vec_append(&out->names, &src->names) != 0)
		return false;
	for (size_t i = first; i < out->names.count; i++)
		VEC_AT(&out->names, removed_name, i).name += base;
	anomaly_list_move(&out->anomalies, &src->anomalies);
	index_slack_stats *d = &out->stats;
	const index_slack_stats *s = &src->stats;
	d->directories += s->directories;
	d->index_records += s->index_records;
	d->unused_records += s->unused_records;
	d->bad_records += s->bad_records;
	d->carved += s->carved;
	d->live += s->live;
	d->duplicates += s->duplicates;
	d->removed += s->removed;
	for (int k = 0; k < 5; k++)
		d->by_kind[k] += s->by_kind[k];
	d->unreadable += s->unreadable;
	index_slack_free(src);
	return true;
}

#define SHARE_MIN_DIRS 4u /* a share of a parallel pass holds at least this many directories */

/*
 * The pass on nt threads: 8 shares a thread, each a range of records holding the same number of directories (at
 * least SHARE_MIN_DIRS; directories cluster, e.g. a volume's first records when its tree was made before its
 * files), taken in turn (par_run), their results appended in record order, so out is what one thread makes of
 * the whole range. 1: done; 0: not done (out untouched), because memory for the shares ran out, a share ran out
 * of memory, or the shares together read more INDX bytes than the
 * volume's budget (the one-thread pass then decides, in its order, where the budget ends); -1: no memory.
 */
static int collect_parallel(const index_slack_input *in, int nt, index_slack_result *out)
{
	const model *m = in->m;
	uint64_t dirs = 0;
	for (uint64_t d = 0; d < m->count; d++)
		dirs += carved_dir(m, d);
	uint64_t per = dirs / ((uint64_t)nt * 8);
	per = per < SHARE_MIN_DIRS ? SHARE_MIN_DIRS : per;
	size_t count = (size_t)((dirs + per - 1) / per);
	slack_pool p = {.in = in};
	if (count < 2 || !(p.shares = calloc(count, sizeof(*p.shares))))
		return 0;
	if (!(p.ctx = calloc((size_t)nt, sizeof(*p.ctx)))) {
		free(p.shares);
		return 0;
	}
	size_t cut = 0; /* share cut ends after its per-th directory; the last one at the end of the table */
	uint64_t seen = 0;
	for (uint64_t d = 0; d < m->count && cut + 1 < count; d++)
		if (carved_dir(m, d) && ++seen == per * (cut + 1)) {
			p.shares[cut].to = d + 1;
			p.shares[++cut].from = d + 1;
		}
	p.shares[count - 1].to = m->count;
	for (int t = 0; t < nt; t++)
		ctx_init(&p.ctx[t], in, NULL);
	par_run(nt, count, share_run, &p);
	for (int t = 0; t < nt; t++)
		ctx_free(&p.ctx[t]);
	free(p.ctx);
	uint64_t spent = 0;
	bool ok = true;
	for (size_t i = 0; i < count; i++) {
		const slack_share *sh = &p.shares[i];
		ok = ok && sh->done && !sh->nomem && !sh->budget_spent;
		spent += sh->spent;
	}
	ok = ok && spent <= m->vol->length;
	int res = ok ? 1 : 0;
	if (ok) {
		result_init(out);
		for (size_t i = 0; i < count && res == 1; i++)
			if (!merge_share(out, &p.shares[i].r))
				res = -1;
		if (res != 1)
			index_slack_free(out);
	}
	for (size_t i = 0; i < count; i++)
		if (p.shares[i].done)
			index_slack_free(&p.shares[i].r);
	free(p.shares);
	return res;
}

/* A removed name without a reference, looked up in the live MFT by settle_unreferenced. */
typedef struct {
	uint32_t dir;
	uint32_t len;             /* UTF-8 bytes */
	size_t units;             /* UTF-16 units (over 255: matches no name) */
	const char *utf8;
	size_t at;                /* in the result's names */
} unref_key;

/* Order of unref_keys: directory, length, bytes. */
static int unref_cmp(const void *x, const void *y)
{
	const unref_key *a = x, *b = y;
	if (a->dir != b->dir)
		return a->dir < b->dir ? -1 : 1;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return memcmp(a->utf8, b->utf8, a->len);
}

/* The first of keys[0..n) (sorted) with directory dir and name (utf8, len), or n. */
static size_t unref_find(const unref_key *keys, size_t n, uint32_t dir, const char *utf8, uint32_t len)
{
	unref_key want = {.dir = dir, .len = len, .utf8 = utf8};
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (unref_cmp(&keys[mid], &want) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && unref_cmp(&keys[lo], &want) == 0 ? lo : n;
}

/*
 * Drops from out the removed names without a reference (a torn entry header: settle_directory keeps them
 * unchecked) that an allocated record still lists under the same name in their directory, counting them live
 * as settle_directory counts the others. One walk over the model's names for all of them: no name index, so
 * the pass may end after it is freed. False without memory (out untouched).
 */
static bool settle_unreferenced(const model *m, index_slack_result *out)
{
	removed_name *rn = out->names.data;
	size_t n = 0;
	for (size_t i = 0; i < out->names.count; i++)
		n += !rn[i].has_ref;
	if (!n)
		return true;
	unref_key *keys = malloc(n * sizeof(*keys));
	uint64_t *dirs = calloc((size_t)(m->count / 64 + 1), sizeof(uint64_t)); /* directories with a key */
	bool *live = calloc(out->names.count, sizeof(bool));
	if (!keys || !dirs || !live) {
		free(keys);
		free(dirs);
		free(live);
		return false;
	}
	n = 0;
	for (size_t i = 0; i < out->names.count; i++) {
		if (rn[i].has_ref)
			continue;
		const char *utf8 = index_slack_name(out, &rn[i]);
		keys[n++] = (unref_key){.dir = rn[i].directory, .len = rn[i].name_len, .utf8 = utf8,
					.units = name_units(utf8, rn[i].name_len), .at = i};
		dirs[rn[i].directory / 64] |= 1ull << (rn[i].directory % 64);
	}
	qsort(keys, n, sizeof(*keys), unref_cmp);
	for (size_t i = 0; i < m->names.count; i++) {
		const name_info *ni = model_name(m, (uint32_t)i);
		uint64_t d = ntfs_ref_record(ni->parent_ref);
		if (d >= m->count || !((dirs[d / 64] >> (d % 64)) & 1) || !model_in_use(m, ni->owner))
			continue;
		const char *s = model_name_str(m, ni);
		for (size_t k = unref_find(keys, n, (uint32_t)d, s, ni->len); k < n && keys[k].dir == d &&
		     keys[k].len == ni->len && memcmp(keys[k].utf8, s, ni->len) == 0; k++)
			if (keys[k].units <= 255 && live_name_is(m, ni, (uint32_t)d, s, ni->len, keys[k].units))
				live[keys[k].at] = true;
	}
	size_t kept = 0;
	index_slack_stats *st = &out->stats;
	for (size_t i = 0; i < out->names.count; i++) {
		if (!live[i]) {
			rn[kept++] = rn[i];
			continue;
		}
		st->live += rn[i].copies;
		st->duplicates -= rn[i].copies - 1;
		st->removed--;
		st->by_kind[rn[i].kind]--;
	}
	out->names.count = kept;
	free(keys);
	free(dirs);
	free(live);
	return true;
}

ntfs_status index_slack_collect(const index_slack_input *in, index_slack_result *out, ntfs_error *err)
{
	int nt = par_threads(in->threads, 16);
	int par = nt > 1 ? collect_parallel(in, nt, out) : 0;
	if (par < 0) {
		memset(out, 0, sizeof(*out));
		return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory carving directory index slack");
	}
	if (par == 0) {
		slack_ctx c;
		ctx_init(&c, in, out);
		carve_range(&c, 0, in->m->count);
		ctx_free(&c);
		if (c.nomem) {
			index_slack_free(out);
			return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory carving directory index slack");
		}
	}
	if (!settle_unreferenced(in->m, out)) {
		index_slack_free(out);
		return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory carving directory index slack");
	}
	finish(out, in->max_reported ? in->max_reported : INDEX_SLACK_MAX_REPORTED);
	return NTFS_OK;
}

void index_slack_free(index_slack_result *r)
{
	vec_free(&r->names);
	arena_free(&r->text);
	anomaly_list_free(&r->anomalies);
	memset(r, 0, sizeof(*r));
}
