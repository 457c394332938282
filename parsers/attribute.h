/* SPDX-License-Identifier: Apache-2.0 */
/* Attribute headers inside a file record, resident and non-resident, and a safe iterator over them. */
#ifndef NTFSLINKS_ATTRIBUTE_H
#define NTFSLINKS_ATTRIBUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "ntfs_error.h"

enum {
	NTFS_AT_STANDARD_INFORMATION = 0x10,
	NTFS_AT_ATTRIBUTE_LIST = 0x20,
	NTFS_AT_FILE_NAME = 0x30,
	NTFS_AT_OBJECT_ID = 0x40,
	NTFS_AT_SECURITY_DESCRIPTOR = 0x50,
	NTFS_AT_VOLUME_NAME = 0x60,
	NTFS_AT_VOLUME_INFORMATION = 0x70,
	NTFS_AT_DATA = 0x80,
	NTFS_AT_INDEX_ROOT = 0x90,
	NTFS_AT_INDEX_ALLOCATION = 0xA0,
	NTFS_AT_BITMAP = 0xB0,
	NTFS_AT_REPARSE_POINT = 0xC0,
	NTFS_AT_EA_INFORMATION = 0xD0,
	NTFS_AT_EA = 0xE0,
	NTFS_AT_LOGGED_UTILITY_STREAM = 0x100,
	NTFS_AT_END = 0xFFFFFFFF
};

#define NTFS_ATTR_FLAG_COMPRESSED 0x0001
#define NTFS_ATTR_FLAG_ENCRYPTED  0x4000
#define NTFS_ATTR_FLAG_SPARSE     0x8000

typedef struct {
	uint32_t type;
	uint32_t length;              /* whole attribute, header included */
	bool non_resident;
	uint8_t name_length;          /* UTF-16 code units */
	const uint8_t *name;          /* UTF-16LE, points into the record; NULL when unnamed */
	uint16_t flags;               /* NTFS_ATTR_FLAG_* */
	uint16_t id;
	const uint8_t *raw;           /* start of the attribute in the record */
	/* resident */
	const uint8_t *value;         /* points into the record */
	uint32_t value_length;
	/* non-resident */
	uint64_t lowest_vcn;
	uint64_t highest_vcn;
	const uint8_t *runlist;       /* mapping pairs, points into the record */
	size_t runlist_length;        /* bytes from the mapping pairs offset to the attribute's end */
	uint16_t compression_unit;
	uint64_t allocated_size;
	uint64_t data_size;
	uint64_t initialized_size;
	bool has_compressed_size;     /* compressed or sparse first extent with the 0x48-byte header */
	uint64_t compressed_size;     /* clusters actually allocated, in bytes (valid when has_compressed_size) */
} ntfs_attr;

typedef struct {
	const uint8_t *buf;
	size_t len;                   /* bytes of the record to walk: min(bytes_in_use, buffer) */
	size_t pos;
	bool done;
} ntfs_attr_iter;

/* Starts iteration at first_offset (the record header's attrs_offset) within len bytes. */
void ntfs_attr_iter_init(ntfs_attr_iter *it, const uint8_t *rec, size_t len, size_t first_offset);

/*
 * Decodes the next attribute. Returns 1 with *out filled, 0 at the end marker or end of the
 * record, -1 with err set when the next attribute is malformed (zero length, past the record,
 * name or value outside it); iteration stops after 0 or -1.
 */
int ntfs_attr_iter_next(ntfs_attr_iter *it, ntfs_attr *out, ntfs_error *err);

/* Decodes one attribute at buf (len bytes available from there); used by the iterator and tests. */
ntfs_status ntfs_attr_decode(const uint8_t *buf, size_t len, ntfs_attr *out, ntfs_error *err);

/* Name of an attribute type ("$FILE_NAME"), or NULL for an unknown type. */
const char *ntfs_attr_type_name(uint32_t type);

#endif
