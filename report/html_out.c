/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"
#include "html_out.h"

#include <string.h>

#include "json_out.h"

/* Length of the valid UTF-8 sequence at s (1 to 4), 0 when the bytes there are not valid UTF-8; *cp gets
 * the code point. Overlong forms and surrogates are invalid. */
static int utf8_seq(const unsigned char *s, uint32_t *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	int n = s[0] >= 0xC2 && s[0] <= 0xDF ? 2 : s[0] >= 0xE0 && s[0] <= 0xEF ? 3 : s[0] >= 0xF0 && s[0] <= 0xF4 ? 4 : 0;
	if (!n)
		return 0;
	uint32_t c = s[0] & (0x7F >> n);
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10FFFF)) || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return n;
}

/* True for the code points that reorder text around them (bidi embeddings, overrides, isolates). */
static int is_bidi_control(uint32_t c)
{
	return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x200E || c == 0x200F;
}

void html_text(FILE *f, const char *s)
{
	if (!s)
		return;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		const unsigned char *run = p; /* printable ASCII that needs no escape, in one write */
		while (*p >= 0x20 && *p < 0x7F && *p != '&' && *p != '<' && *p != '>' && *p != '"' && *p != '\'')
			p++;
		if (p > run)
			fwrite(run, 1, (size_t)(p - run), f);
		if (!*p)
			break;
		uint32_t cp;
		int n = utf8_seq(p, &cp);
		switch (n ? cp : 0xFFFFFFFFu) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default:
			if (!n || cp < 0x20 || cp == 0x7F)
				fprintf(f, "\\x%02X", *p);
			else if (is_bidi_control(cp))
				fprintf(f, "\\u%04X", (unsigned)cp);
			else
				fwrite(p, 1, (size_t)n, f);
			break;
		}
		p += n ? n : 1;
	}
}

void html_text_or_dash(FILE *f, const char *s)
{
	if (s && s[0])
		html_text(f, s);
	else
		fputc('-', f);
}

/* True when s needs no quotes in a POSIX shell. */
static int shell_safe(const char *s)
{
	if (!s[0])
		return 0;
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./=:,+@%-", *s))
			return 0;
	return 1;
}

void html_shell_word(FILE *f, const char *s)
{
	if (s && shell_safe(s)) {
		html_text(f, s);
		return;
	}
	fputs("&#39;", f);
	for (const char *q; s && (q = strchr(s, '\'')); s = q + 1) {
		char part[4096];
		size_t n = (size_t)(q - s);
		while (n) { /* a long name in pieces: html_text takes NUL-terminated strings */
			size_t k = n < sizeof(part) - 1 ? n : sizeof(part) - 1;
			memcpy(part, s, k);
			part[k] = '\0';
			html_text(f, part);
			s += k;
			n -= k;
		}
		fputs("&#39;\\&#39;&#39;", f);
	}
	html_text(f, s);
	fputs("&#39;", f);
}

void html_istat(FILE *f, const char *path, uint64_t off, uint64_t r)
{
	if (off % 512) { /* istat's -o counts sectors of at least 512 bytes */
		fprintf(f, "(no istat command: the volume starts at byte %llu, not on a 512-byte sector)", (unsigned long long)off);
		return;
	}
	fputs("istat ", f);
	if (off)
		fprintf(f, "-o %llu ", (unsigned long long)(off / 512));
	html_shell_word(f, path);
	fprintf(f, " %llu", (unsigned long long)r);
}

void html_filetime(FILE *f, uint64_t ft)
{
	char buf[48];
	if (!ft) {
		fputc('-', f);
		return;
	}
	size_t n = json_out_format_filetime(ft, buf);
	if (n && buf[n - 1] == 'Z')
		buf[--n] = '\0';
	if (n > 10 && buf[10] == 'T')
		buf[10] = ' ';
	fputs(buf, f);
}
