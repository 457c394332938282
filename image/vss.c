/* SPDX-License-Identifier: Apache-2.0 */
/* Shadow copy stores through libvshadow, its reads served by image_read over a libbfio handle. */
#include "config.h"
#include "container.h"
#include "image.h"
#include "vss.h"

#include <libbfio.h>
#include <libvshadow.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vss_header.h"

struct image_vss {
	image *img;
	libbfio_handle_t *bfio;
	libvshadow_volume_t *volume;
	int stores;
	pthread_mutex_t lock;       /* libvshadow's handle and stores are used by one thread at a time */
	size_t open_stores;
};

/* The libbfio io handle: a window [base, base + size) of an image, read-only. */
typedef struct {
	image *img;
	uint64_t base, size, pos;
	bool open;
} vss_io;

struct image_vss_store {
	image_vss *owner;
	libvshadow_store_t *store;
};

/* Writes libvshadow's message (its first line) into err, prefixed by what failed, and frees it. */
static ntfs_status vss_fail(ntfs_error *err, ntfs_status st, const char *what, libvshadow_error_t **e)
{
	char msg[512] = "";
	if (e && *e) {
		libvshadow_error_sprint(*e, msg, sizeof(msg));
		libvshadow_error_free(e);
	}
	char *nl = strpbrk(msg, "\r\n");
	if (nl)
		*nl = '\0';
	return ntfs_error_set(err, st, "%s%s%s", what, msg[0] ? ": " : "", msg);
}

/* libbfio callbacks over vss_io. */
static int vss_io_free(intptr_t **h, libbfio_error_t **e)
{
	(void)e;
	if (h && *h) {
		free(*h);
		*h = NULL;
	}
	return 1;
}

static int vss_io_clone(intptr_t **dst, intptr_t *src, libbfio_error_t **e)
{
	(void)e;
	if (!dst || !src)
		return -1;
	vss_io *c = malloc(sizeof(*c));
	if (!c)
		return -1;
	*c = *(vss_io *)src;
	*dst = (intptr_t *)c;
	return 1;
}

static int vss_io_open(intptr_t *h, int flags, libbfio_error_t **e)
{
	(void)e;
	if (!h || (flags & (LIBBFIO_ACCESS_FLAG_WRITE | LIBBFIO_ACCESS_FLAG_TRUNCATE)))
		return -1; /* the evidence is never opened for writing */
	((vss_io *)h)->open = true;
	return 1;
}

static int vss_io_close(intptr_t *h, libbfio_error_t **e)
{
	(void)e;
	if (!h)
		return -1;
	((vss_io *)h)->open = false;
	return 0;
}

static ssize_t vss_io_read(intptr_t *h, uint8_t *buf, size_t size, libbfio_error_t **e)
{
	(void)e;
	vss_io *io = (vss_io *)h;
	if (!io || !io->open || (!buf && size))
		return -1;
	if (io->pos >= io->size)
		return 0;
	if (size > io->size - io->pos)
		size = (size_t)(io->size - io->pos);
	if (size > SSIZE_MAX)
		size = SSIZE_MAX;
	size_t got = 0;
	ntfs_error err;
	if (image_read(io->img, io->base + io->pos, buf, size, &got, &err) != NTFS_OK)
		return -1;
	io->pos += got;
	return (ssize_t)got;
}

static ssize_t vss_io_write(intptr_t *h, const uint8_t *buf, size_t size, libbfio_error_t **e)
{
	(void)h, (void)buf, (void)size, (void)e;
	return -1;
}

static off64_t vss_io_seek(intptr_t *h, off64_t off, int whence, libbfio_error_t **e)
{
	(void)e;
	vss_io *io = (vss_io *)h;
	if (!io)
		return -1;
	int64_t from = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? (int64_t)io->pos
		     : whence == SEEK_END ? (int64_t)io->size : -1;
	if (from < 0 || (off < 0 && -off > from) || (off > 0 && off > INT64_MAX - from))
		return -1;
	io->pos = (uint64_t)(from + off);
	return (off64_t)io->pos;
}

static int vss_io_exists(intptr_t *h, libbfio_error_t **e)
{
	(void)e;
	return h ? 1 : -1;
}

static int vss_io_is_open(intptr_t *h, libbfio_error_t **e)
{
	(void)e;
	return h ? (((vss_io *)h)->open ? 1 : 0) : -1;
}

static int vss_io_size(intptr_t *h, size64_t *size, libbfio_error_t **e)
{
	(void)e;
	if (!h || !size)
		return -1;
	*size = ((vss_io *)h)->size;
	return 1;
}

/* A libbfio handle (owning its io state) reading [base, base + size) of img. */
static ntfs_status vss_bfio_new(image *img, uint64_t base, uint64_t size, libbfio_handle_t **out, ntfs_error *err)
{
	vss_io *io = calloc(1, sizeof(*io));
	if (!io)
		return ntfs_error_set(err, NTFS_E_NOMEM, "shadow copies: out of memory");
	io->img = img;
	io->base = base;
	io->size = size;
	libbfio_error_t *e = NULL;
	if (libbfio_handle_initialize(out, (intptr_t *)io, vss_io_free, vss_io_clone, vss_io_open, vss_io_close,
				      vss_io_read, vss_io_write, vss_io_seek, vss_io_exists, vss_io_is_open, vss_io_size,
				      LIBBFIO_FLAG_IO_HANDLE_MANAGED | LIBBFIO_FLAG_IO_HANDLE_CLONE_BY_FUNCTION, &e) != 1) {
		libbfio_error_free(&e);
		free(io);
		return ntfs_error_set(err, NTFS_E_NOMEM, "shadow copies: cannot make an I/O handle");
	}
	return NTFS_OK;
}

/* True when the volume's VSS header names a catalog (its offset in *catalog): one read of 512 bytes. A read
 * error is not an answer (the caller's scan reports damage of its own): false. */
static bool vss_header_present(image *img, uint64_t offset, uint64_t length, uint64_t *catalog)
{
	uint8_t buf[VSS_HEADER_SIZE];
	size_t got = 0;
	ntfs_error e;
	vss_header h;
	if (length < VSS_HEADER_OFFSET + VSS_HEADER_SIZE ||
	    image_read(img, offset + VSS_HEADER_OFFSET, buf, sizeof(buf), &got, &e) != NTFS_OK || got != sizeof(buf))
		return false;
	if (vss_header_decode(buf, got, &h, &e) != NTFS_OK || h.catalog_offset == 0)
		return false;
	*catalog = h.catalog_offset;
	return true;
}

/* The header of the block at volume offset off (inside [0, length - block size]), read through img. */
static ntfs_status vss_block_at(image *img, uint64_t base, uint64_t length, uint64_t off, vss_block_header *h,
				ntfs_error *err)
{
	uint8_t buf[VSS_BLOCK_HEADER_SIZE];
	size_t got = 0;
	if (off > length || length - off < VSS_BLOCK_SIZE)
		return ntfs_error_set(err, NTFS_E_RANGE, "a VSS block at volume byte %llu lies past the volume's end",
				      (unsigned long long)off);
	ntfs_status st = image_read(img, base + off, buf, sizeof(buf), &got, err);
	if (st == NTFS_OK && got != sizeof(buf))
		st = ntfs_error_set(err, NTFS_E_IO, "a VSS block at volume byte %llu is cut short", (unsigned long long)off);
	if (st == NTFS_OK)
		st = vss_block_header_decode(buf, sizeof(buf), h, err);
	return st == NTFS_OK ? st : ntfs_error_prefix(err, "VSS block at volume byte %llu: ", (unsigned long long)off);
}

/*
 * Walks the chain of blocks from first (next offsets) and fails when it leaves the volume, holds a block
 * that is no VSS block, or loops (Brent's cycle detection: no memory, at most about three steps per block).
 * libvshadow 20190323 follows these chains with no such check: a block list whose next offset names itself
 * keeps it busy forever. Each block's header read is 128 bytes.
 */
static ntfs_status vss_chain_check(image *img, uint64_t base, uint64_t length, uint64_t first, const char *what,
				   ntfs_error *err)
{
	uint64_t power = 1, lam = 1, tortoise = first, hare;
	vss_block_header h;
	ntfs_status st = vss_block_at(img, base, length, first, &h, err);
	if (st != NTFS_OK)
		return ntfs_error_prefix(err, "%s: ", what);
	hare = h.next_offset;
	while (hare != 0) {
		if (hare == tortoise)
			return ntfs_error_set(err, NTFS_E_INVALID, "%s: its chain of blocks loops (back to volume byte %llu)",
					      what, (unsigned long long)hare);
		if (power == lam) {
			tortoise = hare;
			power *= 2;
			lam = 0;
		}
		if ((st = vss_block_at(img, base, length, hare, &h, err)) != NTFS_OK)
			return ntfs_error_prefix(err, "%s: ", what);
		hare = h.next_offset;
		lam++;
	}
	return NTFS_OK;
}

/* Checks the catalog's own chain, then the block list and range list chains of every store it names, and that
 * each store header lies in the volume: a catalog that lies is refused before libvshadow reads it. */
static ntfs_status vss_catalog_check(image *img, uint64_t base, uint64_t length, uint64_t catalog, ntfs_error *err)
{
	ntfs_status st = vss_chain_check(img, base, length, catalog, "the VSS catalog", err);
	uint8_t *blk = st == NTFS_OK ? malloc(VSS_BLOCK_SIZE) : NULL;
	if (st == NTFS_OK && !blk)
		return ntfs_error_set(err, NTFS_E_NOMEM, "shadow copies: out of memory");
	for (uint64_t off = catalog; st == NTFS_OK && off != 0;) {
		size_t got = 0;
		vss_block_header h;
		st = image_read(img, base + off, blk, VSS_BLOCK_SIZE, &got, err);
		if (st == NTFS_OK && got != VSS_BLOCK_SIZE)
			st = ntfs_error_set(err, NTFS_E_IO, "the VSS catalog is cut short");
		if (st == NTFS_OK)
			st = vss_block_header_decode(blk, got, &h, err);
		for (size_t i = 1; st == NTFS_OK && i < VSS_BLOCK_SIZE / VSS_CATALOG_ENTRY_SIZE; i++) {
			vss_catalog_entry e;
			st = vss_catalog_entry_decode(blk + i * VSS_CATALOG_ENTRY_SIZE, VSS_CATALOG_ENTRY_SIZE, &e, err);
			if (st != NTFS_OK || e.type != 3)
				continue;
			char what[96];
			snprintf(what, sizeof(what), "catalog entry %zu: the store block list", i);
			st = vss_chain_check(img, base, length, e.block_list_offset, what, err);
			snprintf(what, sizeof(what), "catalog entry %zu: the store block range list", i);
			if (st == NTFS_OK && e.range_list_offset)
				st = vss_chain_check(img, base, length, e.range_list_offset, what, err);
			if (st == NTFS_OK && (e.header_offset > length || length - e.header_offset < VSS_BLOCK_SIZE))
				st = ntfs_error_set(err, NTFS_E_RANGE, "catalog entry %zu: the store header at volume byte %llu "
						    "lies past the volume's end", i, (unsigned long long)e.header_offset);
		}
		off = h.next_offset; /* the chain was checked: it ends */
	}
	free(blk);
	return st;
}

ntfs_status image_vss_open(image *img, uint64_t offset, uint64_t length, image_vss **out, ntfs_error *err)
{
	*out = NULL;
	if (!img || offset > image_size(img))
		return ntfs_error_set(err, NTFS_E_INVALID, "shadow copies: no image or volume");
	if (length == 0 || length > image_size(img) - offset)
		length = image_size(img) - offset;
	uint64_t catalog = 0;
	if (!vss_header_present(img, offset, length, &catalog))
		return NTFS_OK;
	ntfs_status cs = vss_catalog_check(img, offset, length, catalog, err);
	if (cs != NTFS_OK)
		return cs == NTFS_E_NOMEM ? cs : ntfs_error_prefix(err, "shadow copies: the catalog cannot be trusted: ");
	image_vss *v = calloc(1, sizeof(*v));
	if (!v || pthread_mutex_init(&v->lock, NULL) != 0) {
		free(v);
		return ntfs_error_set(err, NTFS_E_NOMEM, "shadow copies: out of memory");
	}
	v->img = img;
	ntfs_status st = vss_bfio_new(img, offset, length, &v->bfio, err);
	libvshadow_error_t *e = NULL;
	if (st == NTFS_OK && libvshadow_volume_initialize(&v->volume, &e) != 1)
		st = vss_fail(err, NTFS_E_NOMEM, "shadow copies: libvshadow", &e);
	if (st == NTFS_OK && libvshadow_volume_open_file_io_handle(v->volume, v->bfio, LIBVSHADOW_OPEN_READ, &e) != 1)
		st = vss_fail(err, NTFS_E_INVALID, "shadow copies: the VSS catalog cannot be read", &e);
	if (st == NTFS_OK && (libvshadow_volume_get_number_of_stores(v->volume, &v->stores, &e) != 1 || v->stores < 0))
		st = vss_fail(err, NTFS_E_INVALID, "shadow copies: the number of stores cannot be read", &e);
	if (st != NTFS_OK) {
		image_vss_close(v);
		return st;
	}
	*out = v;
	return NTFS_OK;
}

void image_vss_close(image_vss *v)
{
	if (!v)
		return;
	libvshadow_error_t *e = NULL;
	if (v->volume) {
		libvshadow_volume_close(v->volume, &e);
		libvshadow_error_free(&e);
		libvshadow_volume_free(&v->volume, &e);
		libvshadow_error_free(&e);
	}
	if (v->bfio) {
		libbfio_error_t *be = NULL;
		libbfio_handle_free(&v->bfio, &be);
		libbfio_error_free(&be);
	}
	pthread_mutex_destroy(&v->lock);
	free(v);
}

size_t image_vss_store_count(const image_vss *v)
{
	return v ? (size_t)v->stores : 0;
}

/* Formats a 16-byte GUID as stored (Data1-3 little-endian) the way vshadowinfo prints it. */
static void vss_guid(const uint8_t g[16], char out[37])
{
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", g[3], g[2], g[1],
		 g[0], g[5], g[4], g[7], g[6], g[8], g[9], g[10], g[11], g[12], g[13], g[14], g[15]);
}

/* Store i of v (locked by the caller). */
static ntfs_status vss_get_store(image_vss *v, size_t i, libvshadow_store_t **store, ntfs_error *err)
{
	*store = NULL;
	if (i >= (size_t)v->stores)
		return ntfs_error_set(err, NTFS_E_RANGE, "shadow copy store %zu: the volume has %d", i, v->stores);
	libvshadow_error_t *e = NULL;
	if (libvshadow_volume_get_store(v->volume, (int)i, store, &e) != 1)
		return vss_fail(err, NTFS_E_INVALID, "shadow copy store cannot be opened", &e);
	return NTFS_OK;
}

/* Reads the fields of info from store (locked by the caller). */
static ntfs_status vss_read_info(libvshadow_store_t *store, image_vss_store_info *info, ntfs_error *err)
{
	libvshadow_error_t *e = NULL;
	uint8_t g[16];
	memset(info, 0, sizeof(*info));
	if (libvshadow_store_get_identifier(store, g, sizeof(g), &e) != 1)
		return vss_fail(err, NTFS_E_INVALID, "shadow copy store identifier", &e);
	vss_guid(g, info->identifier);
	if (libvshadow_store_get_creation_time(store, &info->creation_time, &e) != 1)
		return vss_fail(err, NTFS_E_INVALID, "shadow copy store creation time", &e);
	size64_t size = 0;
	if (libvshadow_store_get_volume_size(store, &size, &e) != 1)
		return vss_fail(err, NTFS_E_INVALID, "shadow copy store volume size", &e);
	info->volume_size = size;
	int r = libvshadow_store_get_copy_identifier(store, g, sizeof(g), &e);
	if (r == 1)
		vss_guid(g, info->copy_identifier);
	libvshadow_error_free(&e);
	r = libvshadow_store_get_copy_set_identifier(store, g, sizeof(g), &e);
	if (r == 1)
		vss_guid(g, info->copy_set_identifier);
	libvshadow_error_free(&e);
	if (libvshadow_store_get_attribute_flags(store, &info->attribute_flags, &e) != 1)
		libvshadow_error_free(&e);
	return NTFS_OK;
}

ntfs_status image_vss_store_info_get(image_vss *v, size_t i, image_vss_store_info *out, ntfs_error *err)
{
	libvshadow_store_t *store = NULL;
	libvshadow_error_t *e = NULL;
	pthread_mutex_lock(&v->lock);
	ntfs_status st = vss_get_store(v, i, &store, err);
	if (st == NTFS_OK)
		st = vss_read_info(store, out, err);
	if (store)
		libvshadow_store_free(&store, &e);
	libvshadow_error_free(&e);
	pthread_mutex_unlock(&v->lock);
	if (st != NTFS_OK)
		return ntfs_error_prefix(err, "shadow copy store %zu: ", i + 1);
	return NTFS_OK;
}

/* Reads a store through libvshadow (behind the owning image_vss's lock). */
static ntfs_status vss_store_read(image *img, uint64_t off, uint8_t *buf, size_t len, size_t *got, ntfs_error *err)
{
	struct image_vss_store *s = img->vss_store;
	libvshadow_error_t *e = NULL;
	size_t done = 0;
	ntfs_status st = NTFS_OK;
	pthread_mutex_lock(&s->owner->lock);
	while (done < len) {
		size_t want = len - done > (size_t)1 << 30 ? (size_t)1 << 30 : len - done;
		ssize_t n = libvshadow_store_read_buffer_at_offset(s->store, buf + done, want, (off64_t)(off + done), &e);
		if (n <= 0) {
			char what[128];
			snprintf(what, sizeof(what), "%s: read error at offset %llu", img->path,
				 (unsigned long long)(off + done));
			st = n < 0 ? vss_fail(err, NTFS_E_IO, what, &e)
				   : ntfs_error_set(err, NTFS_E_IO, "%s: no data before the end of the store", what);
			break;
		}
		done += (size_t)n;
	}
	pthread_mutex_unlock(&s->owner->lock);
	*got = st == NTFS_OK ? done : 0;
	return st;
}

/* Releases the libvshadow store (none is fine). */
static void vss_store_close(image *img)
{
	struct image_vss_store *s = img->vss_store;
	if (!s)
		return;
	if (s->store) {
		libvshadow_error_t *e = NULL;
		pthread_mutex_lock(&s->owner->lock);
		libvshadow_store_free(&s->store, &e);
		libvshadow_error_free(&e);
		s->owner->open_stores--;
		pthread_mutex_unlock(&s->owner->lock);
	}
	free(s);
	img->vss_store = NULL;
}

/* A shadow copy store: read through libvshadow, one read at a time. */
static const image_container vss_store_container = {.read = vss_store_read, .close = vss_store_close};

ntfs_status image_vss_store_open(image_vss *v, size_t i, image **out, ntfs_error *err)
{
	*out = NULL;
	char name[64];
	snprintf(name, sizeof(name), "(shadow copy store %zu)", i + 1);
	image_vss_store_info info;
	ntfs_status st = image_vss_store_info_get(v, i, &info, err);
	if (st != NTFS_OK)
		return st;
	if (info.volume_size == 0)
		return ntfs_error_set(err, NTFS_E_INVALID, "%s: volume size 0", name);
	image *img = calloc(1, sizeof(*img));
	struct image_vss_store *s = calloc(1, sizeof(*s));
	if (!img || !s || !(img->path = strdup(name)) || !(img->segments = calloc(1, sizeof(*img->segments))) ||
	    !(img->segments[0] = strdup(name)) || pthread_mutex_init(&img->tsk_mutex, NULL) != 0) {
		if (img) {
			image_free_segments(img->segments, img->segments ? 1 : 0);
			free(img->path);
		}
		free(img);
		free(s);
		return ntfs_error_set(err, NTFS_E_NOMEM, "%s: out of memory", name);
	}
	img->container = &vss_store_container;
	img->fd = -1;
	img->segment_count = 1;
	img->format = IMAGE_FORMAT_VSS_STORE;
	img->size = info.volume_size;
	pthread_mutex_lock(&v->lock);
	st = vss_get_store(v, i, &s->store, err);
	if (st == NTFS_OK)
		v->open_stores++;
	pthread_mutex_unlock(&v->lock);
	s->owner = v;
	img->vss_store = s;
	if (st != NTFS_OK) {
		image_close(img);
		return ntfs_error_prefix(err, "%s: ", name);
	}
	*out = img;
	return NTFS_OK;
}
