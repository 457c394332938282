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

Test(ntfs_error, long_reason_is_cut_at_a_word_with_an_ellipsis)
{
	ntfs_error e;
	char big[3000];
	size_t n = 0;
	while (n + 6 < sizeof(big)) {
		memcpy(big + n, "word ", 5);
		n += 5;
	}
	big[n] = '\0';
	ntfs_error_set(&e, NTFS_E_INVALID, "%s", big);
	size_t len = strlen(e.reason);
	cr_assert_lt(len, sizeof(e.reason));
	cr_assert_gt(len, sizeof(e.reason) - 60, "cut far too early: %zu", len);
	cr_assert_str_eq(e.reason + len - 7, "word\xE2\x80\xA6", "ends in a whole word and the ellipsis");
	cr_assert_eq(e.status, NTFS_E_INVALID);
}

Test(ntfs_error, long_reason_without_spaces_is_cut_between_utf8_characters)
{
	ntfs_error e;
	char big[4000];
	size_t n = 0;
	while (n + 3 < sizeof(big)) {
		memcpy(big + n, "\xC3\xA9", 2); /* é: two bytes, no space anywhere */
		n += 2;
	}
	big[n] = '\0';
	for (int shift = 0; shift < 2; shift++) {
		ntfs_error_set(&e, NTFS_E_RANGE, "%s%s", shift ? "x" : "", big);
		size_t len = strlen(e.reason);
		cr_assert_lt(len, sizeof(e.reason));
		cr_assert_str_eq(e.reason + len - 3, "\xE2\x80\xA6");
		/* every byte before the ellipsis belongs to a whole é (after the optional x) */
		for (size_t i = (size_t)shift; i + 3 < len; i += 2)
			cr_assert(!memcmp(e.reason + i, "\xC3\xA9", 2), "shift %d: byte %zu splits a character", shift, i);
	}
}

Test(ntfs_error, real_length_messages_are_not_cut)
{
	ntfs_error e;
	char path[600];
	memset(path, 'p', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	ntfs_error_set(&e, NTFS_E_INVALID, "%s: no NTFS volume found (%d partition(s) of other types)", path, 3);
	cr_assert_eq(strlen(e.reason), 599 + strlen(": no NTFS volume found (3 partition(s) of other types)"));
	cr_assert_null(strstr(e.reason, "\xE2\x80\xA6"));
}

Test(ntfs_error, prefix_wraps_the_cause_and_keeps_the_status)
{
	ntfs_error e;
	ntfs_error_set(&e, NTFS_E_TRUNCATED, "the image is %u bytes long", 4096u);
	cr_assert_eq(ntfs_error_prefix(&e, "$MFT record 0 unusable (%s); $MFTMirr copy unusable too: ", "bad fixup"),
		     NTFS_E_TRUNCATED);
	cr_assert_eq(e.status, NTFS_E_TRUNCATED);
	cr_assert_str_eq(e.reason, "$MFT record 0 unusable (bad fixup); $MFTMirr copy unusable too: the image is 4096 bytes long");
	cr_assert_eq(ntfs_error_prefix(NULL, "x"), NTFS_OK);
}

Test(ntfs_error, prefix_may_read_from_the_reason_it_rewrites)
{
	ntfs_error e;
	ntfs_error_set(&e, NTFS_E_INVALID, "cause");
	ntfs_error_prefix(&e, "[%s] ", e.reason); /* the old reason is an argument of its own prefix */
	cr_assert_str_eq(e.reason, "[cause] cause");
}

Test(ntfs_error, prefix_that_overflows_is_cut_on_a_boundary)
{
	ntfs_error e;
	char word[2000];
	size_t n = 0;
	while (n + 5 < sizeof(word)) {
		memcpy(word + n, "abcd ", 5);
		n += 5;
	}
	word[n] = '\0';
	ntfs_error_set(&e, NTFS_E_RANGE, "%.*s", 700, word);
	ntfs_error_prefix(&e, "%.*s", 600, word);
	size_t len = strlen(e.reason);
	cr_assert_lt(len, sizeof(e.reason));
	cr_assert_str_eq(e.reason + len - 7, "abcd\xE2\x80\xA6");
	cr_assert_eq(strncmp(e.reason, word, 600), 0, "the prefix comes first");
	cr_assert_eq(e.status, NTFS_E_RANGE);
}

Test(ntfs_error, status_names_are_stable)
{
	cr_assert_str_eq(ntfs_status_name(NTFS_E_TRUNCATED), "truncated");
	cr_assert_str_eq(ntfs_status_name(NTFS_OK), "ok");
}
