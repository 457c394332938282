/* SPDX-License-Identifier: Apache-2.0 */
/* $ATTRIBUTE_LIST entries: where each attribute of a large file lives (base or extension record). */
#ifndef NTFSLINKS_ATTR_LIST_H
#define NTFSLINKS_ATTR_LIST_H

#include <stddef.h>
#include <stdint.h>
#include "ntfs_error.h"

typedef struct {
	uint32_t type;
	uint16_t length;          /* entry length, >= 26, multiple of 8 in practice */
	uint8_t name_length;      /* UTF-16 code units */
	const uint8_t *name;      /* UTF-16LE inside buf, or NULL */
	uint64_t lowest_vcn;
	uint64_t mft_ref;         /* record holding the attribute, with sequence */
	uint16_t attr_id;
} ntfs_attr_list_entry;

/*
 * Decodes the entry at *pos in an attribute list value of len bytes and advances *pos.
 * Returns 1 with *out filled, 0 at the end of the list, -1 with err set on a malformed entry.
 */
int ntfs_attr_list_next(const uint8_t *buf, size_t len, size_t *pos, ntfs_attr_list_entry *out, ntfs_error *err);

#endif
