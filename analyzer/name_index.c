/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"
#include "name_index.h"

#include <stdlib.h>
#include <string.h>

#include "utf16.h"

#define MAX_UNITS 1024

/* Hash of a host-order UTF-16 name; the same as the scan stores for each name. */
static uint32_t hash_units(const ntfs_upcase *uc, const uint16_t *u, size_t n)
{
	uint32_t h = MODEL_NAME_HASH_SEED;
	for (size_t i = 0; i < n; i++)
		h = model_name_hash_step(h, ntfs_upcase_char(uc, u[i]));
	return h;
}

/* Mixes a directory into a name hash so equal names in different directories spread out. */
static size_t slot_of(uint32_t dir, uint32_t hash, size_t mask)
{
	uint64_t k = ((uint64_t)dir * 0x9E3779B97F4A7C15ULL) ^ hash;
	k ^= k >> 29;
	return (size_t)(k * 0xBF58476D1CE4E5B9ULL >> 17) & mask;
}

ntfs_status name_index_build(name_index *ix, const model *m, ntfs_error *err)
{
	size_t n = m->names.count, size = 16;
	memset(ix, 0, sizeof(*ix));
	ix->m = m;
	while (size < 2 * n)
		size *= 2;
	ix->slots = malloc(size * sizeof(uint32_t));
	ix->dir = malloc((n ? n : 1) * sizeof(uint32_t));
	if (!ix->slots || !ix->dir) {
		name_index_free(ix);
		return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory indexing %zu names", n);
	}
	memset(ix->slots, 0xFF, size * sizeof(uint32_t));
	ix->mask = size - 1;
	/* insert allocated names first so lookups meet them before deleted ones */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < n; i++) {
			const name_info *ni = model_name(m, (uint32_t)i);
			if (ni->owner == MODEL_NONE || m->recs[ni->owner].state != REC_OK)
				continue;
			bool in_use = m->recs[ni->owner].flags & REC_IN_USE;
			if (in_use != (pass == 0))
				continue;
			uint32_t d;
			if (paths_check_parent(m, ni, &d) != PARENT_OK)
				d = PATHS_ORPHAN;
			ix->dir[i] = d;
			if (d == PATHS_ORPHAN || ni->owner == d)
				continue;
			size_t s = slot_of(d, ni->hash, ix->mask);
			while (ix->slots[s] != MODEL_NONE)
				s = (s + 1) & ix->mask;
			ix->slots[s] = (uint32_t)i;
		}
	return NTFS_OK;
}

void name_index_free(name_index *ix)
{
	free(ix->slots);
	free(ix->dir);
	memset(ix, 0, sizeof(*ix));
}

/* Compares two UTF-16 strings through the volume's $UpCase. */
static bool same_name(const ntfs_upcase *uc, const uint16_t *a, size_t an, const uint16_t *b, size_t bn)
{
	return ntfs_upcase_compare(uc, a, an, b, bn) == 0;
}

size_t name_index_find(const name_index *ix, uint32_t dir, const char *name, size_t len, uint32_t *out, size_t cap)
{
	const model *m = ix->m;
	const ntfs_upcase *uc = m->vol->upcase;
	uint16_t want[MAX_UNITS], have[MAX_UNITS];
	size_t wn = ntfs_utf8_to_utf16(name, len, want, MAX_UNITS), found = 0;
	if (wn > 255 || !ix->slots)
		return 0; /* no NTFS name is longer than 255 units */
	uint32_t h = hash_units(uc, want, wn);
	for (size_t s = slot_of(dir, h, ix->mask); ix->slots[s] != MODEL_NONE; s = (s + 1) & ix->mask) {
		uint32_t i = ix->slots[s];
		const name_info *ni = model_name(m, i);
		if (ix->dir[i] != dir || ni->hash != h || ni->units != wn)
			continue;
		size_t hn = ntfs_utf8_to_utf16(model_name_str(m, ni), ni->len, have, MAX_UNITS);
		if (hn > MAX_UNITS || !same_name(uc, want, wn, have, hn))
			continue;
		if (found < cap)
			out[found] = i;
		found++;
	}
	return found;
}

uint32_t name_index_dir(const name_index *ix, const char *path)
{
	const model *m = ix->m;
	uint32_t dir = NTFS_ROOT_RECORD, found[8];
	const char *s = path ? path : "";
	for (;;) {
		while (*s == '\\' || *s == '/')
			s++;
		size_t n = strcspn(s, "\\/");
		if (n == 0)
			return dir;
		size_t k = name_index_find(ix, dir, s, n, found, 8);
		uint32_t next = MODEL_NONE;
		for (size_t i = 0; i < k && i < 8; i++) {
			uint32_t owner = model_name(m, found[i])->owner;
			if (model_in_use(m, owner) && (m->recs[owner].flags & REC_DIR))
				next = owner;
		}
		if (next == MODEL_NONE)
			return MODEL_NONE;
		dir = next;
		s += n;
	}
}
