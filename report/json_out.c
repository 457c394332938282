/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"
#include "json_out.h"

#include <stdlib.h>
#include <string.h>

#define FILETIME_DAYS_TO_1970 134774 /* days from 1601-01-01 to 1970-01-01 */

void json_out_init(json_out *o, FILE *f)
{
	o->f = f;
	o->mem = NULL;
	o->mem_len = o->mem_cap = 0;
	o->out = f ? o->own : NULL; /* in memory, the first append allocates mem */
	o->cap = f ? sizeof(o->own) : 0;
	o->len = 0;
	o->flushed = 0;
	o->failed = false;
	o->time_head_len = 0;
}

void json_out_init_mem(json_out *o)
{
	json_out_init(o, NULL);
}

void json_out_mem_reset(json_out *o)
{
	if (!o->f) {
		o->flushed += o->len;
		o->len = 0;
	}
	o->mem_len = 0;
}

void json_out_mem_free(json_out *o)
{
	free(o->mem);
	o->mem = NULL;
	o->mem_len = o->mem_cap = 0;
	if (!o->f) {
		o->flushed += o->len;
		o->out = NULL;
		o->cap = o->len = 0;
	}
}

int json_out_flush(json_out *o)
{
	if (!o->f) { /* the bytes are in mem already */
		o->mem_len = o->len;
		return o->failed ? -1 : 0;
	}
	if (o->len && fwrite(o->own, 1, o->len, o->f) != o->len)
		o->failed = true;
	o->flushed += o->len;
	o->len = 0;
	return o->failed ? -1 : 0;
}

/* In memory: grows mem (doubling from JSON_OUT_BUF) to hold n more bytes; false when it cannot. */
static bool mem_room(json_out *o, size_t n)
{
	size_t cap = o->mem_cap ? o->mem_cap : JSON_OUT_BUF;
	while (cap - o->len < n) {
		if (cap > SIZE_MAX / 2)
			return false;
		cap *= 2;
	}
	char *m = realloc(o->mem, cap);
	if (!m)
		return false;
	o->mem = o->out = m;
	o->mem_cap = o->cap = cap;
	return true;
}

void json_out_raw_slow(json_out *o, const char *s, size_t n)
{
	if (!o->f) {
		if (!mem_room(o, n)) { /* out of memory: the bytes are lost and the output says it failed */
			o->failed = true;
			return;
		}
		memcpy(o->out + o->len, s, n);
		o->len += n;
		return;
	}
	json_out_flush(o);
	if (n > JSON_OUT_BUF) { /* larger than the buffer: straight through */
		if (fwrite(s, 1, n, o->f) != n)
			o->failed = true;
		o->flushed += n;
		return;
	}
	memcpy(o->own, s, n);
	o->len = n;
}

void json_out_lit(json_out *o, const char *s)
{
	json_out_raw(o, s, strlen(s));
}

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0 when it is not valid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
	if (c > 0xF4 || len == 0 || len > n)
		return 0;
	for (size_t i = 1; i < len; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] >= 0xA0) || (c == 0xF0 && s[1] < 0x90) ||
	    (c == 0xF4 && s[1] >= 0x90))
		return 0; /* overlong, surrogate, or past U+10FFFF */
	return len;
}

/* True for a byte copied as it is: printable ASCII but '"' and '\\'. */
static inline bool plain_byte(unsigned c)
{
	return c - 0x20u < 0x60u && c != '"' && c != '\\';
}

/*
 * True when all 8 bytes of x are plain_byte: none from 0x80 up, none below 0x20 (a borrow reaches the high bit of
 * such a byte), none equal to '"' or '\\' (a zero byte of x ^ that byte, found the same way). Each test is
 * exact as a yes/no for the whole word, which is all that is asked of it.
 */
static inline bool plain_word(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
	uint64_t below = (x - 0x20 * ones) & ~x;
	uint64_t q = x ^ ('"' * ones), b = x ^ ('\\' * ones);
	uint64_t quote = (q - ones) & ~q, bslash = (b - ones) & ~b;
	return !((x | below | quote | bslash) & high);
}

/* The escaped characters of a string, without its quotes; control characters as \u00XX with the digits of hex. */
static void json_out_strn_body(json_out *o, const char *str, size_t n, const char *hex)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t run = 0;
	for (size_t i = 0; i < n;) {
		for (uint64_t x; n - i >= 8 && (memcpy(&x, s + i, 8), plain_word(x));) { /* 8 plain bytes at a time */
			i += 8;
			run += 8;
		}
		if (i >= n)
			break;
		unsigned c = s[i];
		if (plain_byte(c)) {
			i++;
			run++;
			continue;
		}
		if (c >= 0x80) {
			size_t len = utf8_seq(s + i, n - i);
			if (len) {
				i += len;
				run += len;
				continue;
			}
		}
		json_out_raw(o, (const char *)s + i - run, run);
		run = 0;
		char esc[8];
		size_t el = 2;
		esc[0] = '\\';
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		default:
			if (c < 0x20) { /* control character: \u00XX as jansson writes it */
				memcpy(esc, "\\u00", 4);
				esc[4] = hex[c >> 4];
				esc[5] = hex[c & 15];
				el = 6;
			} else { /* invalid UTF-8 byte: shown as the text \xNN, never dropped */
				memcpy(esc, "\\\\x", 3);
				esc[3] = "0123456789ABCDEF"[c >> 4];
				esc[4] = "0123456789ABCDEF"[c & 15];
				el = 5;
			}
		}
		json_out_raw(o, esc, el);
		i++;
	}
	json_out_raw(o, (const char *)s + n - run, run);
}

void json_out_strn(json_out *o, const char *str, size_t n)
{
	json_out_raw(o, "\"", 1);
	json_out_strn_body(o, str, n, "0123456789abcdef");
	json_out_raw(o, "\"", 1);
}

void json_out_str(json_out *o, const char *s)
{
	if (!s)
		json_out_raw(o, "null", 4);
	else
		json_out_strn(o, s, strlen(s));
}

#define JANSSON_HEX "0123456789ABCDEF"

void json_out_jstr(json_out *o, const char *s)
{
	if (!s) {
		json_out_raw(o, "null", 4);
		return;
	}
	const unsigned char *u = (const unsigned char *)s;
	size_t n = 0;
	while (plain_byte(u[n])) /* most strings: printable ASCII only, written as they are (NUL ends the run) */
		n++;
	if (!u[n]) {
		json_out_raw(o, "\"", 1);
		json_out_raw(o, s, n);
		json_out_raw(o, "\"", 1);
		return;
	}
	n += strlen(s + n);
	bool valid = true;
	for (size_t i = 0; i < n && valid;) {
		if (u[i] < 0x80) {
			i++;
			continue;
		}
		size_t len = utf8_seq(u + i, n - i);
		valid = len != 0;
		i += len;
	}
	json_out_raw(o, "\"", 1);
	if (valid) { /* jansson writes control characters as \u00XX in capitals */
		json_out_strn_body(o, s, n, JANSSON_HEX);
		json_out_raw(o, "\"", 1);
		return;
	}
	/* jstr's fallback: each byte from 0x80 as the four characters \xNN, the rest escaped as usual */
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		if (u[i] >= 0x80) {
			if (run)
				json_out_strn_body(o, s + i - run, run, JANSSON_HEX);
			run = 0;
			char esc[5] = {'\\', '\\', 'x', "0123456789ABCDEF"[u[i] >> 4], "0123456789ABCDEF"[u[i] & 15]};
			json_out_raw(o, esc, 5);
		} else {
			run++;
		}
	}
	if (run)
		json_out_strn_body(o, s + n - run, run, JANSSON_HEX);
	json_out_raw(o, "\"", 1);
}

void json_out_i64(json_out *o, int64_t v)
{
	if (v < 0) {
		json_out_raw(o, "-", 1);
		json_out_u64(o, (uint64_t)0 - (uint64_t)v);
	} else {
		json_out_u64(o, (uint64_t)v);
	}
}

void json_out_u64(json_out *o, uint64_t v)
{
	char tmp[24];
	size_t i = sizeof(tmp);
	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	json_out_raw(o, tmp + i, sizeof(tmp) - i);
}

/* Appends v when has, else null. */
void json_out_u64_or_null(json_out *o, bool has, uint64_t v)
{
	if (has)
		json_out_u64(o, v);
	else
		json_out_const(o, "null");
}

/* Appends v when has, else null. */
void json_out_i64_or_null(json_out *o, bool has, int64_t v)
{
	if (has)
		json_out_i64(o, v);
	else
		json_out_const(o, "null");
}

/* Appends prefix and v as 8 hex digits (upper or lower case) as a JSON string. */
void json_out_hex32(json_out *o, uint32_t v, const char *prefix, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char buf[8];
	for (int i = 7; i >= 0; i--, v >>= 4)
		buf[i] = digits[v & 15];
	json_out_const(o, "\"");
	json_out_lit(o, prefix);
	json_out_raw(o, buf, sizeof(buf));
	json_out_const(o, "\"");
}

/* json_out_hex32 when has, else null. */
void json_out_hex32_or_null(json_out *o, bool has, uint32_t v, const char *prefix, bool upper)
{
	if (has)
		json_out_hex32(o, v, prefix, upper);
	else
		json_out_const(o, "null");
}

/* Writes n as exactly `digits` decimal digits (zero-padded) at p. */
static void put_digits(char *p, uint64_t n, int digits)
{
	for (int i = digits - 1; i >= 0; i--) {
		p[i] = (char)('0' + n % 10);
		n /= 10;
	}
}

size_t json_out_format_filetime(uint64_t ft, char *buf)
{
	uint64_t secs = ft / 10000000u, frac = ft % 10000000u;
	int64_t z = (int64_t)(secs / 86400) - FILETIME_DAYS_TO_1970;
	uint64_t tod = secs % 86400;
	/* proleptic Gregorian date from days since 1970-01-01 (era arithmetic over 400-year cycles) */
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	uint64_t doe = (uint64_t)(z - era * 146097);
	uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	uint64_t mp = (5 * doy + 2) / 153;
	uint64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
	int64_t y = (int64_t)yoe + era * 400 + (m <= 2);
	size_t n = 0;
	if (y > 9999) { /* FILETIME reaches year 60056: keep every digit rather than wrap */
		n = (size_t)snprintf(buf, 8, "%lld", (long long)y);
	} else {
		put_digits(buf, (uint64_t)y, 4);
		n = 4;
	}
	buf[n++] = '-';
	put_digits(buf + n, m, 2);
	buf[n + 2] = '-';
	put_digits(buf + n + 3, d, 2);
	buf[n + 5] = 'T';
	put_digits(buf + n + 6, tod / 3600, 2);
	buf[n + 8] = ':';
	put_digits(buf + n + 9, tod / 60 % 60, 2);
	buf[n + 11] = ':';
	put_digits(buf + n + 12, tod % 60, 2);
	buf[n + 14] = '.';
	put_digits(buf + n + 15, frac, 7);
	buf[n + 22] = 'Z';
	buf[n + 23] = '\0';
	return n + 23;
}

void json_out_filetime(json_out *o, uint64_t ft)
{
	char buf[48];
	if (ft == 0) {
		json_out_raw(o, "null", 4);
		return;
	}
	uint64_t secs = ft / 10000000u;
	if (!o->time_head_len || secs != o->time_secs) { /* a new second: the calendar arithmetic once */
		char full[40];
		size_t n = json_out_format_filetime(ft, full);
		o->time_head[0] = '"';
		memcpy(o->time_head + 1, full, n - 8); /* up to and including the '.' */
		o->time_head_len = n - 7;
		o->time_secs = secs;
	}
	memcpy(buf, o->time_head, o->time_head_len);
	char *p = buf + o->time_head_len;
	uint64_t frac = ft % 10000000u;
	for (int i = 6; i >= 0; i--) {
		p[i] = (char)('0' + frac % 10);
		frac /= 10;
	}
	p[7] = 'Z';
	p[8] = '"';
	json_out_raw(o, buf, o->time_head_len + 9);
}

int json_out_jansson_cb(const char *buffer, size_t size, void *data)
{
	json_out_raw(data, buffer, size);
	return 0;
}
