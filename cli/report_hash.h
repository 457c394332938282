/* SPDX-License-Identifier: Apache-2.0 */
/* The report's own SHA-256, taken as it is written (--format html): a stream that passes every byte on to
 * the destination and hashes it, so the digest is of exactly the bytes written, to a file or a pipe. */
#ifndef NTFSLINKS_REPORT_HASH_H
#define NTFSLINKS_REPORT_HASH_H

#include <stdio.h>

typedef struct report_hash report_hash;

/* A stream that writes through to dest and hashes what passes; NULL when memory ran out. */
FILE *report_hash_open(FILE *dest, report_hash **out);

/* Closes the stream (its last bytes go on to dest, which stays open) and writes the digest as 64 hex
 * digits into hex. Returns 0, or -1 when a write to dest failed. */
int report_hash_close(FILE *stream, report_hash *h, char hex[65]);

#endif
