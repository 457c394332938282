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
#include "record.h"
#include "security.h"
#include "std_info.h"
#include "utf16.h"

#define CHUNK_BYTES (4u << 20)    /* records are handed out (and merged in order) 4 MiB at a time */
#define BLOCK_BYTES (128u << 10)  /* each worker reads its share in blocks that stay in its cache */
#define FIXUP_STRIDE 512
#define MAX_NAME_UTF8 (255 * 6 + 1)

/* One worker's share of a chunk and what it found there; merged in order after the chunk. */
typedef struct {
	model *m;
	uint8_t *block;           /* this worker's read buffer (BLOCK_BYTES) */
	uint8_t *chunk;           /* the chunk already read for it (sequential images), or NULL: read blocks */
	uint64_t first;           /* first record of the chunk */
	size_t from, to;          /* records [from, to) of the chunk are this worker's */
	uint64_t lost;            /* records lost to read errors or a short image */
	vec names;                /* name_info with str relative to strings */
	vec reparse;              /* reparse_raw with data relative to strings */
	arena strings;
	anomaly_list anomalies;
	size_t last_sid;          /* offset in strings of the last owner SID kept (files share owners) */
	uint8_t last_sd[256];     /* the security descriptor it came from: most files repeat their neighbour's */
	size_t last_sd_len;
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
	name_info *n = dst ? vec_push(&w->names) : NULL;
	if (!n) {
		w->nomem = true;
		return;
	}
	size_t need = ntfs_utf16_to_utf8(fn.name, fn.name_length, dst, MAX_NAME_UTF8);
	if (need >= MAX_NAME_UTF8)
		need = MAX_NAME_UTF8 - 1;
	w->strings.len -= MAX_NAME_UTF8 - need - 1; /* keep the name and its NUL */
	n->str = (uint64_t)(dst - w->strings.data);
	n->len = (uint16_t)need;
	n->parent_ref = fn.parent_ref;
	n->times[0] = fn.created;
	n->times[1] = fn.modified;
	n->times[2] = fn.mft_modified;
	n->times[3] = fn.accessed;
	n->owner = n->src = rec;
	n->ns = fn.name_space;
	n->units = fn.name_length;
	n->hash = name_hash(w->m->vol->upcase, fn.name, fn.name_length);
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

/* Keeps the owner SID of a record's own security descriptor (NTFS 1.x style, as ntfs-3g writes). */
static void take_security(worker *w, rec_info *ri, const ntfs_attr *a)
{
	ntfs_security_descriptor sd;
	if (a->non_resident) {
		ri->flags |= REC_SD_ELSEWHERE;
		return;
	}
	if (w->last_sid != SIZE_MAX && a->value_length == w->last_sd_len &&
	    !memcmp(a->value, w->last_sd, a->value_length)) {
		ri->owner_sid = (uint32_t)w->last_sid;
		return;
	}
	if (ntfs_sd_decode(a->value, a->value_length, &sd, NULL) != NTFS_OK || !sd.has_owner)
		return;
	size_t n = strlen(sd.owner_sid), off = w->last_sid;
	if (off == SIZE_MAX || strcmp(w->strings.data + off, sd.owner_sid)) {
		off = arena_add(&w->strings, sd.owner_sid, n);
		if (off == SIZE_MAX) {
			w->nomem = true;
			return;
		}
		w->last_sid = off;
	}
	ri->owner_sid = (uint32_t)off;
	w->last_sd_len = a->value_length <= sizeof(w->last_sd) ? a->value_length : 0;
	memcpy(w->last_sd, a->value, w->last_sd_len);
}

/* Takes the facts the model keeps from one attribute of record rec. */
static void take_attr(worker *w, uint32_t rec, rec_info *ri, const ntfs_attr *a)
{
	ntfs_std_info si;
	switch (a->type) {
	case NTFS_AT_STANDARD_INFORMATION:
		if (!a->non_resident && ntfs_std_info_decode(a->value, a->value_length, &si, NULL) == NTFS_OK) {
			ri->flags |= REC_HAS_SI;
			ri->std_flags = si.flags;
			ri->security_id = si.has_v3_fields ? si.security_id : 0;
			if (w->m->si_times) {
				uint64_t *t = &w->m->si_times[4 * (size_t)rec];
				t[0] = si.created;
				t[1] = si.modified;
				t[2] = si.mft_modified;
				t[3] = si.accessed;
			}
		}
		break;
	case NTFS_AT_FILE_NAME:
		take_file_name(w, rec, a);
		break;
	case NTFS_AT_DATA:
		if (a->name_length == 0 && (a->non_resident ? a->lowest_vcn == 0 : true) && !(ri->flags & REC_HAS_DATA)) {
			ri->flags |= REC_HAS_DATA;
			ri->data_size = a->non_resident ? a->data_size : a->value_length;
			ri->allocated_size = a->non_resident ? a->allocated_size : ((a->value_length + 7u) & ~7u);
		}
		break;
	case NTFS_AT_REPARSE_POINT:
		ri->flags |= REC_HAS_REPARSE;
		take_reparse(w, rec, a);
		break;
	case NTFS_AT_ATTRIBUTE_LIST:
		ri->flags |= REC_HAS_ATTR_LIST;
		break;
	case NTFS_AT_SECURITY_DESCRIPTOR:
		take_security(w, ri, a);
		break;
	default:
		break;
	}
}

/* Parses one record in place: header, fixups, attributes. */
static void parse_record(worker *w, uint32_t rec, uint8_t *buf, size_t rs)
{
	rec_info *ri = &w->m->recs[rec];
	ntfs_record_header h;
	ntfs_record_fixups fx;
	ntfs_error e;
	ri->base = MODEL_NONE;
	ri->reparse = MODEL_NONE;
	ri->owner_sid = MODEL_NONE;
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
		ri->base = b < w->m->count ? (uint32_t)b : MODEL_NONE - 1;
		ri->base_seq = ntfs_ref_sequence(h.base_ref);
	}
	if (fx.bad_count) {
		ri->flags |= REC_BAD_FIXUP;
		ri->fixup_bad = (uint8_t)fx.bad_count;
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
	ntfs_attr_iter_init(&it, buf, h.bytes_in_use < rs ? h.bytes_in_use : rs, h.attrs_offset);
	while ((r = ntfs_attr_iter_next(&it, &a, &e)) == 1)
		take_attr(w, rec, ri, &a);
	if (r < 0 && (ri->flags & REC_IN_USE))
		anomaly_add(&w->anomalies, "bad_attribute", rec, "attribute walk stopped: %s", e.reason);
}

/* Marks records lost after a read error, so the report says what is missing. */
static void records_lost(worker *w, uint64_t first, size_t n, const ntfs_error *e)
{
	anomaly_add(&w->anomalies, "read_error", first, "records %llu-%llu unreadable: %s", (unsigned long long)first,
		    (unsigned long long)(first + n - 1), e->reason);
	w->lost += n;
	for (size_t i = 0; i < n; i++) {
		rec_info *ri = &w->m->recs[first + i];
		ri->base = ri->reparse = ri->owner_sid = MODEL_NONE;
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
	for (size_t i = w->from; i < w->to; i += per_block) {
		size_t n = w->to - i < per_block ? w->to - i : per_block;
		uint64_t rec = w->first + i, short_records = 0;
		ntfs_error e;
		if (volume_read_records(vol, rec, n, w->block, &short_records, &e) != NTFS_OK) {
			records_lost(w, rec, n, &e);
			continue;
		}
		if (short_records) {
			ntfs_error_set(&e, NTFS_E_TRUNCATED, "the image ends before them");
			records_lost(w, rec + n - short_records, (size_t)short_records, &e);
			n -= (size_t)short_records;
		}
		for (size_t j = 0; j < n; j++)
			parse_record(w, (uint32_t)(rec + j), w->block + j * rs, rs);
	}
	return NULL;
}

/* Moves one worker's findings into the model, rebasing string offsets. */
static int worker_merge(model *m, worker *w)
{
	size_t base = m->strings.len;
	if (w->strings.len && !arena_reserve(&m->strings, w->strings.len))
		return -1;
	if (w->strings.len)
		memcpy(m->strings.data + base, w->strings.data, w->strings.len);
	for (size_t i = 0; i < w->names.count; i++)
		VEC_AT(&w->names, name_info, i).str += base;
	for (size_t i = 0; i < w->reparse.count; i++)
		VEC_AT(&w->reparse, reparse_raw, i).data += base;
	for (size_t i = w->from; i < w->to; i++) {
		rec_info *ri = &m->recs[w->first + i];
		if (ri->owner_sid != MODEL_NONE) {
			if (base + ri->owner_sid >= MODEL_NONE)
				return -1; /* over 4 GiB of names: beyond what the table indexes */
			ri->owner_sid += (uint32_t)base;
		}
	}
	w->last_sid = SIZE_MAX;
	if (w->lost) {
		m->unreadable_records += w->lost;
		m->partial = true;
		w->lost = 0;
	}
	if (vec_append(&m->names, &w->names) || vec_append(&m->reparse, &w->reparse))
		return -1;
	for (size_t i = 0; i < w->anomalies.items.count; i++) {
		anomaly *a = &VEC_AT(&w->anomalies.items, anomaly, i);
		anomaly_add(&m->anomalies, a->type, a->record, "%s", anomaly_detail(&w->anomalies, a));
	}
	w->names.count = w->reparse.count = 0;
	w->strings.len = 0;
	w->anomalies.items.count = 0;
	w->anomalies.text.len = 0;
	return w->nomem ? -1 : 0;
}

/* Number of worker threads: the request, else one per online core, at most 64. */
static int thread_count(int requested)
{
	long n = requested > 0 ? requested : sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

/* Parses one chunk of records with all workers and merges their findings in record order. */
static int parse_chunk(model *m, worker *ws, int nt, uint64_t first, size_t n, uint8_t *chunk)
{
	pthread_t tid[64];
	bool started[64] = {false};
	for (int t = 0; t < nt; t++) {
		ws[t].chunk = chunk;
		ws[t].first = first;
		ws[t].from = n * (size_t)t / (size_t)nt;
		ws[t].to = n * (size_t)(t + 1) / (size_t)nt;
	}
	for (int t = 1; t < nt; t++)
		started[t] = pthread_create(&tid[t], NULL, worker_run, &ws[t]) == 0;
	worker_run(&ws[0]);
	for (int t = 1; t < nt; t++) {
		if (started[t])
			pthread_join(tid[t], NULL);
		else
			worker_run(&ws[t]); /* could not start a thread: do its share here */
	}
	for (int t = 0; t < nt; t++)
		if (worker_merge(m, &ws[t]))
			return -1;
	return 0;
}

/* Images whose reads take turns behind a lock (libewf decompression, TSK's split raw reader). */
static bool reads_serialized(const image *img)
{
	image_format f = image_get_format(img);
	return f == IMAGE_FORMAT_EWF || f == IMAGE_FORMAT_SPLIT_RAW;
}

/* After chunk [.., done) the progress callback may stop the scan: the rest is marked not scanned. */
static bool stop_after(model *m, uint64_t done, mft_scan_progress progress, void *ctx)
{
	if (!progress || !progress(ctx, m, done, m->count))
		return false;
	anomaly_add(&m->anomalies, "scan_interrupted", done, "scan stopped after %llu of %llu records",
		    (unsigned long long)done, (unsigned long long)m->count);
	m->partial = true;
	for (uint64_t rec = done; rec < m->count; rec++)
		m->recs[rec].base = m->recs[rec].reparse = m->recs[rec].owner_sid = MODEL_NONE;
	return true;
}

/* Images read with pread: each worker reads its own share in cache-sized blocks. */
static ntfs_status scan_blocks(model *m, worker *ws, int nt, size_t per_chunk, mft_scan_progress progress, void *ctx,
			       ntfs_error *err)
{
	for (uint64_t first = 0; first < m->count; first += per_chunk) {
		size_t n = m->count - first < per_chunk ? (size_t)(m->count - first) : per_chunk;
		if (parse_chunk(m, ws, nt, first, n, NULL))
			return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory at record %llu", (unsigned long long)first);
		if (stop_after(m, first + n, progress, ctx))
			break;
	}
	return NTFS_OK;
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

/*
 * Images whose reads are serialized (E01 decompression, TSK's split raw): one thread reads ahead,
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
			ntfs_error_set(&cur->e, NTFS_E_TRUNCATED, "the image ends before them");
			records_lost(&ws[0], done - cur->short_records, (size_t)cur->short_records, &cur->e);
			good -= (size_t)cur->short_records;
		}
		int r = parse_chunk(m, ws, nt, cur->first, good, cur->buf);
		if (have_next) {
			if (threaded)
				pthread_join(reader, NULL);
			else
				chunk_read(next);
		}
		if (r) {
			st = ntfs_error_set(err, NTFS_E_NOMEM, "out of memory at record %llu", (unsigned long long)cur->first);
			goto out;
		}
		if (stop_after(m, done, progress, ctx) || !have_next)
			break;
	}
out:
	free(io[0].buf);
	free(io[1].buf);
	return st;
}

ntfs_status mft_scan(model *m, int threads, mft_scan_progress progress, void *ctx, ntfs_error *err)
{
	volume *vol = m->vol;
	uint64_t count = vol->record_count;
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
	/* room for the usual names per record up front: untouched pages cost no memory, and the tables
	 * never pass through a realloc that holds old and new copies at once */
	vec_reserve(&m->names, (size_t)(count + count / 2));
	arena_reserve_cap(&m->strings, (size_t)(count * 32));
	if (m->want_si_times && !(m->si_times = calloc(count ? 4 * count : 1, sizeof(uint64_t))))
		return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory for the times of %llu records",
				      (unsigned long long)count);
	size_t per_chunk = CHUNK_BYTES / vol->record_size;
	int nt = thread_count(threads);
	worker *ws = calloc((size_t)nt, sizeof(worker));
	ntfs_status st = NTFS_OK;
	if (!m->recs || !ws) {
		st = ntfs_error_set(err, NTFS_E_NOMEM, "out of memory for %llu records", (unsigned long long)count);
		goto out;
	}
	for (int t = 0; t < nt; t++) {
		ws[t].m = m;
		ws[t].last_sid = SIZE_MAX;
		if (!(ws[t].block = malloc(BLOCK_BYTES))) {
			st = ntfs_error_set(err, NTFS_E_NOMEM, "out of memory");
			goto out;
		}
		vec_init(&ws[t].names, sizeof(name_info));
		vec_init(&ws[t].reparse, sizeof(reparse_raw));
		anomaly_list_init(&ws[t].anomalies);
	}
	if (reads_serialized(vol->img))
		st = scan_sequential(m, ws, nt, per_chunk, progress, ctx, err);
	else
		st = scan_blocks(m, ws, nt, per_chunk, progress, ctx, err);
	if (st != NTFS_OK)
		goto out;
	st = model_merge(m, err);
out:
	if (ws)
		for (int t = 0; t < nt; t++) {
			vec_free(&ws[t].names);
			vec_free(&ws[t].reparse);
			arena_free(&ws[t].strings);
			anomaly_list_free(&ws[t].anomalies);
			free(ws[t].block);
		}
	free(ws);
	return st;
}
