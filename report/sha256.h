/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SHA-256 (FIPS 180-4), for the HTML report: its own digest (printed and written beside it, so the copy
 * handed over can be checked with sha256sum -c) and the hash of its script in the page's
 * Content-Security-Policy. Tested against the FIPS 180-4 / NIST example vectors (tests/unit/test_sha256.c).
 * Threads: one sha256_ctx per thread.
 */
#ifndef NTFSLINKS_SHA256_H
#define NTFSLINKS_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
	uint32_t h[8];
	uint64_t bytes;           /* message length so far */
	uint8_t block[64];
	size_t used;              /* bytes in block */
} sha256_ctx;

/* Starts a digest. */
void sha256_init(sha256_ctx *c);

/* Adds n bytes. */
void sha256_update(sha256_ctx *c, const void *data, size_t n);

/* Finishes the digest into out (32 bytes); c must be initialised again before reuse. */
void sha256_final(sha256_ctx *c, uint8_t out[32]);

/* The digest as 64 lower-case hex digits and a NUL. */
void sha256_hex(const uint8_t d[32], char out[65]);

/* The digest in base64 (44 characters and a NUL), as a CSP hash source wants it. */
void sha256_base64(const uint8_t d[32], char out[45]);

#endif
