/* SPDX-License-Identifier: Apache-2.0 */
/* UTF-16LE names to UTF-8 and back; unpaired surrogates are escaped as \uD800, never dropped. */
#ifndef NTFSLINKS_UTF16_H
#define NTFSLINKS_UTF16_H

#include <stddef.h>
#include <stdint.h>

/*
 * Converts `units` UTF-16LE code units at src to UTF-8 in dst (cap bytes, NUL-terminated when
 * cap > 0). An unpaired surrogate becomes the six characters "\uD800" (upper-case hex), and U+0000
 * becomes "\u0000", so the result is always a C string. A character is written whole or not at all.
 * Returns the length the full conversion needs, excluding the NUL (like snprintf).
 */
size_t ntfs_utf16_to_utf8(const uint8_t *src, size_t units, char *dst, size_t cap);

/* Same, into a fresh malloc'd string; NULL on allocation failure. */
char *ntfs_utf16_to_utf8_alloc(const uint8_t *src, size_t units);

/*
 * Converts UTF-8 (as produced above, "\uXXXX" escapes included) back to UTF-16 code units in
 * host order. Returns the number of units the full conversion needs; writes at most cap.
 * Invalid UTF-8 bytes map to U+FFFD.
 */
size_t ntfs_utf8_to_utf16(const char *src, size_t len, uint16_t *dst, size_t cap);

/*
 * Offset of the first byte of src[0..len) that is not part of valid UTF-8 (overlongs, encoded
 * surrogates and values past U+10FFFF are invalid) or is NUL; len when the whole text is valid.
 */
size_t ntfs_utf8_validate(const char *src, size_t len);

#endif
