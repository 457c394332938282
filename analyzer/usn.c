/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE /* SEEK_DATA, SEEK_HOLE */
#include "config.h"
#include "usn.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "attribute.h"
#include "le.h"
#include "links.h"
#include "record.h"
#include "resolve.h"
#include "runlist.h"
#include "usn_record.h"

#define USN_LINK_REASONS (NTFS_USN_REASON_HARD_LINK_CHANGE | NTFS_USN_REASON_REPARSE_POINT_CHANGE)
#define USN_NAME_REASONS (NTFS_USN_REASON_FILE_CREATE | NTFS_USN_REASON_FILE_DELETE | \
			  NTFS_USN_REASON_RENAME_OLD_NAME | NTFS_USN_REASON_RENAME_NEW_NAME)
#define USN_DAMAGE_ANOMALIES 16   /* damaged ranges (and unreadable blocks) named one by one; the rest are counted */
#define USN_NAME_MAX (NTFS_USN_PAGE_SIZE / 2 * 3 + 1) /* UTF-8 of the longest name a record can hold */

/* A range of the stream that holds data: [start, end). */
typedef struct {
	uint64_t start, end;
} usn_range;

/* Where the stream's bytes come from: the volume's runs, or an extracted file. */
typedef struct {
	volume *vol;              /* NULL: read fd */
	ntfs_runlist rl;
	int fd;
	vec ranges;               /* usn_range in stream order */
} usn_source;

/* Which records count as links now, and which the journal shows were. */
typedef struct {
	const model *m;
	uint8_t *now;             /* bit per record: a hard-link set, a reparse point, or a resolved target */
	vec was;                  /* uint64_t file references with a link event, sorted after pass 1 */
	uint64_t damage_reported;
	uint64_t unreadable_reported; /* blocks that could not be read */
} usn_select;

void usn_journal_init(usn_journal *j)
{
	memset(j, 0, sizeof(*j));
	vec_init(&j->events, sizeof(usn_event));
	anomaly_list_init(&j->anomalies);
}

void usn_journal_free(usn_journal *j)
{
	vec_free(&j->events);
	arena_free(&j->strings);
	anomaly_list_free(&j->anomalies);
	memset(j, 0, sizeof(*j));
}

const char *usn_parent_state_name(usn_parent_state s)
{
	switch (s) {
	case USN_PARENT_SAME: return "same";
	case USN_PARENT_REUSED: return "reused";
	default: return "missing";
	}
}

/* Marks record r in the bitmap. */
static void mark(uint8_t *bits, uint64_t count, uint64_t r)
{
	if (r < count)
		bits[r / 8] |= (uint8_t)(1u << (r % 8));
}

/* Builds the "now a link" bitmap: hard-link sets, records with a reparse point, resolved targets here. */
static ntfs_status select_init(usn_select *s, const usn_input *in, ntfs_error *err)
{
	const model *m = in->m;
	s->m = m;
	vec_init(&s->was, sizeof(uint64_t));
	s->now = calloc(m->count / 8 + 1, 1);
	if (!s->now)
		return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory");
	for (uint64_t r = 0; r < m->count; r++) {
		const rec_info *ri = &m->recs[r];
		if (ri->state != REC_OK || (ri->flags & REC_EXTENSION))
			continue;
		if ((ri->flags & REC_HAS_REPARSE) || links_name_count(m, (uint32_t)r) > 1)
			mark(s->now, m->count, r);
	}
	for (size_t v = 0; v < in->nlinks; v++)
		for (size_t i = 0; i < in->links[v]->count; i++) {
			const link_entry *le = &VEC_AT(in->links[v], link_entry, i);
			if (le->has_target && le->target.has_record && le->target.volume == in->volume)
				mark(s->now, m->count, le->target.record);
		}
	return NTFS_OK;
}

/* True when file reference ref names a record that is a link (or a target) now: same record, and the
 * sequence it has (in use) or had before its deletion (a deleted record's sequence was raised). */
static bool is_now(const usn_select *s, uint64_t ref)
{
	uint64_t r = ntfs_ref_record(ref);
	uint16_t seq = ntfs_ref_sequence(ref);
	if (r >= s->m->count || !(s->now[r / 8] & (1u << (r % 8))))
		return false;
	const rec_info *ri = &s->m->recs[r];
	if (ri->flags & REC_IN_USE)
		return ri->sequence == seq;
	return ri->sequence == seq || (uint16_t)(ri->sequence - 1) == seq;
}

/* Orders file references. */
static int ref_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* True when the journal showed a link event of ref (after pass 1). */
static bool was_link(const usn_select *s, uint64_t ref)
{
	return s->was.count && bsearch(&ref, s->was.data, s->was.count, sizeof(uint64_t), ref_cmp);
}

/* Sorts and dedupes the references of pass 1. */
static void was_settle(usn_select *s)
{
	uint64_t *w = s->was.data;
	size_t n = 0;
	vec_sort(&s->was, ref_cmp);
	for (size_t i = 0; i < s->was.count; i++)
		if (n == 0 || w[n - 1] != w[i])
			w[n++] = w[i];
	s->was.count = n;
}

/* The path of name under parent directory dir as the live MFT has it (dir's path, a backslash, name). */
static size_t event_path(const paths *p, uint32_t dir, const char *name, arena *strings)
{
	char *d = paths_dir_alloc(p, dir);
	if (!d)
		return SIZE_MAX;
	size_t dl = strlen(d), nl = strlen(name);
	bool root = dl == 1 && d[0] == '\\';
	char *full = malloc(dl + nl + 2);
	size_t off = SIZE_MAX;
	if (full) {
		memcpy(full, d, dl);
		size_t at = root ? 1 : dl;
		if (!root)
			full[at++] = '\\';
		memcpy(full + at, name, nl);
		off = arena_add(strings, full, at + nl);
	}
	free(full);
	free(d);
	return off;
}

/* Keeps one decoded record as a link event. */
static ntfs_status keep_event(const usn_input *in, usn_journal *j, const ntfs_usn_record *r, uint64_t offset,
			      ntfs_error *err)
{
	char name[USN_NAME_MAX];
	ntfs_usn_record_name_utf8(r, name, sizeof(name));
	usn_event *e = vec_push(&j->events);
	if (!e)
		return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory for the journal's link events");
	e->usn = r->usn;
	e->offset = offset;
	e->time = r->timestamp;
	e->file_ref = r->file_ref;
	e->parent_ref = r->parent_ref;
	e->reason = r->reason;
	e->major = r->major;
	e->name = arena_add(&j->strings, name, strlen(name));
	e->path = SIZE_MAX;
	e->parent_state = USN_PARENT_MISSING;
	uint64_t pr = ntfs_ref_record(r->parent_ref);
	const model *m = in->m;
	if (model_in_use(m, pr) && (m->recs[pr].flags & REC_DIR)) {
		e->parent_state = m->recs[pr].sequence == ntfs_ref_sequence(r->parent_ref) ? USN_PARENT_SAME : USN_PARENT_REUSED;
		e->path = event_path(in->p, (uint32_t)pr, name, &j->strings);
	}
	if (e->name == SIZE_MAX)
		return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory for the journal's names");
	return NTFS_OK;
}

/* Reads len bytes at stream offset off into buf. */
static ntfs_status source_read(usn_source *src, uint64_t off, uint8_t *buf, size_t len, ntfs_error *err)
{
	if (src->vol)
		return volume_read_runs(src->vol, &src->rl, off, buf, len, err);
	size_t done = 0;
	while (done < len) {
		ssize_t n = pread(src->fd, buf + done, len - done, (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ntfs_error_set(err, NTFS_E_IO, "read at byte %llu: %s", (unsigned long long)(off + done),
					      strerror(errno));
		if (n == 0) { /* the file shrank: the rest reads as zeros */
			memset(buf + done, 0, len - done);
			break;
		}
		done += (size_t)n;
	}
	return NTFS_OK;
}

/* One step of a pass over one record: counts it (pass 1) and keeps it when it is a link event. */
static ntfs_status take_record(const usn_input *in, usn_journal *j, usn_select *s, int pass,
			       const ntfs_usn_record *r, uint64_t offset, ntfs_error *err)
{
	bool keep;
	if (pass == 1) {
		j->events_total++;
		for (int b = 0; b < USN_REASON_BITS; b++)
			if (r->reason & (1u << b))
				j->by_reason[b]++;
		bool link = r->reason & USN_LINK_REASONS, now = is_now(s, r->file_ref);
		if (link && !now) {
			uint64_t *w = vec_push(&s->was);
			if (!w)
				return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory");
			*w = r->file_ref;
		}
		keep = link || ((r->reason & USN_NAME_REASONS) && now);
	} else {
		keep = !(r->reason & USN_LINK_REASONS) && (r->reason & USN_NAME_REASONS) && !is_now(s, r->file_ref) &&
		       was_link(s, r->file_ref);
	}
	return keep ? keep_event(in, j, r, offset, err) : NTFS_OK;
}

/* Records one damaged range (pass 1 only), naming the first few. */
static void damage(usn_journal *j, usn_select *s, const ntfs_usn_iter *it, const ntfs_error *e)
{
	j->complete = false;
	j->damaged_bytes += it->damage_length;
	if (s->damage_reported++ < USN_DAMAGE_ANOMALIES)
		anomaly_add(&j->anomalies, "usn_damaged", ANOMALY_NO_RECORD, "$J bytes %llu-%llu are no USN records: %s",
			    (unsigned long long)it->damage_offset,
			    (unsigned long long)(it->damage_offset + it->damage_length - 1), e->reason);
}

/* One pass over the data ranges, block by block. */
static ntfs_status usn_pass(const usn_input *in, usn_journal *j, usn_source *src, usn_select *s, int pass,
			    uint8_t *block, ntfs_error *err)
{
	uint64_t prev_end = 0;
	for (size_t i = 0; i < src->ranges.count; i++) {
		const usn_range *rg = &VEC_AT(&src->ranges, usn_range, i);
		uint64_t off = rg->start - rg->start % NTFS_USN_PAGE_SIZE; /* the page's start reads as zeros (sparse) */
		if (off < prev_end)
			off = prev_end;
		while (off < rg->end) {
			uint64_t next = (off / USN_BLOCK_BYTES + 1) * USN_BLOCK_BYTES;
			size_t n = (size_t)((next < rg->end ? next : rg->end) - off);
			ntfs_error e;
			if (source_read(src, off, block, n, &e) != NTFS_OK) {
				if (pass == 1 && s->unreadable_reported++ < USN_DAMAGE_ANOMALIES)
					anomaly_add(&j->anomalies, "usn_unreadable", ANOMALY_NO_RECORD,
						    "$J bytes %llu-%llu could not be read: %s", (unsigned long long)off,
						    (unsigned long long)(off + n - 1), e.reason);
				j->complete = false;
				off += n;
				continue;
			}
			if (pass == 1)
				j->bytes_read += n;
			ntfs_usn_iter it;
			ntfs_usn_record r;
			ntfs_usn_iter_init(&it, block, n, off, src->vol != NULL);
			for (ntfs_usn_step st; (st = ntfs_usn_iter_next(&it, &r, &e)) != NTFS_USN_STEP_END;) {
				if (st == NTFS_USN_STEP_DAMAGED) {
					if (pass == 1)
						damage(j, s, &it, &e);
					continue;
				}
				ntfs_status ts = take_record(in, j, s, pass, &r, it.record_offset, err);
				if (ts != NTFS_OK)
					return ts;
			}
			off += n;
		}
		prev_end = rg->end;
	}
	return NTFS_OK;
}

/*
 * The data ranges of the volume's $J: its non-sparse runs, joined where they touch, cut at the declared size.
 * Runs that together claim more bytes than the volume holds are damage: reading stops at the volume's size.
 */
static void volume_ranges(usn_journal *j, usn_source *src, uint64_t size)
{
	uint64_t cs = src->vol->boot.cluster_size, total = 0, cap = src->vol->length;
	for (size_t i = 0; i < src->rl.count; i++) {
		const ntfs_run *run = &src->rl.runs[i];
		if (run->lcn == NTFS_LCN_SPARSE)
			continue;
		uint64_t start, end;
		if (__builtin_mul_overflow(run->vcn, cs, &start) || start >= size)
			break;
		if (__builtin_mul_overflow(run->vcn + run->length, cs, &end) || end > size)
			end = size;
		if (total + (end - start) > cap) {
			anomaly_add(&j->anomalies, "usn_runs_exceed_volume", ANOMALY_NO_RECORD,
				    "$J's allocated runs claim more than the volume's %llu bytes; the first %llu bytes of them are read",
				    (unsigned long long)cap, (unsigned long long)total);
			j->complete = false;
			end = start + (cap - total);
		}
		total += end - start;
		usn_range *last = src->ranges.count ? &VEC_AT(&src->ranges, usn_range, src->ranges.count - 1) : NULL;
		if (last && last->end == start)
			last->end = end;
		else if ((last = vec_push(&src->ranges)))
			*last = (usn_range){start, end};
		if (total >= cap)
			break;
	}
}

/* The data ranges of an extracted file: what SEEK_DATA finds (the whole file where holes are not reported). */
static void file_ranges(usn_source *src, uint64_t size)
{
	uint64_t off = 0;
	while (off < size) {
		off_t d = lseek(src->fd, (off_t)off, SEEK_DATA);
		if (d < 0) {
			if (errno == ENXIO)
				break; /* only a hole is left */
			d = (off_t)off;
		}
		off_t h = lseek(src->fd, d, SEEK_HOLE);
		uint64_t end = h < 0 || (uint64_t)h > size ? size : (uint64_t)h;
		if (end <= (uint64_t)d)
			break;
		usn_range *r = vec_push(&src->ranges);
		if (!r)
			break;
		*r = (usn_range){(uint64_t)d, end};
		off = end;
	}
}

/* Finds the volume's $Extend\$UsnJrnl:$J and its runs; false when there is none (or it cannot be used). */
static bool open_volume_journal(const usn_input *in, usn_journal *j, usn_source *src)
{
	const model *m = in->m;
	if (m->vol->is_mft_file)
		return false; /* an extracted $MFT: the stream's data is not there (give it with --usn) */
	uint32_t ext = name_index_dir(in->ix, "\\$Extend");
	uint32_t found[4];
	size_t n = ext == MODEL_NONE ? 0 : name_index_find(in->ix, ext, "$UsnJrnl", 8, found, 4);
	uint32_t rec = MODEL_NONE;
	for (size_t i = 0; i < n && rec == MODEL_NONE; i++)
		if (model_in_use(m, model_name(m, found[i])->owner))
			rec = model_name(m, found[i])->owner;
	if (rec == MODEL_NONE)
		return false;
	ntfs_error e;
	volume_attr at;
	ntfs_status st = volume_find_attr(m->vol, rec, NTFS_AT_DATA, "$J", &at, &e);
	if (st == NTFS_OK && !at.found)
		return false; /* $UsnJrnl without $J: a journal being created or deleted */
	j->source = "volume";
	j->present = true;
	if (st == NTFS_OK && at.resident) /* Windows never keeps $J resident: no runs to read */
		st = ntfs_error_set(&e, NTFS_E_UNSUPPORTED, "the stream is resident");
	if (st != NTFS_OK) {
		anomaly_add(&j->anomalies, "usn_unreadable", rec, "$UsnJrnl:$J cannot be read: %s", e.reason);
		j->complete = false;
		volume_attr_free(&at);
		return false;
	}
	src->vol = m->vol;
	src->rl = at.rl;                 /* the source owns the runs from here on */
	memset(&at.rl, 0, sizeof(at.rl));
	j->stream_size = at.data_size;
	volume_attr_free(&at);
	volume_ranges(j, src, j->stream_size);
	return true;
}

/* Opens the extracted $J of in->file. */
static ntfs_status open_file_journal(const usn_input *in, usn_journal *j, usn_source *src, ntfs_error *err)
{
	struct stat sb;
	src->fd = open(in->file, O_RDONLY | O_CLOEXEC);
	if (src->fd < 0)
		return ntfs_error_set(err, NTFS_E_IO, "--usn %s: %s", in->file, strerror(errno));
	if (fstat(src->fd, &sb) != 0 || !S_ISREG(sb.st_mode))
		return ntfs_error_set(err, NTFS_E_IO, "--usn %s: not a regular file", in->file);
	j->source = in->file;
	j->present = true;
	j->stream_size = (uint64_t)sb.st_size;
	file_ranges(src, (uint64_t)sb.st_size);
	return NTFS_OK;
}

/* Orders events by USN, then by where they lie in the stream. */
static int event_cmp(const void *a, const void *b)
{
	const usn_event *x = a, *y = b;
	if (x->usn != y->usn)
		return x->usn < y->usn ? -1 : 1;
	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

ntfs_status usn_read(const usn_input *in, usn_journal *j, ntfs_error *err)
{
	usn_source src = {.fd = -1};
	usn_select s = {0};
	uint8_t *block = NULL;
	vec_init(&src.ranges, sizeof(usn_range));
	vec_init(&s.was, sizeof(uint64_t));
	j->complete = true;
	ntfs_status st = NTFS_OK;
	if (in->file)
		st = open_file_journal(in, j, &src, err);
	else if (!open_volume_journal(in, j, &src))
		goto out;
	if (st != NTFS_OK)
		goto out;
	if ((st = select_init(&s, in, err)) != NTFS_OK)
		goto out;
	if (!(block = malloc(USN_BLOCK_BYTES))) {
		st = ntfs_error_set(err, NTFS_E_NOMEM, "out of memory");
		goto out;
	}
	j->passes = 1;
	st = usn_pass(in, j, &src, &s, 1, block, err);
	if (st == NTFS_OK && s.was.count) {
		was_settle(&s);
		j->passes = 2;
		st = usn_pass(in, j, &src, &s, 2, block, err);
	}
	if (st == NTFS_OK)
		vec_sort(&j->events, event_cmp);
	if (s.unreadable_reported > USN_DAMAGE_ANOMALIES)
		anomaly_add(&j->anomalies, "usn_unreadable", ANOMALY_NO_RECORD, "%llu blocks of $J could not be read in all",
			    (unsigned long long)s.unreadable_reported);
	if (s.damage_reported > USN_DAMAGE_ANOMALIES)
		anomaly_add(&j->anomalies, "usn_damaged", ANOMALY_NO_RECORD, "%llu damaged ranges of $J in all (%llu bytes)",
			    (unsigned long long)s.damage_reported, (unsigned long long)j->damaged_bytes);
out:
	if (!j->present)
		j->complete = false;
	free(block);
	free(s.now);
	vec_free(&s.was);
	vec_free(&src.ranges);
	ntfs_runlist_free(&src.rl);
	if (src.fd >= 0)
		close(src.fd);
	return st;
}
