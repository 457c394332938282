/* SPDX-License-Identifier: Apache-2.0 */
/* Explicit little-endian readers: NTFS is little-endian on every host, so we never cast packed structs. */
#ifndef NTFSLINKS_LE_H
#define NTFSLINKS_LE_H

#include <stddef.h>
#include <stdint.h>

/* Reads a little-endian uint16 at p (caller has checked bounds). */
static inline uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

/* Reads a little-endian uint32 at p (caller has checked bounds). */
static inline uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

/* Reads a little-endian uint64 at p (caller has checked bounds). */
static inline uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | ((uint64_t)le32(p + 4) << 32);
}

/* Writes a little-endian uint16 (used to rebuild sectors after update-sequence fixups). */
static inline void le16_put(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/* True when [off, off+n) lies inside a buffer of len bytes, without overflow. */
static inline int le_in_bounds(size_t len, size_t off, size_t n)
{
	return off <= len && n <= len - off;
}

/* A 64-bit MFT file reference: low 48 bits record number, high 16 bits sequence. */
static inline uint64_t ntfs_ref_record(uint64_t ref)
{
	return ref & 0x0000FFFFFFFFFFFFULL;
}

/* The sequence number half of a file reference. */
static inline uint16_t ntfs_ref_sequence(uint64_t ref)
{
	return (uint16_t)(ref >> 48);
}

#endif
