/* SPDX-License-Identifier: Apache-2.0 */
/* Opening and reading evidence images, strictly read-only: the public image API. Which container a file is
 * is decided here (image_kinds, tried in order); reading and closing go through the container it opened
 * (container.h), each kind in its own file. */
#include "config.h"
#include "container.h"
#include "image.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *image_format_name(image_format f)
{
	switch (f) {
	case IMAGE_FORMAT_RAW: return "raw";
	case IMAGE_FORMAT_SPLIT_RAW: return "split_raw";
	case IMAGE_FORMAT_EWF: return "ewf";
	case IMAGE_FORMAT_MFT_FILE: return "mft_file";
	case IMAGE_FORMAT_VSS_STORE: return "vss_store";
	case IMAGE_FORMAT_VHD: return "vhd";
	case IMAGE_FORMAT_VHDX: return "vhdx";
	case IMAGE_FORMAT_VMDK: return "vmdk";
	case IMAGE_FORMAT_QCOW: return "qcow";
	}
	return "unknown";
}

/* The kinds of container, in the order they are tried: by content first (E01, the virtual disks, the
 * containers named but not read), then by name (split raw), then raw or $MFT, which takes anything. */
static const struct {
	bool (*claims)(const image_probe *p);
	ntfs_status (*open)(image *img, int fd, const image_probe *p, ntfs_error *err);
} image_kinds[] = {
	{image_ewf_claims, image_ewf_open},
	{image_vhdi_claims, image_vhdi_open},
	{image_vmdk_claims, image_vmdk_open},
	{image_qcow_claims, image_qcow_open},
	{image_vdisk_refuses, image_vdisk_refuse},
	{image_split_claims, image_split_open},
	{image_raw_claims, image_raw_open},
};

/* Decides the container from the first and last bytes and the name, then opens it. Takes fd. */
static ntfs_status image_setup(image *img, int fd, uint64_t size, ntfs_error *err)
{
	uint8_t head[512] = {0}, tail[512];
	ssize_t n = image_pread_full(fd, head, sizeof(head), 0);
	if (n < 0) {
		ntfs_status s = ntfs_error_set(err, NTFS_E_IO, "%s: read error at offset 0: %s", img->path,
					       strerror(errno));
		close(fd);
		return s;
	}
	bool have_tail = size >= 2 * sizeof(tail) &&
			 image_pread_full(fd, tail, sizeof(tail), size - sizeof(tail)) == (ssize_t)sizeof(tail);
	image_probe p = {.path = img->path, .head = head, .n = (size_t)n, .tail = have_tail ? tail : NULL, .size = size};
	size_t k = 0;
	while (!image_kinds[k].claims(&p)) /* the last kind, raw, claims anything */
		k++;
	return image_kinds[k].open(img, fd, &p, err);
}

/* Allocates an empty image with no open resources. */
static image *image_alloc(const char *path)
{
	image *img = calloc(1, sizeof(*img));
	if (!img)
		return NULL;
	img->fd = -1;
	img->path = strdup(path);
	if (!img->path || pthread_mutex_init(&img->tsk_mutex, NULL) != 0) {
		free(img->path);
		free(img);
		return NULL;
	}
	return img;
}

ntfs_status image_open(const char *path, image **out, ntfs_error *err)
{
	if (!out)
		return ntfs_error_set(err, NTFS_E_INVALID, "image_open: no output pointer");
	*out = NULL;
	if (!path || !*path)
		return ntfs_error_set(err, NTFS_E_INVALID, "image_open: empty image path");
	int fd = -1;
	uint64_t size = 0;
	ntfs_status s = image_open_fd(path, &fd, &size, err);
	if (s != NTFS_OK)
		return s;
	if (size == 0) {
		close(fd);
		return ntfs_error_set(err, NTFS_E_IO, "%s: empty file", path);
	}
	image *img = image_alloc(path);
	if (!img) {
		close(fd);
		return ntfs_error_set(err, NTFS_E_NOMEM, "%s: out of memory", path);
	}
	s = image_setup(img, fd, size, err);
	if (s == NTFS_OK && img->size == 0)
		s = ntfs_error_set(err, NTFS_E_IO, "%s: image holds no data (size 0)", path);
	if (s != NTFS_OK) {
		image_close(img);
		return s;
	}
	*out = img;
	return NTFS_OK;
}

ntfs_status image_open_memory(const uint8_t *buf, size_t len, image **out, ntfs_error *err)
{
	static const char name[] = "(memory)";
	if (!out)
		return ntfs_error_set(err, NTFS_E_INVALID, "image_open_memory: no output pointer");
	*out = NULL;
	if (!buf || len == 0)
		return ntfs_error_set(err, NTFS_E_IO, "%s: empty file", name);
	image *img = image_alloc(name);
	if (!img)
		return ntfs_error_set(err, NTFS_E_NOMEM, "%s: out of memory", name);
	ntfs_status s = image_raw_open_memory(img, buf, len, err);
	if (s != NTFS_OK) {
		image_close(img);
		return s;
	}
	*out = img;
	return NTFS_OK;
}

void image_close(image *img)
{
	if (!img)
		return;
	if (img->tsk)
		tsk_img_close(img->tsk);
	if (img->container && img->container->close)
		img->container->close(img);
	if (img->fd >= 0)
		close(img->fd);
	image_free_segments(img->segments, img->segment_count);
	pthread_mutex_destroy(&img->tsk_mutex);
	free(img->path);
	free(img);
}

ntfs_status image_read(image *img, uint64_t offset, void *buf, size_t len, size_t *got, ntfs_error *err)
{
	size_t dummy;
	if (!got)
		got = &dummy;
	*got = 0;
	if (!img || (!buf && len))
		return ntfs_error_set(err, NTFS_E_INVALID, "image_read: null image or buffer");
	if (offset >= img->size || len == 0)
		return NTFS_OK;
	if (len > img->size - offset)
		len = (size_t)(img->size - offset);
	return img->container->read(img, offset, buf, len, got, err);
}

size_t image_checksum_errors(image *img, uint64_t *offsets, uint64_t *lengths, size_t cap)
{
	if (!img || !img->container->checksum_errors)
		return 0;
	return img->container->checksum_errors(img, offsets, lengths, cap);
}

ntfs_status image_ewf_verify(image *img, ntfs_error *err)
{
	if (!img || !img->container->verify)
		return ntfs_error_set(err, NTFS_E_INVALID, "%s: --verify needs an E01 image (%s images store no hash)",
				      img ? img->path : "(null)", img ? image_format_name(img->format) : "other");
	return img->container->verify(img, err);
}

bool image_reads_parallel(const image *img)
{
	return img && img->container->parallel;
}

ntfs_status image_tsk_handle(image *img, TSK_IMG_INFO **out, ntfs_error *err)
{
	ntfs_status s = NTFS_OK;
	pthread_mutex_lock(&img->tsk_mutex);
	if (!img->tsk && img->container->tsk_open) {
		s = img->container->tsk_open(img, &img->tsk, err);
	} else if (!img->tsk) {
		img->tsk = tsk_img_open_utf8_sing(img->path, TSK_IMG_TYPE_RAW, 0);
		if (!img->tsk)
			s = ntfs_error_set(err, NTFS_E_IO, "%s: libtsk cannot open the image: %s", img->path,
					   tsk_error_get());
	}
	*out = img->tsk;
	pthread_mutex_unlock(&img->tsk_mutex);
	return s;
}

uint64_t image_size(const image *img)
{
	return img ? img->size : 0;
}

image_format image_get_format(const image *img)
{
	return img ? img->format : IMAGE_FORMAT_RAW;
}

const char *image_path(const image *img)
{
	return img ? img->path : NULL;
}

size_t image_segment_count(const image *img)
{
	return img ? img->segment_count : 0;
}

const char *image_segment(const image *img, size_t i)
{
	return img && i < img->segment_count ? img->segments[i] : NULL;
}

const image_ewf_info *image_ewf(const image *img)
{
	return img ? img->ewf : NULL;
}
