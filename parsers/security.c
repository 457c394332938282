/* SPDX-License-Identifier: Apache-2.0 */
/* Self-relative security descriptors and SIDs (MS-DTYP 2.4.2, 2.4.6), and $Secure:$SDS entry headers. */
#include "security.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "le.h"

/* SID layout: revision, sub-authority count, 48-bit big-endian authority, 32-bit LE sub-authorities. */
enum {
	SID_REVISION = 0,
	SID_SUB_COUNT = 1,
	SID_AUTHORITY = 2,
	SID_SUBS = 8,
	SID_MAX_SUBS = 15
};

/* Self-relative SECURITY_DESCRIPTOR header. */
enum {
	SD_REVISION = 0x00,
	SD_CONTROL = 0x02,
	SD_OWNER = 0x04,
	SD_GROUP = 0x08,
	SD_SACL = 0x0C,
	SD_DACL = 0x10,
	SD_HEADER_SIZE = 0x14
};

/* ACL header: revision, padding, size (2), ace count (2), padding (2). */
enum {
	ACL_SIZE = 0x02,
	ACL_HEADER_SIZE = 0x08
};

/* $SDS entry header. */
enum {
	SDS_HASH = 0x00,
	SDS_SECURITY_ID = 0x04,
	SDS_OFFSET = 0x08,
	SDS_LENGTH = 0x10
};

#define SE_DACL_PRESENT 0x0004
#define SE_SACL_PRESENT 0x0010
#define SE_SELF_RELATIVE 0x8000

/* Appends printf output at *pos in out; returns 0 when it no longer fits. */
static int append(char *out, size_t cap, size_t *pos, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int append(char *out, size_t cap, size_t *pos, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*pos >= cap)
		return 0;
	va_start(ap, fmt);
	n = vsnprintf(out + *pos, cap - *pos, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= cap - *pos)
		return 0;
	*pos += (size_t)n;
	return 1;
}

/* Appends '-' and v in decimal at *pos; returns 0 when it no longer fits (the hot path: no printf). */
static int append_dec(char *out, size_t cap, size_t *pos, uint64_t v)
{
	char tmp[24];
	size_t n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (*pos >= cap || n + 1 >= cap - *pos)
		return 0;
	out[(*pos)++] = '-';
	while (n)
		out[(*pos)++] = tmp[--n];
	out[*pos] = '\0';
	return 1;
}

/* The identifier authority is a 48-bit big-endian number. */
static uint64_t sid_authority(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 6; i++)
		v = (v << 8) | p[SID_AUTHORITY + i];
	return v;
}

/* Writes "S-1-<authority>-<sub>..." (authority in decimal below 2^32, else 0x + 12 hex digits, MS-DTYP 2.4.2.1). */
static int format_sid(const uint8_t *buf, unsigned subs, char *out, size_t cap)
{
	uint64_t auth = sid_authority(buf);
	size_t pos = 0;
	unsigned i;
	int ok;

	ok = cap > 1;
	if (ok) {
		out[pos++] = 'S';
		out[pos] = '\0';
		ok = append_dec(out, cap, &pos, buf[SID_REVISION]);
	}
	if (ok && auth < ((uint64_t)1 << 32))
		ok = append_dec(out, cap, &pos, auth);
	else if (ok)
		ok = append(out, cap, &pos, "-0x%012" PRIX64, auth);
	for (i = 0; ok && i < subs; i++)
		ok = append_dec(out, cap, &pos, le32(buf + SID_SUBS + 4 * (size_t)i));
	return ok;
}

/* Formats a binary SID as "S-1-5-21-..."; *consumed receives its byte length. */
ntfs_status ntfs_sid_to_string(const uint8_t *buf, size_t len, char *out, size_t cap, size_t *consumed,
			       ntfs_error *err)
{
	unsigned subs;
	size_t size;

	if (out != NULL && cap > 0)
		out[0] = '\0';
	if (consumed)
		*consumed = 0;
	if (buf == NULL || len < SID_SUBS)
		return ntfs_error_set(err, NTFS_E_TRUNCATED, "SID needs %d header bytes, have %zu", SID_SUBS, buf ? len : 0);
	if (buf[SID_REVISION] != 1)
		return ntfs_error_set(err, NTFS_E_INVALID, "SID revision is %u, not 1", buf[SID_REVISION]);
	subs = buf[SID_SUB_COUNT];
	if (subs > SID_MAX_SUBS)
		return ntfs_error_set(err, NTFS_E_INVALID, "SID has %u sub-authorities, at most %d allowed", subs,
				      SID_MAX_SUBS);
	size = SID_SUBS + 4 * (size_t)subs;
	if (size > len)
		return ntfs_error_set(err, NTFS_E_TRUNCATED, "SID with %u sub-authorities needs %zu bytes, have %zu", subs, size,
				      len);
	if (out == NULL || !format_sid(buf, subs, out, cap)) {
		if (out != NULL && cap > 0)
			out[0] = '\0';
		return ntfs_error_set(err, NTFS_E_RANGE, "SID string does not fit in %zu bytes", cap);
	}
	if (consumed)
		*consumed = size;
	ntfs_error_clear(err);
	return NTFS_OK;
}

/* Decodes the SID at a descriptor offset (0 = absent) into out. */
static ntfs_status decode_sid_at(const uint8_t *buf, size_t len, uint32_t off, const char *what, bool *has, char *out,
				 ntfs_error *err)
{
	ntfs_status st;

	*has = false;
	if (off == 0)
		return NTFS_OK;
	if (off < SD_HEADER_SIZE || off >= len)
		return ntfs_error_set(err, NTFS_E_RANGE, "security descriptor %s offset %u is outside [%d, %zu)", what, off,
				      SD_HEADER_SIZE, len);
	st = ntfs_sid_to_string(buf + off, len - off, out, NTFS_SID_STRING_MAX, NULL, err);
	if (st != NTFS_OK) {
		ntfs_error_prefix(err, "security descriptor %s at %u: ", what, off);
		return st;
	}
	*has = true;
	return NTFS_OK;
}

/* An ACL present by its control flag must have its 8-byte header and declared size inside the descriptor. */
static ntfs_status check_acl_at(const uint8_t *buf, size_t len, uint16_t control, uint16_t flag, uint32_t off,
				const char *what, bool *has, uint16_t *size_out, ntfs_error *err)
{
	uint16_t size;

	*has = false;
	*size_out = 0;
	if (!(control & flag) || off == 0)
		return NTFS_OK;
	if (off < SD_HEADER_SIZE || !le_in_bounds(len, off, ACL_HEADER_SIZE))
		return ntfs_error_set(err, NTFS_E_RANGE, "security descriptor %s offset %u leaves no ACL header in %zu bytes",
				      what, off, len);
	size = le16(buf + off + ACL_SIZE);
	if (size < ACL_HEADER_SIZE || !le_in_bounds(len, off, size))
		return ntfs_error_set(err, NTFS_E_RANGE, "security descriptor %s at %u: ACL size %u is outside the %zu bytes",
				      what, off, size, len);
	*has = true;
	*size_out = size;
	return NTFS_OK;
}

/* Decodes a self-relative security descriptor down to the owner and group SIDs. */
ntfs_status ntfs_sd_decode(const uint8_t *buf, size_t len, ntfs_security_descriptor *out, ntfs_error *err)
{
	ntfs_status st;

	memset(out, 0, sizeof(*out));
	if (buf == NULL || len < SD_HEADER_SIZE)
		return ntfs_error_set(err, NTFS_E_TRUNCATED, "security descriptor needs %d bytes, have %zu", SD_HEADER_SIZE,
				      buf ? len : 0);
	out->revision = buf[SD_REVISION];
	out->control = le16(buf + SD_CONTROL);
	if (out->revision != 1)
		return ntfs_error_set(err, NTFS_E_INVALID, "security descriptor revision is %u, not 1", out->revision);
	if (!(out->control & SE_SELF_RELATIVE))
		return ntfs_error_set(err, NTFS_E_UNSUPPORTED, "security descriptor control 0x%04x is not self-relative",
				      out->control);
	if ((st = decode_sid_at(buf, len, le32(buf + SD_OWNER), "owner", &out->has_owner, out->owner_sid, err)) != NTFS_OK)
		return st;
	if ((st = decode_sid_at(buf, len, le32(buf + SD_GROUP), "group", &out->has_group, out->group_sid, err)) != NTFS_OK)
		return st;
	if ((st = check_acl_at(buf, len, out->control, SE_DACL_PRESENT, le32(buf + SD_DACL), "DACL", &out->has_dacl,
			       &out->dacl_size, err)) != NTFS_OK)
		return st;
	if ((st = check_acl_at(buf, len, out->control, SE_SACL_PRESENT, le32(buf + SD_SACL), "SACL", &out->has_sacl,
			       &out->sacl_size, err)) != NTFS_OK)
		return st;
	out->dacl_present = out->control & SE_DACL_PRESENT;
	out->sacl_present = out->control & SE_SACL_PRESENT;
	out->dacl_offset = out->has_dacl ? le32(buf + SD_DACL) : 0;
	out->sacl_offset = out->has_sacl ? le32(buf + SD_SACL) : 0;
	out->owner_offset = out->has_owner ? le32(buf + SD_OWNER) : 0;
	out->group_offset = out->has_group ? le32(buf + SD_GROUP) : 0;
	ntfs_error_clear(err);
	return NTFS_OK;
}

/* Decodes one $Secure:$SDS entry header at buf; the descriptor must fit in len. */
ntfs_status ntfs_sds_entry_decode(const uint8_t *buf, size_t len, ntfs_sds_entry *out, ntfs_error *err)
{
	memset(out, 0, sizeof(*out));
	if (buf == NULL || len < NTFS_SDS_ENTRY_HEADER)
		return ntfs_error_set(err, NTFS_E_TRUNCATED, "$SDS entry header needs %d bytes, have %zu",
				      NTFS_SDS_ENTRY_HEADER, buf ? len : 0);
	out->hash = le32(buf + SDS_HASH);
	out->security_id = le32(buf + SDS_SECURITY_ID);
	out->offset = le64(buf + SDS_OFFSET);
	out->length = le32(buf + SDS_LENGTH);
	if (out->length < NTFS_SDS_ENTRY_HEADER)
		return ntfs_error_set(err, NTFS_E_INVALID, "$SDS entry length %u is below its %d-byte header", out->length,
				      NTFS_SDS_ENTRY_HEADER);
	if (out->length > len)
		return ntfs_error_set(err, NTFS_E_RANGE, "$SDS entry length %u runs past the %zu bytes available", out->length,
				      len);
	out->descriptor = buf + NTFS_SDS_ENTRY_HEADER;
	out->descriptor_length = out->length - NTFS_SDS_ENTRY_HEADER;
	ntfs_error_clear(err);
	return NTFS_OK;
}
