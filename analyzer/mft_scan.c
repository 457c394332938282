/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"
#include "mft_scan.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attribute.h"
#include "file_name.h"
#include "le.h"
#include "par.h"
#include "profile.h"
#include "record.h"
#include "security.h"
#include "std_info.h"
#include "utf16.h"

#define CHUNK_BYTES (4u << 20)    /* records are handed out (and merged in order) 4 MiB at a time */
#define BLOCK_BYTES (128u << 10)  /* each worker reads its share in blocks that stay in its cache */
#define FIXUP_STRIDE 512
#define MAX_NAME_UTF8 (255 * 6 + 1)

/* Records lost for one reason, first..first+n-1: one read_error anomaly, whatever the chunks and threads. */
typedef struct {
	uint64_t first, n;
	ntfs_error e;
} lost_range;

/* One worker's share of a chunk and what it found there; merged in order after the chunk. */
typedef struct {
	model *m;
	uint8_t *block;           /* this worker's read buffer (BLOCK_BYTES) */
	uint8_t *chunk;           /* the chunk already read for it (sequential images), or NULL: read blocks */
	uint64_t first;           /* first record of the chunk */
	size_t from, to;          /* records [from, to) of the chunk are this worker's */
	uint64_t lost;            /* records lost to read errors or a short image */
	vec lost_ranges;          /* lost_range, in record order */
	vec *scan_lost;           /* the whole scan's lost_range (shared; only merges touch it) */
	vec names;                /* name_info with str relative to strings */
	vec hashes;               /* uint32_t per name: its hash (model.name_hashes) */
	vec reparse;              /* reparse_raw with data relative to strings */
	vec si;                   /* uint64_t[4]: the $SI times of the link candidates of si_recs */
	vec si_recs;              /* uint32_t: those candidates, in record order */
	vec sd;                   /* rec_sd of the link candidates (off relative to strings), in record order */
	vec bases;                /* rec_base of the extension records, in record order (model.ext_base) */
	vec owners;               /* owner_run (off relative to strings), in record order (model.owner_runs) */
	const uint8_t *cur_sd;    /* the record being parsed: its $SECURITY_DESCRIPTOR's value (resident, unnamed) */
	uint32_t cur_sd_len;
	unsigned cur_sd_count;    /* $SECURITY_DESCRIPTORs it holds */
	vec sd_attrs_of;          /* rec_sd (off relative to sd_attrs) of the candidates own_sd could not keep */
	arena sd_attrs;           /* their $SECURITY_DESCRIPTOR and $ATTRIBUTE_LIST attribute records (keep_sd_attrs) */
	size_t kept_sd;           /* offset in strings of the last descriptor sd kept; SIZE_MAX: none */
	uint32_t kept_sd_len;
	vec fn;                   /* uint64_t[4]: the $FILE_NAME times of the names of fn_names */
	vec fn_names;             /* uint32_t: the names kept (relative to names), in name order */
	vec sizes;                /* rec_sizes_kept of the records whose sizes may be shown (without model.sizes) */
	rec_sizes cur_sizes;      /* the sizes of the record being parsed */
	uint64_t cur_si[4];       /* the $STANDARD_INFORMATION times of the record being parsed */
	vec streams;              /* stream_info with str relative to strings */
	arena strings;
	anomaly_list anomalies;
	size_t last_sid;          /* offset in strings of the last owner SID kept (files share owners) */
	uint8_t last_sd[256];     /* the security descriptor it came from: most files repeat their neighbour's */
	size_t last_sd_len;       /* its length; 0: nothing cached (a descriptor too long to keep, or none) */
	bool nomem;
} worker;

/* Hash of a little-endian UTF-16 name, equal for names NTFS considers equal. */
static uint32_t name_hash(const ntfs_upcase *uc, const uint8_t *name, size_t units)
{
	uint32_t h = MODEL_NAME_HASH_SEED;
	for (size_t i = 0; i < units; i++)
		h = model_name_hash_step(h, ntfs_upcase_char(uc, le16(name + 2 * i)));
	return h;
}

/* Records one $FILE_NAME of record rec. */
static void take_file_name(worker *w, uint32_t rec, const ntfs_attr *a)
{
	ntfs_file_name fn;
	ntfs_error e;
	if (a->non_resident || ntfs_file_name_decode(a->value, a->value_length, &fn, &e) != NTFS_OK) {
		anomaly_add(&w->anomalies, "bad_file_name", rec, "%s",
			    a->non_resident ? "$FILE_NAME is non-resident" : e.reason);
		return;
	}
	char *dst = arena_reserve(&w->strings, MAX_NAME_UTF8);
	uint32_t *h = dst ? vec_push(&w->hashes) : NULL;
	name_info *n = h ? vec_push(&w->names) : NULL;
	if (!n) {
		if (h)
			w->hashes.count--;
		w->nomem = true;
		return;
	}
	size_t need = ntfs_utf16_to_utf8(fn.name, fn.name_length, dst, MAX_NAME_UTF8);
	if (need >= MAX_NAME_UTF8)
		need = MAX_NAME_UTF8 - 1;
	w->strings.len -= MAX_NAME_UTF8 - need - 1; /* keep the name and its NUL */
	n->str = (uint32_t)(dst - w->strings.data); /* a worker's strings are one chunk's: far below 4 GiB */
	n->len = (uint16_t)need;
	n->parent_ref = fn.parent_ref;
	n->owner = rec;
	n->ns = fn.name_space;
	n->units = fn.name_length;
	*h = name_hash(w->m->vol->upcase, fn.name, fn.name_length);
	void *pt, *ptn; /* kept or dropped with its record's others (keep_fn_times) */
	if (!vec_push_pair(&w->fn, &w->fn_names, &pt, &ptn)) {
		w->nomem = true;
		return;
	}
	uint64_t *t = pt;
	uint32_t *tn = ptn;
	t[0] = fn.created;
	t[1] = fn.modified;
	t[2] = fn.mft_modified;
	t[3] = fn.accessed;
	*tn = (uint32_t)(w->names.count - 1);
}

/* Records the raw $REPARSE_POINT of record rec for decoding after the scan. */
static void take_reparse(worker *w, uint32_t rec, const ntfs_attr *a)
{
	reparse_raw *r = vec_push(&w->reparse);
	if (!r) {
		w->nomem = true;
		return;
	}
	r->record = rec;
	if (a->non_resident) {
		r->nonresident = true;
		return;
	}
	size_t off = arena_add(&w->strings, a->value, a->value_length);
	if (off == SIZE_MAX) {
		w->nomem = true;
		w->reparse.count--;
		return;
	}
	r->data = off;
	r->len = a->value_length;
	r->has_tag = a->value_length >= 4;
	r->tag = r->has_tag ? le32(a->value) : 0;
}

/* Keeps a named $DATA stream (its first piece: the one with the sizes) of record rec. */
static void take_stream(worker *w, uint32_t rec, const ntfs_attr *a)
{
	if (a->non_resident && a->lowest_vcn != 0)
		return;
	char *dst = arena_reserve(&w->strings, MAX_NAME_UTF8);
	stream_info *s = dst ? vec_push(&w->streams) : NULL;
	if (!s) {
		w->nomem = true;
		return;
	}
	size_t need = ntfs_utf16_to_utf8(a->name, a->name_length, dst, MAX_NAME_UTF8);
	if (need >= MAX_NAME_UTF8)
		need = MAX_NAME_UTF8 - 1;
	w->strings.len -= MAX_NAME_UTF8 - need - 1; /* keep the name and its NUL */
	s->str = (uint64_t)(dst - w->strings.data);
	s->len = (uint16_t)need;
	s->record = rec;
	s->data_size = a->non_resident ? a->data_size : a->value_length;
}

/* Record rec's own descriptor names the owner SID at off (in the worker's strings): extends the run of the record
 * before it when that names the same, else starts one; a record's later descriptor replaces its earlier one's. */
static void set_owner(worker *w, uint32_t rec, size_t off)
{
	owner_run *last = w->owners.count ? &VEC_AT(&w->owners, owner_run, w->owners.count - 1) : NULL;
	if (last && last->last == rec) { /* a second descriptor in the record */
		if (last->off == off)
			return;
		if (last->first == rec) {
			last->off = (uint32_t)off;
			return;
		}
		last->last = rec - 1;
		last = NULL;
	}
	if (last && last->last + 1 == rec && last->off == off) {
		last->last = rec;
		return;
	}
	owner_run *e = vec_push(&w->owners);
	if (!e) {
		w->nomem = true;
		return;
	}
	*e = (owner_run){.first = rec, .last = rec, .off = (uint32_t)off};
}

/* True when record rec, the one being parsed, has an owner SID from its own descriptor (set_owner). */
static bool has_owner(const worker *w, uint32_t rec)
{
	return w->owners.count && VEC_AT(&w->owners, owner_run, w->owners.count - 1).last == rec;
}

/* Keeps the owner SID of a record's own security descriptor (NTFS 1.x style, as ntfs-3g writes). */
static void take_security(worker *w, uint32_t rec, rec_info *ri, const ntfs_attr *a)
{
	ntfs_security_descriptor sd;
	if ((ri->flags & REC_EXTENSION) && a->name_length == 0)
		ri->flags |= REC_SD_IN_EXT; /* model_merge hands it to the base that accepts this record */
	w->cur_sd_count++;
	w->cur_sd = !a->non_resident && a->name_length == 0 ? a->value : NULL;
	w->cur_sd_len = a->value_length;
	if (a->non_resident && w->m->vol->is_mft_file) {
		ri->flags |= REC_SD_NOT_IN_MFT; /* never read: the model says so where it claims owners */
		return;
	}
	if (a->non_resident) {
		ri->flags |= REC_SD_ELSEWHERE;
		return;
	}
	/* only a descriptor byte-identical to the cached one shows the same owner; an empty one never does */
	if (w->last_sid != SIZE_MAX && w->last_sd_len != 0 && a->value_length == w->last_sd_len &&
	    !memcmp(a->value, w->last_sd, a->value_length)) {
		set_owner(w, rec, w->last_sid);
		return;
	}
	if (ntfs_sd_decode(a->value, a->value_length, &sd, NULL) != NTFS_OK || !sd.has_owner) {
		if (a->name_length == 0 && !(ri->flags & REC_EXTENSION))
			ri->flags |= REC_SD_NO_OWNER; /* still this record's descriptor: not "none" */
		return;
	}
	size_t n = strlen(sd.owner_sid), off = w->last_sid;
	if (off == SIZE_MAX || strcmp(w->strings.data + off, sd.owner_sid)) {
		off = arena_add(&w->strings, sd.owner_sid, n);
		if (off == SIZE_MAX) {
			w->nomem = true;
			return;
		}
		w->last_sid = off;
	}
	set_owner(w, rec, off);
	w->last_sd_len = a->value_length <= sizeof(w->last_sd) ? a->value_length : 0;
	memcpy(w->last_sd, a->value, w->last_sd_len);
}

/* Bytes of clusters an attribute's first extent says it holds on disk: for a compressed or sparse one the
 * clusters really allocated, else its allocated size; 0 when resident (it lives in the record). */
static uint64_t disk_bytes(const ntfs_attr *a)
{
	if (!a->non_resident || a->lowest_vcn != 0)
		return 0;
	return a->has_compressed_size ? a->compressed_size : a->allocated_size;
}

/* True when a is the named $DATA stream "WofCompressedData" (where WOF keeps a compressed file's data). */
static bool is_wof_stream(const ntfs_attr *a)
{
	static const char wof[] = "WofCompressedData";
	if (a->name_length != sizeof(wof) - 1)
		return false;
	for (size_t i = 0; i < sizeof(wof) - 1; i++)
		if (a->name[2 * i] != (uint8_t)wof[i] || a->name[2 * i + 1] != 0)
			return false;
	return true;
}

/* Adds what $DATA attribute a says to sizes sz of its record, whose flags (REC_HAS_DATA) say whether its unnamed
 * $DATA was already seen: the unnamed one's sizes (the first with VCN 0), a WofCompressedData stream's clusters. */
static void take_sizes(rec_sizes *sz, uint16_t *flags, const ntfs_attr *a)
{
	if (a->name_length == 0 && (a->non_resident ? a->lowest_vcn == 0 : true) && !(*flags & REC_HAS_DATA)) {
		*flags |= REC_HAS_DATA;
		sz->data_size = a->non_resident ? a->data_size : a->value_length;
		sz->allocated_size = a->non_resident ? a->allocated_size : ((a->value_length + 7u) & ~7u);
		sz->disk_size += disk_bytes(a);
	} else if (a->name_length && is_wof_stream(a)) {
		sz->disk_size += disk_bytes(a);
	}
}

/* Takes the facts the model keeps from one attribute of record rec. */
static void take_attr(worker *w, uint32_t rec, rec_info *ri, const ntfs_attr *a)
{
	ntfs_std_info si;
	switch (a->type) {
	case NTFS_AT_STANDARD_INFORMATION:
		if (!a->non_resident && ntfs_std_info_decode(a->value, a->value_length, &si, NULL) == NTFS_OK) {
			ri->flags |= REC_HAS_SI;
			ri->std_attrs = model_std_attrs(si.flags);
			ri->security_id = si.has_v3_fields ? si.security_id : 0;
			w->cur_si[0] = si.created;
			w->cur_si[1] = si.modified;
			w->cur_si[2] = si.mft_modified;
			w->cur_si[3] = si.accessed;
			if (w->m->si_times)
				memcpy(&w->m->si_times[4 * (size_t)rec], w->cur_si, sizeof(w->cur_si));
		}
		break;
	case NTFS_AT_FILE_NAME:
		take_file_name(w, rec, a);
		break;
	case NTFS_AT_DATA:
		take_sizes(&w->cur_sizes, &ri->flags, a);
		if (a->name_length && w->m->want_streams)
			take_stream(w, rec, a);
		break;
	case NTFS_AT_REPARSE_POINT:
		ri->flags |= REC_HAS_REPARSE;
		take_reparse(w, rec, a);
		break;
	case NTFS_AT_ATTRIBUTE_LIST:
		ri->flags |= REC_HAS_ATTR_LIST;
		break;
	case NTFS_AT_SECURITY_DESCRIPTOR:
		take_security(w, rec, ri, a);
		break;
	default:
		break;
	}
}

/*
 * True when the record just parsed (its names from names0 on) may hold links: a reparse point, an attribute
 * list (names or a reparse point may lie in extension records), an extension record itself, or two names
 * that are links. Every hard-link set and reparse point is one of those. Not the header's link count: it
 * counts DOS 8.3 aliases too, so most files of a system volume say 2.
 */
static bool may_link(const worker *w, const rec_info *ri, size_t names0)
{
	if (ri->flags & (REC_EXTENSION | REC_HAS_REPARSE | REC_HAS_ATTR_LIST))
		return true;
	unsigned links = 0;
	for (size_t i = names0; i < w->names.count && links < 2; i++)
		links += model_name_is_link(&VEC_AT(&w->names, name_info, i));
	return links >= 2;
}

/* Keeps the $STANDARD_INFORMATION times of base record rec when it may be a link (may_link). */
static void keep_link_si(worker *w, uint32_t rec, const rec_info *ri, bool maybe)
{
	if (!(ri->flags & REC_HAS_SI) || (ri->flags & REC_EXTENSION) || !maybe)
		return;
	void *pe, *per;
	if (!vec_push_pair(&w->si, &w->si_recs, &pe, &per)) {
		w->nomem = true;
		return;
	}
	uint64_t *e = pe;
	uint32_t *er = per;
	memcpy(e, w->cur_si, sizeof(w->cur_si));
	*er = rec;
}

/*
 * Keeps the $FILE_NAME times of the names the record just parsed took from fn0 on when they may be asked
 * for: with want_si_times (every name), else when the record may hold links (may_link). The times of the
 * others (most names of a volume) are dropped, 32 bytes each.
 */
static void keep_fn_times(worker *w, size_t fn0, bool maybe)
{
	if (!w->m->want_si_times && !maybe)
		w->fn.count = w->fn_names.count = fn0;
}

/*
 * Keeps the sizes of record rec just parsed: every record's in model.sizes when it is there (want_sizes), else,
 * when not all zero, those of the records whose sizes model_merge may keep (model_merge's sizes_shown): a record
 * that may hold links (may_link: every hard-link set, and every extension record) or has the system flag. The
 * base records that extension records name are read again after the scan (reread_extension_bases).
 */
static void keep_sizes(worker *w, uint32_t rec, const rec_info *ri, bool maybe)
{
	const rec_sizes *s = &w->cur_sizes;
	if (w->m->sizes) {
		w->m->sizes[rec] = *s;
		return;
	}
	if (!(s->data_size | s->allocated_size | s->disk_size) ||
	    !(maybe || ((ri->flags & REC_HAS_SI) && (ri->std_attrs & REC_FA_SYSTEM))))
		return;
	rec_sizes_kept *k = vec_push(&w->sizes);
	if (!k) {
		w->nomem = true;
		return;
	}
	k->s = *s;
	k->record = rec;
}

/* Keeps the bytes of base record rec's own $SECURITY_DESCRIPTOR when the record may be shown with its security
 * (more than one link, a directory, a reparse point) and they are all it holds: one resident unnamed descriptor,
 * no attribute list, no bad fixup. Bytes equal to the last ones kept share their copy. True when kept (or
 * memory ran out: the scan fails). */
static bool keep_own_sd(worker *w, uint32_t rec, const rec_info *ri)
{
	if (!w->cur_sd || w->cur_sd_count != 1 || (ri->flags & (REC_EXTENSION | REC_HAS_ATTR_LIST | REC_BAD_FIXUP)) ||
	    !(ri->link_count > 1 || (ri->flags & (REC_DIR | REC_HAS_REPARSE))))
		return false;
	rec_sd *e = vec_push(&w->sd);
	if (!e) {
		w->nomem = true;
		return true;
	}
	if (w->kept_sd == SIZE_MAX || w->kept_sd_len != w->cur_sd_len ||
	    memcmp(w->strings.data + w->kept_sd, w->cur_sd, w->cur_sd_len)) {
		size_t off = arena_add(&w->strings, w->cur_sd, w->cur_sd_len);
		if (off == SIZE_MAX) {
			w->nomem = true;
			w->sd.count--;
			return true;
		}
		w->kept_sd = off;
		w->kept_sd_len = w->cur_sd_len;
	}
	e->off = w->kept_sd;
	e->len = w->kept_sd_len;
	e->record = rec;
	return true;
}

/*
 * For base record rec (its fixed-up bytes buf, header h, whose attribute walk ended cleanly), which own_sd did
 * not keep but access_preload may read (a candidate as keep_own_sd's, without a bad fixup, whose descriptor the
 * passes read from the volume: a resident one, with an owner or not, or a non-resident one; not an extracted $MFT,
 * whose descriptors the preload never reads): copies its $SECURITY_DESCRIPTOR and $ATTRIBUTE_LIST attribute
 * records whole, in their order, for volume_load_attr_kept (which looks at no other attribute of the record).
 */
static void keep_sd_attrs(worker *w, uint32_t rec, const rec_info *ri, const uint8_t *buf, size_t rs,
			  const ntfs_record_header *h)
{
	if (!w->cur_sd_count || (ri->flags & (REC_EXTENSION | REC_BAD_FIXUP)) || w->m->vol->is_mft_file ||
	    !(ri->link_count > 1 || (ri->flags & (REC_DIR | REC_HAS_REPARSE))) ||
	    !(has_owner(w, rec) || (ri->flags & (REC_SD_ELSEWHERE | REC_SD_NO_OWNER))))
		return;
	uint8_t *dst = arena_reserve(&w->sd_attrs, rs); /* the attributes lie in the record: at most rs bytes */
	rec_sd *e = dst ? vec_push(&w->sd_attrs_of) : NULL;
	if (!e) {
		if (dst)
			w->sd_attrs.len -= rs;
		w->nomem = true;
		return;
	}
	size_t used = 0;
	ntfs_attr_iter it;
	ntfs_attr a;
	ntfs_error err;
	ntfs_attr_iter_init(&it, buf, h->bytes_in_use < rs ? h->bytes_in_use : rs, h->attrs_offset);
	while (ntfs_attr_iter_next(&it, &a, &err) == 1)
		if (a.type == NTFS_AT_SECURITY_DESCRIPTOR || a.type == NTFS_AT_ATTRIBUTE_LIST) {
			memcpy(dst + used, a.raw, a.length);
			used += a.length;
		}
	w->sd_attrs.len -= rs - used;
	e->off = (uint64_t)(dst - (uint8_t *)w->sd_attrs.data);
	e->len = (uint32_t)used;
	e->record = rec;
}

/* Parses one record in place: header, fixups, attributes. */
static void parse_record(worker *w, uint32_t rec, uint8_t *buf, size_t rs)
{
	rec_info *ri = &w->m->recs[rec];
	ntfs_record_header h;
	ntfs_record_fixups fx;
	ntfs_error e;
	if (!ntfs_record_has_signature(buf, rs))
		return; /* never used, or not a record: nothing to report */
	if (ntfs_record_decode_header(buf, rs, &h, &e) != NTFS_OK ||
	    ntfs_record_apply_fixups(buf, rs, FIXUP_STRIDE, &fx, &e) != NTFS_OK) {
		ri->state = REC_BAD;
		anomaly_add(&w->anomalies, "bad_record_header", rec, "%s", e.reason);
		return;
	}
	ri->state = REC_OK;
	ri->sequence = h.sequence;
	ri->link_count = h.link_count;
	ri->flags = (h.flags & NTFS_RECORD_FLAG_IN_USE ? REC_IN_USE : 0) | (h.flags & NTFS_RECORD_FLAG_DIRECTORY ? REC_DIR : 0);
	if (h.base_ref) {
		uint64_t b = ntfs_ref_record(h.base_ref);
		rec_base *eb = vec_push(&w->bases);
		if (!eb) {
			w->nomem = true;
			return;
		}
		*eb = (rec_base){.record = rec, .base = b < w->m->count ? (uint32_t)b : MODEL_NONE - 1}; /* - 1: past the table */
		ri->flags |= REC_EXTENSION;
		ri->base_seq = ntfs_ref_sequence(h.base_ref);
		if (b >= w->m->count && (ri->flags & REC_IN_USE))
			anomaly_add(&w->anomalies, "orphan_extension", rec,
				    "extension record names base record %llu (sequence %u), past the %llu records read",
				    (unsigned long long)b, ri->base_seq, (unsigned long long)w->m->count);
	}
	if (fx.bad_count) {
		ri->flags |= REC_BAD_FIXUP;
		if (ri->flags & REC_IN_USE)
			anomaly_add(&w->anomalies, "bad_fixup", rec,
				    "%u of %u sectors fail the update sequence check (mask 0x%x); record kept", fx.bad_count,
				    fx.sectors, fx.bad_mask);
	}
	if (h.is_baad && (ri->flags & REC_IN_USE))
		anomaly_add(&w->anomalies, "baad_record", rec, "record signature is BAAD (marked corrupt by chkdsk)");
	ntfs_attr_iter it;
	ntfs_attr a;
	int r;
	size_t fn0 = w->fn.count, names0 = w->names.count;
	w->cur_sd = NULL;
	w->cur_sd_count = 0;
	memset(&w->cur_sizes, 0, sizeof(w->cur_sizes));
	ntfs_attr_iter_init(&it, buf, h.bytes_in_use < rs ? h.bytes_in_use : rs, h.attrs_offset);
	while ((r = ntfs_attr_iter_next(&it, &a, &e)) == 1)
		take_attr(w, rec, ri, &a);
	bool maybe = may_link(w, ri, names0);
	keep_fn_times(w, fn0, maybe);
	if (r < 0 && (ri->flags & REC_IN_USE))
		anomaly_add(&w->anomalies, "bad_attribute", rec, "attribute walk stopped: %s", e.reason);
	keep_link_si(w, rec, ri, maybe);
	keep_sizes(w, rec, ri, maybe);
	if (r == 0 && !keep_own_sd(w, rec, ri))
		keep_sd_attrs(w, rec, ri, buf, rs, &h);
}

/* Appends records first..first+n-1 lost for reason e to ranges, extending the last range when it continues it. */
static bool lost_range_add(vec *ranges, uint64_t first, uint64_t n, const ntfs_error *e)
{
	lost_range *last = ranges->count ? &VEC_AT(ranges, lost_range, ranges->count - 1) : NULL;
	if (last && last->first + last->n == first && !strcmp(last->e.reason, e->reason)) {
		last->n += n;
		return true;
	}
	lost_range *r = vec_push(ranges);
	if (!r)
		return false;
	*r = (lost_range){.first = first, .n = n, .e = *e};
	return true;
}

/* Marks records lost after a read error, so the report says what is missing (anomalies after the scan). */
static void records_lost(worker *w, uint64_t first, size_t n, const ntfs_error *e)
{
	if (!lost_range_add(&w->lost_ranges, first, n, e))
		w->nomem = true;
	w->lost += n; /* their rec_info stay zero: no base, no owner */
}

/*
 * After a short read, records [from, to) (from is short) are settled one by one: each later record is read
 * again alone into buf (its place in the block), parsed when whole, lost when a byte is missing. A
 * fragmented $MFT can hold records after missing ones; exact per record, so the same for any blocks.
 */
static void short_tail(worker *w, uint64_t from, uint64_t to, uint8_t *buf)
{
	volume *vol = w->m->vol;
	size_t rs = vol->record_size;
	ntfs_error trunc;
	ntfs_error_set(&trunc, NTFS_E_TRUNCATED, "the image ends before them");
	records_lost(w, from, 1, &trunc);
	for (uint64_t rec = from + 1; rec < to; rec++) {
		uint8_t *b = buf + (size_t)(rec - from) * rs;
		uint64_t short_records = 0;
		ntfs_error e;
		if (volume_read_records(vol, rec, 1, b, &short_records, &e) != NTFS_OK)
			records_lost(w, rec, 1, &e);
		else if (short_records)
			records_lost(w, rec, 1, &trunc);
		else
			parse_record(w, (uint32_t)rec, b, rs);
	}
}

/* Worker thread body: reads and parses its slice of the chunk, block by block. */
static void *worker_run(void *arg)
{
	worker *w = arg;
	volume *vol = w->m->vol;
	size_t rs = vol->record_size, per_block = BLOCK_BYTES / rs;
	if (w->chunk) {
		for (size_t i = w->from; i < w->to; i++)
			parse_record(w, (uint32_t)(w->first + i), w->chunk + i * rs, rs);
		return NULL;
	}
	/* blocks lie on a grid of absolute record numbers (shares start on it too), so what one failed or
	 * short read loses is the same for any number of threads */
	for (size_t i = w->from, step; i < w->to; i += step) {
		step = per_block - (size_t)((w->first + i) % per_block);
		if (step > w->to - i)
			step = w->to - i;
		size_t n = step;
		uint64_t rec = w->first + i, short_records = 0;
		ntfs_error e;
		if (volume_read_records(vol, rec, n, w->block, &short_records, &e) != NTFS_OK) {
			records_lost(w, rec, n, &e);
			continue;
		}
		size_t good = n - (size_t)short_records;
		for (size_t j = 0; j < good; j++)
			parse_record(w, (uint32_t)(rec + j), w->block + j * rs, rs);
		if (short_records)
			short_tail(w, rec + good, rec + n, w->block + good * rs);
	}
	return NULL;
}

/* Moves one worker's kept $FILE_NAME times into the model (before its names: name numbers rebased on them). */
static ntfs_status merge_fn_times(model *m, worker *w)
{
	size_t nbase = m->names.count;
	if (nbase + w->names.count >= MODEL_NONE)
		return NTFS_E_RANGE;
	if (m->want_si_times) { /* every name's, one per name in name order: indexed directly */
		if (vec_append(&m->fn_times_all, &w->fn))
			return NTFS_E_NOMEM;
	} else {
		for (size_t i = 0; i < w->fn_names.count; i++)
			VEC_AT(&w->fn_names, uint32_t, i) += (uint32_t)nbase;
		if (vec_append(&m->fn_times, &w->fn) || vec_append(&m->fn_names, &w->fn_names))
			return NTFS_E_NOMEM;
	}
	w->fn.count = w->fn_names.count = 0;
	return NTFS_OK;
}

/* Moves one worker's findings into the model, rebasing string offsets. */
static ntfs_status worker_merge(model *m, worker *w, ntfs_error *err)
{
	size_t base = m->strings.len;
	if (w->strings.len && !arena_reserve(&m->strings, w->strings.len))
		return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory for %zu bytes of names", w->strings.len);
	if (w->strings.len)
		memcpy(m->strings.data + base, w->strings.data, w->strings.len);
	if (base + w->strings.len >= UINT32_MAX)
		return ntfs_error_set(err, NTFS_E_RANGE, "over 4 GiB of names at record %llu: beyond what the table indexes",
				      (unsigned long long)(w->first + w->from));
	for (size_t i = 0; i < w->names.count; i++)
		VEC_AT(&w->names, name_info, i).str += (uint32_t)base;
	for (size_t i = 0; i < w->reparse.count; i++)
		VEC_AT(&w->reparse, reparse_raw, i).data += base;
	for (size_t i = 0; i < w->sd.count; i++)
		VEC_AT(&w->sd, rec_sd, i).off += base;
	size_t abase = m->sd_attrs.len;
	if (w->sd_attrs.len && !arena_reserve(&m->sd_attrs, w->sd_attrs.len))
		return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory for %zu bytes of descriptors", w->sd_attrs.len);
	if (w->sd_attrs.len)
		memcpy(m->sd_attrs.data + abase, w->sd_attrs.data, w->sd_attrs.len);
	for (size_t i = 0; i < w->sd_attrs_of.count; i++)
		VEC_AT(&w->sd_attrs_of, rec_sd, i).off += abase;
	for (size_t i = 0; i < w->streams.count; i++)
		VEC_AT(&w->streams, stream_info, i).str += base;
	for (size_t i = 0; i < w->owners.count; i++) {
		owner_run *o = &VEC_AT(&w->owners, owner_run, i);
		if (base + o->off >= MODEL_NONE)
			return ntfs_error_set(err, NTFS_E_RANGE, "over 4 GiB of names at record %llu: beyond what the table indexes",
					      (unsigned long long)o->first);
		o->off += (uint32_t)base;
	}
	if (merge_fn_times(m, w) != NTFS_OK)
		return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory for the name times of records %llu-%llu",
				      (unsigned long long)(w->first + w->from), (unsigned long long)(w->first + w->to));
	w->last_sid = SIZE_MAX;
	w->last_sd_len = 0;
	w->kept_sd = SIZE_MAX;
	if (w->lost) {
		m->unreadable_records += w->lost;
		m->partial = true;
		w->lost = 0;
	}
	if (vec_append(&m->names, &w->names) || vec_append(&m->name_hashes, &w->hashes) ||
	    vec_append(&m->reparse, &w->reparse) || vec_append(&m->link_si, &w->si) ||
	    vec_append(&m->link_si_recs, &w->si_recs) ||
	    vec_append(&m->streams, &w->streams) || vec_append(&m->own_sd, &w->sd) ||
	    vec_append(&m->sizes_kept, &w->sizes) || vec_append(&m->sd_attrs_of, &w->sd_attrs_of) ||
	    vec_append(&m->ext_base, &w->bases) || vec_append(&m->owner_runs, &w->owners))
		return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory for the names of records %llu-%llu",
				      (unsigned long long)(w->first + w->from), (unsigned long long)(w->first + w->to));
	for (size_t i = 0; i < w->anomalies.items.count; i++) {
		anomaly *a = &VEC_AT(&w->anomalies.items, anomaly, i);
		anomaly_add(&m->anomalies, a->type, a->record, "%s", anomaly_detail(&w->anomalies, a));
	}
	for (size_t i = 0; i < w->lost_ranges.count; i++) {
		lost_range *r = &VEC_AT(&w->lost_ranges, lost_range, i);
		if (!lost_range_add(w->scan_lost, r->first, r->n, &r->e))
			w->nomem = true;
	}
	w->lost_ranges.count = 0;
	w->names.count = w->hashes.count = w->reparse.count = w->si.count = w->si_recs.count = w->streams.count = 0;
	w->sd.count = 0;
	w->sizes.count = w->sd_attrs_of.count = w->bases.count = w->owners.count = 0;
	w->strings.len = w->sd_attrs.len = 0;
	w->anomalies.items.count = 0;
	w->anomalies.text.len = 0;
	if (w->nomem)
		return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory parsing records %llu-%llu",
				      (unsigned long long)(w->first + w->from), (unsigned long long)(w->first + w->to));
	return NTFS_OK;
}

/* Where worker t of nt starts in a chunk of n records from first: on the block grid of absolute records. */
static size_t share_start(uint64_t first, size_t n, int t, int nt, size_t per_block)
{
	uint64_t at = first + n * (size_t)t / (size_t)nt;
	at -= at % per_block;
	return at <= first ? 0 : (size_t)(at - first);
}

/* par_run body: worker i parses its share (whichever thread runs it: each share has its own worker). */
static void worker_item(void *ctx, size_t i, int thread)
{
	(void)thread;
	worker_run(&((worker *)ctx)[i]);
}

/* Parses one chunk of records with all workers and merges their findings in record order. */
static ntfs_status parse_chunk(model *m, worker *ws, int nt, uint64_t first, size_t n, uint8_t *chunk, ntfs_error *err)
{
	size_t per_block = BLOCK_BYTES / m->vol->record_size;
	for (int t = 0; t < nt; t++) {
		ws[t].chunk = chunk;
		ws[t].first = first;
		ws[t].from = share_start(first, n, t, nt, per_block);
		ws[t].to = t + 1 < nt ? share_start(first, n, t + 1, nt, per_block) : n;
	}
	par_run(nt, (size_t)nt, worker_item, ws);
	for (int t = 0; t < nt; t++) {
		ntfs_status st = worker_merge(m, &ws[t], err);
		if (st != NTFS_OK)
			return st;
	}
	return NTFS_OK;
}

/* After chunk [.., done) the progress callback may stop the scan: the rest is marked not scanned. */
static bool stop_after(model *m, uint64_t done, mft_scan_progress progress, void *ctx)
{
	if (!progress || !progress(ctx, m, done, m->count))
		return false;
	anomaly_add(&m->anomalies, "scan_interrupted", done, "scan stopped after %llu of %llu records",
		    (unsigned long long)done, (unsigned long long)m->count);
	m->partial = true; /* the records not scanned stay zero: no base, no owner */
	return true;
}

/* The workers of the pipelined scan: a chunk's shares in flight at once, twice over (the next chunk is parsed while
 * the last one is merged). */
#define SCAN_DEPTH 2

/*
 * The scan of images read in parallel, as one pipeline: item k is share k % nt of chunk k / nt, items are taken in
 * turn by nt threads that stay up for the whole scan (one par_run: no threads started per chunk, no barrier after
 * each), each parsed into worker k % (SCAN_DEPTH * nt) once the item SCAN_DEPTH chunks before it is merged, and
 * merged into the model strictly in item order by whichever thread finishes the next one to merge. So the model
 * receives the same shares in the same order as chunk after chunk would give it, for any number of threads.
 */
typedef struct {
	model *m;
	worker *ws;
	int nt;
	size_t nw;                /* workers: SCAN_DEPTH * nt */
	size_t per_chunk;
	uint64_t nitems;
	pthread_mutex_t mu;
	pthread_cond_t freed;     /* merged moved on: a worker may be free */
	uint64_t merged;          /* items merged into the model so far (under mu) */
	uint64_t *done;           /* per worker: the item it holds parsed, UINT64_MAX none (under mu) */
	bool merging;             /* a thread is merging (under mu) */
	bool stop;                /* no more items parsed or merged: an error, or progress said stop (under mu) */
	uint64_t stopped_at;      /* records merged when progress said stop; UINT64_MAX: it did not */
	ntfs_status st;
	ntfs_error *err;
	mft_scan_progress progress;
	void *ctx;
} scan_pipe;

/* Merges, in item order, every parsed item that is next; called with p->mu held, returns with it held. */
static void pipe_merge_ready(scan_pipe *p)
{
	if (p->merging)
		return; /* the merging thread finds this item when it looks again */
	p->merging = true;
	while (!p->stop && p->merged < p->nitems && p->done[p->merged % p->nw] == p->merged) {
		uint64_t k = p->merged;
		worker *w = &p->ws[k % p->nw];
		pthread_mutex_unlock(&p->mu); /* only the merging thread touches the model and this worker now */
		ntfs_status st = worker_merge(p->m, w, p->err);
		bool stop = false;
		uint64_t recs = 0;
		if (st == NTFS_OK && (k + 1) % (uint64_t)p->nt == 0) { /* the chunk's last share: the whole chunk is in */
			uint64_t end = (k / (uint64_t)p->nt + 1) * p->per_chunk;
			recs = end < p->m->count ? end : p->m->count;
			stop = stop_after(p->m, recs, p->progress, p->ctx);
		}
		pthread_mutex_lock(&p->mu);
		p->done[k % p->nw] = UINT64_MAX;
		p->merged = k + 1;
		if (st != NTFS_OK) {
			p->st = st;
			p->stop = true;
		} else if (stop) {
			p->stopped_at = recs;
			p->stop = true;
		}
		pthread_cond_broadcast(&p->freed);
	}
	p->merging = false;
}

/* par_run body: parses item k once its worker is free, then merges what is ready. */
static void pipe_item(void *ctx, size_t k, int thread)
{
	(void)thread;
	scan_pipe *p = ctx;
	pthread_mutex_lock(&p->mu);
	while (!p->stop && p->merged + p->nw <= k)
		pthread_cond_wait(&p->freed, &p->mu);
	bool skip = p->stop;
	pthread_mutex_unlock(&p->mu);
	if (skip)
		return;
	worker *w = &p->ws[k % p->nw];
	uint64_t first = (k / (uint64_t)p->nt) * p->per_chunk;
	size_t n = p->m->count - first < p->per_chunk ? (size_t)(p->m->count - first) : p->per_chunk;
	size_t per_block = BLOCK_BYTES / p->m->vol->record_size;
	int t = (int)(k % (uint64_t)p->nt);
	w->chunk = NULL;
	w->first = first;
	w->from = share_start(first, n, t, p->nt, per_block);
	w->to = t + 1 < p->nt ? share_start(first, n, t + 1, p->nt, per_block) : n;
	worker_run(w);
	pthread_mutex_lock(&p->mu);
	p->done[k % p->nw] = k;
	pipe_merge_ready(p);
	pthread_mutex_unlock(&p->mu);
}

/* Images read in parallel (pread, one libewf handle per reader): each worker reads its own share in
 * cache-sized blocks, and E01 chunks are inflated on every core. ws holds SCAN_DEPTH * nt workers. */
static ntfs_status scan_blocks(model *m, worker *ws, int nt, size_t per_chunk, mft_scan_progress progress, void *ctx,
			       ntfs_error *err)
{
	uint64_t chunks = (m->count + per_chunk - 1) / per_chunk;
	scan_pipe p = {.m = m, .ws = ws, .nt = nt, .nw = SCAN_DEPTH * (size_t)nt, .per_chunk = per_chunk,
		       .nitems = chunks * (uint64_t)nt, .stopped_at = UINT64_MAX, .st = NTFS_OK, .err = err,
		       .progress = progress, .ctx = ctx};
	if (!(p.done = malloc(p.nw * sizeof(*p.done))))
		return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory");
	for (size_t i = 0; i < p.nw; i++)
		p.done[i] = UINT64_MAX;
	if (pthread_mutex_init(&p.mu, NULL) != 0) {
		free(p.done);
		return ntfs_error_set(err, NTFS_E_NOMEM, "cannot create a mutex");
	}
	if (pthread_cond_init(&p.freed, NULL) != 0) {
		pthread_mutex_destroy(&p.mu);
		free(p.done);
		return ntfs_error_set(err, NTFS_E_NOMEM, "cannot create a condition variable");
	}
	par_run(nt, (size_t)p.nitems, pipe_item, &p);
	pthread_cond_destroy(&p.freed);
	pthread_mutex_destroy(&p.mu);
	free(p.done);
	if (p.st == NTFS_OK && p.stopped_at < m->count) {
		/* the records not scanned stay zero: the items parsed past the stop are not merged, and their
		 * records are cleared as if never read */
		uint64_t from = p.stopped_at, n = m->count - from;
		memset(&m->recs[from], 0, (size_t)n * sizeof(rec_info));
		if (m->sizes)
			memset(&m->sizes[from], 0, (size_t)n * sizeof(rec_sizes));
		if (m->si_times)
			memset(&m->si_times[4 * from], 0, (size_t)n * 4 * sizeof(uint64_t));
	}
	return p.st;
}

/* One chunk of $MFT read ahead by the reader thread. */
typedef struct {
	volume *vol;
	uint64_t first;
	size_t n;
	uint8_t *buf;
	uint64_t short_records;   /* records past the end of the image */
	ntfs_status st;
	ntfs_error e;
} chunk_io;

/* Reads one chunk (the reader thread's body, or inline). */
static void *chunk_read(void *arg)
{
	chunk_io *c = arg;
	c->st = volume_read_records(c->vol, c->first, c->n, c->buf, &c->short_records, &c->e);
	return NULL;
}

/* A chunk that came back short: records [from, n) of it read again by one worker, block by block, and merged. */
static ntfs_status read_tail(model *m, worker *w, uint64_t first, size_t from, size_t n, ntfs_error *err)
{
	w->chunk = NULL;
	w->first = first;
	w->from = from;
	w->to = n;
	worker_run(w);
	return worker_merge(m, w, err);
}

/*
 * Images whose reads take turns (TSK's split raw reader): one thread reads ahead,
 * in order, while the workers parse the previous chunk; several readers would only take turns.
 */
static ntfs_status scan_sequential(model *m, worker *ws, int nt, size_t per_chunk, mft_scan_progress progress,
				   void *ctx, ntfs_error *err)
{
	size_t bytes = per_chunk * m->vol->record_size;
	chunk_io io[2] = {{.vol = m->vol, .buf = malloc(bytes)}, {.vol = m->vol, .buf = malloc(bytes)}};
	ntfs_status st = NTFS_OK;
	if (!io[0].buf || !io[1].buf) {
		st = ntfs_error_set(err, NTFS_E_NOMEM, "out of memory");
		goto out;
	}
	io[0].n = m->count < per_chunk ? (size_t)m->count : per_chunk;
	if (m->count)
		chunk_read(&io[0]);
	for (int k = 0; m->count; k ^= 1) {
		chunk_io *cur = &io[k], *next = &io[k ^ 1];
		uint64_t done = cur->first + cur->n;
		pthread_t reader;
		bool have_next = done < m->count, threaded = false;
		if (have_next) {
			next->first = done;
			next->n = m->count - done < per_chunk ? (size_t)(m->count - done) : per_chunk;
			threaded = pthread_create(&reader, NULL, chunk_read, next) == 0;
		}
		size_t good = cur->n;
		if (cur->st != NTFS_OK) {
			records_lost(&ws[0], cur->first, cur->n, &cur->e);
			good = 0;
		} else if (cur->short_records) {
			good -= (size_t)cur->short_records;
		}
		st = parse_chunk(m, ws, nt, cur->first, good, cur->buf, err);
		if (st == NTFS_OK && good < cur->n && cur->st == NTFS_OK)
			st = read_tail(m, &ws[0], cur->first, good, cur->n, err);
		if (have_next) {
			if (threaded)
				pthread_join(reader, NULL);
			else
				chunk_read(next);
		}
		if (st != NTFS_OK)
			goto out;
		if (stop_after(m, done, progress, ctx) || !have_next)
			break;
	}
out:
	free(io[0].buf);
	free(io[1].buf);
	return st;
}

/*
 * Records $MFT declares that the image does not hold to their end (from on): one more lost range, never
 * allocated one by one (memory follows the bytes present, not the claim). Returns false out of memory.
 */
static bool records_past_image(model *m, vec *ranges, uint64_t from)
{
	volume *vol = m->vol;
	ntfs_error e;
	if (vol->record_count <= from)
		return true;
	ntfs_error_set(&e, NTFS_E_TRUNCATED, "the image (%llu bytes) ends before them; $MFT declares %llu records",
		       (unsigned long long)image_size(vol->img), (unsigned long long)vol->record_count);
	m->unreadable_records += vol->record_count - from;
	m->partial = true;
	return lost_range_add(ranges, from, vol->record_count - from, &e);
}

/* One read_error anomaly per contiguous range of records lost for one reason, naming its first and last record. */
static void lost_anomalies(model *m, const vec *ranges)
{
	for (size_t i = 0; i < ranges->count; i++) {
		const lost_range *r = &VEC_AT(ranges, lost_range, i);
		anomaly_add(&m->anomalies, "read_error", r->first, "records %llu-%llu unreadable: %s",
			    (unsigned long long)r->first, (unsigned long long)(r->first + r->n - 1), r->e.reason);
	}
}

/* Orders rec_sizes_kept by record. */
static int sizes_kept_cmp(const void *x, const void *y)
{
	const rec_sizes_kept *a = x, *b = y;
	return a->record < b->record ? -1 : a->record > b->record;
}

/* The sizes base record b holds itself, read again from the volume: false when it cannot be read or decoded
 * as the scan did (its sizes stay unknown, all zero). */
static bool reread_sizes(model *m, uint8_t *buf, uint32_t b, rec_sizes *sz)
{
	volume *vol = m->vol;
	size_t rs = vol->record_size;
	uint64_t short_records = 0;
	ntfs_record_header h;
	ntfs_record_fixups fx;
	ntfs_error e;
	if (volume_read_records(vol, b, 1, buf, &short_records, &e) != NTFS_OK || short_records ||
	    !ntfs_record_has_signature(buf, rs) || ntfs_record_decode_header(buf, rs, &h, &e) != NTFS_OK ||
	    ntfs_record_apply_fixups(buf, rs, FIXUP_STRIDE, &fx, &e) != NTFS_OK)
		return false;
	ntfs_attr_iter it;
	ntfs_attr a;
	uint16_t flags = 0;
	memset(sz, 0, sizeof(*sz));
	ntfs_attr_iter_init(&it, buf, h.bytes_in_use < rs ? h.bytes_in_use : rs, h.attrs_offset);
	while (ntfs_attr_iter_next(&it, &a, &e) == 1)
		if (a.type == NTFS_AT_DATA)
			take_sizes(sz, &flags, &a);
	return true;
}

/*
 * Without model.sizes: the workers kept the sizes of the records that may hold links, but a base record that
 * looked like a plain file can still receive link names from an extension record that names it (model_merge
 * accepts an extension without asking for an attribute list). The few bases that extension records name and
 * the workers did not keep are read again here and their own sizes added to model.sizes_kept, which is left in
 * record order with one entry per record. Only records the image holds (the extensions found) cause reads.
 * Returns false out of memory.
 */
static bool reread_extension_bases(model *m)
{
	size_t sorted = m->sizes_kept.count;
	uint8_t *buf = NULL;
	bool ok = true;
	for (uint64_t r = 0; r < m->count && ok; r++) {
		const rec_info *e = &m->recs[r];
		if (e->state != REC_OK || !(e->flags & REC_EXTENSION))
			continue;
		uint32_t b = model_rec_base(m, (uint32_t)r);
		if (b >= m->count || b == r)
			continue;
		const rec_info *bi = &m->recs[b];
		if (bi->state != REC_OK || (bi->flags & REC_EXTENSION))
			continue; /* no base to fold into */
		if ((bi->flags & (REC_HAS_ATTR_LIST | REC_HAS_REPARSE)) ||
		    ((bi->flags & REC_HAS_SI) && (bi->std_attrs & REC_FA_SYSTEM)))
			continue; /* one keep_sizes kept when its sizes were not all zero (the usual base: an attribute list) */
		rec_sizes_kept key = {.record = b};
		if (bsearch(&key, m->sizes_kept.data, sorted, sizeof(key), sizes_kept_cmp))
			continue;
		if (!buf && !(buf = malloc(m->vol->record_size))) {
			ok = false;
			break;
		}
		if (!reread_sizes(m, buf, b, &key.s) || !(key.s.data_size | key.s.allocated_size | key.s.disk_size))
			continue;
		rec_sizes_kept *k = vec_push(&m->sizes_kept);
		if (!k)
			ok = false;
		else
			*k = key;
	}
	free(buf);
	if (m->sizes_kept.count > sorted) { /* a base named by several extensions was read once each: keep one */
		vec_sort(&m->sizes_kept, sizes_kept_cmp);
		size_t kept = 0;
		for (size_t i = 0; i < m->sizes_kept.count; i++)
			if (!kept || VEC_AT(&m->sizes_kept, rec_sizes_kept, kept - 1).record !=
					     VEC_AT(&m->sizes_kept, rec_sizes_kept, i).record)
				VEC_AT(&m->sizes_kept, rec_sizes_kept, kept++) = VEC_AT(&m->sizes_kept, rec_sizes_kept, i);
		m->sizes_kept.count = kept;
	}
	return ok;
}

ntfs_status mft_scan(model *m, int threads, mft_scan_progress progress, void *ctx, ntfs_error *err)
{
	volume *vol = m->vol;
	uint64_t count = vol->records_present;
	if (count > MODEL_NONE - 2) {
		anomaly_add(&m->anomalies, "mft_too_large", ANOMALY_NO_RECORD, "%llu records; scanning the first %u",
			    (unsigned long long)count, MODEL_NONE - 2);
		count = MODEL_NONE - 2;
		m->partial = true;
	}
	m->count = count;
	m->recs = calloc(count ? count : 1, sizeof(rec_info));
	if (m->recs)
		arena_advise_huge(m->recs, (count ? count : 1) * sizeof(rec_info));
	free(m->sizes);
	m->sizes = NULL; /* without want_sizes the workers keep only the sizes model_merge may keep (keep_sizes) */
	vec_free(&m->sizes_kept);
	if (m->want_sizes && (m->sizes = calloc(count ? count : 1, sizeof(rec_sizes))))
		arena_advise_huge(m->sizes, (count ? count : 1) * sizeof(rec_sizes));
	/* room for the usual names per record up front: untouched pages cost no memory, and the tables
	 * never pass through a realloc that holds old and new copies at once */
	vec_reserve(&m->names, (size_t)(count + count / 2));
	vec_reserve(&m->name_hashes, (size_t)(count + count / 2));
	arena_reserve_cap(&m->strings, (size_t)(count * 32));
	arena_reserve_cap(&m->sd_attrs, (size_t)(count * 8)); /* the same: about 1.5 bytes a record are used */
	if (m->want_si_times && !(m->si_times = calloc(count ? 4 * count : 1, sizeof(uint64_t))))
		return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory for the times of %llu records",
				      (unsigned long long)count);
	size_t per_chunk = CHUNK_BYTES / vol->record_size;
	int nt = par_threads(threads, PAR_MAX_THREADS);
	vec scan_lost;
	vec_init(&scan_lost, sizeof(lost_range));
	int nw = SCAN_DEPTH * nt; /* scan_blocks' pipeline; scan_sequential uses the first nt */
	worker *ws = calloc((size_t)nw, sizeof(worker));
	ntfs_status st = NTFS_OK;
	if (!m->recs || (m->want_sizes && !m->sizes) || !ws) {
		st = ntfs_error_set(err, NTFS_E_NOMEM, "out of memory for %llu records", (unsigned long long)count);
		goto out;
	}
	for (int t = 0; t < nw; t++) {
		ws[t].m = m;
		ws[t].scan_lost = &scan_lost;
		vec_init(&ws[t].lost_ranges, sizeof(lost_range));
		ws[t].last_sid = SIZE_MAX;
		ws[t].kept_sd = SIZE_MAX;
		if (!(ws[t].block = malloc(BLOCK_BYTES))) {
			st = ntfs_error_set(err, NTFS_E_NOMEM, "out of memory");
			goto out;
		}
		vec_init(&ws[t].names, sizeof(name_info));
		vec_init(&ws[t].hashes, sizeof(uint32_t));
		vec_init(&ws[t].reparse, sizeof(reparse_raw));
		vec_init(&ws[t].si, 4 * sizeof(uint64_t));
		vec_init(&ws[t].si_recs, sizeof(uint32_t));
		vec_init(&ws[t].sd, sizeof(rec_sd));
		vec_init(&ws[t].sd_attrs_of, sizeof(rec_sd));
		vec_init(&ws[t].streams, sizeof(stream_info));
		vec_init(&ws[t].fn, 4 * sizeof(uint64_t));
		vec_init(&ws[t].fn_names, sizeof(uint32_t));
		vec_init(&ws[t].sizes, sizeof(rec_sizes_kept));
		vec_init(&ws[t].bases, sizeof(rec_base));
		vec_init(&ws[t].owners, sizeof(owner_run));
		anomaly_list_init(&ws[t].anomalies);
	}
	if (!image_reads_parallel(vol->img))
		st = scan_sequential(m, ws, nt, per_chunk, progress, ctx, err);
	else
		st = scan_blocks(m, ws, nt, per_chunk, progress, ctx, err);
	if (st != NTFS_OK)
		goto out;
	if (!records_past_image(m, &scan_lost, vol->records_present)) {
		st = ntfs_error_set(err, NTFS_E_NOMEM, "out of memory");
		goto out;
	}
	lost_anomalies(m, &scan_lost);
	if (!m->sizes && !reread_extension_bases(m)) {
		st = ntfs_error_set(err, NTFS_E_NOMEM, "out of memory for the sizes of extension records' bases");
		goto out;
	}
	profile_count(m->count);
	profile_mark("scan (read + parse)");
	st = model_merge(m, err);
	profile_mark("model merge");
out:
	if (ws)
		for (int t = 0; t < nw; t++) {
			vec_free(&ws[t].names);
			vec_free(&ws[t].hashes);
			vec_free(&ws[t].reparse);
			vec_free(&ws[t].si);
			vec_free(&ws[t].si_recs);
			vec_free(&ws[t].sd);
			vec_free(&ws[t].sd_attrs_of);
			arena_free(&ws[t].sd_attrs);
			vec_free(&ws[t].streams);
			vec_free(&ws[t].fn);
			vec_free(&ws[t].fn_names);
			vec_free(&ws[t].sizes);
			vec_free(&ws[t].bases);
			vec_free(&ws[t].owners);
			arena_free(&ws[t].strings);
			anomaly_list_free(&ws[t].anomalies);
			vec_free(&ws[t].lost_ranges);
			free(ws[t].block);
		}
	free(ws);
	vec_free(&scan_lost);
	return st;
}
