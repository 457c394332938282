/* SPDX-License-Identifier: Apache-2.0 */
/* Interix and Cygwin symbolic links: candidates read through file_data, decoded by parsers/posix_symlink. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "posix_links.h"
#include "file_data.h"
#include "resolve.h"
#include "std_info.h"

#define FIRST_USER_RECORD 16      /* records below are NTFS's own files */
#define MIN_DATA 10               /* "IntxLNK\1" and one UTF-16 unit; "!<symlink>" alone is shorter */

/* True when record r may hold an Interix or Cygwin link: see posix_links_collect. */
static bool candidate(const model *m, uint64_t r)
{
	const rec_info *ri = &m->recs[r];
	return r >= FIRST_USER_RECORD && ri->state == REC_OK && !(ri->flags & REC_EXTENSION) && !(ri->flags & REC_DIR) &&
	       (ri->flags & REC_HAS_DATA) && (ri->flags & REC_HAS_SI) && (ri->std_attrs & REC_FA_SYSTEM) &&
	       model_reparse_of(m, (uint32_t)r) == MODEL_NONE && model_sizes(m, (uint32_t)r)->data_size >= MIN_DATA &&
	       model_sizes(m, (uint32_t)r)->data_size <= NTFS_POSIX_LINK_MAX_DATA;
}

/* Adds record r's link (target decoded into text) to links and kinds. */
static ntfs_status add(model *m, vec *links, vec *kinds, uint32_t r, ntfs_posix_kind kind, const char *text)
{
	const rec_info *ri = &m->recs[r];
	link_entry *le = vec_push(links);
	uint8_t *k = le ? vec_push(kinds) : NULL;
	char *target = k ? strdup(text) : NULL;
	if (!target)
		return NTFS_E_NOMEM;
	const name_info *pn = model_primary_name(m, r);
	le->record = r;
	le->sequence = ri->sequence;
	le->allocated = ri->flags & REC_IN_USE;
	le->name = pn ? (uint32_t)(pn - model_name(m, 0)) : MODEL_NONE;
	le->rp.kind = REPARSE_KIND_LX_SYMLINK;
	le->rp.lx_target = target;
	le->has_target = true;
	le->posix = true;
	*k = (uint8_t)kind;
	return NTFS_OK;
}

ntfs_status posix_links_collect(model *m, vec *links, vec *kinds, ntfs_error *err)
{
	vec_init(links, sizeof(link_entry));
	vec_init(kinds, 1);
	char *text = malloc(4 * NTFS_POSIX_LINK_MAX_DATA);
	if (!text)
		return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory");
	ntfs_status ret = NTFS_OK;
	for (uint64_t r = 0; r < m->count && ret == NTFS_OK; r++) {
		if (!candidate(m, r))
			continue;
		file_data fd;
		ntfs_error e;
		if (file_data_read(m->vol, r, NULL, NTFS_POSIX_LINK_MAX_DATA, 0, &fd, &e) != NTFS_OK) {
			if (e.status == NTFS_E_NOMEM)
				ret = ntfs_error_set(err, NTFS_E_NOMEM, "out of memory");
			continue; /* unreadable data of a system file: nothing says it is a link */
		}
		ntfs_posix_kind kind;
		if (ntfs_posix_symlink_sniff(fd.data, fd.len) != NTFS_POSIX_NONE) {
			if (ntfs_posix_symlink_decode(fd.data, fd.len, &kind, text, 4 * NTFS_POSIX_LINK_MAX_DATA, &e) == NTFS_OK) {
				if (add(m, links, kinds, (uint32_t)r, kind, text) != NTFS_OK)
					ret = ntfs_error_set(err, NTFS_E_NOMEM, "out of memory");
			} else if (m->recs[r].flags & REC_IN_USE) {
				anomaly_add(&m->anomalies, "malformed_posix_link", r, "%s", e.reason);
			}
		}
		file_data_free(&fd);
	}
	free(text);
	return ret;
}

void posix_links_free(vec *links, vec *kinds)
{
	for (size_t i = 0; i < links->count; i++) {
		link_entry *le = &VEC_AT(links, link_entry, i);
		reparse_point_free(&le->rp);
		link_target_free(&le->target);
	}
	vec_free(links);
	vec_free(kinds);
}
