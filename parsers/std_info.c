/* SPDX-License-Identifier: Apache-2.0 */
/* $STANDARD_INFORMATION decoder: the 48-byte NTFS 1.x form and the 72-byte NTFS 3.x form. */
#include "std_info.h"

#include <string.h>

#include "le.h"

/* Field offsets; the v3 fields start at 0x30. */
enum {
	SI_CREATED = 0x00,
	SI_MODIFIED = 0x08,
	SI_MFT_MODIFIED = 0x10,
	SI_ACCESSED = 0x18,
	SI_FLAGS = 0x20,
	SI_MAX_VERSIONS = 0x24,
	SI_VERSION = 0x28,
	SI_CLASS_ID = 0x2C,
	SI_V1_SIZE = 0x30,
	SI_OWNER_ID = 0x30,
	SI_SECURITY_ID = 0x34,
	SI_QUOTA_CHARGED = 0x38,
	SI_USN = 0x40,
	SI_V3_SIZE = 0x48
};

/* Reads the fields every version has. */
static void decode_v1(const uint8_t *buf, ntfs_std_info *out)
{
	out->created = le64(buf + SI_CREATED);
	out->modified = le64(buf + SI_MODIFIED);
	out->mft_modified = le64(buf + SI_MFT_MODIFIED);
	out->accessed = le64(buf + SI_ACCESSED);
	out->flags = le32(buf + SI_FLAGS);
	out->max_versions = le32(buf + SI_MAX_VERSIONS);
	out->version = le32(buf + SI_VERSION);
	out->class_id = le32(buf + SI_CLASS_ID);
}

/* Reads the NTFS 3.x fields: owner, security id (key into $Secure), quota and USN. */
static void decode_v3(const uint8_t *buf, ntfs_std_info *out)
{
	out->has_v3_fields = true;
	out->owner_id = le32(buf + SI_OWNER_ID);
	out->security_id = le32(buf + SI_SECURITY_ID);
	out->quota_charged = le64(buf + SI_QUOTA_CHARGED);
	out->usn = le64(buf + SI_USN);
}

/* Decodes a resident $STANDARD_INFORMATION value (48 or 72 bytes; in between counts as the 48-byte form). */
ntfs_status ntfs_std_info_decode(const uint8_t *buf, size_t len, ntfs_std_info *out, ntfs_error *err)
{
	memset(out, 0, sizeof(*out));
	if (buf == NULL || len < SI_V1_SIZE)
		return ntfs_error_set(err, NTFS_E_TRUNCATED, "$STANDARD_INFORMATION needs %d bytes, value has %zu",
				      SI_V1_SIZE, buf ? len : 0);
	decode_v1(buf, out);
	if (len >= SI_V3_SIZE)
		decode_v3(buf, out);
	ntfs_error_clear(err);
	return NTFS_OK;
}
