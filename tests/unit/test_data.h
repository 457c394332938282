/* SPDX-License-Identifier: Apache-2.0 */
/* Test vectors of tests/unit/data/, found through $top_srcdir (else the current folder). */
#ifndef NTFSLINKS_TEST_DATA_H
#define NTFSLINKS_TEST_DATA_H

#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Reads at most cap bytes of tests/unit/data/<name> into buf; returns how many were read. */
static inline size_t test_data_load(const char *name, uint8_t *buf, size_t cap)
{
	const char *top = getenv("top_srcdir");
	char path[4096];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/tests/unit/data/%s", top && *top ? top : ".", name);
	f = fopen(path, "rb");
	cr_assert_not_null(f, "cannot open %s (set top_srcdir to the source tree)", path);
	n = fread(buf, 1, cap, f);
	fclose(f);
	return n;
}

#endif
