/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"
#include "report.h"

#include <jansson.h>
#include <pthread.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "file_name.h"
#include "json_out.h"
#include "par.h"
#include "report_findings.h"
#include "le.h"
#include "report_history.h"
#include "report_only.h"
#include "shell_link.h"

typedef struct sec_cache sec_cache;

/* Where the report goes and in which shape. */
typedef struct {
	json_out *out;
	bool ndjson;
	bool first_item;          /* JSON mode: no comma before the first item of an array */
	int volume;
	bool du;                  /* --du: directory sizes follow the anomalies */
	int threads;              /* writers for the hard-link sets of a large volume */
	report_filter filter;     /* --only: what of the volume is written (report_only.h) */
	const sec_cache *sec;     /* the volume's security fragments (NULL: written directly) */
	bool failed;
} writer;

/* A string that may be NULL, as JSON (jansson rejects invalid UTF-8; fall back to an escaped form). */
static json_t *jstr(const char *s)
{
	if (!s)
		return json_null();
	json_t *j = json_string(s);
	if (j)
		return j;
	/* not valid UTF-8: keep the bytes visible as \xNN rather than dropping the value */
	size_t n = strlen(s);
	char *buf = malloc(n * 4 + 1), *w = buf;
	if (!buf)
		return json_null();
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80)
			*w++ = (char)c;
		else
			w += sprintf(w, "\\x%02X", c);
	}
	*w = '\0';
	j = json_string(buf);
	free(buf);
	return j ? j : json_null();
}

/* Dumps a jansson value compactly into the output buffer. */
static void dump(writer *w, json_t *item)
{
	if (json_dump_callback(item, json_out_jansson_cb, w->out, JSON_COMPACT | JSON_PRESERVE_ORDER) < 0)
		w->failed = true;
}

/* Starts an item: a new NDJSON line, or the next element of the open array. */
static void item_begin(writer *w)
{
	if (!w->ndjson)
		json_out_lit(w->out, w->first_item ? "\n    " : ",\n    ");
	w->first_item = false;
}

/* Ends an item written by hand: NDJSON lines get their type and volume before the closing brace. */
static void item_end(writer *w, const char *type)
{
	if (w->ndjson) {
		json_out_lit(w->out, ",\"type\":");
		json_out_str(w->out, type);
		if (w->volume >= 0) {
			json_out_lit(w->out, ",\"volume\":");
			json_out_u64(w->out, (uint64_t)w->volume);
		}
		json_out_lit(w->out, "}\n");
	} else {
		json_out_lit(w->out, "}");
	}
}

/* Emits one jansson item: a line of NDJSON with type and volume added, or an element of the open array. */
static void emit(writer *w, const char *type, json_t *item)
{
	if (!item) {
		w->failed = true;
		return;
	}
	if (w->ndjson) {
		json_object_set_new(item, "type", json_string(type));
		if (w->volume >= 0)
			json_object_set_new(item, "volume", json_integer(w->volume));
	}
	item_begin(w);
	dump(w, item);
	if (w->ndjson)
		json_out_lit(w->out, "\n");
	json_decref(item);
}

/* Opens a named array inside the volume object (JSON mode only). */
static void array_open(writer *w, const char *name)
{
	if (!w->ndjson) {
		json_out_lit(w->out, ",\n   \"");
		json_out_lit(w->out, name);
		json_out_lit(w->out, "\": [");
		w->first_item = true;
	}
}

/* Closes the array opened last. */
static void array_close(writer *w)
{
	if (!w->ndjson)
		json_out_lit(w->out, w->first_item ? "]" : "\n   ]");
}

/* Path of name n as a JSON string. */
static json_t *jpath(const analysis_volume *va, const name_info *n)
{
	char *p = paths_name_alloc(va->p, n);
	json_t *j = jstr(p);
	free(p);
	return j;
}

/* How a writer encodes strings: json_out_str (the streamed sets) or json_out_jstr (what jansson's items wrote). */
typedef void (*str_fn)(json_out *o, const char *s);

/* writable_by: each principal that may write, with the write rights it holds (analyzer/access.h). */
static void writers_write(json_out *o, const access_table *t, const access_info *in, str_fn str)
{
	json_out_lit(o, "[");
	for (uint32_t k = 0; k < in->writer_count; k++) {
		access_writer w = access_writer_at(t, in, k);
		if (k)
			json_out_lit(o, ",");
		json_out_const(o, "{\"sid\":");
		str(o, w.sid);
		json_out_const(o, ",\"name\":");
		str(o, w.name);
		json_out_const(o, ",\"rights\":[");
		bool first = true;
		for (int i = 0; i < ACCESS_RIGHT_NAMES; i++) {
			if (!(w.rights & access_right_bit[i]))
				continue;
			if (!first)
				json_out_lit(o, ",");
			first = false;
			str(o, access_right_name[i]);
		}
		json_out_lit(o, "]}");
	}
	json_out_lit(o, "]");
}

/* ,"security":{...}: a descriptor as SDDL, its owner and group with names, writable_by. */
static void security_write_info(json_out *o, const access_table *t, const access_info *in, str_fn str)
{
	json_out_const(o, ",\"security\":{\"source\":");
	str(o, in->source);
	json_out_const(o, ",\"sddl\":");
	str(o, in->sddl);
	json_out_const(o, ",\"owner_sid\":");
	str(o, in->owner_sid);
	json_out_const(o, ",\"owner_name\":");
	str(o, in->owner_name);
	json_out_const(o, ",\"group_sid\":");
	str(o, in->group_sid);
	json_out_const(o, ",\"group_name\":");
	str(o, in->group_name);
	json_out_const(o, ",\"writable_by\":");
	if (in->known)
		writers_write(o, t, in, str);
	else
		json_out_lit(o, "null");
	if (in->error) {
		json_out_const(o, ",\"error\":");
		str(o, in->error);
	}
	json_out_lit(o, "}");
}

/* ,"parent_sddl":...,"parent_writable_by":[...]: a folder's descriptor, as a name of a set shows it. */
static void parent_security_write_info(json_out *o, const access_table *t, const access_info *in, str_fn str)
{
	json_out_const(o, ",\"parent_sddl\":");
	str(o, in->sddl);
	json_out_const(o, ",\"parent_writable_by\":");
	if (in->known)
		writers_write(o, t, in, str);
	else
		json_out_lit(o, "null");
}

/*
 * The two fragments above, written once per settled descriptor entry (records share a few: a volume of a
 * million records had a dozen) and copied for every record that has it. Slot access_desc_count() is
 * the "not read" info. Entries past SEC_CACHE_BYTES of text are written directly each time.
 */
#define SEC_CACHE_BYTES (8u << 20)

typedef struct {
	size_t off, len;          /* in the cache's text; len 0: not cached */
	bool ascii;               /* its strings are printable ASCII: json_out_jstr writes the same bytes */
} sec_frag;

struct sec_cache {
	size_t n;                 /* descriptor entries + 1 */
	sec_frag *sec, *parent;
	char *text;               /* every fragment, one after the other */
	size_t text_len;
};

/* True when s (NULL too) holds printable ASCII only. */
static bool str_ascii(const char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x80)
			return false;
	return true;
}

/* True when every string of info in is printable ASCII (the two string encoders agree on it). */
static bool info_ascii(const access_table *t, const access_info *in)
{
	bool ok = str_ascii(in->source) && str_ascii(in->sddl) && str_ascii(in->owner_sid) && str_ascii(in->owner_name) &&
		  str_ascii(in->group_sid) && str_ascii(in->group_name) && str_ascii(in->error);
	for (uint32_t k = 0; ok && in->known && k < in->writer_count; k++) {
		access_writer w = access_writer_at(t, in, k);
		ok = str_ascii(w.sid) && str_ascii(w.name);
	}
	return ok;
}

/* The cache of volume va's descriptors, or NULL (then every record is written directly). */
static sec_cache *sec_cache_make(const analysis_volume *va)
{
	const access_table *t = va->access;
	sec_cache *c = calloc(1, sizeof(*c));
	json_out *o = malloc(sizeof(*o));
	FILE *f = c && o ? open_memstream(&c->text, &c->text_len) : NULL;
	if (!f) {
		free(c);
		free(o);
		return NULL;
	}
	json_out_init(o, f);
	c->n = access_desc_count(t) + 1;
	c->sec = calloc(c->n, sizeof(*c->sec));
	c->parent = calloc(c->n, sizeof(*c->parent));
	for (size_t d = 0; c->sec && c->parent && d < c->n && json_out_tell(o) < SEC_CACHE_BYTES; d++) {
		access_info in = d + 1 < c->n ? access_desc_info(t, (uint32_t)d) : access_record(t, UINT32_MAX);
		uint64_t at = json_out_tell(o);
		security_write_info(o, t, &in, json_out_str);
		uint64_t mid = json_out_tell(o);
		parent_security_write_info(o, t, &in, json_out_str);
		bool ascii = info_ascii(t, &in);
		c->sec[d] = (sec_frag){(size_t)at, (size_t)(mid - at), ascii};
		c->parent[d] = (sec_frag){(size_t)mid, (size_t)(json_out_tell(o) - mid), ascii};
	}
	bool bad = json_out_flush(o) != 0;
	free(o);
	if (fclose(f) || bad || !c->sec || !c->parent) {
		free(c->text);
		free(c->sec);
		free(c->parent);
		free(c);
		return NULL;
	}
	return c;
}

/* Releases a cache. */
static void sec_cache_free(sec_cache *c)
{
	if (c) {
		free(c->text);
		free(c->sec);
		free(c->parent);
	}
	free(c);
}

/* The cached fragment of info in (from list frags of c), or NULL. */
static const sec_frag *sec_cached(const sec_cache *c, const sec_frag *frags, const access_info *in)
{
	if (!c || !frags)
		return NULL;
	size_t d = in->desc == ACCESS_NONE ? c->n - 1 : in->desc;
	return d < c->n && frags[d].len ? &frags[d] : NULL;
}

/* ,"security":{...} of record r (cached when c holds it). */
static void security_write(json_out *o, const analysis_volume *va, const sec_cache *c, uint32_t r)
{
	access_info in = access_record(va->access, r);
	const sec_frag *fr = sec_cached(c, c ? c->sec : NULL, &in);
	if (fr)
		json_out_raw(o, c->text + fr->off, fr->len);
	else
		security_write_info(o, va->access, &in, json_out_str);
}

/* ,"parent_sddl":...,"parent_writable_by":[...]: the descriptor of the folder holding name n. */
static void parent_security_write(json_out *o, const analysis_volume *va, const sec_cache *c, const name_info *n)
{
	uint64_t parent = ntfs_ref_record(n->parent_ref);
	access_info in = access_record(va->access, parent < UINT32_MAX ? (uint32_t)parent : UINT32_MAX);
	const sec_frag *fr = sec_cached(c, c ? c->parent : NULL, &in);
	if (fr)
		json_out_raw(o, c->text + fr->off, fr->len);
	else
		parent_security_write_info(o, va->access, &in, json_out_str);
}

/*
 * The paths of one hard-link set's names (model_link_next order), composed once for everything the set's
 * object writes (each name, oldest_name, added_later). A writer thread's scratch, reused from set to set;
 * a set whose paths would take more than SET_PATHS_MAX bytes is not held (n = 0): its paths are composed
 * where they are written, as before.
 */
typedef struct {
	arena buf;                /* the paths, one after another */
	vec at;                   /* size_t per name: offset in buf of its path, then the next one's (n + 1 entries) */
	size_t n;
} set_paths;

#define SET_PATHS_MAX (1u << 20)

/* Composes the paths of record r's link names into sp; false (sp->n = 0) when they are not held. */
static bool set_paths_load(set_paths *sp, const analysis_volume *va, uint32_t r)
{
	const model *m = va->m;
	size_t i = 0;
	uint32_t k = 0;
	sp->n = 0;
	sp->buf.len = 0;
	sp->at.count = 0;
	size_t *end = vec_push(&sp->at);
	if (!end)
		return false;
	*end = 0;
	for (const name_info *n; (n = model_link_next(m, r, &k)); i++) {
		size_t len = paths_name(va->p, n, NULL, 0); /* measured from the tables, no walk */
		if (sp->buf.len + len + 1 > SET_PATHS_MAX)
			return false;
		char *p = arena_reserve(&sp->buf, len); /* room for the NUL paths_name writes after it */
		if (!p || !(end = vec_push(&sp->at)))
			return false;
		paths_name(va->p, n, p, len + 1);
		*end = sp->buf.len;
	}
	sp->n = i;
	return true;
}

/* Releases the scratch. */
static void set_paths_free(set_paths *sp)
{
	arena_free(&sp->buf);
	vec_free(&sp->at);
	sp->n = 0;
}

/* Writes the path of name n, link name i of the set, as a JSON string: from sp when it holds the set's paths,
 * else composed into path (cap bytes). */
static void set_path_write(json_out *o, const analysis_volume *va, const set_paths *sp, size_t i, const name_info *n,
			   char *path, size_t cap)
{
	if (sp && i < sp->n) {
		size_t from = VEC_AT(&sp->at, size_t, i);
		json_out_strn(o, sp->buf.data + from, VEC_AT(&sp->at, size_t, i + 1) - from);
		return;
	}
	size_t len = paths_name(va->p, n, path, cap);
	json_out_strn(o, path, len < cap ? len : cap - 1);
}

/* One name of a hard-link set (link name i), with the times of its $FILE_NAME (when the link was made is evidence). */
static void name_write(json_out *o, const analysis_volume *va, const sec_cache *sc, uint32_t r, const name_info *n,
		       const set_paths *sp, size_t i, char *path, size_t cap)
{
	json_out_const(o, "{\"path\":");
	set_path_write(o, va, sp, i, n, path, cap);
	if (paths_name_truncated(va->p, n))
		json_out_const(o, ",\"path_truncated\":true");
	json_out_const(o, ",\"parent_record\":");
	json_out_u64(o, ntfs_ref_record(n->parent_ref));
	json_out_const(o, ",\"parent_sequence\":");
	json_out_u64(o, ntfs_ref_sequence(n->parent_ref));
	json_out_const(o, ",\"name\":");
	json_out_strn(o, model_name_str(va->m, n), n->len);
	json_out_const(o, ",\"namespace\":");
	json_out_str(o, ntfs_file_name_namespace_name(n->ns));
	const name_info *dos = model_dos_alias(va->m, r, n);
	if (dos) {
		json_out_const(o, ",\"dos_name\":");
		json_out_strn(o, model_name_str(va->m, dos), dos->len);
	}
	const uint64_t *fnt = model_name_times(va->m, n);
	json_out_const(o, ",\"created\":");
	json_out_filetime(o, fnt[0]);
	json_out_const(o, ",\"modified\":");
	json_out_filetime(o, fnt[1]);
	json_out_const(o, ",\"mft_modified\":");
	json_out_filetime(o, fnt[2]);
	json_out_const(o, ",\"accessed\":");
	json_out_filetime(o, fnt[3]);
	parent_security_write(o, va, sc, n);
	json_out_const(o, "}");
}

/* Four times (created, modified, MFT modified, accessed) as a JSON object, or null when unknown. */
static void times_write(json_out *o, const uint64_t *t)
{
	static const char *const keys[4] = {"{\"created\":", ",\"modified\":", ",\"mft_modified\":", ",\"accessed\":"};
	if (!t) {
		json_out_lit(o, "null");
		return;
	}
	for (int i = 0; i < 4; i++) {
		json_out_raw(o, keys[i], strlen(keys[i]));
		json_out_filetime(o, t[i]);
	}
	json_out_lit(o, "}");
}

/*
 * The set's $STANDARD_INFORMATION times, its oldest name (earliest $FILE_NAME creation) and the names added
 * later: whose $FILE_NAME creation time is after the record's own creation time.
 */
static void set_times_write(json_out *o, const analysis_volume *va, uint32_t r, const set_paths *sp, char *path,
			    size_t cap)
{
	const model *m = va->m;
	const uint64_t *si = model_si_times(m, r);
	const name_info *oldest = NULL;
	size_t oldest_i = 0, i = 0;
	uint32_t k = 0;
	json_out_const(o, ",\"standard_information\":");
	times_write(o, si);
	uint64_t oldest_t = 0;
	for (const name_info *n; (n = model_link_next(m, r, &k)); i++) {
		uint64_t t = model_name_times(m, n)[0];
		if (!oldest || t < oldest_t) {
			oldest = n;
			oldest_i = i;
			oldest_t = t;
		}
	}
	json_out_const(o, ",\"oldest_name\":");
	if (oldest)
		set_path_write(o, va, sp, oldest_i, oldest, path, cap);
	else
		json_out_lit(o, "null");
	json_out_const(o, ",\"added_later\":");
	json_out_lit(o, "[");
	bool first = true;
	k = 0;
	i = 0;
	for (const name_info *n; si && (n = model_link_next(m, r, &k)); i++) {
		uint64_t created = model_name_times(m, n)[0];
		if (created <= si[0])
			continue;
		json_out_lit(o, first ? "{\"path\":" : ",{\"path\":");
		first = false;
		set_path_write(o, va, sp, i, n, path, cap);
		json_out_const(o, ",\"created\":");
		json_out_filetime(o, created);
		json_out_lit(o, "}");
	}
	json_out_lit(o, "]");
}

/* One hard-link set, written directly: the record and all its names but DOS aliases (their paths composed once
 * into sp when it is given and they fit). */
static void hardlink_write(writer *w, const analysis_volume *va, uint32_t r, set_paths *sp, char *path, size_t cap)
{
	if (sp && !set_paths_load(sp, va, r))
		sp = NULL;
	const model *m = va->m;
	const rec_info *ri = &m->recs[r];
	json_out *o = w->out;
	item_begin(w);
	json_out_const(o, "{\"record\":");
	json_out_u64(o, r);
	json_out_const(o, ",\"sequence\":");
	json_out_u64(o, ri->sequence);
	json_out_const(o, ",\"link_count\":");
	json_out_u64(o, ri->link_count);
	json_out_const(o, ",\"names_found\":");
	json_out_u64(o, links_name_count(m, r));
	json_out_const(o, ",\"is_directory\":");
	json_out_lit(o, (ri->flags & REC_DIR) ? "true" : "false");
	json_out_const(o, ",\"size\":");
	json_out_u64(o, model_sizes(m, r)->data_size);
	json_out_const(o, ",\"allocated_size\":");
	json_out_u64(o, model_sizes(m, r)->allocated_size);
	json_out_const(o, ",\"security_id\":");
	json_out_u64(o, ri->security_id);
	json_out_const(o, ",\"owner_sid\":");
	json_out_str(o, model_owner_sid(m, r));
	json_out_const(o, ",\"owner_name\":");
	json_out_str(o, accounts_name(va->image_accounts, model_owner_sid(m, r)));
	security_write(o, va, w->sec, r);
	set_times_write(o, va, r, sp, path, cap);
	json_out_const(o, ",\"names\":");
	json_out_lit(o, "[");
	bool first = true;
	uint32_t k = 0;
	size_t i = 0;
	for (const name_info *n; (n = model_link_next(m, r, &k)); i++) {
		if (!first)
			json_out_lit(o, ",");
		first = false;
		name_write(o, va, w->sec, r, n, sp, i, path, cap);
	}
	json_out_lit(o, "]");
	item_end(w, "hardlink_set");
}

#define PATH_BUF (PATHS_MAX_BYTES + 1) /* the longest path paths_name writes: cut at PATHS_MAX_UNITS */
#define MAX_WRITERS 16
#define ROUND_MAX 16384           /* records per thread per round of the parallel writer */
#define ROUND_MIN 64
#define SHARE_BYTES (512u << 10)    /* estimated output per thread per round: long paths make rounds shorter */

/* One writer thread's share of the hard-link sets, written to memory in record order. */
typedef struct {
	writer w;
	const analysis_volume *va;
	uint64_t from, to;        /* records [from, to); what it wrote collects in w.out's memory */
} set_share;

/* Writes the hard-link sets of records [from, to) (thread body, or inline). */
static void *sets_share_run(void *arg)
{
	set_share *sh = arg;
	char *path = malloc(PATH_BUF);
	set_paths sp = {0};
	vec_init(&sp.at, sizeof(size_t));
	if (!path) {
		sh->w.failed = true;
		return NULL;
	}
	for (uint64_t r = sh->from; r < sh->to; r++)
		if (links_is_hardlink_set(sh->va->m, (uint32_t)r) && report_filter_set(&sh->w.filter, (uint32_t)r))
			hardlink_write(&sh->w, sh->va, (uint32_t)r, &sp, path, PATH_BUF);
	set_paths_free(&sp);
	free(path);
	if (json_out_flush(sh->w.out))
		sh->w.failed = true;
	return NULL;
}

/*
 * access_desc_text_bytes of every settled descriptor entry, then of a record without one (malloc'd; NULL when
 * memory runs out: text_bytes then asks access_text_bytes).
 */
static size_t *desc_text_bytes(const access_table *t)
{
	size_t n = access_desc_count(t);
	size_t *b = malloc((n + 1) * sizeof(*b));
	for (size_t d = 0; b && d < n; d++)
		b[d] = access_desc_text_bytes(t, (uint32_t)d);
	if (b)
		b[n] = access_desc_text_bytes(t, ACCESS_NONE);
	return b;
}

/* access_text_bytes(t, r), from desc_bytes (desc_text_bytes' table) when there is one. */
static size_t text_bytes(const access_table *t, const size_t *desc_bytes, uint32_t r)
{
	if (!desc_bytes)
		return access_text_bytes(t, r);
	uint32_t d = access_record_desc(t, r);
	return desc_bytes[d == ACCESS_NONE ? access_desc_count(t) : d];
}

/*
 * Where a share starting at record `from` ends: after `round` records, or sooner once the estimated
 * output (3 bytes per path unit: paths are cut at PATHS_MAX_UNITS) reaches SHARE_BYTES, so the memory a
 * round holds stays bounded however long the paths are. Estimates only move boundaries, never bytes.
 */
static uint64_t share_end(const analysis_volume *va, const size_t *desc_bytes, uint64_t from, uint64_t count,
			  uint64_t round)
{
	const model *m = va->m;
	uint64_t end = count - from < round ? count : from + round;
	size_t bytes = 0;
	for (uint64_t r = from; r < end; r++) {
		if (!links_is_hardlink_set(m, (uint32_t)r))
			continue;
		bytes += 512 + text_bytes(va->access, desc_bytes, (uint32_t)r);
		for (uint32_t k = 0; k < m->recs[r].name_count; k++) {
			const name_info *n = model_record_name(m, (uint32_t)r, k);
			uint64_t parent = ntfs_ref_record(n->parent_ref);
			bytes += 512 + 3 * paths_name_units(va->p, n) +
				 (parent < UINT32_MAX ? text_bytes(va->access, desc_bytes, (uint32_t)parent) : 0);
		}
		if (bytes >= SHARE_BYTES)
			return r + 1;
	}
	return end;
}

/* The share boundaries of the whole volume into bound (uint64_t), in order: share i is records [bound[i],
 * bound[i + 1]), bound->count - 1 shares; false when memory runs out. */
static bool share_bounds(const analysis_volume *va, const size_t *desc_bytes, uint64_t count, uint64_t round,
			 vec *bound)
{
	for (uint64_t at = 0;; at = share_end(va, desc_bytes, at, count, round)) {
		uint64_t *b = vec_push(bound);
		if (!b)
			return false;
		*b = at;
		if (at >= count)
			return true;
	}
}

/* The shares a writer thread has in flight: one written while the one before waits to be joined. */
#define SETS_DEPTH 2

/*
 * The hard-link sets written as one pipeline: share k (records [bound[k], bound[k + 1])) is written to memory by
 * whichever of nt threads takes it (one par_run for the volume: no threads started per round, no barrier after
 * one), into buffer k % nw once share k - nw is joined, and joined to the report strictly in share order by
 * whichever thread finishes the next one to join: the same bytes as one writer, memory bounded by nw shares.
 */
typedef struct {
	writer *w;
	set_share *sh;
	size_t nw;                /* share buffers */
	const uint64_t *bound;
	pthread_mutex_t mu;
	pthread_cond_t freed;     /* joined moved on: a buffer may be free */
	size_t joined;            /* shares joined to the report so far (under mu) */
	size_t *done;             /* per buffer: the share it holds written, SIZE_MAX none (under mu) */
	bool joining;             /* a thread is joining (under mu) */
} sets_pipe;

/* Appends one written share's text to the report and empties its buffer (the joining thread only). */
static void sets_join_one(writer *w, set_share *sh)
{
	json_out *so = sh->w.out;
	if (so->failed || sh->w.failed)
		w->failed = true;
	size_t skip = (!w->ndjson && w->first_item && so->mem_len > 0) ? 1 : 0; /* the first item's comma */
	if (so->mem_len > skip) {
		json_out_raw(w->out, so->mem + skip, so->mem_len - skip);
		w->first_item = false;
	}
	json_out_mem_reset(so); /* the memory is reused, so it stays a few shares' worth */
}

/* Joins, in share order, every written share that is next; called with p->mu held, returns with it held. */
static void sets_join_ready(sets_pipe *p)
{
	if (p->joining)
		return; /* the joining thread finds this share when it looks again */
	p->joining = true;
	while (p->done[p->joined % p->nw] == p->joined) {
		size_t k = p->joined;
		pthread_mutex_unlock(&p->mu); /* only the joining thread touches the report and this buffer now */
		sets_join_one(p->w, &p->sh[k % p->nw]);
		pthread_mutex_lock(&p->mu);
		p->done[k % p->nw] = SIZE_MAX;
		p->joined = k + 1;
		pthread_cond_broadcast(&p->freed);
	}
	p->joining = false;
}

/* par_run body: writes share k once its buffer is free, then joins what is ready. */
static void sets_item(void *ctx, size_t k, int thread)
{
	(void)thread;
	sets_pipe *p = ctx;
	pthread_mutex_lock(&p->mu);
	while (p->joined + p->nw <= k)
		pthread_cond_wait(&p->freed, &p->mu);
	pthread_mutex_unlock(&p->mu);
	set_share *sh = &p->sh[k % p->nw];
	sh->from = p->bound[k];
	sh->to = p->bound[k + 1];
	sets_share_run(sh);
	pthread_mutex_lock(&p->mu);
	p->done[k % p->nw] = k;
	sets_join_ready(p);
	pthread_mutex_unlock(&p->mu);
}

/* Writes shares [0, n) of bound through the nw buffers sh on nt threads (sets_pipe); false when it cannot start. */
static bool sets_pipeline(writer *w, set_share *sh, size_t nw, int nt, const uint64_t *bound, size_t n)
{
	sets_pipe p = {.w = w, .sh = sh, .nw = nw, .bound = bound};
	size_t done[SETS_DEPTH * MAX_WRITERS];
	for (size_t i = 0; i < nw; i++)
		done[i] = SIZE_MAX;
	p.done = done;
	if (pthread_mutex_init(&p.mu, NULL) != 0)
		return false;
	if (pthread_cond_init(&p.freed, NULL) != 0) {
		pthread_mutex_destroy(&p.mu);
		return false;
	}
	par_run(nt, n, sets_item, &p);
	pthread_cond_destroy(&p.freed);
	pthread_mutex_destroy(&p.mu);
	return true;
}

/*
 * Writes every hard-link set of the volume: shares of up to ROUND_MAX records are written to memory in parallel
 * and joined in order (sets_pipe), the same bytes as one writer, memory bounded by SETS_DEPTH shares per thread.
 */
static void hardlinks_write(writer *w, const analysis_volume *va)
{
	uint64_t count = va->m->count;
	int nt = w->threads < MAX_WRITERS ? w->threads : MAX_WRITERS;
	if (nt < 1)
		nt = 1;
	/* several shares even on small volumes, so every volume takes the same path through the joins */
	uint64_t round = count / (4 * (uint64_t)nt);
	round = round < ROUND_MIN ? ROUND_MIN : round > ROUND_MAX ? ROUND_MAX : round;
	set_share sh[SETS_DEPTH * MAX_WRITERS];
	memset(sh, 0, sizeof(sh));
	size_t ready = 0;
	for (; ready < SETS_DEPTH * (size_t)nt; ready++) {
		sh[ready].va = va;
		sh[ready].w = *w;
		sh[ready].w.first_item = false; /* every item starts with its separator; the join drops the first */
		sh[ready].w.out = malloc(sizeof(json_out));
		if (!sh[ready].w.out) {
			w->failed = true;
			break;
		}
		json_out_init_mem(sh[ready].w.out);
	}
	size_t *desc_bytes = desc_text_bytes(va->access);
	vec bound;
	vec_init(&bound, sizeof(uint64_t));
	if (ready && (!share_bounds(va, desc_bytes, count, round, &bound) ||
		      !sets_pipeline(w, sh, ready, nt, bound.data, bound.count - 1)))
		w->failed = true;
	vec_free(&bound);
	free(desc_bytes);
	for (size_t t = 0; t < ready; t++) {
		json_out_mem_free(sh[t].w.out);
		free(sh[t].w.out);
	}
}

/*
 * A streamed reparse point as a jansson value, for the trees still built around them (--vss-full's stores):
 * written to memory and parsed back (jansson writes what it read byte for byte). NULL when it fails.
 */
static void reparse_write(json_out *o, const analysis_volume *va, const sec_cache *sc, const link_entry *le);

static json_t *reparse_tree(const analysis_volume *va, const link_entry *le)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	json_out *o = f ? malloc(sizeof(*o)) : NULL;
	bool ok = o != NULL;
	if (o) {
		json_out_init(o, f);
		reparse_write(o, va, NULL, le);
		json_out_const(o, "}");
		ok = json_out_flush(o) == 0;
	}
	free(o);
	if (f && fclose(f))
		ok = false;
	json_t *j = ok ? json_loadb(text, len, 0, NULL) : NULL;
	free(text);
	return j;
}

/* A number jansson's "i" format read as an int from a wider argument: its low 32 bits, signed. */
static void json_out_pack_int(json_out *o, uint64_t v)
{
	json_out_i64(o, (int32_t)(uint32_t)v);
}

/* The decoded fields of reparse kinds that carry no target path. */
static void reparse_details_write(json_out *o, const reparse_point *rp)
{
	switch (rp->kind) {
	case REPARSE_KIND_LX_SYMLINK:
		json_out_const(o, ",\"lx_target\":");
		json_out_jstr(o, rp->lx_target);
		break;
	case REPARSE_KIND_APP_EXEC_LINK:
		json_out_const(o, ",\"app_exec\":{\"version\":");
		json_out_pack_int(o, rp->appx_version);
		json_out_const(o, ",\"package_id\":");
		json_out_jstr(o, rp->appx_package_id);
		json_out_const(o, ",\"app_user_model_id\":");
		json_out_jstr(o, rp->appx_app_user_model_id);
		json_out_const(o, ",\"target_path\":");
		json_out_jstr(o, rp->appx_target_path);
		json_out_const(o, ",\"app_type\":");
		json_out_jstr(o, rp->appx_app_type);
		json_out_const(o, "}");
		break;
	case REPARSE_KIND_WOF:
		json_out_const(o, ",\"wof\":{\"version\":");
		json_out_pack_int(o, rp->wof_version);
		json_out_const(o, ",\"provider\":");
		json_out_pack_int(o, rp->wof_provider);
		json_out_const(o, ",\"file_version\":");
		json_out_pack_int(o, rp->wof_file_version);
		json_out_const(o, ",\"algorithm\":");
		json_out_pack_int(o, rp->wof_algorithm);
		json_out_const(o, ",\"algorithm_name\":");
		json_out_jstr(o, rp->wof_algorithm_name);
		json_out_const(o, "}");
		break;
	case REPARSE_KIND_CLOUD:
		json_out_const(o, ",\"cloud\":{\"subtype\":");
		json_out_pack_int(o, rp->cloud_subtype);
		json_out_const(o, ",\"flags\":");
		json_out_pack_int(o, rp->cloud_flags);
		json_out_const(o, "}");
		break;
	case REPARSE_KIND_NFS:
		json_out_const(o, ",\"nfs\":{\"type\":");
		json_out_jstr(o, rp->nfs_type_name);
		json_out_const(o, ",\"target\":");
		json_out_jstr(o, rp->nfs_target);
		json_out_const(o, ",\"major\":");
		json_out_pack_int(o, rp->nfs_major);
		json_out_const(o, ",\"minor\":");
		json_out_pack_int(o, rp->nfs_minor);
		json_out_const(o, "}");
		break;
	default:
		break;
	}
	if (rp->has_guid) {
		json_out_const(o, ",\"guid\":");
		json_out_jstr(o, rp->guid_string);
	}
	if (rp->payload_length) {
		json_out_const(o, ",\"payload_length\":");
		json_out_u64(o, rp->payload_length);
	}
}

/* Where a link leads, as the report's "target" object without its closing brace (a shortcut adds fields). */
static void target_write_open(json_out *o, const link_target *t)
{
	json_out_const(o, "{\"path\":");
	json_out_jstr(o, t->path);
	json_out_const(o, ",\"record\":");
	if (t->has_record) {
		json_out_u64(o, t->record);
		json_out_const(o, ",\"sequence\":");
		json_out_u64(o, t->sequence);
	} else {
		json_out_const(o, "null");
	}
	json_out_const(o, ",\"volume\":");
	json_out_u64_or_null(o, t->volume >= 0, (uint64_t)t->volume);
	json_out_const(o, ",\"status\":");
	json_out_jstr(o, link_status_name(t->status));
	json_out_const(o, ",\"form\":");
	json_out_jstr(o, target_form_name(t->form));
	if (t->shadow_copy) {
		json_out_const(o, ",\"shadow_copy\":");
		json_out_u64(o, t->shadow_copy);
	}
	if (t->has_deleted) {
		json_out_const(o, ",\"deleted_record\":");
		json_out_u64(o, t->deleted_record);
		json_out_const(o, ",\"deleted_sequence\":");
		json_out_u64(o, t->deleted_sequence);
		json_out_const(o, ",\"deleted_path\":");
		json_out_jstr(o, t->deleted_path);
	}
	json_out_const(o, ",\"reason\":");
	json_out_jstr(o, t->reason);
}

/* The path of name index ni of va (MODEL_NONE: null), as jstr wrote it. */
static void name_path_write(json_out *o, const analysis_volume *va, uint32_t ni)
{
	if (ni == MODEL_NONE) {
		json_out_const(o, "null");
		return;
	}
	char *p = paths_name_alloc(va->p, model_name(va->m, ni));
	json_out_jstr(o, p);
	free(p);
}

/* One reparse point: where it is, what it is, what it says and where that leads (without the closing brace). */
static void reparse_write(json_out *o, const analysis_volume *va, const sec_cache *sc, const link_entry *le)
{
	const reparse_point *rp = &le->rp;
	json_out_const(o, "{\"record\":");
	json_out_u64(o, le->record);
	json_out_const(o, ",\"sequence\":");
	json_out_u64(o, le->sequence);
	json_out_const(o, ",\"path\":");
	name_path_write(o, va, le->name);
	if (le->name != MODEL_NONE && paths_name_truncated(va->p, model_name(va->m, le->name)))
		json_out_const(o, ",\"path_truncated\":true");
	json_out_const(o, ",\"allocated\":");
	json_out_bool(o, le->allocated);
	json_out_const(o, ",\"is_directory\":");
	json_out_bool(o, le->is_directory);
	json_out_const(o, ",\"standard_information\":");
	times_write(o, model_si_times(va->m, le->record));
	json_out_const(o, ",\"file_name_times\":");
	times_write(o, le->name != MODEL_NONE ? model_name_times(va->m, model_name(va->m, le->name)) : NULL);
	json_out_const(o, ",\"tag\":");
	json_out_hex32(o, rp->tag, "0x", false);
	json_out_const(o, ",\"tag_name\":");
	json_out_jstr(o, rp->info ? rp->info->name : NULL);
	json_out_const(o, ",\"kind\":");
	json_out_jstr(o, reparse_kind_name(rp->kind));
	json_out_const(o, ",\"microsoft\":");
	json_out_bool(o, reparse_tag_is_microsoft(rp->tag));
	json_out_const(o, ",\"surrogate\":");
	json_out_bool(o, reparse_tag_is_surrogate(rp->tag));
	if (rp->kind == REPARSE_KIND_JUNCTION || rp->kind == REPARSE_KIND_VOLUME_MOUNT_POINT ||
	    rp->kind == REPARSE_KIND_SYMLINK) {
		json_out_const(o, ",\"substitute_name\":");
		json_out_jstr(o, rp->substitute_name);
		json_out_const(o, ",\"print_name\":");
		json_out_jstr(o, rp->print_name);
		json_out_const(o, ",\"relative\":");
		json_out_bool(o, rp->relative);
	}
	if (rp->kind == REPARSE_KIND_SYMLINK) {
		json_out_const(o, ",\"symlink_flags\":");
		json_out_u64(o, rp->symlink_flags);
	}
	reparse_details_write(o, rp);
	if (rp->malformed) {
		json_out_const(o, ",\"malformed_reason\":");
		json_out_jstr(o, rp->malformed_reason);
	}
	access_info in = access_record(va->access, le->record);
	const sec_frag *fr = sec_cached(sc, sc ? sc->sec : NULL, &in);
	if (fr && fr->ascii)
		json_out_raw(o, sc->text + fr->off, fr->len);
	else
		security_write_info(o, va->access, &in, json_out_jstr);
	if (le->has_target) {
		json_out_const(o, ",\"target\":");
		target_write_open(o, &le->target);
		json_out_const(o, "}");
	}
}

/* One anomaly (without the closing brace); volume-wide ones carry no record. NDJSON: "type" says what the
 * line is and the anomaly's own type follows as anomaly_type. */
static void anomaly_write(writer *w, const anomaly_list *l, const anomaly *an)
{
	json_out *o = w->out;
	json_out_const(o, "{\"type\":");
	if (w->ndjson)
		json_out_const(o, "\"anomaly\"");
	else
		json_out_jstr(o, an->type);
	if (an->record != ANOMALY_NO_RECORD) {
		json_out_const(o, ",\"record\":");
		json_out_i64(o, (int64_t)an->record);
	}
	json_out_const(o, ",\"detail\":");
	json_out_jstr(o, anomaly_detail(l, an));
	if (w->ndjson) {
		json_out_const(o, ",\"anomaly_type\":");
		json_out_jstr(o, an->type);
		if (w->volume >= 0) {
			json_out_const(o, ",\"volume\":");
			json_out_u64(o, (uint64_t)w->volume);
		}
		json_out_const(o, "}\n");
	} else {
		json_out_const(o, "}");
	}
}

/* The findings counts in a volume's stats. */
static void stats_findings(json_t *stats, const findings_list *l)
{
	json_object_set_new(stats, "findings", json_integer((json_int_t)l->items.count));
	json_object_set_new(stats, "baseline_suppressed", json_integer((json_int_t)l->baseline_suppressed));
}

/* The volume's header fields: where it is, what NTFS says about itself, and the counts. */
/* What the volume's registry says of it and of the image: volume GUIDs, accounts, the hive files read. */
static void volume_registry_json(json_t *o, const analysis_volume *va)
{
	json_t *g = json_array();
	for (int i = 0; i < va->volume_guid_count; i++)
		json_array_append_new(g, json_string(va->volume_guids[i]));
	json_object_set_new(o, "volume_guids", g);
	json_t *acc = json_array();
	for (size_t i = 0; va->accounts && i < va->accounts->items.count; i++) {
		const account *a = &VEC_AT(&va->accounts->items, account, i);
		json_t *e = json_pack("{s:o,s:o,s:s}", "sid", jstr(a->sid), "name", a->name ? jstr(a->name) : json_null(),
				      "source", a->source);
		if (a->profile_path)
			json_object_set_new(e, "profile_path", jstr(a->profile_path));
		json_array_append_new(acc, e);
	}
	json_object_set_new(o, "accounts", acc);
}

static json_t *volume_json(const analysis_volume *va)
{
	json_t *o = json_object();
	const volume_facts *vol = &va->ntfs;
	json_object_set_new(o, "index", json_integer(va->index));
	json_object_set_new(o, "offset", json_integer((json_int_t)va->part.offset));
	json_object_set_new(o, "length", json_integer((json_int_t)va->part.length));
	json_object_set_new(o, "partition", json_pack("{s:s,s:s,s:s}", "table", va->part.table, "slot", va->part.slot,
						      "description", va->part.description));
	if (!va->scanned) {
		json_object_set_new(o, "error", jstr(va->error));
		return o;
	}
	json_t *ntfs = json_object();
	char buf[32];
	if (vol->has_version) {
		snprintf(buf, sizeof(buf), "%u.%u", vol->version_major, vol->version_minor);
		json_object_set_new(ntfs, "version", json_string(buf));
	} else {
		json_object_set_new(ntfs, "version", json_null());
	}
	snprintf(buf, sizeof(buf), "%016llX", (unsigned long long)vol->serial);
	json_object_set_new(ntfs, "serial", vol->is_mft_file ? json_null() : json_string(buf));
	json_object_set_new(ntfs, "label", vol->has_label ? jstr(vol->label) : json_null());
	json_object_set_new(ntfs, "cluster_size", vol->is_mft_file ? json_null() : json_integer(vol->cluster_size));
	json_object_set_new(ntfs, "bytes_per_sector", vol->is_mft_file ? json_null() : json_integer(vol->bytes_per_sector));
	json_object_set_new(ntfs, "record_size", json_integer(vol->record_size));
	json_object_set_new(ntfs, "mft_records", json_integer((json_int_t)vol->record_count));
	json_object_set_new(ntfs, "upcase", json_string(vol->upcase_from_volume ? "volume" : "default"));
	json_object_set_new(o, "ntfs", ntfs);
	if (va->drive) {
		snprintf(buf, sizeof(buf), "%c", va->drive);
		json_object_set_new(o, "drive_letter", json_string(buf));
		json_object_set_new(o, "drive_letter_source",
				    json_string(va->drive_source ? va->drive_source : va->drive_given ? "option" : "inferred"));
	} else {
		json_object_set_new(o, "drive_letter", json_null());
	}
	volume_registry_json(o, va);
	json_object_set_new(o, "scan", json_pack("{s:b,s:I}", "complete", !va->m->partial, "unreadable_records",
						 (json_int_t)va->m->unreadable_records));
	const volume_stats *s = &va->stats;
	json_object_set_new(o, "stats", json_pack("{s:I,s:I,s:I,s:I,s:I,s:I}", "records_in_use", (json_int_t)s->records_in_use,
						  "names", (json_int_t)s->names, "hardlink_sets",
						  (json_int_t)s->hardlink_sets, "reparse_points",
						  (json_int_t)s->reparse_points, "stale_links", (json_int_t)s->stale_links,
						  "anomalies", (json_int_t)s->anomalies));
	stats_findings(json_object_get(o, "stats"), va->findings);
	if (va->shortcuts) {
		const shortcut_stats *ss = &va->shortcuts->stats;
		json_object_set_new(json_object_get(o, "stats"), "shortcuts",
				    json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "total", (json_int_t)ss->total, "deleted",
					      (json_int_t)ss->deleted, "ok", (json_int_t)ss->ok, "stale", (json_int_t)ss->stale,
					      "external", (json_int_t)ss->external, "remote", (json_int_t)ss->remote,
					      "unknown", (json_int_t)ss->unknown, "malformed", (json_int_t)ss->malformed,
					      "not_shell_links", (json_int_t)ss->not_shell_links, "not_in_mft",
					      (json_int_t)ss->not_in_mft));
	}
	return o;
}

/* One directory of --du (without the closing brace): the three sizes that answer "how big is it, really". */
static void du_write(json_out *o, const du_entry *e)
{
	json_out_const(o, "{\"path\":");
	json_out_jstr(o, e->path);
	json_out_const(o, ",\"record\":");
	json_out_pack_int(o, e->record);
	json_out_const(o, ",\"depth\":");
	json_out_pack_int(o, (uint64_t)(int64_t)e->depth);
	json_out_const(o, ",\"names\":");
	json_out_i64(o, (int64_t)e->names);
	json_out_const(o, ",\"files\":");
	json_out_i64(o, (int64_t)e->files);
	json_out_const(o, ",\"names_bytes\":");
	json_out_i64(o, (int64_t)e->names_bytes);
	json_out_const(o, ",\"records_bytes\":");
	json_out_i64(o, (int64_t)e->records_bytes);
	json_out_const(o, ",\"shared_bytes\":");
	json_out_i64(o, (int64_t)e->shared_bytes);
	if (e->path_truncated)
		json_out_const(o, ",\"path_truncated\":true");
	json_out_const(o, ",\"disk_bytes\":");
	json_out_i64(o, (int64_t)e->disk_bytes);
}

/* One name recovered from directory index slack (issue 12 section 3), without the closing brace: where, what
 * it referenced, its times. */
static void removed_name_write(json_out *o, const analysis_volume *va, const removed_name *e)
{
	static const char *const names[4] = {",\"created\":", ",\"modified\":", ",\"mft_modified\":", ",\"accessed\":"};
	char *dir = paths_dir_alloc(va->p, e->directory);
	const reparse_tag_info *ti = e->reparse_tag ? reparse_tag_lookup(e->reparse_tag) : NULL;
	json_out_const(o, "{\"directory_record\":");
	json_out_u64(o, e->directory);
	json_out_const(o, ",\"directory_path\":");
	json_out_jstr(o, dir);
	free(dir);
	json_out_const(o, ",\"name\":");
	json_out_jstr(o, index_slack_name(va->slack, e));
	json_out_const(o, ",\"namespace\":");
	json_out_jstr(o, ntfs_file_name_namespace_name(e->ns));
	json_out_const(o, ",\"record\":");
	json_out_i64_or_null(o, e->has_ref, (int64_t)ntfs_ref_record(e->file_ref));
	json_out_const(o, ",\"sequence\":");
	json_out_u64_or_null(o, e->has_ref, ntfs_ref_sequence(e->file_ref));
	json_out_const(o, ",\"record_state\":");
	json_out_jstr(o, index_slack_state_name(e->state));
	json_out_const(o, ",\"kind\":");
	json_out_jstr(o, index_slack_kind_name(e->kind));
	for (int i = 0; i < 4; i++) {
		json_out_raw(o, names[i], strlen(names[i]));
		json_out_filetime(o, e->times[i]);
	}
	json_out_const(o, ",\"reparse_tag\":");
	json_out_hex32_or_null(o, e->reparse_tag != 0, e->reparse_tag, "0x", false);
	json_out_const(o, ",\"reparse_tag_name\":");
	json_out_jstr(o, ti ? ti->name : NULL);
	json_out_const(o, ",\"is_directory\":");
	json_out_bool(o, e->flags & 0x10000000u);
	json_out_const(o, ",\"data_size\":");
	json_out_i64(o, (int64_t)e->data_size);
	json_out_const(o, ",\"parent_sequence\":");
	json_out_u64(o, ntfs_ref_sequence(e->parent_ref));
	json_out_const(o, ",\"found_in\":");
	json_out_jstr(o, index_slack_where_name(e->where));
	if (e->where != SLACK_IN_ROOT) {
		json_out_const(o, ",\"index_vcn\":");
		json_out_i64(o, (int64_t)e->vcn);
	}
	json_out_const(o, ",\"offset\":");
	json_out_u64(o, e->offset);
	json_out_const(o, ",\"copies\":");
	json_out_u64(o, e->copies);
}

/* The volume's removed names and the counts of the carving (JSON: an array and an object; NDJSON: lines). */
static void removed_names_write(writer *w, const analysis_volume *va)
{
	const index_slack_stats *s = &va->slack->stats;
	json_t *st = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "directories", (json_int_t)s->directories,
			       "index_records", (json_int_t)s->index_records, "unused_index_records",
			       (json_int_t)s->unused_records, "invalid_index_records", (json_int_t)s->bad_records,
			       "carved", (json_int_t)s->carved, "live", (json_int_t)s->live, "duplicates",
			       (json_int_t)s->duplicates, "removed", (json_int_t)s->removed, "reported",
			       (json_int_t)s->reported, "unreadable_directories", (json_int_t)s->unreadable);
	json_t *kinds = json_object();
	for (uint8_t k = 0; k < 5; k++)
		json_object_set_new(kinds, index_slack_kind_name(k), json_integer((json_int_t)s->by_kind[k]));
	json_object_set_new(st, "by_kind", kinds);
	if (w->ndjson) {
		emit(w, "removed_names_stats", st);
	} else {
		json_out_lit(w->out, ",\n   \"removed_names_stats\": ");
		dump(w, st);
		json_decref(st);
	}
	array_open(w, "removed_names");
	for (size_t i = 0; report_filter_context(&w->filter) && i < va->slack->names.count; i++) {
		item_begin(w);
		removed_name_write(w->out, va, &VEC_AT(&va->slack->names, removed_name, i));
		item_end(w, "removed_name");
	}
	array_close(w);
}

/* A FILETIME as an ISO 8601 UTC JSON string (null for 0). */
static json_t *jfiletime(uint64_t ft)
{
	char buf[48];
	if (!ft)
		return json_null();
	json_out_format_filetime(ft, buf);
	return json_string(buf);
}

/* One shell shortcut (analyzer/shortcuts.h), without the closing brace: the .lnk, what its data says, and
 * where its target stands. */
static void shortcut_write(json_out *o, const analysis_volume *va, const shortcut *s)
{
	json_out_const(o, "{\"record\":");
	json_out_u64(o, s->record);
	json_out_const(o, ",\"sequence\":");
	json_out_u64(o, s->sequence);
	json_out_const(o, ",\"path\":");
	char *p = paths_name_alloc(va->p, model_name(va->m, s->name));
	json_out_jstr(o, p);
	free(p);
	json_out_const(o, ",\"allocated\":");
	json_out_bool(o, s->allocated);
	json_out_const(o, ",\"deleted\":");
	json_out_bool(o, !s->allocated);
	json_out_const(o, ",\"size\":");
	json_out_i64(o, (int64_t)s->data_size);
	if (s->read_truncated)
		json_out_const(o, ",\"read_truncated\":true");
	json_out_const(o, ",\"decoded\":");
	json_out_bool(o, s->decoded);
	if (s->error) {
		json_out_const(o, ",\"error\":");
		json_out_jstr(o, s->error);
	}
	json_out_const(o, ",\"link_flags\":");
	json_out_hex32(o, s->link_flags, "0x", false);
	json_out_const(o, ",\"has_id_list\":");
	json_out_bool(o, s->has_id_list);
	json_out_const(o, ",\"local_base_path\":");
	json_out_jstr(o, s->local_path);
	json_out_const(o, ",\"relative_path\":");
	json_out_jstr(o, s->relative_path);
	json_out_const(o, ",\"working_dir\":");
	json_out_jstr(o, s->working_dir);
	json_out_const(o, ",\"arguments\":");
	json_out_jstr(o, s->arguments);
	json_out_const(o, ",\"description\":");
	json_out_jstr(o, s->name_string);
	json_out_const(o, ",\"icon_location\":");
	json_out_jstr(o, s->icon_location);
	if (s->strings_truncated)
		json_out_const(o, ",\"strings_truncated\":true");
	json_out_const(o, ",\"target_header\":{\"created\":");
	json_out_filetime(o, s->target_times[0]);
	json_out_const(o, ",\"accessed\":");
	json_out_filetime(o, s->target_times[1]);
	json_out_const(o, ",\"modified\":");
	json_out_filetime(o, s->target_times[2]);
	json_out_const(o, ",\"size\":");
	json_out_i64(o, (int64_t)s->target_size);
	json_out_const(o, ",\"attributes\":");
	json_out_hex32(o, s->file_attributes, "0x", false);
	json_out_const(o, "},\"target\":");
	target_write_open(o, &s->target);
	json_out_const(o, ",\"volume_serial\":");
	json_out_hex32_or_null(o, s->has_volume, s->drive_serial, "", true);
	json_out_const(o, ",\"drive_type\":");
	json_out_jstr(o, s->has_volume ? ntfs_shell_link_drive_type_name(s->drive_type) : NULL);
	json_out_const(o, ",\"volume_label\":");
	json_out_jstr(o, s->has_volume ? (s->volume_label ? s->volume_label : "") : NULL);
	json_out_const(o, ",\"share\":");
	json_out_jstr(o, s->share);
	json_out_const(o, ",\"device\":");
	json_out_jstr(o, s->device);
	json_out_const(o, "}");
}

/* One Interix or Cygwin link (analyzer/posix_links.h): where it is, its stored target and where that leads
 * (without the closing brace). */
static void posix_write(json_out *o, const analysis_volume *va, size_t i)
{
	const link_entry *le = &VEC_AT(va->posix, link_entry, i);
	json_out_const(o, "{\"record\":");
	json_out_u64(o, le->record);
	json_out_const(o, ",\"sequence\":");
	json_out_u64(o, le->sequence);
	json_out_const(o, ",\"path\":");
	name_path_write(o, va, le->name);
	json_out_const(o, ",\"allocated\":");
	json_out_bool(o, le->allocated);
	json_out_const(o, ",\"kind\":");
	json_out_jstr(o, ntfs_posix_kind_name((ntfs_posix_kind)VEC_AT(va->posix_kinds, uint8_t, i)));
	json_out_const(o, ",\"posix_target\":");
	json_out_jstr(o, le->rp.lx_target);
	json_out_const(o, ",\"target\":");
	target_write_open(o, &le->target);
	json_out_const(o, "}");
}

/* One change between a shadow copy store and the live volume (or the store before it). */
static json_t *shadow_change_json(const shadow_change *c)
{
	return json_pack("{s:s,s:s,s:I,s:i,s:s,s:o,s:o,s:o}", "change", shadow_change_name(c->change), "against",
			 c->against_live ? "live" : "previous_store", "record", (json_int_t)c->record, "sequence",
			 (int)c->sequence, "kind", c->kind, "path", jstr(c->path), "before", jstr(c->before), "after",
			 jstr(c->after));
}

/* --vss-full: a store's own hard-link sets (record and name paths) and reparse points, as its scan saw them. */
static void shadow_full_json(json_t *o, const analysis_volume *sv)
{
	json_t *sets = json_array(), *rps = json_array();
	for (uint64_t r = 0; r < sv->m->count; r++) {
		if (!links_is_hardlink_set(sv->m, (uint32_t)r))
			continue;
		json_t *names = json_array();
		uint32_t k = 0;
		for (const name_info *n; (n = model_link_next(sv->m, (uint32_t)r, &k));)
			json_array_append_new(names, jpath(sv, n));
		json_array_append_new(sets, json_pack("{s:I,s:i,s:o}", "record", (json_int_t)r, "sequence",
						      (int)sv->m->recs[r].sequence, "names", names));
	}
	for (size_t i = 0; i < sv->links->count; i++)
		json_array_append_new(rps, reparse_tree(sv, &VEC_AT(sv->links, link_entry, i)));
	json_object_set_new(o, "hardlink_sets", sets);
	json_object_set_new(o, "reparse_points", rps);
}

/* One shadow copy store: who it is, when it was made, its own counts and how its links differ. */
static json_t *shadow_store_json(const shadow_store *st)
{
	json_t *o = json_object(), *changes;
	const image_vss_store_info *in = &st->info;
	json_object_set_new(o, "store_index", json_integer(st->store_index));
	json_object_set_new(o, "identifier", in->identifier[0] ? json_string(in->identifier) : json_null());
	json_object_set_new(o, "copy_identifier", in->copy_identifier[0] ? json_string(in->copy_identifier) : json_null());
	json_object_set_new(o, "copy_set_identifier",
			    in->copy_set_identifier[0] ? json_string(in->copy_set_identifier) : json_null());
	json_object_set_new(o, "creation_time", jfiletime(in->creation_time));
	json_object_set_new(o, "volume_size", json_integer((json_int_t)in->volume_size));
	json_object_set_new(o, "scanned", json_boolean(st->scanned));
	if (!st->scanned) {
		json_object_set_new(o, "error", jstr(st->error));
		return o;
	}
	json_object_set_new(o, "scan", json_pack("{s:b}", "complete", !st->partial));
	const volume_stats *s = &st->stats;
	json_object_set_new(o, "stats", json_pack("{s:I,s:I,s:I,s:I,s:I,s:I}", "records_in_use", (json_int_t)s->records_in_use,
						  "names", (json_int_t)s->names, "hardlink_sets", (json_int_t)s->hardlink_sets,
						  "reparse_points", (json_int_t)s->reparse_points, "stale_links",
						  (json_int_t)s->stale_links, "anomalies", (json_int_t)s->anomalies));
	changes = json_array();
	for (size_t i = 0; i < st->changes.count; i++)
		json_array_append_new(changes, shadow_change_json(&VEC_AT(&st->changes, shadow_change, i)));
	json_object_set_new(o, "changes", changes);
	const analysis_volume *sv = analysis_store_view(st);
	if (sv)
		shadow_full_json(o, sv);
	return o;
}

/* The volume's shadow copy stores, oldest first (an empty array when it has none or --no-vss). */
static void shadow_copies_write(writer *w, const analysis_volume *va)
{
	array_open(w, "shadow_copies");
	for (size_t i = 0; report_filter_context(&w->filter) && i < va->shadow_copies->count; i++)
		emit(w, "shadow_copy", shadow_store_json(&VEC_AT(va->shadow_copies, shadow_store, i)));
	array_close(w);
}

/* Streams a volume's findings (first: what an investigator reads first). */
static void findings_items(writer *w, const findings_list *l)
{
	array_open(w, "findings");
	finding_view v;
	finding_view_init(&v);
	for (size_t i = 0; report_filter_findings(&w->filter) && i < l->items.count; i++) {
		item_begin(w);
		const finding *f = findings_view(l, i, &v);
		if (!f || !report_finding_write(w->out, f))
			w->failed = true;
		item_end(w, "finding");
	}
	finding_view_free(&v);
	array_close(w);
}

/* Streams a volume's findings, hard-link sets, reparse points, anomalies and, with --du, directory sizes. */
static void volume_items(writer *w, const analysis_volume *va)
{
	findings_items(w, va->findings);
	sec_cache *sc = sec_cache_make(va);
	w->sec = sc;
	array_open(w, "hardlink_sets");
	hardlinks_write(w, va);
	array_close(w);
	array_open(w, "reparse_points");
	for (size_t i = 0; i < va->links->count; i++)
		if (report_filter_link(&w->filter, &VEC_AT(va->links, link_entry, i))) {
			item_begin(w);
			reparse_write(w->out, va, w->sec, &VEC_AT(va->links, link_entry, i));
			item_end(w, "reparse_point");
		}
	array_close(w);
	w->sec = NULL;
	sec_cache_free(sc);
	array_open(w, "posix_links");
	for (size_t i = 0; va->posix && i < va->posix->count; i++)
		if (report_filter_link(&w->filter, &VEC_AT(va->posix, link_entry, i))) {
			item_begin(w);
			posix_write(w->out, va, i);
			item_end(w, "posix_link");
		}
	array_close(w);
	array_open(w, "shortcuts");
	for (size_t i = 0; va->shortcuts && i < va->shortcuts->items.count; i++)
		if (report_filter_shortcut(&w->filter, &VEC_AT(&va->shortcuts->items, shortcut, i))) {
			item_begin(w);
			shortcut_write(w->out, va, &VEC_AT(&va->shortcuts->items, shortcut, i));
			item_end(w, "shortcut");
		}
	array_close(w);
	array_open(w, "anomalies");
	const anomaly_list *lists[2] = {va->volume_anomalies, va->anomalies};
	for (int l = 0; l < 2 && report_filter_context(&w->filter); l++)
		for (size_t i = 0; i < lists[l]->items.count; i++) {
			item_begin(w);
			anomaly_write(w, lists[l], &VEC_AT(&lists[l]->items, anomaly, i));
		}
	array_close(w);
	removed_names_write(w, va);
	shadow_copies_write(w, va);
	if (!w->du)
		return;
	if (va->du_error[0] && !w->ndjson) {
		json_out_lit(w->out, ",\n   \"directory_sizes_error\": ");
		json_out_str(w->out, va->du_error);
	}
	if (va->du_note && va->du_note[0] && !w->ndjson) {
		json_out_lit(w->out, ",\n   \"directory_sizes_note\": ");
		json_out_str(w->out, va->du_note);
	}
	array_open(w, "directory_sizes");
	for (size_t i = 0; i < va->du->count; i++) {
		item_begin(w);
		du_write(w->out, &VEC_AT(va->du, du_entry, i));
		item_end(w, "directory_size");
	}
	array_close(w);
}

/* The E01 metadata block. */
/* --verify's outcome: verified true/false (null: not verified, or no hash stored) and the media's digests. */
static void ewf_verify_json(json_t *o, const image_ewf_info *e)
{
	json_object_set_new(o, "verified", e->verified == IMAGE_EWF_MATCH ? json_true()
					   : e->verified == IMAGE_EWF_MISMATCH ? json_false() : json_null());
	json_object_set_new(o, "computed_md5", jstr(e->computed_md5));
	json_object_set_new(o, "computed_sha1", jstr(e->computed_sha1));
}

static json_t *ewf_json(const image_ewf_info *e)
{
	json_t *o = json_object();
	json_object_set_new(o, "case_number", jstr(e->case_number));
	json_object_set_new(o, "evidence_number", jstr(e->evidence_number));
	json_object_set_new(o, "examiner", jstr(e->examiner));
	json_object_set_new(o, "description", jstr(e->description));
	json_object_set_new(o, "notes", jstr(e->notes));
	json_object_set_new(o, "acquisition_date", jstr(e->acquisition_date));
	json_object_set_new(o, "system_date", jstr(e->system_date));
	json_object_set_new(o, "acquisition_software", jstr(e->acquisition_software));
	json_object_set_new(o, "acquisition_software_version", jstr(e->acquisition_software_version));
	json_object_set_new(o, "acquisition_os", jstr(e->acquisition_os));
	json_object_set_new(o, "model", jstr(e->model));
	json_object_set_new(o, "serial_number", jstr(e->serial_number));
	json_object_set_new(o, "media_size", json_integer((json_int_t)e->media_size));
	json_object_set_new(o, "bytes_per_sector", json_integer(e->bytes_per_sector));
	json_object_set_new(o, "stored_md5", jstr(e->stored_md5));
	json_object_set_new(o, "stored_sha1", jstr(e->stored_sha1));
	ewf_verify_json(o, e);
	return o;
}

/* The image block: file, format, segments, E01 metadata and every partition found. */
static json_t *image_json(const analysis *a)
{
	json_t *o = json_object(), *segs = json_array(), *parts = json_array();
	json_object_set_new(o, "path", jstr(a->config.image));
	json_object_set_new(o, "format", json_string(image_format_name(image_get_format(a->img))));
	json_object_set_new(o, "size", json_integer((json_int_t)image_size(a->img)));
	for (size_t i = 0; i < image_segment_count(a->img); i++)
		json_array_append_new(segs, jstr(image_segment(a->img, i)));
	json_object_set_new(o, "segments", segs);
	const image_ewf_info *e = image_ewf(a->img);
	if (e)
		json_object_set_new(o, "ewf", ewf_json(e));
	for (size_t i = 0; i < a->nparts; i++) {
		const image_partition *p = &a->parts[i];
		json_t *po = json_pack("{s:s,s:s,s:I,s:I,s:s,s:b}", "table", p->table, "slot", p->slot, "offset",
				       (json_int_t)p->offset, "length", (json_int_t)p->length, "description",
				       p->description, "ntfs", p->is_ntfs);
		for (size_t v = 0; v < analysis_volume_count(a); v++)
			if (analysis_volume_at(a, v)->part.offset == p->offset && p->is_ntfs)
				json_object_set_new(po, "volume", json_integer((json_int_t)v));
		json_array_append_new(parts, po);
	}
	json_object_set_new(o, "partitions", parts);
	if (a->checksum_errors.count) {
		json_t *errs = json_array();
		for (size_t i = 0; i < a->checksum_errors.count; i++) {
			const image_range *r = &VEC_AT(&a->checksum_errors, image_range, i);
			json_array_append_new(errs, json_pack("{s:I,s:I}", "offset", (json_int_t)r->offset, "length",
							      (json_int_t)r->length));
		}
		json_object_set_new(o, "checksum_errors", errs);
	}
	return o;
}

/* The report's opening fields: schema, tool, run and image. */
static json_t *header_json(const analysis *a, const report_config *rc)
{
	json_t *o = json_object(), *cmd = json_array();
	for (int i = 0; i < rc->argc; i++)
		json_array_append_new(cmd, jstr(rc->argv[i]));
	json_object_set_new(o, "schema_version", json_string(REPORT_SCHEMA_VERSION));
	json_object_set_new(o, "tool", json_pack("{s:s,s:s}", "name", PACKAGE_NAME, "version", PACKAGE_VERSION));
	json_object_set_new(o, "run", json_pack("{s:s,s:s,s:o,s:b}", "started", a->started, "finished", a->finished,
						"command_line", cmd, "complete", !a->partial));
	if (rc->only) { /* --only: which lists this report holds (the volumes' stats still count everything) */
		json_t *only = json_array();
		for (int i = 0; i < REPORT_ONLY_KINDS; i++)
			if (rc->only & report_only_bit(i))
				json_array_append_new(only, json_string(report_only_name(i)));
		json_object_set_new(json_object_get(o, "run"), "only", only);
	}
	json_object_set_new(o, "image", image_json(a));
	return o;
}

/* Writes the body of a JSON object without its closing brace, so arrays can follow it. */
static void open_object(writer *w, json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!s) {
		w->failed = true;
		return;
	}
	size_t n = strlen(s);
	if (n >= 2)
		json_out_raw(w->out, s, n - 1);
	free(s);
}

ntfs_status report_json(const analysis *a, const report_config *rc, FILE *f, ntfs_error *err)
{
	json_out *out = malloc(sizeof(*out));
	if (!out)
		return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory");
	json_out_init(out, f);
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	writer w = {.out = out, .ndjson = rc->format == REPORT_NDJSON, .volume = -1, .du = a->config.du,
		    .threads = rc->threads > 0 ? rc->threads : (cores > 0 ? (int)cores : 1)};
	json_t *head = header_json(a, rc);
	if (w.ndjson)
		emit(&w, "report", head);
	else {
		open_object(&w, head);
		json_out_lit(out, ",\n \"volumes\": [");
	}
	bool first = true;
	for (size_t v = 0; v < analysis_volume_count(a); v++) {
		const analysis_volume *va = analysis_volume_at(a, v);
		if (!va->selected)
			continue;
		w.volume = -1;
		if (!w.ndjson)
			json_out_lit(out, first ? "\n  " : ",\n  ");
		open_object(&w, volume_json(va));
		if (!report_filter_init(&w.filter, rc->only, false, va)) {
			w.failed = true;
			break;
		}
		if (va->scanned) { /* the journal's events are streamed: a jansson tree of them would cost ~2 KiB each */
			json_out_const(out, ",\"usn\":");
			history_usn_write(out, va->usn, report_filter_context(&w.filter));
		}
		if (w.ndjson) { /* the volume's index too, like item lines */
			json_out_const(out, ",\"type\":\"volume\",\"volume\":");
			json_out_u64(out, (uint64_t)va->index);
			json_out_const(out, "}\n");
		}
		first = false;
		w.volume = va->index;
		if (va->scanned)
			volume_items(&w, va);
		else if (!w.ndjson) /* the arrays are always there, empty when the volume could not be read */
			json_out_lit(out, ",\n   \"hardlink_sets\": [],\n   \"reparse_points\": [],\n   \"anomalies\": [],\n   \"shadow_copies\": []");
		if (!w.ndjson)
			json_out_lit(out, "}");
		report_filter_free(&w.filter);
	}
	if (!w.ndjson)
		json_out_lit(out, "\n ]\n}\n");
	int bad = json_out_flush(out);
	free(out);
	if (bad || fflush(f) || ferror(f) || w.failed)
		return ntfs_error_set(err, NTFS_E_IO, "writing the report failed");
	return NTFS_OK;
}
