/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"
#include "name_index.h"

#include <stdlib.h>
#include <string.h>

#include "le.h"
#include "utf16.h"

#define MAX_UNITS 1024

/*
 * Names per bucket on average. The index is looked up a few thousand times a run (link targets' components, the
 * hives, $UsnJrnl, --du), so chains of ~8 names cost little, while one bucket per name was 4 bytes per name held
 * through the peak (links collect .. resolve: 4.3 MiB of the 1M benchmark's 8.5). A chain lists its names in the
 * same order whatever the bucket count, so the lookups' answers do not depend on it.
 */
#define NAMES_PER_BUCKET 8

/* Hash of a host-order UTF-16 name; the same as the scan stores for each name. */
static uint32_t hash_units(const ntfs_upcase *uc, const uint16_t *u, size_t n)
{
	uint32_t h = MODEL_NAME_HASH_SEED;
	for (size_t i = 0; i < n; i++)
		h = model_name_hash_step(h, ntfs_upcase_char(uc, u[i]));
	return h;
}

/* Mixes a directory into a name hash so equal names in different directories spread out, and maps the
 * mix onto [0, size) by multiplying (the table need not be a power of two). */
static size_t slot_of(uint32_t dir, uint32_t hash, size_t size)
{
	uint64_t k = ((uint64_t)dir * 0x9E3779B97F4A7C15ULL) ^ hash;
	k ^= k >> 29;
	k *= 0xBF58476D1CE4E5B9ULL;
	k ^= k >> 32;
	return (size_t)(((unsigned __int128)k * size) >> 64);
}

uint32_t name_index_listed_dir(const model *m, const name_info *ni)
{
	uint32_t d;
	if (ni->owner == MODEL_NONE || ni->owner >= m->count || m->recs[ni->owner].state != REC_OK)
		return PATHS_ORPHAN;
	if (paths_check_parent(m, ni, &d) != PARENT_OK || d == ni->owner)
		return PATHS_ORPHAN;
	return d;
}

/* Puts name i, listed under dir with hash, at the head of its bucket's chain. */
static void insert(name_index *ix, uint32_t i, uint32_t dir, uint32_t hash)
{
	size_t s = slot_of(dir, hash, ix->size);
	ix->next[i] = ix->slots[s];
	ix->slots[s] = i;
}

/* The hashes of every name: the scan's, taken from the model, or computed from the UTF-8 names. */
static uint32_t *take_hashes(model *m)
{
	size_t n = m->names.count;
	if (m->name_hashes.count == n && n) {
		uint32_t *h = m->name_hashes.data;
		vec_init(&m->name_hashes, sizeof(uint32_t)); /* the index owns it now */
		return h;
	}
	vec_free(&m->name_hashes);
	uint32_t *h = malloc((n ? n : 1) * sizeof(uint32_t));
	uint16_t *units = h ? malloc(MAX_UNITS * sizeof(uint16_t)) : NULL;
	if (!units) {
		free(h);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		const name_info *ni = model_name(m, (uint32_t)i);
		size_t u = ntfs_utf8_to_utf16(model_name_str(m, ni), ni->len, units, MAX_UNITS);
		h[i] = hash_units(m->vol->upcase, units, u < MAX_UNITS ? u : MAX_UNITS);
	}
	free(units);
	return h;
}

ntfs_status name_index_build(name_index *ix, model *m, ntfs_error *err)
{
	size_t n = m->names.count, size = n / NAMES_PER_BUCKET + 16;
	memset(ix, 0, sizeof(*ix));
	ix->m = m;
	ix->slots = malloc(size * sizeof(uint32_t));
	/* the chains are written over the hashes: name i's hash is read once, just before its next is written (a
	 * lookup compares names, not hashes), so the index holds 4 bytes per name beside its buckets, not 8 */
	uint32_t *hash = ix->slots ? take_hashes(m) : NULL;
	ix->next = hash;
	if (!hash) {
		name_index_free(ix);
		return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory indexing %zu names", n);
	}
	memset(ix->slots, 0xFF, size * sizeof(uint32_t));
	ix->size = size;
	ix->count = n;
	/* chains are built by pushing at the head: deleted names last to first, then allocated ones, so
	 * each chain (and the names of one directory and name in it) reads allocated names in name order, then
	 * deleted ones in name order; a name's hash stays until the pass that places it (or leaves it out) */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = n; i-- > 0;) {
			const name_info *ni = model_name(m, (uint32_t)i);
			if (ni->owner == MODEL_NONE || ni->owner >= m->count) {
				ix->next[i] = MODEL_NONE;
				continue;
			}
			bool in_use = m->recs[ni->owner].flags & REC_IN_USE;
			if (in_use == (pass == 0))
				continue;
			uint32_t dir = name_index_listed_dir(m, ni);
			if (dir != PATHS_ORPHAN)
				insert(ix, (uint32_t)i, dir, hash[i]); /* reads hash[i], then writes next[i] */
			else
				ix->next[i] = MODEL_NONE;
		}
	return NTFS_OK;
}

void name_index_free(name_index *ix)
{
	free(ix->slots);
	free(ix->next);
	memset(ix, 0, sizeof(*ix));
}

size_t name_index_bytes(const name_index *ix)
{
	return (ix->size + ix->count) * sizeof(uint32_t);
}

uint32_t name_index_parent(const name_index *ix, uint32_t i)
{
	return i < ix->count ? name_index_listed_dir(ix->m, model_name(ix->m, i)) : PATHS_ORPHAN;
}

uint32_t name_index_root(const name_index *ix)
{
	const model *m = ix->m;
	if (!m || !model_in_use(m, NTFS_ROOT_RECORD) || !(m->recs[NTFS_ROOT_RECORD].flags & REC_DIR))
		return MODEL_NONE;
	return NTFS_ROOT_RECORD;
}

/* Compares two UTF-16 strings through the volume's $UpCase. */
static bool same_name(const ntfs_upcase *uc, const uint16_t *a, size_t an, const uint16_t *b, size_t bn)
{
	return ntfs_upcase_compare(uc, a, an, b, bn) == 0;
}

/* A name looked for: its UTF-16 units and hash. */
typedef struct {
	uint16_t units[MAX_UNITS];
	size_t n;
	uint32_t hash;
} wanted;

/* Prepares a UTF-8 name for lookups; false when no NTFS name can match it (over 255 units). */
static bool wanted_init(const name_index *ix, const char *name, size_t len, wanted *w)
{
	w->n = ntfs_utf8_to_utf16(name, len, w->units, MAX_UNITS);
	if (w->n > 255 || !ix->slots)
		return false;
	w->hash = hash_units(ix->m->vol->upcase, w->units, w->n);
	return true;
}

/*
 * The first name at or after chain position i that is called w in directory dir, or MODEL_NONE. A name in the
 * index is listed under its parent record (name_index_listed_dir of an indexed name is never PATHS_ORPHAN), so
 * its directory is compared by its parent reference without looking the record up.
 */
static uint32_t chain_match(const name_index *ix, uint32_t i, uint32_t dir, const wanted *w)
{
	const model *m = ix->m;
	const ntfs_upcase *uc = m->vol->upcase;
	uint16_t have[MAX_UNITS];
	for (; i != MODEL_NONE; i = ix->next[i]) {
		const name_info *ni = model_name(m, i);
		if (ni->units != w->n || ntfs_ref_record(ni->parent_ref) != dir)
			continue;
		size_t hn = ntfs_utf8_to_utf16(model_name_str(m, ni), ni->len, have, MAX_UNITS);
		if (hn <= MAX_UNITS && same_name(uc, w->units, w->n, have, hn))
			return i;
	}
	return MODEL_NONE;
}

/* The head of the chain of the bucket of w under dir, or MODEL_NONE. */
static uint32_t chain_head(const name_index *ix, uint32_t dir, const wanted *w)
{
	return ix->slots[slot_of(dir, w->hash, ix->size)];
}

size_t name_index_find(const name_index *ix, uint32_t dir, const char *name, size_t len, uint32_t *out, size_t cap)
{
	wanted w;
	size_t found = 0;
	if (!wanted_init(ix, name, len, &w))
		return 0;
	for (uint32_t i = chain_match(ix, chain_head(ix, dir, &w), dir, &w); i != MODEL_NONE && found < cap;
	     i = chain_match(ix, ix->next[i], dir, &w))
		out[found++] = i;
	return found;
}

uint32_t name_index_dir(const name_index *ix, const char *path)
{
	const model *m = ix->m;
	uint32_t dir = name_index_root(ix);
	const char *s = path ? path : "";
	wanted w;
	while (dir != MODEL_NONE) {
		while (*s == '\\' || *s == '/')
			s++;
		size_t n = strcspn(s, "\\/");
		if (n == 0)
			return dir;
		uint32_t next = MODEL_NONE;
		if (wanted_init(ix, s, n, &w))
			for (uint32_t i = chain_match(ix, chain_head(ix, dir, &w), dir, &w); i != MODEL_NONE;
			     i = chain_match(ix, ix->next[i], dir, &w)) {
				uint32_t owner = model_name(m, i)->owner;
				if (model_in_use(m, owner) && (m->recs[owner].flags & REC_DIR)) {
					next = owner;
					break;
				}
				if (!model_in_use(m, owner))
					break; /* deleted names follow the allocated ones: no allocated match left */
			}
		dir = next;
		s += n;
	}
	return MODEL_NONE;
}
