/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer harness for SIDs, self-relative security descriptors and $SDS entries. The input is read
 * as a SID, as a descriptor, and as a $Secure:$SDS stream walked entry by entry (16-byte aligned).
 */
#include <stdint.h>
#include <string.h>

#include "acl.h"
#include "sddl.h"
#include "security.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Traps unless s is a NUL-terminated "S-1-..." string within its buffer. */
static void check_sid_string(const char *s, size_t cap)
{
	if (memchr(s, '\0', cap) == NULL || strncmp(s, "S-1-", 4) != 0)
		__builtin_trap();
}

/* Decodes a descriptor and checks its strings. */
static void check_sd(const uint8_t *buf, size_t len)
{
	ntfs_security_descriptor sd;
	ntfs_error err;

	if (ntfs_sd_decode(buf, len, &sd, &err) != NTFS_OK)
		return;
	if (sd.has_owner)
		check_sid_string(sd.owner_sid, sizeof(sd.owner_sid));
	if (sd.has_group)
		check_sid_string(sd.group_sid, sizeof(sd.group_sid));
	char sddl[4096];
	size_t need;
	ntfs_status st = ntfs_sddl_render(buf, len, sddl, sizeof(sddl), &need, &err);
	if (memchr(sddl, '\0', sizeof(sddl)) == NULL || (st == NTFS_OK && strlen(sddl) != need))
		__builtin_trap();
	static const char *const token[] = {"S-1-1-0", "S-1-5-11", "S-1-5-32-545"};
	uint32_t granted;
	if (ntfs_sd_access(buf, len, token, 3, &granted, &err) != NTFS_OK && granted != 0)
		__builtin_trap();
}

/* Feeds one input through every security decoder. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char sid[NTFS_SID_STRING_MAX];
	size_t used, pos = 0;
	ntfs_sds_entry en;
	ntfs_error err;

	if (ntfs_sid_to_string(data, size, sid, sizeof(sid), &used, &err) == NTFS_OK) {
		check_sid_string(sid, sizeof(sid));
		if (used > size || used < 8)
			__builtin_trap();
	}
	check_sd(data, size);
	while (pos < size && ntfs_sds_entry_decode(data + pos, size - pos, &en, &err) == NTFS_OK) {
		if (en.descriptor != data + pos + NTFS_SDS_ENTRY_HEADER || en.length > size - pos ||
		    en.descriptor_length != en.length - NTFS_SDS_ENTRY_HEADER)
			__builtin_trap();
		check_sd(en.descriptor, en.descriptor_length);
		pos += ((size_t)en.length + 15) & ~(size_t)15;
	}
	return 0;
}
