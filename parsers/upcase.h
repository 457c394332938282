/* SPDX-License-Identifier: Apache-2.0 */
/* The $UpCase table: NTFS's case-insensitive name comparison, per volume. */
#ifndef NTFSLINKS_UPCASE_H
#define NTFSLINKS_UPCASE_H

#include <stddef.h>
#include <stdint.h>
#include "ntfs_error.h"

#define NTFS_UPCASE_ENTRIES 65536
#define NTFS_UPCASE_BYTES (NTFS_UPCASE_ENTRIES * 2)

typedef struct {
	uint16_t map[NTFS_UPCASE_ENTRIES];
} ntfs_upcase;

/* Loads a volume's $UpCase $DATA (131072 bytes of UTF-16LE). */
ntfs_status ntfs_upcase_load(const uint8_t *buf, size_t len, ntfs_upcase *out, ntfs_error *err);

/* Fills the table Windows writes when formatting (used for an extracted $MFT with no volume). */
void ntfs_upcase_default(ntfs_upcase *out);

/* Upper-cases one UTF-16 code unit. */
static inline uint16_t ntfs_upcase_char(const ntfs_upcase *uc, uint16_t c)
{
	return uc->map[c];
}

/* Compares two UTF-16 strings (host-order units) case-insensitively: <0, 0, >0 like memcmp. */
int ntfs_upcase_compare(const ntfs_upcase *uc, const uint16_t *a, size_t alen, const uint16_t *b, size_t blen);

#endif
