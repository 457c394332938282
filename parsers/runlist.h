/* SPDX-License-Identifier: Apache-2.0 */
/* Runlists (mapping pairs) of non-resident attributes: VCN ranges mapped to clusters on the volume. */
#ifndef NTFSLINKS_RUNLIST_H
#define NTFSLINKS_RUNLIST_H

#include <stddef.h>
#include <stdint.h>
#include "ntfs_error.h"

#define NTFS_LCN_SPARSE (-1)

typedef struct {
	uint64_t vcn;             /* first virtual cluster of the run */
	int64_t lcn;              /* first logical cluster, or NTFS_LCN_SPARSE */
	uint64_t length;          /* clusters */
} ntfs_run;

typedef struct {
	ntfs_run *runs;
	size_t count;
	size_t cap;
	uint64_t total_clusters;  /* sum of run lengths */
} ntfs_runlist;

/*
 * Decodes mapping pairs starting at start_vcn and appends the runs to rl (so the pieces of an
 * attribute split across extension records join up). Every run must lie in [0, volume_clusters), and
 * a sparse run may be no longer than volume_clusters either (the attributes read through runlists here,
 * metadata, attribute lists, reparse data and descriptors, are never sparse beyond the volume; a sparse
 * user file can be, but its runs are not decoded); a zero length, an LCN before the volume or past its
 * end, or a VCN overflow is an error.
 * Allocates at most len/2 runs. rl starts zeroed ({0}); pieces must come in VCN order (start_vcn at
 * or after the end of the runs already in rl; a gap is allowed and left unmapped). volume_clusters 0
 * means "unknown" (e.g. an extracted $MFT file): no upper bound is checked. On error rl is left as it
 * was before the call.
 */
ntfs_status ntfs_runlist_decode(const uint8_t *buf, size_t len, uint64_t start_vcn, uint64_t volume_clusters,
				ntfs_runlist *rl, ntfs_error *err);

/* Checks the decoded runs against the attribute's declared allocated size and VCN range. */
ntfs_status ntfs_runlist_check_sizes(const ntfs_runlist *rl, uint64_t allocated_size, uint32_t cluster_size,
				     ntfs_error *err);

/* Maps a VCN to an LCN; returns NTFS_LCN_SPARSE for sparse runs, and sets *run_left (clusters left in the run). */
ntfs_status ntfs_runlist_lookup(const ntfs_runlist *rl, uint64_t vcn, int64_t *lcn, uint64_t *run_left,
				ntfs_error *err);

/* Releases the runs (the struct itself is the caller's). */
void ntfs_runlist_free(ntfs_runlist *rl);

#endif
