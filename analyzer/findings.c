/* SPDX-License-Identifier: Apache-2.0 */
/* The findings pass: ten rules over one resolved volume (see findings.h and README.md "Findings"). */
#include "config.h"
#include "findings.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>
#include <time.h>

#include "links.h"
#include "par.h"
#include "resolve.h"

/* The rule table: stable id, technique in words. */
static const struct {
	const char *id;
	const char *reference;
} RULES[FINDING_RULE_COUNT] = {
	{"object_manager_redirect",
	 "link into the object manager namespace (\\RPC Control, \\BaseNamedObjects, \\??\\GLOBALROOT): the junction plus "
	 "object-manager symbolic link redirection of public link-following exploit tools (arbitrary file write/delete "
	 "by privileged services, installers, Windows Error Reporting)"},
	{"shadow_copy_link",
	 "link into a volume shadow copy (\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopyN): reading locked files "
	 "such as the SAM, SYSTEM and SECURITY hives or NTDS.dit for credential theft"},
	{"writable_folder_redirect",
	 "junction or mount point in a folder ordinary users can write, onto a protected folder: link-following "
	 "privilege escalation through privileged services and installers working in temporary folders"},
	{"hardlink_onto_protected",
	 "hard link from a folder ordinary users can write onto a file owned by SYSTEM, TrustedInstaller or "
	 "Administrators or held in a protected folder: hard-link privilege escalation (a privileged process "
	 "rewriting or re-permissioning the user's name writes the protected file)"},
	{"executable_renamed",
	 "executable hard-linked under another base name or extension: masquerading (a program launched under a "
	 "harmless-looking name)"},
	{"junction_loop",
	 "junction onto one of its own ancestors, or many sibling junctions onto the same ancestor: directory "
	 "recursion that makes tree walkers, backup and antivirus scanners explode (denial of service, scan evasion)"},
	{"misleading_print_name",
	 "print name showing another target than the substitute name the system follows: dir and Explorer show a "
	 "harmless target while the link leads elsewhere"},
	{"app_alias_out_of_place",
	 "app execution alias (APPEXECLINK) whose executable lies outside \\Program Files\\WindowsApps or whose name "
	 "shadows a system binary: search-order hijack through the per-user WindowsApps folder on the PATH"},
	{"installer_rollback_links",
	 "links in the Windows Installer rollback folder (\\Config.Msi) or beside rollback scripts (.rbs, .rbf): the "
	 "installer rollback escalation, where a planted rollback script or a link makes msiexec write as SYSTEM"},
	{"name_linked_later",
	 "hard-link name added long after a file owned by SYSTEM or TrustedInstaller was created: a system file "
	 "linked into place afterwards (hard-link planting)"},
};

#define SID_SYSTEM "S-1-5-18"
#define SID_ADMINISTRATORS "S-1-5-32-544"
#define SID_TRUSTED_INSTALLER "S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464"
#define FILETIME_PER_SECOND 10000000ull
#define LINKED_LATER_SECONDS (24ull * 3600) /* "long after": more than a day */
#define FANOUT_MIN 3                        /* sibling junctions onto one ancestor that make a fan-out */

const char *findings_rule_id(finding_rule r)
{
	return r < FINDING_RULE_COUNT ? RULES[r].id : "unknown";
}

int findings_rule_parse(const char *id)
{
	for (int r = 0; r < FINDING_RULE_COUNT; r++)
		if (!strcmp(RULES[r].id, id))
			return r;
	return -1;
}

const char *findings_rule_reference(finding_rule r)
{
	return r < FINDING_RULE_COUNT ? RULES[r].reference : "";
}

const char *findings_severity_name(finding_severity s)
{
	return s == FINDING_HIGH ? "high" : s == FINDING_MEDIUM ? "medium" : "low";
}

/* ---- building findings ---- */

/* A printf-style string in fresh memory, NULL when memory runs out. */
static char *vstrf(const char *fmt, va_list ap)
{
	va_list again;
	va_copy(again, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
	if (s)
		vsnprintf(s, (size_t)n + 1, fmt, again);
	va_end(again);
	return s;
}

typedef struct {
	const findings_input *in;
	findings_list *out;
	bool nomem;
} fctx;

/* Starts finding f (on the caller's stack) with a printf-style title. */
static void f_begin(fctx *c, finding *f, finding_rule rule, finding_severity sev, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static void f_begin(fctx *c, finding *f, finding_rule rule, finding_severity sev, const char *fmt, ...)
{
	memset(f, 0, sizeof(*f));
	f->rule = rule;
	f->severity = sev;
	vec_init(&f->records, sizeof(uint32_t));
	vec_init(&f->paths, sizeof(char *));
	vec_init(&f->evidence, sizeof(finding_field));
	vec_init(&f->path_names, sizeof(uint32_t));
	va_list ap;
	va_start(ap, fmt);
	f->title = vstrf(fmt, ap);
	c->nomem |= !f->title;
	va_end(ap);
}

/* Adds a path (copied), the path of name (index in model.names, MODEL_NONE: none known), to f. */
static void f_path(fctx *c, finding *f, const char *path, uint32_t name)
{
	char **p = vec_push(&f->paths);
	uint32_t *pn = p ? vec_push(&f->path_names) : NULL;
	if (!pn || !(*p = strdup(path))) {
		c->nomem = true;
		if (p && !pn)
			f->paths.count--;
		return;
	}
	*pn = name;
}

/* Adds record r and its path (copied; NULL for none), the path of name (MODEL_NONE: none known), to f. */
static void f_record(fctx *c, finding *f, uint32_t r, const char *path, uint32_t name)
{
	uint32_t *slot = vec_push(&f->records);
	if (slot)
		*slot = r;
	else
		c->nomem = true;
	if (path)
		f_path(c, f, path, name);
}

/* The index in model.names of name n. */
static uint32_t name_ix(const model *m, const name_info *n)
{
	return (uint32_t)(n - model_name(m, 0));
}

/* Adds one evidence field to f, its value printf-style. */
static void f_field(fctx *c, finding *f, const char *name, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void f_field(fctx *c, finding *f, const char *name, const char *fmt, ...)
{
	finding_field *fl = vec_push(&f->evidence);
	if (!fl) {
		c->nomem = true;
		return;
	}
	fl->name = strdup(name);
	va_list ap;
	va_start(ap, fmt);
	fl->value = vstrf(fmt, ap);
	va_end(ap);
	if (!fl->name || !fl->value)
		c->nomem = true;
}

/* Frees the contents of one finding (a pooled one's belong to its list). */
static void finding_free(finding *f)
{
	free(f->title);
	free(f->target);
	for (size_t i = 0; i < f->paths.count; i++)
		free(VEC_AT(&f->paths, char *, i));
	for (size_t i = 0; i < f->evidence.count; i++) {
		free(VEC_AT(&f->evidence, finding_field, i).name);
		free(VEC_AT(&f->evidence, finding_field, i).value);
	}
	vec_free(&f->records);
	vec_free(&f->paths);
	vec_free(&f->evidence);
	vec_free(&f->path_names);
}

/* One block of a list's pool. */
typedef struct pool_block {
	struct pool_block *next;
	size_t used, cap;
	_Alignas(max_align_t) char data[];
} pool_block;

#define POOL_BLOCK (64u << 10)

/* n bytes (aligned for any type) from l's pool, or NULL when memory runs out. */
static void *pool_alloc(findings_list *l, size_t n)
{
	n = (n + _Alignof(max_align_t) - 1) & ~(size_t)(_Alignof(max_align_t) - 1);
	pool_block *b = l->pool;
	if (!b || b->cap - b->used < n) {
		size_t cap = n > POOL_BLOCK / 4 ? n : POOL_BLOCK - sizeof(pool_block);
		pool_block *nb = malloc(sizeof(pool_block) + cap);
		if (!nb)
			return NULL;
		nb->used = 0;
		nb->cap = cap;
		if (b && cap == n) { /* a large request gets a block of its own behind the current one */
			nb->next = b->next;
			b->next = nb;
		} else {
			nb->next = b;
			l->pool = nb;
		}
		b = nb;
	}
	void *p = b->data + b->used;
	b->used += n;
	return p;
}

/*
 * A kept finding's text (finding_item.text): its strings in order (title, the target when it has one, each
 * path, each evidence field's name and value), each a run of ops ended by ENC_END. A path in a string that
 * is the path of one of the finding's names (or that path's folder, as dir_of cuts it) is kept as the name's
 * number and composed again when rendered: the same function on the same tables gives the same bytes.
 */
enum {
	ENC_END = 0,              /* end of a string */
	ENC_TEXT,                 /* varint n, then n bytes */
	ENC_PATH,                 /* varint name: paths_name of the name */
	ENC_FOLDER,               /* varint name: dir_of of paths_name of the name */
	ENC_NULL                  /* the string is NULL (alone) */
};

#define DIR_OF_CAP 4096           /* the buffer every rule gives dir_of */
#define ENC_MIN_REF 5             /* shorter paths are kept as text (a reference costs up to 6 bytes) */

/* A growable encoding buffer. */
typedef struct {
	uint8_t *d;
	size_t len, cap;
	bool nomem;
} enc;

/* Makes room for n more bytes; false when memory runs out. */
static bool enc_room(enc *e, size_t n)
{
	if (e->nomem)
		return false;
	if (e->len + n <= e->cap)
		return true;
	size_t cap = e->cap ? e->cap : 256;
	while (cap < e->len + n)
		cap *= 2;
	uint8_t *d = realloc(e->d, cap);
	if (!d) {
		e->nomem = true;
		return false;
	}
	e->d = d;
	e->cap = cap;
	return true;
}

static void enc_byte(enc *e, uint8_t b)
{
	if (enc_room(e, 1))
		e->d[e->len++] = b;
}

static void enc_varint(enc *e, uint64_t v)
{
	do {
		enc_byte(e, (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0)));
		v >>= 7;
	} while (v);
}

static void enc_text(enc *e, const char *s, size_t n)
{
	if (!n)
		return;
	enc_byte(e, ENC_TEXT);
	enc_varint(e, n);
	if (enc_room(e, n)) {
		memcpy(e->d + e->len, s, n);
		e->len += n;
	}
}

/* A path the finding's strings may hold: its bytes, what it is, and whose. */
typedef struct {
	const char *s;
	size_t len;
	uint8_t op;               /* ENC_PATH or ENC_FOLDER */
	uint32_t name;
} enc_ref;

/* The bytes of dir_of(path) when it is path's own head (a folder of a path with a backslash past its start). */
static size_t folder_len(const char *path)
{
	const char *bs = strrchr(path, '\\');
	size_t n = bs ? (size_t)(bs - path) : 0;
	return n < DIR_OF_CAP - 1 ? n : DIR_OF_CAP - 1;
}

/* Encodes string s (NULL: ENC_NULL), every longest run equal to one of refs[0..nref) as that reference. */
static void enc_string(enc *e, const char *s, const enc_ref *refs, size_t nref)
{
	if (!s) {
		enc_byte(e, ENC_NULL);
		return;
	}
	size_t n = strlen(s), lit = 0;
	for (size_t i = 0; i < n;) {
		const enc_ref *best = NULL;
		if (s[i] == '\\')
			for (size_t k = 0; k < nref; k++)
				if (refs[k].len <= n - i && (!best || refs[k].len > best->len) && !memcmp(s + i, refs[k].s, refs[k].len))
					best = &refs[k];
		if (!best) {
			i++;
			continue;
		}
		enc_text(e, s + lit, i - lit);
		enc_byte(e, best->op);
		enc_varint(e, best->name);
		i += best->len;
		lit = i;
	}
	enc_text(e, s + lit, n - lit);
	enc_byte(e, ENC_END);
}

/* Encodes the strings of finding f (see ENC_*) into e. */
static void enc_finding(enc *e, const finding *f)
{
	size_t np = f->paths.count, nref = 0;
	enc_ref *refs = calloc(2 * np + 1, sizeof(*refs));
	if (!refs) {
		e->nomem = true;
		return;
	}
	for (size_t i = 0; i < np; i++) {
		const char *p = VEC_AT(&f->paths, char *, i);
		uint32_t name = i < f->path_names.count ? VEC_AT(&f->path_names, uint32_t, i) : MODEL_NONE;
		if (name == MODEL_NONE)
			continue;
		size_t pl = strlen(p), fl = folder_len(p);
		if (pl >= ENC_MIN_REF)
			refs[nref++] = (enc_ref){p, pl, ENC_PATH, name};
		if (fl >= ENC_MIN_REF)
			refs[nref++] = (enc_ref){p, fl, ENC_FOLDER, name};
	}
	enc_string(e, f->title, refs, nref);
	if (f->target)
		enc_string(e, f->target, refs, nref);
	for (size_t i = 0; i < np; i++) {
		const char *p = VEC_AT(&f->paths, char *, i);
		uint32_t name = i < f->path_names.count ? VEC_AT(&f->path_names, uint32_t, i) : MODEL_NONE;
		if (name != MODEL_NONE && strlen(p) >= ENC_MIN_REF) {
			/* path i is its name's path, whole: the reference the search would find (or one of the same
			 * bytes), without searching every other path of the set for it (sets of thousands of names) */
			enc_byte(e, ENC_PATH);
			enc_varint(e, name);
			enc_byte(e, ENC_END);
		} else {
			enc_string(e, p, refs, nref);
		}
	}
	for (size_t i = 0; i < f->evidence.count; i++) {
		const finding_field *fl = &VEC_AT(&f->evidence, finding_field, i);
		enc_string(e, fl->name, NULL, 0);
		enc_string(e, fl->value, refs, nref);
	}
	free(refs);
}

/* Keeps finding f (its strings all set) in l as an item: records and encoded text in l's pool. False out of memory. */
static bool f_keep(findings_list *l, const finding *f)
{
	enc e = {0};
	enc_finding(&e, f);
	finding_item *it = e.nomem ? NULL : vec_push(&l->items);
	size_t rb = f->records.count * sizeof(uint32_t);
	char *at = it ? pool_alloc(l, rb + e.len) : NULL;
	if (!at) {
		if (it)
			l->items.count--;
		free(e.d);
		return false;
	}
	*it = (finding_item){.rule = f->rule, .severity = f->severity, .nrecords = (uint32_t)f->records.count,
			     .npaths = (uint32_t)f->paths.count, .nfields = (uint32_t)f->evidence.count,
			     .has_target = f->target != NULL, .records = (const uint32_t *)at,
			     .text = (const uint8_t *)at + rb};
	if (rb)
		memcpy(at, f->records.data, rb);
	memcpy(at + rb, e.d, e.len);
	free(e.d);
	return true;
}

/* True when every string of f is set (a failed strdup or printf leaves NULL). */
static bool f_complete(const finding *f)
{
	if (!f->title)
		return false;
	for (size_t i = 0; i < f->evidence.count; i++)
		if (!VEC_AT(&f->evidence, finding_field, i).name || !VEC_AT(&f->evidence, finding_field, i).value)
			return false;
	return true;
}

/* Keeps f in the list, or counts it as suppressed when the baseline knows it; f is released either way. */
static void f_commit(fctx *c, finding *f)
{
	c->nomem |= !f_complete(f);
	if (!c->nomem && c->in->baseline && findings_baseline_matches(c->in->baseline, f))
		c->out->baseline_suppressed++;
	else if (!c->nomem && !f_keep(c->out, f))
		c->nomem = true;
	finding_free(f);
}

/* ---- rendering a kept finding ---- */

/* Reads a varint at *at (bounded by the encoder, which wrote it). */
static uint64_t dec_varint(const uint8_t **at)
{
	uint64_t v = 0;
	for (int shift = 0;; shift += 7) {
		uint8_t b = *(*at)++;
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return v;
	}
}

/* Makes room for n more bytes in v's buffer after used; false when memory runs out. */
static bool view_room(finding_view *v, size_t used, size_t n)
{
	if (used + n <= v->cap)
		return true;
	size_t cap = v->cap ? v->cap : 1024;
	while (cap < used + n)
		cap *= 2;
	char *b = realloc(v->buf, cap);
	if (!b)
		return false;
	v->buf = b;
	v->cap = cap;
	return true;
}

#define VIEW_MEMO 16              /* names whose whole paths one view remembers */

/* Where the whole path of a name already lies in the view's buffer (strings are rendered one after another
 * and never moved, so a path once written stays where it is until the next view). */
typedef struct {
	uint32_t name[VIEW_MEMO];
	size_t off[VIEW_MEMO], len[VIEW_MEMO];
	unsigned n, next;
} view_memo;

/* The slot of name x in memo, or -1. */
static int memo_find(const view_memo *memo, uint32_t x)
{
	for (unsigned k = 0; k < memo->n; k++)
		if (memo->name[k] == x)
			return (int)k;
	return -1;
}

/* Remembers that name x's whole path lies at off (len bytes), the oldest entry giving way when full. */
static void memo_put(view_memo *memo, uint32_t x, size_t off, size_t len)
{
	unsigned k = memo->n < VIEW_MEMO ? memo->n++ : memo->next++ % VIEW_MEMO;
	memo->name[k] = x;
	memo->off[k] = off;
	memo->len[k] = len;
}

/*
 * Renders one encoded string from *at into v's buffer at *used (its offset pushed to v->offs, SIZE_MAX for NULL).
 * A name's path is composed once a view: again it is copied from where memo says it was written (the same bytes).
 */
static bool view_string(const findings_list *l, finding_view *v, const uint8_t **at, size_t *used, view_memo *memo)
{
	size_t *off = vec_push(&v->offs);
	if (!off)
		return false;
	if (**at == ENC_NULL) {
		++*at;
		*off = SIZE_MAX;
		return true;
	}
	*off = *used;
	for (uint8_t op; (op = *(*at)++) != ENC_END;) {
		uint64_t x = dec_varint(at);
		if (op == ENC_TEXT) {
			if (!view_room(v, *used, x))
				return false;
			memcpy(v->buf + *used, *at, x);
			*at += x;
			*used += x;
			continue;
		}
		int k = memo_find(memo, (uint32_t)x);
		size_t len;
		if (k >= 0) {
			len = memo->len[k];
			if (!view_room(v, *used, len + 1))
				return false;
			memcpy(v->buf + *used, v->buf + memo->off[k], len);
			v->buf[*used + len] = '\0';
		} else {
			const name_info *n = model_name(l->m, (uint32_t)x);
			len = paths_name(l->p, n, NULL, 0);
			if (!view_room(v, *used, len + 1))
				return false;
			paths_name(l->p, n, v->buf + *used, len + 1);
			if (op == ENC_PATH)
				memo_put(memo, (uint32_t)x, *used, len);
		}
		if (op == ENC_FOLDER) {
			size_t fl = folder_len(v->buf + *used);
			if (!fl) { /* dir_of's "\" (never encoded: shorter than a reference) */
				v->buf[*used] = '\\';
				fl = 1;
			}
			len = fl;
		}
		*used += len;
	}
	if (!view_room(v, *used, 1))
		return false;
	v->buf[(*used)++] = '\0';
	return true;
}

void finding_view_init(finding_view *v)
{
	memset(v, 0, sizeof(*v));
	vec_init(&v->f.paths, sizeof(char *));
	vec_init(&v->f.evidence, sizeof(finding_field));
	vec_init(&v->offs, sizeof(size_t));
}

/* String k of the finding rendered into v (NULL for a NULL one). */
static char *view_str(const finding_view *v, size_t k)
{
	size_t off = VEC_AT(&v->offs, size_t, k);
	return off == SIZE_MAX ? NULL : v->buf + off;
}

const finding *findings_view(const findings_list *l, size_t i, finding_view *v)
{
	const finding_item *it = findings_item(l, i);
	const uint8_t *at = it->text;
	size_t used = 0, nstr = 1 + (it->has_target ? 1 : 0) + it->npaths + 2 * (size_t)it->nfields;
	v->offs.count = 0;
	view_memo memo = {.n = 0};
	for (size_t k = 0; k < nstr; k++)
		if (!view_string(l, v, &at, &used, &memo))
			return NULL;
	if (vec_reserve(&v->f.paths, it->npaths) || vec_reserve(&v->f.evidence, it->nfields))
		return NULL;
	size_t k = 0;
	v->f.rule = it->rule;
	v->f.severity = it->severity;
	v->f.title = view_str(v, k++);
	v->f.target = it->has_target ? view_str(v, k++) : NULL;
	v->f.paths.count = it->npaths;
	for (uint32_t p = 0; p < it->npaths; p++)
		VEC_AT(&v->f.paths, char *, p) = view_str(v, k++);
	v->f.evidence.count = it->nfields;
	for (uint32_t e = 0; e < it->nfields; e++, k += 2)
		VEC_AT(&v->f.evidence, finding_field, e) = (finding_field){view_str(v, k), view_str(v, k + 1)};
	v->f.records = (vec){.data = (void *)it->records, .count = it->nrecords, .cap = it->nrecords, .elem = sizeof(uint32_t)};
	return &v->f;
}

void finding_view_free(finding_view *v)
{
	free(v->buf);
	vec_free(&v->f.paths);
	vec_free(&v->f.evidence);
	vec_free(&v->offs);
	memset(v, 0, sizeof(*v));
}

/* ---- paths and places ---- */

/* Ordinary users can write here on every Windows installation (what rule 3, 4 use without an ACL). */
static const char *const WRITABLE_PLACES[] = {
	"\\Windows\\Temp", "\\Users\\*\\AppData\\Local\\Temp", "\\ProgramData\\*", "\\Config.Msi",
};

/* Only SYSTEM, TrustedInstaller and Administrators write here. */
static const char *const PROTECTED_PLACES[] = {
	"\\Windows",
	"\\Program Files*",
	"\\ProgramData\\Microsoft",
	"\\Users\\*\\AppData\\Roaming\\Microsoft\\Windows\\Start Menu\\Programs\\Startup",
};

/* The same places with "\\**" after each: what lies under them. */
static const char *const WRITABLE_UNDER[] = {
	"\\Windows\\Temp\\**", "\\Users\\*\\AppData\\Local\\Temp\\**", "\\ProgramData\\*\\**", "\\Config.Msi\\**",
};
static const char *const PROTECTED_UNDER[] = {
	"\\Windows\\**",
	"\\Program Files*\\**",
	"\\ProgramData\\Microsoft\\**",
	"\\Users\\*\\AppData\\Roaming\\Microsoft\\Windows\\Start Menu\\Programs\\Startup\\**",
};

_Static_assert(sizeof(WRITABLE_UNDER) == sizeof(WRITABLE_PLACES) && sizeof(PROTECTED_UNDER) == sizeof(PROTECTED_PLACES),
	       "one pattern under each place");

/* The place of list (n entries; under: each followed by "\\**") that path is (or lies under), or NULL. */
static const char *place_of(const char *const *list, const char *const *under, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (findings_glob(list[i], path) || findings_glob(under[i], path))
			return list[i];
	return NULL;
}

/* The usual writable place path lies in (not the protected \ProgramData\Microsoft), or NULL. */
static const char *writable_place(const char *path)
{
	const char *w = place_of(WRITABLE_PLACES, WRITABLE_UNDER, sizeof(WRITABLE_PLACES) / sizeof(WRITABLE_PLACES[0]), path);
	if (w && !strcmp(w, "\\ProgramData\\*") && place_of(&PROTECTED_PLACES[2], &PROTECTED_UNDER[2], 1, path))
		return NULL;
	return w;
}

/* The protected place path lies in (not a writable place inside one, like \Windows\Temp), or NULL. */
static const char *protected_place(const char *path)
{
	if (writable_place(path))
		return NULL;
	return place_of(PROTECTED_PLACES, PROTECTED_UNDER, sizeof(PROTECTED_PLACES) / sizeof(PROTECTED_PLACES[0]), path);
}

typedef enum { TRI_NO = 0, TRI_YES, TRI_UNKNOWN } tri;

/*
 * Whether ordinary users may write record r (a folder: add, rename or delete names in it), from its DACL as
 * access.h evaluates it: its writable_by is not empty (Everyone, Authenticated Users, Users, INTERACTIVE, or
 * an ordinary user account such as the profile's owner). Unknown when its descriptor was not read (then
 * the rules fall back to the usual places, saying so in the evidence).
 */
static tri users_can_write(const findings_input *in, uint32_t r)
{
	bool known = false;
	bool w = in->access && r < in->m->count && access_users_can_write(in->access, in->m, r, &known);
	return !known ? TRI_UNKNOWN : w ? TRI_YES : TRI_NO;
}

/* Appends printf-style text to buf (cap bytes, *len used so far), cutting at the end. */
static void buf_add(char *buf, size_t cap, size_t *len, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void buf_add(char *buf, size_t cap, size_t *len, const char *fmt, ...)
{
	if (*len >= cap)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf + *len, cap - *len, fmt, ap);
	va_end(ap);
	*len = n < 0 ? cap : *len + (size_t)n;
}

/*
 * The ACL facts of record r as evidence, when its descriptor is settled: "<what>_owner" (account name and
 * SID) and "<what>_writable_by" (each ordinary principal that may write it, with the rights it holds, or
 * "nobody among ordinary users").
 */
static void acl_fields(fctx *c, finding *f, const char *what, uint32_t r)
{
	if (!c->in->access || r >= c->in->m->count)
		return;
	access_info ai = access_record(c->in->access, r);
	if (!ai.known)
		return;
	char name[64], buf[2048];
	size_t len = 0;
	if (ai.owner_sid) {
		snprintf(name, sizeof(name), "%s_owner", what);
		f_field(c, f, name, "%s (%s)", ai.owner_name ? ai.owner_name : "unnamed account", ai.owner_sid);
	}
	for (uint32_t k = 0; k < ai.writer_count; k++) {
		access_writer w = access_writer_at(c->in->access, &ai, k);
		buf_add(buf, sizeof(buf), &len, "%s%s (%s):", k ? "; " : "", w.name ? w.name : "unnamed account", w.sid);
		for (int i = 0, first = 1; i < ACCESS_RIGHT_NAMES; i++)
			if (w.rights & access_right_bit[i]) {
				buf_add(buf, sizeof(buf), &len, "%s%s", first ? " " : ", ", access_right_name[i]);
				first = 0;
			}
	}
	snprintf(name, sizeof(name), "%s_writable_by", what);
	f_field(c, f, name, "%s", ai.writer_count ? buf : "nobody among ordinary users");
}

/* Whether directory d (path dpath) is writable by ordinary users; *basis says from what. */
static bool dir_writable(const findings_input *in, uint32_t d, const char *dpath, char *basis, size_t cap)
{
	tri t = d == PATHS_ORPHAN ? TRI_UNKNOWN : users_can_write(in, d);
	if (t != TRI_UNKNOWN) {
		snprintf(basis, cap, "%s", t == TRI_YES ? "its DACL grants ordinary users write (see folder_writable_by)" : "");
		return t == TRI_YES;
	}
	const char *w = writable_place(dpath);
	if (w)
		snprintf(basis, cap, "no ACL known: path under %s, a folder ordinary users can write", w);
	return w != NULL;
}

/* The directory part of a path ("\a\b" for "\a\b\c", "\" for "\c"), into buf. */
static void dir_of(const char *path, char *buf, size_t cap)
{
	const char *bs = strrchr(path, '\\');
	size_t n = bs ? (size_t)(bs - path) : 0;
	const char *src = n ? path : "\\";
	n = n ? n : 1;
	n = n < cap ? n : cap - 1;
	memcpy(buf, src, n);
	buf[n] = '\0';
}

/* The last component of a path. */
static const char *base_of(const char *path)
{
	const char *bs = strrchr(path, '\\');
	return bs ? bs + 1 : path;
}

/* A Windows path as a volume-relative one: \??\ or \\?\ and a drive letter stripped ("C:\x" -> "\x"). */
static const char *volume_relative(const char *s)
{
	if (!strncmp(s, "\\??\\", 4) || !strncmp(s, "\\\\?\\", 4))
		s += 4;
	if (((s[0] | 0x20) >= 'a' && (s[0] | 0x20) <= 'z') && s[1] == ':')
		s += 2;
	return s;
}

/* The path of a link (malloc'd), NULL when it has no name. */
static char *link_path(const findings_input *in, const link_entry *le)
{
	return le->name == MODEL_NONE ? NULL : paths_name_alloc(in->p, model_name(in->m, le->name));
}

/* The owner of record r and what it is: 2 SYSTEM or TrustedInstaller, 1 Administrators, 0 other or unknown. */
static int owner_class(const model *m, uint32_t r, const char **sid)
{
	*sid = model_owner_sid(m, r);
	if (!*sid)
		return 0;
	if (!strcmp(*sid, SID_SYSTEM) || !strcmp(*sid, SID_TRUSTED_INSTALLER))
		return 2;
	return !strcmp(*sid, SID_ADMINISTRATORS) ? 1 : 0;
}

/* The account of a well-known owner SID in words. */
static const char *owner_words(const char *sid)
{
	return !strcmp(sid, SID_SYSTEM) ? "SYSTEM" : !strcmp(sid, SID_TRUSTED_INSTALLER) ? "TrustedInstaller"
	       : !strcmp(sid, SID_ADMINISTRATORS)                                     ? "Administrators"
										       : "another account";
}

/* FILETIME as ISO 8601 UTC. */
static void filetime_iso(uint64_t ft, char *buf, size_t cap)
{
	time_t t = (time_t)(ft / FILETIME_PER_SECOND - 11644473600ull);
	struct tm tm;
	if (ft < 11644473600ull * FILETIME_PER_SECOND || !gmtime_r(&t, &tm)) {
		snprintf(buf, cap, "(FILETIME %llu)", (unsigned long long)ft);
		return;
	}
	strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- rules over reparse points: 1, 2, 3, 7, 8 ---- */

/* True for the kinds that redirect a path: junctions, mount points, symbolic links. */
static bool is_redirect(const link_entry *le)
{
	return le->rp.kind == REPARSE_KIND_JUNCTION || le->rp.kind == REPARSE_KIND_VOLUME_MOUNT_POINT ||
	       le->rp.kind == REPARSE_KIND_SYMLINK;
}

/* Fields every link finding carries: the names the link stores and how its target was classified. */
static void link_fields(fctx *c, finding *f, const link_entry *le)
{
	f_field(c, f, "kind", "%s", reparse_kind_name(le->rp.kind));
	if (le->rp.substitute_name)
		f_field(c, f, "substitute_name", "%s", le->rp.substitute_name);
	if (le->rp.print_name && *le->rp.print_name)
		f_field(c, f, "print_name", "%s", le->rp.print_name);
}

/* Rules 1 and 2: targets in the object manager namespace or in a shadow copy. */
static void rule_namespace(fctx *c, const link_entry *le, const char *path)
{
	const link_target *t = &le->target;
	const char *sub = le->rp.substitute_name ? le->rp.substitute_name : "";
	bool globalroot = !strncasecmp(sub, "\\??\\GLOBALROOT\\", 15) || !strncasecmp(sub, "\\\\?\\GLOBALROOT\\", 15);
	finding f;
	if (t->form == TARGET_FORM_SHADOW_COPY) {
		f_begin(c, &f, FINDING_SHADOW_COPY, FINDING_HIGH, "%s %s leads into shadow copy %u",
			reparse_kind_name(le->rp.kind), path, t->shadow_copy);
		f_record(c, &f, le->record, path, le->name);
		link_fields(c, &f, le);
		f_field(c, &f, "target.form", "shadow_copy");
		f_field(c, &f, "target.shadow_copy", "%u", t->shadow_copy);
	} else if (t->form == TARGET_FORM_OBJECT_MANAGER || (t->form == TARGET_FORM_DEVICE && globalroot)) {
		f_begin(c, &f, FINDING_OBJECT_MANAGER, FINDING_HIGH, "%s %s redirects into the object manager namespace (%s)",
			reparse_kind_name(le->rp.kind), path, sub);
		f_record(c, &f, le->record, path, le->name);
		link_fields(c, &f, le);
		f_field(c, &f, "target.form", "%s", target_form_name(t->form));
	} else {
		return;
	}
	f.target = strdup(sub);
	f_commit(c, &f);
}

/*
 * Rule 3: a junction or mount point in a writable folder (by its DACL; by the usual places when none is
 * known) whose target is an existing protected folder that ordinary users may not write themselves.
 */
static void rule_writable_redirect(fctx *c, const link_entry *le, const char *path)
{
	if (le->rp.kind != REPARSE_KIND_JUNCTION && le->rp.kind != REPARSE_KIND_VOLUME_MOUNT_POINT)
		return;
	const link_target *t = &le->target;
	/* a target that does not exist redirects nothing (one on a volume the image lacks may exist) */
	bool exists = t->status == LINK_STATUS_OK || t->status == LINK_STATUS_EXTERNAL;
	const char *prot = t->path && exists ? protected_place(t->path) : NULL;
	bool own = t->has_record && t->volume == c->in->volume;
	tri target_w = own ? users_can_write(c->in, t->record) : TRI_UNKNOWN;
	if (!prot || target_w == TRI_YES)
		return; /* a folder ordinary users may write is not protected, whatever its path */
	char dir[4096], basis[256];
	dir_of(path, dir, sizeof(dir));
	uint32_t d = le->name == MODEL_NONE ? PATHS_ORPHAN : paths_name_dir(c->in->p, model_name(c->in->m, le->name));
	if (!dir_writable(c->in, d, dir, basis, sizeof(basis)))
		return;
	finding f;
	f_begin(c, &f, FINDING_WRITABLE_REDIRECT, FINDING_HIGH, "%s %s in a writable folder leads into protected %s",
		reparse_kind_name(le->rp.kind), path, t->path);
	f_record(c, &f, le->record, path, le->name);
	link_fields(c, &f, le);
	f_field(c, &f, "folder", "%s", dir);
	f_field(c, &f, "folder_writable", "%s", basis);
	if (d != PATHS_ORPHAN)
		acl_fields(c, &f, "folder", d);
	f_field(c, &f, "target.path", "%s", t->path);
	f_field(c, &f, "target.status", "%s", link_status_name(t->status));
	f_field(c, &f, "target_protected", "under %s; %s", prot,
		target_w == TRI_NO ? "its DACL grants ordinary users no write" : "no ACL known for it");
	f.target = strdup(t->path);
	f_commit(c, &f);
}

/* Normalises a stored name for comparison: device prefix, drive letter, trailing backslashes, '/' as '\'. */
static void norm_name(const char *s, char *buf, size_t cap)
{
	if (!strncasecmp(s, "\\??\\UNC\\", 8))
		snprintf(buf, cap, "\\\\%s", s + 8); /* "\\server\share", as a print name spells it */
	else
		snprintf(buf, cap, "%s", volume_relative(s));
	for (char *p = buf; *p; p++)
		if (*p == '/')
			*p = '\\';
	size_t n = strlen(buf);
	while (n > 1 && buf[n - 1] == '\\')
		buf[--n] = 0;
}

/* True when two component lists differ only where one side spells a component as an 8.3 alias (~). */
static bool differ_only_by_alias(const char *a, const char *b)
{
	while (*a || *b) {
		const char *ea = strchr(a, '\\'), *eb = strchr(b, '\\');
		size_t la = ea ? (size_t)(ea - a) : strlen(a), lb = eb ? (size_t)(eb - b) : strlen(b);
		bool same = la == lb && !strncasecmp(a, b, la);
		if (!same && !memchr(a, '~', la) && !memchr(b, '~', lb))
			return false;
		if (!ea != !eb)
			return false;
		a = ea ? ea + 1 : a + la;
		b = eb ? eb + 1 : b + lb;
	}
	return true;
}

/* Rule 7: the print name shows a different place than the substitute name. */
static void rule_print_name(fctx *c, const link_entry *le, const char *path)
{
	const reparse_point *rp = &le->rp;
	if (!rp->substitute_name || !rp->print_name || !*rp->print_name || rp->malformed)
		return;
	char a[1024], b[1024];
	norm_name(rp->substitute_name, a, sizeof(a));
	norm_name(rp->print_name, b, sizeof(b));
	if (!strcasecmp(a, b) || differ_only_by_alias(a, b))
		return;
	finding f;
	f_begin(c, &f, FINDING_PRINT_NAME, FINDING_MEDIUM, "%s %s shows %s but leads to %s", reparse_kind_name(rp->kind),
		path, rp->print_name, rp->substitute_name);
	f_record(c, &f, le->record, path, le->name);
	link_fields(c, &f, le);
	f.target = strdup(a);
	f_commit(c, &f);
}

/* The system binaries an alias must not shadow. */
static const char *const SYSTEM_BINARIES[] = {
	"cmd.exe",      "powershell.exe", "powershell_ise.exe", "conhost.exe", "explorer.exe", "svchost.exe",
	"lsass.exe",    "services.exe",   "rundll32.exe",       "regsvr32.exe", "mshta.exe",   "wscript.exe",
	"cscript.exe",  "net.exe",        "net1.exe",           "sc.exe",       "reg.exe",     "schtasks.exe",
	"taskmgr.exe",  "whoami.exe",     "msiexec.exe",        "certutil.exe", "bitsadmin.exe", "wmic.exe",
	"notepad.exe",  "winlogon.exe",   "userinit.exe",       "ctfmon.exe",   "dllhost.exe", "werfault.exe",
};

/* Rule 8: an app execution alias whose executable lies outside WindowsApps, or whose name shadows a system binary. */
static void rule_app_alias(fctx *c, const link_entry *le, const char *path)
{
	if (le->rp.kind != REPARSE_KIND_APP_EXEC_LINK || !le->rp.appx_target_path)
		return;
	const char *target = volume_relative(le->rp.appx_target_path);
	bool outside = !findings_glob("\\Program Files\\WindowsApps\\**", target);
	const char *shadowed = NULL;
	for (size_t i = 0; i < sizeof(SYSTEM_BINARIES) / sizeof(SYSTEM_BINARIES[0]) && !shadowed; i++)
		if (!strcasecmp(base_of(path), SYSTEM_BINARIES[i]))
			shadowed = SYSTEM_BINARIES[i];
	if (!outside && !shadowed)
		return;
	finding f;
	f_begin(c, &f, FINDING_APP_ALIAS, shadowed ? FINDING_HIGH : FINDING_MEDIUM, "app execution alias %s %s%s%s", path,
		outside ? "runs " : "", outside ? le->rp.appx_target_path : "",
		shadowed ? (outside ? " and shadows a system binary" : "shadows a system binary") : " outside \\Program Files\\WindowsApps");
	f_record(c, &f, le->record, path, le->name);
	f_field(c, &f, "kind", "app_exec_link");
	f_field(c, &f, "target_path", "%s", le->rp.appx_target_path);
	if (le->rp.appx_package_id)
		f_field(c, &f, "package_id", "%s", le->rp.appx_package_id);
	if (outside)
		f_field(c, &f, "outside", "target not under \\Program Files\\WindowsApps\\");
	if (shadowed)
		f_field(c, &f, "shadows", "%s", shadowed);
	f.target = strdup(target);
	f_commit(c, &f);
}

/* ---- rule 6: junction loops and fan-outs ---- */

typedef struct {
	uint32_t dir;             /* the junction's directory */
	uint32_t ancestor;        /* its target: a record, or MODEL_NONE when known by path only */
	size_t link;              /* index in the links */
	char *path, *target;
} loop_hit;

/* True when directory a is d or above it on d's parent chain. */
static bool is_ancestor(const paths *p, uint32_t a, uint32_t d)
{
	for (int depth = 0; d != MODEL_NONE && d != PATHS_ORPHAN && depth <= PATHS_MAX_DEPTH; depth++) {
		if (d == a)
			return true;
		d = paths_dir_parent(p, d);
	}
	return false;
}

/* True when target path t is path's parent or above it (compared by components, case aside). */
static bool path_above(const char *t, const char *path)
{
	size_t n = strlen(t);
	while (n > 0 && t[n - 1] == '\\')
		n--;
	return n == 0 || (!strncasecmp(t, path, n) && path[n] == '\\');
}

/* Orders loop hits by directory, then ancestor, then link. */
static int loop_cmp(const void *x, const void *y)
{
	const loop_hit *a = x, *b = y;
	if (a->dir != b->dir)
		return a->dir < b->dir ? -1 : 1;
	if (a->ancestor != b->ancestor)
		return a->ancestor < b->ancestor ? -1 : 1;
	int s = strcasecmp(a->target, b->target);
	if (s)
		return s;
	return a->link < b->link ? -1 : a->link > b->link;
}

/* One loop finding over hits[from, to): one junction, or a fan-out of siblings. */
static void loop_finding(fctx *c, const loop_hit *hits, size_t from, size_t to)
{
	size_t n = to - from;
	finding f;
	const loop_hit *h = &hits[from];
	char dir[4096];
	dir_of(h->path, dir, sizeof(dir));
	if (n >= FANOUT_MIN)
		f_begin(c, &f, FINDING_JUNCTION_LOOP, FINDING_HIGH, "%zu sibling junctions in %s lead back to their ancestor %s", n,
			dir, h->target);
	else
		f_begin(c, &f, FINDING_JUNCTION_LOOP, FINDING_MEDIUM, "junction %s leads back to its own ancestor %s", h->path,
			h->target);
	for (size_t i = from; i < to; i++)
		f_record(c, &f, VEC_AT(c->in->links, link_entry, hits[i].link).record, hits[i].path,
			 VEC_AT(c->in->links, link_entry, hits[i].link).name);
	const link_entry *le = &VEC_AT(c->in->links, link_entry, h->link);
	link_fields(c, &f, le);
	f_field(c, &f, "target.path", "%s", h->target);
	f_field(c, &f, "ancestor", "%s is above %s", h->target, h->path);
	if (n >= FANOUT_MIN)
		f_field(c, &f, "siblings", "%zu junctions in one directory onto the same ancestor", n);
	f.target = strdup(h->target);
	f_commit(c, &f);
}

/* Rule 6 over every junction of the volume. */
static void rule_loops(fctx *c)
{
	const findings_input *in = c->in;
	vec hits;
	vec_init(&hits, sizeof(loop_hit));
	for (size_t i = 0; i < in->links->count; i++) {
		const link_entry *le = &VEC_AT(in->links, link_entry, i);
		const link_target *t = &le->target;
		if (!le->allocated || le->rp.kind != REPARSE_KIND_JUNCTION || !t->path || t->volume != in->volume ||
		    le->name == MODEL_NONE)
			continue;
		const name_info *n = model_name(in->m, le->name);
		uint32_t d = paths_name_dir(in->p, n);
		char *path = paths_name_alloc(in->p, n);
		if (!path) {
			c->nomem = true;
			break;
		}
		bool loop = t->has_record ? is_ancestor(in->p, t->record, d) : path_above(t->path, path);
		loop_hit *h = loop ? vec_push(&hits) : NULL;
		if (!loop || !h || !(h->target = strdup(t->path))) {
			c->nomem |= loop;
			free(path);
			continue;
		}
		h->dir = d;
		h->ancestor = t->has_record ? t->record : MODEL_NONE;
		h->link = i;
		h->path = path;
	}
	loop_hit *hv = hits.data;
	vec_sort(&hits, loop_cmp);
	for (size_t i = 0, j; i < hits.count; i = j) {
		for (j = i + 1; j < hits.count && hv[j].dir == hv[i].dir && hv[j].ancestor == hv[i].ancestor &&
				!strcasecmp(hv[j].target, hv[i].target);)
			j++;
		if (j - i >= FANOUT_MIN)
			loop_finding(c, hv, i, j);
		else
			for (size_t k = i; k < j; k++)
				loop_finding(c, hv, k, k + 1);
	}
	for (size_t i = 0; i < hits.count; i++) {
		free(hv[i].path);
		free(hv[i].target);
	}
	vec_free(&hits);
}

/* ---- rules over hard-link sets: 4, 5, 10 ---- */

/* The names of one set with their paths, in the model's order. */
typedef struct {
	uint32_t r;
	size_t n;
	const name_info **names;
	char **paths;
} link_set;

/* Fills s with the link names of record r and their paths; false when memory runs out. */
static bool set_load(const findings_input *in, uint32_t r, link_set *s)
{
	s->r = r;
	s->n = 0;
	size_t cap = links_name_count(in->m, r);
	s->names = calloc(cap ? cap : 1, sizeof(*s->names));
	s->paths = calloc(cap ? cap : 1, sizeof(*s->paths));
	if (!s->names || !s->paths)
		return false;
	uint32_t k = 0;
	for (const name_info *n; s->n < cap && (n = model_link_next(in->m, r, &k));) {
		s->names[s->n] = n;
		if (!(s->paths[s->n++] = paths_name_alloc(in->p, n)))
			return false;
	}
	return true;
}

/* Frees what set_load made. */
static void set_free(link_set *s)
{
	for (size_t i = 0; s->paths && i < s->n; i++)
		free(s->paths[i]);
	free(s->paths);
	free(s->names);
}

/* Adds the set's record and every name's path to f. */
static void set_records(fctx *c, finding *f, const link_set *s)
{
	f_record(c, f, s->r, s->n ? s->paths[0] : NULL, s->n ? name_ix(c->in->m, s->names[0]) : MODEL_NONE);
	for (size_t i = 1; i < s->n; i++)
		f_path(c, f, s->paths[i], name_ix(c->in->m, s->names[i]));
}

/*
 * Rule 4: a name in a writable folder (by its DACL; by the usual places when none is known), and the file
 * named in a protected folder or owned by a privileged account (the owner counts when the file's DACL is
 * known); not when ordinary users may write the file itself anyway (a link gains them nothing).
 */
static void rule_hardlink_protected(fctx *c, const link_set *s)
{
	char dir[4096], basis[256];
	const char *sid;
	int oc = owner_class(c->in->m, s->r, &sid);
	ssize_t w = -1, prot = -1;
	const char *prot_place = NULL;
	for (size_t i = 0; i < s->n; i++) {
		dir_of(s->paths[i], dir, sizeof(dir));
		const char *pp = protected_place(s->paths[i]);
		if (w < 0 && dir_writable(c->in, paths_name_dir(c->in->p, s->names[i]), dir, basis, sizeof(basis)))
			w = (ssize_t)i;
		else if (pp && prot < 0) {
			prot = (ssize_t)i;
			prot_place = pp;
		}
	}
	tri file_w = users_can_write(c->in, s->r);
	if (w < 0 || (oc == 0 && prot < 0) || file_w == TRI_YES)
		return; /* a file ordinary users may write anyway gains them nothing through a link */
	if (prot < 0 && file_w == TRI_UNKNOWN)
		return; /* the owner alone says little without the DACL (ntfs-3g makes every file Administrators' with
			 * Everyone's full control): only a protected name counts then */
	dir_of(s->paths[w], dir, sizeof(dir));
	uint32_t wd = paths_name_dir(c->in->p, s->names[w]);
	dir_writable(c->in, wd, dir, basis, sizeof(basis));
	finding f;
	f_begin(c, &f, FINDING_HARDLINK_PROTECTED, FINDING_HIGH, "hard link %s in a writable folder names %s", s->paths[w],
		prot >= 0 ? s->paths[prot] : oc ? "a file owned by a privileged account" : "a protected file");
	set_records(c, &f, s);
	f_field(c, &f, "writable_name", "%s", s->paths[w]);
	f_field(c, &f, "folder", "%s", dir);
	f_field(c, &f, "folder_writable", "%s", basis);
	if (wd != PATHS_ORPHAN)
		acl_fields(c, &f, "folder", wd);
	if (prot >= 0)
		f_field(c, &f, "protected_name", "%s (under %s)", s->paths[prot], prot_place);
	if (oc)
		f_field(c, &f, "owner_sid", "%s (%s)", sid, owner_words(sid));
	acl_fields(c, &f, "file", s->r);
	f_field(c, &f, "file_writable", "%s", file_w == TRI_NO ? "no: its DACL grants ordinary users no write"
						      : "unknown: no descriptor read");
	f_commit(c, &f);
}

static const char *const EXEC_EXTENSIONS[] = {".exe", ".dll", ".sys", ".scr", ".com", ".ps1", ".bat"};

/* !strcasecmp(s, ext) for an ext of ASCII lower case, a dot and three characters (the C locale's folding). */
static bool ext_is(const char *s, const char *ext)
{
	for (int i = 0; i < 4; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + ('a' - 'A'));
		if (c != (unsigned char)ext[i])
			return false;
	}
	return s[4] == '\0';
}

/* The extension of a name ("exe" ...) when it is an executable one, else NULL. */
static const char *exec_extension(const char *name)
{
	const char *dot = strrchr(name, '.');
	if (!dot || strlen(dot) != 4) /* every one of them is a dot and three letters */
		return NULL;
	for (size_t i = 0; i < sizeof(EXEC_EXTENSIONS) / sizeof(EXEC_EXTENSIONS[0]); i++)
		if (ext_is(dot, EXEC_EXTENSIONS[i]))
			return EXEC_EXTENSIONS[i];
	return NULL;
}

/* Rule 5: an executable whose names differ in base name or extension. */
static void rule_executable_renamed(fctx *c, const link_set *s)
{
	ssize_t exe = -1, other = -1;
	for (size_t i = 0; i < s->n && exe < 0; i++)
		if (exec_extension(model_name_str(c->in->m, s->names[i])))
			exe = (ssize_t)i;
	if (exe < 0)
		return;
	const char *en = model_name_str(c->in->m, s->names[exe]);
	for (size_t i = 0; i < s->n && other < 0; i++)
		if (strcasecmp(model_name_str(c->in->m, s->names[i]), en))
			other = (ssize_t)i;
	if (other < 0)
		return;
	finding f;
	f_begin(c, &f, FINDING_EXECUTABLE_RENAMED, FINDING_MEDIUM, "executable %s is also named %s", s->paths[exe],
		s->paths[other]);
	set_records(c, &f, s);
	f_field(c, &f, "executable_name", "%s", en);
	f_field(c, &f, "other_name", "%s", model_name_str(c->in->m, s->names[other]));
	f_commit(c, &f);
}

/*
 * When record r was created: its $STANDARD_INFORMATION creation time where the model keeps it (every link
 * candidate's, model_si_times), else the oldest $FILE_NAME creation time of its names (the name made with
 * the file). *basis says which.
 */
static uint64_t record_created(const findings_input *in, const link_set *s, const char **basis)
{
	const uint64_t *si = model_si_times(in->m, s->r);
	if (si) {
		*basis = "$STANDARD_INFORMATION creation time";
		return si[0];
	}
	uint64_t t = UINT64_MAX;
	for (size_t i = 0; i < s->n; i++)
		if (model_name_times(in->m, s->names[i])[0] < t)
			t = model_name_times(in->m, s->names[i])[0];
	*basis = "oldest $FILE_NAME creation time of its names ($STANDARD_INFORMATION times not kept)";
	return t;
}

/*
 * Rule 10: a name added more than a day after a SYSTEM or TrustedInstaller file was created, in a folder
 * ordinary users may write or whose ACL is unknown (a name a privileged account added in a folder only it
 * writes is servicing, not planting).
 */
static void rule_linked_later(fctx *c, const link_set *s)
{
	const char *sid, *basis;
	if (owner_class(c->in->m, s->r, &sid) != 2 || s->n < 2)
		return;
	uint64_t created = record_created(c->in, s, &basis);
	ssize_t late = -1;
	uint32_t ld = PATHS_ORPHAN;
	tri late_w = TRI_UNKNOWN;
	for (size_t i = 0; i < s->n && late < 0; i++) {
		if (model_name_times(c->in->m, s->names[i])[0] <= created ||
		    model_name_times(c->in->m, s->names[i])[0] - created <= LINKED_LATER_SECONDS * FILETIME_PER_SECOND)
			continue;
		ld = paths_name_dir(c->in->p, s->names[i]);
		late_w = ld == PATHS_ORPHAN ? TRI_UNKNOWN : users_can_write(c->in, ld);
		if (late_w != TRI_NO)
			late = (ssize_t)i;
	}
	if (late < 0)
		return;
	char t0[40], t1[40];
	filetime_iso(created, t0, sizeof(t0));
	uint64_t added = model_name_times(c->in->m, s->names[late])[0];
	filetime_iso(added, t1, sizeof(t1));
	finding f;
	f_begin(c, &f, FINDING_LINKED_LATER, FINDING_MEDIUM, "name %s was linked onto a %s file %llu days after it was created",
		s->paths[late], owner_words(sid),
		(unsigned long long)((added - created) / FILETIME_PER_SECOND / 86400));
	set_records(c, &f, s);
	f_field(c, &f, "owner_sid", "%s (%s)", sid, owner_words(sid));
	f_field(c, &f, "record_created", "%s (%s)", t0, basis);
	f_field(c, &f, "name_added", "%s", s->paths[late]);
	f_field(c, &f, "name_created", "%s ($FILE_NAME creation time)", t1);
	char dir[4096];
	dir_of(s->paths[late], dir, sizeof(dir));
	f_field(c, &f, "folder", "%s", dir);
	f_field(c, &f, "folder_writable", "%s", late_w == TRI_YES ? "its DACL grants ordinary users write (see folder_writable_by)"
							     : "no ACL known: ordinary users may have made the name");
	if (ld != PATHS_ORPHAN)
		acl_fields(c, &f, "folder", ld);
	acl_fields(c, &f, "file", s->r);
	f_commit(c, &f);
}

/* ---- rule 9: installer rollback folders ---- */

/* One rollback folder: \Config.Msi, or a folder holding .rbs/.rbf files. */
typedef struct {
	uint32_t dir;
	char *path;
	vec scripts;              /* uint32_t records of the .rbs/.rbf files */
	finding f;                /* the links found in it, once begun */
	bool begun;
} rollback_dir;

/* True when name is a rollback script or file. */
static bool is_rollback_name(const char *name)
{
	const char *dot = strrchr(name, '.');
	return dot && (ext_is(dot, ".rbs") || ext_is(dot, ".rbf"));
}

/* The rollback folder a path lies in (\Config.Msi at any depth, others directly), or NULL. */
static rollback_dir *rollback_of(vec *dirs, uint32_t d, const char *path)
{
	for (size_t i = 0; i < dirs->count; i++) {
		rollback_dir *rd = &VEC_AT(dirs, rollback_dir, i);
		if (rd->dir == d || (!strcasecmp(rd->path, "\\Config.Msi") &&
				     (!strcasecmp(path, "\\Config.Msi") || findings_glob("\\Config.Msi\\**", path))))
			return rd;
	}
	return NULL;
}

/* Adds a link at path (of name, record r, what it is in words) to the rollback folder it lies in. */
static void rollback_link(fctx *c, vec *dirs, uint32_t d, uint32_t r, const char *path, uint32_t name, const char *what)
{
	rollback_dir *rd = rollback_of(dirs, d, path);
	if (!rd)
		return;
	if (!rd->begun) {
		f_begin(c, &rd->f, FINDING_INSTALLER_ROLLBACK, FINDING_HIGH, "installer rollback folder %s holds links", rd->path);
		rd->begun = true;
		f_field(c, &rd->f, "folder", "%s", rd->path);
		if (rd->scripts.count)
			f_field(c, &rd->f, "rollback_files", "%zu .rbs/.rbf file(s)", rd->scripts.count);
	}
	f_record(c, &rd->f, r, path, name);
	f_field(c, &rd->f, "link", "%s: %s", path, what);
}

/* Rule 9 over the whole volume. */
static void rule_rollback(fctx *c)
{
	const findings_input *in = c->in;
	const model *m = in->m;
	vec dirs;
	vec_init(&dirs, sizeof(rollback_dir));
	uint32_t cm = in->config_msi ? *in->config_msi : in->ix ? name_index_dir(in->ix, "\\Config.Msi") : MODEL_NONE;
	rollback_dir *rd;
	if (cm != MODEL_NONE && (rd = vec_push(&dirs))) {
		rd->dir = cm;
		rd->path = strdup("\\Config.Msi");
		vec_init(&rd->scripts, sizeof(uint32_t));
	}
	for (uint64_t r = 0; r < m->count; r++) {
		uint32_t k = 0;
		for (const name_info *n; model_in_use(m, r) && (n = model_link_next(m, (uint32_t)r, &k));) {
			if (!is_rollback_name(model_name_str(m, n)))
				continue;
			uint32_t d = paths_name_dir(in->p, n);
			size_t i = 0;
			while (i < dirs.count && VEC_AT(&dirs, rollback_dir, i).dir != d)
				i++;
			if (i == dirs.count && dirs.count < 4096 && (rd = vec_push(&dirs))) {
				rd->dir = d;
				rd->path = paths_dir_alloc(in->p, d);
				vec_init(&rd->scripts, sizeof(uint32_t));
			}
			uint32_t *slot = i < dirs.count ? vec_push(&VEC_AT(&dirs, rollback_dir, i).scripts) : NULL;
			if (slot)
				*slot = (uint32_t)r;
		}
	}
	for (size_t i = 0; i < dirs.count; i++)
		c->nomem |= !VEC_AT(&dirs, rollback_dir, i).path;
	for (size_t i = 0; i < in->links->count && dirs.count && !c->nomem; i++) {
		const link_entry *le = &VEC_AT(in->links, link_entry, i);
		if (!le->allocated || le->name == MODEL_NONE)
			continue;
		const name_info *n = model_name(m, le->name);
		char *path = paths_name_alloc(in->p, n);
		if (path) {
			rollback_link(c, &dirs, paths_name_dir(in->p, n), le->record, path, le->name,
				      reparse_kind_name(le->rp.kind));
		}
		c->nomem |= !path;
		free(path);
	}
	for (uint64_t r = 0; r < m->count && dirs.count && !c->nomem; r++) {
		if (!links_is_hardlink_set(m, (uint32_t)r))
			continue;
		uint32_t k = 0;
		for (const name_info *n; (n = model_link_next(m, (uint32_t)r, &k));) {
			char *path = paths_name_alloc(in->p, n);
			if (path)
				rollback_link(c, &dirs, paths_name_dir(in->p, n), (uint32_t)r, path, name_ix(m, n), "hard-link name");
			c->nomem |= !path;
			free(path);
		}
	}
	for (size_t i = 0; i < dirs.count; i++) {
		rd = &VEC_AT(&dirs, rollback_dir, i);
		if (rd->begun) {
			for (size_t j = 0; j < rd->scripts.count && j < 16; j++) {
				uint32_t r = VEC_AT(&rd->scripts, uint32_t, j);
				const name_info *pn = model_primary_name(m, r);
				char *p = pn ? paths_name_alloc(in->p, pn) : NULL;
				f_record(c, &rd->f, r, p, pn ? name_ix(m, pn) : MODEL_NONE);
				free(p);
			}
			f_commit(c, &rd->f);
		}
		free(rd->path);
		vec_free(&rd->scripts);
	}
	vec_free(&dirs);
}

/* ---- the pass ---- */

/* ---- rules 4, 5, 10 over the hard-link sets, on several threads ---- */

/* Rules 4, 5 and 10 over the hard-link sets of records [from, to), into c's list in record order. */
static void sets_range(fctx *c, uint64_t from, uint64_t to)
{
	const findings_input *in = c->in;
	for (uint64_t r = from; r < to && !c->nomem; r++) {
		if (!links_is_hardlink_set(in->m, (uint32_t)r))
			continue;
		link_set s;
		if (!set_load(in, (uint32_t)r, &s)) {
			c->nomem = true;
		} else {
			rule_hardlink_protected(c, &s);
			rule_executable_renamed(c, &s);
			rule_linked_later(c, &s);
		}
		set_free(&s);
	}
}

/* One share of the sets: records [from, to) and the findings made of them, in a list of its own. */
typedef struct {
	uint64_t from, to;
	findings_list out;
	bool done, nomem;
} set_share;

/* The sets pass's shares (par_run's items). */
typedef struct {
	const findings_input *in;
	set_share *shares;
} set_pool;

/* par_run item: the findings of share i in a list of its own. */
static void set_share_run(void *ctx, size_t i, int thread)
{
	(void)thread;
	set_pool *p = ctx;
	set_share *sh = &p->shares[i];
	vec_init(&sh->out.items, sizeof(finding_item));
	sh->out.m = p->in->m;
	sh->out.p = p->in->p;
	fctx c = {.in = p->in, .out = &sh->out};
	sets_range(&c, sh->from, sh->to);
	sh->nomem = c.nomem;
	sh->done = true;
}

/* Moves src's items (after dst's) and pool blocks into dst; false out of memory (src left as it is). */
static bool list_append(findings_list *dst, findings_list *src)
{
	if (vec_append(&dst->items, &src->items))
		return false;
	dst->baseline_suppressed += src->baseline_suppressed;
	pool_block *first = src->pool, *last = first;
	while (last && last->next)
		last = last->next;
	if (first) { /* behind dst's current block, which goes on taking dst's allocations */
		pool_block *head = dst->pool;
		last->next = head ? head->next : NULL;
		if (head)
			head->next = first;
		else
			dst->pool = first;
	}
	src->pool = NULL;
	vec_free(&src->items);
	return true;
}

#define SET_SHARE_MIN 4096u       /* records a share holds at least */

/*
 * Rules 4, 5 and 10 over every hard-link set: 8 shares a thread of equal record ranges, taken in turn, their
 * findings appended in record order, so c's list is what one thread makes of the whole table.
 */
static void sets_all(fctx *c)
{
	uint64_t count = c->in->m->count;
	int nt = par_threads(c->in->threads, 16);
	size_t n = nt > 1 ? (size_t)nt * 8 : 1;
	while (n > 1 && count / n < SET_SHARE_MIN)
		n /= 2;
	set_pool p = {.in = c->in};
	if (n < 2 || !(p.shares = calloc(n, sizeof(*p.shares)))) {
		sets_range(c, 0, count);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		p.shares[i].from = count * i / n;
		p.shares[i].to = count * (i + 1) / n;
	}
	par_run(nt, n, set_share_run, &p);
	for (size_t i = 0; i < n; i++) {
		set_share *sh = &p.shares[i];
		c->nomem |= !sh->done || sh->nomem;
		if (!c->nomem && !list_append(c->out, &sh->out))
			c->nomem = true;
		findings_list_free(&sh->out);
	}
	free(p.shares);
}

/* The list whose items finding_cmp orders (qsort gives a comparator no context; one list per thread at a time). */
static _Thread_local const findings_list *sorting;

/* The title of item x, rendered (malloc'd; NULL out of memory). */
static char *item_title(const finding_item *x)
{
	finding_item one = *x;
	one.npaths = 0; /* the title is the first string: render it alone */
	one.nfields = 0;
	one.has_target = false;
	findings_list l = {.m = sorting->m, .p = sorting->p};
	l.items = (vec){.data = &one, .count = 1, .cap = 1, .elem = sizeof(one)};
	finding_view v;
	finding_view_init(&v);
	const finding *f = findings_view(&l, 0, &v);
	char *t = f && f->title ? strdup(f->title) : NULL;
	finding_view_free(&v);
	return t;
}

/* Orders findings by rule, then first record, then title. */
static int finding_cmp(const void *x, const void *y)
{
	const finding_item *a = x, *b = y;
	if (a->rule != b->rule)
		return a->rule < b->rule ? -1 : 1;
	uint32_t ra = a->nrecords ? a->records[0] : 0;
	uint32_t rb = b->nrecords ? b->records[0] : 0;
	if (ra != rb)
		return ra < rb ? -1 : 1;
	char *ta = item_title(a), *tb = item_title(b); /* rare: one rule's findings on one record */
	int c = strcmp(ta ? ta : "", tb ? tb : "");
	free(ta);
	free(tb);
	return c;
}

ntfs_status findings_run(const findings_input *in, findings_list *out, ntfs_error *err)
{
	memset(out, 0, sizeof(*out));
	vec_init(&out->items, sizeof(finding_item));
	out->m = in->m;
	out->p = in->p;
	fctx c = {.in = in, .out = out};
	for (size_t i = 0; i < in->links->count && !c.nomem; i++) {
		const link_entry *le = &VEC_AT(in->links, link_entry, i);
		if (!le->allocated)
			continue;
		char *path = link_path(in, le);
		if (!path) {
			c.nomem = le->name != MODEL_NONE;
			continue;
		}
		if (is_redirect(le) && le->has_target) {
			rule_namespace(&c, le, path);
			rule_writable_redirect(&c, le, path);
			rule_print_name(&c, le, path);
		}
		rule_app_alias(&c, le, path);
		free(path);
	}
	if (!c.nomem)
		rule_loops(&c);
	if (!c.nomem)
		sets_all(&c);
	if (!c.nomem)
		rule_rollback(&c);
	if (c.nomem) {
		findings_list_free(out);
		return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory");
	}
	sorting = out;
	vec_sort(&out->items, finding_cmp);
	sorting = NULL;
	if (out->items.count && out->items.count < out->items.cap) { /* the list stays as long as the report: no slack */
		void *fit = realloc(out->items.data, out->items.count * sizeof(finding_item));
		if (fit) {
			out->items.data = fit;
			out->items.cap = out->items.count;
		}
	}
	return NTFS_OK;
}

void findings_list_free(findings_list *l)
{
	vec_free(&l->items);
	for (pool_block *b = l->pool, *next; b; b = next) {
		next = b->next;
		free(b);
	}
	l->pool = NULL;
	l->baseline_suppressed = 0;
}
