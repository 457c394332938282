/* SPDX-License-Identifier: Apache-2.0 */
/* The text view's links: the stale links of every kind first, then the other links grouped by kind. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "report_text.h"

#define TOP_STALE 100             /* stale links listed before the cut */
#define TOP_PER_KIND 10           /* other links listed per kind */
#define POSIX_KINDS 3             /* ntfs_posix_kind values (none, interix, cygwin) */

/* The kind of the i-th POSIX link of the volume. */
static const char *posix_kind(const analysis_volume *va, size_t i)
{
	return ntfs_posix_kind_name((ntfs_posix_kind)VEC_AT(va->posix_kinds, uint8_t, i));
}

void text_link(text_out *t, const link_entry *le, const char *kind, size_t indent)
{
	const analysis_volume *va = t->va;
	char *path = le->name == MODEL_NONE ? strdup("(no name)") : paths_name_alloc(va->p, model_name(va->m, le->name));
	char *kpath = text_keep(path ? path : "?");
	const char *raw = reparse_target_text(&le->rp);
	char *target = text_keep(raw ? raw : "");
	const char *status = le->has_target ? link_status_name(le->target.status) : "-";
	if (target && target[0])
		text_paraf(t, indent, indent + 4, "%s  %s -> %s", status, kpath ? kpath : "?", target);
	else
		text_paraf(t, indent, indent + 4, "%s  %s", status, kpath ? kpath : "?");
	const char *reason = le->has_target && le->target.reason ? le->target.reason : NULL;
	text_paraf(t, indent + 4, indent + 6, "%s%srecord %u%s%s%s", kind ? kind : "", kind ? ", " : "", le->record,
		   le->allocated ? "" : " (deleted)", reason ? ": " : "", reason ? reason : "");
	char *sec = text_security(va, le->record);
	if (sec)
		text_para(t, indent + 4, indent + 6, sec);
	free(sec);
	free(target);
	free(kpath);
	free(path);
}

void text_stale_links(text_out *t)
{
	const analysis_volume *va = t->va;
	size_t stale = 0, posix = va->posix ? va->posix->count : 0;
	for (size_t i = 0; i < va->links->count; i++)
		stale += link_needs_attention(&VEC_AT(va->links, link_entry, i));
	for (size_t i = 0; i < posix; i++)
		stale += link_needs_attention(&VEC_AT(va->posix, link_entry, i));
	fprintf(t->f, "\n  Stale links (%zu)\n", stale);
	size_t shown = 0, limit = text_limit(t, TOP_STALE);
	for (size_t i = 0; i < va->links->count && shown < limit; i++) {
		const link_entry *le = &VEC_AT(va->links, link_entry, i);
		if (link_needs_attention(le)) {
			text_link(t, le, reparse_kind_name(le->rp.kind), 4);
			shown++;
		}
	}
	for (size_t i = 0; i < posix && shown < limit; i++) {
		const link_entry *le = &VEC_AT(va->posix, link_entry, i);
		if (link_needs_attention(le)) {
			text_link(t, le, posix_kind(va, i), 4);
			shown++;
		}
	}
	if (stale > shown)
		text_cut(t, 4, stale - shown, "stale links", "stale");
}

/* The links of one kind that are not stale: a heading with their count, the first of them, the cut. */
static void other_kind(text_out *t, const vec *links, const char *kind, size_t count,
		       bool (*is_kind)(const analysis_volume *va, const vec *links, size_t i, const char *kind))
{
	const analysis_volume *va = t->va;
	text_paraf(t, 4, 6, "%s (%zu)", kind, count);
	size_t shown = 0, limit = text_limit(t, TOP_PER_KIND);
	for (size_t i = 0; i < links->count && shown < limit; i++) {
		const link_entry *le = &VEC_AT(links, link_entry, i);
		if (!link_needs_attention(le) && is_kind(va, links, i, kind)) {
			text_link(t, le, NULL, 6);
			shown++;
		}
	}
	if (count > shown) {
		char what[96];
		snprintf(what, sizeof(what), "%s links", kind);
		text_cut(t, 6, count - shown, what, "links");
	}
}

/* True when links[i] (reparse points) is of kind. */
static bool reparse_is(const analysis_volume *va, const vec *links, size_t i, const char *kind)
{
	(void)va;
	return !strcmp(reparse_kind_name(VEC_AT(links, link_entry, i).rp.kind), kind);
}

/* True when links[i] (POSIX links) is of kind. */
static bool posix_is(const analysis_volume *va, const vec *links, size_t i, const char *kind)
{
	(void)links;
	return !strcmp(posix_kind(va, i), kind);
}

void text_other_links(text_out *t)
{
	const analysis_volume *va = t->va;
	size_t by_kind[REPARSE_KIND_THIRD_PARTY + 1] = {0}, by_posix[POSIX_KINDS] = {0}, total = 0;
	size_t posix = va->posix ? va->posix->count : 0;
	for (size_t i = 0; i < va->links->count; i++) {
		const link_entry *le = &VEC_AT(va->links, link_entry, i);
		if (!link_needs_attention(le) && (unsigned)le->rp.kind <= REPARSE_KIND_THIRD_PARTY) {
			by_kind[le->rp.kind]++;
			total++;
		}
	}
	for (size_t i = 0; i < posix; i++) {
		uint8_t k = VEC_AT(va->posix_kinds, uint8_t, i);
		if (!link_needs_attention(&VEC_AT(va->posix, link_entry, i)) && k < POSIX_KINDS) {
			by_posix[k]++;
			total++;
		}
	}
	char counts[1024] = "";
	size_t len = 0;
	for (int k = 0; k <= REPARSE_KIND_THIRD_PARTY; k++)
		if (by_kind[k] && len < sizeof(counts))
			len += (size_t)snprintf(counts + len, sizeof(counts) - len, "%s%zu %s", len ? ", " : ": ", by_kind[k],
						reparse_kind_name((reparse_kind)k));
	for (int k = 0; k < POSIX_KINDS; k++)
		if (by_posix[k] && len < sizeof(counts))
			len += (size_t)snprintf(counts + len, sizeof(counts) - len, "%s%zu %s", len ? ", " : ": ", by_posix[k],
						ntfs_posix_kind_name((ntfs_posix_kind)k));
	fputc('\n', t->f);
	text_paraf(t, 2, 4, "Other links (%zu)%s", total, counts);
	for (int k = 0; k <= REPARSE_KIND_THIRD_PARTY; k++)
		if (by_kind[k])
			other_kind(t, va->links, reparse_kind_name((reparse_kind)k), by_kind[k], reparse_is);
	for (int k = 0; k < POSIX_KINDS; k++)
		if (by_posix[k])
			other_kind(t, va->posix, ntfs_posix_kind_name((ntfs_posix_kind)k), by_posix[k], posix_is);
}
