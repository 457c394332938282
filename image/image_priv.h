/* SPDX-License-Identifier: Apache-2.0 */
/* Internals shared by image.c, image_ewf.c and partitions.c; not part of the public image API. */
#ifndef NTFSLINKS_IMAGE_PRIV_H
#define NTFSLINKS_IMAGE_PRIV_H

#include <pthread.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <sys/types.h>
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
	void *vdisk;                /* VHD/VHDX, VMDK, qcow: the library's handle (child with its parents) */
	const struct image_vdisk_ops *vdisk_ops;
	pthread_mutex_t vdisk_mutex; /* serialises reads on vdisk (libyal handles are not shared safely) */
	bool vdisk_mutex_ready;
	unsigned vdisk_sector_size; /* the virtual disk's bytes per sector (512 or 4096) */
};

/* VSS store images: reads through libvshadow (behind the owning image_vss's lock). */
ntfs_status image_vss_store_read(image *img, uint64_t off, uint8_t *buf, size_t len, size_t *got, ntfs_error *err);

/* VSS store images: releases the libvshadow store (NULL store is fine). */
void image_vss_store_close(image *img);

/* How a virtual disk library is read and closed (image_vhdi.c, image_vmdk.c, image_qcow.c). */
typedef struct image_vdisk_ops {
	/* Reads up to len bytes at off: bytes read (0 at the end), or -1 with the library's cause in why. */
	ssize_t (*read)(void *handle, uint64_t off, uint8_t *buf, size_t len, char *why, size_t why_cap);
	/* Closes and frees the handle and every parent handle it holds (NULL is fine). */
	void (*close)(void *handle);
} image_vdisk_ops;

/* The virtual disk containers recognised by their bytes. */
typedef enum { IMAGE_VDISK_NONE, IMAGE_VDISK_VHD, IMAGE_VDISK_VHDX, IMAGE_VDISK_VMDK, IMAGE_VDISK_QCOW } image_vdisk_kind;

/* Looks at the first bytes (head, n of them) and the last 512 bytes of the file (tail, NULL when the file
 * is shorter): the virtual disk container they are, or IMAGE_VDISK_NONE. *unsupported is set to the name
 * of a container recognised but not read (VDI, DMG, AFF, ...), else NULL. */
image_vdisk_kind image_vdisk_detect(const uint8_t *head, size_t n, const uint8_t *tail, const char **unsupported);

/* Opens the image at img->path as a VHD or VHDX with libvhdi (read-only), its parents found beside it;
 * sets img->format, size, segments (the file, then each parent), vdisk and vdisk_ops. */
ntfs_status image_vhdi_open(image *img, ntfs_error *err);

/* The same for VMDK (libvmdk): a descriptor file or a sparse extent, its extent files and parents beside it. */
ntfs_status image_vmdk_open(image *img, ntfs_error *err);

/* The same for qcow (libqcow, versions 1 to 3): its backing files found beside it. */
ntfs_status image_qcow_open(image *img, ntfs_error *err);

/* Appends a copy of name to img->segments (names of every file the image is read from). */
ntfs_status image_add_segment(image *img, const char *name, ntfs_error *err);

/* Writes into out the file a differencing image names as its parent (hint: the path stored in the child,
 * Windows or POSIX form, absolute or relative), looked for beside the child: the child's folder and the
 * hint's last component. Errors (naming the container kind, e.g. "VHD"): an empty hint, a name too long,
 * no such file beside the child (or not a regular file or block device). */
ntfs_status image_vdisk_parent_path(const char *kind, const char *child, const char *hint, char *out, size_t cap,
				    ntfs_error *err);

/* A libyal error backtrace in buf cut to its first line, the innermost cause (what failed, not which
 * function called which); a trailing period dropped. Returns buf. */
char *image_vdisk_innermost(char *buf);

/* How deep a chain of differencing images may go (child, parent, grandparent, ...). */
#define IMAGE_VDISK_MAX_CHAIN 16

/* Reads through img->vdisk under vdisk_mutex: the whole of [off, off+len) or an error naming the offset. */
ntfs_status image_vdisk_read(image *img, uint64_t off, uint8_t *buf, size_t len, size_t *got, ntfs_error *err);

/* A TSK image handle whose reads go through image_read (for the vs layer on a virtual disk). */
TSK_IMG_INFO *image_vdisk_tsk_open(image *img, unsigned sector_size);

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
