/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"
#include "vss_header.h"

#include <string.h>
#include "le.h"

/* {3808876b-c176-4e48-b7ae-04046e6cc752} as stored (GUID, little-endian fields). */
static const uint8_t vss_identifier[16] = {0x6b, 0x87, 0x08, 0x38, 0x76, 0xc1, 0x48, 0x4e,
					   0xb7, 0xae, 0x04, 0x04, 0x6e, 0x6c, 0xc7, 0x52};

ntfs_status vss_header_decode(const uint8_t *buf, size_t len, vss_header *out, ntfs_error *err)
{
	memset(out, 0, sizeof(*out));
	if (!buf || len < VSS_HEADER_SIZE)
		return ntfs_error_set(err, NTFS_E_INVALID, "VSS header: %zu bytes, need %u", len, VSS_HEADER_SIZE);
	if (memcmp(buf, vss_identifier, sizeof(vss_identifier)) != 0)
		return ntfs_error_set(err, NTFS_E_SIGNATURE, "VSS header: no VSS identifier");
	out->version = le32(buf + 16);
	out->record_type = le32(buf + 20);
	if (out->record_type != 1)
		return ntfs_error_set(err, NTFS_E_INVALID, "VSS header: record type %u, expected 1", out->record_type);
	out->catalog_offset = le64(buf + 48);
	out->maximum_size = le64(buf + 56);
	return NTFS_OK;
}

ntfs_status vss_block_header_decode(const uint8_t *buf, size_t len, vss_block_header *out, ntfs_error *err)
{
	memset(out, 0, sizeof(*out));
	if (!buf || len < VSS_BLOCK_HEADER_SIZE)
		return ntfs_error_set(err, NTFS_E_TRUNCATED, "VSS block header: %zu bytes, need %u", len, VSS_BLOCK_HEADER_SIZE);
	if (memcmp(buf, vss_identifier, sizeof(vss_identifier)) != 0)
		return ntfs_error_set(err, NTFS_E_SIGNATURE, "VSS block header: no VSS identifier");
	out->record_type = le32(buf + 20);
	out->current_offset = le64(buf + 32);
	out->next_offset = le64(buf + 40);
	return NTFS_OK;
}

ntfs_status vss_catalog_entry_decode(const uint8_t *buf, size_t len, vss_catalog_entry *out, ntfs_error *err)
{
	memset(out, 0, sizeof(*out));
	if (!buf || len < VSS_CATALOG_ENTRY_SIZE)
		return ntfs_error_set(err, NTFS_E_TRUNCATED, "VSS catalog entry: %zu bytes, need %u", len, VSS_CATALOG_ENTRY_SIZE);
	out->type = le64(buf);
	if (out->type == 3) {
		out->block_list_offset = le64(buf + 8);
		out->header_offset = le64(buf + 32);
		out->range_list_offset = le64(buf + 40);
	}
	return NTFS_OK;
}
