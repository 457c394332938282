/* SPDX-License-Identifier: Apache-2.0 */
/* Runlist (mapping pairs) decoder: signed LCN deltas, sparse runs, bounded allocation, size checks. */
#include "runlist.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "le.h"

/* One decoded mapping pair before it is placed on the volume. */
typedef struct {
	uint64_t length;
	bool sparse;
	int64_t delta;
	size_t size;              /* bytes the pair occupies, header included */
} mapping_pair;

/* Reads n (1..8) little-endian bytes as an unsigned value. */
static uint64_t read_unsigned(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* Reads n (1..8) little-endian bytes as a two's-complement signed value (LCN deltas are signed). */
static int64_t read_signed(const uint8_t *p, unsigned n)
{
	uint64_t v = read_unsigned(p, n);

	if (n < 8 && (p[n - 1] & 0x80))
		v |= ~(uint64_t)0 << (8 * n);
	return (int64_t)v;
}

/* Decodes the pair at buf+pos: header nibbles give the length and offset field sizes. */
static ntfs_status read_pair(const uint8_t *buf, size_t len, size_t pos, mapping_pair *mp, ntfs_error *err)
{
	unsigned len_size = buf[pos] & 0x0F, off_size = buf[pos] >> 4;
	int64_t length;

	if (len_size == 0 || len_size > 8)
		return ntfs_error_set(err, NTFS_E_INVALID, "mapping pair at byte %zu: length field of %u bytes (needs 1..8)",
				      pos, len_size);
	if (off_size > 8)
		return ntfs_error_set(err, NTFS_E_INVALID, "mapping pair at byte %zu: offset field of %u bytes (max 8)", pos,
				      off_size);
	if (!le_in_bounds(len, pos + 1, (size_t)len_size + off_size))
		return ntfs_error_set(err, NTFS_E_TRUNCATED, "mapping pair at byte %zu needs %u bytes, %zu left", pos,
				      1 + len_size + off_size, len - pos);
	/* Lengths are stored signed; Windows never writes a negative or zero one. */
	length = read_signed(buf + pos + 1, len_size);
	if (length <= 0)
		return ntfs_error_set(err, NTFS_E_INVALID, "mapping pair at byte %zu: run length %lld is not positive", pos,
				      (long long)length);
	mp->length = (uint64_t)length;
	mp->sparse = off_size == 0;
	mp->delta = mp->sparse ? 0 : read_signed(buf + pos + 1 + len_size, off_size);
	mp->size = 1 + (size_t)len_size + off_size;
	return NTFS_OK;
}

/* Applies a signed delta to the previous LCN; the run must lie in [0, volume_clusters) (0 = no upper bound). */
static ntfs_status place_run(int64_t prev, const mapping_pair *mp, uint64_t volume_clusters, size_t pos, int64_t *lcn,
			     ntfs_error *err)
{
	int64_t v;

	if (__builtin_add_overflow(prev, mp->delta, &v) || v < 0)
		return ntfs_error_set(err, NTFS_E_RANGE, "mapping pair at byte %zu: LCN %lld%+lld is before the volume", pos,
				      (long long)prev, (long long)mp->delta);
	if (volume_clusters != 0 &&
	    ((uint64_t)v >= volume_clusters || mp->length > volume_clusters - (uint64_t)v))
		return ntfs_error_set(err, NTFS_E_RANGE,
				      "mapping pair at byte %zu: run LCN %lld + %llu clusters is past the volume's %llu clusters",
				      pos, (long long)v, (unsigned long long)mp->length, (unsigned long long)volume_clusters);
	if (mp->length > (uint64_t)INT64_MAX - (uint64_t)v)
		return ntfs_error_set(err, NTFS_E_RANGE, "mapping pair at byte %zu: run LCN %lld + %llu clusters overflows",
				      pos, (long long)v, (unsigned long long)mp->length);
	*lcn = v;
	return NTFS_OK;
}

/* A sparse run may be no longer than the volume either (0 = no upper bound), like a run with clusters. */
static ntfs_status bound_sparse_run(const mapping_pair *mp, uint64_t volume_clusters, size_t pos, ntfs_error *err)
{
	if (volume_clusters != 0 && mp->length > volume_clusters)
		return ntfs_error_set(err, NTFS_E_RANGE,
				      "mapping pair at byte %zu: sparse run of %llu clusters is longer than the volume's %llu clusters",
				      pos, (unsigned long long)mp->length, (unsigned long long)volume_clusters);
	return NTFS_OK;
}

/*
 * Grows rl to hold one more run: holds at most limit runs (runs before this call + len/2), and doubles
 * its capacity up to limit + the runs before this call. So one decode never allocates past len/2 runs,
 * and a runlist collected in many pieces (16,000 extension records) still doubles instead of growing
 * to each piece's limit, which reallocated the whole list per piece: quadratic wherever realloc copies
 * (ThreadSanitizer's realloc does; glibc's moves large blocks with mremap).
 */
static ntfs_status reserve(ntfs_runlist *rl, size_t limit, size_t base_count, ntfs_error *err)
{
	size_t cap;
	ntfs_run *runs;

	if (rl->count < rl->cap)
		return NTFS_OK;
	if (rl->count >= limit)
		return ntfs_error_set(err, NTFS_E_RANGE, "more runs than the mapping pairs' length allows (%zu)", limit);
	cap = rl->cap ? rl->cap * 2 : 8;
	if (cap > limit + base_count || cap < rl->cap)
		cap = limit + base_count;
	runs = realloc(rl->runs, cap * sizeof(*runs));
	if (runs == NULL)
		return ntfs_error_set(err, NTFS_E_NOMEM, "cannot allocate %zu runs", cap);
	rl->runs = runs;
	rl->cap = cap;
	return NTFS_OK;
}

/* VCN where the runs decoded so far end (0 for an empty list). */
static uint64_t end_vcn(const ntfs_runlist *rl)
{
	if (rl->count == 0)
		return 0;
	return rl->runs[rl->count - 1].vcn + rl->runs[rl->count - 1].length;
}

/* Restores rl to its state before a failed decode, so errors leave no partial runs behind. */
static ntfs_status rollback(ntfs_runlist *rl, size_t count, uint64_t total, ntfs_status st)
{
	rl->count = count;
	rl->total_clusters = total;
	return st;
}

/* Decodes mapping pairs at start_vcn and appends the runs to rl; see runlist.h. */
ntfs_status ntfs_runlist_decode(const uint8_t *buf, size_t len, uint64_t start_vcn, uint64_t volume_clusters,
				ntfs_runlist *rl, ntfs_error *err)
{
	size_t base_count = rl->count, pos = 0, limit;
	uint64_t base_total = rl->total_clusters, vcn = start_vcn;
	int64_t prev_lcn = 0;
	ntfs_status st;

	if (start_vcn > (uint64_t)INT64_MAX)
		return ntfs_error_set(err, NTFS_E_INVALID, "start VCN %llu is negative as a signed VCN",
				      (unsigned long long)start_vcn);
	if (rl->count > 0 && start_vcn < end_vcn(rl))
		return ntfs_error_set(err, NTFS_E_INVALID, "start VCN %llu overlaps the runs already decoded (end at %llu)",
				      (unsigned long long)start_vcn, (unsigned long long)end_vcn(rl));
	if (buf == NULL)
		len = 0;
	limit = base_count + len / 2;
	for (;;) {
		mapping_pair mp = {0};
		int64_t lcn = NTFS_LCN_SPARSE;

		if (pos >= len)
			return rollback(rl, base_count, base_total,
					ntfs_error_set(err, NTFS_E_TRUNCATED,
						       "mapping pairs end after %zu bytes without the terminating 0 byte", len));
		if (buf[pos] == 0)
			break;
		if ((st = read_pair(buf, len, pos, &mp, err)) != NTFS_OK)
			return rollback(rl, base_count, base_total, st);
		if (!mp.sparse && (st = place_run(prev_lcn, &mp, volume_clusters, pos, &lcn, err)) != NTFS_OK)
			return rollback(rl, base_count, base_total, st);
		if (mp.sparse && (st = bound_sparse_run(&mp, volume_clusters, pos, err)) != NTFS_OK)
			return rollback(rl, base_count, base_total, st);
		if (mp.length > (uint64_t)INT64_MAX - vcn)
			return rollback(rl, base_count, base_total,
					ntfs_error_set(err, NTFS_E_RANGE,
						       "mapping pair at byte %zu: VCN %llu + %llu clusters overflows", pos,
						       (unsigned long long)vcn, (unsigned long long)mp.length));
		if ((st = reserve(rl, limit, base_count, err)) != NTFS_OK)
			return rollback(rl, base_count, base_total, st);
		rl->runs[rl->count].vcn = vcn;
		rl->runs[rl->count].lcn = lcn;
		rl->runs[rl->count].length = mp.length;
		rl->count++;
		rl->total_clusters += mp.length;
		vcn += mp.length;
		if (!mp.sparse)
			prev_lcn = lcn;
		pos += mp.size;
	}
	ntfs_error_clear(err);
	return NTFS_OK;
}

/* Checks the decoded runs against the attribute's declared allocated size and VCN range. */
ntfs_status ntfs_runlist_check_sizes(const ntfs_runlist *rl, uint64_t allocated_size, uint32_t cluster_size,
				     ntfs_error *err)
{
	uint64_t vcn = 0, clusters;
	size_t i;

	if (cluster_size == 0)
		return ntfs_error_set(err, NTFS_E_INVALID, "cluster size is 0");
	if (allocated_size % cluster_size != 0)
		return ntfs_error_set(err, NTFS_E_INVALID, "allocated size %llu is not a multiple of the %u-byte cluster",
				      (unsigned long long)allocated_size, cluster_size);
	clusters = allocated_size / cluster_size;
	for (i = 0; i < rl->count; i++) {
		if (rl->runs[i].vcn != vcn)
			return ntfs_error_set(err, NTFS_E_INVALID, "run %zu starts at VCN %llu, expected %llu (gap in the runlist)",
					      i, (unsigned long long)rl->runs[i].vcn, (unsigned long long)vcn);
		vcn += rl->runs[i].length;
	}
	if (vcn != clusters)
		return ntfs_error_set(err, NTFS_E_INVALID,
				      "runs cover %llu clusters, allocated size %llu bytes declares %llu", (unsigned long long)vcn,
				      (unsigned long long)allocated_size, (unsigned long long)clusters);
	ntfs_error_clear(err);
	return NTFS_OK;
}

/* Maps a VCN to an LCN by binary search over the VCN-ordered runs. */
ntfs_status ntfs_runlist_lookup(const ntfs_runlist *rl, uint64_t vcn, int64_t *lcn, uint64_t *run_left,
				ntfs_error *err)
{
	size_t lo = 0, hi = rl->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const ntfs_run *r = &rl->runs[mid];
		if (vcn < r->vcn) {
			hi = mid;
		} else if (vcn - r->vcn >= r->length) {
			lo = mid + 1;
		} else {
			uint64_t off = vcn - r->vcn;
			*lcn = r->lcn == NTFS_LCN_SPARSE ? NTFS_LCN_SPARSE : r->lcn + (int64_t)off;
			if (run_left)
				*run_left = r->length - off;
			return NTFS_OK;
		}
	}
	return ntfs_error_set(err, NTFS_E_RANGE, "VCN %llu is not mapped by the runlist", (unsigned long long)vcn);
}

/* Releases the runs (the struct itself is the caller's). */
void ntfs_runlist_free(ntfs_runlist *rl)
{
	if (rl == NULL)
		return;
	free(rl->runs);
	rl->runs = NULL;
	rl->count = 0;
	rl->cap = 0;
	rl->total_clusters = 0;
}
