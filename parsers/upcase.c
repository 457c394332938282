/* SPDX-License-Identifier: Apache-2.0 */
/* $UpCase: loading a volume's table and NTFS's case-insensitive comparison (the default table is in
 * upcase_table.c, generated). */
#include "upcase.h"

#include "le.h"

/* Copies a volume's own table: names on that volume collate by it, not by ours. */
ntfs_status ntfs_upcase_load(const uint8_t *buf, size_t len, ntfs_upcase *out, ntfs_error *err)
{
	if (out == NULL)
		return ntfs_error_set(err, NTFS_E_INVALID, "ntfs_upcase_load: no output table");
	if (buf == NULL || len < NTFS_UPCASE_BYTES)
		return ntfs_error_set(err, NTFS_E_TRUNCATED, "$UpCase is %zu bytes, expected %u", buf ? len : 0,
				      (unsigned)NTFS_UPCASE_BYTES);
	/* A longer $DATA (allocated size, slack) is fine: only the first 65536 entries mean anything. */
	for (size_t c = 0; c < NTFS_UPCASE_ENTRIES; c++)
		out->map[c] = le16(buf + 2 * c);
	ntfs_error_clear(err);
	return NTFS_OK;
}

/* NTFS name equality/ordering (index collation): upcase both sides unit by unit. */
int ntfs_upcase_compare(const ntfs_upcase *uc, const uint16_t *a, size_t alen, const uint16_t *b, size_t blen)
{
	size_t n = alen < blen ? alen : blen;

	/* Lexicographic on upcased units (NTFS collation for file names), then the shorter first. */
	for (size_t i = 0; i < n; i++) {
		uint16_t x = uc->map[a[i]], y = uc->map[b[i]];
		if (x != y)
			return x < y ? -1 : 1;
	}
	if (alen != blen)
		return alen < blen ? -1 : 1;
	return 0;
}
