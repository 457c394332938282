/* SPDX-License-Identifier: Apache-2.0 */
#include "ntfs_error.h"

#include <stdio.h>
#include <string.h>

#define ELLIPSIS "\xE2\x80\xA6" /* U+2026, three bytes */
#define WORD_BACKTRACK 48       /* a cut looks this far back for a space before cutting inside a word */

/* Cuts a reason that did not fit (need bytes wanted, NUL excluded) so that it ends in "…" on a boundary. */
static void reason_cut(char *s, size_t cap, size_t need)
{
	if (need < cap)
		return;
	size_t end = cap - sizeof(ELLIPSIS); /* room for the ellipsis and the NUL */
	while (end > 0 && ((unsigned char)s[end] & 0xC0) == 0x80)
		end--; /* never split a UTF-8 sequence: s[end] is now the start of a character */
	for (size_t k = end; k > 0 && end - k < WORD_BACKTRACK; k--)
		if (s[k - 1] == ' ') {
			end = k - 1;
			break;
		}
	memcpy(s + end, ELLIPSIS, sizeof(ELLIPSIS)); /* with its NUL */
}

size_t ntfs_text_vformat(char *s, size_t cap, const char *fmt, va_list ap)
{
	int n = vsnprintf(s, cap, fmt, ap);
	if (n < 0) {
		snprintf(s, cap, "(unformattable message)");
		return strlen(s);
	}
	if ((size_t)n < cap)
		return (size_t)n;
	reason_cut(s, cap, (size_t)n);
	return strlen(s);
}

ntfs_status ntfs_error_set(ntfs_error *err, ntfs_status st, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		err->status = st;
		va_start(ap, fmt);
		ntfs_text_vformat(err->reason, sizeof(err->reason), fmt, ap);
		va_end(ap);
	}
	return st;
}

ntfs_status ntfs_error_prefix(ntfs_error *err, const char *fmt, ...)
{
	if (!err)
		return NTFS_OK;
	char cause[sizeof(err->reason)], prefix[sizeof(err->reason)];
	va_list ap;
	memcpy(cause, err->reason, sizeof(cause));
	cause[sizeof(cause) - 1] = '\0';
	va_start(ap, fmt);
	ntfs_text_vformat(prefix, sizeof(prefix), fmt, ap); /* arguments may point into err->reason: read before writing */
	va_end(ap);
	size_t lp = strlen(prefix), lc = strlen(cause);
	memcpy(err->reason, prefix, lp + 1);
	if (lp + lc < sizeof(err->reason)) {
		memcpy(err->reason + lp, cause, lc + 1);
	} else {
		size_t room = sizeof(err->reason) - 1 - lp;
		memcpy(err->reason + lp, cause, room);
		err->reason[sizeof(err->reason) - 1] = '\0';
		reason_cut(err->reason, sizeof(err->reason), lp + lc);
	}
	return err->status;
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
