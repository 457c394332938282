/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"
#include "guard.h"

#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* Reads "MAJOR:MINOR" from a sysfs dev file into *d; false when it cannot. */
static bool guard_read_dev(const char *path, dev_t *d)
{
	unsigned ma, mi;
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	bool ok = fscanf(f, "%u:%u", &ma, &mi) == 2;
	fclose(f);
	if (ok)
		*d = makedev(ma, mi);
	return ok;
}

/* The whole disk a block device belongs to: itself when it is no partition (or sysfs cannot say). */
static dev_t guard_whole_disk(dev_t d)
{
	char p[96];
	snprintf(p, sizeof(p), "/sys/dev/block/%u:%u/partition", major(d), minor(d));
	if (access(p, F_OK) != 0)
		return d;
	dev_t disk;
	snprintf(p, sizeof(p), "/sys/dev/block/%u:%u/../dev", major(d), minor(d));
	return guard_read_dev(p, &disk) ? disk : d;
}

/* True when st is the file behind loop device disk (its backing file, as sysfs names it). */
static bool guard_is_backing_file(dev_t disk, const struct stat *st)
{
	char p[96], file[4096];
	snprintf(p, sizeof(p), "/sys/dev/block/%u:%u/loop/backing_file", major(disk), minor(disk));
	FILE *f = fopen(p, "r");
	if (!f)
		return false;
	bool got = fgets(file, sizeof(file), f) != NULL;
	fclose(f);
	if (!got)
		return false;
	file[strcspn(file, "\n")] = '\0';
	struct stat b;
	return stat(file, &b) == 0 && b.st_dev == st->st_dev && b.st_ino == st->st_ino;
}

/* True when a character device is /dev/null or a terminal (Linux majors 4, 5 and 136-143), which a report
 * may be written to; opening any other (a tape rewinds, a raw or flash device is evidence) is refused. */
static bool guard_harmless_char(const struct stat *st, bool tty)
{
	unsigned ma = major(st->st_rdev);
	return st->st_rdev == makedev(1, 3) || tty || ma == 4 || ma == 5 || (ma >= 136 && ma <= 143);
}

bool guard_destination(const struct stat *st, bool tty, const image *img, const char *what, char *msg, size_t cap)
{
	if (S_ISBLK(st->st_mode)) {
		snprintf(msg, cap, "refusing to write the report to %s: a block device (it could be the evidence disk, "
			 "one of its partitions or another node of it)", what);
		return false;
	}
	if (S_ISCHR(st->st_mode) && !guard_harmless_char(st, tty)) {
		snprintf(msg, cap, "refusing to write the report to %s: a character device other than /dev/null or a "
			 "terminal", what);
		return false;
	}
	for (size_t i = 0; i < image_segment_count(img); i++) {
		struct stat seg;
		const char *name = image_segment(img, i);
		if (stat(name, &seg) != 0)
			continue;
		if (seg.st_dev == st->st_dev && seg.st_ino == st->st_ino) {
			snprintf(msg, cap, "refusing to write the report over the image file %s (%s)", name, what);
			return false;
		}
		if (!S_ISBLK(seg.st_mode) || !S_ISREG(st->st_mode))
			continue;
		dev_t disk = guard_whole_disk(seg.st_rdev);
		if (guard_whole_disk(st->st_dev) == disk) {
			snprintf(msg, cap, "refusing to write the report to %s: it lies on a file system of the evidence "
				 "device %s", what, name);
			return false;
		}
		if (guard_is_backing_file(disk, st) || guard_is_backing_file(seg.st_rdev, st)) {
			snprintf(msg, cap, "refusing to write the report to %s: it is the file behind the evidence loop "
				 "device %s", what, name);
			return false;
		}
	}
	return true;
}
