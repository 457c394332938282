/* SPDX-License-Identifier: Apache-2.0 */
/* Single-file images read with pread (raw disks and volumes, extracted $MFT files) and images held in the
 * caller's memory. */
#include "config.h"
#include "container.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Reads with pread; the image size was fixed at open, so running out of file earlier is an error. */
static ntfs_status raw_read(image *img, uint64_t off, uint8_t *buf, size_t len, size_t *got, ntfs_error *err)
{
	ssize_t n = image_pread_full(img->fd, buf, len, off);
	if (n < 0)
		return ntfs_error_set(err, NTFS_E_IO, "%s: read error at offset %llu: %s", img->path,
				      (unsigned long long)off, strerror(errno));
	if ((size_t)n < len)
		return ntfs_error_set(err, NTFS_E_IO, "%s: read error at offset %llu: file ended early (did it "
				      "shrink?)", img->path, (unsigned long long)(off + (uint64_t)n));
	*got = len;
	return NTFS_OK;
}

/* Copies from the caller's bytes. */
static ntfs_status mem_read(image *img, uint64_t off, uint8_t *buf, size_t len, size_t *got, ntfs_error *err)
{
	(void)err;
	memcpy(buf, img->mem + off, len);
	*got = len;
	return NTFS_OK;
}

static const image_container raw_container = {.read = raw_read, .parallel = true};
static const image_container mem_container = {.read = mem_read, .parallel = true};

bool image_raw_claims(const image_probe *p)
{
	(void)p;
	return true;
}

ntfs_status image_raw_open(image *img, int fd, const image_probe *p, ntfs_error *err)
{
	img->container = &raw_container;
	img->segments = calloc(1, sizeof(*img->segments));
	if (!img->segments || !(img->segments[0] = strdup(img->path))) {
		close(fd);
		return ntfs_error_set(err, NTFS_E_NOMEM, "%s: out of memory", img->path);
	}
	img->segment_count = 1;
	img->format = p->n >= 4 && memcmp(p->head, "FILE", 4) == 0 ? IMAGE_FORMAT_MFT_FILE : IMAGE_FORMAT_RAW;
	img->fd = fd;
	img->size = p->size;
	return NTFS_OK;
}

ntfs_status image_raw_open_memory(image *img, const uint8_t *buf, size_t len, ntfs_error *err)
{
	img->container = &mem_container;
	if (!(img->segments = calloc(1, sizeof(*img->segments))) || !(img->segments[0] = strdup(img->path)))
		return ntfs_error_set(err, NTFS_E_NOMEM, "%s: out of memory", img->path);
	img->segment_count = 1;
	img->format = len >= 4 && memcmp(buf, "FILE", 4) == 0 ? IMAGE_FORMAT_MFT_FILE : IMAGE_FORMAT_RAW;
	img->mem = buf;
	img->size = len;
	return NTFS_OK;
}
