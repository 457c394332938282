/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The content of a file: one $DATA stream (unnamed or named) of a record, read through the volume's
 * bounded reads. Resident, non-resident, sparse (holes read as zeros), NTFS-compressed (LZNT1), spread
 * over extension records by an attribute list; bytes past the initialized size read as zeros. Never
 * more than the caller's cap is allocated, whatever the record claims: a size the runs cannot hold is
 * an error (for the caller to record as an anomaly), not an allocation. Not read, with NTFS_E_UNSUPPORTED
 * and a reason saying so: WOF-compressed files (reparse tag WOF: the data lives in the WofCompressedData
 * stream, XPRESS/LZX), EFS-encrypted streams, compression units other than 16 clusters of at most 4 KiB.
 * Threads: reads only the open volume and allocates its own buffers, so any number of threads may read
 * files of one volume at once.
 */
#ifndef NTFSLINKS_FILE_DATA_H
#define NTFSLINKS_FILE_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ntfs_error.h"
#include "volume.h"

enum {                            /* file_data_read flags */
	FILE_DATA_PREFIX = 0x1    /* a stream larger than max: read its first max bytes (truncated set)
				   * instead of failing with NTFS_E_RANGE */
};

typedef struct {
	uint8_t *data;            /* malloc'd, len bytes (never NULL after success) */
	size_t len;               /* bytes read: the stream's size, or max with FILE_DATA_PREFIX */
	uint64_t size;            /* the stream's declared size */
	bool resident;
	bool sparse;              /* the attribute is flagged sparse */
	bool compressed;          /* LZNT1-compressed */
	bool truncated;           /* FILE_DATA_PREFIX cut it at max */
	bool outside_mft;         /* set on error (NTFS_E_UNSUPPORTED) only: the stream is non-resident and the
				   * volume an extracted $MFT, which holds none of its clusters */
} file_data;

/*
 * Reads stream `stream` (ASCII name; NULL = the unnamed $DATA) of base record rec into out, at most max
 * bytes. Errors: NTFS_E_RANGE when the stream is larger than max (without FILE_DATA_PREFIX);
 * NTFS_E_INVALID when its sizes lie (data size past the allocated size, compressed clusters after a
 * hole) or it has no such stream; NTFS_E_UNSUPPORTED for WOF, EFS and unusual compression; NTFS_E_TRUNCATED
 * when its clusters lie past the end of the image; LZNT1 errors from parsers/lznt1.h. out is zeroed on error,
 * except outside_mft (a non-resident stream of an extracted $MFT: NTFS_E_UNSUPPORTED, nothing allocated).
 */
ntfs_status file_data_read(volume *vol, uint64_t rec, const char *stream, size_t max, unsigned flags, file_data *out,
			   ntfs_error *err);

/* Frees what file_data_read allocated. */
void file_data_free(file_data *fd);

#endif
