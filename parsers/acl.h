/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Access control lists and their entries (MS-DTYP 2.4.4, 2.4.5), and the access check of a descriptor's
 * DACL for a set of SIDs (MS-DTYP 2.5.3.2), as pure functions over the bytes of a self-relative descriptor.
 */
#ifndef NTFSLINKS_ACL_H
#define NTFSLINKS_ACL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ntfs_error.h"
#include "security.h"

#define NTFS_ACL_HEADER 8
#define NTFS_ACE_HEADER 4

enum {                            /* ACE types (MS-DTYP 2.4.4.1) */
	NTFS_ACE_ALLOWED = 0x00,
	NTFS_ACE_DENIED = 0x01,
	NTFS_ACE_AUDIT = 0x02,
	NTFS_ACE_ALARM = 0x03,
	NTFS_ACE_ALLOWED_COMPOUND = 0x04,
	NTFS_ACE_ALLOWED_OBJECT = 0x05,
	NTFS_ACE_DENIED_OBJECT = 0x06,
	NTFS_ACE_AUDIT_OBJECT = 0x07,
	NTFS_ACE_ALARM_OBJECT = 0x08,
	NTFS_ACE_ALLOWED_CALLBACK = 0x09,
	NTFS_ACE_DENIED_CALLBACK = 0x0A,
	NTFS_ACE_ALLOWED_CALLBACK_OBJECT = 0x0B,
	NTFS_ACE_DENIED_CALLBACK_OBJECT = 0x0C,
	NTFS_ACE_AUDIT_CALLBACK = 0x0D,
	NTFS_ACE_ALARM_CALLBACK = 0x0E,
	NTFS_ACE_AUDIT_CALLBACK_OBJECT = 0x0F,
	NTFS_ACE_ALARM_CALLBACK_OBJECT = 0x10,
	NTFS_ACE_MANDATORY_LABEL = 0x11,
	NTFS_ACE_RESOURCE_ATTRIBUTE = 0x12,
	NTFS_ACE_SCOPED_POLICY_ID = 0x13,
	NTFS_ACE_PROCESS_TRUST_LABEL = 0x14,
	NTFS_ACE_ACCESS_FILTER = 0x15
};

enum {                            /* ACE flags */
	NTFS_ACE_OBJECT_INHERIT = 0x01,
	NTFS_ACE_CONTAINER_INHERIT = 0x02,
	NTFS_ACE_NO_PROPAGATE = 0x04,
	NTFS_ACE_INHERIT_ONLY = 0x08,
	NTFS_ACE_INHERITED = 0x10,
	NTFS_ACE_CRITICAL = 0x20,
	NTFS_ACE_SUCCESSFUL_ACCESS = 0x40,
	NTFS_ACE_FAILED_ACCESS = 0x80
};

/* File access rights (MS-SMB2 2.2.13.1.1) and the generic ones. */
#define NTFS_FILE_WRITE_DATA 0x00000002u      /* directories: add a file */
#define NTFS_FILE_APPEND_DATA 0x00000004u     /* directories: add a subdirectory */
#define NTFS_FILE_WRITE_EA 0x00000010u
#define NTFS_FILE_DELETE_CHILD 0x00000040u
#define NTFS_FILE_WRITE_ATTRIBUTES 0x00000100u
#define NTFS_RIGHT_DELETE 0x00010000u
#define NTFS_RIGHT_READ_CONTROL 0x00020000u
#define NTFS_RIGHT_WRITE_DAC 0x00040000u
#define NTFS_RIGHT_WRITE_OWNER 0x00080000u
#define NTFS_FILE_ALL_ACCESS 0x001F01FFu
#define NTFS_FILE_GENERIC_READ 0x00120089u
#define NTFS_FILE_GENERIC_WRITE 0x00120116u
#define NTFS_FILE_GENERIC_EXECUTE 0x001200A0u
#define NTFS_GENERIC_ALL 0x10000000u
#define NTFS_GENERIC_EXECUTE 0x20000000u
#define NTFS_GENERIC_WRITE 0x40000000u
#define NTFS_GENERIC_READ 0x80000000u

/* Mandatory label policy bits (the mask of a SYSTEM_MANDATORY_LABEL_ACE). */
#define NTFS_LABEL_NO_WRITE_UP 0x1u
#define NTFS_LABEL_NO_READ_UP 0x2u
#define NTFS_LABEL_NO_EXECUTE_UP 0x4u

typedef struct {
	uint8_t revision;
	uint16_t size;            /* declared, checked against the bytes given */
	uint16_t ace_count;       /* declared; ntfs_acl_next finds out whether they are all there */
} ntfs_acl;

typedef struct {
	uint8_t type, flags;
	uint16_t size;
	bool known;               /* a type whose layout this decoder knows (mask and SID at least) */
	uint32_t mask;
	bool has_object_type, has_inherited_object_type;
	uint8_t object_type[16], inherited_object_type[16]; /* GUIDs as stored (little-endian first three fields) */
	bool has_sid;
	char sid[NTFS_SID_STRING_MAX];
	size_t app_data_length;   /* bytes after the SID (a callback ACE's condition, a resource attribute) */
} ntfs_ace;

/* Decodes the ACL header at buf (len bytes available); its declared size must fit in len. */
ntfs_status ntfs_acl_decode(const uint8_t *buf, size_t len, ntfs_acl *out, ntfs_error *err);

/* Decodes one ACE at buf (len bytes available: the rest of its ACL); its size must be >= 8 and fit in len. */
ntfs_status ntfs_ace_decode(const uint8_t *buf, size_t len, ntfs_ace *out, ntfs_error *err);

/*
 * The next ACE of the ACL at acl_buf (acl's declared size), from byte *pos (start at NTFS_ACL_HEADER),
 * the *index-th (start at 0). Returns NTFS_OK with the ACE and advances both; NTFS_E_RANGE (with *index
 * == acl->ace_count) when there is no ACE left; any other status when ACE *index is damaged or does
 * not fit (a count that lies: the ACEs run out before the count does).
 */
ntfs_status ntfs_acl_next(const uint8_t *acl_buf, const ntfs_acl *acl, size_t *pos, uint16_t *index, ntfs_ace *out,
			  ntfs_error *err);

/* The SDDL type string of an ACE type ("A", "D", "OA", "ML", ...), or NULL when SDDL has none. */
const char *ntfs_ace_type_sddl(uint8_t type);

/* Maps generic rights to the file-specific ones (FILE_GENERIC_*); other bits stay. */
uint32_t ntfs_file_map_generic(uint32_t mask);

/*
 * The access check of a self-relative descriptor's DACL for a token holding the SIDs token[0..n): walks
 * the ACEs in order, each right decided by the first allow or deny ACE of a token SID that names it
 * (MS-DTYP 2.5.3.2), inherit-only ACEs skipped, generic rights mapped for files. Object ACEs count only
 * without an object type; conditional (callback) ACEs are taken as applying when they allow and as not
 * applying when they deny (the answer errs towards more access). The owner, when in the token, holds
 * READ_CONTROL and WRITE_DAC unless an OWNER RIGHTS (S-1-3-4) ACE applies. No DACL, or a NULL one: every
 * right. A mandatory label above medium with no-write-up (in the SACL) removes the write rights of a
 * medium token (every token here is one). *granted receives the rights granted; an ACL that cannot be
 * walked to its end is an error.
 */
ntfs_status ntfs_sd_access(const uint8_t *sd, size_t len, const char *const *token, size_t n, uint32_t *granted,
			   ntfs_error *err);

#endif
