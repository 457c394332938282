/* SPDX-License-Identifier: Apache-2.0 */
/* The container layer under image.c, not part of the public image API: the image struct, what each kind of
 * container provides (how it is recognised, opened, read and closed), and the helpers they share. image.c
 * dispatches through these; no container calls image.c. */
#ifndef NTFSLINKS_IMAGE_CONTAINER_H
#define NTFSLINKS_IMAGE_CONTAINER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <tsk/libtsk.h>

#include "image_types.h"
#include "ntfs_error.h"

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
	void *ewf_handle;           /* EWF: the libewf handle the data is read through; else NULL */
	struct image_ewf_data *ewf_data; /* EWF: that handle's lock and the readers' inflate contexts (image_ewf.c) */
	struct image_vss_store *vss_store; /* a shadow copy store (vss.c): reads go through libvshadow; else NULL */
	void *vdisk;                /* VHD/VHDX, VMDK, qcow: the library's handle (child with its parents) */
	const struct image_vdisk_ops *vdisk_ops;
	pthread_mutex_t vdisk_mutex; /* serialises reads on vdisk (libyal handles are not shared safely) */
	bool vdisk_mutex_ready;
	unsigned vdisk_sector_size; /* the virtual disk's bytes per sector (512 or 4096) */
	const struct image_container *container; /* how this image is read and closed; set by its open */
};

/* How an opened image is read and closed: each container's file defines one and its open sets it. */
typedef struct image_container {
	/* Reads [off, off+len), already cut to the image's size, all of it: *got = len, or an error naming the
	 * offset. */
	ntfs_status (*read)(image *img, uint64_t off, uint8_t *buf, size_t len, size_t *got, ntfs_error *err);
	/* Releases what the open set up besides fd, tsk, path and segments, which image_close frees; must
	 * accept an open that failed half way. NULL: nothing more. */
	void (*close)(image *img);
	/* Makes the TSK handle for the vs layer when the open made none; NULL: libtsk opens img->path as raw. */
	ntfs_status (*tsk_open)(image *img, TSK_IMG_INFO **out, ntfs_error *err);
	/* image_checksum_errors: the ranges read so far whose checksum failed; NULL: a container without checksums. */
	size_t (*checksum_errors)(image *img, uint64_t *offsets, uint64_t *lengths, size_t cap);
	/* image_ewf_verify: hashes the media, compares with the stored hashes; NULL: the container stores none. */
	ntfs_status (*verify)(image *img, ntfs_error *err);
	bool parallel;              /* reads from several threads may run at once */
} image_container;

/* What a container's recognition sees of a file: its name, first bytes and last 512 bytes. */
typedef struct {
	const char *path;
	const uint8_t *head;        /* the first n bytes (512 unless the file is shorter) */
	size_t n;
	const uint8_t *tail;        /* the last 512 bytes; NULL when the file is under 1 KiB or they cannot be read */
	uint64_t size;              /* the file's size */
} image_probe;

/*
 * Each kind of container has a pair image_KIND_claims / image_KIND_open, which image.c tries in order:
 * claims says from the probe whether the file is of this kind; open takes the file's descriptor (it keeps or
 * closes it) and sets img up: container, format, size, segments. An open that fails leaves what it set up
 * for image_close.
 */

/* E01 / Ex01 (image_ewf.c): by signature; every segment found with libewf_glob, read through libewf. */
bool image_ewf_claims(const image_probe *p);
ntfs_status image_ewf_open(image *img, int fd, const image_probe *p, ntfs_error *err);

/* VHD and VHDX (image_vhdi.c, libvhdi), its parents found beside it. */
bool image_vhdi_claims(const image_probe *p);
ntfs_status image_vhdi_open(image *img, int fd, const image_probe *p, ntfs_error *err);

/* VMDK (image_vmdk.c, libvmdk): a descriptor file or a sparse extent, its extent files and parents beside it. */
bool image_vmdk_claims(const image_probe *p);
ntfs_status image_vmdk_open(image *img, int fd, const image_probe *p, ntfs_error *err);

/* qcow versions 1 to 3 (image_qcow.c, libqcow): its backing files found beside it. */
bool image_qcow_claims(const image_probe *p);
ntfs_status image_qcow_open(image *img, int fd, const image_probe *p, ntfs_error *err);

/* Containers recognised but not read (VDI, QED, Parallels, DMG, AFF, ...; image_vdisk.c): the open is an
 * error naming the container. */
bool image_vdisk_refuses(const image_probe *p);
ntfs_status image_vdisk_refuse(image *img, int fd, const image_probe *p, ntfs_error *err);

/* Split raw (image_split.c): by name, a path ending in ".001" (its .002, ... found beside it; a lone .001 is
 * opened as raw); read through libtsk. */
bool image_split_claims(const image_probe *p);
ntfs_status image_split_open(image *img, int fd, const image_probe *p, ntfs_error *err);

/* Raw and extracted $MFT files (image_raw.c): anything (the last kind tried); an $MFT by its first record's
 * "FILE"; read with pread. */
bool image_raw_claims(const image_probe *p);
ntfs_status image_raw_open(image *img, int fd, const image_probe *p, ntfs_error *err);

/* The caller's bytes as a raw image or $MFT (image_raw.c; image_open_memory). */
ntfs_status image_raw_open_memory(image *img, const uint8_t *buf, size_t len, ntfs_error *err);

/* ---- files (image_file.c) ---- */

/* stat()s path (so a FIFO is rejected before open() could block on it) and accepts only regular files and
 * block devices; the error names the path. */
ntfs_status image_stat_path(const char *path, struct stat *st, ntfs_error *err);

/* Opens path O_RDONLY (non-blocking, so a FIFO swapped in after stat cannot hang us) and re-checks the
 * type on the open descriptor; returns the fd and the size in bytes. */
ntfs_status image_open_fd(const char *path, int *fd_out, uint64_t *size, ntfs_error *err);

/* pread that retries on EINTR and short reads; returns bytes read (short only at end of file) or -1. */
ssize_t image_pread_full(int fd, uint8_t *buf, size_t len, uint64_t off);

/* One read of a library for image_read_loop: up to want bytes at off into buf; the count read, 0 at the end of
 * its data, or -1 with the cause in why (cap bytes). */
typedef ssize_t (*image_piece_fn)(void *ctx, uint64_t off, uint8_t *buf, size_t want, char *why, size_t cap);

/* Reads all len bytes at off with read, in pieces of at most 1 GiB; *done is what was read. An error or an
 * early end becomes err, naming img's path and the offset. */
ntfs_status image_read_loop(const image *img, uint64_t off, uint8_t *buf, size_t len, size_t *done,
			    image_piece_fn read, void *ctx, ntfs_error *err);

/* Appends a copy of name to img->segments (names of every file the image is read from). */
ntfs_status image_add_segment(image *img, const char *name, ntfs_error *err);

/* Frees a list of n segment names (NULL is fine). */
void image_free_segments(char **segs, size_t n);

/* ---- libtsk's img layer (image_tsk.c) ---- */

/* Opens img->segments (split raw or E01) with libtsk and takes the image size from it; the message names the
 * first segment. */
ntfs_status image_tsk_open_segments(image *img, TSK_IMG_TYPE_ENUM type, ntfs_error *err);

/* Reads through libtsk so that a failing segment or chunk is reported (split raw's read). */
ntfs_status image_tsk_read(image *img, uint64_t off, uint8_t *buf, size_t len, size_t *got, ntfs_error *err);

/* The TSK image handle for the vs layer, opening it on first use (image.c); thread-safe. */
ntfs_status image_tsk_handle(image *img, TSK_IMG_INFO **out, ntfs_error *err);

/* ---- virtual disks (image_vdisk.c, shared by image_vhdi.c, image_vmdk.c, image_qcow.c) ---- */



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

/* image_vdisk_detect on a probe (unsupported may be NULL). */
image_vdisk_kind image_vdisk_probe(const image_probe *p, const char **unsupported);

/* The start of every virtual disk's open: closes fd (the library opens the files itself), sets the virtual
 * disk container and its lock. */
ntfs_status image_vdisk_begin(image *img, int fd, ntfs_error *err);

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

/* ---- E01 internals (image_ewf.c) ---- */

/* At most this many threads inflate E01 chunks at once (one inflate context each). */
#define IMAGE_EWF_MAX_HANDLES 16

/* EWF: opens the set's segments with libewf for reading data (img->ewf_handle, img->ewf_data). */
ntfs_status image_ewf_data_open(image *img, ntfs_error *err);

/* EWF: reads through the one libewf handle, which each thread uses only to copy a chunk as stored: the
 * thread inflates and checks it itself (so E01 decompresses on every core), keeping the last chunks it
 * read partly for the reads that follow; a chunk that does not inflate or check is read by libewf, which
 * reads it as zeros and remembers it as a checksum error (image_checksum_errors). */
ntfs_status image_ewf_data_read(image *img, uint64_t off, uint8_t *buf, size_t len, size_t *got, ntfs_error *err);

/* EWF: closes img->ewf_handle and frees img->ewf_data (none open is fine). */
void image_ewf_data_close(image *img);

/* Finds the segments of the E01 set that path belongs to, checks that the set is complete and not
 * truncated, and reads its metadata with libewf (read-only). On success the caller owns *segments and *info. */
ntfs_status image_ewf_find_set(const char *path, char ***segments, size_t *count, image_ewf_info **info,
			       ntfs_error *err);

/* Frees E01 metadata from image_ewf_find_set (NULL is fine). */
void image_ewf_info_free(image_ewf_info *info);

/* True when the 8 bytes at p are an EWF (E01, EWF1) or Ex01 (EWF2) file signature. */
bool image_ewf_signature(const uint8_t *p, size_t len);

#endif
