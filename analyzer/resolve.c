/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Link targets resolved inside the image. Each stored target is classified by its form (drive,
 * volume GUID, UNC, NT device, shadow copy, object manager, relative, rooted); what lies on a volume
 * of the image is walked component by component from where it starts (the link's own directory for
 * a relative target). A link met on the way is resolved once, as a link of its own, and its result
 * is reused: the walk goes on from the record it reached, so no hop re-walks the path before it.
 * Work per resolution is bounded by MAX_NEST texts and paths by PATHS_MAX_UNITS.
 */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "resolve.h"

#define MAX_HOPS 63               /* Windows' own limit of reparse points in one open */
#define MAX_NEST 128              /* links resolved inside one another before the walk is cut */
#define MAX_MATCHES 8

enum { LS_TODO = 0, LS_BUSY, LS_DONE };

/* What the resolver keeps per link beyond its target. */
typedef struct {
	uint8_t state;            /* LS_* */
	uint8_t hops;             /* links followed to reach the target, itself included (MAX_HOPS + 1: more) */
	bool walked;              /* the walk reached an existing record (before any type check) */
	uint32_t units;           /* UTF-16 units of target.path when walked */
} link_state;

/* The volumes resolution runs over. */
typedef struct {
	resolve_volume *vols;
	size_t nvols;
} image_vols;

typedef struct {
	const image_vols *a;
	link_state **st;          /* per volume, per link (the order of resolve_volume.links) */
} resolver;

/* One component of a target text. */
typedef struct {
	const char *s;
	uint32_t len;
	uint32_t units;
} comp;

/* A walk in progress over one normalised text. */
typedef struct {
	int vol;
	uint32_t dir;             /* the directory reached, MODEL_NONE when it does not exist */
	const char *base;         /* the path of where the walk started or last hopped to ("" for the root) */
	size_t base_len;
	char *base_owned;
	char *text;               /* a copy of the text; the components point into it */
	comp *c;
	size_t n;                 /* components; c[from..i) are walked and spelled as the volume stores them */
	size_t from, i;
	uint32_t units;           /* UTF-16 units of the path walked so far */
	int hops;                 /* links followed, the one being resolved included */
	bool lx;
} walk_state;

static const char *const status_names[] = {"malformed", "ok",     "stale",     "type_mismatch", "loop",
					   "external",  "remote", "malformed", "unknown"};
static const char *const form_names[] = {NULL,   "drive",          "volume_guid", "unc",   "device",
					 "shadow_copy", "object_manager", "relative",    "rooted"};

const char *link_status_name(link_status s)
{
	return (unsigned)s < sizeof(status_names) / sizeof(status_names[0]) ? status_names[s] : "malformed";
}

const char *target_form_name(target_form f)
{
	return (unsigned)f < sizeof(form_names) / sizeof(form_names[0]) ? form_names[f] : NULL;
}

bool link_needs_attention(const link_entry *le)
{
	link_status s = le->target.status;
	return le->has_target && le->allocated && s != LINK_STATUS_OK && s != LINK_STATUS_EXTERNAL &&
	       s != LINK_STATUS_REMOTE;
}

void link_target_free(link_target *t)
{
	free(t->path);
	free(t->reason);
	free(t->deleted_path);
	memset(t, 0, sizeof(*t));
	t->volume = -1;
}

/* Sets the outcome of a resolution with a printf-style reason. */
static void set_result(link_target *t, link_status status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_result(link_target *t, link_status status, const char *fmt, ...)
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

/* UTF-16 units of len bytes of UTF-8 (4-byte sequences are surrogate pairs). */
static uint32_t utf16_units(const char *s, size_t len)
{
	uint32_t n = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		if ((ch & 0xC0) != 0x80)
			n += ch >= 0xF0 ? 2 : 1;
	}
	return n;
}

/* True when s starts with prefix, ASCII case ignored. */
static bool starts_ci(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/*
 * Copies text into ws and splits it (on '\', and '/' too for WSL) into components, applying "."
 * and "..". A ".." with nothing left to climb counts in *ups (it climbs the start directory).
 */
static int split_text(walk_state *ws, const char *text, bool slash_too, size_t *ups)
{
	size_t len = strlen(text), cap = 1;
	*ups = 0;
	for (size_t k = 0; k < len; k++)
		cap += text[k] == '\\' || (slash_too && text[k] == '/');
	ws->text = malloc(len + 1);
	ws->c = malloc(cap * sizeof(comp));
	if (!ws->text || !ws->c)
		return -1;
	memcpy(ws->text, text, len + 1);
	ws->n = 0;
	for (char *s = ws->text; *s;) {
		char *e = s;
		while (*e && *e != '\\' && !(slash_too && *e == '/'))
			e++;
		bool more = *e != '\0';
		*e = '\0';
		size_t l = (size_t)(e - s);
		if (l == 2 && s[0] == '.' && s[1] == '.') {
			if (ws->n > 0)
				ws->n--;
			else
				(*ups)++;
		} else if (l && !(l == 1 && s[0] == '.')) {
			ws->c[ws->n++] = (comp){s, (uint32_t)l, utf16_units(s, l)};
		}
		s = more ? e + 1 : e;
	}
	return 0;
}

/* The root directory of a volume: record 5 when it exists as an allocated directory, else MODEL_NONE. */
static uint32_t root_of(const resolve_volume *va)
{
	return model_in_use(va->m, NTFS_ROOT_RECORD) && (va->m->recs[NTFS_ROOT_RECORD].flags & REC_DIR)
		       ? NTFS_ROOT_RECORD
		       : MODEL_NONE;
}

/* Starts ws at the root of volume v. */
static void start_at_root(const image_vols *a, walk_state *ws, int v)
{
	ws->vol = v;
	ws->dir = root_of(&a->vols[v]);
	ws->base = "";
	ws->base_len = 0;
	ws->units = 0;
}

/*
 * The volume that drive letter c means for a link on volume from: that volume itself when it has
 * the letter (each Windows installation saw itself as C:), else the one volume that has it.
 * Returns -1 when none has it, -2 when several do (set *first, *second).
 */
static int volume_of_drive(const image_vols *a, int from, char c, int *first, int *second)
{
	c = (char)toupper((unsigned char)c);
	if (a->vols[from].drive == c)
		return from;
	int found = -1;
	for (size_t i = 0; i < a->nvols; i++)
		if (a->vols[i].scanned && a->vols[i].drive == c) {
			if (found >= 0) {
				*first = found;
				*second = (int)i;
				return -2;
			}
			found = (int)i;
		}
	return found;
}

/* What the registry says of a letter no volume of the image has (a partition it lacks), or NULL. */
static const drives_elsewhere *elsewhere_of(const image_vols *a, int from, char drive)
{
	const resolve_volume *rv = &a->vols[from];
	for (size_t i = 0; i < rv->elsewhere_count; i++)
		if (rv->elsewhere[i].letter == drive)
			return &rv->elsewhere[i];
	return NULL;
}

/* The volume whose registry GUID is the 36 characters at g, or -1. */
static int volume_of_guid(const image_vols *a, const char *g)
{
	for (size_t i = 0; i < a->nvols; i++)
		for (int k = 0; a->vols[i].scanned && k < a->vols[i].guid_count; k++)
			if (!strncasecmp(a->vols[i].guids[k], g, 36))
				return (int)i;
	return -1;
}

/* Sets t external for a drive letter no single volume has (wsl: the WSL path, else NULL); returns 1. */
static int drive_unknown(const image_vols *a, int from, char drive, link_target *t, const char *wsl)
{
	int v1 = -1, v2 = -1;
	const drives_elsewhere *e = elsewhere_of(a, from, drive);
	char g[NTFS_GUID_STRING];
	if (e && e->data.kind == MD_DATA_GPT)
		ntfs_guid_format(e->data.guid, g);
	if (e && e->data.kind == MD_DATA_MBR)
		set_result(t, LINK_STATUS_EXTERNAL,
			   "drive %c: is, in the registry (the SYSTEM hive of volume %d), the partition at byte %llu of MBR "
			   "disk 0x%08x, which this image does not hold", drive, e->registry_volume,
			   (unsigned long long)e->data.offset, e->data.signature);
	else if (e)
		set_result(t, LINK_STATUS_EXTERNAL,
			   "drive %c: is, in the registry (the SYSTEM hive of volume %d), GPT partition %s, which this image "
			   "does not hold", drive, e->registry_volume, g);
	else if (volume_of_drive(a, from, drive, &v1, &v2) == -2)
		set_result(t, LINK_STATUS_EXTERNAL,
			   "drive %c: is inferred for volumes %d and %d (each holds \\Windows\\System32: two Windows "
			   "installations), and this link's volume is neither (use --drive %c=N)",
			   drive, v1, v2, drive);
	else if (wsl)
		set_result(t, LINK_STATUS_EXTERNAL,
			   "%s path %s is on drive %c:, which no volume of this image is known to be (use --drive %c=N)",
			   strncmp(wsl, "/mnt/", 5) ? "POSIX" : "WSL", wsl, drive, drive);
	else
		set_result(t, LINK_STATUS_EXTERNAL, "drive %c: is not known to be any volume of this image (use --drive %c=N)",
			   drive, drive);
	return 1;
}

/* True for "X:" followed by the end or a separator. */
static bool is_drive_path(const char *s)
{
	return isalpha((unsigned char)s[0]) && s[1] == ':' && (s[2] == '\0' || s[2] == '\\' || s[2] == '/');
}

/* Object-manager directories that hold no files: a junction there is a redirection, not a path. */
static const char *const object_dirs[] = {"RPC Control", "BaseNamedObjects", "Sessions", "KnownDlls", "KnownDlls32",
					  "Callback", "Driver", "FileSystem", "KernelObjects", "ObjectTypes",
					  "Security", "ArcName", "NLS", "Global??", "DosDevices", NULL};

/* Length of the first component of an NT path s (s past its leading '\'). */
static size_t first_len(const char *s)
{
	return strcspn(s, "\\");
}

/*
 * Classifies an NT path that starts with '\' and names no DOS device (\Device\..., \RPC Control\...).
 * Returns 1 with t set when it is one of those, 0 when it is none (a path rooted on the link's volume).
 */
static int classify_nt(const char *nt, const char *text, link_target *t)
{
	const char *s = nt + 1;
	if (starts_ci(s, "Device\\") || !strcasecmp(s, "Device")) {
		const char *dev = s + 7;
		size_t dl = first_len(dev);
		if (starts_ci(dev, "HarddiskVolumeShadowCopy") && dl > 24 && isdigit((unsigned char)dev[24])) {
			t->form = TARGET_FORM_SHADOW_COPY;
			t->shadow_copy = (uint32_t)strtoul(dev + 24, NULL, 10);
			set_result(t, LINK_STATUS_EXTERNAL,
				   "%s lies in volume shadow copy %u (\\Device\\%.*s), which is not analysed", text,
				   t->shadow_copy, (int)dl, dev);
			return 1;
		}
		t->form = TARGET_FORM_DEVICE;
		set_result(t, LINK_STATUS_EXTERNAL, "%s names the device \\Device\\%.*s, which is not known to be a volume of this image",
			   text, (int)dl, dev);
		return 1;
	}
	size_t fl = first_len(s);
	for (int k = 0; object_dirs[k]; k++)
		if (fl == strlen(object_dirs[k]) && !strncasecmp(s, object_dirs[k], fl)) {
			t->form = TARGET_FORM_OBJECT_MANAGER;
			set_result(t, LINK_STATUS_EXTERNAL,
				   "%s names the object manager's \\%.*s directory, not a file: a redirection Windows follows "
				   "outside the file system",
				   text, (int)fl, s);
			return 1;
		}
	return 0;
}

/* Strips a DOS-device prefix (\??\, \\?\, \\.\, \DosDevices\, \GLOBAL??\) from s; NULL when it has none. */
static const char *dos_device_rest(const char *s)
{
	static const char *const prefixes[] = {"\\??\\", "\\\\?\\", "\\\\.\\", "\\DosDevices\\", "\\GLOBAL??\\", NULL};
	for (int k = 0; prefixes[k]; k++)
		if (starts_ci(s, prefixes[k]))
			return s + strlen(prefixes[k]);
	return NULL;
}

/* Classifies an absolute Windows target and sets where the walk starts. Returns 0, or 1 with t set. */
static int start_absolute(const image_vols *a, int vi, const char *text, walk_state *ws, link_target *t)
{
	const char *s = dos_device_rest(text);
	if (s && starts_ci(s, "GLOBALROOT\\")) {
		s += 10; /* the NT namespace's own root: "\Device\..." */
		if (classify_nt(s, text, t))
			return 1;
		t->form = TARGET_FORM_DEVICE;
		set_result(t, LINK_STATUS_EXTERNAL, "%s names an object outside the volumes of this image", text);
		return 1;
	}
	if (!s && !strncmp(text, "\\\\", 2)) {
		t->form = TARGET_FORM_UNC;
		set_result(t, LINK_STATUS_REMOTE, "UNC path %s points to a network share", text);
		return 1;
	}
	if (s && starts_ci(s, "UNC\\")) {
		t->form = TARGET_FORM_UNC;
		set_result(t, LINK_STATUS_REMOTE, "UNC path \\\\%s points to a network share", s + 4);
		return 1;
	}
	if (s && starts_ci(s, "Volume{")) {
		t->form = TARGET_FORM_VOLUME_GUID;
		int v = strlen(s) >= 44 && s[43] == '}' && (s[44] == '\\' || s[44] == '\0') ? volume_of_guid(a, s + 7) : -1;
		if (v >= 0) {
			start_at_root(a, ws, v);
			return 4; /* walk what follows "Volume{GUID}" */
		}
		set_result(t, LINK_STATUS_EXTERNAL, "volume mount point %s: that volume is not identified in this image", text);
		return 1;
	}
	const char *p = s ? s : text;
	if (is_drive_path(p)) {
		t->form = TARGET_FORM_DRIVE;
		int dummy1, dummy2, v = volume_of_drive(a, vi, p[0], &dummy1, &dummy2);
		if (v < 0)
			return drive_unknown(a, vi, (char)toupper((unsigned char)p[0]), t, NULL);
		start_at_root(a, ws, v);
		return 2; /* walk what follows "X:" */
	}
	if (s) {
		t->form = TARGET_FORM_DEVICE;
		set_result(t, LINK_STATUS_EXTERNAL, "%s names the DOS device %.*s, not a drive of this image", text,
			   (int)first_len(s), s);
		return 1;
	}
	if (text[0] == '\\') {
		if (classify_nt(text, text, t))
			return 1;
		t->form = TARGET_FORM_ROOTED;
		start_at_root(a, ws, vi);
		return 3; /* walk text from the root of the link's volume */
	}
	set_result(t, LINK_STATUS_EXTERNAL, "target %s names no drive letter of this image", text);
	return 1;
}

/* Moves ws to the directory holding link le, climbed ups times (lexically, clamped at the root). */
static int start_at_link_dir(const image_vols *a, int vi, const link_entry *le, size_t ups, walk_state *ws)
{
	const resolve_volume *va = &a->vols[vi];
	uint32_t d = le->name != MODEL_NONE ? paths_name_dir(va->p, model_name(va->m, le->name)) : NTFS_ROOT_RECORD;
	for (size_t k = 0; k < ups && d != NTFS_ROOT_RECORD; k++)
		d = d == PATHS_ORPHAN ? NTFS_ROOT_RECORD : paths_dir_parent(va->p, d);
	if (d == MODEL_NONE || d == NTFS_ROOT_RECORD) {
		start_at_root(a, ws, vi);
		return 0;
	}
	ws->vol = vi;
	ws->base_owned = d == PATHS_ORPHAN ? strdup(PATHS_ORPHAN_DIR) : paths_dir_alloc(va->p, d);
	if (!ws->base_owned)
		return -1;
	ws->base = ws->base_owned;
	ws->base_len = strlen(ws->base);
	ws->units = utf16_units(ws->base, ws->base_len);
	/* the marker of orphans is no directory; an orphaned directory is still its own record */
	ws->dir = d == PATHS_ORPHAN ? MODEL_NONE : d;
	return 0;
}

/*
 * The length of a drive prefix of POSIX path s up to the drive letter: "/mnt/" (WSL), and for Interix and
 * Cygwin links also "/dev/fs/" and "/cygdrive/", followed by a letter and '/' or the end; 0 when none.
 */
static size_t posix_drive_prefix(const char *s, bool posix)
{
	static const char *const pre[] = {"/mnt/", "/cygdrive/", "/dev/fs/"};
	for (size_t i = 0; i < (posix ? 3u : 1u); i++) {
		size_t n = strlen(pre[i]);
		if (!strncmp(s, pre[i], n) && isalpha((unsigned char)s[n]) && (s[n + 1] == '/' || !s[n + 1]))
			return n;
	}
	return 0;
}

/* Turns a link's stored target into a walk. Returns 0 with ws ready, or 1 with t set (nothing to walk). */
static int start_walk(const image_vols *a, int vi, const link_entry *le, walk_state *ws, link_target *t)
{
	bool lx = le->rp.kind == REPARSE_KIND_LX_SYMLINK;
	const char *text = lx ? le->rp.lx_target : le->rp.substitute_name;
	size_t ups = 0;
	ws->lx = lx;
	if (lx && text[0] == '/') {
		size_t pre = posix_drive_prefix(text, le->posix);
		if (pre) {
			char drive = (char)toupper((unsigned char)text[pre]);
			int d1, d2, v = volume_of_drive(a, vi, drive, &d1, &d2);
			t->form = TARGET_FORM_DRIVE;
			if (v < 0)
				return drive_unknown(a, vi, drive, t, text);
			start_at_root(a, ws, v);
			return split_text(ws, text + pre + 1, true, &ups) ? -1 : 0;
		}
		if (le->posix) { /* Interix, Cygwin: the POSIX root taken as the root of the link's own volume */
			t->form = TARGET_FORM_ROOTED;
			start_at_root(a, ws, vi);
			return split_text(ws, text, true, &ups) ? -1 : 0;
		}
		t->form = TARGET_FORM_ROOTED;
		set_result(t, LINK_STATUS_EXTERNAL, "WSL path %s lies outside the Windows volumes", text);
		return 1;
	}
	if (lx || le->rp.relative) {
		if (!lx && text[0] == '\\') { /* mklink /d x \Windows: from the root of the link's own volume */
			t->form = TARGET_FORM_ROOTED;
			start_at_root(a, ws, vi);
			return split_text(ws, text, false, &ups) ? -1 : 0;
		}
		t->form = TARGET_FORM_RELATIVE;
		if (split_text(ws, text, lx, &ups))
			return -1;
		return start_at_link_dir(a, vi, le, ups, ws);
	}
	int r = start_absolute(a, vi, text, ws, t);
	if (r == 1)
		return 1;
	const char *p = dos_device_rest(text);
	p = r == 2 ? (p ? p : text) + 2 : r == 4 ? p + 44 : text;
	return split_text(ws, p, false, &ups) ? -1 : 0;
}

/* The index of record r in va->links, or -1 (links are sorted by record). */
static long link_index(const resolve_volume *va, uint32_t r)
{
	size_t lo = 0, hi = va->links->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const link_entry *le = &VEC_AT(va->links, link_entry, mid);
		if (le->record == r)
			return (long)mid;
		if (le->record < r)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* True when a link is one the resolver follows through (junctions, mount points, symbolic links). */
static bool followable(const link_entry *le)
{
	const char *text = le->rp.kind == REPARSE_KIND_LX_SYMLINK ? le->rp.lx_target : le->rp.substitute_name;
	return le->allocated && !le->rp.malformed && text && *text &&
	       (le->rp.kind == REPARSE_KIND_JUNCTION || le->rp.kind == REPARSE_KIND_SYMLINK ||
		le->rp.kind == REPARSE_KIND_VOLUME_MOUNT_POINT || le->rp.kind == REPARSE_KIND_LX_SYMLINK);
}

/*
 * Finds component c in directory dir: the allocated owner record (its name as stored in *stored),
 * else MODEL_NONE with a deleted record holding that name in *deleted.
 */
static uint32_t lookup(const resolve_volume *va, uint32_t dir, const comp *c, uint32_t *deleted, const name_info **stored)
{
	uint32_t found[MAX_MATCHES];
	*deleted = MODEL_NONE;
	if (dir == MODEL_NONE)
		return MODEL_NONE;
	size_t n = name_index_find(va->ix, dir, c->s, c->len, found, MAX_MATCHES);
	for (size_t i = 0; i < n && i < MAX_MATCHES; i++) {
		const name_info *ni = model_name(va->m, found[i]);
		if (model_in_use(va->m, ni->owner)) {
			*stored = ni;
			return ni->owner;
		}
		if (*deleted == MODEL_NONE && ni->owner < va->m->count && !(va->m->recs[ni->owner].flags & REC_EXTENSION))
			*deleted = ni->owner;
	}
	return MODEL_NONE;
}

/* The path of ws's start joined with components [from, upto) ("\" for none). */
static char *join(const walk_state *ws, size_t upto)
{
	size_t len = ws->base_len + 2;
	for (size_t k = ws->from; k < upto; k++)
		len += ws->c[k].len + 1;
	char *s = malloc(len), *w = s;
	if (!s)
		return NULL;
	memcpy(w, ws->base, ws->base_len);
	w += ws->base_len;
	for (size_t k = ws->from; k < upto; k++) {
		*w++ = '\\';
		memcpy(w, ws->c[k].s, ws->c[k].len);
		w += ws->c[k].len;
	}
	if (w == s)
		*w++ = '\\';
	*w = '\0';
	return s;
}

/* Says the path is stale at component i: names the deepest deleted record still holding it, if any. */
static void stale(link_target *t, const resolve_volume *va, const walk_state *ws, size_t i, uint32_t deleted)
{
	char *where = join(ws, i < ws->n ? i + 1 : ws->n);
	const char *caveat = va->m->partial ? " (the scan of this volume is partial: it may lie in records not read)" : "";
	if (deleted != MODEL_NONE) {
		/* go on through the deleted folders as far as they still hold the path */
		size_t k = i + 1;
		for (uint32_t d = deleted; k < ws->n; k++) {
			uint32_t found[MAX_MATCHES], next = MODEL_NONE;
			size_t n = name_index_find(va->ix, d, ws->c[k].s, ws->c[k].len, found, MAX_MATCHES);
			for (size_t j = 0; j < n && j < MAX_MATCHES && next == MODEL_NONE; j++) {
				uint32_t o = model_name(va->m, found[j])->owner;
				if (o < va->m->count && !(va->m->recs[o].flags & REC_IN_USE) && !(va->m->recs[o].flags & REC_EXTENSION))
					next = o;
			}
			if (next == MODEL_NONE)
				break;
			d = deleted = next;
		}
		t->has_deleted = true;
		t->deleted_record = deleted;
		t->deleted_sequence = va->m->recs[deleted].sequence;
		t->deleted_path = join(ws, k);
		bool whole = k >= ws->n;
		set_result(t, LINK_STATUS_STALE, "%s does not exist; deleted record %u (sequence %u) still holds %s%s%s",
			   where ? where : "?", deleted, t->deleted_sequence, whole ? "the target itself, " : "",
			   t->deleted_path ? t->deleted_path : "?", caveat);
	} else {
		set_result(t, LINK_STATUS_STALE, "%s does not exist%s", where ? where : "?", caveat);
	}
	free(where);
}

static int resolve_link(resolver *r, int vi, size_t li, int depth);

/* Builds t->path from ws with the components not walked appended (for targets that fail). */
static void set_path(link_target *t, const walk_state *ws)
{
	free(t->path);
	t->path = join(ws, ws->n);
	t->volume = ws->vol;
}

/*
 * Link y (index yi on ws's volume) was met at component i. Returns 0 to go on (ws moved to y's
 * target), 1 when t is settled, or a lower bound of links (> 1) when the walk was cut (see resolve_link).
 */
static int through(resolver *r, walk_state *ws, const link_entry *y, size_t yi, link_target *t, int depth)
{
	link_state *ys = &r->st[ws->vol][yi];
	if (ys->state == LS_BUSY) {
		set_path(t, ws);
		set_result(t, LINK_STATUS_LOOP, "resolution comes back to record %u (the %s) after %d link(s)", y->record,
			   reparse_kind_name(y->rp.kind), ws->hops);
		return 1;
	}
	if (ys->state == LS_TODO) {
		int lb = depth + 1 >= MAX_NEST ? 1 : resolve_link(r, ws->vol, yi, depth + 1);
		if (lb > 0) { /* cut: y needs at least lb links */
			if (ws->hops + lb <= MAX_HOPS)
				return ws->hops + lb;
			set_path(t, ws);
			set_result(t, LINK_STATUS_LOOP, "more than %d links followed", MAX_HOPS);
			return 1;
		}
	}
	const link_target *yt = &y->target;
	if (ys->walked && !yt->path) {
		set_path(t, ws);
		set_result(t, LINK_STATUS_MALFORMED, "out of memory");
		return 1;
	}
	if (!ys->walked && (yt->status == LINK_STATUS_LOOP || !yt->path)) {
		/* the path as far as this walk knows it: ending on the link that loops or leads out */
		set_path(t, ws);
		t->volume = yt->path ? yt->volume : ws->vol;
	}
	if (!ys->walked) {
		t->status = yt->status;
		char *rest = NULL;
		if (t->path) {
			/* kept from above */
		} else if (yt->path && ws->i + 1 < ws->n) {
			walk_state tail = *ws;
			tail.base = yt->path;
			tail.base_len = strlen(yt->path);
			tail.from = ws->i + 1;
			rest = join(&tail, ws->n);
		}
		if (!t->path) {
			t->path = rest ? rest : yt->path ? strdup(yt->path) : NULL;
			t->volume = yt->volume;
		}
		if (yt->has_deleted) {
			t->has_deleted = true;
			t->deleted_record = yt->deleted_record;
			t->deleted_sequence = yt->deleted_sequence;
			t->deleted_path = yt->deleted_path ? strdup(yt->deleted_path) : NULL;
		}
		t->shadow_copy = yt->shadow_copy;
		const char *why = yt->reason ? yt->reason : "";
		if (!strncmp(why, "through the ", 12))
			set_result(t, yt->status, "%s", why);
		else
			set_result(t, yt->status, "through the %s at record %u: %s", reparse_kind_name(y->rp.kind), y->record,
				   why);
		return 1;
	}
	ws->hops += ys->hops;
	if (ws->hops > MAX_HOPS) {
		set_path(t, ws);
		set_result(t, LINK_STATUS_LOOP, "more than %d links followed", MAX_HOPS);
		return 1;
	}
	ws->vol = yt->volume;
	ws->dir = yt->record;
	ws->base = yt->path;
	ws->base_len = strlen(yt->path);
	ws->units = ys->units;
	ws->from = ws->i + 1;
	if (!strcmp(ws->base, "\\"))
		ws->base_len = 0;
	return 0;
}

/* Walks ws to its end, following every link met (the final one too). Returns as through() does. */
static int walk(resolver *r, walk_state *ws, link_target *t, int depth)
{
	const image_vols *a = r->a;
	for (ws->i = 0; ws->i < ws->n; ws->i++) {
		const resolve_volume *va = &a->vols[ws->vol];
		const comp *c = &ws->c[ws->i];
		const name_info *stored = NULL;
		uint32_t deleted, rec = lookup(va, ws->dir, c, &deleted, &stored);
		if (rec == MODEL_NONE) {
			set_path(t, ws);
			if (ws->dir == MODEL_NONE && ws->i == ws->from) {
				char *where = join(ws, ws->i);
				set_result(t, LINK_STATUS_STALE, "%s does not exist on this volume (%s)", where ? where : "?",
					   ws->base_len ? "no directory holds that path" : "its $MFT has no root directory, record 5");
				free(where);
			} else {
				stale(t, va, ws, ws->i, deleted);
			}
			return 1;
		}
		ws->c[ws->i] = (comp){model_name_str(va->m, stored), stored->len, stored->units}; /* as the volume spells it */
		long yi = link_index(va, rec);
		const link_entry *y = yi >= 0 ? &VEC_AT(va->links, link_entry, (size_t)yi) : NULL;
		if (y && followable(y)) {
			int st = through(r, ws, y, (size_t)yi, t, depth);
			if (st)
				return st;
			continue;
		}
		if (ws->i + 1 < ws->n && !(va->m->recs[rec].flags & REC_DIR)) {
			char *where = join(ws, ws->i + 1);
			set_path(t, ws);
			set_result(t, LINK_STATUS_STALE, "%s is a file (record %u), so the path cannot go on below it",
				   where ? where : "?", rec);
			free(where);
			return 1;
		}
		ws->units += 1 + stored->units;
		if (ws->units > PATHS_MAX_UNITS) {
			set_path(t, ws);
			set_result(t, LINK_STATUS_MALFORMED, "the target path is longer than %d UTF-16 units", PATHS_MAX_UNITS);
			return 1;
		}
		ws->dir = rec;
	}
	set_path(t, ws);
	if (ws->dir == MODEL_NONE) {
		set_result(t, LINK_STATUS_STALE, "%s does not exist on this volume (%s)", t->path ? t->path : "?",
			   ws->base_len ? "no directory holds that path" : "its $MFT has no root directory, record 5");
		return 1;
	}
	t->status = LINK_STATUS_OK;
	t->has_record = true;
	t->record = ws->dir;
	t->sequence = a->vols[ws->vol].m->recs[ws->dir].sequence;
	return 0;
}

/* Says whether the link's kind and its target's type agree (only once the target is known to exist). */
static void check_type(const image_vols *a, int vi, const link_entry *le, link_target *t)
{
	bool is_dir = a->vols[t->volume].m->recs[t->record].flags & REC_DIR;
	if (le->rp.kind == REPARSE_KIND_JUNCTION && !is_dir)
		set_result(t, LINK_STATUS_TYPE_MISMATCH,
			   "junction onto a file (record %u): junctions must point to directories", t->record);
	else if (le->rp.kind == REPARSE_KIND_SYMLINK && le->is_directory && !is_dir)
		set_result(t, LINK_STATUS_TYPE_MISMATCH,
			   "directory symbolic link onto a file (record %u): Windows opens it as a directory and fails",
			   t->record);
	else if (le->rp.kind == REPARSE_KIND_SYMLINK && !le->is_directory && is_dir)
		set_result(t, LINK_STATUS_TYPE_MISMATCH,
			   "file symbolic link onto a directory (record %u): Windows opens it as a file and fails", t->record);
	else
		set_result(t, LINK_STATUS_OK, "%s exists (record %u)%s", t->path ? t->path : "?", t->record,
			   t->volume != vi ? " on another volume" : "");
}

/*
 * Resolves link li of volume vi into its target. Links met on the way are resolved first (depth
 * counts how many are open); at MAX_NEST open the walk is cut and returns a lower bound of the links
 * it needs (> 0), leaving the link unresolved for a later, shallower turn. Each level adds at least
 * one link, so at most MAX_HOPS levels are cut and every other is settled exactly. Returns 0 when done.
 */
static int resolve_link(resolver *r, int vi, size_t li, int depth)
{
	const image_vols *a = r->a;
	link_entry *le = &VEC_AT(a->vols[vi].links, link_entry, li);
	link_state *ls = &r->st[vi][li];
	link_target *t = &le->target;
	walk_state ws;
	memset(&ws, 0, sizeof(ws));
	link_target_free(t);
	ls->state = LS_BUSY;
	ls->walked = false;
	ws.hops = 1;
	int cut = 0;
	const char *text = le->rp.kind == REPARSE_KIND_LX_SYMLINK ? le->rp.lx_target : le->rp.substitute_name;
	if (le->rp.malformed) {
		set_result(t, LINK_STATUS_MALFORMED, "%s", le->rp.malformed_reason);
	} else if (!text || !*text) {
		set_result(t, LINK_STATUS_MALFORMED, "the link stores an empty target");
	} else {
		int st = start_walk(a, vi, le, &ws, t);
		if (st < 0)
			set_result(t, LINK_STATUS_MALFORMED, "out of memory");
		else if (st == 0) {
			int w = walk(r, &ws, t, depth);
			if (w > 1)
				cut = w;
			else if (w == 0)
				ls->walked = true;
		}
	}
	free(ws.text);
	free(ws.c);
	free(ws.base_owned);
	if (cut) {
		target_form f = t->form;
		link_target_free(t);
		t->form = f;
		ls->state = LS_TODO;
		if (depth > 0)
			return cut;
		/* not reached: a cut adds one link per level, so it settles as a loop before the top */
		set_result(t, LINK_STATUS_LOOP, "more than %d links followed", MAX_HOPS);
		ls->state = LS_DONE;
		return 0;
	}
	ls->hops = (uint8_t)(ws.hops > MAX_HOPS ? MAX_HOPS + 1 : ws.hops);
	if (ls->walked) {
		ls->units = ws.units;
		check_type(a, vi, le, t);
	}
	ls->state = LS_DONE;
	return 0;
}

/* Resolves an Interix or Cygwin link (not in the volume's links: nothing resolves through it, as on Windows). */
static void resolve_posix(resolver *r, int vi, link_entry *le)
{
	link_target *t = &le->target;
	walk_state ws;
	memset(&ws, 0, sizeof(ws));
	link_target_free(t);
	ws.hops = 1;
	ws.lx = true;
	if (!le->rp.lx_target || !*le->rp.lx_target) {
		set_result(t, LINK_STATUS_MALFORMED, "the link stores an empty target");
	} else {
		int st = start_walk(r->a, vi, le, &ws, t);
		if (st < 0) {
			set_result(t, LINK_STATUS_MALFORMED, "out of memory");
		} else if (st == 0) {
			int w = walk(r, &ws, t, 0);
			if (w > 1) {
				link_target_free(t);
				set_result(t, LINK_STATUS_LOOP, "more than %d links followed", MAX_HOPS);
			} else if (w == 0) {
				check_type(r->a, vi, le, t);
			}
		}
	}
	free(ws.text);
	free(ws.c);
	free(ws.base_owned);
}

/* Walks request q (resolve_request) once every link is resolved: nothing resolves through it. */
static void resolve_request_run(resolver *r, resolve_request *q)
{
	link_target *t = q->target;
	walk_state ws;
	size_t ups = 0;
	memset(&ws, 0, sizeof(ws));
	link_target_free(t);
	ws.hops = 1;
	int st = split_text(&ws, q->path, false, &ups);
	if (st == 0 && q->from_name != MODEL_NONE) {
		link_entry at = {.name = q->from_name};
		t->form = TARGET_FORM_RELATIVE;
		st = start_at_link_dir(r->a, q->volume, &at, ups, &ws);
	} else if (st == 0) {
		t->form = TARGET_FORM_DRIVE;
		start_at_root(r->a, &ws, q->volume);
	}
	if (st < 0) {
		set_result(t, LINK_STATUS_MALFORMED, "out of memory");
	} else {
		int w = walk(r, &ws, t, 0);
		if (w > 1) {
			target_form f = t->form;
			link_target_free(t);
			t->form = f;
			set_result(t, LINK_STATUS_LOOP, "more than %d links followed", MAX_HOPS);
		} else if (w == 0) {
			set_result(t, LINK_STATUS_OK, "%s exists (record %u)", t->path ? t->path : "?", t->record);
		}
	}
	free(ws.text);
	free(ws.c);
	free(ws.base_owned);
}

void resolve_all(resolve_volume *vols, size_t n)
{
	resolve_all_requests(vols, n, NULL, 0);
}

void resolve_all_requests(resolve_volume *vols, size_t n, resolve_request *reqs, size_t nreq)
{
	const image_vols all = {.vols = vols, .nvols = n};
	const image_vols *a = &all;
	resolver r = {.a = a, .st = calloc(a->nvols ? a->nvols : 1, sizeof(link_state *))};
	bool ok = r.st != NULL;
	for (size_t v = 0; ok && v < a->nvols; v++) {
		r.st[v] = calloc(a->vols[v].links->count ? a->vols[v].links->count : 1, sizeof(link_state));
		ok = r.st[v] != NULL;
	}
	for (size_t v = 0; v < a->nvols; v++) {
		resolve_volume *va = &a->vols[v];
		if (!va->scanned)
			continue;
		for (size_t i = 0; i < va->links->count; i++) {
			link_entry *le = &VEC_AT(va->links, link_entry, i);
			if (!le->has_target)
				continue;
			if (!ok) {
				link_target_free(&le->target);
				set_result(&le->target, LINK_STATUS_MALFORMED, "out of memory");
			} else if (r.st[v][i].state == LS_TODO) {
				resolve_link(&r, (int)v, i, 0);
			}
		}
	}
	for (size_t v = 0; v < a->nvols; v++) {
		resolve_volume *va = &a->vols[v];
		for (size_t i = 0; va->scanned && va->posix && i < va->posix->count; i++) {
			link_entry *le = &VEC_AT(va->posix, link_entry, i);
			if (!le->has_target)
				continue;
			if (!ok) {
				link_target_free(&le->target);
				set_result(&le->target, LINK_STATUS_MALFORMED, "out of memory");
			} else {
				resolve_posix(&r, (int)v, le);
			}
		}
	}
	for (size_t q = 0; q < nreq; q++) {
		if (!ok || reqs[q].volume < 0 || (size_t)reqs[q].volume >= n || !a->vols[reqs[q].volume].scanned) {
			link_target_free(reqs[q].target);
			set_result(reqs[q].target, LINK_STATUS_MALFORMED, ok ? "no such volume" : "out of memory");
		} else {
			resolve_request_run(&r, &reqs[q]);
		}
	}
	for (size_t v = 0; r.st && v < a->nvols; v++)
		free(r.st[v]);
	free(r.st);
}
