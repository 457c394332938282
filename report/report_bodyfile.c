/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TSK bodyfile (mactime 3.x), laid out as `fls -m C: -r -p` writes it for NTFS:
 *
 *   MD5|name|inode|mode_as_string|UID|GID|size|atime|mtime|ctime|crtime
 *
 * Conventions, and where they differ from fls (checked against sleuthkit 4.12 on the fixtures):
 * - Two lines per name, in fls's order: first one with " ($FILE_NAME)" appended and the times of that
 *   name's own $FILE_NAME attribute (fls repeats one $FILE_NAME of the record for every hard link; we
 *   give each link its own, which is what it records), then one with the record's $STANDARD_INFORMATION
 *   times. TSK shows unset (zero) times as 2076-11-29 (an unsigned wrap); we write 0.
 * - Times are Unix seconds; NTFS maps atime = accessed, mtime = modified, ctime = MFT modified,
 *   crtime = created. Unset or pre-1970 times are written as 0 (mactime wants non-negative numbers).
 * - inode is the MFT record number alone (what istat takes), not fls's record-type-id: we do not keep
 *   attribute ids, and the record number is what the JSON report names too.
 * - mode is fls's: name type / meta type and permissions, "d/drwxrwxrwx" or "r/rrwxrwxrwx"; TSK's
 *   NTFS mapping clears the read bits for read-only files and the write bits for hidden ones. Deleted
 *   names have "-" as name type and " (deleted)" after the name, as fls. Unlike fls, symbolic links
 *   and junctions (mount points and WSL symlinks too) get type 'l', "l/lrwxrwxrwx", as fls shows ext4
 *   symbolic links (what TSK's users ask for in sleuthkit issue #2645).
 * - UID and GID are 0 (fls prints $STANDARD_INFORMATION's owner id, which is 0 on NTFS 3 volumes and
 *   garbage on 48-byte ones). MD5 is 0.
 * - size: the unnamed $DATA's size on the first line (directories: 0, where fls shows $INDEX_ROOT's
 *   size); on the $FILE_NAME line the attribute's length, 66 + 2 * name length, as fls.
 * - Names use '/' separators. DOS 8.3 aliases get no lines (fls skips them too); neither do the root
 *   directory itself nor records without any name (fls's $OrphanFiles/OrphanFile-N).
 * - Named $DATA streams get a line per name of their file after its two lines, as fls -m writes them:
 *   "NAME:STREAM", the file's mode, the stream's size and the record's $STANDARD_INFORMATION times.
 * - Reparse points that point somewhere get " -> TARGET" after the name (and after " ($FILE_NAME)"),
 *   as fls writes ext4 symbolic links: the print name (else the substitute name) of junctions, mount
 *   points and symbolic links, the target of WSL links, the executable of app execution aliases.
 * - Prefix: "--drive-prefix C:" gives "C:/dir/file" like `fls -m C:`; without it names start with "/".
 *   When several volumes are written, each volume's names get a "vol<N>" directory after the prefix
 *   ("C:/vol1/dir/file", "/vol1/dir/file") so that lines of different volumes never collide.
 * - Control characters and '|' in names (legal in the POSIX namespace) become '^', as fls sanitises
 *   control characters, so a name can never shift mactime's columns.
 * - Names left in directory index slack (removed_names) follow each volume's records, one line each with
 *   the carved $FILE_NAME key's times: "DIR/NAME ($FILE_NAME) (removed: KIND)", inode the referenced
 *   record (0 when unknown), mode "-/r..." or "-/d..." (a name that is gone, as fls marks deleted names),
 *   size the key's data size.
 * - Then one line per change-journal link event with a time (issue 12), named
 *   "PATH ($UsnJrnl: REASON+REASON...)", inode the event's record, the event's time as all four times.
 * - Then one line per shell shortcut (issue 13) with the times its header keeps of its target (when the
 *   shortcut was last saved): "LNK (shortcut target: TARGET, STATUS)", inode the .lnk's record, mode
 *   "-/----------", size the target's, atime/mtime/crtime the target's accessed/written/created, ctime 0.
 */
#include "config.h"
#include "report.h"
#include "report_only.h"

#include <stdlib.h>
#include <string.h>

#include "file_name.h"
#include "le.h"
#include "report_history.h"
#include "std_info.h"

#define BODY_FILETIME_UNIX_DIFF 11644473600ULL /* seconds from 1601-01-01 to 1970-01-01 */
#define BODY_FN_HEADER 66                       /* $FILE_NAME's fixed part, before the UTF-16 name */

/* Path buffer reused for every name, grown on demand, so the writer streams without per-name mallocs. */
typedef struct {
	char *buf;
	size_t cap;
} body_buf;

/* Where and how the lines of one volume are written. */
typedef struct {
	FILE *f;
	const analysis_volume *va;
	const char *prefix;       /* drive prefix ("C:") or "" */
	int vol_dir;              /* volume index to insert as "vol<N>", -1 for none */
	body_buf path;
	size_t next_link;         /* cursor into va->links (records ascend in both) */
	size_t next_stream;       /* cursor into the model's named streams (by base record) */
	size_t next_posix;        /* cursor into va->posix (the same) */
	report_filter only;       /* --only: which records get lines (report_only.h) */
	bool failed;
} body_writer;

/* A FILETIME as Unix seconds, 0 when unset or before 1970 (mactime wants non-negative integers). */
static unsigned long long body_unix(uint64_t ft)
{
	uint64_t s = ft / 10000000ULL;
	return s > BODY_FILETIME_UNIX_DIFF ? (unsigned long long)(s - BODY_FILETIME_UNIX_DIFF) : 0ULL;
}

/*
 * Writes s with control characters and '|' replaced by '^', so a name cannot break the columns (and
 * with slashes, '\\' as '/'): clean runs go out in one fwrite, so long paths cost no call per byte.
 */
static void body_put_clean(FILE *f, const char *s, bool slashes)
{
	const char *run = s;
	for (;; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 0x20 && c != 0x7F && c != '|' && !(slashes && c == '\\'))
			continue;
		if (s > run)
			fwrite(run, 1, (size_t)(s - run), f);
		if (!c)
			return;
		putc(c == '\\' && slashes ? '/' : '^', f);
		run = s + 1;
	}
}

/* The reparse point of record r, advancing the cursor (links are collected in record order); NULL when none. */
static const link_entry *body_link_of(body_writer *w, uint32_t r)
{
	const vec *links = w->va->links;
	while (w->next_link < links->count && VEC_AT(links, link_entry, w->next_link).record < r)
		w->next_link++;
	if (w->next_link < links->count && VEC_AT(links, link_entry, w->next_link).record == r)
		return &VEC_AT(links, link_entry, w->next_link);
	return NULL;
}

/* True when --only keeps the lines of base record r: a hard-link set, a link, or a record a finding names. */
static bool body_wanted(body_writer *w, uint32_t r)
{
	const analysis_volume *va = w->va;
	if (report_filter_everything(&w->only))
		return true;
	if (links_is_hardlink_set(va->m, r) && report_filter_set(&w->only, r))
		return true;
	const link_entry *le = body_link_of(w, r);
	if (le && report_filter_link(&w->only, le))
		return true;
	const vec *posix = va->posix;
	while (posix && w->next_posix < posix->count && VEC_AT(posix, link_entry, w->next_posix).record < r)
		w->next_posix++;
	if (posix && w->next_posix < posix->count && VEC_AT(posix, link_entry, w->next_posix).record == r &&
	    report_filter_link(&w->only, &VEC_AT(posix, link_entry, w->next_posix)))
		return true;
	return report_filter_named(&w->only, r);
}

/* The link target text of reparse point le (NULL without one). */
static const char *body_target_of(const link_entry *le)
{
	const char *t = le ? reparse_target_text(&le->rp) : NULL;
	return t && t[0] ? t : NULL;
}

/* True when le is a symbolic link or a junction (mount points and WSL symlinks included): mode "l". */
static bool body_is_symlink(const link_entry *le)
{
	if (!le)
		return false;
	reparse_kind k = le->rp.kind;
	return k == REPARSE_KIND_SYMLINK || k == REPARSE_KIND_JUNCTION || k == REPARSE_KIND_VOLUME_MOUNT_POINT ||
	       k == REPARSE_KIND_LX_SYMLINK;
}

/* fls's mode string: name type, '/', meta type and TSK's NTFS permission mapping; 'l' for a link. */
static void body_mode(const rec_info *ri, bool deleted, bool link, char mode[13])
{
	char t = link ? 'l' : (ri->flags & REC_DIR) ? 'd' : 'r';
	const char *r = (ri->std_attrs & REC_FA_READONLY) ? "-" : "r";
	const char *w = (ri->std_attrs & REC_FA_HIDDEN) ? "-" : "w";
	snprintf(mode, 13, "%c/%c%s%sx%s%sx%s%sx", deleted ? '-' : t, t, r, w, r, w, r, w);
}

/* Puts the path of name n in the writer's buffer; false when memory runs out. */
static bool body_path(body_writer *w, const name_info *n)
{
	size_t need = paths_name(w->va->p, n, w->path.buf, w->path.cap);
	if (need < w->path.cap)
		return true;
	char *b = realloc(w->path.buf, need + 1);
	if (!b)
		return false;
	w->path.buf = b;
	w->path.cap = need + 1;
	paths_name(w->va->p, n, w->path.buf, w->path.cap);
	return true;
}

/* Starts a line: "0|", the --prefix, the volume's /volN when the image has several, then path (NULL: none yet). */
static void body_line_start(const body_writer *w, const char *path)
{
	fputs("0|", w->f);
	fputs(w->prefix, w->f);
	if (w->vol_dir >= 0)
		fprintf(w->f, "/vol%d", w->vol_dir);
	if (path)
		body_put_clean(w->f, path, true);
}

/* One bodyfile line: the name with its suffixes, then the record's columns and the four times. */
static void body_line(body_writer *w, uint32_t r, const char *mode, bool fn_line, const char *target, bool deleted,
		      uint64_t size, const uint64_t t[4])
{
	FILE *f = w->f;
	body_line_start(w, w->path.buf);
	if (fn_line)
		fputs(" ($FILE_NAME)", f);
	if (target) {
		fputs(" -> ", f);
		body_put_clean(f, target, false);
	}
	if (deleted)
		fputs(" (deleted)", f);
	/* t[]: created, modified, MFT modified, accessed; columns: atime, mtime, ctime, crtime */
	fprintf(f, "|%u|%s|0|0|%llu|%llu|%llu|%llu|%llu\n", r, mode, (unsigned long long)size, body_unix(t[3]),
		body_unix(t[1]), body_unix(t[2]), body_unix(t[0]));
}

/* The lines of record r's named streams for its name whose path is in the buffer; advances no cursor. */
static void body_streams(body_writer *w, uint32_t r, const char *mode, bool deleted, const uint64_t t[4])
{
	const model *m = w->va->m;
	FILE *f = w->f;
	for (size_t i = w->next_stream; i < m->streams.count; i++) {
		const stream_info *s = &VEC_AT(&m->streams, stream_info, i);
		if (s->record != r)
			break;
		body_line_start(w, w->path.buf);
		putc(':', f);
		body_put_clean(f, m->strings.data + s->str, true);
		if (deleted)
			fputs(" (deleted)", f);
		fprintf(f, "|%u|%s|0|0|%llu|%llu|%llu|%llu|%llu\n", r, mode, (unsigned long long)s->data_size,
			body_unix(t[3]), body_unix(t[1]), body_unix(t[2]), body_unix(t[0]));
	}
}

/* True when record r has a name other than a DOS alias (then its DOS aliases get no lines). */
static bool body_has_long_name(const model *m, uint32_t r)
{
	uint32_t k = 0;
	return model_link_next(m, r, &k) != NULL;
}

/* The two lines of every listed name of base record r. */
static void body_record(body_writer *w, uint32_t r)
{
	const model *m = w->va->m;
	const rec_info *ri = &m->recs[r];
	static const uint64_t no_times[4] = {0, 0, 0, 0};
	const uint64_t *si = (m->si_times && (ri->flags & REC_HAS_SI)) ? &m->si_times[4 * (uint64_t)r] : no_times;
	bool deleted = !(ri->flags & REC_IN_USE), long_name = body_has_long_name(m, r);
	const link_entry *le = ri->name_count ? body_link_of(w, r) : NULL;
	const char *target = body_target_of(le);
	char mode[13];
	body_mode(ri, deleted, body_is_symlink(le), mode);
	const vec *streams = &m->streams;
	while (w->next_stream < streams->count && VEC_AT(streams, stream_info, w->next_stream).record < r)
		w->next_stream++;
	for (uint32_t k = 0; k < ri->name_count && !w->failed; k++) {
		const name_info *n = model_record_name(m, r, k);
		if (!model_name_is_link(n) && long_name)
			continue;
		if (r == NTFS_ROOT_RECORD && ntfs_ref_record(n->parent_ref) == NTFS_ROOT_RECORD)
			continue; /* the root's "." names itself; fls lists what is below it */
		if (!body_path(w, n)) {
			w->failed = true;
			return;
		}
		body_line(w, r, mode, true, target, deleted, BODY_FN_HEADER + 2u * n->units, model_name_times(m, n));
		body_line(w, r, mode, false, target, deleted, model_sizes(m, (uint32_t)r)->data_size, si);
		body_streams(w, r, mode, deleted, si);
	}
}

/*
 * One line per change-journal link event that has a time: "NAME ($UsnJrnl: REASONS)" with the event's time
 * in all four columns, so mactime puts it beside the file system times of the same link. NAME is the path
 * rebuilt from the live MFT (the record's own name when its parent is gone); inode is the event's record.
 */
static void body_usn_lines(body_writer *w)
{
	const usn_journal *j = w->va->usn;
	const model *m = w->va->m;
	char reasons[512];
	for (size_t i = 0; i < j->events.count && !w->failed; i++) {
		const usn_event *e = &VEC_AT(&j->events, usn_event, i);
		if (!e->time)
			continue; /* V4 records carry no time */
		uint64_t r = ntfs_ref_record(e->file_ref);
		const char *path = usn_event_path(j, e);
		char mode[13] = "-/----------";
		if (model_in_use(m, r) && m->recs[r].sequence == ntfs_ref_sequence(e->file_ref))
			body_mode(&m->recs[r], false, false, mode);
		history_reasons_text(e->reason, "+", reasons, sizeof(reasons));
		FILE *f = w->f;
		body_line_start(w, NULL);
		if (!path)
			fputs("/", f);
		body_put_clean(f, path ? path : usn_event_name(j, e), true);
		fputs(" ($UsnJrnl: ", f);
		body_put_clean(f, reasons, false);
		unsigned long long t = body_unix(e->time);
		fprintf(f, ")|%llu|%s|0|0|0|%llu|%llu|%llu|%llu\n", (unsigned long long)r, mode, t, t, t, t);
	}
}

/* One line per name left in the volume's directory index slack, with the carved key's four times. */
static void body_removed_names(body_writer *w)
{
	const analysis_volume *va = w->va;
	for (size_t i = 0; i < va->slack->names.count && !w->failed; i++) {
		const removed_name *e = &VEC_AT(&va->slack->names, removed_name, i);
		const char *name = index_slack_name(va->slack, e);
		size_t dl = paths_dir(va->p, e->directory, NULL, 0), need = dl + 2 + strlen(name);
		if (need > w->path.cap) {
			char *b = realloc(w->path.buf, need);
			if (!b) {
				w->failed = true;
				return;
			}
			w->path.buf = b;
			w->path.cap = need;
		}
		paths_dir(va->p, e->directory, w->path.buf, w->path.cap);
		if (dl == 1 && w->path.buf[0] == '\\')
			dl = 0; /* the root: "\\name", not "\\\\name" */
		snprintf(w->path.buf + dl, w->path.cap - dl, "\\%s", name);
		bool dir = (e->flags & 0x10000000u) != 0;
		char mode[13];
		snprintf(mode, sizeof(mode), "-/%crwxrwxrwx", dir ? 'd' : 'r');
		char suffix[64];
		snprintf(suffix, sizeof(suffix), "removed: %s", index_slack_kind_name(e->kind));
		FILE *f = w->f;
		body_line_start(w, w->path.buf);
		fprintf(f, " ($FILE_NAME) (%s)|%llu|%s|0|0|%llu|%llu|%llu|%llu|%llu\n", suffix,
			e->has_ref ? (unsigned long long)ntfs_ref_record(e->file_ref) : 0ULL, mode,
			(unsigned long long)e->data_size, body_unix(e->times[3]), body_unix(e->times[1]),
			body_unix(e->times[2]), body_unix(e->times[0]));
	}
}

/*
 * One line per shadow-copy change of the volume, so mactime puts the links' past states in the timeline:
 * "PATH (shadow copy N: CHANGE BEFORE -> AFTER)" (against the live volume; "since store N-1" for the changes
 * between consecutive stores), the record as inode, mode "-/----------", size 0, and the store's creation
 * time in all four time columns: the moment the store saw the link in its "before" (live: its own) state.
 */
static void body_shadow_changes(body_writer *w)
{
	const vec *stores = w->va->shadow_copies;
	for (size_t i = 0; i < stores->count && !w->failed; i++) {
		const shadow_store *st = &VEC_AT(stores, shadow_store, i);
		unsigned long long t = body_unix(st->info.creation_time);
		for (size_t k = 0; k < st->changes.count; k++) {
			const shadow_change *c = &VEC_AT(&st->changes, shadow_change, k);
			FILE *f = w->f;
			body_line_start(w, c->path ? c->path : "");
			fprintf(f, " (shadow copy %d%s: %s ", st->store_index, c->against_live ? "" : ", since the store before",
				shadow_change_name(c->change));
			body_put_clean(f, c->before ? c->before : "(none)", false);
			fputs(" -> ", f);
			body_put_clean(f, c->after ? c->after : "(none)", false);
			fprintf(f, ")|%u|-/----------|0|0|0|%llu|%llu|%llu|%llu\n", c->record, t, t, t, t);
		}
	}
}

/* One line per shortcut of the volume: the target's times as its header recorded them. */
static void body_shortcut_lines(body_writer *w)
{
	const shortcut_list *l = w->va->shortcuts;
	for (size_t i = 0; l && i < l->items.count && !w->failed; i++) {
		const shortcut *s = &VEC_AT(&l->items, shortcut, i);
		if (!s->target_times[0] && !s->target_times[1] && !s->target_times[2])
			continue;
		if (!body_path(w, model_name(w->va->m, s->name))) {
			w->failed = true;
			return;
		}
		const char *t = shortcut_stored_target(s) ? shortcut_stored_target(s) : "(no path)";
		FILE *f = w->f;
		body_line_start(w, w->path.buf);
		fputs(" (shortcut target: ", f);
		body_put_clean(f, t, false);
		fprintf(f, ", %s)|%u|-/----------|0|0|%u|%llu|%llu|0|%llu\n", link_status_name(s->target.status), s->record,
			s->target_size, body_unix(s->target_times[1]), body_unix(s->target_times[2]),
			body_unix(s->target_times[0]));
	}
}

ntfs_status report_bodyfile(const analysis *a, const report_config *rc, FILE *f, ntfs_error *err)
{
	size_t listed = 0;
	for (size_t v = 0; v < analysis_volume_count(a); v++)
		listed += analysis_volume_at(a, v)->selected && analysis_volume_at(a, v)->scanned;
	body_writer w = {.f = f, .prefix = rc->drive_prefix ? rc->drive_prefix : ""};
	for (size_t v = 0; v < analysis_volume_count(a) && !w.failed; v++) {
		const analysis_volume *va = analysis_volume_at(a, v);
		if (!va->selected || !va->scanned)
			continue;
		w.va = va;
		w.vol_dir = listed > 1 ? va->index : -1;
		w.next_link = 0;
		w.next_stream = 0;
		w.next_posix = 0;
		if (!report_filter_init(&w.only, rc->only, true, va)) {
			w.failed = true;
			break;
		}
		for (uint64_t r = 0; r < va->m->count && !w.failed; r++) {
			const rec_info *ri = &va->m->recs[r];
			if (ri->state == REC_OK && !(ri->flags & REC_EXTENSION) && body_wanted(&w, (uint32_t)r))
				body_record(&w, (uint32_t)r);
		}
		if (report_filter_context(&w.only)) {
			body_removed_names(&w);
			body_usn_lines(&w);
			body_shadow_changes(&w);
			body_shortcut_lines(&w);
		}
		report_filter_free(&w.only);
	}
	free(w.path.buf);
	if (w.failed)
		return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory writing the bodyfile");
	if (fflush(f) || ferror(f))
		return ntfs_error_set(err, NTFS_E_IO, "writing the bodyfile failed");
	return NTFS_OK;
}
