/* SPDX-License-Identifier: Apache-2.0 */
/* Error values shared by every decoder: a status code plus a human-readable reason. */
#ifndef NTFSLINKS_NTFS_ERROR_H
#define NTFSLINKS_NTFS_ERROR_H

#include <stdarg.h>
#include <stddef.h>

typedef enum {
	NTFS_OK = 0,
	NTFS_E_TRUNCATED,   /* the buffer is shorter than the structure needs */
	NTFS_E_SIGNATURE,   /* magic bytes are wrong */
	NTFS_E_INVALID,     /* a field holds a value that cannot be right */
	NTFS_E_RANGE,       /* an offset, length or count points outside its container */
	NTFS_E_UNSUPPORTED, /* well-formed but not something we decode */
	NTFS_E_NOMEM,       /* allocation failed */
	NTFS_E_IO           /* reading the image failed (analyzer only; parsers never do I/O) */
} ntfs_status;

/*
 * Room for a reason: the longest real message (a cause wrapped twice, e.g. "$MFT record 0 unusable
 * (...); $MFTMirr copy unusable too: ...", or one that names an image path) fits; anything longer is
 * cut at a word (or at least a UTF-8 character) boundary and ends in "…".
 */
#define NTFS_ERROR_REASON_MAX 1024

typedef struct {
	ntfs_status status;
	char reason[NTFS_ERROR_REASON_MAX];
} ntfs_error;

/* Records a status and a printf-style reason; err may be NULL. Returns st so callers can `return ntfs_error_set(...)`. */
ntfs_status ntfs_error_set(ntfs_error *err, ntfs_status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Wraps the cause already in err: the reason becomes the formatted prefix followed by the old reason
 * ("record 7: " + "attribute at 0x38 has length 0"). The status is kept. err may be NULL; the format's
 * arguments may point into err->reason itself. Returns err's status (NTFS_OK when err is NULL).
 */
ntfs_status ntfs_error_prefix(ntfs_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * vsnprintf into s (cap >= 8 bytes) that never leaves half a word or half a UTF-8 character: text
 * that does not fit is cut at a space (or a character boundary) and ends in "…". Returns the length.
 */
size_t ntfs_text_vformat(char *s, size_t cap, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));

/* Clears an error to NTFS_OK with an empty reason. */
void ntfs_error_clear(ntfs_error *err);

/* Short stable name of a status ("truncated", "range", ...) for messages and reports. */
const char *ntfs_status_name(ntfs_status st);

#endif
