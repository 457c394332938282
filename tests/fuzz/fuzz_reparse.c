/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer harness for reparse_decode: any input must decode or fail cleanly, never read outside
 * the buffer or leak, and every string it returns must be a NUL-terminated valid UTF-8 C string
 * (the report writes them straight into JSON).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "reparse.h"
#include "utf16.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Traps unless s is NULL or valid UTF-8 without embedded NULs. */
static void check_string(const char *s)
{
	if (s == NULL)
		return;
	size_t n = strlen(s);
	if (ntfs_utf8_validate(s, n) != n)
		__builtin_trap();
}

/* Checks the invariants the analyzer relies on for one decoded point. */
static void check_point(const reparse_point *rp)
{
	const char *const strings[] = {rp->substitute_name, rp->print_name, rp->lx_target, rp->appx_package_id,
				       rp->appx_app_user_model_id, rp->appx_target_path, rp->appx_app_type,
				       rp->nfs_target, rp->wci_name};
	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
		check_string(strings[i]);
	if (memchr(rp->malformed_reason, '\0', sizeof(rp->malformed_reason)) == NULL)
		__builtin_trap();
	if (rp->malformed != (rp->malformed_reason[0] != '\0'))
		__builtin_trap();
	if (rp->has_guid && strlen(rp->guid_string) != 38)
		__builtin_trap();
	if (reparse_kind_name(rp->kind) == NULL)
		__builtin_trap();
	if (rp->kind == REPARSE_KIND_THIRD_PARTY && reparse_tag_is_microsoft(rp->tag))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	reparse_point rp;
	ntfs_error err;

	if (reparse_decode(data, size, &rp, &err) == NTFS_OK)
		check_point(&rp);
	reparse_point_free(&rp);
	return 0;
}
