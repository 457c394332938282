/* SPDX-License-Identifier: Apache-2.0 */
/* Link targets resolved inside the image: relative, drive-letter, through intermediate links, loop-guarded. */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"

#define MAX_HOPS 63
#define MAX_COMPONENTS 8192
#define MAX_MATCHES 8

/* A normalised absolute path on one volume: its components, without "." or "..". */
typedef struct {
	int vol;
	char *buf;                /* the components' storage */
	const char *comp[MAX_COMPONENTS];
	size_t n;
} target_path;

void link_target_free(link_target *t)
{
	free(t->path);
	free(t->reason);
	memset(t, 0, sizeof(*t));
}

/* Sets the outcome of a resolution with a printf-style reason. */
static void set_result(link_target *t, const char *status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_result(link_target *t, const char *status, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	t->status = status;
	free(t->reason);
	t->reason = strdup(buf);
}

/* Splits text (separators '\' or '/') onto tp's components, applying "." and ".." (clamped at the root). */
static int push_components(target_path *tp, const char *text, bool slash_too)
{
	size_t old = 0;
	for (size_t i = 0; i < tp->n; i++)
		old += strlen(tp->comp[i]) + 1;
	size_t add = strlen(text);
	char *nb = malloc(old + add + 2);
	if (!nb)
		return -1;
	/* rebuild: old components first, then the new text, so everything lives in one buffer */
	char *w = nb;
	for (size_t i = 0; i < tp->n; i++) {
		size_t l = strlen(tp->comp[i]);
		memcpy(w, tp->comp[i], l + 1);
		tp->comp[i] = w;
		w += l + 1;
	}
	memcpy(w, text, add + 1);
	free(tp->buf);
	tp->buf = nb;
	for (char *s = w; *s;) {
		char *e = s;
		while (*e && *e != '\\' && !(slash_too && *e == '/'))
			e++;
		bool more = *e != '\0';
		*e = '\0';
		if (!strcmp(s, "..")) {
			if (tp->n > 0)
				tp->n--;
		} else if (*s && strcmp(s, ".")) {
			if (tp->n >= MAX_COMPONENTS)
				return -1;
			tp->comp[tp->n++] = s;
		}
		s = more ? e + 1 : e;
	}
	return 0;
}

/* Joins the first n components of tp as "\a\b" ("\" for none). */
static char *join(const target_path *tp, size_t n)
{
	size_t len = 1;
	for (size_t i = 0; i < n; i++)
		len += strlen(tp->comp[i]) + 1;
	char *s = malloc(len + 1), *w = s;
	if (!s)
		return NULL;
	if (n == 0)
		*w++ = '\\';
	for (size_t i = 0; i < n; i++) {
		*w++ = '\\';
		size_t l = strlen(tp->comp[i]);
		memcpy(w, tp->comp[i], l);
		w += l;
	}
	*w = '\0';
	return s;
}

/* The volume known to have drive letter c, or -1. */
static int volume_of_drive(const analysis *a, char c)
{
	c = (char)toupper((unsigned char)c);
	for (size_t i = 0; i < a->nvols; i++)
		if (a->vols[i].scanned && a->vols[i].drive == c)
			return (int)i;
	return -1;
}

/* True for "X:" followed by the end or a separator. */
static bool is_drive_path(const char *s)
{
	return isalpha((unsigned char)s[0]) && s[1] == ':' && (s[2] == '\0' || s[2] == '\\' || s[2] == '/');
}

/*
 * Turns a link's stored target into a normalised path on a volume of this image. Returns 0 with
 * tp filled, or 1 with t set (external, remote, malformed) when there is nothing to walk.
 */
static int parse_target(const analysis *a, int vol, const char *base_dir, const link_entry *le, const char *text,
			target_path *tp, link_target *t)
{
	bool lx = le->rp.kind == REPARSE_KIND_LX_SYMLINK;
	bool relative = lx ? text[0] != '/' : le->rp.relative;
	tp->vol = vol;
	if (!relative) {
		const char *s = text;
		if (lx) {
			if (!strncmp(s, "/mnt/", 5) && isalpha((unsigned char)s[5]) && (s[6] == '/' || !s[6])) {
				char drive = (char)toupper((unsigned char)s[5]);
				tp->vol = volume_of_drive(a, drive);
				if (tp->vol < 0) {
					set_result(t, "external", "WSL path %s is on drive %c:, which no volume of this image is known to be (use --drive %c=N)",
						   text, drive, drive);
					return 1;
				}
				return push_components(tp, s + 6, true) ? (set_result(t, "malformed", "target path too long"), 1) : 0;
			}
			set_result(t, "external", "WSL path %s lies outside the Windows volumes", text);
			return 1;
		}
		if (!strncmp(s, "\\??\\", 4) || !strncmp(s, "\\\\?\\", 4) || !strncmp(s, "\\\\.\\", 4))
			s += 4;
		else if (!strncmp(s, "\\\\", 2)) {
			set_result(t, "remote", "UNC path %s points to a network share", text);
			return 1;
		}
		if (!strncasecmp(s, "UNC\\", 4)) {
			set_result(t, "remote", "UNC path \\\\%s points to a network share", s + 4);
			return 1;
		}
		if (!strncasecmp(s, "Volume{", 7)) {
			set_result(t, "external", "volume mount point %s: that volume is not identified in this image", text);
			return 1;
		}
		if (is_drive_path(s)) {
			char drive = (char)toupper((unsigned char)s[0]);
			tp->vol = volume_of_drive(a, drive);
			if (tp->vol < 0) {
				set_result(t, "external", "drive %c: is not known to be any volume of this image (use --drive %c=N)",
					   drive, drive);
				return 1;
			}
			s += 2;
		} else if (s != text || s[0] != '\\') {
			set_result(t, "external", "target %s names no drive letter of this image", text);
			return 1;
		}
		if (push_components(tp, s, false))
			return set_result(t, "malformed", "target path too long"), 1;
		return 0;
	}
	if (push_components(tp, base_dir, false) || push_components(tp, text, lx))
		return set_result(t, "malformed", "target path too long"), 1;
	return 0;
}

/* The link entry of record r on volume va, or NULL (links are sorted by record). */
static const link_entry *link_of(const vol_analysis *va, uint32_t r)
{
	size_t lo = 0, hi = va->links.count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const link_entry *le = &VEC_AT(&va->links, link_entry, mid);
		if (le->record == r)
			return le;
		if (le->record < r)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The text a link points at: substitute name, or the WSL target. */
static const char *link_text(const link_entry *le)
{
	return le->rp.kind == REPARSE_KIND_LX_SYMLINK ? le->rp.lx_target : le->rp.substitute_name;
}

/* True when a link is one the resolver follows through (junctions, mount points, symbolic links). */
static bool followable(const link_entry *le)
{
	return le && le->allocated && !le->rp.malformed && link_text(le) &&
	       (le->rp.kind == REPARSE_KIND_JUNCTION || le->rp.kind == REPARSE_KIND_SYMLINK ||
		le->rp.kind == REPARSE_KIND_VOLUME_MOUNT_POINT || le->rp.kind == REPARSE_KIND_LX_SYMLINK);
}

/*
 * Finds component c in directory dir: the allocated owner record (its name as stored in *stored),
 * else MODEL_NONE with a deleted record holding that name in *deleted.
 */
static uint32_t lookup(const vol_analysis *va, uint32_t dir, const char *c, uint32_t *deleted, const char **stored)
{
	uint32_t found[MAX_MATCHES];
	size_t n = name_index_find(&va->ix, dir, c, strlen(c), found, MAX_MATCHES);
	*deleted = MODEL_NONE;
	for (size_t i = 0; i < n && i < MAX_MATCHES; i++) {
		uint32_t owner = model_name(&va->m, found[i])->owner;
		if (model_in_use(&va->m, owner)) {
			*stored = model_name_str(&va->m, model_name(&va->m, found[i]));
			return owner;
		}
		if (*deleted == MODEL_NONE)
			*deleted = owner;
	}
	return MODEL_NONE;
}

/* Says a path is stale, naming the deleted record that still holds it when there is one. */
static void stale(link_target *t, const vol_analysis *va, const target_path *tp, size_t upto, uint32_t deleted)
{
	char *where = join(tp, upto + 1);
	/* on a partial scan the target may sit in records that were never read: say so */
	const char *caveat = va->m.partial ? " (the scan of this volume is partial: it may lie in records not read)" : "";
	if (deleted != MODEL_NONE)
		set_result(t, "stale", "%s does not exist; deleted record %u (sequence %u) still holds that path%s",
			   where ? where : "?", deleted, va->m.recs[deleted].sequence, caveat);
	else
		set_result(t, "stale", "%s does not exist%s", where ? where : "?", caveat);
	free(where);
}

/* The components of tp after the first `from`, joined, or "" when none are left. */
static char *rest_of(const target_path *tp, size_t from)
{
	if (from >= tp->n)
		return strdup("");
	target_path tail;
	tail.n = 0; /* comp[] is large: set only what is used */
	tail.buf = NULL;
	for (size_t k = from; k < tp->n; k++)
		tail.comp[tail.n++] = tp->comp[k];
	return join(&tail, tail.n);
}

/*
 * Replaces tp by the target of link le (met at component i) followed by the rest of tp.
 * Returns 0, or 1 with t set when the link leads nowhere walkable.
 */
static int follow(const analysis *a, const link_entry *le, uint32_t rec, target_path *tp, size_t i, link_target *t)
{
	target_path next;
	next.n = 0;
	next.buf = NULL;
	next.vol = 0;
	char *base = join(tp, i), *rest = rest_of(tp, i + 1);
	int r = base && rest ? parse_target(a, tp->vol, base, le, link_text(le), &next, t) : -1;
	if (r == 0 && push_components(&next, rest, false))
		r = -1;
	free(base);
	free(rest);
	if (r != 0) {
		free(next.buf);
		if (r < 0)
			set_result(t, "malformed", "target path too long or out of memory");
		else
			set_result(t, t->status, "through the %s at record %u: %s", reparse_kind_name(le->rp.kind), rec,
				   t->reason ? t->reason : "");
		return 1;
	}
	free(tp->buf);
	*tp = next;
	return 0;
}

/* Walks tp from its volume's root, following every link met (the final one too), and fills t. */
static void walk(const analysis *a, target_path *tp, link_target *t)
{
	struct { int vol; uint32_t rec; } seen[MAX_HOPS];
	int hops = 0;
	uint32_t dir = NTFS_ROOT_RECORD;
	size_t i = 0;
	while (i < tp->n) {
		const vol_analysis *va = &a->vols[tp->vol];
		const char *stored = NULL;
		uint32_t deleted, rec = lookup(va, dir, tp->comp[i], &deleted, &stored);
		if (rec == MODEL_NONE) {
			stale(t, va, tp, i, deleted);
			return;
		}
		const link_entry *le = link_of(va, rec);
		if (followable(le)) {
			for (int h = 0; h < hops; h++)
				if (seen[h].vol == tp->vol && seen[h].rec == rec) {
					set_result(t, "loop", "resolution comes back to record %u after %d link(s)", rec, hops);
					return;
				}
			if (hops >= MAX_HOPS) {
				set_result(t, "loop", "more than %d links followed", MAX_HOPS);
				return;
			}
			seen[hops].vol = tp->vol;
			seen[hops++].rec = rec;
			if (follow(a, le, rec, tp, i, t))
				return;
			dir = NTFS_ROOT_RECORD;
			i = 0;
			continue;
		}
		if (i + 1 < tp->n && !(va->m.recs[rec].flags & REC_DIR)) {
			char *where = join(tp, i + 1);
			set_result(t, "stale", "%s is a file (record %u), so the path cannot go on below it",
				   where ? where : "?", rec);
			free(where);
			return;
		}
		tp->comp[i] = stored; /* report the name as the volume spells it */
		dir = rec;
		i++;
	}
	t->status = "ok";
	t->has_record = true;
	t->record = dir;
	t->sequence = a->vols[tp->vol].m.recs[dir].sequence;
	t->volume = tp->vol;
}

/* Resolves one link of volume vi. */
static void resolve_one(const analysis *a, int vi, link_entry *le)
{
	const vol_analysis *va = &a->vols[vi];
	link_target *t = &le->target;
	target_path tp;
	tp.n = 0;
	tp.buf = NULL;
	tp.vol = 0;
	memset(t, 0, sizeof(*t));
	t->volume = -1;
	if (le->rp.malformed) {
		set_result(t, "malformed", "%s", le->rp.malformed_reason);
		return;
	}
	const char *text = link_text(le);
	if (!text || !*text) {
		set_result(t, "malformed", "the link stores an empty target");
		return;
	}
	char *base = NULL;
	if (le->name != MODEL_NONE) {
		uint32_t d = paths_name_dir(&va->p, model_name(&va->m, le->name));
		base = d == PATHS_ORPHAN ? strdup("\\") : paths_dir_alloc(&va->p, d);
	} else {
		base = strdup("\\");
	}
	if (!base || parse_target(a, vi, base, le, text, &tp, t) != 0) {
		free(base);
		free(tp.buf);
		if (!t->status)
			set_result(t, "malformed", "out of memory");
		return;
	}
	free(base);
	t->volume = tp.vol;
	walk(a, &tp, t);
	t->path = join(&tp, tp.n);
	t->volume = tp.vol;
	if (!strcmp(t->status, "ok")) {
		const vol_analysis *tv = &a->vols[t->volume];
		bool is_dir = tv->m.recs[t->record].flags & REC_DIR;
		if (le->rp.kind == REPARSE_KIND_JUNCTION && !is_dir)
			set_result(t, "type_mismatch", "junction onto a file (record %u): junctions must point to directories",
				   t->record);
		else
			set_result(t, "ok", "%s exists (record %u)%s", t->path, t->record,
				   t->volume != vi ? " on another volume" : "");
	}
	free(tp.buf);
}

void resolve_all(analysis *a)
{
	for (size_t v = 0; v < a->nvols; v++) {
		vol_analysis *va = &a->vols[v];
		if (!va->scanned)
			continue;
		for (size_t i = 0; i < va->links.count; i++) {
			link_entry *le = &VEC_AT(&va->links, link_entry, i);
			if (le->has_target)
				resolve_one(a, (int)v, le);
		}
	}
}
