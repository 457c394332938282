/* SPDX-License-Identifier: Apache-2.0 */
/* VHD and VHDX images (Hyper-V, Virtual PC, KAPE) read with libvhdi, read-only: fixed, dynamic and
 * differencing disks, a differencing disk's parents found beside it. */
#include "config.h"
#include "container.h"

#include <libvhdi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A chain of libvhdi files: [0] the image given, then each parent. */
typedef struct {
	libvhdi_file_t *files[IMAGE_VDISK_MAX_CHAIN];
	size_t count;
} vhdi_chain;

/* Copies libvhdi's message into buf and frees the error. */
static const char *vhdi_cause(libvhdi_error_t **e, char *buf, size_t cap)
{
	snprintf(buf, cap, "unknown libvhdi error");
	if (e && *e) {
		if (libvhdi_error_backtrace_sprint(*e, buf, cap) <= 0)
			snprintf(buf, cap, "unknown libvhdi error");
		libvhdi_error_free(e);
	}
	return image_vdisk_innermost(buf);
}

/* vdisk read: the child file (libvhdi reads unallocated blocks from the parents set on it). */
static ssize_t vhdi_read(void *h, uint64_t off, uint8_t *buf, size_t len, char *why, size_t cap)
{
	libvhdi_error_t *e = NULL;
	ssize_t n = libvhdi_file_read_buffer_at_offset(((vhdi_chain *)h)->files[0], buf, len, (off64_t)off, &e);
	if (n < 0)
		vhdi_cause(&e, why, cap);
	return n;
}

/* vdisk close: every file of the chain. */
static void vhdi_close(void *h)
{
	vhdi_chain *c = h;
	if (!c)
		return;
	for (size_t i = 0; i < c->count; i++) {
		libvhdi_file_close(c->files[i], NULL);
		libvhdi_file_free(&c->files[i], NULL);
	}
	free(c);
}

static const image_vdisk_ops vhdi_ops = {vhdi_read, vhdi_close};

/* Opens one file of the chain read-only and appends it; the message names the file. */
static ntfs_status vhdi_open_one(vhdi_chain *c, const char *path, ntfs_error *err)
{
	char why[512];
	libvhdi_error_t *e = NULL;
	libvhdi_file_t *f = NULL;
	if (libvhdi_file_initialize(&f, &e) != 1)
		return ntfs_error_set(err, NTFS_E_NOMEM, "%s: %s", path, vhdi_cause(&e, why, sizeof(why)));
	if (libvhdi_file_open(f, path, LIBVHDI_OPEN_READ, &e) != 1) {
		libvhdi_file_free(&f, NULL);
		return ntfs_error_set(err, NTFS_E_IO, "%s: cannot open VHD/VHDX image: %s", path,
				      vhdi_cause(&e, why, sizeof(why)));
	}
	c->files[c->count++] = f;
	return NTFS_OK;
}

/* The parent file name a differencing file stores, or an error naming the child. */
static ntfs_status vhdi_parent_hint(libvhdi_file_t *f, const char *path, char *hint, size_t cap, ntfs_error *err)
{
	char why[512];
	libvhdi_error_t *e = NULL;
	size_t size = 0;
	int r = libvhdi_file_get_utf8_parent_filename_size(f, &size, &e);
	if (r == 1 && size > 1 && size <= cap && libvhdi_file_get_utf8_parent_filename(f, (uint8_t *)hint, cap, &e) == 1)
		return NTFS_OK;
	if (r == 1 && size > cap)
		return ntfs_error_set(err, NTFS_E_INVALID, "%s: differencing VHD names a parent file name of %zu bytes",
				      path, size);
	return ntfs_error_set(err, NTFS_E_INVALID, "%s: differencing VHD/VHDX names no parent file%s%s", path,
			      e ? ": " : "", e ? vhdi_cause(&e, why, sizeof(why)) : "");
}

/* Opens the parents of c's last file while it is differencing, each beside the one before, and links each
 * file to its parent (libvhdi reads through them). Segments are appended in order. */
static ntfs_status vhdi_open_parents(image *img, vhdi_chain *c, ntfs_error *err)
{
	char why[512], hint[4096], parent[4096];
	libvhdi_error_t *e = NULL;
	for (;;) {
		libvhdi_file_t *f = c->files[c->count - 1];
		const char *path = img->segments[img->segment_count - 1];
		uint32_t type = 0;
		if (libvhdi_file_get_disk_type(f, &type, &e) != 1)
			return ntfs_error_set(err, NTFS_E_IO, "%s: %s", path, vhdi_cause(&e, why, sizeof(why)));
		if (type != LIBVHDI_DISK_TYPE_DIFFERENTIAL)
			return NTFS_OK;
		if (c->count == IMAGE_VDISK_MAX_CHAIN)
			return ntfs_error_set(err, NTFS_E_UNSUPPORTED, "%s: chain of differencing VHD/VHDX images longer "
					      "than %d (a loop?)", img->path, IMAGE_VDISK_MAX_CHAIN);
		ntfs_status s = vhdi_parent_hint(f, path, hint, sizeof(hint), err);
		if (s == NTFS_OK)
			s = image_vdisk_parent_path("VHD/VHDX", path, hint, parent, sizeof(parent), err);
		if (s != NTFS_OK)
			return s;
		if ((s = vhdi_open_one(c, parent, err)) != NTFS_OK || (s = image_add_segment(img, parent, err)) != NTFS_OK)
			return s;
		if (libvhdi_file_set_parent_file(f, c->files[c->count - 1], &e) != 1)
			return ntfs_error_set(err, NTFS_E_IO, "%s: parent %s does not fit: %s", path, parent,
					      vhdi_cause(&e, why, sizeof(why)));
	}
}

bool image_vhdi_claims(const image_probe *p)
{
	image_vdisk_kind k = image_vdisk_probe(p, NULL);
	return k == IMAGE_VDISK_VHD || k == IMAGE_VDISK_VHDX;
}

ntfs_status image_vhdi_open(image *img, int fd, const image_probe *p, ntfs_error *err)
{
	(void)p;
	ntfs_status begun = image_vdisk_begin(img, fd, err);
	if (begun != NTFS_OK)
		return begun;
	char why[512];
	libvhdi_error_t *e = NULL;
	vhdi_chain *c = calloc(1, sizeof(*c));
	if (!c)
		return ntfs_error_set(err, NTFS_E_NOMEM, "%s: out of memory", img->path);
	img->vdisk = c;
	img->vdisk_ops = &vhdi_ops;
	ntfs_status s = vhdi_open_one(c, img->path, err);
	if (s == NTFS_OK)
		s = image_add_segment(img, img->path, err);
	if (s == NTFS_OK)
		s = vhdi_open_parents(img, c, err);
	if (s != NTFS_OK)
		return s;
	int type = 0;
	size64_t size = 0;
	uint32_t bps = 0;
	if (libvhdi_file_get_file_type(c->files[0], &type, &e) != 1 ||
	    libvhdi_file_get_media_size(c->files[0], &size, &e) != 1)
		return ntfs_error_set(err, NTFS_E_IO, "%s: %s", img->path, vhdi_cause(&e, why, sizeof(why)));
	if (libvhdi_file_get_bytes_per_sector(c->files[0], &bps, NULL) != 1 || (bps != 512 && bps != 4096))
		bps = 512;
	img->format = type == LIBVHDI_FILE_TYPE_VHDX ? IMAGE_FORMAT_VHDX : IMAGE_FORMAT_VHD;
	img->size = (uint64_t)size;
	img->vdisk_sector_size = bps;
	return NTFS_OK;
}
