/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SAM hive's account records: the "V" value of SAM\Domains\Account\Users\<RID> (a table of 17
 * (offset, length, unknown) triples, then the data they point into, from byte 0xCC: entry 1 the user
 * name, entry 2 the full name, UTF-16LE), and the machine's domain SID inside the "V" value of
 * SAM\Domains\Account. Pure; thread-safe.
 */
#ifndef NTFSLINKS_SAM_H
#define NTFSLINKS_SAM_H

#include <stddef.h>
#include <stdint.h>

#include "ntfs_error.h"
#include "security.h"

#define NTFS_SAM_NAME_MAX 1024    /* UTF-8 bytes of a name, NUL included (Windows: 20 characters) */

typedef struct {
	char name[NTFS_SAM_NAME_MAX];      /* the account (logon) name */
	char full_name[NTFS_SAM_NAME_MAX]; /* "" when none */
} ntfs_sam_user;

/* Decodes a user's V value. Errors: shorter than its table, an entry outside the value, an empty name. */
ntfs_status ntfs_sam_user_decode(const uint8_t *v, size_t len, ntfs_sam_user *out, ntfs_error *err);

/*
 * The machine SID ("S-1-5-21-a-b-c") in the Account key's V value: the last SID there with identifier
 * authority 5, first sub-authority 21 and four sub-authorities. NTFS_E_INVALID when there is none.
 */
ntfs_status ntfs_sam_domain_sid(const uint8_t *v, size_t len, char *out, size_t cap, ntfs_error *err);

/* The RID a user's key is named by (8 hex digits, "000003E9" = 1001); -1 when the name is not one. */
long long ntfs_sam_rid_from_key(const char *name);

#endif
