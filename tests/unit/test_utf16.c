/* SPDX-License-Identifier: Apache-2.0 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "utf16.h"

/* Builds UTF-16LE bytes from host-order units into out (2 bytes per unit). */
static void to_le(const uint16_t *units, size_t n, uint8_t *out)
{
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = (uint8_t)(units[i] & 0xFF);
		out[2 * i + 1] = (uint8_t)(units[i] >> 8);
	}
}

/* Converts host-order units to a fresh UTF-8 string, checking the length agrees with strlen. */
static char *conv(const uint16_t *units, size_t n)
{
	uint8_t le[256];
	cr_assert_leq(n * 2, sizeof(le));
	to_le(units, n, le);
	char *s = ntfs_utf16_to_utf8_alloc(le, n);
	cr_assert_not_null(s);
	cr_assert_eq(ntfs_utf16_to_utf8(le, n, NULL, 0), strlen(s));
	return s;
}

/* Asserts that units convert to exactly `expect` and that the result converts back to the same units. */
static void check_both_ways(const uint16_t *units, size_t n, const char *expect)
{
	char *s = conv(units, n);
	cr_assert_str_eq(s, expect);

	uint16_t back[128];
	size_t m = ntfs_utf8_to_utf16(s, strlen(s), back, 128);
	cr_assert_eq(m, n, "round trip of \"%s\": %zu units, expected %zu", expect, m, n);
	cr_assert_eq(memcmp(back, units, n * 2), 0, "round trip of \"%s\" differs", expect);
	free(s);
}

Test(utf16, ascii)
{
	const uint16_t u[] = {'a', '.', 't', 'x', 't'};
	check_both_ways(u, 5, "a.txt");
}

Test(utf16, empty)
{
	char buf[4] = "xyz";
	cr_assert_eq(ntfs_utf16_to_utf8((const uint8_t *)"", 0, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "");
	char *s = ntfs_utf16_to_utf8_alloc((const uint8_t *)"", 0);
	cr_assert_str_eq(s, "");
	free(s);
}

Test(utf16, bmp_two_and_three_bytes)
{
	/* e-acute (2 bytes), Cyrillic Zhe (2 bytes), CJK "middle" (3 bytes), U+FFFF (3 bytes) */
	const uint16_t u[] = {0x00E9, 0x0416, 0x4E2D, 0xFFFF};
	check_both_ways(u, 4, "\xC3\xA9\xD0\x96\xE4\xB8\xAD\xEF\xBF\xBF");
}

Test(utf16, surrogate_pair_emoji)
{
	const uint16_t u[] = {'x', 0xD83D, 0xDE00, 'y'}; /* U+1F600 */
	check_both_ways(u, 4, "x\xF0\x9F\x98\x80y");
	const uint16_t maxcp[] = {0xDBFF, 0xDFFF}; /* U+10FFFF */
	check_both_ways(maxcp, 2, "\xF4\x8F\xBF\xBF");
}

Test(utf16, unpaired_high_surrogate_start_middle_end)
{
	const uint16_t start[] = {0xD800, 'a'};
	check_both_ways(start, 2, "\\uD800a");
	const uint16_t mid[] = {'a', 0xDBFF, 'b'};
	check_both_ways(mid, 3, "a\\uDBFFb");
	const uint16_t end[] = {'a', 0xD83D};
	check_both_ways(end, 2, "a\\uD83D");
	const uint16_t two_highs[] = {0xD800, 0xD801, 0xDC00}; /* first is lone, second pairs */
	check_both_ways(two_highs, 3, "\\uD800\xF0\x90\x90\x80");
}

Test(utf16, unpaired_low_surrogate_start_middle_end)
{
	const uint16_t start[] = {0xDC00, 'a'};
	check_both_ways(start, 2, "\\uDC00a");
	const uint16_t mid[] = {'a', 0xDE00, 'b'};
	check_both_ways(mid, 3, "a\\uDE00b");
	const uint16_t end[] = {'a', 0xDFFF};
	check_both_ways(end, 2, "a\\uDFFF");
	const uint16_t reversed[] = {0xDE00, 0xD83D}; /* low then high: both lone */
	check_both_ways(reversed, 2, "\\uDE00\\uD83D");
}

Test(utf16, hex_is_upper_case_four_digits)
{
	const uint16_t u[] = {0xDABC};
	check_both_ways(u, 1, "\\uDABC");
}

Test(utf16, nul_unit_is_escaped)
{
	const uint16_t u[] = {'a', 0, 'b'};
	check_both_ways(u, 3, "a\\u0000b");
}

Test(utf16, capacity_like_snprintf)
{
	const uint16_t u[] = {'a', 'b', 'c', 'd'};
	uint8_t le[8];
	char buf[8];
	to_le(u, 4, le);

	memset(buf, 'X', sizeof(buf));
	cr_assert_eq(ntfs_utf16_to_utf8(le, 4, buf, 3), 4);
	cr_assert_str_eq(buf, "ab");
	cr_assert_eq(buf[3], 'X', "wrote past cap");

	memset(buf, 'X', sizeof(buf));
	cr_assert_eq(ntfs_utf16_to_utf8(le, 4, buf, 1), 4);
	cr_assert_eq(buf[0], '\0');
	cr_assert_eq(buf[1], 'X');

	memset(buf, 'X', sizeof(buf));
	cr_assert_eq(ntfs_utf16_to_utf8(le, 4, buf, 0), 4);
	cr_assert_eq(buf[0], 'X', "cap 0 must not write");

	cr_assert_eq(ntfs_utf16_to_utf8(le, 4, buf, 5), 4);
	cr_assert_str_eq(buf, "abcd");
}

Test(utf16, truncation_never_splits_a_character)
{
	const uint16_t u[] = {'a', 0x4E2D, 'b'}; /* 1 + 3 + 1 bytes */
	uint8_t le[6];
	char buf[8];
	to_le(u, 3, le);

	cr_assert_eq(ntfs_utf16_to_utf8(le, 3, buf, 4), 5);
	cr_assert_str_eq(buf, "a"); /* the 3-byte char needs 4 bytes of room with the NUL */
	cr_assert_eq(ntfs_utf16_to_utf8(le, 3, buf, 5), 5);
	cr_assert_str_eq(buf, "a\xE4\xB8\xAD");
	/* after a character that did not fit, later ASCII is not written either (output stays a prefix) */
	cr_assert_eq(ntfs_utf16_to_utf8(le, 3, buf, 3), 5);
	cr_assert_str_eq(buf, "a");

	const uint16_t esc[] = {'a', 0xD800};
	to_le(esc, 2, le);
	cr_assert_eq(ntfs_utf16_to_utf8(le, 2, buf, 7), 7);
	cr_assert_str_eq(buf, "a");
}

Test(utf16, utf8_to_utf16_capacity_counts_all)
{
	uint16_t out[2] = {0x1111, 0x1111};
	cr_assert_eq(ntfs_utf8_to_utf16("abc", 3, out, 1), 3);
	cr_assert_eq(out[0], 'a');
	cr_assert_eq(out[1], 0x1111, "wrote past cap");
	cr_assert_eq(ntfs_utf8_to_utf16("\xF0\x9F\x98\x80", 4, NULL, 0), 2);
}

Test(utf16, utf8_invalid_bytes_become_fffd)
{
	uint16_t out[8];
	/* lone continuation byte, C0 overlong lead, truncated 3-byte sequence, then 'z' */
	size_t n = ntfs_utf8_to_utf16("\x80\xC0\xE4\xB8z", 5, out, 8);
	cr_assert_eq(n, 4);
	cr_assert_eq(out[0], 0xFFFD);
	cr_assert_eq(out[1], 0xFFFD);
	cr_assert_eq(out[2], 0xFFFD); /* E4 B8 is one maximal subpart */
	cr_assert_eq(out[3], 'z');
	/* CESU-style encoded surrogate ED A0 80 is rejected, not turned into D800 */
	n = ntfs_utf8_to_utf16("\xED\xA0\x80", 3, out, 8);
	cr_assert_eq(n, 3);
	cr_assert_eq(out[0], 0xFFFD);
	/* overlong 3-byte E0 80 80 and > U+10FFFF F4 90 80 80 */
	n = ntfs_utf8_to_utf16("\xE0\x80\x80", 3, out, 8);
	cr_assert_eq(out[0], 0xFFFD);
	n = ntfs_utf8_to_utf16("\xF4\x90\x80\x80", 4, out, 8);
	cr_assert_eq(out[0], 0xFFFD);
	cr_assert_eq(n, 4);
}

Test(utf16, only_our_escapes_are_decoded)
{
	uint16_t out[16];
	/* \u0041 is not something the encoder emits, so it stays six literal characters */
	size_t n = ntfs_utf8_to_utf16("\\u0041", 6, out, 16);
	cr_assert_eq(n, 6);
	cr_assert_eq(out[0], '\\');
	cr_assert_eq(out[5], '1');
	/* lower-case hex escapes are accepted on input */
	n = ntfs_utf8_to_utf16("\\udc00", 6, out, 16);
	cr_assert_eq(n, 1);
	cr_assert_eq(out[0], 0xDC00);
	/* a short escape at the end is literal */
	n = ntfs_utf8_to_utf16("\\uD80", 5, out, 16);
	cr_assert_eq(n, 5);
	cr_assert_eq(out[4], '0');
}

Test(utf16, every_unit_round_trips)
{
	/* all 65536 single units, each alone: the lone surrogates and NUL through escapes */
	for (uint32_t u = 0; u < 0x10000; u++) {
		uint8_t le[2] = {(uint8_t)u, (uint8_t)(u >> 8)};
		char buf[8];
		size_t n = ntfs_utf16_to_utf8(le, 1, buf, sizeof(buf));
		cr_assert_eq(n, strlen(buf));
		uint16_t back[8];
		cr_assert_eq(ntfs_utf8_to_utf16(buf, n, back, 8), 1, "unit %04X", u);
		cr_assert_eq(back[0], u, "unit %04X came back as %04X", u, back[0]);
	}
}

/* UTF-8 (or escape) text our converter must give for one special unit. */
static const char *special_text(uint16_t u)
{
	switch (u) {
	case 0x00E9: return "\xC3\xA9";
	case 0x0000: return "\\u0000";
	case 0xD800: return "\\uD800";
	case 0x0080: return "\xC2\x80";
	case 0x0100: return "\xC4\x80";
	case 0x007F: return "\x7F";
	case 0x4100: return "\xE4\x84\x80"; /* low byte looks like 'A' */
	}
	return NULL;
}

Test(utf16, ascii_block_path_boundaries)
{
	static const uint16_t specials[] = {0x00E9, 0x0000, 0xD800, 0x0080, 0x0100, 0x007F, 0x4100};
	for (size_t s = 0; s < sizeof(specials) / sizeof(specials[0]); s++) {
		for (size_t len = 1; len <= 13; len++) {
			for (size_t p = 0; p < len; p++) {
				uint16_t u[16];
				char expect[64];
				size_t e = 0;
				for (size_t i = 0; i < len; i++) {
					if (i == p) {
						u[i] = specials[s];
						const char *t = special_text(specials[s]);
						memcpy(expect + e, t, strlen(t));
						e += strlen(t);
					} else {
						u[i] = (uint16_t)('a' + i);
						expect[e++] = (char)('a' + i);
					}
				}
				expect[e] = '\0';
				char *got = conv(u, len);
				cr_assert_str_eq(got, expect, "special %04X at %zu of %zu", specials[s], p, len);
				free(got);
			}
		}
	}
}

Test(utf16, every_capacity_gives_a_whole_character_prefix)
{
	const uint16_t u[] = {'a', 'b', 'c', 'd', 'e', 0x00E9, 'f', 'g', 'h', 'i', 'j', 0xD83D, 0xDE00, 'k', 0xDC00, 'l'};
	const size_t n = sizeof(u) / sizeof(u[0]);
	uint8_t le[64];
	to_le(u, n, le);
	char full[64];
	size_t need = ntfs_utf16_to_utf8(le, n, full, sizeof(full));
	cr_assert_eq(need, strlen(full));
	/* the places a truncated output may end: between characters */
	static const size_t cuts[] = {0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 16, 17, 23, 24};
	for (size_t cap = 1; cap <= need + 1; cap++) {
		char buf[64];
		memset(buf, 'Z', sizeof(buf));
		cr_assert_eq(ntfs_utf16_to_utf8(le, n, buf, cap), need, "cap %zu", cap);
		size_t got = strlen(buf);
		cr_assert_lt(got, cap);
		cr_assert_eq(memcmp(buf, full, got), 0, "cap %zu: not a prefix", cap);
		size_t best = 0;
		for (size_t k = 0; k < sizeof(cuts) / sizeof(cuts[0]); k++)
			if (cuts[k] < cap && cuts[k] > best)
				best = cuts[k];
		cr_assert_eq(got, best, "cap %zu: wrote %zu bytes, the longest whole prefix is %zu", cap, got, best);
		cr_assert_eq(buf[cap], 'Z', "cap %zu: wrote past cap", cap);
	}
}
