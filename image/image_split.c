/* SPDX-License-Identifier: Apache-2.0 */
/* Split raw images (name.001, name.002, ...): finding the segments and refusing a set whose numbering has
 * a gap or whose middle segments are shorter or longer than the first, since either would silently shift
 * every later byte of the image (issue 10 item 10). */
#include "config.h"
#include "container.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The largest split-raw set we look for; real tools stop at .999. */
#define IMAGE_MAX_SPLIT 9999

/* Split raw data is read through libtsk, which reads one segment at a time: reads take turns. */
static const image_container split_container = {.read = image_tsk_read};

bool image_split_claims(const image_probe *p)
{
	size_t n = strlen(p->path);
	return n > 4 && strcmp(p->path + n - 4, ".001") == 0;
}

/* The number a directory entry carries when it is "<prefix><digits>" (3 or more digits), else 0. */
static unsigned long split_number(const char *entry, const char *prefix, size_t plen)
{
	if (strncmp(entry, prefix, plen) != 0)
		return 0;
	const char *d = entry + plen;
	size_t n = strspn(d, "0123456789");
	if (n < 3 || n > 6 || d[n])
		return 0;
	return strtoul(d, NULL, 10);
}

/*
 * Looks in the set's directory for a segment numbered above `missing` (the first number not found):
 * returns the lowest such number and copies its file name into found (cap bytes); 0 when there is none.
 * A set "x.001 x.003" then names x.002 as missing instead of being read as a shorter image.
 */
static unsigned long split_later_segment(const char *path, size_t base, unsigned long missing, char *found, size_t cap)
{
	const char *slash = strrchr(path, '/');
	size_t dlen = slash ? (size_t)(slash - path) : 0;
	char *dir = slash ? strndup(path, dlen ? dlen : 1) : strdup(".");
	const char *prefix = slash ? slash + 1 : path;
	size_t plen = base - (size_t)(prefix - path);
	unsigned long best = 0;
	DIR *dp = dir ? opendir(dir) : NULL;
	if (dp) {
		struct dirent *de;
		while ((de = readdir(dp)) != NULL) {
			unsigned long k = split_number(de->d_name, prefix, plen);
			if (k > missing && (best == 0 || k < best)) {
				best = k;
				snprintf(found, cap, "%s", de->d_name);
			}
		}
		closedir(dp);
	}
	free(dir);
	return best;
}

/* Every segment but the last as long as the first: a shorter (or longer) one would move all later data. */
static ntfs_status split_check_sizes(const char *path, char **segs, size_t n, ntfs_error *err)
{
	struct stat first, st;
	if (n < 3 || stat(segs[0], &first) != 0 || !S_ISREG(first.st_mode))
		return NTFS_OK; /* two segments: the second is the last; block devices: sized when opened */
	for (size_t i = 1; i + 1 < n; i++) {
		if (stat(segs[i], &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == first.st_size)
			continue;
		return ntfs_error_set(err, NTFS_E_IO,
				      "%s: split raw image: segment %s is %llu bytes, %s than the first (%llu bytes); only the "
				      "last segment may differ, or every later byte would be read at the wrong offset "
				      "(segment cut short, or not of this set)",
				      path, segs[i], (unsigned long long)st.st_size, st.st_size < first.st_size ? "shorter" : "longer",
				      (unsigned long long)first.st_size);
	}
	return NTFS_OK;
}

/* Appends name to the growing list (*segs, *n, *cap); takes name. Returns 0, or -1 out of memory. */
static int split_push(char ***segs, size_t *n, size_t *cap, char *name)
{
	if (*n == *cap) {
		char **grown = realloc(*segs, 2 * *cap * sizeof(**segs));
		if (!grown) {
			free(name);
			return -1;
		}
		*segs = grown;
		*cap *= 2;
	}
	(*segs)[(*n)++] = name;
	return 0;
}

/* Builds the list of split-raw segment names for a path ending in ".001": .002, .003 ... while they exist
 * (a lone .001 yields one segment). Refuses (NTFS_E_IO, naming the segment) a gap in the numbering (a later
 * segment present after a missing one) and a segment other than the last whose size differs from the
 * first's. Every segment must be a regular file or block device. Caller frees with image_free_segments. */
static ntfs_status split_segments(const char *path, char ***out, size_t *count, ntfs_error *err)
{
	size_t base = strlen(path) - 3, cap = 8, n = 0;
	char **segs = calloc(cap, sizeof(*segs));
	if (!segs || !(segs[0] = strdup(path))) {
		free(segs);
		return ntfs_error_set(err, NTFS_E_NOMEM, "%s: out of memory", path);
	}
	n = 1;
	size_t i;
	for (i = 2; i <= IMAGE_MAX_SPLIT; i++) {
		char *name = malloc(base + 8);
		if (!name)
			goto nomem;
		snprintf(name, base + 8, "%.*s%03zu", (int)base, path, i);
		struct stat st;
		if (stat(name, &st) != 0 && errno == ENOENT) {
			free(name);
			break;
		}
		ntfs_status s = image_stat_path(name, &st, err);
		if (s != NTFS_OK) {
			free(name);
			image_free_segments(segs, n);
			return s;
		}
		if (split_push(&segs, &n, &cap, name))
			goto nomem;
	}
	char found[256];
	if (i <= IMAGE_MAX_SPLIT && split_later_segment(path, base, i, found, sizeof(found))) {
		image_free_segments(segs, n);
		return ntfs_error_set(err, NTFS_E_IO, "%s: split raw image: segment %.*s%03zu is missing (%s is present after it)",
				      path, (int)base, path, i, found);
	}
	ntfs_status s = split_check_sizes(path, segs, n, err);
	if (s != NTFS_OK) {
		image_free_segments(segs, n);
		return s;
	}
	*out = segs;
	*count = n;
	return NTFS_OK;
nomem:
	image_free_segments(segs, n);
	return ntfs_error_set(err, NTFS_E_NOMEM, "%s: out of memory", path);
}

ntfs_status image_split_open(image *img, int fd, const image_probe *p, ntfs_error *err)
{
	char **segs = NULL;
	size_t count = 0;
	ntfs_status s = split_segments(img->path, &segs, &count, err);
	if (s != NTFS_OK) {
		close(fd);
		return s;
	}
	if (count < 2) { /* a lone .001 is a plain raw file */
		image_free_segments(segs, count);
		return image_raw_open(img, fd, p, err);
	}
	close(fd);
	img->container = &split_container;
	img->segments = segs;
	img->segment_count = count;
	img->format = IMAGE_FORMAT_SPLIT_RAW;
	return image_tsk_open_segments(img, TSK_IMG_TYPE_RAW, err);
}
