/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer harness for ntfs_boot_decode: any input must decode or fail with a reason, never read past
 * size, and a decoded boot sector must satisfy every bound the analyzer relies on.
 */
#include <stdint.h>
#include <string.h>

#include "boot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* True for a non-zero power of two. */
static int pow2(uint64_t v)
{
	return v != 0 && (v & (v - 1)) == 0;
}

/* Traps unless the decoded geometry is self-consistent. */
static void check_boot(const ntfs_boot *b)
{
	if (!pow2(b->bytes_per_sector) || b->bytes_per_sector < 256 || b->bytes_per_sector > 4096)
		__builtin_trap();
	if (!pow2(b->cluster_size) || b->cluster_size < b->bytes_per_sector || b->cluster_size > 2u * 1024 * 1024)
		__builtin_trap();
	if (!pow2(b->record_size) || b->record_size < 512 || b->record_size > 16384)
		__builtin_trap();
	if (!pow2(b->index_record_size))
		__builtin_trap();
	if (b->volume_size / b->bytes_per_sector != b->total_sectors || b->total_clusters == 0 ||
	    b->total_clusters != b->volume_size / b->cluster_size)
		__builtin_trap();
	if (b->mft_lcn >= b->total_clusters || b->mftmirr_lcn >= b->total_clusters)
		__builtin_trap();
	if (memcmp(b->oem_id, "NTFS    ", 9) != 0)
		__builtin_trap();
}

/* Decodes one input as a boot sector. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ntfs_boot b;
	ntfs_error err;

	if (ntfs_boot_decode(data, size, &b, &err) == NTFS_OK)
		check_boot(&b);
	else if (err.reason[0] == '\0' || err.status == NTFS_OK)
		__builtin_trap();
	return 0;
}
