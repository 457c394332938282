/* SPDX-License-Identifier: Apache-2.0 */
/*
 * UTF-16LE <-> UTF-8 for NTFS names and reparse strings.
 *
 * NTFS stores names as arbitrary 16-bit units, so a name may hold surrogates that do not pair up.
 * Those are never dropped: each becomes the six characters "\uD800" (upper-case hex, 4 digits).
 * U+0000, which cannot appear in a valid name but does in damaged records, becomes "\u0000" so the
 * output is always a C string whose strlen equals the returned length. The reverse converter turns
 * exactly those escapes (a surrogate value or 0000) back into units; any other "\u" text is literal.
 * Known ambiguity: a POSIX-namespace name that literally contains the text "\uD800" reads back as a
 * surrogate; Windows forbids '\' in names, so only names written by other systems can hit this.
 *
 * Truncation (cap too small) is like snprintf, except that a character is written whole or not at
 * all, so the truncated output is still valid UTF-8.
 */
#include "utf16.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "le.h"

/* True for any surrogate unit (D800..DFFF). */
static bool is_surrogate(uint32_t u)
{
	return u >= 0xD800u && u <= 0xDFFFu;
}

/* True for a leading (high) surrogate D800..DBFF. */
static bool is_high_surrogate(uint32_t u)
{
	return (u & 0xFC00u) == 0xD800u;
}

/* True for a trailing (low) surrogate DC00..DFFF. */
static bool is_low_surrogate(uint32_t u)
{
	return (u & 0xFC00u) == 0xDC00u;
}

/* Encodes a code point (or an escaped unit when escape is set) into out[]; returns its byte count. */
static size_t encode_one(uint32_t cp, bool escape, char out[6])
{
	static const char hex[] = "0123456789ABCDEF";

	if (escape) {
		out[0] = '\\';
		out[1] = 'u';
		out[2] = hex[(cp >> 12) & 0xF];
		out[3] = hex[(cp >> 8) & 0xF];
		out[4] = hex[(cp >> 4) & 0xF];
		out[5] = hex[cp & 0xF];
		return 6;
	}
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

size_t ntfs_utf16_to_utf8(const uint8_t *src, size_t units, char *dst, size_t cap)
{
	size_t need = 0;     /* bytes the full conversion needs */
	size_t written = 0;  /* bytes actually stored in dst (excluding the NUL) */
	bool full = cap == 0; /* once one character does not fit, nothing more is written */
	size_t i = 0;

	while (i < units) {
		uint32_t u = le16(src + 2 * i);

		/* Fast path: a run of ASCII (not NUL), the bulk of every volume's names, copied in a tight loop. */
		if (u - 1u < 0x7Fu) {
			size_t start = i;
			if (!full) {
				size_t room = cap - 1 - written;
				size_t stop = units - i < room ? units : i + room;
				/* four units at a time while all four are ASCII and none is NUL */
				while (stop - i >= 4) {
					uint64_t w = le64(src + 2 * i);
					if ((w & 0xFF80FF80FF80FF80ull) != 0 ||
					    ((w + 0x007F007F007F007Full) & 0x0080008000800080ull) != 0x0080008000800080ull)
						break;
					dst[written] = (char)w;
					dst[written + 1] = (char)(w >> 16);
					dst[written + 2] = (char)(w >> 32);
					dst[written + 3] = (char)(w >> 48);
					written += 4;
					i += 4;
				}
				while (i < stop && src[2 * i + 1] == 0 && src[2 * i] != 0 && src[2 * i] < 0x80) {
					dst[written++] = (char)src[2 * i];
					i++;
				}
			}
			/* whatever ASCII is left did not fit: count it only */
			while (i < units && src[2 * i + 1] == 0 && src[2 * i] != 0 && src[2 * i] < 0x80) {
				full = true;
				i++;
			}
			need += i - start;
			continue;
		}

		uint32_t cp = u;
		bool escape = false;
		size_t step = 1;
		if (u == 0 || is_low_surrogate(u)) {
			escape = true;
		} else if (is_high_surrogate(u)) {
			uint32_t lo = i + 1 < units ? le16(src + 2 * (i + 1)) : 0;
			if (is_low_surrogate(lo)) {
				cp = 0x10000u + ((u - 0xD800u) << 10) + (lo - 0xDC00u);
				step = 2;
			} else {
				escape = true;
			}
		}

		char tmp[6];
		size_t n = encode_one(cp, escape, tmp);
		if (!full && written + n < cap) {
			for (size_t k = 0; k < n; k++)
				dst[written++] = tmp[k];
		} else {
			full = true;
		}
		need += n;
		i += step;
	}
	if (cap > 0)
		dst[written] = '\0';
	return need;
}

char *ntfs_utf16_to_utf8_alloc(const uint8_t *src, size_t units)
{
	char local[512];
	size_t need = ntfs_utf16_to_utf8(src, units, local, sizeof(local));
	char *s = malloc(need + 1);

	if (s == NULL)
		return NULL;
	/* One pass for every name that fits the stack buffer (all ASCII names: at most 255 units). */
	if (need < sizeof(local))
		memcpy(s, local, need + 1);
	else
		ntfs_utf16_to_utf8(src, units, s, need + 1);
	return s;
}

/* Value of one upper- or lower-case hex digit, or -1. */
static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Reads a "\uXXXX" escape that our encoder could have produced (a surrogate or 0000); -1 otherwise. */
static long read_escape(const char *s, size_t left)
{
	long v = 0;

	if (left < 6 || s[0] != '\\' || s[1] != 'u')
		return -1;
	for (int k = 2; k < 6; k++) {
		int d = hex_value(s[k]);
		if (d < 0)
			return -1;
		v = (v << 4) | d;
	}
	if (v != 0 && !is_surrogate((uint32_t)v))
		return -1;
	return v;
}

/* Decodes one UTF-8 sequence at s into *cp (U+FFFD and *valid false if invalid); returns bytes used. */
static size_t decode_utf8_checked(const unsigned char *s, size_t left, uint32_t *cp, bool *valid)
{
	unsigned char b = s[0];
	size_t n;
	uint32_t v, min;

	*valid = false;
	if (b < 0x80) {
		*cp = b;
		*valid = true;
		return 1;
	}
	if (b >= 0xC2 && b <= 0xDF) {
		n = 2; v = b & 0x1Fu; min = 0x80;
	} else if (b >= 0xE0 && b <= 0xEF) {
		n = 3; v = b & 0x0Fu; min = 0x800;
	} else if (b >= 0xF0 && b <= 0xF4) {
		n = 4; v = b & 0x07u; min = 0x10000;
	} else {
		*cp = 0xFFFDu;
		return 1;
	}
	/* Consume the longest valid prefix (Unicode's "maximal subpart") before giving up. */
	for (size_t k = 1; k < n; k++) {
		if (k >= left || (s[k] & 0xC0) != 0x80) {
			*cp = 0xFFFDu;
			return k;
		}
		v = (v << 6) | (s[k] & 0x3Fu);
		/* Reject overlongs, surrogates and > U+10FFFF as soon as the second byte shows them. */
		if (k == 1 && n >= 3) {
			uint32_t top = v << (6 * (n - 2));
			if (top < min || top > 0x10FFFFu || is_surrogate(top)) {
				*cp = 0xFFFDu;
				return 1;
			}
		}
	}
	*cp = v;
	*valid = true;
	return n;
}

/* Decodes one UTF-8 sequence at s; stores the code point (U+FFFD if invalid) and returns bytes used. */
static size_t decode_utf8(const unsigned char *s, size_t left, uint32_t *cp)
{
	bool valid;
	return decode_utf8_checked(s, left, cp, &valid);
}

/* Offset of the first byte that is not valid UTF-8 (or is NUL), or len when it all is. */
size_t ntfs_utf8_validate(const char *src, size_t len)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t i = 0;

	while (i < len) {
		uint32_t cp;
		bool valid;
		size_t n = decode_utf8_checked(s + i, len - i, &cp, &valid);
		if (!valid || cp == 0)
			return i;
		i += n;
	}
	return len;
}

/* Stores one unit at dst[*count] when there is room, and counts it either way. */
static void put_unit(uint16_t *dst, size_t cap, size_t *count, uint32_t u)
{
	if (*count < cap)
		dst[*count] = (uint16_t)u;
	(*count)++;
}

size_t ntfs_utf8_to_utf16(const char *src, size_t len, uint16_t *dst, size_t cap)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t count = 0;
	size_t i = 0;

	while (i < len) {
		uint32_t cp;
		if (s[i] == '\\') {
			long e = read_escape(src + i, len - i);
			if (e >= 0) {
				put_unit(dst, cap, &count, (uint32_t)e);
				i += 6;
				continue;
			}
		}
		i += decode_utf8(s + i, len - i, &cp);
		if (cp >= 0x10000u) {
			put_unit(dst, cap, &count, 0xD800u + ((cp - 0x10000u) >> 10));
			put_unit(dst, cap, &count, 0xDC00u + ((cp - 0x10000u) & 0x3FFu));
		} else {
			put_unit(dst, cap, &count, cp);
		}
	}
	return count;
}
