/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the shell link decoder: two vectors written by fixtures/lnk.py, their fields as lnkinfo
 * (liblnk) prints them, and hostile copies with sizes that lie.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "le.h"
#include "shell_link.h"
#include "test_data.h"

static ntfs_shell_link sl;

Test(shell_link, local_target_as_lnkinfo_shows_it)
{
	uint8_t b[4096];
	size_t n = test_data_load("lnk_local.lnk", b, sizeof(b));
	ntfs_error e;
	cr_assert(ntfs_shell_link_sniff(b, n));
	cr_assert_eq(ntfs_shell_link_decode(b, n, &sl, &e), NTFS_OK, "%s", e.reason);
	cr_assert(sl.has_volume);
	cr_assert_eq(sl.drive_type, NTFS_LNK_DRIVE_FIXED);
	cr_assert_str_eq(ntfs_shell_link_drive_type_name(sl.drive_type), "fixed");
	cr_assert_eq(sl.drive_serial, 0x1a2b3c4d);
	cr_assert_str_eq(sl.volume_label, "DATA");
	cr_assert(sl.has_local_path);
	cr_assert_str_eq(sl.local_path, "C:\\docs\\report.txt");
	cr_assert_str_eq(sl.relative_path, "..\\docs\\report.txt");
	cr_assert_str_eq(sl.working_dir, "C:\\docs");
	cr_assert_not(sl.has_network);
	cr_assert_eq(sl.file_size, 1234);
	cr_assert_eq(sl.file_attributes, 0x20);
	cr_assert_eq(sl.write_time, 132540302450000000ull); /* Jan 02, 2021 03:04:05 UTC */
	cr_assert_not(sl.truncated);
}

Test(shell_link, share_target)
{
	uint8_t b[4096];
	size_t n = test_data_load("lnk_share.lnk", b, sizeof(b));
	ntfs_error e;
	cr_assert_eq(ntfs_shell_link_decode(b, n, &sl, &e), NTFS_OK, "%s", e.reason);
	cr_assert_not(sl.has_volume);
	cr_assert(sl.has_network);
	cr_assert_str_eq(sl.net_name, "\\\\FILESRV\\public");
	cr_assert_str_eq(sl.device_name, "Z:");
	cr_assert_str_eq(sl.network_path, "\\\\FILESRV\\public\\plans\\q3.xlsx");
}

Test(shell_link, sizes_that_lie)
{
	uint8_t b[4096], c[4096];
	size_t n = test_data_load("lnk_local.lnk", b, sizeof(b));
	ntfs_error e;
	size_t li = NTFS_LNK_HEADER_SIZE; /* no ID list in the vector: LinkInfo follows the header */

	memcpy(c, b, n); /* LinkInfo claims more bytes than the file has */
	le16_put(c + li, 0xFFFF);
	le16_put(c + li + 2, 0x7FFF);
	cr_assert_eq(ntfs_shell_link_decode(c, n, &sl, &e), NTFS_E_RANGE, "%s", e.reason);
	cr_assert(strstr(e.reason, "LinkInfo size") != NULL, "%s", e.reason);

	memcpy(c, b, n); /* VolumeID offset past LinkInfo */
	le16_put(c + li + 12, 0x7000);
	cr_assert_eq(ntfs_shell_link_decode(c, n, &sl, &e), NTFS_E_RANGE, "%s", e.reason);

	memcpy(c, b, n); /* local base path without its NUL: the LinkInfo ends first */
	uint32_t size = le32(c + li);
	memset(c + li + le32(c + li + 16), 'A', size - le32(c + li + 16));
	cr_assert_neq(ntfs_shell_link_decode(c, n, &sl, &e), NTFS_OK);

	memcpy(c, b, n); /* a string count past the end of the file */
	size_t sd = li + size;
	le16_put(c + sd, 0xFFFF);
	cr_assert_eq(ntfs_shell_link_decode(c, n, &sl, &e), NTFS_E_RANGE, "%s", e.reason);
	cr_assert(strstr(e.reason, "RELATIVE_PATH") != NULL, "%s", e.reason);

	memcpy(c, b, n); /* an ID list that claims 64 KiB */
	uint32_t flags = le32(c + 20) | NTFS_LNK_HAS_ID_LIST;
	memcpy(c + 20, &flags, 4);
	le16_put(c + li, 0xFFFF);
	cr_assert_eq(ntfs_shell_link_decode(c, n, &sl, &e), NTFS_E_RANGE, "%s", e.reason);

	for (size_t cut = 0; cut < n; cut++) /* every truncation fails cleanly or decodes */
		(void)ntfs_shell_link_decode(b, cut, &sl, &e);
	cr_assert_eq(ntfs_shell_link_decode(b, 60, &sl, &e), NTFS_E_SIGNATURE);
}
