/* SPDX-License-Identifier: Apache-2.0 */
/* libtsk's img layer under split raw and E01 images: opening their segments, and reading split raw
 * through it so that every failing segment read is reported. */
#include "config.h"
#include "container.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* libtsk reads longer than this skip its cache (see image_tsk_direct). */
#define IMAGE_TSK_CACHE_LEN ((size_t)TSK_IMG_INFO_CACHE_LEN)

ntfs_status image_tsk_open_segments(image *img, TSK_IMG_TYPE_ENUM type, ntfs_error *err)
{
	if (img->segment_count > INT_MAX)
		return ntfs_error_set(err, NTFS_E_UNSUPPORTED, "%s: too many segments", img->path);
	img->tsk = tsk_img_open_utf8((int)img->segment_count, (const char *const *)img->segments, type, 0);
	if (!img->tsk)
		return ntfs_error_set(err, NTFS_E_IO, "%s: cannot open image: %s", img->path, tsk_error_get());
	if (img->tsk->size < 0)
		return ntfs_error_set(err, NTFS_E_IO, "%s: image size is negative", img->path);
	img->size = (uint64_t)img->tsk->size;
	return NTFS_OK;
}

/* One uncached tsk_img_read of a sector-multiple length of at least TSK_IMG_INFO_CACHE_LEN + 1 bytes:
 * the only kind of libtsk 4.11 read that reports a failing segment or E01 chunk. Its cached path (reads
 * up to 64 KiB) returns zeros as success, and uncached reads of other lengths copy an unread scratch
 * buffer and report success. Returns bytes read, or -1 with the cause in err. */
static ssize_t image_tsk_direct(image *img, uint64_t pos, uint8_t *dst, size_t len, ntfs_error *err)
{
	ssize_t n = tsk_img_read(img->tsk, (TSK_OFF_T)pos, (char *)dst, len);
	if (n < 0)
		ntfs_error_set(err, NTFS_E_IO, "%s: read error at offset %llu: %s", img->path,
			       (unsigned long long)pos, tsk_error_get());
	return n;
}

/* Reads through libtsk (split raw, E01). tsk_img_read holds the image's cache_lock for the whole read
 * (and libtsk's EWF reader adds its own lock), so this is thread-safe; readers are serialised. Large
 * pieces are read directly into buf; small ones through an aligned window just over 64 KiB, so that
 * every TSK read takes the uncached path that reports errors (see image_tsk_direct). */
ntfs_status image_tsk_read(image *img, uint64_t off, uint8_t *buf, size_t len, size_t *got, ntfs_error *err)
{
	size_t ss = img->tsk->sector_size >= 512 ? img->tsk->sector_size : 512;
	size_t window = IMAGE_TSK_CACHE_LEN + 2 * ss, done = 0;
	uint8_t *scratch = NULL;
	ntfs_status s = NTFS_OK;
	while (done < len && s == NTFS_OK) {
		uint64_t pos = off + done;
		size_t want = len - done, skip = (size_t)(pos % ss);
		ssize_t n;
		if (want > (size_t)1 << 30)
			want = (size_t)1 << 30;
		if (want >= window && skip == 0) {
			want -= want % ss;
			n = image_tsk_direct(img, pos, buf + done, want, err);
		} else {
			if (want > window - skip)
				want = window - skip;
			if (!scratch && !(scratch = malloc(window))) {
				s = ntfs_error_set(err, NTFS_E_NOMEM, "%s: out of memory", img->path);
				break;
			}
			n = image_tsk_direct(img, pos - skip, scratch, window, err);
			if (n > 0) {
				n = (size_t)n > skip ? n - (ssize_t)skip : 0;
				if ((size_t)n > want)
					n = (ssize_t)want;
				memcpy(buf + done, scratch + skip, (size_t)n);
			}
		}
		if (n < 0)
			s = NTFS_E_IO;
		else if (n == 0)
			s = ntfs_error_set(err, NTFS_E_IO, "%s: read error at offset %llu: no data before the end of "
					   "the image", img->path, (unsigned long long)pos);
		else
			done += (size_t)n;
	}
	free(scratch);
	*got = s == NTFS_OK ? done : 0;
	return s;
}
