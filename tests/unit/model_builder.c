/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"
#include "model_builder.h"

#include <stdlib.h>
#include <string.h>

#include "links.h"
#include "resolve.h"
#include "upcase.h"
#include "utf16.h"

#define MB_CLUSTER 4096u
#define MB_TAG_MOUNT_POINT 0xA0000003u
#define MB_TAG_SYMLINK 0xA000000Cu

/* A volume with no image: what the passes read of a volume (record size, $UpCase, anomaly list). */
static volume *mb_bare_volume(void)
{
	volume *vol = calloc(1, sizeof(*vol));
	if (!vol)
		abort();
	vol->is_mft_file = true;
	vol->record_size = 1024;
	vol->sector_size = 512;
	vol->upcase = malloc(sizeof(ntfs_upcase));
	if (!vol->upcase)
		abort();
	ntfs_upcase_default(vol->upcase);
	vec_init(&vol->sids, sizeof(volume_sid));
	anomaly_list_init(&vol->anomalies);
	return vol;
}

void mb_init(model *m, uint64_t n)
{
	volume *vol = mb_bare_volume();
	model_init(m, vol);
	vol->record_count = n;
	m->count = n;
	m->recs = calloc(n ? n : 1, sizeof(rec_info));
	m->sizes = calloc(n ? n : 1, sizeof(rec_sizes));
	m->want_sizes = true; /* every record's sizes stay readable after mb_merge, as with --du */
	if (!m->recs || !m->sizes)
		abort();
}

void mb_record(model *m, uint32_t r, bool dir, bool in_use, uint16_t seq)
{
	rec_info *ri = &m->recs[r];
	ri->state = REC_OK;
	ri->flags = (uint16_t)((ri->flags & ~(REC_DIR | REC_IN_USE)) | (dir ? REC_DIR : 0) | (in_use ? REC_IN_USE : 0) |
			       REC_HAS_SI);
	ri->sequence = seq;
	ri->link_count = 1;
}

void mb_dir(model *m, uint32_t r, uint16_t seq)
{
	mb_record(m, r, true, true, seq);
}

void mb_file(model *m, uint32_t r, uint16_t seq)
{
	mb_record(m, r, false, true, seq);
}

void mb_extension(model *m, uint32_t r, uint32_t base, uint16_t base_seq, bool in_use, uint16_t seq)
{
	rec_info *ri = &m->recs[r];
	ri->state = REC_OK;
	ri->flags = in_use ? REC_IN_USE : 0;
	ri->sequence = seq;
	if (!model_set_base(m, r, base))
		abort();
	ri->base_seq = base_seq;
}

uint32_t mb_name(model *m, uint32_t src, const char *s, uint32_t parent, uint16_t pseq, uint8_t ns)
{
	uint16_t units[256];
	size_t len = strlen(s), nu = ntfs_utf8_to_utf16(s, len, units, 256);
	uint32_t h = MODEL_NAME_HASH_SEED;
	for (size_t i = 0; i < nu && i < 256; i++)
		h = model_name_hash_step(h, ntfs_upcase_char(m->vol->upcase, units[i]));
	name_info *n = vec_push(&m->names);
	uint32_t *hp = vec_push(&m->name_hashes); /* as the scan keeps it */
	if (!n || !hp)
		abort();
	memset(n, 0, sizeof(*n));
	*hp = h;
	n->str = (uint32_t)arena_add(&m->strings, s, len);
	n->len = (uint16_t)len;
	n->units = (uint8_t)nu;
	n->parent_ref = ((uint64_t)pseq << 48) | parent;
	n->owner = src;
	n->ns = ns;
	return (uint32_t)(m->names.count - 1);
}

uint32_t mb_name_with_alias(model *m, uint32_t src, const char *win32, const char *dos, uint32_t parent, uint16_t pseq)
{
	uint32_t i = mb_name(m, src, win32, parent, pseq, NTFS_NS_WIN32);
	mb_name(m, src, dos, parent, pseq, NTFS_NS_DOS);
	if (m->recs[src].link_count < 2)
		m->recs[src].link_count = 2; /* Windows counts the alias in the header's link count */
	return i;
}

void mb_data(model *m, uint32_t r, uint64_t size)
{
	rec_info *ri = &m->recs[r];
	ri->flags |= REC_HAS_DATA;
	m->sizes[r].data_size = size;
	m->sizes[r].allocated_size = (size + MB_CLUSTER - 1) / MB_CLUSTER * MB_CLUSTER;
}

void mb_reparse_raw(model *m, uint32_t r, const uint8_t *data, size_t len)
{
	reparse_raw *rp = vec_push(&m->reparse);
	if (!rp)
		abort();
	rp->data = arena_add(&m->strings, data, len);
	rp->record = r;
	rp->len = (uint32_t)len;
	rp->nonresident = false;
	rp->has_tag = len >= 4; /* as the scan keeps it */
	rp->tag = rp->has_tag ? (uint32_t)data[0] | (uint32_t)data[1] << 8 | (uint32_t)data[2] << 16 | (uint32_t)data[3] << 24 : 0;
	m->recs[r].flags |= REC_HAS_REPARSE;
}

/* Little-endian stores for the reparse buffers. */
static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

/* Encodes a mount point or symbolic link buffer: header, names offsets, [flags], substitute then print name. */
static void mb_name_surrogate(model *m, uint32_t r, uint32_t tag, const char *sub, const char *print, bool symlink,
			      uint32_t flags)
{
	uint16_t su[1024], pu[1024];
	size_t sn = ntfs_utf8_to_utf16(sub, strlen(sub), su, 1024), pn = ntfs_utf8_to_utf16(print, strlen(print), pu, 1024);
	size_t head = symlink ? 20 : 16, len = head + 2 * (sn + pn);
	uint8_t *buf = calloc(1, len);
	if (!buf || sn > 1024 || pn > 1024)
		abort();
	put32(buf, tag);
	put16(buf + 4, (uint16_t)(len - 8));
	put16(buf + 8, 0);                      /* substitute name: offset, bytes */
	put16(buf + 10, (uint16_t)(2 * sn));
	put16(buf + 12, (uint16_t)(2 * sn));    /* print name: offset, bytes */
	put16(buf + 14, (uint16_t)(2 * pn));
	if (symlink)
		put32(buf + 16, flags);
	for (size_t i = 0; i < sn; i++)
		put16(buf + head + 2 * i, su[i]);
	for (size_t i = 0; i < pn; i++)
		put16(buf + head + 2 * (sn + i), pu[i]);
	mb_reparse_raw(m, r, buf, len);
	free(buf);
}

void mb_junction(model *m, uint32_t r, const char *substitute, const char *print)
{
	mb_name_surrogate(m, r, MB_TAG_MOUNT_POINT, substitute, print, false, 0);
}

void mb_symlink(model *m, uint32_t r, const char *substitute, const char *print, bool relative)
{
	mb_name_surrogate(m, r, MB_TAG_SYMLINK, substitute, print, true, relative ? 1u : 0u);
}

void mb_tree_windows(model *m)
{
	mb_init(m, 64);
	mb_dir(m, 5, 5);
	mb_name(m, 5, ".", 5, 5, NTFS_NS_WIN32_DOS);
	mb_dir(m, 20, 1);
	mb_name(m, 20, "Windows", 5, 5, NTFS_NS_POSIX);
	mb_dir(m, 21, 1);
	mb_name(m, 21, "System32", 20, 1, NTFS_NS_POSIX);
	mb_dir(m, 22, 1);
	mb_name(m, 22, "Users", 5, 5, NTFS_NS_POSIX);
	mb_dir(m, 23, 1);
	mb_name(m, 23, "alice", 22, 1, NTFS_NS_POSIX);
	mb_file(m, 24, 1);
	mb_name(m, 24, "f.txt", 5, 5, NTFS_NS_POSIX);
}

bool mb_merge(model *m)
{
	return model_merge(m, NULL) == NTFS_OK;
}

void mb_free(model *m)
{
	volume *vol = m->vol;
	model_free(m);
	volume_close(vol);
}

/* Aborts the test binary when a pass that the model's volume needs fails (a test setup cannot go on). */
static void mb_need(bool ok)
{
	if (!ok)
		abort();
}

void mb_volume_ready(mb_volume *x)
{
	memset(&x->p, 0, sizeof(x->p));
	memset(&x->ix, 0, sizeof(x->ix));
	memset(&x->links, 0, sizeof(x->links));
	mb_need(mb_merge(&x->m));
	mb_need(paths_build(&x->p, &x->m, NULL) == NTFS_OK);
	mb_need(name_index_build(&x->ix, &x->m, NULL) == NTFS_OK);
	mb_need(links_collect(&x->m, &x->links, NULL) == NTFS_OK);
}

void mb_volume_resolve(mb_volume *x, char drive)
{
	resolve_volume rv = {.scanned = true, .drive = drive, .m = &x->m, .p = &x->p, .ix = &x->ix, .links = &x->links};
	resolve_all(&rv, 1);
}

void mb_volume_free(mb_volume *x)
{
	for (size_t i = 0; i < x->links.count; i++) {
		link_entry *le = &VEC_AT(&x->links, link_entry, i);
		reparse_point_free(&le->rp);
		link_target_free(&le->target);
	}
	vec_free(&x->links);
	name_index_free(&x->ix);
	paths_free(&x->p);
	mb_free(&x->m);
}
