/* SPDX-License-Identifier: Apache-2.0 */
/* MountedDevices value names and data. */
#include "mounted_device.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "le.h"

void ntfs_md_name_decode(const char *name, md_name *out)
{
	memset(out, 0, sizeof(*out));
	if (!strncasecmp(name, "\\DosDevices\\", 12) && isalpha((unsigned char)name[12]) && name[13] == ':' &&
	    name[14] == '\0') {
		out->kind = MD_NAME_DRIVE;
		out->letter = (char)toupper((unsigned char)name[12]);
		return;
	}
	uint8_t g[16];
	if (!strncasecmp(name, "\\??\\Volume{", 11) && strlen(name) == 11 + 36 + 1 && name[47] == '}' &&
	    ntfs_guid_parse(name + 11, g) == 0) {
		out->kind = MD_NAME_VOLUME;
		ntfs_guid_format(g, out->guid);
	}
}

ntfs_status ntfs_md_data_decode(const uint8_t *buf, size_t len, md_data *out, ntfs_error *err)
{
	memset(out, 0, sizeof(*out));
	if (len == 24 && !memcmp(buf, "DMIO:ID:", 8)) {
		out->kind = MD_DATA_GPT;
		memcpy(out->guid, buf + 8, 16);
		return NTFS_OK;
	}
	if (len == 12) {
		out->kind = MD_DATA_MBR;
		out->signature = le32(buf);
		out->offset = le64(buf + 4);
		return NTFS_OK;
	}
	if (len == 0 || len % 2)
		return ntfs_error_set(err, NTFS_E_INVALID,
				      "%zu bytes: neither an MBR (12) nor a GPT (24, \"DMIO:ID:\") volume, nor a UTF-16 device path",
				      len);
	out->kind = MD_DATA_DEVICE;
	return NTFS_OK;
}
