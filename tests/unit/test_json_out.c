/* SPDX-License-Identifier: Apache-2.0 */
/* The report's JSON emitter: times, escaping, and the buffer, against known answers. */
#include "config.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
