/* SPDX-License-Identifier: Apache-2.0 */
/* The report's JSON emitter: times, escaping, and the buffer, against known answers. */
#include "config.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "json_out.h"

/* Runs one emitter call into memory and returns what it wrote (caller frees). */
static char *emitted(void (*fn)(json_out *, const void *), const void *arg)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	json_out *o = malloc(sizeof(*o));
	json_out_init(o, f);
	fn(o, arg);
	cr_assert_eq(json_out_flush(o), 0);
	fclose(f);
	free(o);
	return text;
}

/* Writes the FILETIMEs of a 0-terminated array, comma-separated. */
static void times(json_out *o, const void *arg)
{
	for (const uint64_t *t = arg; *t; t++) {
		json_out_filetime(o, *t);
		json_out_const(o, ",");
	}
}

/* Writes one string with escapes. */
static void str(json_out *o, const void *arg)
{
	json_out_str(o, arg);
}

Test(json_out, filetime_known_dates)
{
	char buf[40];
	json_out_format_filetime(134116992001234567ULL, buf); /* 2026-01-01T00:00:00 + 0.1234567 s */
	cr_assert_str_eq(buf, "2026-01-01T00:00:00.1234567Z");
	json_out_format_filetime(125962560000000000ULL, buf); /* 2000-02-29, a leap day */
	cr_assert_str_eq(buf, "2000-02-29T00:00:00.0000000Z");
	json_out_format_filetime(2650467743990000000ULL, buf); /* the last second of 9999 */
	cr_assert_str_eq(buf, "9999-12-31T23:59:59.0000000Z");
	json_out_format_filetime(1, buf);
	cr_assert_str_eq(buf, "1601-01-01T00:00:00.0000001Z");
}

Test(json_out, filetime_reuses_the_second_but_not_the_fraction)
{
	const uint64_t t[] = {134116992001234567ULL, 134116992009999999ULL, 134116992010000000ULL, 0};
	char *s = emitted(times, t);
	cr_assert_str_eq(s, "\"2026-01-01T00:00:00.1234567Z\",\"2026-01-01T00:00:00.9999999Z\","
			    "\"2026-01-01T00:00:01.0000000Z\",");
	free(s);
}

Test(json_out, strings_escape_like_jansson)
{
	char *s = emitted(str, "a\"b\\c\n\x01/é😀");
	cr_assert_str_eq(s, "\"a\\\"b\\\\c\\n\\u0001/é😀\"");
	free(s);
	s = emitted(str, "bad\xff\xc3"); /* invalid UTF-8 stays visible as \xNN text */
	cr_assert_str_eq(s, "\"bad\\\\xFF\\\\xC3\"");
	free(s);
	s = emitted(str, NULL);
	cr_assert_str_eq(s, "null");
	free(s);
}

/* One string of known length (a struct, so strings with NUL bytes can be written). */
typedef struct {
	const char *s;
	size_t n;
} strn_arg;

static void strn(json_out *o, const void *arg)
{
	const strn_arg *a = arg;
	json_out_strn(o, a->s, a->n);
}

/* What json_out_strn writes for byte b alone among printable ASCII, written down from the escaping rules. */
static void escaped_byte(unsigned b, char *out)
{
	static const char *const named[] = {['"'] = "\\\"", ['\\'] = "\\\\", ['\n'] = "\\n", ['\r'] = "\\r",
					    ['\t'] = "\\t", ['\b'] = "\\b", ['\f'] = "\\f"};
	if (b < sizeof(named) / sizeof(named[0]) && named[b])
		strcpy(out, named[b]);
	else if (b < 0x20)
		sprintf(out, "\\u%04x", b);
	else if (b >= 0x80) /* a lone byte from 0x80 up is never valid UTF-8 */
		sprintf(out, "\\\\x%02X", b);
	else
		sprintf(out, "%c", (char)b);
}

/* Every byte value at every place of strings 1-40 bytes long: the 8-bytes-at-a-time scan of plain runs stops at
 * exactly the bytes the one-byte rules escape, wherever they fall in a word, and copies the rest as it is. */
Test(json_out, strings_escape_every_byte_at_every_offset)
{
	char in[64], want[128], esc[16];
	for (size_t len = 1; len <= 40; len++)
		for (size_t at = 0; at < len; at++)
			for (unsigned b = 0; b < 256; b++) {
				for (size_t i = 0; i < len; i++)
					in[i] = (char)('A' + (i * 7 + len) % 26); /* plain letters around the byte */
				in[at] = (char)b;
				escaped_byte(b, esc);
				snprintf(want, sizeof(want), "\"%.*s%s%.*s\"", (int)at, in, esc, (int)(len - at - 1), in + at + 1);
				strn_arg a = {in, len};
				char *s = emitted(strn, &a);
				cr_assert_str_eq(s, want, "byte 0x%02x at %zu of %zu", b, at, len);
				free(s);
			}
	/* a valid two-byte sequence across a word boundary stays as it is */
	strn_arg a = {"abcdefg\xc3\xa9hijklmnop", 18};
	char *s = emitted(strn, &a);
	cr_assert_str_eq(s, "\"abcdefg\xc3\xa9hijklmnop\"");
	free(s);
}

/* Writes more than the buffer holds, in pieces. */
static void big(json_out *o, const void *arg)
{
	(void)arg;
	for (int i = 0; i < 100000; i++)
		json_out_const(o, "0123456789");
}

Test(json_out, output_larger_than_the_buffer_arrives_whole)
{
	char *s = emitted(big, NULL);
	cr_assert_eq(strlen(s), 1000000);
	cr_assert(strncmp(s + 999990, "0123456789", 10) == 0);
	free(s);
}

/* In memory: short and long appends (past the buffer's size and the memory's, which doubles) arrive whole and in
 * order; json_out_mem_reset empties it for the next round while json_out_tell keeps counting. */
Test(json_out, memory_output_arrives_whole_and_resets)
{
	static char chunk[200000];
	for (size_t i = 0; i < sizeof(chunk); i++)
		chunk[i] = (char)('a' + i % 26);
	json_out *o = malloc(sizeof(*o));
	json_out_init_mem(o);
	uint64_t told = 0;
	for (int round = 0; round < 3; round++) {
		size_t want = 0;
		for (int k = 0; k < 2000; k++) { /* 10 bytes at a time: through the inline path */
			json_out_const(o, "0123456789");
			want += 10;
		}
		json_out_raw(o, chunk, sizeof(chunk)); /* larger than JSON_OUT_BUF and than the memory so far */
		want += sizeof(chunk);
		json_out_u64(o, 42);
		want += 2;
		cr_assert_eq(json_out_flush(o), 0);
		cr_assert_eq(o->mem_len, want, "round %d", round);
		cr_assert(strncmp(o->mem, "0123456789", 10) == 0);
		cr_assert(strncmp(o->mem + 19990, "0123456789", 10) == 0);
		cr_assert(memcmp(o->mem + 20000, chunk, sizeof(chunk)) == 0);
		cr_assert(strncmp(o->mem + want - 2, "42", 2) == 0);
		told += want;
		cr_assert_eq(json_out_tell(o), told);
		json_out_mem_reset(o);
		cr_assert_eq(o->mem_len, 0);
		cr_assert_eq(json_out_tell(o), told, "a reset drops the bytes, not the count");
	}
	json_out_mem_free(o);
	free(o);
}

/* Writes one string as the tree writers' jstr did. */
static void jstr_out(json_out *o, const void *arg)
{
	json_out_jstr(o, arg);
}

/* What jansson wrote for s through report.c's old jstr: json_string, or its \xNN fallback for invalid UTF-8. */
static char *jansson_jstr(const char *s)
{
	json_t *j = json_string(s);
	if (!j) {
		char *buf = malloc(strlen(s) * 4 + 1), *w = buf;
		for (const unsigned char *c = (const unsigned char *)s; *c; c++)
			w += *c < 0x80 ? (*w = (char)*c, 1) : sprintf(w, "\\x%02X", *c);
		*w = '\0';
		j = json_string(buf);
		free(buf);
	}
	char *d = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(j);
	return d;
}

Test(json_out, jstr_writes_what_jansson_wrote)
{
	/* valid UTF-8 with every kind of escape (jansson's \u00XX in capitals), and invalid strings whose valid
	 * sequences become \xNN text too, as the fallback made them */
	const char *cases[] = {"plain", "a\"b\\c\n\r\t\b\f\x01\x1f\x7f/é😀", "bad\xff\xc3", "mixé\xff\x1e\"",
			       "\xed\xa0\x80 surrogate", "\xc0\xaf overlong", "", "\xf4\x90\x80\x80 past U+10FFFF"};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = emitted(jstr_out, cases[i]), *want = jansson_jstr(cases[i]);
		cr_assert_str_eq(got, want, "case %zu", i);
		free(got);
		free(want);
	}
	char *s = emitted(jstr_out, NULL);
	cr_assert_str_eq(s, "null");
	free(s);
}

/* Writes the signed integers of a list ending in INT64_MAX, comma-separated. */
static void ints(json_out *o, const void *arg)
{
	for (const int64_t *v = arg;; v++) {
		json_out_i64(o, *v);
		if (*v == INT64_MAX)
			break;
		json_out_const(o, ",");
	}
}

Test(json_out, signed_integers)
{
	const int64_t v[] = {0, -1, 42, INT64_MIN, INT64_MAX};
	char *s = emitted(ints, v);
	cr_assert_str_eq(s, "0,-1,42,-9223372036854775808,9223372036854775807");
	free(s);
}

/* Writes the optional-value helpers' cases, comma-separated. */
static void optionals(json_out *o, const void *arg)
{
	(void)arg;
	json_out_hex32(o, 0xa000000cu, "0x", false);
	json_out_const(o, ",");
	json_out_hex32(o, 0x1bu, "", true);
	json_out_const(o, ",");
	json_out_hex32_or_null(o, false, 0x1bu, "0x", false);
	json_out_const(o, ",");
	json_out_hex32_or_null(o, true, 0xffffffffu, "", false);
	json_out_const(o, ",");
	json_out_u64_or_null(o, true, 18446744073709551615ULL);
	json_out_const(o, ",");
	json_out_u64_or_null(o, false, 5);
	json_out_const(o, ",");
	json_out_i64_or_null(o, true, -9223372036854775807LL - 1);
	json_out_const(o, ",");
	json_out_i64_or_null(o, false, -1);
}

Test(json_out, optional_values_and_hex)
{
	char *s = emitted(optionals, NULL);
	cr_assert_str_eq(s, "\"0xa000000c\",\"0000001B\",null,\"ffffffff\",18446744073709551615,null,"
			    "-9223372036854775808,null");
	free(s);
}
