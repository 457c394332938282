/* SPDX-License-Identifier: Apache-2.0 */
/* What VHD/VHDX, VMDK and qcow images share: recognising containers by their bytes (and naming those not
 * supported), finding a differencing image's parent beside it, serialised reads, and a TSK handle for the
 * partition table. */
#include "config.h"
#include "container.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	size_t done;
	pthread_mutex_lock(&img->vdisk_mutex);
	ntfs_status s = image_read_loop(img, off, buf, len, &done, img->vdisk_ops->read, img->vdisk, err);
	pthread_mutex_unlock(&img->vdisk_mutex);
	*got = s == NTFS_OK ? done : 0;
	return s;
}

/* TSK's view of a virtual disk: its image struct first (TSK fills it), then ours. */
typedef struct {
	TSK_IMG_INFO info;
	image *img;
} vdisk_tsk;

/* TSK read callback: the virtual disk's bytes from off, cut at its end (0 there); -1 on error (TSK then has
 * no cause to give). */
static ssize_t vdisk_tsk_read(TSK_IMG_INFO *ti, TSK_OFF_T off, char *buf, size_t len)
{
	image *img = ((vdisk_tsk *)ti)->img;
	size_t got = 0;
	if (off < 0)
		return -1;
	if ((uint64_t)off >= img->size || len == 0)
		return 0;
	if (len > img->size - (uint64_t)off)
		len = (size_t)(img->size - (uint64_t)off);
	if (image_vdisk_read(img, (uint64_t)off, (uint8_t *)buf, len, &got, NULL) != NTFS_OK)
		return -1;
	return (ssize_t)got;
}

/* TSK close callback: frees what vdisk_tsk_open allocated (the disk itself is image_close's). */
static void vdisk_tsk_close(TSK_IMG_INFO *ti)
{
	free(ti);
}

/* TSK imgstat callback (istat-like tools only; never called by the vs layer). */
static void vdisk_tsk_stat(TSK_IMG_INFO *ti, FILE *f)
{
	fprintf(f, "virtual disk %s\n", ((vdisk_tsk *)ti)->img->path);
}

/* A TSK image handle whose reads go through the virtual disk's library (for the vs layer). */
static ntfs_status vdisk_tsk_open(image *img, TSK_IMG_INFO **out, ntfs_error *err)
{
	vdisk_tsk *v = calloc(1, sizeof(*v));
	if (!v)
		return ntfs_error_set(err, NTFS_E_IO, "%s: libtsk cannot read the virtual disk: out of memory", img->path);
	v->img = img;
	v->info.tag = TSK_IMG_INFO_TAG;
	*out = tsk_img_open_external(v, (TSK_OFF_T)img->size, img->vdisk_sector_size ? img->vdisk_sector_size : 512,
				     vdisk_tsk_read, vdisk_tsk_close, vdisk_tsk_stat);
	if (*out)
		return NTFS_OK;
	free(v);
	return ntfs_error_set(err, NTFS_E_IO, "%s: libtsk cannot read the virtual disk: %s", img->path, tsk_error_get());
}

/* Closes the library's handle (with its parents) and the lock. */
static void vdisk_close(image *img)
{
	if (img->vdisk_ops)
		img->vdisk_ops->close(img->vdisk);
	img->vdisk_ops = NULL;
	img->vdisk = NULL;
	if (img->vdisk_mutex_ready)
		pthread_mutex_destroy(&img->vdisk_mutex);
	img->vdisk_mutex_ready = false;
}

/* Virtual disks are read through their library, one read at a time. */
static const image_container vdisk_container = {.read = image_vdisk_read, .close = vdisk_close, .tsk_open = vdisk_tsk_open};

ntfs_status image_vdisk_begin(image *img, int fd, ntfs_error *err)
{
	close(fd);
	img->container = &vdisk_container;
	if (pthread_mutex_init(&img->vdisk_mutex, NULL) != 0)
		return ntfs_error_set(err, NTFS_E_NOMEM, "%s: cannot create a lock", img->path);
	img->vdisk_mutex_ready = true;
	return NTFS_OK;
}

image_vdisk_kind image_vdisk_probe(const image_probe *p, const char **unsupported)
{
	const char *dummy;
	return image_vdisk_detect(p->head, p->n, p->tail, unsupported ? unsupported : &dummy);
}

bool image_vdisk_refuses(const image_probe *p)
{
	const char *unsupported = NULL;
	return image_vdisk_probe(p, &unsupported) == IMAGE_VDISK_NONE && unsupported;
}

ntfs_status image_vdisk_refuse(image *img, int fd, const image_probe *p, ntfs_error *err)
{
	const char *unsupported = NULL;
	close(fd);
	image_vdisk_probe(p, &unsupported);
	return ntfs_error_set(err, NTFS_E_UNSUPPORTED, "%s: %s: this container is not supported (convert it to "
			      "raw, e.g. with qemu-img convert -O raw, or mount it and image the disk)",
			      img->path, unsupported ? unsupported : "unknown");
}

char *image_vdisk_innermost(char *buf)
{
	size_t n = strcspn(buf, "\n");
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '.' || buf[n - 1] == ' ' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return buf;
}
