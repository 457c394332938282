/* SPDX-License-Identifier: Apache-2.0 */
/* The text view's line writer: paragraphs wrapped to the width, cut-list hints, sizes and who may write. */
#include "config.h"
#include "report_text.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define KEEP_SPACE '\x1f'         /* a space of a path (text_keep): written as ' ', never a line break */
#define SPLIT_MIN_ROOM 12         /* a word too long for any line starts on the current one when this much is left */

size_t text_width_clamp(int requested)
{
	if (requested <= 0)
		return TEXT_WIDTH_DEFAULT;
	if (requested < TEXT_WIDTH_MIN)
		return TEXT_WIDTH_MIN;
	return requested > TEXT_WIDTH_MAX ? TEXT_WIDTH_MAX : (size_t)requested;
}

/* Decodes the code point at s into *cp; returns its length in bytes (1 with U+FFFD for a bad byte). */
static size_t utf8_at(const char *s, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = p[0] < 0x80 ? 1 : p[0] >= 0xF0 && p[0] <= 0xF4 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC2 && p[0] < 0xE0 ? 2 : 0;
	if (n == 1) {
		*cp = p[0];
		return 1;
	}
	if (n == 0) {
		*cp = 0xFFFD;
		return 1;
	}
	uint32_t v = p[0] & (0x7F >> n);
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80) {
			*cp = 0xFFFD;
			return 1;
		}
		v = (v << 6) | (p[i] & 0x3F);
	}
	*cp = v;
	return n;
}

/* True for the bidirectional controls that reorder what a terminal shows (U+202A-U+202E, U+2066-U+2069, the
 * marks U+200E, U+200F): written as \uXXXX, so a name cannot pass for another (README "The text view"). */
static bool cp_bidi(uint32_t cp)
{
	return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E || cp == 0x200F;
}

/* Columns of code point cp on a terminal: 2 for East Asian wide ranges, 0 for combining marks, 6 for a
 * bidirectional control (written \uXXXX), else 1. */
static size_t cp_columns(uint32_t cp)
{
	if (cp_bidi(cp))
		return 6;
	static const uint32_t zero[][2] = {{0x0300, 0x036F}, {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF}, {0x200B, 0x200F},
					   {0x20D0, 0x20FF}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F}};
	static const uint32_t wide[][2] = {{0x1100, 0x115F}, {0x2E80, 0x303E}, {0x3041, 0x33FF}, {0x3400, 0x4DBF},
					   {0x4E00, 0x9FFF}, {0xA000, 0xA4CF}, {0xAC00, 0xD7A3}, {0xF900, 0xFAFF},
					   {0xFE30, 0xFE4F}, {0xFF00, 0xFF60}, {0xFFE0, 0xFFE6}, {0x1F300, 0x1F64F},
					   {0x1F900, 0x1F9FF}, {0x20000, 0x3FFFD}};
	if (cp < 0x300)
		return 1;
	for (size_t i = 0; i < sizeof(zero) / sizeof(zero[0]); i++)
		if (cp >= zero[i][0] && cp <= zero[i][1])
			return 0;
	for (size_t i = 0; i < sizeof(wide) / sizeof(wide[0]); i++)
		if (cp >= wide[i][0] && cp <= wide[i][1])
			return 2;
	return 1;
}

size_t text_columns(const char *s)
{
	size_t n = 0;
	for (uint32_t cp; *s;) {
		s += utf8_at(s, &cp);
		n += cp_columns(cp);
	}
	return n;
}

/* Columns of the n bytes at s. */
static size_t span_columns(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		i += utf8_at(s + i, &cp);
		c += cp_columns(cp);
	}
	return c;
}

/* Writes n bytes of s: kept spaces as spaces, controls and bad bytes as '?'. */
static void put_span(FILE *f, const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t len = utf8_at(s + i, &cp);
		if (s[i] == KEEP_SPACE)
			putc(' ', f);
		else if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || cp == 0xFFFD)
			putc('?', f);
		else if (cp_bidi(cp))
			fprintf(f, "\\u%04X", (unsigned)cp);
		else
			fwrite(s + i, 1, len, f);
		i += len;
	}
}

/* Writes n spaces. */
static void put_spaces(FILE *f, size_t n)
{
	while (n--)
		putc(' ', f);
}

/*
 * How many bytes of the word at s (n bytes) to put in room columns when all of it does not fit: up to and
 * including the last path separator (or kept space) that fits when that fills a quarter of the room at least,
 * else as many code points as fit (at least one).
 */
static size_t split_at(const char *s, size_t n, size_t room)
{
	size_t cols = 0, last_sep = 0, sep_cols = 0, fit = 0;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t len = utf8_at(s + i, &cp), c = cp_columns(cp);
		if (cols + c > room)
			break;
		cols += c;
		i += len;
		fit = i;
		if (s[i - len] == '\\' || s[i - len] == '/' || s[i - len] == KEEP_SPACE) {
			last_sep = i;
			sep_cols = cols;
		}
	}
	if (last_sep && last_sep < n && 4 * sep_cols >= room) /* a separator, unless it leaves most of the line empty */
		return last_sep;
	if (!fit) { /* not even one code point fits: take one anyway */
		uint32_t cp;
		fit = utf8_at(s, &cp);
	}
	return fit;
}

/* Wraps s from column col (already written) with continuation lines at hang. */
static void para_from(text_out *t, size_t col, size_t hang, const char *s)
{
	FILE *f = t->f;
	size_t width = t->width, limit = width - 2 * SPLIT_MIN_ROOM;
	hang = hang > limit ? limit : hang;
	bool content = false;
	for (const char *p = s; *p;) {
		size_t nsp = strspn(p, " ");
		p += nsp;
		if (!*p)
			break;
		size_t n = strcspn(p, " "), w = span_columns(p, n);
		if (content && col + nsp + w > width) {
			if (w <= width - hang || col + nsp + SPLIT_MIN_ROOM > width) { /* onto the next line */
				fputc('\n', f);
				put_spaces(f, hang);
				col = hang;
				nsp = 0;
			}
		}
		put_spaces(f, nsp);
		col += nsp;
		content = true;
		while (col + w > width) { /* a word longer than the line: break it at a separator */
			size_t take = split_at(p, n, width > col ? width - col : 0);
			put_span(f, p, take);
			fputc('\n', f);
			put_spaces(f, hang);
			col = hang;
			p += take;
			n -= take;
			w = span_columns(p, n);
		}
		put_span(f, p, n);
		col += w;
		p += n;
	}
	fputc('\n', f);
}

void text_para(text_out *t, size_t indent, size_t hang, const char *s)
{
	size_t limit = t->width - 2 * SPLIT_MIN_ROOM;
	indent = indent > limit ? limit : indent;
	put_spaces(t->f, indent);
	para_from(t, indent, hang, s);
}

void text_para_from(text_out *t, size_t col, size_t hang, const char *s)
{
	para_from(t, col, hang, s);
}

void text_paraf(text_out *t, size_t indent, size_t hang, const char *fmt, ...)
{
	va_list ap;
	char small[512], *buf = small;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(small)) {
		buf = malloc((size_t)n + 1);
		if (!buf)
			return;
		va_start(ap, fmt);
		vsnprintf(buf, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	text_para(t, indent, hang, buf);
	if (buf != small)
		free(buf);
}

char *text_keep(const char *path)
{
	if (!path)
		return NULL;
	char *k = strdup(path);
	for (char *c = k; c && *c; c++)
		if (*c == ' ')
			*c = KEEP_SPACE;
	return k;
}

size_t text_limit(const text_out *t, size_t top)
{
	return t->all ? SIZE_MAX : top;
}

void text_human(uint64_t v, char *buf, size_t cap)
{
	static const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
	double d = (double)v;
	int u = 0;
	while (d >= 1024 && u < 5) {
		d /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, cap, "%llu B", (unsigned long long)v);
	else
		snprintf(buf, cap, "%.1f %s", d, units[u]);
}

/* A growing string (the hint's command, a list of names). */
typedef struct {
	char *s;
	size_t len, cap;
	bool failed;
} text_buf;

/* Appends n bytes of s. */
static void buf_add(text_buf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;
		char *p = realloc(b->s, cap);
		if (!p) {
			b->failed = true;
			return;
		}
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* Appends string s. */
static void buf_str(text_buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

/* Appends one shell word: as is when it holds only safe characters, else in single quotes. */
static void buf_word(text_buf *b, const char *w)
{
	buf_str(b, " ");
	bool safe = *w != '\0';
	for (const char *c = w; *c; c++)
		if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./:=,+-@%", *c))
			safe = false;
	if (safe) {
		buf_str(b, w);
		return;
	}
	buf_str(b, "'");
	for (const char *c = w; *c; c++)
		if (*c == '\'')
			buf_str(b, "'\\''");
		else
			buf_add(b, c, 1);
	buf_str(b, "'");
}

/* True when argv[i] is an option the hint replaces or leaves out (--threads: the view is the same for any
 * count, and so must its bytes be); *skip_next when its value is the next word. */
static bool hint_drops(const char *arg, bool *skip_next)
{
	static const char *const with_value[] = {"--format", "--only", "-o", "--output", "--threads"};
	*skip_next = false;
	for (size_t k = 0; k < sizeof(with_value) / sizeof(with_value[0]); k++) {
		size_t n = strlen(with_value[k]);
		if (!strcmp(arg, with_value[k])) {
			*skip_next = true;
			return true;
		}
		if (!strncmp(arg, with_value[k], n) && (arg[n] == '=' || (k == 2 && arg[n])))
			return true;
	}
	return !strcmp(arg, "--all");
}

void text_cut(text_out *t, size_t indent, size_t left, const char *what, const char *only)
{
	text_buf b = {0};
	const report_config *rc = t->rc;
	buf_str(&b, rc && rc->argc > 0 ? rc->argv[0] : PACKAGE_NAME);
	if (only) {
		buf_word(&b, "--only");
		buf_word(&b, only);
	}
	buf_word(&b, "--all");
	buf_word(&b, "--format");
	buf_word(&b, "text");
	size_t selected = 0;
	for (size_t v = 0; v < analysis_volume_count(t->a); v++)
		selected += analysis_volume_at(t->a, v)->selected;
	if (selected > 1 && t->va) {
		char n[16];
		snprintf(n, sizeof(n), "%d", t->va->index);
		buf_word(&b, "--partition");
		buf_word(&b, n);
	}
	for (int i = 1; rc && i < rc->argc; i++) {
		bool skip_next;
		if (hint_drops(rc->argv[i], &skip_next)) {
			i += skip_next;
			continue;
		}
		buf_word(&b, rc->argv[i]);
	}
	if (!b.failed)
		text_paraf(t, indent, indent + 4, "... %zu more %s: %s", left, what, b.s);
	free(b.s);
}

/* Appends s with its spaces kept (an account name such as "NT AUTHORITY\\Authenticated Users" stays whole). */
static void buf_kept(text_buf *b, const char *s)
{
	for (; *s; s++)
		buf_add(b, *s == ' ' ? (const char[]){KEEP_SPACE} : s, 1);
}

/* Appends who writes record r's descriptor (info in): names, else SIDs. */
static void buf_writers(text_buf *b, const access_table *tab, const access_info *in)
{
	if (!in->writer_count) {
		buf_str(b, "not writable by ordinary users");
		return;
	}
	buf_str(b, "writable by ");
	for (uint32_t k = 0; k < in->writer_count; k++) {
		access_writer w = access_writer_at(tab, in, k);
		if (k)
			buf_str(b, ", ");
		buf_kept(b, w.name ? w.name : w.sid ? w.sid : "?");
	}
}

char *text_writable(const analysis_volume *va, uint32_t r)
{
	access_info in = access_record(va->access, r);
	if (!in.known)
		return NULL;
	text_buf b = {0};
	buf_writers(&b, va->access, &in);
	if (b.failed) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

char *text_security(const analysis_volume *va, uint32_t r)
{
	access_info in = access_record(va->access, r);
	if (!in.known)
		return NULL;
	text_buf b = {0};
	const char *owner = in.owner_name ? in.owner_name : in.owner_sid;
	if (owner) {
		buf_str(&b, "owner ");
		buf_kept(&b, owner);
		buf_str(&b, "; ");
	}
	buf_writers(&b, va->access, &in);
	if (b.failed) {
		free(b.s);
		return NULL;
	}
	return b.s;
}
