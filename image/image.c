/* SPDX-License-Identifier: Apache-2.0 */
/* Opening and reading evidence images, strictly read-only: pread for single raw files, libtsk's img
 * layer for split raw and E01 (libewf underneath). */
#include "config.h"
#include "image_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* libtsk reads longer than this skip its cache (see image_tsk_direct). */
#define IMAGE_TSK_CACHE_LEN ((size_t)TSK_IMG_INFO_CACHE_LEN)

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

/* Rejects what we must never open: directories (clear message) and FIFOs, sockets, character devices
 * (opening or reading them could block forever or consume data). */
static ntfs_status image_check_type(const char *path, const struct stat *st, ntfs_error *err)
{
	if (S_ISDIR(st->st_mode))
		return ntfs_error_set(err, NTFS_E_IO, "%s: is a directory", path);
	if (!S_ISREG(st->st_mode) && !S_ISBLK(st->st_mode))
		return ntfs_error_set(err, NTFS_E_IO, "%s: not a regular file or block device", path);
	return NTFS_OK;
}

ntfs_status image_stat_path(const char *path, struct stat *st, ntfs_error *err)
{
	if (stat(path, st) != 0)
		return ntfs_error_set(err, NTFS_E_IO, "%s: %s", path, strerror(errno));
	return image_check_type(path, st, err);
}

/* Opens path O_RDONLY (non-blocking, so a FIFO swapped in after stat cannot hang us) and re-checks the
 * type on the open descriptor; returns the fd and the size in bytes. */
static ntfs_status image_open_fd(const char *path, int *fd_out, uint64_t *size, ntfs_error *err)
{
	struct stat st;
	ntfs_status s = image_stat_path(path, &st, err);
	if (s != NTFS_OK)
		return s;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return ntfs_error_set(err, NTFS_E_IO, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || (s = image_check_type(path, &st, err)) != NTFS_OK) {
		if (s == NTFS_OK)
			s = ntfs_error_set(err, NTFS_E_IO, "%s: %s", path, strerror(errno));
		close(fd);
		return s;
	}
	if (S_ISBLK(st.st_mode)) {
		off_t end = lseek(fd, 0, SEEK_END);
		if (end < 0) {
			s = ntfs_error_set(err, NTFS_E_IO, "%s: cannot size block device: %s", path, strerror(errno));
			close(fd);
			return s;
		}
		*size = (uint64_t)end;
	} else {
		*size = (uint64_t)st.st_size;
	}
	*fd_out = fd;
	return NTFS_OK;
}

/* pread that retries on EINTR and short reads; returns bytes read (short only at end of file) or -1. */
static ssize_t image_pread_full(int fd, uint8_t *buf, size_t len, uint64_t off)
{
	size_t done = 0;
	while (done < len) {
		size_t want = len - done;
		if (want > (size_t)1 << 30)
			want = (size_t)1 << 30;
		ssize_t n = pread(fd, buf + done, want, (off_t)(off + done));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

/* Opens split-raw or E01 segments with libtsk's img layer; the message names the first segment. */
static ntfs_status image_open_tsk(image *img, TSK_IMG_TYPE_ENUM type, ntfs_error *err)
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

/* Records a single-file image (raw or $MFT) whose reads go through pread on fd. */
static ntfs_status image_setup_single(image *img, image_format f, int fd, uint64_t size, ntfs_error *err)
{
	img->segments = calloc(1, sizeof(*img->segments));
	if (!img->segments || !(img->segments[0] = strdup(img->path))) {
		close(fd);
		return ntfs_error_set(err, NTFS_E_NOMEM, "%s: out of memory", img->path);
	}
	img->segment_count = 1;
	img->format = f;
	img->fd = fd;
	img->size = size;
	return NTFS_OK;
}

/* Opens a virtual disk container recognised by its bytes with its library, reads serialised. */
static ntfs_status image_setup_vdisk(image *img, image_vdisk_kind kind, ntfs_error *err)
{
	if (pthread_mutex_init(&img->vdisk_mutex, NULL) != 0)
		return ntfs_error_set(err, NTFS_E_NOMEM, "%s: cannot create a lock", img->path);
	img->vdisk_mutex_ready = true;
	switch (kind) {
	case IMAGE_VDISK_VHD: case IMAGE_VDISK_VHDX: return image_vhdi_open(img, err);
	case IMAGE_VDISK_VMDK: return image_vmdk_open(img, err);
	case IMAGE_VDISK_QCOW: return image_qcow_open(img, err);
	case IMAGE_VDISK_NONE: break;
	}
	return ntfs_error_set(err, NTFS_E_INVALID, "%s: not a virtual disk", img->path);
}

/* Looks for a container by content: a virtual disk is opened (fd closed, *done set); a recognised but
 * unsupported container is an error naming it (fd closed); else nothing happens. */
static ntfs_status image_try_vdisk(image *img, int fd, uint64_t size, const uint8_t *head, size_t n, bool *done,
				   ntfs_error *err)
{
	uint8_t tail[512];
	bool have_tail = size >= 2 * sizeof(tail) &&
			 image_pread_full(fd, tail, sizeof(tail), size - sizeof(tail)) == (ssize_t)sizeof(tail);
	const char *unsupported = NULL;
	image_vdisk_kind kind = image_vdisk_detect(head, n, have_tail ? tail : NULL, &unsupported);
	*done = kind != IMAGE_VDISK_NONE || unsupported;
	if (!*done)
		return NTFS_OK;
	close(fd);
	if (unsupported)
		return ntfs_error_set(err, NTFS_E_UNSUPPORTED, "%s: %s: this container is not supported (convert it to "
				      "raw, e.g. with qemu-img convert -O raw, or mount it and image the disk)",
				      img->path, unsupported);
	return image_setup_vdisk(img, kind, err);
}

/* Decides the format from the first bytes and the name, then sets img up for reading. Takes fd. */
static ntfs_status image_setup(image *img, int fd, uint64_t size, ntfs_error *err)
{
	uint8_t head[512] = {0};
	ssize_t n = image_pread_full(fd, head, sizeof(head), 0);
	if (n < 0) {
		ntfs_status s = ntfs_error_set(err, NTFS_E_IO, "%s: read error at offset 0: %s", img->path,
					       strerror(errno));
		close(fd);
		return s;
	}
	if (image_ewf_signature(head, (size_t)n)) {
		close(fd);
		img->format = IMAGE_FORMAT_EWF;
		ntfs_status s = image_ewf_open(img->path, &img->segments, &img->segment_count, &img->ewf, err);
		if (s != NTFS_OK)
			return s;
		s = image_open_tsk(img, TSK_IMG_TYPE_EWF_EWF, err);
		return s == NTFS_OK ? image_ewf_data_open(img, err) : s;
	}
	bool vdisk = false;
	ntfs_status vs = image_try_vdisk(img, fd, size, head, (size_t)n, &vdisk, err);
	if (vdisk)
		return vs;
	if (image_is_split_name(img->path)) {
		char **segs = NULL;
		size_t count = 0;
		ntfs_status s = image_split_segments(img->path, &segs, &count, err);
		if (s != NTFS_OK) {
			close(fd);
			return s;
		}
		if (count > 1) {
			close(fd);
			img->segments = segs;
			img->segment_count = count;
			img->format = IMAGE_FORMAT_SPLIT_RAW;
			return image_open_tsk(img, TSK_IMG_TYPE_RAW, err);
		}
		image_free_segments(segs, count);
	}
	if (n >= 4 && memcmp(head, "FILE", 4) == 0)
		return image_setup_single(img, IMAGE_FORMAT_MFT_FILE, fd, size, err);
	return image_setup_single(img, IMAGE_FORMAT_RAW, fd, size, err);
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
	if (!img || !(img->segments = calloc(1, sizeof(*img->segments))) || !(img->segments[0] = strdup(name))) {
		image_close(img);
		return ntfs_error_set(err, NTFS_E_NOMEM, "%s: out of memory", name);
	}
	img->segment_count = 1;
	img->format = len >= 4 && memcmp(buf, "FILE", 4) == 0 ? IMAGE_FORMAT_MFT_FILE : IMAGE_FORMAT_RAW;
	img->mem = buf;
	img->size = len;
	*out = img;
	return NTFS_OK;
}

void image_close(image *img)
{
	if (!img)
		return;
	if (img->tsk)
		tsk_img_close(img->tsk);
	image_vss_store_close(img);
	image_ewf_data_close(img);
	if (img->vdisk_ops)
		img->vdisk_ops->close(img->vdisk);
	if (img->vdisk_mutex_ready)
		pthread_mutex_destroy(&img->vdisk_mutex);
	if (img->fd >= 0)
		close(img->fd);
	image_ewf_info_free(img->ewf);
	image_free_segments(img->segments, img->segment_count);
	pthread_mutex_destroy(&img->tsk_mutex);
	free(img->path);
	free(img);
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
static ntfs_status image_read_tsk(image *img, uint64_t off, uint8_t *buf, size_t len, size_t *got,
				  ntfs_error *err)
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

/* Reads with pread; the image size was fixed at open, so running out of file earlier is an error. */
static ntfs_status image_read_fd(image *img, uint64_t off, uint8_t *buf, size_t len, size_t *got,
				 ntfs_error *err)
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
	if (img->fd >= 0)
		return image_read_fd(img, offset, buf, len, got, err);
	if (img->mem) {
		memcpy(buf, img->mem + offset, len);
		*got = len;
		return NTFS_OK;
	}
	if (img->vss_store)
		return image_vss_store_read(img, offset, buf, len, got, err);
	if (img->ewf_handle) /* E01 data through libewf, which keeps the chunks whose checksum fails */
		return image_ewf_data_read(img, offset, buf, len, got, err);
	if (img->vdisk)
		return image_vdisk_read(img, offset, buf, len, got, err);
	return image_read_tsk(img, offset, buf, len, got, err);
}

bool image_reads_parallel(const image *img)
{
	return img && (img->fd >= 0 || img->mem || img->ewf_handle);
}

ntfs_status image_tsk_handle(image *img, TSK_IMG_INFO **out, ntfs_error *err)
{
	ntfs_status s = NTFS_OK;
	pthread_mutex_lock(&img->tsk_mutex);
	if (!img->tsk && img->vdisk) {
		img->tsk = image_vdisk_tsk_open(img, img->vdisk_sector_size ? img->vdisk_sector_size : 512);
		if (!img->tsk)
			s = ntfs_error_set(err, NTFS_E_IO, "%s: libtsk cannot read the virtual disk: %s", img->path,
					   tsk_error_get());
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
