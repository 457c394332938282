/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The MFT scan: $MFT read in large chunks, records parsed in parallel into the model's tables.
 * Threads: mft_scan starts and joins its own workers; the caller must not touch the model meanwhile.
 * The progress callback runs on the calling thread, between chunks.
 */
#ifndef NTFSLINKS_MFT_SCAN_H
#define NTFSLINKS_MFT_SCAN_H

#include "model.h"

/* Called after each chunk of volume m with records done so far; returning non-zero stops the scan early. */
typedef int (*mft_scan_progress)(void *ctx, const model *m, uint64_t done, uint64_t total);

/*
 * Scans every record of m->vol into m with `threads` workers (0: one per core), then merges
 * extension records. Read errors cost the records they cover (anomaly, m->partial), not the scan.
 */
ntfs_status mft_scan(model *m, int threads, mft_scan_progress progress, void *ctx, ntfs_error *err);

#endif
