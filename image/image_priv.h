/* SPDX-License-Identifier: Apache-2.0 */
/* Internals shared by image.c, image_ewf.c and partitions.c; not part of the public image API. */
#ifndef NTFSLINKS_IMAGE_PRIV_H
#define NTFSLINKS_IMAGE_PRIV_H

#include <pthread.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <tsk/libtsk.h>

#include "image.h"

struct image {
	image_format format;
	uint64_t size;
	int fd;                     /* raw and mft_file: read with pread on this fd; -1 otherwise */
	const uint8_t *mem;         /* image_open_memory: the caller's bytes (not owned); NULL otherwise */
	TSK_IMG_INFO *tsk;          /* split raw and EWF always; raw only once the vs layer needs it */
	pthread_mutex_t tsk_mutex;  /* guards the lazy open of tsk for raw images */
	char *path;
	char **segments;
	size_t segment_count;
	image_ewf_info *ewf;
	void *ewf_handle;           /* EWF: the first libewf handle the data is read through; else NULL */
	struct image_ewf_slot *ewf_slots;   /* EWF: IMAGE_EWF_MAX_HANDLES slots, ewf_slots[0] holds ewf_handle */
	_Atomic size_t ewf_nslots;  /* slots opened so far (only grows, under ewf_mutex) */
	pthread_mutex_t ewf_mutex;  /* guards opening slots and collecting checksum errors */
	bool ewf_mutex_ready;
	struct image_vss_store *vss_store; /* a shadow copy store (vss.c): reads go through libvshadow; else NULL */
};

/* VSS store images: reads through libvshadow (behind the owning image_vss's lock). */
ntfs_status image_vss_store_read(image *img, uint64_t off, uint8_t *buf, size_t len, size_t *got, ntfs_error *err);

/* VSS store images: releases the libvshadow store (NULL store is fine). */
void image_vss_store_close(image *img);

/* At most this many libewf handles read one E01 at once (one per reading thread). */
#define IMAGE_EWF_MAX_HANDLES 16

/* EWF: opens the set's segments with libewf for reading data (img->ewf_handle, the first slot; more
 * handles are opened when reads from several threads meet, so each decompresses on its own core). */
ntfs_status image_ewf_data_open(image *img, ntfs_error *err);

/* EWF: reads through a libewf handle no other thread is using (opening one, up to IMAGE_EWF_MAX_HANDLES,
 * when all are busy); a chunk whose checksum fails reads as zeros and is remembered by that handle's
 * libewf (image_checksum_errors gathers them from every handle). */
ntfs_status image_ewf_data_read(image *img, uint64_t off, uint8_t *buf, size_t len, size_t *got, ntfs_error *err);

/* EWF: closes img->ewf_handle (NULL is fine). */
void image_ewf_data_close(image *img);

/* Finds the segments of the E01 set that path belongs to, checks that the set is complete and not
 * truncated, and reads its metadata with libewf (read-only). On success the caller owns *segments and *info. */
ntfs_status image_ewf_open(const char *path, char ***segments, size_t *count, image_ewf_info **info,
			   ntfs_error *err);

/* Frees E01 metadata from image_ewf_open (NULL is fine). */
void image_ewf_info_free(image_ewf_info *info);

/* True when the 8 bytes at p are an EWF (E01, EWF1) or Ex01 (EWF2) file signature. */
bool image_ewf_signature(const uint8_t *p, size_t len);

/* The TSK image handle for the vs layer, opening it on first use for raw images; thread-safe. */
ntfs_status image_tsk_handle(image *img, TSK_IMG_INFO **out, ntfs_error *err);

/* stat()s path (so a FIFO is rejected before open() could block on it) and accepts only regular files and
 * block devices; the error names the path. */
ntfs_status image_stat_path(const char *path, struct stat *st, ntfs_error *err);

/* True when the path ends in ".001", the first segment of a split raw image. */
bool image_is_split_name(const char *path);

/* Builds the list of split-raw segment names for a path ending in ".001": .002, .003 ... while they exist
 * (a lone .001 yields one segment). Refuses (NTFS_E_IO, naming the segment) a gap in the numbering (a later
 * segment present after a missing one) and a segment other than the last whose size differs from the
 * first's. Every segment must be a regular file or block device. Caller frees with image_free_segments. */
ntfs_status image_split_segments(const char *path, char ***out, size_t *count, ntfs_error *err);

/* Frees a list of n segment names (NULL is fine). */
void image_free_segments(char **segs, size_t n);

#endif
