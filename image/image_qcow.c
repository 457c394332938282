/* SPDX-License-Identifier: Apache-2.0 */
/* QEMU qcow images (versions 1 to 3) read with libqcow, read-only; a qcow backing file (the parent of an
 * overlay) found beside it. Encrypted images and backing files that are not qcow are refused by name. */
#include "config.h"
#include "container.h"

#include <errno.h>
#include <fcntl.h>
#include <libqcow.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A chain of libqcow files: [0] the image given, then each backing file. */
typedef struct {
	libqcow_file_t *files[IMAGE_VDISK_MAX_CHAIN];
	size_t count;
} qcow_chain;

/* Copies libqcow's message into buf and frees the error. */
static const char *qcow_cause(libqcow_error_t **e, char *buf, size_t cap)
{
	snprintf(buf, cap, "unknown libqcow error");
	if (e && *e) {
		if (libqcow_error_backtrace_sprint(*e, buf, cap) <= 0)
			snprintf(buf, cap, "unknown libqcow error");
		libqcow_error_free(e);
	}
	return image_vdisk_innermost(buf);
}

/* vdisk read: the overlay (libqcow reads unallocated clusters from the backing files set on it). */
static ssize_t qcow_read(void *h, uint64_t off, uint8_t *buf, size_t len, char *why, size_t cap)
{
	libqcow_error_t *e = NULL;
	ssize_t n = libqcow_file_read_buffer_at_offset(((qcow_chain *)h)->files[0], buf, len, (off64_t)off, &e);
	if (n < 0)
		qcow_cause(&e, why, cap);
	return n;
}

/* vdisk close: every file of the chain. */
static void qcow_close(void *h)
{
	qcow_chain *c = h;
	if (!c)
		return;
	for (size_t i = 0; i < c->count; i++) {
		libqcow_file_close(c->files[i], NULL);
		libqcow_file_free(&c->files[i], NULL);
	}
	free(c);
}

static const image_vdisk_ops qcow_ops = {qcow_read, qcow_close};

/* True when the file at path starts with the qcow signature. */
static bool qcow_is_qcow(const char *path)
{
	uint8_t sig[4];
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return false;
	bool yes = pread(fd, sig, 4, 0) == 4 && memcmp(sig, "QFI\xfb", 4) == 0;
	close(fd);
	return yes;
}

/* Opens one file of the chain read-only, refuses an encrypted one, and appends it; messages name the file. */
static ntfs_status qcow_open_one(qcow_chain *c, const char *path, ntfs_error *err)
{
	char why[512];
	libqcow_error_t *e = NULL;
	libqcow_file_t *f = NULL;
	if (libqcow_file_initialize(&f, &e) != 1)
		return ntfs_error_set(err, NTFS_E_NOMEM, "%s: %s", path, qcow_cause(&e, why, sizeof(why)));
	if (libqcow_file_open(f, path, LIBQCOW_OPEN_READ, &e) != 1) {
		libqcow_file_free(&f, NULL);
		return ntfs_error_set(err, NTFS_E_IO, "%s: cannot open qcow image: %s", path, qcow_cause(&e, why, sizeof(why)));
	}
	c->files[c->count++] = f;
	uint32_t method = 0;
	if (libqcow_file_get_encryption_method(f, &method, &e) != 1)
		return ntfs_error_set(err, NTFS_E_IO, "%s: %s", path, qcow_cause(&e, why, sizeof(why)));
	if (method != LIBQCOW_ENCRYPTION_METHOD_NONE)
		return ntfs_error_set(err, NTFS_E_UNSUPPORTED, "%s: encrypted qcow image (%s): not supported", path,
				      method == LIBQCOW_ENCRYPTION_METHOD_LUKS ? "LUKS" : "AES-128-CBC");
	return NTFS_OK;
}

/* The backing file name f stores into hint: true when there is one. */
static bool qcow_backing_hint(libqcow_file_t *f, char *hint, size_t cap)
{
	size_t size = 0;
	return libqcow_file_get_utf8_backing_filename_size(f, &size, NULL) == 1 && size > 1 && size <= cap &&
	       libqcow_file_get_utf8_backing_filename(f, (uint8_t *)hint, cap, NULL) == 1 && hint[0];
}

/* Opens the backing files of c's last file, each beside the one before, and links each to its parent. */
static ntfs_status qcow_open_parents(image *img, qcow_chain *c, ntfs_error *err)
{
	char why[512], hint[4096], parent[4096];
	libqcow_error_t *e = NULL;
	for (;;) {
		libqcow_file_t *f = c->files[c->count - 1];
		const char *path = img->segments[img->segment_count - 1];
		if (!qcow_backing_hint(f, hint, sizeof(hint)))
			return NTFS_OK;
		if (c->count == IMAGE_VDISK_MAX_CHAIN)
			return ntfs_error_set(err, NTFS_E_UNSUPPORTED, "%s: chain of qcow backing files longer than %d "
					      "(a loop?)", img->path, IMAGE_VDISK_MAX_CHAIN);
		ntfs_status s = image_vdisk_parent_path("qcow", path, hint, parent, sizeof(parent), err);
		if (s != NTFS_OK)
			return s;
		if (!qcow_is_qcow(parent))
			return ntfs_error_set(err, NTFS_E_UNSUPPORTED, "%s: its backing file %s is not a qcow image "
					      "(a raw backing file is not supported: convert the overlay with qemu-img "
					      "convert -O raw)", path, parent);
		if ((s = qcow_open_one(c, parent, err)) != NTFS_OK || (s = image_add_segment(img, parent, err)) != NTFS_OK)
			return s;
		if (libqcow_file_set_parent_file(f, c->files[c->count - 1], &e) != 1)
			return ntfs_error_set(err, NTFS_E_IO, "%s: backing file %s does not fit: %s", path, parent,
					      qcow_cause(&e, why, sizeof(why)));
	}
}

bool image_qcow_claims(const image_probe *p)
{
	image_vdisk_kind k = image_vdisk_probe(p, NULL);
	return k == IMAGE_VDISK_QCOW;
}

ntfs_status image_qcow_open(image *img, int fd, const image_probe *p, ntfs_error *err)
{
	(void)p;
	ntfs_status begun = image_vdisk_begin(img, fd, err);
	if (begun != NTFS_OK)
		return begun;
	char why[512];
	libqcow_error_t *e = NULL;
	qcow_chain *c = calloc(1, sizeof(*c));
	if (!c)
		return ntfs_error_set(err, NTFS_E_NOMEM, "%s: out of memory", img->path);
	img->vdisk = c;
	img->vdisk_ops = &qcow_ops;
	img->format = IMAGE_FORMAT_QCOW;
	ntfs_status s = qcow_open_one(c, img->path, err);
	if (s == NTFS_OK)
		s = image_add_segment(img, img->path, err);
	if (s == NTFS_OK)
		s = qcow_open_parents(img, c, err);
	if (s != NTFS_OK)
		return s;
	size64_t size = 0;
	if (libqcow_file_get_media_size(c->files[0], &size, &e) != 1)
		return ntfs_error_set(err, NTFS_E_IO, "%s: %s", img->path, qcow_cause(&e, why, sizeof(why)));
	img->size = (uint64_t)size;
	img->vdisk_sector_size = 512;
	return NTFS_OK;
}
