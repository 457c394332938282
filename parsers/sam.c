/* SPDX-License-Identifier: Apache-2.0 */
/* SAM user V values and the machine's domain SID. */
#include "sam.h"

#include <stdlib.h>
#include <string.h>

#include "le.h"
#include "utf16.h"

#define V_TABLE 0xCC              /* 17 entries of 12 bytes; data offsets count from here */

/* Decodes V table entry i (a UTF-16 string) into out; an absent (zero-length) entry gives "". */
static ntfs_status v_string(const uint8_t *v, size_t len, unsigned i, char *out, size_t cap, ntfs_error *err)
{
	uint32_t off = le32(v + 12 * i), n = le32(v + 12 * i + 4);
	out[0] = '\0';
	if (n == 0)
		return NTFS_OK;
	if (n % 2 || !le_in_bounds(len, (size_t)V_TABLE + off, n) || (size_t)V_TABLE + off < V_TABLE)
		return ntfs_error_set(err, NTFS_E_RANGE, "V entry %u (%u bytes at %u) lies outside the value's %zu bytes", i, n,
				      off, len);
	ntfs_utf16_to_utf8(v + V_TABLE + off, n / 2, out, cap);
	return NTFS_OK;
}

ntfs_status ntfs_sam_user_decode(const uint8_t *v, size_t len, ntfs_sam_user *out, ntfs_error *err)
{
	memset(out, 0, sizeof(*out));
	if (len < V_TABLE)
		return ntfs_error_set(err, NTFS_E_TRUNCATED, "V value of %zu bytes, shorter than its %u-byte table", len,
				      V_TABLE);
	ntfs_status st = v_string(v, len, 1, out->name, sizeof(out->name), err);
	if (st == NTFS_OK)
		st = v_string(v, len, 2, out->full_name, sizeof(out->full_name), err);
	if (st == NTFS_OK && out->name[0] == '\0')
		st = ntfs_error_set(err, NTFS_E_INVALID, "V value names no user");
	return st;
}

ntfs_status ntfs_sam_domain_sid(const uint8_t *v, size_t len, char *out, size_t cap, ntfs_error *err)
{
	static const uint8_t head[12] = {1, 4, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0};
	for (size_t i = len >= 24 ? len - 24 + 1 : 0; i-- > 0;)
		if (!memcmp(v + i, head, sizeof(head)))
			return ntfs_sid_to_string(v + i, len - i, out, cap, NULL, err);
	return ntfs_error_set(err, NTFS_E_INVALID, "no machine SID (S-1-5-21-a-b-c) in the %zu-byte V value", len);
}

long long ntfs_sam_rid_from_key(const char *name)
{
	if (strlen(name) != 8)
		return -1;
	long long rid = 0;
	for (int i = 0; i < 8; i++) {
		char c = name[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return -1;
		rid = rid * 16 + d;
	}
	return rid;
}
