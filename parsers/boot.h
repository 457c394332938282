/* SPDX-License-Identifier: Apache-2.0 */
/* NTFS boot sector (volume header): geometry and the location of $MFT. */
#ifndef NTFSLINKS_BOOT_H
#define NTFSLINKS_BOOT_H

#include <stddef.h>
#include <stdint.h>
#include "ntfs_error.h"

#define NTFS_BOOT_SIZE 512

typedef struct {
	char oem_id[9];               /* "NTFS    " NUL-terminated */
	uint16_t bytes_per_sector;    /* 256..4096, power of two */
	uint8_t sectors_per_cluster_raw; /* the raw byte: 1..128, or 0xF4..0xE0 for 2^-(int8) sectors */
	uint32_t cluster_size;        /* bytes, up to 2 MiB */
	uint64_t total_sectors;
	uint64_t mft_lcn;
	uint64_t mftmirr_lcn;
	int8_t record_size_raw;       /* signed: >0 clusters, <0 means 2^-n bytes */
	int8_t index_size_raw;
	uint32_t record_size;         /* bytes (1024 or 4096 in practice) */
	uint32_t index_record_size;   /* bytes */
	uint64_t serial;
	uint64_t volume_size;         /* total_sectors * bytes_per_sector */
	uint64_t total_clusters;      /* volume_size / cluster_size */
} ntfs_boot;

/* Decodes and validates a boot sector; rejects what Windows would reject, with the reason in err. */
ntfs_status ntfs_boot_decode(const uint8_t *buf, size_t len, ntfs_boot *out, ntfs_error *err);

#endif
