/* SPDX-License-Identifier: Apache-2.0 */
/* Interix and Cygwin symbolic links stored as file data; see posix_symlink.h. */
#include "posix_symlink.h"

#include <string.h>

#include "le.h"
#include "utf16.h"

static const char INTERIX[8] = {'I', 'n', 't', 'x', 'L', 'N', 'K', 1};
static const char CYGWIN[10] = {'!', '<', 's', 'y', 'm', 'l', 'i', 'n', 'k', '>'};

ntfs_posix_kind ntfs_posix_symlink_sniff(const uint8_t *buf, size_t len)
{
	if (buf && len >= sizeof(INTERIX) && !memcmp(buf, INTERIX, sizeof(INTERIX)))
		return NTFS_POSIX_INTERIX;
	if (buf && len >= sizeof(CYGWIN) && !memcmp(buf, CYGWIN, sizeof(CYGWIN)))
		return NTFS_POSIX_CYGWIN;
	return NTFS_POSIX_NONE;
}

const char *ntfs_posix_kind_name(ntfs_posix_kind kind)
{
	return kind == NTFS_POSIX_INTERIX ? "interix_symlink" : kind == NTFS_POSIX_CYGWIN ? "cygwin_symlink" : NULL;
}

/* UTF-16LE units at p (bytes long, even) up to the first NUL unit, as UTF-8 into out. */
static ntfs_status utf16_target(const uint8_t *p, size_t bytes, char *out, size_t cap, ntfs_error *err)
{
	if (bytes % 2)
		return ntfs_error_set(err, NTFS_E_INVALID, "UTF-16 target of %zu bytes (odd)", bytes);
	size_t units = 0;
	while (units < bytes / 2 && le16(p + 2 * units))
		units++;
	if (units == 0)
		return ntfs_error_set(err, NTFS_E_INVALID, "empty target");
	if (ntfs_utf16_to_utf8(p, units, out, cap) >= cap)
		return ntfs_error_set(err, NTFS_E_RANGE, "target of %zu UTF-16 units does not fit in %zu bytes", units, cap);
	return NTFS_OK;
}

ntfs_status ntfs_posix_symlink_decode(const uint8_t *buf, size_t len, ntfs_posix_kind *kind, char *out, size_t cap,
				      ntfs_error *err)
{
	if (cap)
		out[0] = '\0';
	*kind = ntfs_posix_symlink_sniff(buf, len);
	if (*kind == NTFS_POSIX_NONE)
		return ntfs_error_set(err, NTFS_E_SIGNATURE, "neither IntxLNK\\1 nor !<symlink> data");
	if (len > NTFS_POSIX_LINK_MAX_DATA)
		return ntfs_error_set(err, NTFS_E_RANGE, "%zu bytes of data: longer than any symbolic link", len);
	ntfs_status st;
	if (*kind == NTFS_POSIX_INTERIX) {
		st = utf16_target(buf + sizeof(INTERIX), len - sizeof(INTERIX), out, cap, err);
	} else {
		const uint8_t *p = buf + sizeof(CYGWIN);
		size_t n = len - sizeof(CYGWIN);
		if (n >= 2 && p[0] == 0xFF && p[1] == 0xFE) {
			st = utf16_target(p + 2, (n - 2) & ~(size_t)1, out, cap, err);
		} else {
			const uint8_t *nul = memchr(p, 0, n);
			size_t k = nul ? (size_t)(nul - p) : n;
			if (k == 0)
				st = ntfs_error_set(err, NTFS_E_INVALID, "empty target");
			else if (k >= cap)
				st = ntfs_error_set(err, NTFS_E_RANGE, "target of %zu bytes does not fit in %zu", k, cap);
			else {
				memcpy(out, p, k);
				out[k] = '\0';
				for (size_t bad; (bad = ntfs_utf8_validate(out, k)) < k;)
					out[bad] = '?'; /* not UTF-8: shown, not trusted */
				st = NTFS_OK;
			}
		}
	}
	if (st != NTFS_OK) {
		if (cap)
			out[0] = '\0';
		ntfs_error_prefix(err, "%s: ", ntfs_posix_kind_name(*kind));
		return st;
	}
	ntfs_error_clear(err);
	return NTFS_OK;
}
