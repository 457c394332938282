/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"
#include "model.h"

#include <stdlib.h>
#include <stddef.h>
#include <string.h>

#include "file_name.h"
#include "std_info.h"

_Static_assert(sizeof(rec_info) == 20, "rec_info: one per MFT record, 20 bytes (issue 15)");
_Static_assert(sizeof(name_info) == 20, "name_info: one per name, 20 bytes (issue 15)");

void model_init(model *m, volume *vol)
{
	memset(m, 0, sizeof(*m));
	m->vol = vol;
	vec_init(&m->names, sizeof(name_info));
	vec_init(&m->name_hashes, sizeof(uint32_t));
	vec_init(&m->reparse, sizeof(reparse_raw));
	vec_init(&m->reparse_of, sizeof(rec_reparse));
	vec_init(&m->ext_base, sizeof(rec_base));
	vec_init(&m->owner_runs, sizeof(owner_run));
	vec_init(&m->owner_late, sizeof(owner_run));
	vec_init(&m->link_si, 4 * sizeof(uint64_t));
	vec_init(&m->link_si_recs, sizeof(uint32_t));
	vec_init(&m->own_sd, sizeof(rec_sd));
	vec_init(&m->sd_attrs_of, sizeof(rec_sd));
	vec_init(&m->sizes_kept, sizeof(rec_sizes_kept));
	vec_init(&m->streams, sizeof(stream_info));
	vec_init(&m->fn_times, 4 * sizeof(uint64_t));
	vec_init(&m->fn_names, sizeof(uint32_t));
	vec_init(&m->fn_times_all, 4 * sizeof(uint64_t));
	anomaly_list_init(&m->anomalies);
}

void model_free(model *m)
{
	free(m->recs);
	free(m->name_order);
	free(m->si_times);
	free(m->sizes);
	vec_free(&m->sizes_kept);
	vec_free(&m->link_si);
	vec_free(&m->link_si_recs);
	vec_free(&m->own_sd);
	model_sd_attrs_free(m);
	vec_free(&m->fn_times);
	vec_free(&m->fn_names);
	vec_free(&m->fn_times_all);
	vec_free(&m->names);
	vec_free(&m->name_hashes);
	vec_free(&m->reparse);
	vec_free(&m->reparse_of);
	vec_free(&m->ext_base);
	vec_free(&m->owner_runs);
	vec_free(&m->owner_late);
	vec_free(&m->streams);
	arena_free(&m->strings);
	arena_free(&m->late);
	anomaly_list_free(&m->anomalies);
	memset(m, 0, sizeof(*m));
}

/* The element of side table v, kept in the order of its uint32_t key at byte offset key_off (a record or a
 * name number), whose key is key; NULL when none. */
static inline const void *side_find(const vec *v, size_t key_off, uint32_t key)
{
	size_t lo = 0, hi = v->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *e = (const char *)v->data + mid * v->elem;
		uint32_t k;
		memcpy(&k, e + key_off, sizeof(k));
		if (k == key)
			return e;
		if (k < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The key of element i of side table v (side_find). */
static inline uint32_t side_key(const vec *v, size_t key_off, size_t i)
{
	uint32_t k;
	memcpy(&k, (const char *)v->data + i * v->elem + key_off, sizeof(k));
	return k;
}

/*
 * side_find, starting at *hint (where the calling thread's last search of this accessor ended; any value):
 * from there it gallops toward key, then searches the bracket it found in halves, so the lookups of the
 * writers and passes that ask in record or name order cost a probe or two, not a search of the whole table.
 * *hint becomes where this search ended. The answer is side_find's whatever *hint holds.
 */
static inline const void *side_find_near(const vec *v, size_t key_off, uint32_t key, size_t *hint)
{
	size_t n = v->count, lo = 0, hi = n, h = *hint;
	if (h < n) {
		uint32_t k = side_key(v, key_off, h);
		if (k == key)
			return (const char *)v->data + h * v->elem;
		if (k < key) { /* key lies in (h, n): widen the step until a key at or past it bounds the bracket */
			lo = h + 1;
			for (size_t step = 1;; step *= 2) {
				if (step >= n - h)
					break;
				size_t p = h + step;
				if (side_key(v, key_off, p) >= key) {
					hi = p + 1;
					break;
				}
				lo = p + 1;
			}
		} else { /* key lies in [0, h) */
			hi = h;
			for (size_t step = 1;; step *= 2) {
				if (step > h)
					break;
				size_t p = h - step;
				if (side_key(v, key_off, p) <= key) {
					lo = p;
					break;
				}
				hi = p;
			}
		}
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint32_t k = side_key(v, key_off, mid);
		if (k == key) {
			*hint = mid;
			return (const char *)v->data + mid * v->elem;
		}
		if (k < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	*hint = lo;
	return NULL;
}

/* Where each thread's last lookup of model_si_times, model_name_times and model_sizes ended (side_find_near). */
static _Thread_local size_t si_hint, fn_hint, sizes_hint;

uint32_t model_rec_base(const model *m, uint32_t r)
{
	if (r >= m->count || !(m->recs[r].flags & REC_EXTENSION))
		return MODEL_NONE;
	const rec_base *e = side_find(&m->ext_base, offsetof(rec_base, record), r);
	return e ? e->base : MODEL_NONE;
}

bool model_set_base(model *m, uint32_t r, uint32_t base)
{
	size_t at = m->ext_base.count; /* where r goes in record order */
	while (at && VEC_AT(&m->ext_base, rec_base, at - 1).record >= r)
		at--;
	if (at < m->ext_base.count && VEC_AT(&m->ext_base, rec_base, at).record == r) {
		VEC_AT(&m->ext_base, rec_base, at).base = base;
	} else {
		if (!vec_push(&m->ext_base))
			return false;
		rec_base *e = m->ext_base.data;
		memmove(&e[at + 1], &e[at], (m->ext_base.count - 1 - at) * sizeof(*e));
		e[at] = (rec_base){.record = r, .base = base};
	}
	m->recs[r].flags |= REC_EXTENSION;
	return true;
}

/* The owner offset of the run in runs (owner_run, in record order) that holds record r, or MODEL_NONE. */
static uint32_t owner_in(const vec *runs, uint32_t r)
{
	const owner_run *e = runs->data;
	size_t lo = 0, hi = runs->count; /* the first run that ends at or after r */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (e[mid].last < r)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < runs->count && e[lo].first <= r ? e[lo].off : MODEL_NONE;
}

uint32_t model_own_owner(const model *m, uint32_t r)
{
	uint32_t off = owner_in(&m->owner_runs, r);
	return off != MODEL_NONE || !m->owner_late.count ? off : owner_in(&m->owner_late, r);
}

bool model_set_owner_late(model *m, uint32_t r, uint32_t off)
{
	owner_run *e = vec_push(&m->owner_late);
	if (!e)
		return false;
	*e = (owner_run){.first = r, .last = r, .off = off};
	return true;
}

const uint64_t *model_si_times(const model *m, uint32_t r)
{
	if (r >= m->count || !(m->recs[r].flags & REC_HAS_SI))
		return NULL;
	if (m->si_times)
		return &m->si_times[4 * (size_t)r];
	const uint32_t *e = side_find_near(&m->link_si_recs, 0, r, &si_hint);
	return e ? &((const uint64_t *)m->link_si.data)[4 * (size_t)(e - (const uint32_t *)m->link_si_recs.data)] : NULL;
}

const uint64_t *model_name_times(const model *m, const name_info *n)
{
	static const uint64_t unknown[4] = {0, 0, 0, 0};
	size_t i = (size_t)(n - (const name_info *)m->names.data);
	if (m->fn_times_all.count)
		return i < m->fn_times_all.count ? &((const uint64_t *)m->fn_times_all.data)[4 * i] : unknown;
	if (i > UINT32_MAX)
		return unknown;
	const uint32_t *e = side_find_near(&m->fn_names, 0, (uint32_t)i, &fn_hint);
	return e ? &((const uint64_t *)m->fn_times.data)[4 * (size_t)(e - (const uint32_t *)m->fn_names.data)] : unknown;
}

const rec_sizes *model_sizes(const model *m, uint32_t r)
{
	static const rec_sizes none;
	if (r >= m->count)
		return &none;
	if (m->sizes)
		return &m->sizes[r];
	const rec_sizes_kept *e = side_find_near(&m->sizes_kept, offsetof(rec_sizes_kept, record), r, &sizes_hint);
	return e ? &e->s : &none;
}

size_t model_add_late(model *m, const void *p, size_t n)
{
	size_t off = arena_add(&m->late, p, n);
	return off == SIZE_MAX || off > SIZE_MAX - m->strings.len - 1 ? SIZE_MAX : m->strings.len + off;
}

/* The bytes at offset off: in strings, or in late past its end (model_add_late). */
static const char *model_bytes(const model *m, uint64_t off)
{
	return off < m->strings.len ? m->strings.data + off : m->late.data + (off - m->strings.len);
}

const uint8_t *model_own_sd(const model *m, uint32_t r, size_t *len)
{
	const rec_sd *e = side_find(&m->own_sd, offsetof(rec_sd, record), r);
	if (!e)
		return NULL;
	*len = e->len;
	return (const uint8_t *)model_bytes(m, e->off);
}

const uint8_t *model_sd_attrs(const model *m, uint32_t r, size_t *len)
{
	const rec_sd *e = side_find(&m->sd_attrs_of, offsetof(rec_sd, record), r);
	if (!e)
		return NULL;
	*len = e->len;
	return (const uint8_t *)m->sd_attrs.data + e->off;
}

void model_own_sd_free(model *m)
{
	vec_free(&m->own_sd);
}

void model_sd_attrs_free(model *m)
{
	vec_free(&m->sd_attrs_of);
	arena_free(&m->sd_attrs);
}

/* Decides whether extension record r really belongs to the base record it names. */
static bool extension_accepted(model *m, uint32_t r)
{
	rec_info *e = &m->recs[r];
	uint32_t base = model_rec_base(m, r);
	if (base >= m->count || base == r)
		return false;
	rec_info *b = &m->recs[base];
	if (b->state != REC_OK || (b->flags & REC_EXTENSION))
		return false;
	bool e_use = e->flags & REC_IN_USE, b_use = b->flags & REC_IN_USE;
	if (e_use != b_use)
		return false;
	/* a freed base record's sequence has moved on by one; its extensions keep the old one */
	return e->base_seq == b->sequence || (!b_use && (uint16_t)(e->base_seq + 1) == b->sequence);
}

/* The sizes sizes_kept holds for record r, or NULL. */
static const rec_sizes *model_sizes_kept_find(const model *m, uint32_t r)
{
	const rec_sizes_kept *e = side_find(&m->sizes_kept, offsetof(rec_sizes_kept, record), r);
	return e ? &e->s : NULL;
}

/* Orders rec_sizes_kept by record. */
static int sizes_kept_cmp(const void *x, const void *y)
{
	const rec_sizes_kept *a = x, *b = y;
	return a->record < b->record ? -1 : a->record > b->record;
}

/* Without the table of every record's sizes: gives sizes_kept an entry (all zero) for each base record that an
 * accepted extension with sizes folds into and that has none, so merge_extensions finds both. */
static ntfs_status sizes_make_bases(model *m, ntfs_error *err)
{
	size_t sorted = m->sizes_kept.count;
	for (uint64_t r = 0; r < m->count && !m->sizes; r++) {
		const rec_info *e = &m->recs[r];
		vec prefix = m->sizes_kept; /* the entries in record order (those pushed below come after) */
		prefix.count = sorted;
		if (e->state != REC_OK || !(e->flags & REC_EXTENSION) ||
		    !side_find(&prefix, offsetof(rec_sizes_kept, record), (uint32_t)r) || !extension_accepted(m, (uint32_t)r))
			continue;
		uint32_t base = model_rec_base(m, (uint32_t)r);
		if (side_find(&prefix, offsetof(rec_sizes_kept, record), base))
			continue;
		rec_sizes_kept *k = vec_push(&m->sizes_kept);
		if (!k)
			return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory for the sizes of record %llu",
					      (unsigned long long)base);
		memset(k, 0, sizeof(*k));
		k->record = base;
	}
	if (m->sizes_kept.count == sorted)
		return NTFS_OK;
	vec_sort(&m->sizes_kept, sizes_kept_cmp); /* a base with several extensions got one (zero) entry from each */
	size_t kept = 0;
	for (size_t i = 0; i < m->sizes_kept.count; i++)
		if (!kept || VEC_AT(&m->sizes_kept, rec_sizes_kept, kept - 1).record != VEC_AT(&m->sizes_kept, rec_sizes_kept, i).record)
			VEC_AT(&m->sizes_kept, rec_sizes_kept, kept++) = VEC_AT(&m->sizes_kept, rec_sizes_kept, i);
	m->sizes_kept.count = kept;
	return NTFS_OK;
}

/* Folds the facts of accepted extension records into their base; rejects the others as anomalies. */
static void merge_extensions(model *m)
{
	for (uint64_t r = 0; r < m->count; r++) {
		rec_info *e = &m->recs[r];
		if (e->state != REC_OK || !(e->flags & REC_EXTENSION))
			continue;
		uint32_t base = model_rec_base(m, (uint32_t)r);
		uint16_t sd_in_ext = e->flags & REC_SD_IN_EXT; /* the extension's own: from here on a base's flag */
		e->flags &= (uint16_t)~REC_SD_IN_EXT;
		if (!extension_accepted(m, (uint32_t)r)) {
			/* a base past the table was reported by the scan, with the reference as stored */
			if ((e->flags & REC_IN_USE) && base < m->count)
				anomaly_add(&m->anomalies, "orphan_extension", r,
					    "extension record names base record %llu (sequence %u), which does not claim it",
					    (unsigned long long)base, e->base_seq);
			continue;
		}
		e->flags |= REC_EXT_VALID;
		rec_info *b = &m->recs[base];
		rec_sizes *bs = NULL, *es = NULL;
		if (m->sizes) {
			bs = &m->sizes[base];
			es = &m->sizes[r];
		} else if ((es = (rec_sizes *)model_sizes_kept_find(m, (uint32_t)r))) {
			bs = (rec_sizes *)model_sizes_kept_find(m, base); /* made by sizes_make_bases */
		}
		if (bs && es) {
			if ((e->flags & REC_HAS_DATA) && !(b->flags & REC_HAS_DATA)) {
				bs->data_size = es->data_size;
				bs->allocated_size = es->allocated_size;
			}
			bs->disk_size += es->disk_size; /* the unnamed $DATA's or WofCompressedData's first extent */
		}
		if (e->flags & REC_HAS_DATA)
			b->flags |= REC_HAS_DATA;
		b->flags |= (e->flags & (REC_HAS_REPARSE | REC_SD_NOT_IN_MFT)) | sd_in_ext;
	}
}

/*
 * Hard-link sets (in-use base records with several link names) whose owner cannot be known because
 * their descriptor's data is not in the extracted $MFT: an anomaly each, so no owner is left unexplained.
 */
static void note_owners_not_in_mft(model *m)
{
	for (uint64_t r = 0; r < m->count; r++) {
		const rec_info *ri = &m->recs[r];
		if ((ri->flags & REC_SD_NOT_IN_MFT) && ri->link_names > 1 && model_in_use(m, r))
			anomaly_add(&m->anomalies, "security_descriptor_unavailable", r,
				    "$SECURITY_DESCRIPTOR is non-resident and an extracted $MFT holds no data clusters: "
				    "the owner is unknown");
	}
}

/* The record that owns names held by record r: its base when r is an accepted extension. */
static uint32_t owner_of(const model *m, uint32_t r)
{
	return (m->recs[r].flags & REC_EXT_VALID) ? model_rec_base(m, r) : r;
}

/*
 * Groups names by owner record, in name order within an owner. A record whose names follow one another in
 * model.names (all but those an extension record's names joined) points at its first; the others get slots in
 * model.name_order (a counting sort of their names only).
 */
static ntfs_status group_names(model *m, ntfs_error *err)
{
	enum { SEEN = 0x8000 }; /* a rec_info.flags bit used only here */
	size_t n = m->names.count;
	if (n >= MODEL_NONE)
		return ntfs_error_set(err, NTFS_E_RANGE, "%zu names: more than this tool can index", n);
	for (uint64_t r = 0; r < m->count; r++) {
		m->recs[r].name_count = m->recs[r].link_names = 0;
		m->recs[r].flags &= (uint16_t)~(REC_NAMES_APART | SEEN);
	}
	for (size_t i = 0; i < n; i++) {
		name_info *ni = model_name(m, (uint32_t)i);
		ni->owner = owner_of(m, ni->owner); /* the record holding it becomes its base */
		rec_info *ri = &m->recs[ni->owner];
		if (ri->name_count == UINT16_MAX) {
			ni->owner = MODEL_NONE; /* hostile: more names than a header can count */
			continue;
		}
		if (!(ri->flags & SEEN)) {
			ri->flags |= SEEN;
			ri->name_first = (uint32_t)i;
		} else if (ri->name_first + ri->name_count != i) {
			ri->flags |= REC_NAMES_APART;
		}
		ri->name_count++;
		if (model_name_is_link(ni))
			ri->link_names++;
	}
	size_t apart = 0;
	for (uint64_t r = 0; r < m->count; r++) {
		rec_info *ri = &m->recs[r];
		if (!(ri->flags & SEEN))
			ri->name_first = 0;
		ri->flags &= (uint16_t)~SEEN;
		if (ri->flags & REC_NAMES_APART) {
			ri->name_first = (uint32_t)apart;
			apart += ri->name_count;
			ri->name_count = 0; /* counted again as the slots fill */
		}
	}
	free(m->name_order);
	m->name_order = malloc((apart ? apart : 1) * sizeof(uint32_t));
	if (!m->name_order)
		return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory grouping %zu names", apart);
	m->name_order_count = apart;
	for (size_t i = 0; i < n && apart; i++) {
		const name_info *ni = model_name(m, (uint32_t)i);
		if (ni->owner == MODEL_NONE || !(m->recs[ni->owner].flags & REC_NAMES_APART))
			continue;
		rec_info *ri = &m->recs[ni->owner];
		m->name_order[ri->name_first + ri->name_count++] = (uint32_t)i;
	}
	return NTFS_OK;
}

/* Orders rec_reparse by record, then index. */
static int reparse_of_cmp(const void *x, const void *y)
{
	const rec_reparse *a = x, *b = y;
	if (a->record != b->record)
		return a->record < b->record ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

/* Points each base record at its $REPARSE_POINT data (its own or an accepted extension's: the first in model.reparse). */
static ntfs_status link_reparse(model *m, ntfs_error *err)
{
	vec_free(&m->reparse_of);
	if (vec_reserve(&m->reparse_of, m->reparse.count))
		return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory for %zu reparse points", m->reparse.count);
	for (size_t i = 0; i < m->reparse.count; i++) {
		rec_reparse *e = vec_push(&m->reparse_of); /* reserved: cannot fail */
		e->record = owner_of(m, VEC_AT(&m->reparse, reparse_raw, i).record);
		e->index = (uint32_t)i;
	}
	vec_sort(&m->reparse_of, reparse_of_cmp);
	size_t kept = 0;
	for (size_t i = 0; i < m->reparse_of.count; i++) /* one per record: the first */
		if (!kept || VEC_AT(&m->reparse_of, rec_reparse, kept - 1).record != VEC_AT(&m->reparse_of, rec_reparse, i).record)
			VEC_AT(&m->reparse_of, rec_reparse, kept++) = VEC_AT(&m->reparse_of, rec_reparse, i);
	m->reparse_of.count = kept;
	return NTFS_OK;
}

uint32_t model_reparse_of(const model *m, uint32_t r)
{
	if (r >= m->count || !(m->recs[r].flags & REC_HAS_REPARSE))
		return MODEL_NONE; /* a record a $REPARSE_POINT belongs to has the flag (merge_extensions gives it the base) */
	const rec_reparse *e = side_find(&m->reparse_of, offsetof(rec_reparse, record), r);
	return e ? e->index : MODEL_NONE;
}

/* Orders named streams by base record, then name (qsort has no context: the strings, per thread). */
static _Thread_local const model *stream_model;
static int stream_cmp(const void *x, const void *y)
{
	const stream_info *a = x, *b = y;
	if (a->record != b->record)
		return a->record < b->record ? -1 : 1;
	return strcmp(stream_model->strings.data + a->str, stream_model->strings.data + b->str);
}

/* Gives each named stream its base record (an extension record's stream belongs to its base) and sorts them. */
static void settle_streams(model *m)
{
	for (size_t i = 0; i < m->streams.count; i++) {
		stream_info *s = &VEC_AT(&m->streams, stream_info, i);
		s->record = owner_of(m, s->record);
	}
	stream_model = m;
	vec_sort(&m->streams, stream_cmp);
}

/* True when the sizes of record r may be shown without want_sizes: a hard-link set's (more than one link name,
 * in use or not) or a record with the system flag (a POSIX link candidate reads its data size). */
static bool sizes_shown(const model *m, uint64_t r)
{
	const rec_info *ri = &m->recs[r];
	return ri->link_names > 1 || ((ri->flags & REC_HAS_SI) && (ri->std_attrs & REC_FA_SYSTEM));
}

/* Without want_sizes: moves the non-zero sizes of the records that may show them into sizes_kept (a few per
 * cent of the records) and frees the table of every record's (24 bytes each). */
static ntfs_status keep_sizes(model *m, ntfs_error *err)
{
	if (!m->sizes && !m->want_sizes) { /* the scan kept the candidates' only (mft_scan): keep those shown */
		size_t kept = 0;
		for (size_t i = 0; i < m->sizes_kept.count; i++) {
			const rec_sizes_kept *k = &VEC_AT(&m->sizes_kept, rec_sizes_kept, i);
			if ((k->s.data_size | k->s.allocated_size | k->s.disk_size) && k->record < m->count &&
			    sizes_shown(m, k->record))
				VEC_AT(&m->sizes_kept, rec_sizes_kept, kept++) = *k;
		}
		m->sizes_kept.count = kept;
		return NTFS_OK;
	}
	if (!m->sizes || m->want_sizes)
		return NTFS_OK;
	size_t n = 0;
	for (uint64_t r = 0; r < m->count; r++) {
		const rec_sizes *s = &m->sizes[r];
		n += (s->data_size | s->allocated_size | s->disk_size) && sizes_shown(m, r);
	}
	vec_free(&m->sizes_kept);
	if (vec_reserve(&m->sizes_kept, n))
		return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory keeping the sizes of %zu records", n);
	for (uint64_t r = 0; r < m->count; r++) {
		const rec_sizes *s = &m->sizes[r];
		if (!(s->data_size | s->allocated_size | s->disk_size) || !sizes_shown(m, r))
			continue;
		rec_sizes_kept *k = vec_push(&m->sizes_kept); /* reserved: cannot fail */
		k->s = *s;
		k->record = (uint32_t)r;
	}
	free(m->sizes);
	m->sizes = NULL;
	return NTFS_OK;
}

/* The tables the scan filled are done growing (own_sd grows again only with access_preload's entries, and those
 * pages come back as it writes them): the tails of their last huge pages are given back (arena_release_tail). */
static void release_tails(model *m)
{
	vec_release_tail(&m->names);
	vec_release_tail(&m->name_hashes);
	arena_release_tail(m->strings.data, m->strings.len + 1);
	vec_release_tail(&m->reparse);
	vec_release_tail(&m->fn_times);
	vec_release_tail(&m->fn_names);
	vec_release_tail(&m->fn_times_all);
	vec_release_tail(&m->link_si);
	vec_release_tail(&m->link_si_recs);
	vec_release_tail(&m->sizes_kept);
	vec_release_tail(&m->own_sd);
	vec_release_tail(&m->ext_base);
	vec_release_tail(&m->owner_runs);
	vec_release_tail(&m->reparse_of);
	vec_release_tail(&m->streams);
}

ntfs_status model_merge(model *m, ntfs_error *err)
{
	ntfs_status st = sizes_make_bases(m, err);
	if (st != NTFS_OK)
		return st;
	merge_extensions(m);
	st = link_reparse(m, err);
	if (st != NTFS_OK)
		return st;
	settle_streams(m);
	st = group_names(m, err);
	if (st == NTFS_OK)
		note_owners_not_in_mft(m);
	if (st == NTFS_OK)
		st = keep_sizes(m, err);
	if (st == NTFS_OK)
		release_tails(m);
	return st;
}

const char *model_owner_sid(const model *m, uint32_t r)
{
	const rec_info *ri = &m->recs[r];
	const char *sid = ri->security_id && m->vol ? volume_owner_sid(m->vol, ri->security_id) : NULL;
	if (sid)
		return sid;
	uint32_t off = model_own_owner(m, r);
	return off != MODEL_NONE ? model_bytes(m, off) : NULL;
}

const name_info *model_dos_alias(const model *m, uint32_t r, const name_info *n)
{
	if (n->ns != NTFS_NS_WIN32)
		return NULL;
	for (uint32_t k = 0; k < m->recs[r].name_count; k++) {
		const name_info *d = model_record_name(m, r, k);
		if (!model_name_is_link(d) && d->parent_ref == n->parent_ref)
			return d;
	}
	return NULL;
}

const name_info *model_primary_name(const model *m, uint32_t r)
{
	uint32_t k = 0;
	const name_info *n = model_link_next(m, r, &k);
	if (n || !m->recs[r].name_count)
		return n;
	return model_record_name(m, r, m->recs[r].name_count - 1); /* only DOS names: the last, as before */
}
