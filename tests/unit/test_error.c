/* SPDX-License-Identifier: Apache-2.0 */
#include <criterion/criterion.h>
#include <string.h>

#include "ntfs_error.h"

Test(ntfs_error, set_formats_reason_and_returns_status)
{
	ntfs_error e;
	cr_assert_eq(ntfs_error_set(&e, NTFS_E_RANGE, "offset %u past %u", 10u, 8u), NTFS_E_RANGE);
	cr_assert_eq(e.status, NTFS_E_RANGE);
	cr_assert_str_eq(e.reason, "offset 10 past 8");
	ntfs_error_clear(&e);
	cr_assert_eq(e.status, NTFS_OK);
	cr_assert_str_eq(e.reason, "");
}

Test(ntfs_error, null_error_is_allowed)
{
	cr_assert_eq(ntfs_error_set(NULL, NTFS_E_INVALID, "x"), NTFS_E_INVALID);
}

Test(ntfs_error, long_reason_is_truncated_not_overflowed)
{
	ntfs_error e;
	char big[1000];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ntfs_error_set(&e, NTFS_E_INVALID, "%s", big);
	cr_assert_eq(strlen(e.reason), sizeof(e.reason) - 1);
}

Test(ntfs_error, status_names_are_stable)
{
	cr_assert_str_eq(ntfs_status_name(NTFS_E_TRUNCATED), "truncated");
	cr_assert_str_eq(ntfs_status_name(NTFS_OK), "ok");
}
