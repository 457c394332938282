/* SPDX-License-Identifier: Apache-2.0 */
/* What VHD/VHDX, VMDK and qcow images share: recognising containers by their bytes (and naming those not
 * supported), finding a differencing image's parent beside it, serialised reads, and a TSK handle for the
 * partition table. */
#include "config.h"
#include "image_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "le.h"

/* True when the n bytes at p start with the len bytes of sig. */
static bool vdisk_starts(const uint8_t *p, size_t n, const char *sig, size_t len)
{
	return n >= len && memcmp(p, sig, len) == 0;
}

/* Containers we recognise but do not read: the name given in the error. */
static const char *vdisk_unsupported(const uint8_t *head, size_t n, const uint8_t *tail)
{
	if (n >= 0x44 && le32(head + 0x40) == 0xbeda107fu)
		return "VirtualBox VDI disk image";
	if (vdisk_starts(head, n, "QED\0", 4))
		return "QEMU QED disk image";
	if (vdisk_starts(head, n, "WithoutFreeSpace", 16) || vdisk_starts(head, n, "WithouFreSpacExt", 16))
		return "Parallels disk image";
	if (vdisk_starts(head, n, "AFF10\r\n", 8))
		return "AFF (Advanced Forensic Format) image";
	if (vdisk_starts(head, n, "PK\003\004", 4) &&
	    ((n >= 30 + 21 && memcmp(head + 30, "container.description", 21) == 0) ||
	     (n >= 30 + 18 && memcmp(head + 30, "information.turtle", 18) == 0)))
		return "AFF4 image";
	if (vdisk_starts(head, n, "LVF\x09\x0d\x0a\xff\x00", 8) || vdisk_starts(head, n, "LEF2\x0d\x0a\x81\x00", 8))
		return "EnCase logical evidence file (L01/Lx01: files, not a disk)";
	if (vdisk_starts(head, n, "LUKS\xba\xbe", 6))
		return "LUKS encrypted volume";
	if (tail && memcmp(tail, "koly", 4) == 0)
		return "Apple disk image (DMG/UDIF)";
	return NULL;
}

image_vdisk_kind image_vdisk_detect(const uint8_t *head, size_t n, const uint8_t *tail, const char **unsupported)
{
	*unsupported = NULL;
	if (vdisk_starts(head, n, "vhdxfile", 8))
		return IMAGE_VDISK_VHDX;
	if (vdisk_starts(head, n, "conectix", 8) || (tail && memcmp(tail, "conectix", 8) == 0))
		return IMAGE_VDISK_VHD;   /* dynamic/differencing: a footer copy at 0; fixed: only the footer */
	if (vdisk_starts(head, n, "KDMV", 4) || vdisk_starts(head, n, "COWD", 4) ||
	    vdisk_starts(head, n, "# Disk DescriptorFile", 21))
		return IMAGE_VDISK_VMDK;
	if (vdisk_starts(head, n, "QFI\xfb", 4))
		return IMAGE_VDISK_QCOW;
	*unsupported = vdisk_unsupported(head, n, tail);
	return IMAGE_VDISK_NONE;
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

ntfs_status image_vdisk_parent_path(const char *kind, const char *child, const char *hint, char *out, size_t cap,
				    ntfs_error *err)
{
	const char *base = hint;
	for (const char *p = hint; *p; p++)
		if (*p == '\\' || *p == '/' || (*p == ':' && p == hint + 1))
			base = p + 1;
	if (!*base)
		return ntfs_error_set(err, NTFS_E_INVALID, "%s: differencing %s image names no parent file", child, kind);
	const char *slash = strrchr(child, '/');
	int dir = slash ? (int)(slash - child + 1) : 0;
	if ((size_t)snprintf(out, cap, "%.*s%s", dir, child, base) >= cap)
		return ntfs_error_set(err, NTFS_E_INVALID, "%s: parent file name too long: %s", child, hint);
	struct stat st;
	ntfs_error why = {0};
	if (image_stat_path(out, &st, &why) != NTFS_OK)
		return ntfs_error_set(err, NTFS_E_IO, "%s: its parent %s image (stored as \"%s\") is not beside it: %s",
				      child, kind, hint, why.reason);
	return NTFS_OK;
}

ntfs_status image_vdisk_read(image *img, uint64_t off, uint8_t *buf, size_t len, size_t *got, ntfs_error *err)
{
	char why[512];
	size_t done = 0;
	ntfs_status s = NTFS_OK;
	pthread_mutex_lock(&img->vdisk_mutex);
	while (done < len) {
		size_t want = len - done;
		if (want > (size_t)1 << 30)
			want = (size_t)1 << 30;
		ssize_t n = img->vdisk_ops->read(img->vdisk, off + done, buf + done, want, why, sizeof(why));
		if (n < 0) {
			s = ntfs_error_set(err, NTFS_E_IO, "%s: read error at offset %llu: %s", img->path,
					   (unsigned long long)(off + done), why);
			break;
		}
		if (n == 0) {
			s = ntfs_error_set(err, NTFS_E_IO, "%s: read error at offset %llu: no data before the end of "
					   "the image", img->path, (unsigned long long)(off + done));
			break;
		}
		done += (size_t)n;
	}
	pthread_mutex_unlock(&img->vdisk_mutex);
	*got = s == NTFS_OK ? done : 0;
	return s;
}

/* TSK's view of a virtual disk: its image struct first (TSK fills it), then ours. */
typedef struct {
	TSK_IMG_INFO info;
	image *img;
} vdisk_tsk;

/* TSK read callback: image_read on the virtual disk; -1 on error (TSK then has no cause to give). */
static ssize_t vdisk_tsk_read(TSK_IMG_INFO *ti, TSK_OFF_T off, char *buf, size_t len)
{
	vdisk_tsk *v = (vdisk_tsk *)ti;
	size_t got = 0;
	if (off < 0 || image_read(v->img, (uint64_t)off, buf, len, &got, NULL) != NTFS_OK)
		return -1;
	return (ssize_t)got;
}

/* TSK close callback: frees what image_vdisk_tsk_open allocated (the disk itself is image_close's). */
static void vdisk_tsk_close(TSK_IMG_INFO *ti)
{
	free(ti);
}

/* TSK imgstat callback (istat-like tools only; never called by the vs layer). */
static void vdisk_tsk_stat(TSK_IMG_INFO *ti, FILE *f)
{
	fprintf(f, "virtual disk %s\n", ((vdisk_tsk *)ti)->img->path);
}

TSK_IMG_INFO *image_vdisk_tsk_open(image *img, unsigned sector_size)
{
	vdisk_tsk *v = calloc(1, sizeof(*v));
	if (!v)
		return NULL;
	v->img = img;
	v->info.tag = TSK_IMG_INFO_TAG;
	TSK_IMG_INFO *ti = tsk_img_open_external(v, (TSK_OFF_T)img->size, sector_size, vdisk_tsk_read,
						 vdisk_tsk_close, vdisk_tsk_stat);
	if (!ti)
		free(v);
	return ti;
}

char *image_vdisk_innermost(char *buf)
{
	size_t n = strcspn(buf, "\n");
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '.' || buf[n - 1] == ' ' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return buf;
}
