/* SPDX-License-Identifier: Apache-2.0 */
/*
 * LZNT1, the compression of NTFS compressed files ([MS-XCA] 2.5): one compression unit's stored bytes
 * in, its decompressed bytes out. A unit is a run of chunks, each a 16-bit header (bits 0-11: chunk
 * bytes - 3, header included; bit 15: compressed) then either 4096 raw bytes or flag-grouped literals
 * and back-references; each chunk stands for 4096 bytes of output (a short chunk is zero-filled to
 * 4096, as Windows and ntfs-3g read it), and a 0 header or the end of the input ends the unit, whose
 * remaining output is zeros. Pure: no I/O, no allocation, every offset bounds-checked. Thread-safe.
 */
#ifndef NTFSLINKS_LZNT1_H
#define NTFSLINKS_LZNT1_H

#include <stddef.h>
#include <stdint.h>

#include "ntfs_error.h"

#define NTFS_LZNT1_CHUNK 4096u    /* output bytes per chunk */

/*
 * Decompresses in[0, in_len) into exactly out_len bytes of out (zeros past what the chunks give).
 * *produced (may be NULL) gets the bytes the chunks gave before the zero fill of the end. Errors:
 * a chunk header running past the input, a back-reference before its chunk's first byte, a chunk
 * giving more than 4096 bytes or more than out_len in all, a raw chunk that is not 4096 bytes
 * (unless it ends the output).
 */
ntfs_status ntfs_lznt1_decompress(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len, size_t *produced,
				  ntfs_error *err);

#endif
