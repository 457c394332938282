/* SPDX-License-Identifier: Apache-2.0 */
/* GPT header and entries; GUID text in both directions. */
#include "gpt.h"

#include <stdio.h>
#include <string.h>

#include "le.h"

ntfs_status ntfs_gpt_header_decode(const uint8_t *buf, size_t len, ntfs_gpt_header *out, ntfs_error *err)
{
	if (len < 92)
		return ntfs_error_set(err, NTFS_E_TRUNCATED, "GPT header needs 92 bytes, %zu given", len);
	if (memcmp(buf, "EFI PART", 8) != 0)
		return ntfs_error_set(err, NTFS_E_SIGNATURE, "no \"EFI PART\" signature");
	out->entries_lba = le64(buf + 72);
	out->entry_count = le32(buf + 80);
	out->entry_size = le32(buf + 84);
	if (out->entry_size < 128 || out->entry_size > 4096 || out->entry_size % 8)
		return ntfs_error_set(err, NTFS_E_INVALID, "GPT entries of %u bytes (128 to 4096, a multiple of 8)",
				      out->entry_size);
	if (out->entry_count > NTFS_GPT_MAX_ENTRIES)
		return ntfs_error_set(err, NTFS_E_RANGE, "GPT declares %u entries (at most %u are read)", out->entry_count,
				      NTFS_GPT_MAX_ENTRIES);
	return NTFS_OK;
}

ntfs_status ntfs_gpt_entry_decode(const uint8_t *buf, size_t len, ntfs_gpt_entry *out, ntfs_error *err)
{
	if (len < 56)
		return ntfs_error_set(err, NTFS_E_TRUNCATED, "GPT entry needs 56 bytes, %zu given", len);
	memcpy(out->type_guid, buf, 16);
	memcpy(out->unique_guid, buf + 16, 16);
	out->first_lba = le64(buf + 32);
	out->last_lba = le64(buf + 40);
	return NTFS_OK;
}

void ntfs_guid_format(const uint8_t g[16], char out[NTFS_GUID_STRING])
{
	snprintf(out, NTFS_GUID_STRING, "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x", (unsigned)le32(g),
		 (unsigned)le16(g + 4), (unsigned)le16(g + 6), g[8], g[9], g[10], g[11], g[12], g[13], g[14], g[15]);
}

/* Value of one hex digit, -1 when c is none. */
static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int ntfs_guid_parse(const char *s, uint8_t out[16])
{
	uint8_t b[16];
	size_t k = 0;
	for (size_t i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return -1;
			continue;
		}
		int hi = hexval(s[i]), lo = hexval(s[i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		b[k++] = (uint8_t)(hi << 4 | lo);
		i++;
	}
	if (s[36] != '\0' && s[36] != '}')
		return -1;
	/* text order → stored order: the first three fields are little-endian */
	const uint8_t order[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
	for (int i = 0; i < 16; i++)
		out[i] = b[order[i]];
	return 0;
}
