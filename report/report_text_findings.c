/* SPDX-License-Identifier: Apache-2.0 */
/* The text view's findings (first: what an investigator reads first), each with its records, paths and evidence. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "report_text.h"

#define TOP_RECORDS 16            /* per finding, before the cut */
#define TOP_PATHS 4
#define TOP_FIELDS 12            /* rule 4 with ACLs has 11 */

/* The finding's records on one wrapped line, then the cut. */
static void finding_records(text_out *t, const finding *f)
{
	size_t n = f->records.count, limit = text_limit(t, TOP_RECORDS), shown = n < limit ? n : limit;
	char *line = malloc(16 + 11 * shown), *w = line;
	if (!line)
		return;
	w += sprintf(w, "records");
	for (size_t r = 0; r < shown; r++)
		w += sprintf(w, " %u", VEC_AT(&f->records, uint32_t, r));
	text_para(t, 6, 8, line);
	free(line);
	if (n > shown)
		text_cut(t, 6, n - shown, "records", "findings");
}

/* One finding: severity, rule and title; its records, its first paths and evidence fields. */
static void finding_print(text_out *t, const finding *f)
{
	text_paraf(t, 4, 6, "[%s] %s: %s", findings_severity_name(f->severity), findings_rule_id(f->rule), f->title);
	finding_records(t, f);
	size_t limit = text_limit(t, TOP_PATHS), p = 0;
	for (; p < f->paths.count && p < limit; p++) {
		char *k = text_keep(VEC_AT(&f->paths, char *, p));
		text_para(t, 6, 10, k ? k : "?");
		free(k);
	}
	if (f->paths.count > p)
		text_cut(t, 6, f->paths.count - p, "paths", "findings");
	limit = text_limit(t, TOP_FIELDS);
	size_t e = 0;
	for (; e < f->evidence.count && e < limit; e++) {
		const finding_field *fl = &VEC_AT(&f->evidence, finding_field, e);
		text_paraf(t, 6, 10, "%s: %s", fl->name, fl->value);
	}
	if (f->evidence.count > e)
		text_cut(t, 6, f->evidence.count - e, "evidence fields", "findings");
}

void text_findings(text_out *t)
{
	const findings_list *l = t->va->findings;
	if (!l || l->items.count == 0)
		return;
	char quiet[96] = "";
	if (l->baseline_suppressed)
		snprintf(quiet, sizeof(quiet), "; %llu normal Windows links kept quiet by the baseline",
			 (unsigned long long)l->baseline_suppressed);
	fputc('\n', t->f);
	text_paraf(t, 2, 4, "Findings (%zu%s):", l->items.count, quiet);
	finding_view v;
	finding_view_init(&v);
	for (size_t i = 0; i < l->items.count; i++) {
		const finding *f = findings_view(l, i, &v);
		if (f)
			finding_print(t, f);
	}
	finding_view_free(&v);
}
