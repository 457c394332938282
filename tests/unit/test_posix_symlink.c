/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of Interix and Cygwin symbolic links kept as file data. */
#include <criterion/criterion.h>
#include <string.h>

#include "posix_symlink.h"

/* "IntxLNK\1" then s as UTF-16LE (ASCII only); returns the length. */
static size_t interix(uint8_t *b, const char *s)
{
	memcpy(b, "IntxLNK\1", 8);
	size_t n = strlen(s);
	for (size_t i = 0; i < n; i++) {
		b[8 + 2 * i] = (uint8_t)s[i];
		b[9 + 2 * i] = 0;
	}
	return 8 + 2 * n;
}

Test(posix_symlink, interix_as_ntfs3g_writes_it)
{
	/* the bytes icat shows for `ln -s d/f.txt rel` on an ntfs-3g mount */
	static const uint8_t ntfs3g[] = {'I', 'n', 't', 'x', 'L', 'N', 'K', 1, 'd', 0, '/', 0, 'f', 0, '.', 0, 't', 0, 'x', 0, 't', 0};
	char out[64];
	ntfs_posix_kind k;
	ntfs_error e;
	cr_assert_eq(ntfs_posix_symlink_decode(ntfs3g, sizeof(ntfs3g), &k, out, sizeof(out), &e), NTFS_OK, "%s", e.reason);
	cr_assert_eq(k, NTFS_POSIX_INTERIX);
	cr_assert_str_eq(out, "d/f.txt");
	cr_assert_str_eq(ntfs_posix_kind_name(k), "interix_symlink");
}

Test(posix_symlink, cygwin_utf16_and_bytes)
{
	static const uint8_t utf16[] = {'!', '<', 's', 'y', 'm', 'l', 'i', 'n', 'k', '>', 0xFF, 0xFE, '/', 0, 'x', 0, 0, 0};
	static const char bytes[] = "!<symlink>/cygdrive/c/x\0";
	char out[64];
	ntfs_posix_kind k;
	ntfs_error e;
	cr_assert_eq(ntfs_posix_symlink_decode(utf16, sizeof(utf16), &k, out, sizeof(out), &e), NTFS_OK, "%s", e.reason);
	cr_assert_eq(k, NTFS_POSIX_CYGWIN);
	cr_assert_str_eq(out, "/x");
	cr_assert_eq(ntfs_posix_symlink_decode((const uint8_t *)bytes, sizeof(bytes) - 1, &k, out, sizeof(out), &e), NTFS_OK);
	cr_assert_str_eq(out, "/cygdrive/c/x");
}

Test(posix_symlink, damaged)
{
	uint8_t b[64];
	char out[8];
	ntfs_posix_kind k;
	ntfs_error e;
	size_t n = interix(b, "");
	cr_assert_eq(ntfs_posix_symlink_decode(b, n, &k, out, sizeof(out), &e), NTFS_E_INVALID); /* empty */
	n = interix(b, "abc");
	cr_assert_eq(ntfs_posix_symlink_decode(b, n - 1, &k, out, sizeof(out), &e), NTFS_E_INVALID); /* odd length */
	n = interix(b, "a-much-longer-target");
	cr_assert_eq(ntfs_posix_symlink_decode(b, n, &k, out, sizeof(out), &e), NTFS_E_RANGE);
	cr_assert_str_eq(out, "");
	cr_assert_eq(ntfs_posix_symlink_decode((const uint8_t *)"IntxLNK", 7, &k, out, sizeof(out), &e), NTFS_E_SIGNATURE);
	cr_assert_eq(ntfs_posix_symlink_decode((const uint8_t *)"!<symlink>", 10, &k, out, sizeof(out), NULL), NTFS_E_INVALID);
}
