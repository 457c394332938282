/* SPDX-License-Identifier: Apache-2.0 */
#include "ntfs_error.h"

#include <stdarg.h>
#include <stdio.h>

ntfs_status ntfs_error_set(ntfs_error *err, ntfs_status st, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		err->status = st;
		va_start(ap, fmt);
		vsnprintf(err->reason, sizeof(err->reason), fmt, ap);
		va_end(ap);
	}
	return st;
}

void ntfs_error_clear(ntfs_error *err)
{
	if (err) {
		err->status = NTFS_OK;
		err->reason[0] = '\0';
	}
}

const char *ntfs_status_name(ntfs_status st)
{
	switch (st) {
	case NTFS_OK: return "ok";
	case NTFS_E_TRUNCATED: return "truncated";
	case NTFS_E_SIGNATURE: return "signature";
	case NTFS_E_INVALID: return "invalid";
	case NTFS_E_RANGE: return "range";
	case NTFS_E_UNSUPPORTED: return "unsupported";
	case NTFS_E_NOMEM: return "nomem";
	case NTFS_E_IO: return "io";
	}
	return "unknown";
}
