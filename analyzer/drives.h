/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Drive letters and volume GUIDs of the image's volumes from the registry: each MountedDevices entry of
 * a volume's SYSTEM hive names a partition (MBR disk signature and byte offset, or GPT partition GUID);
 * the volume of this image at that partition gets the letter (\DosDevices\X:) or GUID (\??\Volume{G}).
 * --drive wins over the registry, and a disagreement between the two is an anomaly; a letter the
 * registry gives to a partition this image does not hold is kept, to say so when a link needs it.
 * Threads: drives_assign runs alone over inputs it only reads; its output is then read-only.
 */
#ifndef NTFSLINKS_DRIVES_H
#define NTFSLINKS_DRIVES_H

#include <stdbool.h>
#include <stdint.h>

#include "anomaly.h"
#include "gpt.h"
#include "image.h"
#include "registry.h"

#define DRIVES_MAX_GUIDS 8        /* volume GUIDs kept per volume (Windows gives one, more after re-imaging) */

/* One volume as drives_assign sees it. */
typedef struct {
	const image_partition *part; /* where it lies, its table, disk signature or GPT GUID */
	bool scanned;
	const registry_info *reg; /* what its hives say (NULL: none read) */
	char option_letter;       /* --drive's letter for it, 0 when none */
	anomaly_list *anomalies;  /* where its conflicts go */
} drives_volume;

/* What drives_assign decides for one volume. */
typedef struct {
	char letter;              /* 0 when none */
	const char *source;       /* "option", "registry", or NULL (the caller may infer one) */
	char guids[DRIVES_MAX_GUIDS][NTFS_GUID_STRING]; /* sorted, unique */
	int guid_count;
	int registry_volume;      /* the volume whose SYSTEM hive gave the letter, -1 when none */
} drives_result;

/* A letter the registry gives to a partition that is not a volume of this image. */
typedef struct {
	char letter;
	int registry_volume;      /* whose SYSTEM hive says so */
	md_data data;             /* the partition it names */
} drives_elsewhere;

/*
 * Decides letters and GUIDs of n volumes (out: n results) from their registries and --drive; letters on
 * partitions the image lacks go to *elsewhere (a malloc'd array of *elsewhere_count, caller frees).
 * Registries are taken in volume order: a letter or GUID the first one gives is kept; a later registry that
 * gives the same volume another letter is an anomaly on that volume (two installations, each naming the other).
 */
void drives_assign(const drives_volume *vols, int n, drives_result *out, drives_elsewhere **elsewhere,
		   size_t *elsewhere_count);

/* The volume holding GUID g (text, lower or upper case), -1 when none. */
int drives_volume_of_guid(const drives_result *res, int n, const char *g);

#endif
