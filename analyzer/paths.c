/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"
#include "paths.h"

#include <stdlib.h>
#include <string.h>

#include "le.h"

enum { ST_UNKNOWN = 0, ST_VISITING, ST_DONE };

#define NO_SLOT UINT32_MAX
#define WALK_ROOT UINT32_MAX          /* paths_walk.parent: the chain ends at the root */
#define WALK_ORPHAN (UINT32_MAX - 1)  /* ... under the orphan marker */
#define WALK_LONG UINT16_MAX          /* paths_walk.bytes: too long to say, measured by walking */

/*
 * What composing a path reads of one directory, built once (make_walk): its validated parent's entry, its
 * name (copied into paths.walk_names) and the bytes of its path. 12 bytes per directory instead of the
 * parent reference, the record's names and the string table of the whole model, so composing a path walks
 * a few MiB instead of tables of gigabytes, and measures it without a walk.
 */
struct paths_walk {
	uint32_t parent;          /* the parent's entry, WALK_ROOT or WALK_ORPHAN */
	uint32_t name;            /* offset in paths.walk_names */
	uint16_t len;             /* bytes of the name */
	uint16_t bytes;           /* bytes of the directory's composed path, or WALK_LONG */
};

/* True when record r gets an entry in the directory tables: a decoded base record with the directory flag. */
static bool is_dir_record(const model *m, uint64_t r)
{
	const rec_info *ri = &m->recs[r];
	return ri->state == REC_OK && (ri->flags & REC_DIR) && !(ri->flags & REC_EXTENSION);
}

/* The entry of record r in the directory tables, or NO_SLOT when it is no directory (or past the table). */
static inline uint32_t slot(const paths *p, uint32_t r)
{
	if (r >= p->m->count)
		return NO_SLOT;
	uint64_t w = p->dir_bits[r >> 6], bit = (uint64_t)1 << (r & 63);
	if (!(w & bit))
		return NO_SLOT;
	return p->dir_rank[r >> 6] + (uint32_t)__builtin_popcountll(w & (bit - 1));
}

/* The state of record r's walk: ST_UNKNOWN for a record that is no directory. */
static inline uint8_t state_of(const paths *p, uint32_t r)
{
	uint32_t s = slot(p, r);
	return s == NO_SLOT ? ST_UNKNOWN : p->state[s];
}

parent_status paths_check_parent(const model *m, const name_info *n, uint32_t *parent)
{
	uint64_t pr = ntfs_ref_record(n->parent_ref);
	uint16_t ps = ntfs_ref_sequence(n->parent_ref);
	*parent = MODEL_NONE;
	if (pr >= m->count || m->recs[pr].state != REC_OK || (m->recs[pr].flags & REC_EXTENSION))
		return PARENT_MISSING;
	const rec_info *p = &m->recs[pr];
	*parent = (uint32_t)pr;
	if (!(p->flags & REC_DIR))
		return PARENT_NOT_DIRECTORY;
	/* a freed record's sequence moved on by one: its deleted children still name the old one */
	if (ps == p->sequence || (!(p->flags & REC_IN_USE) && (uint16_t)(ps + 1) == p->sequence))
		return PARENT_OK;
	return PARENT_REUSED;
}

/*
 * paths_check_parent(m, n, parent) == PARENT_OK, from the directory tables: a parent that checks out is a
 * directory with an entry (a decoded base record with the directory flag), and its sequence is the one the
 * name gives, or one more when its record is free. Sets *parent as paths_check_parent does when true.
 */
static inline bool parent_ok(const paths *p, const name_info *n, uint32_t *parent)
{
	uint64_t pr = ntfs_ref_record(n->parent_ref);
	uint16_t ps = ntfs_ref_sequence(n->parent_ref);
	uint32_t s = pr < p->m->count ? slot(p, (uint32_t)pr) : NO_SLOT;
	if (s == NO_SLOT)
		return false;
	uint16_t seq = p->dir_seq[s];
	bool free_rec = p->dir_free[s >> 6] >> (s & 63) & 1;
	if (ps != seq && !(free_rec && (uint16_t)(ps + 1) == seq))
		return false;
	*parent = (uint32_t)pr;
	return true;
}

/* Says why a name has no valid parent, as an anomaly of its record (allocated records only). */
static void orphan_anomaly(paths *p, const name_info *n, parent_status st, uint32_t parent)
{
	const model *m = p->m;
	if (!(m->recs[n->owner].flags & REC_IN_USE))
		return;
	const char *name = model_name_str(m, n);
	unsigned long long pr = ntfs_ref_record(n->parent_ref);
	unsigned ps = ntfs_ref_sequence(n->parent_ref);
	switch (st) {
	case PARENT_MISSING:
		anomaly_add(&p->anomalies, "orphan_name", n->owner, "name '%s': parent record %llu is missing or unreadable",
			    name, pr);
		break;
	case PARENT_NOT_DIRECTORY:
		anomaly_add(&p->anomalies, "orphan_name", n->owner, "name '%s': parent record %llu is not a directory", name,
			    pr);
		break;
	case PARENT_REUSED:
		anomaly_add(&p->anomalies, "sequence_mismatch", n->owner,
			    "name '%s': parent reference %llu-%u, but record %u has sequence %u (reused)", name, pr, ps,
			    parent, m->recs[parent].sequence);
		break;
	case PARENT_OK:
		break;
	}
}

/* Sets units and keep of directory r (entry rs), whose parent (if any) is settled already. */
static void path_length(paths *p, uint32_t r, uint32_t rs)
{
	uint32_t dp = p->dir_parent[rs], u = 0;
	bool top = dp == MODEL_NONE || dp == PATHS_ORPHAN;
	if (r != NTFS_ROOT_RECORD) {
		const name_info *n = model_primary_name(p->m, r);
		uint32_t above = dp == MODEL_NONE ? 0 : dp == PATHS_ORPHAN ? PATHS_ORPHAN_UNITS : p->units[slot(p, dp)];
		u = above + 1 + (n ? n->units : 0);
	}
	p->units[rs] = (uint16_t)(u > UINT16_MAX ? UINT16_MAX : u);
	if (u <= PATHS_MAX_UNITS || top)
		p->keep[rs] = r; /* a single component under the root or the orphan marker always fits */
	else
		p->keep[rs] = p->keep[slot(p, dp)];
}

/* Resolves the validated parent of directory d and of every directory above it, iteratively. */
static void resolve_dir(paths *p, uint32_t d)
{
	const model *m = p->m;
	size_t top = 0;
	uint32_t cur = d, cs;
	/* every record on the chain is a directory: d is one, and a parent that checks out is one */
	while (p->state[cs = slot(p, cur)] != ST_DONE) {
		const name_info *n = model_primary_name(m, cur);
		uint32_t parent;
		p->state[cs] = ST_VISITING;
		p->stack[top++] = cur;
		if (cur == NTFS_ROOT_RECORD) {
			p->dir_parent[cs] = MODEL_NONE;
			break;
		}
		if (!n) {
			p->dir_parent[cs] = PATHS_ORPHAN;
			break;
		}
		parent_status st = paths_check_parent(m, n, &parent);
		if (st != PARENT_OK) {
			p->dir_parent[cs] = PATHS_ORPHAN;
			break;
		}
		if (state_of(p, parent) == ST_VISITING) {
			if (m->recs[cur].flags & REC_IN_USE)
				anomaly_add(&p->anomalies, "parent_cycle", cur,
					    "directory '%s': its parent chain leads back to itself through record %u",
					    model_name_str(m, n), parent);
			p->dir_parent[cs] = PATHS_ORPHAN;
			break;
		}
		p->dir_parent[cs] = parent;
		if (top > PATHS_MAX_DEPTH) { /* the unwind below cuts the chain where it grows too deep */
			p->dir_parent[cs] = PATHS_ORPHAN;
			break;
		}
		cur = parent;
	}
	/* unwind: depths from the top of the chain down; a chain too deep is cut and re-rooted */
	while (top > 0) {
		uint32_t r = p->stack[--top], rs = slot(p, r);
		uint32_t dp = p->dir_parent[rs];
		unsigned here = (dp == MODEL_NONE || dp == PATHS_ORPHAN) ? 1 : p->depth[slot(p, dp)] + 1u;
		if (here > PATHS_MAX_DEPTH) {
			anomaly_add(&p->anomalies, "path_too_deep", r,
				    "parent chain deeper than %d directories; the path is cut here", PATHS_MAX_DEPTH);
			p->dir_parent[rs] = PATHS_ORPHAN;
			here = 1;
		}
		p->depth[rs] = (uint16_t)here;
		p->state[rs] = ST_DONE;
		path_length(p, r, rs);
	}
}

static uint32_t dir_units(const paths *p, uint32_t d);

/*
 * Checks every allocated name's parent once, so each orphan is reported once; and records where a
 * path crosses PATHS_MAX_UNITS: at the name whose directory's path still fits (one anomaly per cut,
 * not one per path beneath it).
 */
static void report_orphans(paths *p)
{
	const model *m = p->m;
	for (size_t i = 0; i < m->names.count; i++) {
		const name_info *n = model_name(m, (uint32_t)i);
		uint32_t parent;
		if (n->owner == MODEL_NONE || n->owner == NTFS_ROOT_RECORD)
			continue;
		if (!parent_ok(p, n, &parent)) { /* the model says why */
			parent_status st = paths_check_parent(m, n, &parent);
			orphan_anomaly(p, n, st, parent);
			continue;
		}
		uint32_t above = dir_units(p, parent);
		if (above <= PATHS_MAX_UNITS && above + 1 + n->units > PATHS_MAX_UNITS)
			anomaly_add(&p->anomalies, "path_truncated", n->owner,
				    "name in directory record %u at depth %u: its path is %u UTF-16 units, past Windows' limit "
				    "of %d; it and every path beneath it are cut to the directories that fit",
				    parent, p->depth[slot(p, parent)], above + 1 + n->units, PATHS_MAX_UNITS);
	}
}

/* Marks the directories in dir_bits and ranks them; returns false out of memory. */
static bool index_dirs(paths *p)
{
	const model *m = p->m;
	size_t words = (size_t)(m->count + 63) / 64 + 1;
	p->dir_bits = calloc(words, sizeof(uint64_t));
	p->dir_rank = malloc(words * sizeof(uint32_t));
	if (!p->dir_bits || !p->dir_rank)
		return false;
	for (uint64_t r = 0; r < m->count; r++)
		if (is_dir_record(m, r))
			p->dir_bits[r >> 6] |= (uint64_t)1 << (r & 63);
	size_t dirs = 0;
	for (size_t w = 0; w < words; w++) {
		p->dir_rank[w] = (uint32_t)dirs; /* at most m->count < 2^32 */
		dirs += (size_t)__builtin_popcountll(p->dir_bits[w]);
	}
	p->dirs = dirs;
	p->dir_seq = malloc((dirs ? dirs : 1) * sizeof(uint16_t));
	p->dir_free = calloc(dirs / 64 + 1, sizeof(uint64_t));
	if (!p->dir_seq || !p->dir_free)
		return false;
	uint32_t s = 0;
	for (size_t w = 0; w + 1 < words; w++)
		for (uint64_t bits = p->dir_bits[w]; bits; bits &= bits - 1, s++) {
			const rec_info *ri = &m->recs[w * 64 + (unsigned)__builtin_ctzll(bits)];
			p->dir_seq[s] = ri->sequence;
			if (!(ri->flags & REC_IN_USE))
				p->dir_free[s >> 6] |= (uint64_t)1 << (s & 63);
		}
	return true;
}

/* The directory records in order of depth, shallowest first (malloc'd, p->dirs entries), or NULL. */
static uint32_t *dirs_by_depth(const paths *p)
{
	uint32_t *at = calloc(PATHS_MAX_DEPTH + 2, sizeof(uint32_t));
	uint32_t *order = malloc((p->dirs ? p->dirs : 1) * sizeof(uint32_t));
	if (!at || !order) {
		free(at);
		free(order);
		return NULL;
	}
	size_t words = (size_t)(p->m->count + 63) / 64;
	for (int pass = 0; pass < 2; pass++) {
		uint32_t s = 0;
		for (size_t w = 0; w < words; w++)
			for (uint64_t bits = p->dir_bits[w]; bits; bits &= bits - 1, s++) {
				unsigned d = p->depth[s] <= PATHS_MAX_DEPTH ? p->depth[s] : PATHS_MAX_DEPTH;
				if (pass == 0)
					at[d + 1]++;
				else
					order[at[d]++] = (uint32_t)(w * 64 + (unsigned)__builtin_ctzll(bits));
			}
		if (pass == 0)
			for (size_t d = 1; d <= PATHS_MAX_DEPTH + 1; d++)
				at[d] += at[d - 1];
	}
	free(at);
	return order;
}

/*
 * Builds paths.walk and walk_names from the resolved chains: per directory its parent's entry, its primary
 * name and the bytes of its path (shallowest first, so a parent's are known before its children's). False
 * out of memory.
 */
static bool make_walk(paths *p)
{
	size_t n = p->dirs ? p->dirs : 1, names = 0;
	p->walk = malloc(n * sizeof(*p->walk));
	if (!p->walk)
		return false;
	size_t words = (size_t)(p->m->count + 63) / 64;
	for (int pass = 0; pass < 2; pass++) {
		uint32_t s = 0;
		for (size_t w = 0; w < words; w++)
			for (uint64_t bits = p->dir_bits[w]; bits; bits &= bits - 1, s++) {
				uint32_t r = (uint32_t)(w * 64 + (unsigned)__builtin_ctzll(bits));
				const name_info *nm = r == NTFS_ROOT_RECORD ? NULL : model_primary_name(p->m, r);
				size_t nl = nm ? nm->len : 0;
				if (pass == 1) {
					memcpy(p->walk_names + names, model_name_str(p->m, nm ? nm : model_name(p->m, 0)), nl);
					uint32_t dp = p->state[s] == ST_DONE ? p->dir_parent[s] : PATHS_ORPHAN;
					p->walk[s] = (struct paths_walk){
						.parent = dp == MODEL_NONE || dp == NTFS_ROOT_RECORD ? WALK_ROOT
							  : dp == PATHS_ORPHAN			 ? WALK_ORPHAN
											 : slot(p, dp),
						.name = (uint32_t)names,
						.len = (uint16_t)nl,
						.bytes = WALK_LONG};
				}
				names += nl;
			}
		if (pass == 0) {
			p->walk_names = malloc(names ? names : 1);
			if (!p->walk_names)
				return false;
			names = 0;
		}
	}
	uint32_t *order = dirs_by_depth(p);
	if (!order)
		return false;
	for (size_t i = 0; i < p->dirs; i++) {
		struct paths_walk *w = &p->walk[slot(p, order[i])];
		size_t above = w->parent == WALK_ROOT ? 0 : w->parent == WALK_ORPHAN ? strlen(PATHS_ORPHAN_DIR)
				: p->walk[w->parent].bytes;
		size_t b = above + 1 + w->len;
		w->bytes = (uint16_t)(above == WALK_LONG || b >= WALK_LONG ? WALK_LONG : b);
	}
	free(order);
	return true;
}

ntfs_status paths_build(paths *p, const model *m, ntfs_error *err)
{
	memset(p, 0, sizeof(*p));
	p->m = m;
	anomaly_list_init(&p->anomalies);
	bool ok = index_dirs(p);
	size_t n = p->dirs ? p->dirs : 1;
	if (ok) {
		p->dir_parent = malloc(n * sizeof(uint32_t));
		p->depth = calloc(n, sizeof(uint16_t));
		p->units = calloc(n, sizeof(uint16_t));
		p->keep = malloc(n * sizeof(uint32_t));
		p->state = calloc(n, 1);
		p->stack = malloc((PATHS_MAX_DEPTH + 2) * sizeof(uint32_t));
	}
	if (!ok || !p->dir_parent || !p->depth || !p->units || !p->keep || !p->state || !p->stack) {
		paths_free(p);
		return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory for the paths of %llu records",
				      (unsigned long long)m->count);
	}
	for (uint64_t r = 0; r < m->count; r++)
		if (is_dir_record(m, r))
			resolve_dir(p, (uint32_t)r);
	report_orphans(p);
	if (!make_walk(p)) {
		paths_free(p);
		return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory for the paths of %llu directories",
				      (unsigned long long)n);
	}
	return NTFS_OK;
}

size_t paths_table_bytes(const paths *p)
{
	size_t words = p->m ? (size_t)(p->m->count + 63) / 64 + 1 : 0;
	size_t names = 0;
	for (size_t s = 0; p->walk && s < p->dirs; s++)
		names += p->walk[s].len;
	return words * (sizeof(uint64_t) + sizeof(uint32_t)) +
	       p->dirs * (2 * sizeof(uint32_t) + 3 * sizeof(uint16_t) + 1 + sizeof(struct paths_walk)) +
	       (p->dirs / 64 + 1) * sizeof(uint64_t) + names;
}

void paths_free(paths *p)
{
	free(p->dir_bits);
	free(p->dir_rank);
	free(p->dir_parent);
	free(p->depth);
	free(p->units);
	free(p->keep);
	free(p->state);
	free(p->dir_seq);
	free(p->dir_free);
	free(p->walk);
	free(p->walk_names);
	free(p->stack);
	anomaly_list_free(&p->anomalies);
	memset(p, 0, sizeof(*p));
}

uint32_t paths_name_dir(const paths *p, const name_info *n)
{
	uint32_t parent;
	return parent_ok(p, n, &parent) ? parent : PATHS_ORPHAN;
}

/* The next directory up from d in a composed path. */
static uint32_t up(const paths *p, uint32_t d)
{
	uint32_t s = slot(p, d);
	return s != NO_SLOT && p->state[s] == ST_DONE ? p->dir_parent[s] : PATHS_ORPHAN;
}

uint32_t paths_dir_parent(const paths *p, uint32_t d)
{
	if (d == NTFS_ROOT_RECORD)
		return MODEL_NONE;
	return d < p->m->count ? up(p, d) : PATHS_ORPHAN;
}

/* True while d is a directory whose name is part of the path (not the root or an orphan marker). */
static bool in_chain(uint32_t d)
{
	return d != MODEL_NONE && d != PATHS_ORPHAN && d != NTFS_ROOT_RECORD;
}

/*
 * UTF-16 units of directory d's path as composed: 0 for the root, the marker for PATHS_ORPHAN, a
 * record that is no resolved directory hangs under the marker; above PATHS_MAX_UNITS when cut.
 */
static uint32_t dir_units(const paths *p, uint32_t d)
{
	if (d == MODEL_NONE || d == NTFS_ROOT_RECORD)
		return 0;
	if (d == PATHS_ORPHAN)
		return PATHS_ORPHAN_UNITS;
	uint32_t s = slot(p, d);
	if (s != NO_SLOT && p->state[s] == ST_DONE)
		return p->units[s];
	const name_info *n = model_primary_name(p->m, d);
	return PATHS_ORPHAN_UNITS + 1 + (n ? n->units : 0);
}

/* Where the path of directory d ends once cut to PATHS_MAX_UNITS: d itself when it fits. */
static uint32_t keep_of(const paths *p, uint32_t d)
{
	uint32_t s = in_chain(d) ? slot(p, d) : NO_SLOT;
	if (s == NO_SLOT || p->state[s] != ST_DONE || p->units[s] <= PATHS_MAX_UNITS)
		return d;
	return p->keep[s];
}

/* A path to compose: the directory it starts from (walking up) and the leaf name, if kept. */
typedef struct {
	uint32_t dir;
	const char *leaf;
	size_t leaf_len;          /* bytes */
	bool truncated;
} path_plan;

/* Plans the path of leaf (NULL: the directory itself) in directory d, cut to PATHS_MAX_UNITS. */
static path_plan plan(const paths *p, uint32_t d, const name_info *leaf)
{
	path_plan pl = {.dir = d, .leaf = NULL, .leaf_len = 0, .truncated = false};
	uint32_t above = dir_units(p, d);
	if (above > PATHS_MAX_UNITS) {
		pl.dir = keep_of(p, d);
		pl.truncated = true;
	} else if (leaf && above + 1 + leaf->units > PATHS_MAX_UNITS) {
		pl.truncated = true;
	} else if (leaf) {
		pl.leaf = model_name_str(p->m, leaf);
		pl.leaf_len = leaf->len;
	}
	return pl;
}

/* The plan for name n: the root's own name is the root itself. */
static path_plan plan_name(const paths *p, const name_info *n)
{
	if (n->owner == NTFS_ROOT_RECORD)
		return plan(p, NTFS_ROOT_RECORD, NULL);
	return plan(p, paths_name_dir(p, n), n);
}

/*
 * Where a composed path starts walking: the walk entry of directory d when it is a resolved directory
 * (*lone NULL), else d's own name hangs under the orphan marker (*lone its name, WALK_ORPHAN returned).
 * WALK_ROOT for the root, WALK_ORPHAN for PATHS_ORPHAN.
 */
static uint32_t walk_start(const paths *p, uint32_t d, const name_info **lone)
{
	*lone = NULL;
	if (d == PATHS_ORPHAN)
		return WALK_ORPHAN;
	if (!in_chain(d))
		return WALK_ROOT;
	uint32_t s = slot(p, d);
	if (s != NO_SLOT && p->state[s] == ST_DONE)
		return s;
	*lone = model_primary_name(p->m, d);
	return WALK_ORPHAN;
}

/* The bytes of the directory part of a composed path from walk entry s (or a WALK_ top) on. */
static size_t walk_bytes(const paths *p, uint32_t s)
{
	if (s == WALK_ROOT)
		return 0;
	if (s == WALK_ORPHAN)
		return strlen(PATHS_ORPHAN_DIR);
	if (p->walk[s].bytes != WALK_LONG)
		return p->walk[s].bytes;
	size_t len = 0;
	for (int depth = 0; s != WALK_ROOT && s != WALK_ORPHAN && depth <= PATHS_MAX_DEPTH; depth++, s = p->walk[s].parent)
		len += 1 + p->walk[s].len;
	return len + (s == WALK_ORPHAN ? strlen(PATHS_ORPHAN_DIR) : 0);
}

/* Fills dst (exactly len bytes) from its end: the leaf, then each directory walking up. */
static void fill_backwards(const paths *p, const path_plan *pl, char *dst, size_t len)
{
	size_t pos = len;
	if (pl->leaf) {
		pos -= pl->leaf_len;
		memcpy(dst + pos, pl->leaf, pl->leaf_len);
		dst[--pos] = '\\';
	}
	const name_info *lone;
	uint32_t s = walk_start(p, pl->dir, &lone);
	if (lone || s == WALK_ORPHAN) {
		size_t nl = lone ? lone->len : 0;
		if (pl->dir != PATHS_ORPHAN) {
			pos -= nl;
			if (nl)
				memcpy(dst + pos, model_name_str(p->m, lone), nl);
			dst[--pos] = '\\';
		}
	}
	for (int depth = 0; s != WALK_ROOT && s != WALK_ORPHAN && depth <= PATHS_MAX_DEPTH; depth++, s = p->walk[s].parent) {
		const struct paths_walk *w = &p->walk[s];
		pos -= w->len;
		memcpy(dst + pos, p->walk_names + w->name, w->len);
		dst[--pos] = '\\';
	}
	if (s == WALK_ORPHAN)
		memcpy(dst, PATHS_ORPHAN_DIR, strlen(PATHS_ORPHAN_DIR));
	else if (len == 1)
		dst[0] = '\\';
}

/*
 * Writes a planned path like snprintf: measured from the walk table (no walk unless very long), then filled
 * from the end walking up, so it needs no scratch memory and is safe from any thread.
 */
static size_t compose(const paths *p, const path_plan *pl, char *buf, size_t cap)
{
	const name_info *lone;
	uint32_t s = walk_start(p, pl->dir, &lone);
	size_t len = walk_bytes(p, s);
	if (lone || (s == WALK_ORPHAN && pl->dir != PATHS_ORPHAN))
		len += 1 + (lone ? lone->len : 0);
	if (pl->leaf)
		len += 1 + pl->leaf_len;
	else if (len == 0)
		len = 1; /* the root itself: "\" */
	if (cap == 0)
		return len;
	if (len < cap) {
		fill_backwards(p, pl, buf, len);
		buf[len] = '\0';
	} else { /* too long for buf: build it (at most PATHS_MAX_BYTES), keep the head */
		char *tmp = malloc(len);
		if (tmp)
			fill_backwards(p, pl, tmp, len);
		memcpy(buf, tmp ? tmp : "", tmp ? cap - 1 : 1);
		buf[cap - 1] = '\0';
		free(tmp);
	}
	return len;
}

size_t paths_name(const paths *p, const name_info *n, char *buf, size_t cap)
{
	path_plan pl = plan_name(p, n);
	return compose(p, &pl, buf, cap);
}

size_t paths_dir(const paths *p, uint32_t d, char *buf, size_t cap)
{
	path_plan pl = plan(p, d, NULL);
	return compose(p, &pl, buf, cap);
}

bool paths_name_truncated(const paths *p, const name_info *n)
{
	return plan_name(p, n).truncated;
}

bool paths_dir_truncated(const paths *p, uint32_t d)
{
	return plan(p, d, NULL).truncated;
}

size_t paths_name_units(const paths *p, const name_info *n)
{
	path_plan pl = plan_name(p, n);
	size_t u = dir_units(p, pl.dir);
	if (pl.leaf)
		u += 1 + (size_t)n->units;
	return u ? u : 1;
}

/* Measures a composed path from the tables (no walk, cap 0), then composes it once into an exact allocation. */
static char *alloc_path(const paths *p, const name_info *n, uint32_t d)
{
	size_t need = n ? paths_name(p, n, NULL, 0) : paths_dir(p, d, NULL, 0);
	char *s = malloc(need + 1);
	if (!s)
		return NULL;
	if (n)
		paths_name(p, n, s, need + 1);
	else
		paths_dir(p, d, s, need + 1);
	return s;
}

char *paths_name_alloc(const paths *p, const name_info *n)
{
	return alloc_path(p, n, 0);
}

char *paths_dir_alloc(const paths *p, uint32_t d)
{
	return alloc_path(p, NULL, d);
}
