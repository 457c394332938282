/* SPDX-License-Identifier: Apache-2.0 */
/* What every container shares (container.h): the files under it, strictly read-only: checking a path's type,
 * opening it O_RDONLY, pread in full, and the list of file names an image is read from. */
#include "config.h"
#include "container.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

ntfs_status image_open_fd(const char *path, int *fd_out, uint64_t *size, ntfs_error *err)
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

ssize_t image_pread_full(int fd, uint8_t *buf, size_t len, uint64_t off)
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

ntfs_status image_read_loop(const image *img, uint64_t off, uint8_t *buf, size_t len, size_t *done,
			    image_piece_fn read, void *ctx, ntfs_error *err)
{
	char why[512];
	*done = 0;
	while (*done < len) {
		size_t want = len - *done;
		if (want > (size_t)1 << 30)
			want = (size_t)1 << 30;
		ssize_t n = read(ctx, off + *done, buf + *done, want, why, sizeof(why));
		if (n < 0)
			return ntfs_error_set(err, NTFS_E_IO, "%s: read error at offset %llu: %s", img->path,
					      (unsigned long long)(off + *done), why);
		if (n == 0)
			return ntfs_error_set(err, NTFS_E_IO, "%s: read error at offset %llu: no data before the end of "
					      "the image", img->path, (unsigned long long)(off + *done));
		*done += (size_t)n;
	}
	return NTFS_OK;
}

ntfs_status image_add_segment(image *img, const char *name, ntfs_error *err)
{
	char **grown = realloc(img->segments, (img->segment_count + 1) * sizeof(*grown));
	if (!grown)
		return ntfs_error_set(err, NTFS_E_NOMEM, "%s: out of memory", img->path);
	img->segments = grown;
	if (!(grown[img->segment_count] = strdup(name)))
		return ntfs_error_set(err, NTFS_E_NOMEM, "%s: out of memory", img->path);
	img->segment_count++;
	return NTFS_OK;
}

void image_free_segments(char **segs, size_t n)
{
	if (!segs)
		return;
	for (size_t i = 0; i < n; i++)
		free(segs[i]);
	free(segs);
}
