/* SPDX-License-Identifier: Apache-2.0 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "upcase.h"

/*
 * SHA-256 of the 131072-byte $UpCase that Windows 10 wrote on all three images in
 * /work/shared/realdata (msuhanov/ntfs-samples, CC0: ntfs-ptrn, ntfs-lastaccess, ntfs-si-vs-fn;
 * extracted with `icat -o 128 IMAGE 10`). mkntfs (ntfs-3g 2022.10.3) writes the identical table.
 */
static const char WIN10_UPCASE_SHA256[] = "41c26bc7a12bdaeb26025c93118697c7e3ef81ee048b00fe5cce2a472e0e0742";

/* A small SHA-256 (FIPS 180-4), enough to fingerprint a 128 KiB table in a test. */
static uint32_t ror(uint32_t x, int n)
{
	return (x >> n) | (x << (32 - n));
}

/* Processes one 64-byte block into the state h. */
static void sha256_block(uint32_t h[8], const uint8_t *p)
{
	static const uint32_t k[64] = {
		0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
		0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
		0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
		0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
		0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
		0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
		0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
		0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};
	uint32_t w[64], a[8];

	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	memcpy(a, h, sizeof(a));
	for (int i = 0; i < 64; i++) {
		uint32_t t1 = a[7] + (ror(a[4], 6) ^ ror(a[4], 11) ^ ror(a[4], 25)) + ((a[4] & a[5]) ^ (~a[4] & a[6])) + k[i] + w[i];
		uint32_t t2 = (ror(a[0], 2) ^ ror(a[0], 13) ^ ror(a[0], 22)) + ((a[0] & a[1]) ^ (a[0] & a[2]) ^ (a[1] & a[2]));
		memmove(a + 1, a, 7 * sizeof(uint32_t));
		a[4] += t1;
		a[0] = t1 + t2;
	}
	for (int i = 0; i < 8; i++)
		h[i] += a[i];
}

/* Hex SHA-256 of data (len a multiple of 64 bytes keeps the padding simple... but handle any). */
static void sha256_hex(const uint8_t *data, size_t len, char out[65])
{
	uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
	uint8_t tail[128] = {0};
	size_t full = len / 64 * 64, rest = len - full;

	for (size_t off = 0; off < full; off += 64)
		sha256_block(h, data + off);
	memcpy(tail, data + full, rest);
	tail[rest] = 0x80;
	size_t tlen = rest + 1 + 8 <= 64 ? 64 : 128;
	uint64_t bits = (uint64_t)len * 8;
	for (int i = 0; i < 8; i++)
		tail[tlen - 1 - i] = (uint8_t)(bits >> (8 * i));
	for (size_t off = 0; off < tlen; off += 64)
		sha256_block(h, tail + off);
	for (int i = 0; i < 8; i++)
		snprintf(out + 8 * i, 9, "%08x", h[i]);
}

/* The table serialised as on disk (UTF-16LE). */
static uint8_t *serialise(const ntfs_upcase *uc)
{
	uint8_t *b = malloc(NTFS_UPCASE_BYTES);
	cr_assert_not_null(b);
	for (size_t c = 0; c < NTFS_UPCASE_ENTRIES; c++) {
		b[2 * c] = (uint8_t)uc->map[c];
		b[2 * c + 1] = (uint8_t)(uc->map[c] >> 8);
	}
	return b;
}

Test(upcase, sha256_self_check)
{
	char hex[65];
	sha256_hex((const uint8_t *)"abc", 3, hex);
	cr_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	sha256_hex((const uint8_t *)"", 0, hex);
	cr_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

Test(upcase, default_table_is_windows10_byte_for_byte)
{
	static ntfs_upcase uc;
	char hex[65];
	ntfs_upcase_default(&uc);
	uint8_t *b = serialise(&uc);
	sha256_hex(b, NTFS_UPCASE_BYTES, hex);
	free(b);
	cr_assert_str_eq(hex, WIN10_UPCASE_SHA256);
}

Test(upcase, default_table_spot_checks)
{
	static ntfs_upcase uc;
	ntfs_upcase_default(&uc);
	cr_assert_eq(ntfs_upcase_char(&uc, 'a'), 'A');
	cr_assert_eq(ntfs_upcase_char(&uc, 'z'), 'Z');
	cr_assert_eq(ntfs_upcase_char(&uc, 'A'), 'A');
	cr_assert_eq(ntfs_upcase_char(&uc, '{'), '{');
	cr_assert_eq(ntfs_upcase_char(&uc, 0x00FF), 0x0178); /* y-diaeresis */
	cr_assert_eq(ntfs_upcase_char(&uc, 0x00DF), 0x00DF); /* sharp s has no single upper case */
	cr_assert_eq(ntfs_upcase_char(&uc, 0x03C3), 0x03A3); /* sigma */
	cr_assert_eq(ntfs_upcase_char(&uc, 0x03C2), 0x03C2); /* final sigma is not folded */
	cr_assert_eq(ntfs_upcase_char(&uc, 0x0450), 0x0400); /* Cyrillic ie-grave */
	cr_assert_eq(ntfs_upcase_char(&uc, 0x0131), 0x0131); /* dotless i stays */
	cr_assert_eq(ntfs_upcase_char(&uc, 0x2D00), 0x10A0); /* Georgian nuskhuri -> asomtavruli */
	cr_assert_eq(ntfs_upcase_char(&uc, 0xFF41), 0xFF21); /* fullwidth a */
	cr_assert_eq(ntfs_upcase_char(&uc, 0xD800), 0xD800);
	cr_assert_eq(ntfs_upcase_char(&uc, 0xFFFF), 0xFFFF);
}

Test(upcase, load_exact_size)
{
	static ntfs_upcase def, loaded;
	ntfs_error e;
	ntfs_upcase_default(&def);
	uint8_t *b = serialise(&def);
	cr_assert_eq(ntfs_upcase_load(b, NTFS_UPCASE_BYTES, &loaded, &e), NTFS_OK);
	cr_assert_eq(memcmp(def.map, loaded.map, sizeof(def.map)), 0);
	free(b);
}

Test(upcase, load_longer_uses_first_131072_bytes)
{
	static ntfs_upcase loaded;
	ntfs_error e;
	uint8_t *b = malloc(NTFS_UPCASE_BYTES + 4096);
	cr_assert_not_null(b);
	for (size_t c = 0; c < NTFS_UPCASE_ENTRIES; c++) {
		b[2 * c] = (uint8_t)(c ^ 0x5A);
		b[2 * c + 1] = (uint8_t)(c >> 8);
	}
	memset(b + NTFS_UPCASE_BYTES, 0xEE, 4096);
	cr_assert_eq(ntfs_upcase_load(b, NTFS_UPCASE_BYTES + 4096, &loaded, &e), NTFS_OK);
	cr_assert_eq(loaded.map[0], 0x5A);
	cr_assert_eq(loaded.map[0x1234], (0x1234 & 0xFF00) | (0x34 ^ 0x5A));
	cr_assert_eq(loaded.map[0xFFFF], 0xFFA5);
	free(b);
}

Test(upcase, load_shorter_is_an_error)
{
	static ntfs_upcase loaded;
	ntfs_error e;
	uint8_t *b = calloc(1, NTFS_UPCASE_BYTES);
	cr_assert_not_null(b);
	cr_assert_eq(ntfs_upcase_load(b, NTFS_UPCASE_BYTES - 2, &loaded, &e), NTFS_E_TRUNCATED);
	cr_assert_str_eq(e.reason, "$UpCase is 131070 bytes, expected 131072");
	cr_assert_eq(ntfs_upcase_load(b, 0, &loaded, &e), NTFS_E_TRUNCATED);
	cr_assert_eq(ntfs_upcase_load(NULL, 131072, &loaded, &e), NTFS_E_TRUNCATED);
	free(b);
}

Test(upcase, compare_case_insensitive_then_length)
{
	static ntfs_upcase uc;
	ntfs_upcase_default(&uc);
	const uint16_t abc[] = {'a', 'b', 'c'}, ABC[] = {'A', 'B', 'C'}, ab[] = {'A', 'b'}, abd[] = {'a', 'b', 'd'};
	const uint16_t sig_lo[] = {0x03C3}, sig_up[] = {0x03A3}, sig_final[] = {0x03C2};
	const uint16_t under[] = {'_'}, lower_a[] = {'a'};

	cr_assert_eq(ntfs_upcase_compare(&uc, abc, 3, ABC, 3), 0);
	cr_assert_lt(ntfs_upcase_compare(&uc, ab, 2, abc, 3), 0, "a prefix sorts first");
	cr_assert_gt(ntfs_upcase_compare(&uc, abc, 3, ab, 2), 0);
	cr_assert_lt(ntfs_upcase_compare(&uc, abc, 3, abd, 3), 0);
	cr_assert_gt(ntfs_upcase_compare(&uc, abd, 3, ABC, 3), 0);
	cr_assert_eq(ntfs_upcase_compare(&uc, sig_lo, 1, sig_up, 1), 0);
	cr_assert_neq(ntfs_upcase_compare(&uc, sig_final, 1, sig_up, 1), 0);
	/* '_' (0x5F) sorts after 'A' (0x41) once 'a' is upcased: comparison is on upcased units */
	cr_assert_gt(ntfs_upcase_compare(&uc, under, 1, lower_a, 1), 0);
	cr_assert_eq(ntfs_upcase_compare(&uc, NULL, 0, NULL, 0), 0);
	cr_assert_lt(ntfs_upcase_compare(&uc, NULL, 0, abc, 3), 0);
}
