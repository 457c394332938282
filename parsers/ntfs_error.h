/* SPDX-License-Identifier: Apache-2.0 */
/* Error values shared by every decoder: a status code plus a human-readable reason. */
#ifndef NTFSLINKS_NTFS_ERROR_H
#define NTFSLINKS_NTFS_ERROR_H

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

typedef struct {
	ntfs_status status;
	char reason[256];
} ntfs_error;

/* Records a status and a printf-style reason; err may be NULL. Returns st so callers can `return ntfs_error_set(...)`. */
ntfs_status ntfs_error_set(ntfs_error *err, ntfs_status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Clears an error to NTFS_OK with an empty reason. */
void ntfs_error_clear(ntfs_error *err);

/* Short stable name of a status ("truncated", "range", ...) for messages and reports. */
const char *ntfs_status_name(ntfs_status st);

#endif
