/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the well-known SID table. */
#include <criterion/criterion.h>
#include <string.h>

#include "accounts.h"

Test(accounts, well_known_names)
{
	cr_assert_str_eq(accounts_well_known_name("S-1-1-0"), "Everyone");
	cr_assert_str_eq(accounts_well_known_name("S-1-5-18"), "NT AUTHORITY\\SYSTEM");
	cr_assert_str_eq(accounts_well_known_name("S-1-5-32-545"), "BUILTIN\\Users");
	cr_assert_str_eq(accounts_well_known_name("S-1-5-11"), "NT AUTHORITY\\Authenticated Users");
	cr_assert_str_eq(accounts_well_known_name("S-1-5-4"), "NT AUTHORITY\\INTERACTIVE");
	cr_assert_str_eq(accounts_well_known_name("S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464"),
			 "NT SERVICE\\TrustedInstaller");
	cr_assert_null(accounts_well_known_name("S-1-5-21-1-2-3-1001"));
	cr_assert_null(accounts_well_known_name("S-1-5-3 2-544"));
	cr_assert_null(accounts_well_known_name(""));
	cr_assert_null(accounts_well_known_name(NULL));
}

Test(accounts, table_sorted_for_bsearch)
{
	size_t n;
	const accounts_well_known *t = accounts_well_known_table(&n);
	cr_assert_gt(n, 30);
	for (size_t i = 1; i < n; i++)
		cr_assert_lt(strcmp(t[i - 1].sid, t[i].sid), 0, "%s before %s", t[i - 1].sid, t[i].sid);
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(accounts_well_known_name(t[i].sid), t[i].name);
}
