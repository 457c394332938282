/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer harness for runlists. Input: 4 bytes volume clusters (0 = unknown), 2 bytes start VCN, then
 * mapping pairs. The pairs are decoded once at the start VCN and once more appended after the first
 * piece, as the analyzer joins extents; every run, lookup and size check must stay consistent.
 */
#include <stdint.h>
#include <stdlib.h>

#include "le.h"
#include "runlist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Traps unless runs[from..count) are contiguous from vcn, inside the volume, and each lookup agrees. */
static void check_runs(const ntfs_runlist *rl, size_t from, uint64_t vcn, uint64_t clusters)
{
	size_t i;

	for (i = from; i < rl->count; i++) {
		const ntfs_run *r = &rl->runs[i];
		int64_t lcn;
		uint64_t left;

		if (r->vcn != vcn || r->length == 0)
			__builtin_trap();
		if (r->lcn != NTFS_LCN_SPARSE &&
		    (r->lcn < 0 || (clusters != 0 && ((uint64_t)r->lcn >= clusters || r->length > clusters - (uint64_t)r->lcn))))
			__builtin_trap();
		if (ntfs_runlist_lookup(rl, r->vcn + r->length - 1, &lcn, &left, NULL) != NTFS_OK || left != 1)
			__builtin_trap();
		if (r->lcn != NTFS_LCN_SPARSE && lcn != r->lcn + (int64_t)(r->length - 1))
			__builtin_trap();
		vcn += r->length;
	}
}

/* Decodes the pairs twice (fresh, then appended) and checks the list after each. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ntfs_runlist rl = {0};
	ntfs_error err;
	uint64_t clusters, start, end;
	size_t len, first;

	if (size < 6)
		return 0;
	clusters = le32(data);
	start = le16(data + 4);
	data += 6;
	len = size - 6;
	if (ntfs_runlist_decode(data, len, start, clusters, &rl, &err) != NTFS_OK) {
		if (rl.count != 0 || rl.total_clusters != 0 || err.reason[0] == '\0')
			__builtin_trap();
		ntfs_runlist_free(&rl);
		return 0;
	}
	if (rl.cap > len / 2)
		__builtin_trap();
	check_runs(&rl, 0, start, clusters);
	first = rl.count;
	end = rl.count ? rl.runs[rl.count - 1].vcn + rl.runs[rl.count - 1].length : start;
	if (end - start != rl.total_clusters)
		__builtin_trap();
	(void)ntfs_runlist_check_sizes(&rl, rl.total_clusters * 4096, 4096, NULL);
	if (ntfs_runlist_decode(data, len, end, clusters, &rl, &err) == NTFS_OK) {
		if (rl.count != 2 * first || rl.cap > len)
			__builtin_trap();
		check_runs(&rl, first, end, clusters);
	} else if (rl.count != first) {
		__builtin_trap();
	}
	ntfs_runlist_free(&rl);
	return 0;
}
