/* SPDX-License-Identifier: Apache-2.0 */
/* Self-relative security descriptors ($SECURITY_DESCRIPTOR, $Secure:$SDS entries) and SIDs. */
#ifndef NTFSLINKS_SECURITY_H
#define NTFSLINKS_SECURITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "ntfs_error.h"

#define NTFS_SID_STRING_MAX 192  /* "S-1-" + up to 15 sub-authorities of 10 digits */
#define NTFS_SDS_ENTRY_HEADER 20

typedef struct {
	uint8_t revision;
	uint16_t control;
	bool has_owner;
	char owner_sid[NTFS_SID_STRING_MAX];
	bool has_group;
	char group_sid[NTFS_SID_STRING_MAX];
	bool has_dacl;            /* SE_DACL_PRESENT with an ACL (false with dacl_present: a NULL DACL) */
	bool has_sacl;
	bool dacl_present;        /* SE_DACL_PRESENT: without it, or with a NULL DACL, everyone has every right */
	bool sacl_present;        /* SE_SACL_PRESENT */
	uint32_t dacl_offset;     /* the ACLs' offsets in the descriptor, when has_dacl / has_sacl */
	uint32_t sacl_offset;
	uint16_t dacl_size;       /* the ACLs' declared sizes (checked to lie inside the descriptor) */
	uint16_t sacl_size;
	uint32_t owner_offset;    /* the SIDs' offsets, when has_owner / has_group */
	uint32_t group_offset;
} ntfs_security_descriptor;

/* Security descriptor control bits (MS-DTYP 2.4.6). */
#define NTFS_SE_DACL_PRESENT 0x0004
#define NTFS_SE_SACL_PRESENT 0x0010
#define NTFS_SE_DACL_AUTO_INHERIT_REQ 0x0100
#define NTFS_SE_SACL_AUTO_INHERIT_REQ 0x0200
#define NTFS_SE_DACL_AUTO_INHERITED 0x0400
#define NTFS_SE_SACL_AUTO_INHERITED 0x0800
#define NTFS_SE_DACL_PROTECTED 0x1000
#define NTFS_SE_SACL_PROTECTED 0x2000

typedef struct {
	uint32_t hash;
	uint32_t security_id;
	uint64_t offset;          /* the entry's own offset in $SDS, as stored */
	uint32_t length;          /* entry length including the 20-byte header */
	const uint8_t *descriptor;/* points into buf */
	size_t descriptor_length;
} ntfs_sds_entry;

/* Formats a binary SID as "S-1-5-21-..."; *consumed receives its byte length. */
ntfs_status ntfs_sid_to_string(const uint8_t *buf, size_t len, char *out, size_t cap, size_t *consumed,
			       ntfs_error *err);

/* Decodes a self-relative security descriptor down to the owner and group SIDs. */
ntfs_status ntfs_sd_decode(const uint8_t *buf, size_t len, ntfs_security_descriptor *out, ntfs_error *err);

/* Decodes one $Secure:$SDS entry header at buf; the descriptor must fit in len. */
ntfs_status ntfs_sds_entry_decode(const uint8_t *buf, size_t len, ntfs_sds_entry *out, ntfs_error *err);

#endif
