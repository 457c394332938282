/* SPDX-License-Identifier: Apache-2.0 */
/* Shell shortcuts (.lnk): found by name, read through file_data, decoded by parsers/shell_link; see shortcuts.h. */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "shortcuts.h"
#include "file_data.h"
#include "shell_link.h"

#define FIRST_USER_RECORD 16      /* records below are NTFS's own files */

const char *shortcut_stored_target(const shortcut *s)
{
	return s->local_path ? s->local_path : s->network_path ? s->network_path : s->share ? s->share : s->relative_path;
}

void shortcut_list_init(shortcut_list *l)
{
	memset(l, 0, sizeof(*l));
	vec_init(&l->items, sizeof(shortcut));
}

/* Frees the strings of one shortcut. */
static void shortcut_free(shortcut *s)
{
	char **strs[] = {&s->error,         &s->volume_label, &s->local_path,   &s->share,       &s->device,
			 &s->network_path,  &s->relative_path, &s->working_dir, &s->arguments, &s->name_string,
			 &s->icon_location, &s->walk_path,    &s->note};
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		free(*strs[i]);
		*strs[i] = NULL;
	}
	link_target_free(&s->target);
}

void shortcut_list_free(shortcut_list *l)
{
	for (size_t i = 0; i < l->items.count; i++)
		shortcut_free(&VEC_AT(&l->items, shortcut, i));
	vec_free(&l->items);
}

/* The name of base record r ending in ".lnk" (case ignored), or NULL. */
static const name_info *lnk_name(const model *m, uint32_t r)
{
	uint32_t k = 0;
	for (const name_info *n; (n = model_link_next(m, r, &k));)
		if (n->len > 4 && !strncasecmp(model_name_str(m, n) + n->len - 4, ".lnk", 4))
			return n;
	return NULL;
}

/* A copy of s, NULL when s is empty; *oom when the copy fails. */
static char *dup_or_null(const char *s, bool *oom)
{
	if (!s || !*s)
		return NULL;
	char *d = strdup(s);
	if (!d)
		*oom = true;
	return d;
}

/* Copies what the decoder found into s. Returns false when memory runs out. */
static bool copy_link(shortcut *s, const ntfs_shell_link *l)
{
	bool oom = false;
	s->link_flags = l->link_flags;
	s->file_attributes = l->file_attributes;
	s->target_times[0] = l->creation_time;
	s->target_times[1] = l->access_time;
	s->target_times[2] = l->write_time;
	s->target_size = l->file_size;
	s->has_id_list = l->link_flags & NTFS_LNK_HAS_ID_LIST;
	s->has_volume = l->has_volume;
	s->drive_type = l->drive_type;
	s->drive_serial = l->drive_serial;
	s->strings_truncated = l->truncated;
	s->volume_label = l->has_volume ? strdup(l->volume_label) : NULL;
	if (l->has_volume && !s->volume_label)
		oom = true;
	s->local_path = l->has_local_path ? dup_or_null(l->local_path, &oom) : NULL;
	s->share = l->has_network ? dup_or_null(l->net_name, &oom) : NULL;
	s->device = l->has_network ? dup_or_null(l->device_name, &oom) : NULL;
	s->network_path = l->has_network ? dup_or_null(l->network_path, &oom) : NULL;
	s->relative_path = dup_or_null(l->relative_path, &oom);
	s->working_dir = dup_or_null(l->working_dir, &oom);
	s->arguments = dup_or_null(l->arguments, &oom);
	s->name_string = dup_or_null(l->name, &oom);
	s->icon_location = dup_or_null(l->icon_location, &oom);
	return !oom;
}

/* Reads and decodes record r (name n) into a new shortcut of out, or records why not. NTFS_E_NOMEM only. */
static ntfs_status read_one(model *m, uint32_t r, const name_info *n, shortcut_list *out, ntfs_shell_link *l)
{
	const rec_info *ri = &m->recs[r];
	bool allocated = ri->flags & REC_IN_USE;
	file_data fd;
	ntfs_error e;
	if (file_data_read(m->vol, r, NULL, SHORTCUT_MAX_READ, FILE_DATA_PREFIX, &fd, &e) != NTFS_OK) {
		if (e.status == NTFS_E_NOMEM)
			return NTFS_E_NOMEM;
		if (allocated && fd.outside_mft) /* an extracted $MFT: counted, not an anomaly of each such .lnk */
			out->stats.not_in_mft++;
		else if (allocated)
			anomaly_add(&m->anomalies, "shortcut_unreadable", r, "%s", e.reason);
		return NTFS_OK;
	}
	if (!ntfs_shell_link_sniff(fd.data, fd.len)) {
		if (allocated) {
			out->stats.not_shell_links++;
			anomaly_add(&m->anomalies, "not_a_shortcut", r,
				    "%s ends in .lnk but its %llu bytes are no shell link (no 0x4C-byte header with the shell "
				    "link CLSID)", model_name_str(m, n), (unsigned long long)fd.size);
		}
		file_data_free(&fd);
		return NTFS_OK; /* a deleted record whose clusters hold something else now: nothing to report */
	}
	shortcut *s = vec_push(&out->items);
	if (!s) {
		file_data_free(&fd);
		return NTFS_E_NOMEM;
	}
	memset(s, 0, sizeof(*s));
	s->record = r;
	s->sequence = ri->sequence;
	s->allocated = allocated;
	s->name = (uint32_t)(n - model_name(m, 0));
	s->data_size = fd.size;
	s->read_truncated = fd.truncated;
	s->target_volume = -1;
	s->target.volume = -1;
	if (fd.truncated)
		anomaly_add(&m->anomalies, "shortcut_oversized", r,
			    "the shortcut declares %llu bytes; only its first %u were read (shortcuts are a few KB)",
			    (unsigned long long)fd.size, SHORTCUT_MAX_READ);
	ntfs_status st = ntfs_shell_link_decode(fd.data, fd.len, l, &e);
	file_data_free(&fd);
	s->decoded = st == NTFS_OK;
	if (!copy_link(s, l))
		return NTFS_E_NOMEM;
	if (!s->decoded) {
		s->error = strdup(e.reason);
		if (!s->error)
			return NTFS_E_NOMEM;
		anomaly_add(&m->anomalies, "malformed_shortcut", r, "%s: %s", model_name_str(m, n), e.reason);
	}
	return NTFS_OK;
}

ntfs_status shortcuts_collect(model *m, shortcut_list *out, ntfs_error *err)
{
	shortcut_list_init(out);
	ntfs_shell_link *l = malloc(sizeof(*l));
	if (!l)
		return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory");
	ntfs_status st = NTFS_OK;
	for (uint64_t r = FIRST_USER_RECORD; r < m->count && st == NTFS_OK; r++) {
		const rec_info *ri = &m->recs[r];
		if (ri->state != REC_OK || (ri->flags & REC_EXTENSION) || (ri->flags & REC_DIR) || !(ri->flags & REC_HAS_DATA))
			continue;
		const name_info *n = lnk_name(m, (uint32_t)r);
		if (n)
			st = read_one(m, (uint32_t)r, n, out, l);
	}
	free(l);
	return st == NTFS_OK ? NTFS_OK : ntfs_error_set(err, st, "out of memory");
}

/* Replaces *dst with a formatted string (NULL when memory runs out). */
static void set_text(char **dst, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_text(char **dst, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	free(*dst);
	*dst = strdup(buf);
}

/* Settles s without a walk: status and reason. */
static void decide(shortcut *s, link_status st, target_form form, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static void decide(shortcut *s, link_status st, target_form form, const char *path, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	link_target_free(&s->target);
	s->target.status = st;
	s->target.form = form;
	s->target.path = path ? strdup(path) : NULL;
	s->target.reason = strdup(buf);
}

/* The drive letter a local path starts with ("C:\..."), 0 when none. */
static char path_drive(const char *p)
{
	return p && isalpha((unsigned char)p[0]) && p[1] == ':' ? (char)toupper((unsigned char)p[0]) : 0;
}

/* The volume of vols whose serial's low 32 bits are serial; several: the one with letter, else own, else the
 * lowest (*count says how many). -1 when none. */
static int volume_of_serial(const shortcut_volume *vols, size_t n, uint32_t serial, char letter, int own, int *count)
{
	int found = -1, by_letter = -1;
	*count = 0;
	for (size_t v = 0; v < n; v++) {
		if (!vols[v].scanned || vols[v].is_mft_file || (uint32_t)vols[v].serial != serial)
			continue;
		(*count)++;
		if (found < 0 || (int)v == own)
			found = (int)v;
		if (letter && vols[v].drive == letter && by_letter < 0)
			by_letter = (int)v;
	}
	return by_letter >= 0 ? by_letter : found;
}

/* The volume that has drive letter c (the first), or -1. */
static int volume_of_letter(const shortcut_volume *vols, size_t n, char c)
{
	for (size_t v = 0; c && v < n; v++)
		if (vols[v].scanned && vols[v].drive == c)
			return (int)v;
	return -1;
}

/* Plans shortcut s of volume own: settles it, or sets target_volume and walk_path for the resolver. */
static void plan_one(shortcut_volume *vols, size_t n, int own, shortcut *s, bool *oom)
{
	if (!s->decoded) {
		decide(s, LINK_STATUS_MALFORMED, TARGET_FORM_NONE, NULL, "the shortcut cannot be decoded: %s",
		       s->error ? s->error : "?");
		return;
	}
	if (s->share) {
		decide(s, LINK_STATUS_REMOTE, TARGET_FORM_UNC, s->network_path ? s->network_path : s->share,
		       "network share %s%s%s%s", s->share, s->device ? " (mapped as " : "", s->device ? s->device : "",
		       s->device ? ")" : "");
		return;
	}
	if (s->local_path && s->has_volume) {
		char letter = path_drive(s->local_path);
		if (!strncmp(s->local_path, "\\\\", 2)) {
			decide(s, LINK_STATUS_REMOTE, TARGET_FORM_UNC, s->local_path, "UNC path %s points to a network share",
			       s->local_path);
			return;
		}
		if (vols[own].is_mft_file) {
			decide(s, LINK_STATUS_UNKNOWN, TARGET_FORM_DRIVE, s->local_path,
			       "%s is on the %s volume with serial %04X-%04X%s%s%s; an extracted $MFT has no boot sector, so "
			       "this volume's serial, and whether it is that volume, are unknown", s->local_path,
			       ntfs_shell_link_drive_type_name(s->drive_type), s->drive_serial >> 16, s->drive_serial & 0xFFFF,
			       s->volume_label && *s->volume_label ? " (label " : "",
			       s->volume_label && *s->volume_label ? s->volume_label : "",
			       s->volume_label && *s->volume_label ? ")" : "");
			return;
		}
		int count = 0, v = volume_of_serial(vols, n, s->drive_serial, letter, own, &count);
		if (v < 0) {
			int lv = volume_of_letter(vols, n, letter);
			char more[256] = "";
			if (lv >= 0)
				snprintf(more, sizeof(more), "; drive %c: of this image is volume %d, serial %04X-%04X: another "
					 "volume had that letter when the shortcut was made", letter, lv,
					 (unsigned)((uint32_t)vols[lv].serial >> 16), (unsigned)(vols[lv].serial & 0xFFFF));
			decide(s, LINK_STATUS_EXTERNAL, TARGET_FORM_DRIVE, s->local_path,
			       "%s is on the %s volume with serial %04X-%04X%s%s%s, which is no volume of this image%s",
			       s->local_path, ntfs_shell_link_drive_type_name(s->drive_type), s->drive_serial >> 16,
			       s->drive_serial & 0xFFFF, s->volume_label && *s->volume_label ? " (label " : "",
			       s->volume_label && *s->volume_label ? s->volume_label : "",
			       s->volume_label && *s->volume_label ? ")" : "", more);
			return;
		}
		s->target_volume = v;
		const char *rest = letter ? s->local_path + 2 : s->local_path;
		s->walk_path = strdup(*rest ? rest : "\\");
		if (!s->walk_path)
			*oom = true;
		char note[256] = "";
		if (letter && vols[v].drive && vols[v].drive != letter)
			snprintf(note, sizeof(note), "the shortcut says %c:, this volume is %c: here; ", letter, vols[v].drive);
		if (count > 1)
			snprintf(note + strlen(note), sizeof(note) - strlen(note),
				 "%d volumes of this image have serial %04X-%04X; ", count, s->drive_serial >> 16,
				 s->drive_serial & 0xFFFF);
		set_text(&s->note, "%son volume %d by its serial %04X-%04X", note, v, s->drive_serial >> 16,
			 s->drive_serial & 0xFFFF);
		if (!s->note)
			*oom = true;
		return;
	}
	if (s->relative_path) {
		s->target_volume = own;
		s->walk_path = strdup(s->relative_path);
		s->walk_relative = true;
		set_text(&s->note, "the shortcut has no LinkInfo path; its relative path from its own folder");
		if (!s->walk_path || !s->note)
			*oom = true;
		return;
	}
	decide(s, LINK_STATUS_UNKNOWN, TARGET_FORM_NONE, NULL, "%s",
	       s->has_id_list ? "the shortcut has only an ID list (shell items), which is not decoded: no path to resolve"
			      : "the shortcut names no target (no LinkInfo, relative path or ID list)");
}

ntfs_status shortcuts_plan(shortcut_volume *vols, size_t n, resolve_request **reqs, size_t *nreq)
{
	size_t total = 0;
	bool oom = false;
	*reqs = NULL;
	*nreq = 0;
	for (size_t v = 0; v < n; v++)
		total += vols[v].scanned && vols[v].list ? vols[v].list->items.count : 0;
	resolve_request *q = calloc(total ? total : 1, sizeof(*q));
	if (!q)
		return NTFS_E_NOMEM;
	for (size_t v = 0; v < n; v++)
		for (size_t i = 0; vols[v].scanned && vols[v].list && i < vols[v].list->items.count; i++) {
			shortcut *s = &VEC_AT(&vols[v].list->items, shortcut, i);
			plan_one(vols, n, (int)v, s, &oom);
			if (s->target_volume >= 0 && s->walk_path)
				q[(*nreq)++] = (resolve_request){.volume = s->target_volume, .path = s->walk_path,
								 .from_name = s->walk_relative ? s->name : MODEL_NONE,
								 .target = &s->target};
		}
	*reqs = q;
	return oom ? NTFS_E_NOMEM : NTFS_OK;
}

/* Counts s in st. */
static void count(shortcut_stats *st, const shortcut *s)
{
	st->total++;
	st->deleted += !s->allocated;
	switch (s->target.status) {
	case LINK_STATUS_OK: st->ok++; break;
	case LINK_STATUS_STALE: st->stale++; break;
	case LINK_STATUS_EXTERNAL: st->external++; break;
	case LINK_STATUS_REMOTE: st->remote++; break;
	case LINK_STATUS_UNKNOWN: st->unknown++; break;
	case LINK_STATUS_MALFORMED: st->malformed++; break;
	default: st->other++; break;
	}
}

void shortcuts_settle(shortcut_volume *vols, size_t n)
{
	for (size_t v = 0; v < n; v++) {
		shortcut_list *l = vols[v].list;
		if (!vols[v].scanned || !l)
			continue;
		uint64_t not_links = l->stats.not_shell_links, not_in_mft = l->stats.not_in_mft;
		memset(&l->stats, 0, sizeof(l->stats));
		l->stats.not_shell_links = not_links;
		l->stats.not_in_mft = not_in_mft;
		for (size_t i = 0; i < l->items.count; i++) {
			shortcut *s = &VEC_AT(&l->items, shortcut, i);
			if (s->note && s->target.reason) {
				char *r = s->target.reason;
				s->target.reason = NULL;
				set_text(&s->target.reason, "%s; %s", r, s->note);
				free(r);
			}
			count(&l->stats, s);
		}
	}
}
