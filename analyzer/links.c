/* SPDX-License-Identifier: Apache-2.0 */
/* Hard-link sets and reparse points of a scanned volume, with the anomalies that only show there. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "links.h"
#include "attribute.h"
#include "file_name.h"
#include "security.h"
#include "le.h"
#include "std_info.h"

#define MAX_REPARSE_BYTES (64u << 10)

uint32_t links_name_count(const model *m, uint32_t r)
{
	return m->recs[r].link_names; /* counted once, when the model grouped the names */
}

bool links_is_hardlink_set(const model *m, uint32_t r)
{
	return model_in_use(m, r) && links_name_count(m, r) > 1;
}

/* The raw $REPARSE_POINT bytes of a record: from the scan, or read now when non-resident. */
static uint8_t *reparse_bytes(const model *m, const reparse_raw *raw, size_t *len, bool *owned, ntfs_error *e)
{
	*owned = false;
	if (!raw->nonresident) {
		*len = raw->len;
		return (uint8_t *)m->strings.data + raw->data;
	}
	uint8_t *buf = NULL;
	uint32_t base = (m->recs[raw->record].flags & REC_EXTENSION) ? model_rec_base(m, raw->record) : raw->record;
	if (m->vol->is_mft_file) {
		ntfs_error_set(e, NTFS_E_UNSUPPORTED, "non-resident and the image is an extracted $MFT (no data to read)");
		return NULL;
	}
	if (volume_load_attr(m->vol, base, NTFS_AT_REPARSE_POINT, NULL, MAX_REPARSE_BYTES, &buf, len, e) != NTFS_OK)
		return NULL;
	*owned = true;
	return buf;
}

/* Strips a leading \\?\ or \??\ (one prefix: Win32's and NT's spelling of the DOS-device root). */
static const char *strip_device_prefix(const char *s)
{
	return !strncmp(s, "\\??\\", 4) || !strncmp(s, "\\\\?\\", 4) ? s + 4 : s;
}

/* Compares the substitute name with the print name, device prefix and ASCII case aside: does `dir` show the truth? */
static bool print_name_agrees(const reparse_point *rp)
{
	const char *sub = rp->substitute_name, *prn = rp->print_name;
	if (!sub || !prn || !*prn)
		return true;
	sub = strip_device_prefix(sub);
	prn = strip_device_prefix(prn);
	if (!strncasecmp(sub, "UNC\\", 4) && !strncmp(prn, "\\\\", 2)) {
		sub += 4;
		prn += 2;
	}
	size_t ls = strlen(sub), lp = strlen(prn);
	while (ls > 0 && sub[ls - 1] == '\\')
		ls--;
	while (lp > 0 && prn[lp - 1] == '\\')
		lp--;
	return ls == lp && strncasecmp(sub, prn, ls) == 0;
}

/* Decodes the reparse point of base record r into a new link entry. */
static ntfs_status collect_one(model *m, vec *links, uint32_t r, ntfs_error *err)
{
	rec_info *ri = &m->recs[r];
	reparse_raw *raw = &VEC_AT(&m->reparse, reparse_raw, model_reparse_of(m, r));
	link_entry *le = vec_push(links);
	if (!le)
		return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory");
	const name_info *pn = model_primary_name(m, r);
	le->record = r;
	le->sequence = ri->sequence;
	le->allocated = ri->flags & REC_IN_USE;
	le->is_directory = ri->flags & REC_DIR;
	le->name = pn ? (uint32_t)(pn - model_name(m, 0)) : MODEL_NONE;
	size_t len = 0;
	bool owned;
	ntfs_error e;
	uint8_t *bytes = reparse_bytes(m, raw, &len, &owned, &e);
	if (!bytes || reparse_decode(bytes, len, &le->rp, &e) != NTFS_OK) {
		if (e.status == NTFS_E_NOMEM)
			return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory");
		memset(&le->rp, 0, sizeof(le->rp));
		le->rp.malformed = true;
		snprintf(le->rp.malformed_reason, sizeof(le->rp.malformed_reason), "%.180s", e.reason);
	}
	if (bytes && len >= 4 && !raw->has_tag) { /* read now (non-resident): the model keeps its tag */
		raw->tag = le32(bytes);
		raw->has_tag = true;
	}
	if (owned)
		free(bytes);
	if (le->rp.malformed)
		anomaly_add(&m->anomalies, "malformed_reparse", r, "$REPARSE_POINT (tag 0x%08x): %s", le->rp.tag,
			    le->rp.malformed_reason);
	else if (!print_name_agrees(&le->rp))
		anomaly_add(&m->anomalies, "print_name_mismatch", r,
			    "print name '%s' differs from substitute name '%s': dir shows a target the link does not use",
			    le->rp.print_name, le->rp.substitute_name);
	le->has_target = le->rp.malformed || le->rp.kind == REPARSE_KIND_JUNCTION ||
			 le->rp.kind == REPARSE_KIND_VOLUME_MOUNT_POINT || le->rp.kind == REPARSE_KIND_SYMLINK ||
			 le->rp.kind == REPARSE_KIND_LX_SYMLINK;
	return NTFS_OK;
}

/*
 * Flags records whose link count or reparse flag disagrees with what the record holds. The header
 * counts every $FILE_NAME (a separate DOS alias too, as Windows and ntfs-3g both do).
 */
static void record_anomalies(model *m, uint32_t r)
{
	const rec_info *ri = &m->recs[r];
	if (ri->name_count && ri->name_count != ri->link_count)
		anomaly_add(&m->anomalies, "link_count_mismatch", r, "header link count %u, but %u $FILE_NAME(s) found",
			    ri->link_count, ri->name_count);
	bool flag = ri->std_attrs & REC_FA_REPARSE_POINT, attr = ri->flags & REC_HAS_REPARSE;
	if ((ri->flags & REC_HAS_SI) && flag && !attr)
		anomaly_add(&m->anomalies, "reparse_flag_without_attribute", r,
			    "$STANDARD_INFORMATION has the reparse-point flag but the record has no $REPARSE_POINT");
	else if ((ri->flags & REC_HAS_SI) && !flag && attr)
		anomaly_add(&m->anomalies, "reparse_attribute_without_flag", r,
			    "the record has a $REPARSE_POINT but $STANDARD_INFORMATION lacks the reparse-point flag");
}

ntfs_status links_collect(model *m, vec *links, ntfs_error *err)
{
	vec_init(links, sizeof(link_entry));
	for (uint64_t r = 0; r < m->count; r++) {
		const rec_info *ri = &m->recs[r];
		if (ri->state != REC_OK || (ri->flags & REC_EXTENSION))
			continue;
		if (ri->flags & REC_IN_USE)
			record_anomalies(m, (uint32_t)r);
		if (model_reparse_of(m, (uint32_t)r) != MODEL_NONE) {
			ntfs_status st = collect_one(m, links, (uint32_t)r, err);
			if (st != NTFS_OK)
				return st;
		}
	}
	return NTFS_OK;
}

void links_settle_owners(model *m)
{
	char sid[NTFS_SID_STRING_MAX];
	for (uint64_t r = 0; r < m->count; r++) {
		const rec_info *ri = &m->recs[r];
		if (!(ri->flags & REC_SD_TO_READ) || model_own_owner(m, (uint32_t)r) != MODEL_NONE ||
		    model_owner_sid(m, (uint32_t)r) ||
		    !links_is_hardlink_set(m, (uint32_t)r))
			continue;
		size_t len = 0;
		const uint8_t *kept = model_own_sd(m, (uint32_t)r, &len); /* read once by access_preload */
		ntfs_security_descriptor sd;
		ntfs_error e;
		sid[0] = '\0';
		if (!kept)
			volume_record_owner_sid(m->vol, r, 0, sid, sizeof(sid));
		else if (ntfs_sd_decode(kept, len, &sd, &e) == NTFS_OK && sd.has_owner)
			snprintf(sid, sizeof(sid), "%s", sd.owner_sid);
		if (!sid[0])
			continue;
		size_t off = model_add_late(m, sid, strlen(sid)); /* not strings: index slack may read names beside this */
		if (off != SIZE_MAX && off < MODEL_NONE)
			(void)model_set_owner_late(m, (uint32_t)r, (uint32_t)off); /* out of memory: the owner stays unknown */
	}
}

volume_stats links_stats(const model *m, const vec *links)
{
	volume_stats st = {0}, *s = &st;
	for (uint64_t r = 0; r < m->count; r++) {
		if (!model_in_use(m, r))
			continue;
		s->records_in_use++;
		uint32_t n = links_name_count(m, (uint32_t)r);
		s->names += n;
		if (n > 1)
			s->hardlink_sets++;
	}
	s->reparse_points = links->count;
	for (size_t i = 0; i < links->count; i++) {
		const link_entry *le = &VEC_AT(links, link_entry, i);
		if (link_needs_attention(le))
			s->stale_links++;
	}
	s->anomalies = anomaly_count(&m->anomalies) + anomaly_count(&m->vol->anomalies);
	return st;
}
