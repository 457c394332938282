/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE /* fopencookie */
#include "config.h"
#include "report_hash.h"

#include <stdbool.h>
#include <stdlib.h>
#include <sys/types.h>

#include "sha256.h"

struct report_hash {
	FILE *dest;
	sha256_ctx sha;
	bool failed;
};

/* fopencookie's write: on to the destination, into the digest. */
static ssize_t hash_write(void *cookie, const char *buf, size_t n)
{
	report_hash *h = cookie;
	if (fwrite(buf, 1, n, h->dest) != n) {
		h->failed = true;
		return -1;
	}
	sha256_update(&h->sha, buf, n);
	return (ssize_t)n;
}

FILE *report_hash_open(FILE *dest, report_hash **out)
{
	report_hash *h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	h->dest = dest;
	sha256_init(&h->sha);
	cookie_io_functions_t io = {.write = hash_write};
	FILE *f = fopencookie(h, "w", io);
	if (!f) {
		free(h);
		return NULL;
	}
	*out = h;
	return f;
}

int report_hash_close(FILE *stream, report_hash *h, char hex[65])
{
	int bad = fclose(stream) != 0;
	uint8_t d[32];
	sha256_final(&h->sha, d);
	sha256_hex(d, hex);
	bad |= h->failed || fflush(h->dest) != 0 || ferror(h->dest);
	free(h);
	return bad ? -1 : 0;
}
