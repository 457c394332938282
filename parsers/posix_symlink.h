/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Symbolic links kept as file data, not as reparse points: Interix / SFU links (what ntfs-3g's `ln -s`
 * writes by default: a system file whose data is "IntxLNK" 0x01 then the UTF-16LE target) and Cygwin
 * links (a system file "!<symlink>" then the target: UTF-16LE after a FF FE byte order mark, else bytes
 * up to a NUL). The caller checks the system attribute; this only reads the bytes.
 */
#ifndef NTFSLINKS_POSIX_SYMLINK_H
#define NTFSLINKS_POSIX_SYMLINK_H

#include <stddef.h>
#include <stdint.h>

#include "ntfs_error.h"

#define NTFS_POSIX_LINK_MAX_DATA 65536 /* longer data is no symbolic link of either kind */

typedef enum {
	NTFS_POSIX_NONE = 0,
	NTFS_POSIX_INTERIX,
	NTFS_POSIX_CYGWIN
} ntfs_posix_kind;

/* The kind of link buf starts like, NTFS_POSIX_NONE when neither. */
ntfs_posix_kind ntfs_posix_symlink_sniff(const uint8_t *buf, size_t len);

/*
 * Decodes the target of the link in buf[0..len) as UTF-8 into out (cap bytes). *kind receives the kind.
 * Errors: NTFS_E_SIGNATURE when it is neither; NTFS_E_INVALID for an empty target, an odd UTF-16 length or
 * a target that does not fit in out (NTFS_E_RANGE).
 */
ntfs_status ntfs_posix_symlink_decode(const uint8_t *buf, size_t len, ntfs_posix_kind *kind, char *out, size_t cap,
				      ntfs_error *err);

/* "interix_symlink", "cygwin_symlink" (NULL for NTFS_POSIX_NONE). */
const char *ntfs_posix_kind_name(ntfs_posix_kind kind);

#endif
