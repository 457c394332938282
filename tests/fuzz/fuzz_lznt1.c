/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer harness for the LZNT1 decoder. Input: 1 byte (units of 4 KiB of output, 1..16, as a unit of
 * 16 clusters of 256 B..4 KiB) then the compressed bytes. Whatever it is given, the decoder must write
 * exactly the output it was given room for (the zero fill included), report no more bytes produced than
 * that, give every error a reason, and decode the same input the same way twice.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lznt1.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[16 * 4096 + 1], again[16 * 4096];
	ntfs_error err, err2;
	size_t got = 0, got2 = 0;
	if (size < 1)
		return 0;
	size_t n = ((size_t)(data[0] % 16) + 1) * 4096;
	out[n] = 0x5A; /* a canary just past the output */
	ntfs_status st = ntfs_lznt1_decompress(data + 1, size - 1, out, n, &got, &err);
	if (out[n] != 0x5A || got > n)
		__builtin_trap();
	if (st != NTFS_OK && (err.status != st || err.reason[0] == '\0'))
		__builtin_trap();
	ntfs_status st2 = ntfs_lznt1_decompress(data + 1, size - 1, again, n, &got2, &err2);
	if (st2 != st || got2 != got || (st == NTFS_OK && memcmp(out, again, n) != 0))
		__builtin_trap();
	if (st == NTFS_OK)
		for (size_t i = got; i < n; i++) /* past what the chunks gave: zeros */
			if (out[i] != 0)
				__builtin_trap();
	return 0;
}
