/* SPDX-License-Identifier: Apache-2.0 */
/* ACLs and ACEs (MS-DTYP 2.4.4, 2.4.5) and the DACL access check (MS-DTYP 2.5.3.2), bytes in. */
#include "acl.h"

#include <string.h>

#include "le.h"

/* Wraps err's reason in a prefix and returns st (ntfs_error_prefix alone returns NTFS_OK when err is NULL). */
#define prefixed(st, err, ...) (ntfs_error_prefix((err), __VA_ARGS__), (st))

/* ACL header: revision (1), padding (1), size (2), ace count (2), padding (2). */
enum {
	ACL_REVISION = 0,
	ACL_SIZE = 2,
	ACL_COUNT = 4
};

/* ACE: type (1), flags (1), size (2), mask (4), then a SID or an object ACE's flags and GUIDs. */
enum {
	ACE_TYPE = 0,
	ACE_FLAGS = 1,
	ACE_SIZE = 2,
	ACE_MASK = 4,
	ACE_SID = 8,
	ACE_OBJECT_FLAGS = 8,
	ACE_OBJECT_GUIDS = 12,
	ACE_MIN_SIZE = 8
};

#define ACE_OBJECT_TYPE_PRESENT 0x1u
#define ACE_INHERITED_OBJECT_TYPE_PRESENT 0x2u
#define OWNER_RIGHTS_SID "S-1-3-4"
#define MEDIUM_LABEL_RID 8192u

/* The write-type rights that a no-write-up label takes from a lower-integrity token. */
#define LABEL_WRITE_RIGHTS                                                                                         \
	((NTFS_FILE_GENERIC_WRITE & ~(NTFS_RIGHT_READ_CONTROL | 0x00100000u)) | NTFS_RIGHT_DELETE | NTFS_RIGHT_WRITE_DAC | \
	 NTFS_RIGHT_WRITE_OWNER | NTFS_FILE_DELETE_CHILD)

/* True for the object ACE types, whose SID follows flags and optional GUIDs. */
static bool ace_is_object(uint8_t type)
{
	switch (type) {
	case NTFS_ACE_ALLOWED_OBJECT:
	case NTFS_ACE_DENIED_OBJECT:
	case NTFS_ACE_AUDIT_OBJECT:
	case NTFS_ACE_ALARM_OBJECT:
	case NTFS_ACE_ALLOWED_CALLBACK_OBJECT:
	case NTFS_ACE_DENIED_CALLBACK_OBJECT:
	case NTFS_ACE_AUDIT_CALLBACK_OBJECT:
	case NTFS_ACE_ALARM_CALLBACK_OBJECT:
		return true;
	default:
		return false;
	}
}

const char *ntfs_ace_type_sddl(uint8_t type)
{
	switch (type) {
	case NTFS_ACE_ALLOWED: return "A";
	case NTFS_ACE_DENIED: return "D";
	case NTFS_ACE_AUDIT: return "AU";
	case NTFS_ACE_ALARM: return "AL";
	case NTFS_ACE_ALLOWED_OBJECT: return "OA";
	case NTFS_ACE_DENIED_OBJECT: return "OD";
	case NTFS_ACE_AUDIT_OBJECT: return "OU";
	case NTFS_ACE_ALARM_OBJECT: return "OL";
	case NTFS_ACE_ALLOWED_CALLBACK: return "XA";
	case NTFS_ACE_DENIED_CALLBACK: return "XD";
	case NTFS_ACE_ALLOWED_CALLBACK_OBJECT: return "ZA";
	case NTFS_ACE_AUDIT_CALLBACK: return "XU";
	case NTFS_ACE_MANDATORY_LABEL: return "ML";
	case NTFS_ACE_RESOURCE_ATTRIBUTE: return "RA";
	case NTFS_ACE_SCOPED_POLICY_ID: return "SP";
	case NTFS_ACE_PROCESS_TRUST_LABEL: return "TL";
	case NTFS_ACE_ACCESS_FILTER: return "FL";
	default: return NULL;
	}
}

ntfs_status ntfs_acl_decode(const uint8_t *buf, size_t len, ntfs_acl *out, ntfs_error *err)
{
	memset(out, 0, sizeof(*out));
	if (buf == NULL || len < NTFS_ACL_HEADER)
		return ntfs_error_set(err, NTFS_E_TRUNCATED, "ACL header needs %d bytes, have %zu", NTFS_ACL_HEADER,
				      buf ? len : 0);
	out->revision = buf[ACL_REVISION];
	out->size = le16(buf + ACL_SIZE);
	out->ace_count = le16(buf + ACL_COUNT);
	if (out->revision != 2 && out->revision != 4)
		return ntfs_error_set(err, NTFS_E_INVALID, "ACL revision is %u, not 2 or 4", out->revision);
	if (out->size < NTFS_ACL_HEADER || out->size > len)
		return ntfs_error_set(err, NTFS_E_RANGE, "ACL size %u is outside [%d, %zu]", out->size, NTFS_ACL_HEADER, len);
	ntfs_error_clear(err);
	return NTFS_OK;
}

/* Decodes the SID at off of an ACE of size bytes, and the application data after it. */
static ntfs_status ace_sid(const uint8_t *buf, size_t size, size_t off, ntfs_ace *out, ntfs_error *err)
{
	size_t used;
	if (off > size)
		return ntfs_error_set(err, NTFS_E_TRUNCATED, "ACE of %zu bytes has no room for its SID at %zu", size, off);
	ntfs_status st = ntfs_sid_to_string(buf + off, size - off, out->sid, sizeof(out->sid), &used, err);
	if (st != NTFS_OK)
		return prefixed(st, err, "ACE SID: ");
	out->has_sid = true;
	out->app_data_length = size - off - used;
	return NTFS_OK;
}

ntfs_status ntfs_ace_decode(const uint8_t *buf, size_t len, ntfs_ace *out, ntfs_error *err)
{
	memset(out, 0, sizeof(*out));
	if (buf == NULL || len < NTFS_ACE_HEADER)
		return ntfs_error_set(err, NTFS_E_TRUNCATED, "ACE header needs %d bytes, have %zu", NTFS_ACE_HEADER,
				      buf ? len : 0);
	out->type = buf[ACE_TYPE];
	out->flags = buf[ACE_FLAGS];
	out->size = le16(buf + ACE_SIZE);
	if (out->size < ACE_MIN_SIZE)
		return ntfs_error_set(err, NTFS_E_INVALID, "ACE size %u is below the %d bytes of a header and mask", out->size,
				      ACE_MIN_SIZE);
	if (out->size > len)
		return ntfs_error_set(err, NTFS_E_RANGE, "ACE size %u runs past the %zu bytes left in its ACL", out->size, len);
	out->mask = le32(buf + ACE_MASK);
	if (out->type == NTFS_ACE_ALLOWED_COMPOUND || out->type > NTFS_ACE_ACCESS_FILTER) {
		ntfs_error_clear(err);
		return NTFS_OK; /* kept by size and mask only: no SDDL form, never grants here */
	}
	size_t off = ACE_SID;
	if (ace_is_object(out->type)) {
		if (out->size < ACE_OBJECT_GUIDS)
			return ntfs_error_set(err, NTFS_E_TRUNCATED, "object ACE of %u bytes has no room for its flags",
					      out->size);
		uint32_t of = le32(buf + ACE_OBJECT_FLAGS);
		off = ACE_OBJECT_GUIDS;
		if (of & ACE_OBJECT_TYPE_PRESENT) {
			if (!le_in_bounds(out->size, off, 16))
				return ntfs_error_set(err, NTFS_E_TRUNCATED, "object ACE of %u bytes cuts its object type",
						      out->size);
			memcpy(out->object_type, buf + off, 16);
			out->has_object_type = true;
			off += 16;
		}
		if (of & ACE_INHERITED_OBJECT_TYPE_PRESENT) {
			if (!le_in_bounds(out->size, off, 16))
				return ntfs_error_set(err, NTFS_E_TRUNCATED,
						      "object ACE of %u bytes cuts its inherited object type", out->size);
			memcpy(out->inherited_object_type, buf + off, 16);
			out->has_inherited_object_type = true;
			off += 16;
		}
	}
	ntfs_status st = ace_sid(buf, out->size, off, out, err);
	if (st != NTFS_OK)
		return st;
	out->known = true;
	ntfs_error_clear(err);
	return NTFS_OK;
}

ntfs_status ntfs_acl_next(const uint8_t *acl_buf, const ntfs_acl *acl, size_t *pos, uint16_t *index, ntfs_ace *out,
			  ntfs_error *err)
{
	if (*index >= acl->ace_count)
		return ntfs_error_set(err, NTFS_E_RANGE, "no ACE left (%u declared)", acl->ace_count);
	if (*pos >= acl->size)
		return ntfs_error_set(err, NTFS_E_TRUNCATED, "ACL declares %u ACEs but its %u bytes end after %u",
				      acl->ace_count, acl->size, *index);
	ntfs_status st = ntfs_ace_decode(acl_buf + *pos, acl->size - *pos, out, err);
	if (st != NTFS_OK)
		return prefixed(st, err, "ACE %u of %u at ACL byte %zu: ", *index, acl->ace_count, *pos);
	*pos += out->size;
	(*index)++;
	return NTFS_OK;
}

uint32_t ntfs_file_map_generic(uint32_t mask)
{
	uint32_t m = mask & ~(NTFS_GENERIC_ALL | NTFS_GENERIC_EXECUTE | NTFS_GENERIC_WRITE | NTFS_GENERIC_READ);
	if (mask & NTFS_GENERIC_ALL)
		m |= NTFS_FILE_ALL_ACCESS;
	if (mask & NTFS_GENERIC_EXECUTE)
		m |= NTFS_FILE_GENERIC_EXECUTE;
	if (mask & NTFS_GENERIC_WRITE)
		m |= NTFS_FILE_GENERIC_WRITE;
	if (mask & NTFS_GENERIC_READ)
		m |= NTFS_FILE_GENERIC_READ;
	return m;
}

/* True when sid is one of token[0..n). */
static bool token_has(const char *const *token, size_t n, const char *sid)
{
	for (size_t i = 0; i < n; i++)
		if (token[i] && !strcmp(token[i], sid))
			return true;
	return false;
}

/* The ACL at off of descriptor sd, decoded. */
static ntfs_status acl_at(const uint8_t *sd, size_t len, uint32_t off, ntfs_acl *acl, ntfs_error *err)
{
	return ntfs_acl_decode(sd + off, len - off, acl, err);
}

/* True when the DACL holds an ACE (not inherit-only) for OWNER RIGHTS. */
static ntfs_status has_owner_rights(const uint8_t *dacl, const ntfs_acl *acl, bool *found, ntfs_error *err)
{
	size_t pos = NTFS_ACL_HEADER;
	uint16_t i = 0;
	ntfs_ace ace;
	ntfs_status st;
	*found = false;
	while ((st = ntfs_acl_next(dacl, acl, &pos, &i, &ace, err)) == NTFS_OK)
		if (ace.has_sid && !(ace.flags & NTFS_ACE_INHERIT_ONLY) && !strcmp(ace.sid, OWNER_RIGHTS_SID))
			*found = true;
	return i == acl->ace_count ? NTFS_OK : st;
}

/* One ACE of the walk: the rights it decides for the token (allow: granted too). */
static void walk_ace(const ntfs_ace *ace, bool applies, uint32_t *granted, uint32_t *decided)
{
	if (!ace->known || !applies || (ace->flags & NTFS_ACE_INHERIT_ONLY))
		return;
	uint32_t m = ntfs_file_map_generic(ace->mask) & ~*decided;
	switch (ace->type) {
	case NTFS_ACE_ALLOWED_OBJECT:
	case NTFS_ACE_ALLOWED_CALLBACK_OBJECT:
		if (ace->has_object_type)
			return;
		/* fall through */
	case NTFS_ACE_ALLOWED:
	case NTFS_ACE_ALLOWED_CALLBACK:
		*granted |= m;
		*decided |= m;
		return;
	case NTFS_ACE_DENIED_OBJECT:
		if (ace->has_object_type)
			return;
		/* fall through */
	case NTFS_ACE_DENIED:
		*decided |= m;
		return;
	default:
		return;
	}
}

/* The rights the DACL grants the token (owner_in: the owner is in it). */
static ntfs_status dacl_access(const uint8_t *dacl, const ntfs_acl *acl, const char *const *token, size_t n,
			       bool owner_in, uint32_t *granted, ntfs_error *err)
{
	uint32_t decided = 0;
	bool owner_rights = false;
	ntfs_status st = has_owner_rights(dacl, acl, &owner_rights, err);
	if (st != NTFS_OK)
		return st;
	*granted = 0;
	if (owner_in && !owner_rights) { /* granted before the walk: no deny takes them back */
		*granted = decided = NTFS_RIGHT_READ_CONTROL | NTFS_RIGHT_WRITE_DAC;
	}
	size_t pos = NTFS_ACL_HEADER;
	uint16_t i = 0;
	ntfs_ace ace;
	while ((st = ntfs_acl_next(dacl, acl, &pos, &i, &ace, err)) == NTFS_OK) {
		bool applies = ace.has_sid &&
			       (token_has(token, n, ace.sid) || (owner_in && !strcmp(ace.sid, OWNER_RIGHTS_SID)));
		walk_ace(&ace, applies, granted, &decided);
	}
	return i == acl->ace_count ? NTFS_OK : st;
}

/* The decimal number s spells (digits only, saturating), 0 when it is not one. */
static unsigned long decimal(const char *s)
{
	unsigned long v = 0;
	if (!*s)
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return 0;
		v = v > 100000000ul ? 100000000ul : v * 10 + (unsigned long)(*s - '0');
	}
	return v;
}

/* The write rights a mandatory label in the SACL takes from a medium-integrity token (0: none). */
static ntfs_status label_denies(const uint8_t *sd, size_t len, const ntfs_security_descriptor *d, uint32_t *deny,
				ntfs_error *err)
{
	*deny = 0;
	if (!d->has_sacl)
		return NTFS_OK;
	ntfs_acl acl;
	ntfs_status st = acl_at(sd, len, d->sacl_offset, &acl, err);
	if (st != NTFS_OK)
		return prefixed(st, err, "SACL: ");
	size_t pos = NTFS_ACL_HEADER;
	uint16_t i = 0;
	ntfs_ace ace;
	while ((st = ntfs_acl_next(sd + d->sacl_offset, &acl, &pos, &i, &ace, err)) == NTFS_OK) {
		if (ace.type != NTFS_ACE_MANDATORY_LABEL || !ace.has_sid || (ace.flags & NTFS_ACE_INHERIT_ONLY))
			continue;
		const char *rid = !strncmp(ace.sid, "S-1-16-", 7) ? ace.sid + 7 : NULL;
		unsigned long level = rid ? decimal(rid) : 0;
		if (level > MEDIUM_LABEL_RID && (ace.mask & NTFS_LABEL_NO_WRITE_UP))
			*deny = LABEL_WRITE_RIGHTS;
		return NTFS_OK; /* the first label decides */
	}
	return i == acl.ace_count ? NTFS_OK : prefixed(st, err, "SACL: ");
}

ntfs_status ntfs_sd_access(const uint8_t *sd, size_t len, const char *const *token, size_t n, uint32_t *granted,
			   ntfs_error *err)
{
	ntfs_security_descriptor d;
	uint32_t deny = 0;
	*granted = 0;
	ntfs_status st = ntfs_sd_decode(sd, len, &d, err);
	if (st != NTFS_OK)
		return st;
	if ((st = label_denies(sd, len, &d, &deny, err)) != NTFS_OK)
		return st;
	if (!d.has_dacl) { /* no DACL, or a NULL one: no access control at all */
		*granted = NTFS_FILE_ALL_ACCESS & ~deny;
		ntfs_error_clear(err);
		return NTFS_OK;
	}
	ntfs_acl acl;
	if ((st = acl_at(sd, len, d.dacl_offset, &acl, err)) != NTFS_OK)
		return prefixed(st, err, "DACL: ");
	bool owner_in = d.has_owner && token_has(token, n, d.owner_sid);
	if ((st = dacl_access(sd + d.dacl_offset, &acl, token, n, owner_in, granted, err)) != NTFS_OK)
		return prefixed(st, err, "DACL: ");
	*granted &= ~deny;
	ntfs_error_clear(err);
	return NTFS_OK;
}
