/* SPDX-License-Identifier: Apache-2.0 */
/* Builders of hand-made NTFS structures for the parser unit tests (records, attributes, prefixes). */
#ifndef NTFSLINKS_TEST_BUILDER_H
#define NTFSLINKS_TEST_BUILDER_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "le.h"

/* Little-endian writers for test buffers. */
static inline void tb_put32(uint8_t *p, uint32_t v)
{
	le16_put(p, (uint16_t)v);
	le16_put(p + 2, (uint16_t)(v >> 16));
}

static inline void tb_put64(uint8_t *p, uint64_t v)
{
	tb_put32(p, (uint32_t)v);
	tb_put32(p + 4, (uint32_t)(v >> 32));
}

/* Rounds up to the 8-byte alignment NTFS uses for attributes. */
static inline size_t tb_align8(size_t v)
{
	return (v + 7) & ~(size_t)7;
}

/* Writes an ASCII string as UTF-16LE; returns its length in code units. */
static inline uint8_t tb_utf16(uint8_t *p, const char *s)
{
	size_t i, n = strlen(s);
	for (i = 0; i < n; i++)
		le16_put(p + 2 * i, (uint8_t)s[i]);
	return (uint8_t)n;
}

/* Writes a resident attribute at p; returns its length. */
static inline size_t tb_resident(uint8_t *p, uint32_t type, uint16_t id, const char *name, const uint8_t *value,
				 uint32_t vlen)
{
	uint8_t nlen = name ? tb_utf16(p + 0x18, name) : 0;
	size_t voff = tb_align8(0x18 + 2 * (size_t)nlen), len = tb_align8(voff + vlen);
	tb_put32(p, type);
	tb_put32(p + 4, (uint32_t)len);
	p[8] = 0;
	p[9] = nlen;
	le16_put(p + 0x0A, nlen ? 0x18 : 0);
	le16_put(p + 0x0C, 0);
	le16_put(p + 0x0E, id);
	tb_put32(p + 0x10, vlen);
	le16_put(p + 0x14, (uint16_t)voff);
	p[0x16] = 0;
	p[0x17] = 0;
	memset(p + 0x18 + 2 * (size_t)nlen, 0, voff - 0x18 - 2 * (size_t)nlen);
	memcpy(p + voff, value, vlen);
	memset(p + voff + vlen, 0, len - voff - vlen);
	return len;
}

/* Writes a non-resident attribute at p with the given mapping pairs; returns its length. */
static inline size_t tb_non_resident(uint8_t *p, uint32_t type, uint16_t id, const char *name, uint64_t lowest,
				     uint64_t highest, uint64_t alloc, uint64_t size, const uint8_t *pairs, size_t plen)
{
	uint8_t nlen = name ? tb_utf16(p + 0x40, name) : 0;
	size_t mpoff = tb_align8(0x40 + 2 * (size_t)nlen), len = tb_align8(mpoff + plen);
	memset(p, 0, 0x40);
	tb_put32(p, type);
	tb_put32(p + 4, (uint32_t)len);
	p[8] = 1;
	p[9] = nlen;
	le16_put(p + 0x0A, nlen ? 0x40 : 0);
	le16_put(p + 0x0E, id);
	tb_put64(p + 0x10, lowest);
	tb_put64(p + 0x18, highest);
	le16_put(p + 0x20, (uint16_t)mpoff);
	tb_put64(p + 0x28, alloc);
	tb_put64(p + 0x30, size);
	tb_put64(p + 0x38, size);
	memset(p + 0x40 + 2 * (size_t)nlen, 0, mpoff - 0x40 - 2 * (size_t)nlen);
	memcpy(p + mpoff, pairs, plen);
	memset(p + mpoff + plen, 0, len - mpoff - plen);
	return len;
}

/* A 72-byte $STANDARD_INFORMATION value with recognisable fields. */
#define TB_SI_CREATED 0x01D4D1BD802976D3ULL
static inline void tb_std_info(uint8_t *v)
{
	memset(v, 0, 72);
	tb_put64(v + 0x00, TB_SI_CREATED);
	tb_put64(v + 0x08, TB_SI_CREATED + 1);
	tb_put64(v + 0x10, TB_SI_CREATED + 2);
	tb_put64(v + 0x18, TB_SI_CREATED + 3);
	tb_put32(v + 0x20, 0x26);
	tb_put32(v + 0x2C, 0);
	tb_put32(v + 0x30, 7);
	tb_put32(v + 0x34, 268);
	tb_put64(v + 0x38, 4096);
	tb_put64(v + 0x40, 0x1234);
}

/* A $FILE_NAME value naming `name` under parent_ref; returns its length. */
static inline size_t tb_file_name(uint8_t *v, uint64_t parent_ref, const char *name, uint8_t ns)
{
	memset(v, 0, 0x42);
	tb_put64(v + 0x00, parent_ref);
	tb_put64(v + 0x08, TB_SI_CREATED - 10);
	tb_put64(v + 0x10, TB_SI_CREATED - 11);
	tb_put64(v + 0x18, TB_SI_CREATED - 12);
	tb_put64(v + 0x20, TB_SI_CREATED - 13);
	tb_put64(v + 0x28, 8192);
	tb_put64(v + 0x30, 5000);
	tb_put32(v + 0x38, 0x20);
	tb_put32(v + 0x3C, 0);
	v[0x40] = tb_utf16(v + 0x42, name);
	v[0x41] = ns;
	return 0x42 + 2 * (size_t)v[0x40];
}

/* Where the builder put things in a record. */
typedef struct {
	size_t size;          /* record size (1024 or 4096) */
	size_t attrs;         /* first attribute */
	size_t si, fn, data;  /* attribute offsets */
	size_t end;           /* end marker */
	size_t in_use;        /* bytes in use */
} tb_layout;

/* MFT run of the builder's $DATA: 64 clusters at LCN 21589, then the terminator. */
static inline const uint8_t *tb_data_pairs(size_t *n)
{
	static const uint8_t pairs[] = {0x21, 0x40, 0x55, 0x54, 0x00};
	*n = sizeof(pairs);
	return pairs;
}

/* Builds an unprotected NTFS 3.1 file record (SI, FN "a.txt", non-resident $DATA, end) of size bytes. */
static inline tb_layout tb_record(uint8_t *r, size_t size, uint32_t recno)
{
	tb_layout L;
	uint8_t v[600];
	size_t usa_count = size / 512 + 1, pos, n, plen;
	const uint8_t *pairs = tb_data_pairs(&plen);

	memset(r, 0, size);
	memcpy(r, "FILE", 4);
	le16_put(r + 0x04, 0x30);
	le16_put(r + 0x06, (uint16_t)usa_count);
	tb_put64(r + 0x08, 1069717);
	le16_put(r + 0x10, 7);
	le16_put(r + 0x12, 2);
	L.size = size;
	L.attrs = tb_align8(0x30 + 2 * usa_count);
	le16_put(r + 0x14, (uint16_t)L.attrs);
	le16_put(r + 0x16, 0x0001);
	tb_put32(r + 0x1C, (uint32_t)size);
	tb_put64(r + 0x20, 0);
	le16_put(r + 0x28, 4);
	tb_put32(r + 0x2C, recno);
	le16_put(r + 0x30, 0x0005); /* update sequence number */
	pos = L.attrs;
	L.si = pos;
	tb_std_info(v);
	pos += tb_resident(r + pos, 0x10, 0, NULL, v, 72);
	L.fn = pos;
	n = tb_file_name(v, (5ULL | (5ULL << 48)), "a.txt", 1);
	pos += tb_resident(r + pos, 0x30, 2, NULL, v, (uint32_t)n);
	L.data = pos;
	pos += tb_non_resident(r + pos, 0x80, 3, NULL, 0, 63, 64 * 4096, 64 * 4096 - 100, pairs, plen);
	L.end = pos;
	tb_put32(r + pos, 0xFFFFFFFF);
	L.in_use = pos + 8;
	tb_put32(r + 0x18, (uint32_t)L.in_use);
	return L;
}

/* Protects a record as NTFS writes it: each 512-byte stride's last two bytes go to the USA, replaced by the USN. */
static inline void tb_protect(uint8_t *r, size_t size)
{
	uint16_t usa = le16(r + 0x04), usn = le16(r + usa);
	size_t i;
	for (i = 0; i < size / 512; i++) {
		uint8_t *tail = r + (i + 1) * 512 - 2;
		memcpy(r + usa + 2 + 2 * i, tail, 2);
		le16_put(tail, usn);
	}
}

/* A heap copy of the first n bytes, so AddressSanitizer sees any read past n. */
static inline uint8_t *tb_prefix(const uint8_t *src, size_t n)
{
	uint8_t *p = malloc(n ? n : 1);
	if (p && n)
		memcpy(p, src, n);
	return p;
}

#endif
