/* SPDX-License-Identifier: Apache-2.0 */
/* --only: the one predicate of every writer (report_only.h). */
#include "config.h"
#include "report_only.h"

#include <stdlib.h>
#include <string.h>

static const char *const only_names[REPORT_ONLY_KINDS] = {"stale", "findings", "links", "sets"};
static const unsigned only_bits[REPORT_ONLY_KINDS] = {REPORT_ONLY_STALE, REPORT_ONLY_FINDINGS, REPORT_ONLY_LINKS,
						      REPORT_ONLY_SETS};

const char *report_only_name(int i)
{
	return i >= 0 && i < REPORT_ONLY_KINDS ? only_names[i] : "?";
}

unsigned report_only_bit(int i)
{
	return i >= 0 && i < REPORT_ONLY_KINDS ? only_bits[i] : 0;
}

int report_only_parse(const char *list, unsigned *mask)
{
	const char *s = list;
	if (!s || !*s)
		return -1;
	for (;;) {
		size_t n = strcspn(s, ",");
		int k = -1;
		for (int i = 0; i < REPORT_ONLY_KINDS; i++)
			if (n == strlen(only_names[i]) && !strncmp(s, only_names[i], n))
				k = i;
		if (k < 0)
			return -1;
		*mask |= only_bits[k];
		if (!s[n])
			return 0;
		s += n + 1;
	}
}

/* Ascending record order for bsearch. */
static int cmp_u32(const void *pa, const void *pb)
{
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	return a < b ? -1 : a > b;
}

bool report_filter_init(report_filter *f, unsigned only, bool findings_as_records, const analysis_volume *va)
{
	*f = (report_filter){.only = only, .findings_as_records = findings_as_records};
	if (!(only & REPORT_ONLY_FINDINGS) || !findings_as_records || !va->findings)
		return true;
	size_t n = 0;
	for (size_t i = 0; i < va->findings->items.count; i++)
		n += findings_item(va->findings, i)->nrecords;
	if (!n)
		return true;
	f->named = malloc(n * sizeof(*f->named));
	if (!f->named)
		return false;
	for (size_t i = 0; i < va->findings->items.count; i++) {
		const finding_item *it = findings_item(va->findings, i);
		for (size_t k = 0; k < it->nrecords; k++)
			f->named[f->nnamed++] = it->records[k];
	}
	qsort(f->named, f->nnamed, sizeof(*f->named), cmp_u32);
	return true;
}

void report_filter_free(report_filter *f)
{
	free(f->named);
	f->named = NULL;
	f->nnamed = 0;
}

bool report_filter_everything(const report_filter *f)
{
	return f->only == 0;
}

bool report_filter_findings(const report_filter *f)
{
	return f->only == 0 || (f->only & REPORT_ONLY_FINDINGS);
}

bool report_filter_named(const report_filter *f, uint32_t r)
{
	return f->nnamed && bsearch(&r, f->named, f->nnamed, sizeof(*f->named), cmp_u32);
}

bool report_filter_set(const report_filter *f, uint32_t r)
{
	return f->only == 0 || (f->only & REPORT_ONLY_SETS) || report_filter_named(f, r);
}

bool report_filter_link(const report_filter *f, const link_entry *le)
{
	return f->only == 0 || (f->only & REPORT_ONLY_LINKS) || ((f->only & REPORT_ONLY_STALE) && link_needs_attention(le)) ||
	       report_filter_named(f, le->record);
}

bool report_shortcut_needs_attention(const shortcut *s)
{
	link_status st = s->target.status;
	return s->allocated && (st == LINK_STATUS_STALE || st == LINK_STATUS_LOOP || st == LINK_STATUS_MALFORMED);
}

bool report_filter_shortcut(const report_filter *f, const shortcut *s)
{
	return f->only == 0 || (f->only & REPORT_ONLY_LINKS) ||
	       ((f->only & REPORT_ONLY_STALE) && report_shortcut_needs_attention(s)) || report_filter_named(f, s->record);
}

bool report_filter_context(const report_filter *f)
{
	return f->only == 0;
}
