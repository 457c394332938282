/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Security descriptors rendered as SDDL the way Windows writes them (ConvertSecurityDescriptorToString-
 * SecurityDescriptor with owner, group, DACL and SACL): "O:BAG:SYD:PAI(A;OICI;FA;;;SY)...".
 */
#ifndef NTFSLINKS_SDDL_H
#define NTFSLINKS_SDDL_H

#include <stddef.h>
#include <stdint.h>

#include "ntfs_error.h"

/* The two-letter SDDL alias of a well-known SID string ("S-1-5-18" -> "SY"), or NULL. */
const char *ntfs_sddl_sid_alias(const char *sid);

/*
 * Renders the self-relative descriptor sd as SDDL into out (cap bytes, NUL-terminated). *needed receives
 * the length the whole string has (without its NUL), also when it does not fit: then NTFS_E_RANGE and out
 * holds "" (call again with needed + 1 bytes). Any damage in the descriptor or its ACLs is an error.
 * Rights: one of FA FR FW FX KA KR KW KX for exactly its mask, else the letters of every bit when
 * each has one (CC DC LC SW RP WP DT LO CR SD RC WD WO GA GX GW GR, low bit first), else 0x + lowercase hex;
 * mandatory labels NW NR NX. Well-known SIDs by alias; domain-relative aliases (LA, DA, ...) are not used
 * (they need the machine's own SID): those stay numeric. A callback ACE's condition is left out.
 */
ntfs_status ntfs_sddl_render(const uint8_t *sd, size_t len, char *out, size_t cap, size_t *needed, ntfs_error *err);

/* Renders an access mask as SDDL rights into out (at least 40 bytes); label: a mandatory label's mask. */
void ntfs_sddl_rights(uint32_t mask, int label, char *out, size_t cap);

#endif
