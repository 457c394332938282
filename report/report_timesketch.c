/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Timesketch JSONL (--format timesketch): one JSON object per line, per time of every link object, as
 * Timesketch's importer reads JSONL: `message`, `datetime` (ISO 8601 UTC, microseconds), `timestamp`
 * (microseconds since 1970), `timestamp_desc`, and the object's fields.
 *
 * Lines, per volume in record order (times that are 0 or before 1970 give no line):
 * - every name of a hard-link set: its own $FILE_NAME times ("$FILE_NAME Creation Time", ...), and once
 *   per set the record's $STANDARD_INFORMATION times ("$STANDARD_INFORMATION Creation Time", ...);
 * - every reparse point: its record's $STANDARD_INFORMATION times and the $FILE_NAME times of its name;
 * - every shell shortcut (.lnk): its record's $STANDARD_INFORMATION times, its name's $FILE_NAME times, and
 *   the target's times its header keeps ("Shortcut Target Creation Time", "... Content Modification Time",
 *   "... Last Access Time": when the shortcut was last saved, the target had these);
 * - every name left in directory index slack (removed_names): the carved key's four times
 *   ("Index Slack $FILE_NAME Creation Time", ...).
 * Fields: data_type (ntfslinks:hardlink, ntfslinks:reparse_point, ntfslinks:shortcut, ntfslinks:removed_name),
 * volume, record,
 * sequence, path, and per kind: link_count and names (hard links); reparse_kind, reparse_tag, target_path,
 * target_status (links); allocated, target, target_status, target_path, volume_serial (shortcuts);
 * directory_path, name, removed_kind, record_state (removed names).
 */
#include "config.h"
#include "report.h"
#include "report_only.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json_out.h"
#include "le.h"

#define TS_FILETIME_UNIX_DIFF 11644473600ULL /* seconds from 1601-01-01 to 1970-01-01 */

static const char *const ts_time_names[4] = {"Creation Time", "Content Modification Time",
					     "Metadata Modification Time", "Last Access Time"};

/* The writer's state: where lines go and whether one failed. */
typedef struct {
	FILE *f;
	const analysis_volume *va;
	bool failed;
} ts_writer;

/* Microseconds since 1970 of FILETIME ft; false when it is 0 or before 1970 (no event). */
static bool ts_micros(uint64_t ft, int64_t *us)
{
	uint64_t s = ft / 10000000ULL;
	if (ft == 0 || s < TS_FILETIME_UNIX_DIFF || s - TS_FILETIME_UNIX_DIFF > (uint64_t)INT64_MAX / 1000000)
		return false;
	*us = (int64_t)(s - TS_FILETIME_UNIX_DIFF) * 1000000 + (int64_t)(ft % 10000000ULL / 10);
	return true;
}

/* ISO 8601 UTC with microseconds, "2020-07-25T12:26:04.123456+00:00", of us. */
static void ts_iso(int64_t us, char *buf, size_t cap)
{
	time_t t = (time_t)(us / 1000000);
	struct tm tm;
	gmtime_r(&t, &tm);
	size_t n = strftime(buf, cap, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, cap - n, ".%06lld+00:00", (long long)(us % 1000000));
}

/* A fresh malloc'd string formatted like printf (NULL when memory runs out). */
static char *ts_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *ts_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *s = n < 0 ? NULL : malloc((size_t)n + 1);
	if (s) {
		va_start(ap, fmt);
		vsnprintf(s, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	return s;
}

/* A string field that may be NULL; jansson refuses invalid UTF-8, which then becomes null. */
static json_t *ts_str(const char *s)
{
	json_t *j = s ? json_string(s) : NULL;
	return j ? j : json_null();
}

/* Writes one line per set time of t[4]: base's fields plus message, datetime, timestamp, timestamp_desc. */
static void ts_lines(ts_writer *w, json_t *base, const char *source, const uint64_t t[4], const char *what)
{
	for (int i = 0; i < 4 && !w->failed; i++) {
		int64_t us;
		if (!ts_micros(t[i], &us))
			continue;
		char iso[48], desc[80], *msg;
		ts_iso(us, iso, sizeof(iso));
		snprintf(desc, sizeof(desc), "%s %s", source, ts_time_names[i]);
		json_t *o = json_deep_copy(base);
		if (!o || (msg = ts_printf("%s: %s", desc, what)) == NULL) {
			json_decref(o);
			w->failed = true;
			return;
		}
		json_object_set_new(o, "message", ts_str(msg));
		json_object_set_new(o, "datetime", json_string(iso));
		json_object_set_new(o, "timestamp", json_integer(us));
		json_object_set_new(o, "timestamp_desc", json_string(desc));
		free(msg);
		if (json_dumpf(o, w->f, JSON_COMPACT | JSON_PRESERVE_ORDER) < 0 || fputc('\n', w->f) == EOF)
			w->failed = true;
		json_decref(o);
	}
}

/* The record's $STANDARD_INFORMATION times, or NULL when they were not kept. */
static const uint64_t *ts_si(const model *m, uint32_t r)
{
	return m->si_times && (m->recs[r].flags & REC_HAS_SI) ? &m->si_times[4 * (uint64_t)r] : NULL;
}

/* The fields every line of a volume's object starts with. */
static json_t *ts_base(const ts_writer *w, const char *type, uint64_t record, uint16_t sequence, const char *path)
{
	json_t *o = json_object();
	json_object_set_new(o, "data_type", json_string(type));
	json_object_set_new(o, "volume", json_integer(w->va->index));
	json_object_set_new(o, "record", json_integer((json_int_t)record));
	json_object_set_new(o, "sequence", json_integer(sequence));
	json_object_set_new(o, "path", ts_str(path));
	return o;
}

/* The lines of hard-link set r: each name's $FILE_NAME times, then the record's $STANDARD_INFORMATION times. */
static void ts_hardlink(ts_writer *w, uint32_t r)
{
	const analysis_volume *va = w->va;
	const model *m = va->m;
	json_t *names = json_array();
	uint32_t k = 0;
	for (const name_info *n; (n = model_link_next(m, r, &k));) {
		char *p = paths_name_alloc(va->p, n);
		json_array_append_new(names, ts_str(p));
		free(p);
	}
	const char *first = json_string_value(json_array_get(names, 0));
	k = 0;
	for (const name_info *n; (n = model_link_next(m, r, &k)) && !w->failed;) {
		char *p = paths_name_alloc(va->p, n), *what = NULL;
		json_t *base = ts_base(w, "ntfslinks:hardlink", r, m->recs[r].sequence, p);
		json_object_set_new(base, "link_count", json_integer(m->recs[r].link_count));
		json_object_set_new(base, "names", json_incref(names));
		if ((what = ts_printf("hard link %s of record %u (%zu names)", p ? p : "?", r, json_array_size(names))) != NULL)
			ts_lines(w, base, "$FILE_NAME", model_name_times(m, n), what);
		free(what);
		free(p);
		json_decref(base);
	}
	const uint64_t *si = ts_si(m, r);
	if (si && !w->failed) {
		char *what = NULL;
		json_t *base = ts_base(w, "ntfslinks:hardlink", r, m->recs[r].sequence, first);
		json_object_set_new(base, "link_count", json_integer(m->recs[r].link_count));
		json_object_set_new(base, "names", json_incref(names));
		if ((what = ts_printf("hard-link set of record %u (%zu names: %s, ...)", r, json_array_size(names),
			     first ? first : "?")) != NULL)
			ts_lines(w, base, "$STANDARD_INFORMATION", si, what);
		free(what);
		json_decref(base);
	}
	json_decref(names);
}

/* The lines of reparse point le: its record's $STANDARD_INFORMATION times, its name's $FILE_NAME times. */
static void ts_reparse(ts_writer *w, const link_entry *le)
{
	const analysis_volume *va = w->va;
	const model *m = va->m;
	const name_info *n = le->name != MODEL_NONE ? model_name(m, le->name) : NULL;
	char *p = n ? paths_name_alloc(va->p, n) : NULL, *what = NULL, tag[16];
	const char *target = reparse_target_text(&le->rp);
	snprintf(tag, sizeof(tag), "0x%08x", le->rp.tag);
	json_t *base = ts_base(w, "ntfslinks:reparse_point", le->record, le->sequence, p);
	json_object_set_new(base, "reparse_kind", json_string(reparse_kind_name(le->rp.kind)));
	json_object_set_new(base, "reparse_tag", json_string(tag));
	json_object_set_new(base, "allocated", json_boolean(le->allocated));
	json_object_set_new(base, "target", ts_str(target));
	if (le->has_target) {
		json_object_set_new(base, "target_status", json_string(link_status_name(le->target.status)));
		json_object_set_new(base, "target_path", ts_str(le->target.path));
	}
	if ((what = ts_printf("%s %s%s%s%s%s", reparse_kind_name(le->rp.kind), p ? p : "?", target ? " -> " : "",
		     target ? target : "", le->has_target ? " " : "",
		     le->has_target ? link_status_name(le->target.status) : "")) != NULL) {
		const uint64_t *si = ts_si(m, le->record);
		if (si)
			ts_lines(w, base, "$STANDARD_INFORMATION", si, what);
		if (n)
			ts_lines(w, base, "$FILE_NAME", model_name_times(m, n), what);
	} else {
		w->failed = true;
	}
	free(what);
	free(p);
	json_decref(base);
}

/* The lines of shortcut s: its record's and name's times, then its target's times as its header keeps them. */
static void ts_shortcut(ts_writer *w, const shortcut *s)
{
	const analysis_volume *va = w->va;
	const model *m = va->m;
	const name_info *n = model_name(m, s->name);
	char *p = paths_name_alloc(va->p, n), *what = NULL, serial[16];
	const char *target = shortcut_stored_target(s);
	const char *status = link_status_name(s->target.status);
	json_t *base = ts_base(w, "ntfslinks:shortcut", s->record, s->sequence, p);
	json_object_set_new(base, "allocated", json_boolean(s->allocated));
	json_object_set_new(base, "target", ts_str(target));
	json_object_set_new(base, "target_status", json_string(status));
	json_object_set_new(base, "target_path", ts_str(s->target.path));
	snprintf(serial, sizeof(serial), "%08X", s->drive_serial);
	json_object_set_new(base, "volume_serial", s->has_volume ? json_string(serial) : json_null());
	/* the header's created, accessed, written in ts_time_names' order (no metadata time) */
	const uint64_t header[4] = {s->target_times[0], s->target_times[2], 0, s->target_times[1]};
	if ((what = ts_printf("shortcut %s -> %s %s", p ? p : "?", target ? target : "(no path)", status)) != NULL) {
		const uint64_t *si = ts_si(m, s->record);
		if (si)
			ts_lines(w, base, "$STANDARD_INFORMATION", si, what);
		ts_lines(w, base, "$FILE_NAME", model_name_times(m, n), what);
		ts_lines(w, base, "Shortcut Target", header, what);
	} else {
		w->failed = true;
	}
	free(what);
	free(p);
	json_decref(base);
}

/* The lines of a name left in directory index slack: the carved key's four times. */
static void ts_removed(ts_writer *w, const removed_name *e)
{
	const analysis_volume *va = w->va;
	char *dir = paths_dir_alloc(va->p, e->directory), *path = NULL, *what = NULL;
	const char *name = index_slack_name(va->slack, e);
	if ((path = ts_printf("%s%s%s", dir ? dir : "?", dir && !strcmp(dir, "\\") ? "" : "\\", name)) == NULL) {
		free(dir);
		w->failed = true;
		return;
	}
	json_t *base = ts_base(w, "ntfslinks:removed_name", e->has_ref ? ntfs_ref_record(e->file_ref) : 0,
			       e->has_ref ? ntfs_ref_sequence(e->file_ref) : 0, path);
	if (!e->has_ref) {
		json_object_set_new(base, "record", json_null());
		json_object_set_new(base, "sequence", json_null());
	}
	json_object_set_new(base, "directory_record", json_integer(e->directory));
	json_object_set_new(base, "directory_path", ts_str(dir));
	json_object_set_new(base, "name", ts_str(name));
	json_object_set_new(base, "removed_kind", json_string(index_slack_kind_name(e->kind)));
	json_object_set_new(base, "record_state", json_string(index_slack_state_name(e->state)));
	if ((what = ts_printf("%s %s (record %s), left in index slack", index_slack_kind_name(e->kind), path,
		     e->has_ref ? index_slack_state_name(e->state) : "unknown")) != NULL)
		ts_lines(w, base, "Index Slack $FILE_NAME", e->times, what);
	else
		w->failed = true;
	free(what);
	free(path);
	free(dir);
	json_decref(base);
}

ntfs_status report_timesketch(const analysis *a, const report_config *rc, FILE *f, ntfs_error *err)
{
	ts_writer w = {.f = f};
	for (size_t v = 0; v < analysis_volume_count(a) && !w.failed; v++) {
		const analysis_volume *va = analysis_volume_at(a, v);
		report_filter only;
		if (!va->selected || !va->scanned)
			continue;
		if (!report_filter_init(&only, rc->only, true, va)) {
			w.failed = true;
			break;
		}
		w.va = va;
		for (uint64_t r = 0; r < va->m->count && !w.failed; r++)
			if (links_is_hardlink_set(va->m, (uint32_t)r) && report_filter_set(&only, (uint32_t)r))
				ts_hardlink(&w, (uint32_t)r);
		for (size_t i = 0; i < va->links->count && !w.failed; i++)
			if (report_filter_link(&only, &VEC_AT(va->links, link_entry, i)))
				ts_reparse(&w, &VEC_AT(va->links, link_entry, i));
		for (size_t i = 0; va->shortcuts && i < va->shortcuts->items.count && !w.failed; i++)
			if (report_filter_shortcut(&only, &VEC_AT(&va->shortcuts->items, shortcut, i)))
				ts_shortcut(&w, &VEC_AT(&va->shortcuts->items, shortcut, i));
		for (size_t i = 0; report_filter_context(&only) && i < va->slack->names.count && !w.failed; i++)
			ts_removed(&w, &VEC_AT(&va->slack->names, removed_name, i));
		report_filter_free(&only);
	}
	if (w.failed)
		return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory writing the Timesketch lines");
	if (fflush(f) || ferror(f))
		return ntfs_error_set(err, NTFS_E_IO, "writing the Timesketch lines failed");
	return NTFS_OK;
}
