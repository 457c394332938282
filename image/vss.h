/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Volume Shadow Copy stores of one NTFS volume, read with libvshadow through our own image reads (a
 * libbfio handle over image_read, read-only, bounded to the volume): the evidence file is never opened
 * again. Each store opens as an image (format "vss_store") holding the volume's bytes as they were when
 * the store was made, so the volume scan reads it like any volume at offset 0.
 * Threads: open and close run alone; reads of store images may run from any thread (they take turns
 * behind one lock per image_vss: libvshadow shares one file handle among the stores).
 */
#ifndef NTFSLINKS_VSS_H
#define NTFSLINKS_VSS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image.h"

typedef struct image_vss image_vss;  /* opaque */

typedef struct {
	char identifier[37];        /* the store's GUID, lower-case, as vshadowinfo prints it */
	char copy_identifier[37];   /* "Shadow copy ID"; "" when the store does not say */
	char copy_set_identifier[37];
	uint64_t creation_time;     /* FILETIME (100 ns since 1601, UTC) */
	uint64_t volume_size;       /* bytes of the volume the store copies */
	uint32_t attribute_flags;
} image_vss_store_info;

/*
 * Looks for shadow copies on the volume at [offset, offset + length) of img. No VSS header, or a header
 * without a catalog: NTFS_OK with *out = NULL after one 512-byte read (the usual case). A header whose
 * catalog libvshadow cannot read: NTFS_E_INVALID with libvshadow's cause. img must outlive *out.
 */
ntfs_status image_vss_open(image *img, uint64_t offset, uint64_t length, image_vss **out, ntfs_error *err);

/* Closes the shadow copy access (NULL is fine); every store image opened from it must be closed first. */
void image_vss_close(image_vss *v);

/* The number of stores, in libvshadow's order (oldest first). */
size_t image_vss_store_count(const image_vss *v);

/* The identifiers, creation time and size of store i. */
ntfs_status image_vss_store_info_get(image_vss *v, size_t i, image_vss_store_info *out, ntfs_error *err);

/* Opens store i as an image of the volume as it was (size: the store's volume size); close it with
 * image_close before image_vss_close. */
ntfs_status image_vss_store_open(image_vss *v, size_t i, image **out, ntfs_error *err);

#endif
