/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the LZNT1 decoder: Microsoft's own example, a unit ntfs-3g compressed, and every lie a unit can tell. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "lznt1.h"
#include "test_data.h"

/* [MS-XCA] 3.3: 142 bytes (NUL included) compressed by Windows' standard engine into one 59-byte chunk. */
static const uint8_t xca_chunk[] = {
	0x38, 0xb0, 0x88, 0x46, 0x23, 0x20, 0x00, 0x20, 0x47, 0x20, 0x41, 0x00, 0x10, 0xa2, 0x47, 0x01, 0xa0, 0x45, 0x20, 0x44,
	0x00, 0x08, 0x45, 0x01, 0x50, 0x79, 0x00, 0xc0, 0x45, 0x20, 0x05, 0x24, 0x13, 0x88, 0x05, 0xb4, 0x02, 0x4a, 0x44, 0xef,
	0x03, 0x58, 0x02, 0x8c, 0x09, 0x16, 0x01, 0x48, 0x45, 0x00, 0xbe, 0x00, 0x9e, 0x00, 0x04, 0x01, 0x18, 0x90, 0x00};
static const char xca_text[] = "F# F# G A A G F# E D D E F# F# E E F# F# G A A G F# E D D E F# E D D E E F# D E F# G F# D "
			       "E F# G F# E D E A F# F# G A A G F# E D D E F# E D D";

Test(lznt1, microsoft_example_one_chunk)
{
	uint8_t out[4096];
	size_t got = 0;
	ntfs_error e;
	memset(out, 0xAA, sizeof(out));
	cr_assert_eq(ntfs_lznt1_decompress(xca_chunk, sizeof(xca_chunk), out, sizeof(out), &got, &e), NTFS_OK, "%s",
		     e.reason);
	cr_assert_eq(got, sizeof(xca_text)); /* 142: the NUL is part of the data */
	cr_assert_eq(memcmp(out, xca_text, sizeof(xca_text)), 0);
	for (size_t i = sizeof(xca_text); i < sizeof(out); i++) /* the rest of the chunk's 4096 bytes is zeros */
		cr_assert_eq(out[i], 0, "byte %zu", i);
}

Test(lznt1, short_chunk_stands_for_4096_bytes)
{
	/* the example chunk twice: the second one's bytes start at 4096, not at 142 */
	uint8_t in[2 * sizeof(xca_chunk)], out[8192];
	size_t got = 0;
	memcpy(in, xca_chunk, sizeof(xca_chunk));
	memcpy(in + sizeof(xca_chunk), xca_chunk, sizeof(xca_chunk));
	cr_assert_eq(ntfs_lznt1_decompress(in, sizeof(in), out, sizeof(out), &got, NULL), NTFS_OK);
	cr_assert_eq(memcmp(out + 4096, xca_text, sizeof(xca_text)), 0);
	cr_assert_eq(got, 4096 + sizeof(xca_text));
	cr_assert_eq(out[4095], 0);
}

/* The text generator of fixtures/build.sh's content fixture: lines from `first`, as many bytes as cap. */
static size_t fixture_text(char *buf, size_t cap, int first)
{
	size_t n = 0;
	for (int i = first; n < cap; i++) {
		char line[96];
		int k = snprintf(line, sizeof(line), "line %d of some compressible text, the quick brown fox\n", i);
		size_t take = (size_t)k < cap - n ? (size_t)k : cap - n;
		memcpy(buf + n, line, take);
		n += take;
	}
	return n;
}

Test(lznt1, ntfs3g_compression_unit)
{
	/* the first 16-cluster unit of \compressed\text.txt of fixtures/content.raw (ntfs-3g, 4 KiB clusters):
	 * its three stored clusters, 12 KiB, hold the first 64 KiB of the text */
	static uint8_t in[3 * 4096], out[65536];
	static char want[65536];
	ntfs_error e;
	size_t got = 0;
	cr_assert_eq(test_data_load("ntfs3g_text_cu0.lznt1", in, sizeof(in)), sizeof(in));
	fixture_text(want, sizeof(want), 0);
	cr_assert_eq(ntfs_lznt1_decompress(in, sizeof(in), out, sizeof(out), &got, &e), NTFS_OK, "%s", e.reason);
	cr_assert_eq(got, sizeof(out));
	cr_assert_eq(memcmp(out, want, sizeof(want)), 0);
}

Test(lznt1, raw_chunk_and_end_marker)
{
	uint8_t in[2 + 4096 + 2], out[3 * 4096];
	in[0] = 0xFF; /* 4095 + 3 = 4098 bytes, bit 15 clear: 4096 raw bytes, signature 3 */
	in[1] = 0x3F;
	for (int i = 0; i < 4096; i++)
		in[2 + i] = (uint8_t)(i * 7);
	in[4098] = in[4099] = 0; /* end of the unit: the rest is zeros */
	memset(out, 0xAA, sizeof(out));
	size_t got = 0;
	cr_assert_eq(ntfs_lznt1_decompress(in, sizeof(in), out, sizeof(out), &got, NULL), NTFS_OK);
	cr_assert_eq(got, 4096);
	cr_assert_eq(memcmp(out, in + 2, 4096), 0);
	for (size_t i = 4096; i < sizeof(out); i++)
		cr_assert_eq(out[i], 0);
}

Test(lznt1, overlapping_back_reference)
{
	/* "ab" then a reference 2 back of 10 bytes: "abababababab" (the copy reads what it writes).
	 * header: 7 bytes - 3 = 4 → 0xB004; flags 0b100: two literals, then a token. At 2 bytes written the
	 * split is 4 offset bits / 12 length bits: offset 2 → (2-1)<<12, length 10 → 10-3 = 7: 0x1007 */
	const uint8_t fixed[] = {0x04, 0xB0, 0x04, 'a', 'b', 0x07, 0x10};
	uint8_t out[4096];
	size_t got = 0;
	ntfs_error e;
	cr_assert_eq(ntfs_lznt1_decompress(fixed, sizeof(fixed), out, sizeof(out), &got, &e), NTFS_OK, "%s", e.reason);
	cr_assert_eq(got, 12);
	cr_assert_eq(memcmp(out, "abababababab", 12), 0);
}

Test(lznt1, lies_are_errors)
{
	uint8_t out[4096];
	ntfs_error e;
	/* a back-reference 2 bytes back after 1 byte written */
	const uint8_t before_start[] = {0x03, 0xB0, 0x02, 'a', 0x00, 0x10};
	cr_assert_eq(ntfs_lznt1_decompress(before_start, sizeof(before_start), out, sizeof(out), NULL, &e), NTFS_E_INVALID);
	cr_assert(strstr(e.reason, "back"), "%s", e.reason);
	/* a chunk header claiming 4098 bytes in a 10-byte input */
	const uint8_t past_input[] = {0xFF, 0xBF, 0, 'a', 'b', 'c', 'd', 'e', 'f', 'g'};
	cr_assert_eq(ntfs_lznt1_decompress(past_input, sizeof(past_input), out, sizeof(out), NULL, &e), NTFS_E_TRUNCATED);
	/* a raw chunk of 5 bytes: raw chunks hold 4096 */
	const uint8_t short_raw[] = {0x04, 0x30, 'a', 'b', 'c', 'd', 'e'};
	cr_assert_eq(ntfs_lznt1_decompress(short_raw, sizeof(short_raw), out, sizeof(out), NULL, &e), NTFS_E_INVALID);
	/* a reference of 4098 bytes: more than a chunk gives (at 1 byte written: 12 length bits, 0xFFF + 3) */
	const uint8_t too_long[] = {0x03, 0xB0, 0x02, 'a', 0xFF, 0x0F};
	cr_assert_eq(ntfs_lznt1_decompress(too_long, sizeof(too_long), out, sizeof(out), NULL, &e), NTFS_E_RANGE);
	/* a token cut after its first byte */
	const uint8_t cut_token[] = {0x02, 0xB0, 0x02, 'a', 0x00};
	cr_assert_eq(ntfs_lznt1_decompress(cut_token, sizeof(cut_token), out, sizeof(out), NULL, &e), NTFS_E_TRUNCATED);
	/* the output ends before the chunk does: a 100-byte unit gets no more than 100 bytes */
	uint8_t small[100];
	cr_assert_eq(ntfs_lznt1_decompress(xca_chunk, sizeof(xca_chunk), small, sizeof(small), NULL, &e), NTFS_E_RANGE);
}

Test(lznt1, empty_input_is_zeros)
{
	uint8_t out[64];
	size_t got = 7;
	memset(out, 1, sizeof(out));
	cr_assert_eq(ntfs_lznt1_decompress(NULL, 0, out, sizeof(out), &got, NULL), NTFS_OK);
	cr_assert_eq(got, 0);
	for (size_t i = 0; i < sizeof(out); i++)
		cr_assert_eq(out[i], 0);
}
