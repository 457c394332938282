/* SPDX-License-Identifier: Apache-2.0 */
/* LZNT1 decompression of one NTFS compression unit: chunk headers, flag groups, position-dependent splits. */
#include "lznt1.h"

#include <stdbool.h>
#include <string.h>

#include "le.h"

#define CHUNK_SIZE_MASK 0x0FFFu
#define CHUNK_COMPRESSED 0x8000u

/* Bits of a back-reference token that hold the length, given the bytes already written in the chunk. */
static unsigned length_bits(size_t written)
{
	unsigned bits = 12;
	for (size_t i = written - 1; i >= 0x10; i >>= 1)
		bits--;
	return bits;
}

/*
 * Decodes one compressed chunk's body src[0, len) into dst[0, cap): *got gets the bytes written.
 * chunk_at is the chunk's byte offset in the input, for messages.
 */
static ntfs_status decode_chunk(const uint8_t *src, size_t len, uint8_t *dst, size_t cap, size_t *got,
				size_t chunk_at, ntfs_error *err)
{
	size_t pos = 0, w = 0;
	while (pos < len) {
		uint8_t flags = src[pos++];
		for (int bit = 0; bit < 8 && pos < len; bit++, flags >>= 1) {
			if (!(flags & 1)) {
				if (w >= cap)
					return ntfs_error_set(err, NTFS_E_RANGE,
							      "LZNT1 chunk at byte %zu gives more than %zu bytes", chunk_at, cap);
				dst[w++] = src[pos++];
				continue;
			}
			if (!le_in_bounds(len, pos, 2))
				return ntfs_error_set(err, NTFS_E_TRUNCATED,
						      "LZNT1 chunk at byte %zu ends inside a back-reference", chunk_at);
			if (w == 0)
				return ntfs_error_set(err, NTFS_E_INVALID,
						      "LZNT1 chunk at byte %zu starts with a back-reference", chunk_at);
			uint16_t tok = le16(src + pos);
			pos += 2;
			unsigned lb = length_bits(w);
			size_t back = (size_t)(tok >> lb) + 1, n = (size_t)(tok & (0xFFFFu >> (16 - lb))) + 3;
			if (back > w)
				return ntfs_error_set(err, NTFS_E_INVALID,
						      "LZNT1 chunk at byte %zu: back-reference %zu bytes back from output byte %zu",
						      chunk_at, back, w);
			if (n > cap - w)
				return ntfs_error_set(err, NTFS_E_RANGE,
						      "LZNT1 chunk at byte %zu gives more than %zu bytes", chunk_at, cap);
			for (size_t i = 0; i < n; i++, w++) /* byte by byte: the copy may overlap what it writes */
				dst[w] = dst[w - back];
		}
	}
	*got = w;
	return NTFS_OK;
}

ntfs_status ntfs_lznt1_decompress(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len, size_t *produced,
				  ntfs_error *err)
{
	size_t ip = 0, op = 0, gave = 0;
	ntfs_status st = NTFS_OK;
	while (op < out_len && le_in_bounds(in_len, ip, 2)) {
		uint16_t hdr = le16(in + ip);
		if (hdr == 0)
			break;
		size_t total = (size_t)(hdr & CHUNK_SIZE_MASK) + 3, body = total - 2;
		size_t cap = out_len - op < NTFS_LZNT1_CHUNK ? out_len - op : NTFS_LZNT1_CHUNK;
		if (!le_in_bounds(in_len, ip, total)) {
			st = ntfs_error_set(err, NTFS_E_TRUNCATED, "LZNT1 chunk at byte %zu needs %zu bytes, %zu left", ip,
					    total, in_len - ip);
			break;
		}
		size_t got = 0;
		if (hdr & CHUNK_COMPRESSED) {
			st = decode_chunk(in + ip + 2, body, out + op, cap, &got, ip, err);
		} else if (body == cap || (body < cap && op + body == out_len)) {
			memcpy(out + op, in + ip + 2, body);
			got = body;
		} else {
			st = ntfs_error_set(err, NTFS_E_INVALID, "LZNT1 raw chunk at byte %zu holds %zu bytes (4096 expected)",
					    ip, body);
		}
		if (st != NTFS_OK)
			break;
		gave = op + got;
		memset(out + op + got, 0, cap - got); /* a short chunk still stands for 4096 bytes */
		op += cap;
		ip += total;
	}
	/* chunks past out_len are not read: the unit's output size rules, as when Windows reads it */
	if (op < out_len)
		memset(out + op, 0, out_len - op);
	if (produced)
		*produced = gave;
	if (st == NTFS_OK)
		ntfs_error_clear(err);
	return st;
}
