/* SPDX-License-Identifier: Apache-2.0 */
/* VMware VMDK images read with libvmdk, read-only: a descriptor file or a sparse extent with its
 * descriptor inside, the extent files beside it, and the parent of a differencing (snapshot) disk found
 * beside it, checked by content identifier. Extent types libvmdk cannot read are refused by name. */
#include "config.h"
#include "container.h"

#include <libvmdk.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A chain of libvmdk handles: [0] the image given, then each parent. */
typedef struct {
	libvmdk_handle_t *handles[IMAGE_VDISK_MAX_CHAIN];
	size_t count;
} vmdk_chain;

/* Copies libvmdk's message into buf and frees the error. */
static const char *vmdk_cause(libvmdk_error_t **e, char *buf, size_t cap)
{
	snprintf(buf, cap, "unknown libvmdk error");
	if (e && *e) {
		if (libvmdk_error_backtrace_sprint(*e, buf, cap) <= 0)
			snprintf(buf, cap, "unknown libvmdk error");
		libvmdk_error_free(e);
	}
	return image_vdisk_innermost(buf);
}

/* vdisk read: the child handle (libvmdk reads unallocated grains from the parent set on it). */
static ssize_t vmdk_read(void *h, uint64_t off, uint8_t *buf, size_t len, char *why, size_t cap)
{
	libvmdk_error_t *e = NULL;
	ssize_t n = libvmdk_handle_read_buffer_at_offset(((vmdk_chain *)h)->handles[0], buf, len, (off64_t)off, &e);
	if (n < 0)
		vmdk_cause(&e, why, cap);
	return n;
}

/* vdisk close: every handle of the chain. */
static void vmdk_close(void *h)
{
	vmdk_chain *c = h;
	if (!c)
		return;
	for (size_t i = 0; i < c->count; i++) {
		libvmdk_handle_close(c->handles[i], NULL);
		libvmdk_handle_free(&c->handles[i], NULL);
	}
	free(c);
}

static const image_vdisk_ops vmdk_ops = {vmdk_read, vmdk_close};

/* The name of an extent type libvmdk 20200926 does not read, or NULL. */
static const char *vmdk_refused_extent(int type)
{
	switch (type) {
	case LIBVMDK_EXTENT_TYPE_FLAT: case LIBVMDK_EXTENT_TYPE_SPARSE: case LIBVMDK_EXTENT_TYPE_ZERO:
	case LIBVMDK_EXTENT_TYPE_VMFS_FLAT: case LIBVMDK_EXTENT_TYPE_VMFS_SPARSE:
		return NULL;
	case LIBVMDK_EXTENT_TYPE_VMFS_RAW: return "VMFSRAW (a raw device)";
	case LIBVMDK_EXTENT_TYPE_VMFS_RDM: return "VMFSRDM (a raw device mapping)";
	default: return "of an unknown kind";
	}
}

/* When libvmdk refuses a descriptor file: the first extent line whose type it cannot read, named in msg
 * ("extent 2 is of type VMFSRAW"); false when the file is no descriptor or every type is one it reads. */
static bool vmdk_descriptor_refused(const char *path, char *msg, size_t cap)
{
	static const char *const known[] = {"FLAT", "SPARSE", "ZERO", "VMFS", "VMFSSPARSE"};
	char line[1024];
	FILE *f = fopen(path, "re");
	if (!f)
		return false;
	bool found = false;
	int extent = 0;
	for (int lines = 0; !found && lines < 4096 && fgets(line, sizeof(line), f); lines++) {
		char access[16], type[32];
		unsigned long long sectors;
		if (sscanf(line, "%15s %llu %31s", access, &sectors, type) != 3 ||
		    (strcmp(access, "RW") && strcmp(access, "RDONLY") && strcmp(access, "NOACCESS")))
			continue;
		extent++;
		bool ok = false;
		for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++)
			ok = ok || strcmp(type, known[k]) == 0;
		if (!ok) {
			snprintf(msg, cap, "VMDK extent %d is of type %s: not supported", extent, type);
			found = true;
		}
	}
	fclose(f);
	return found;
}

/* Checks every extent's type and adds the extent files to the segments (once each). */
static ntfs_status vmdk_extents(image *img, libvmdk_handle_t *h, const char *path, ntfs_error *err)
{
	char why[512], name[4096], full[4096];
	libvmdk_error_t *e = NULL;
	int n = 0;
	if (libvmdk_handle_get_number_of_extents(h, &n, &e) != 1)
		return ntfs_error_set(err, NTFS_E_IO, "%s: %s", path, vmdk_cause(&e, why, sizeof(why)));
	if (n <= 0)
		return ntfs_error_set(err, NTFS_E_UNSUPPORTED, "%s: VMDK descriptor lists no extents", path);
	for (int i = 0; i < n; i++) {
		libvmdk_extent_descriptor_t *d = NULL;
		int type = 0;
		if (libvmdk_handle_get_extent_descriptor(h, i, &d, &e) != 1)
			return ntfs_error_set(err, NTFS_E_IO, "%s: %s", path, vmdk_cause(&e, why, sizeof(why)));
		bool named = libvmdk_extent_descriptor_get_utf8_filename(d, (uint8_t *)name, sizeof(name), NULL) == 1;
		int got = libvmdk_extent_descriptor_get_type(d, &type, &e);
		libvmdk_extent_descriptor_free(&d, NULL);
		if (got != 1)
			return ntfs_error_set(err, NTFS_E_IO, "%s: %s", path, vmdk_cause(&e, why, sizeof(why)));
		const char *refused = vmdk_refused_extent(type);
		if (refused)
			return ntfs_error_set(err, NTFS_E_UNSUPPORTED, "%s: VMDK extent %d is of type %s: not supported",
					      path, i + 1, refused);
		if (type == LIBVMDK_EXTENT_TYPE_ZERO || !named)
			continue;
		ntfs_status s = image_vdisk_parent_path("VMDK extent", path, name, full, sizeof(full), err);
		if (s != NTFS_OK)
			return s;
		bool seen = false;
		for (size_t k = 0; k < img->segment_count && !seen; k++)
			seen = strcmp(img->segments[k], full) == 0;
		if (!seen && (s = image_add_segment(img, full, err)) != NTFS_OK)
			return s;
	}
	return NTFS_OK;
}

/* Opens one VMDK (descriptor and extent files, read-only), appends it to the chain and its files to the
 * segments; messages name the file. */
static ntfs_status vmdk_open_one(image *img, vmdk_chain *c, const char *path, ntfs_error *err)
{
	char why[512];
	libvmdk_error_t *e = NULL;
	libvmdk_handle_t *h = NULL;
	if (libvmdk_handle_initialize(&h, &e) != 1)
		return ntfs_error_set(err, NTFS_E_NOMEM, "%s: %s", path, vmdk_cause(&e, why, sizeof(why)));
	if (libvmdk_handle_open(h, path, LIBVMDK_OPEN_READ, &e) != 1) {
		libvmdk_handle_free(&h, NULL);
		char refused[128];
		if (vmdk_descriptor_refused(path, refused, sizeof(refused))) {
			libvmdk_error_free(&e);
			return ntfs_error_set(err, NTFS_E_UNSUPPORTED, "%s: %s", path, refused);
		}
		return ntfs_error_set(err, NTFS_E_IO, "%s: cannot open VMDK image: %s", path, vmdk_cause(&e, why, sizeof(why)));
	}
	c->handles[c->count++] = h;
	ntfs_status s = image_add_segment(img, path, err);
	if (s == NTFS_OK)
		s = vmdk_extents(img, h, path, err);
	if (s != NTFS_OK)
		return s;
	const char *slash = strrchr(path, '/');
	const char *dir = slash ? path : ".";
	size_t dlen = slash ? (size_t)(slash - path) : 1;
	if (dlen == 0) /* "/x.vmdk" */
		dlen = 1;
	if (libvmdk_handle_set_extent_data_files_path(h, dir, dlen, &e) != 1 ||
	    libvmdk_handle_open_extent_data_files(h, &e) != 1)
		return ntfs_error_set(err, NTFS_E_IO, "%s: cannot open the VMDK extent files: %s", path,
				      vmdk_cause(&e, why, sizeof(why)));
	return NTFS_OK;
}

/* Opens the parents of c's last handle while its descriptor names one, each beside the one before; a
 * parent whose content identifier is not the one the child was made from is refused. */
static ntfs_status vmdk_open_parents(image *img, vmdk_chain *c, const char *path, ntfs_error *err)
{
	char why[512], hint[4096], parent[4096], child[4096];
	libvmdk_error_t *e = NULL;
	snprintf(child, sizeof(child), "%s", path);
	for (;;) {
		libvmdk_handle_t *h = c->handles[c->count - 1];
		size_t size = 0;
		uint32_t want = 0, have = 0;
		if (libvmdk_handle_get_utf8_parent_filename_size(h, &size, NULL) != 1 || size <= 1 ||
		    size > sizeof(hint) || libvmdk_handle_get_utf8_parent_filename(h, (uint8_t *)hint, sizeof(hint), NULL) != 1)
			return NTFS_OK;
		if (c->count == IMAGE_VDISK_MAX_CHAIN)
			return ntfs_error_set(err, NTFS_E_UNSUPPORTED, "%s: chain of differencing VMDK images longer than "
					      "%d (a loop?)", img->path, IMAGE_VDISK_MAX_CHAIN);
		ntfs_status s = image_vdisk_parent_path("VMDK", child, hint, parent, sizeof(parent), err);
		if (s == NTFS_OK)
			s = vmdk_open_one(img, c, parent, err);
		if (s != NTFS_OK)
			return s;
		libvmdk_handle_t *p = c->handles[c->count - 1];
		if (libvmdk_handle_get_parent_content_identifier(h, &want, &e) != 1 ||
		    libvmdk_handle_get_content_identifier(p, &have, &e) != 1)
			return ntfs_error_set(err, NTFS_E_IO, "%s: %s", child, vmdk_cause(&e, why, sizeof(why)));
		if (want != have)
			return ntfs_error_set(err, NTFS_E_INVALID, "%s: its parent %s has content identifier %08x, the "
					      "child was made from %08x (the parent changed after the snapshot)", child,
					      parent, have, want);
		if (libvmdk_handle_set_parent_handle(h, p, &e) != 1)
			return ntfs_error_set(err, NTFS_E_IO, "%s: parent %s does not fit: %s", child, parent,
					      vmdk_cause(&e, why, sizeof(why)));
		snprintf(child, sizeof(child), "%s", parent);
	}
}

bool image_vmdk_claims(const image_probe *p)
{
	image_vdisk_kind k = image_vdisk_probe(p, NULL);
	return k == IMAGE_VDISK_VMDK;
}

ntfs_status image_vmdk_open(image *img, int fd, const image_probe *p, ntfs_error *err)
{
	(void)p;
	ntfs_status begun = image_vdisk_begin(img, fd, err);
	if (begun != NTFS_OK)
		return begun;
	char why[512];
	libvmdk_error_t *e = NULL;
	vmdk_chain *c = calloc(1, sizeof(*c));
	if (!c)
		return ntfs_error_set(err, NTFS_E_NOMEM, "%s: out of memory", img->path);
	img->vdisk = c;
	img->vdisk_ops = &vmdk_ops;
	img->format = IMAGE_FORMAT_VMDK;
	ntfs_status s = vmdk_open_one(img, c, img->path, err);
	if (s == NTFS_OK)
		s = vmdk_open_parents(img, c, img->path, err);
	if (s != NTFS_OK)
		return s;
	size64_t size = 0;
	if (libvmdk_handle_get_media_size(c->handles[0], &size, &e) != 1)
		return ntfs_error_set(err, NTFS_E_IO, "%s: %s", img->path, vmdk_cause(&e, why, sizeof(why)));
	img->size = (uint64_t)size;
	img->vdisk_sector_size = 512;
	return NTFS_OK;
}
