/* SPDX-License-Identifier: Apache-2.0 */
/* The findings in the report (JSON objects and the text view's section); they only read the finished list. */
#include "config.h"
#include "report_findings.h"

#define TEXT_FIELDS 12            /* evidence fields the text view shows per finding (rule 4 with ACLs has 11) */
#define TEXT_PATHS 4

json_t *report_finding_json(const finding *f, json_t *(*jstring)(const char *))
{
	json_t *o = json_object();
	json_object_set_new(o, "rule", json_string(findings_rule_id(f->rule)));
	json_object_set_new(o, "severity", json_string(findings_severity_name(f->severity)));
	json_object_set_new(o, "title", jstring(f->title));
	json_t *recs = json_array(), *plist = json_array(), *ev = json_object();
	for (size_t i = 0; i < f->records.count; i++)
		json_array_append_new(recs, json_integer(VEC_AT(&f->records, uint32_t, i)));
	for (size_t i = 0; i < f->paths.count; i++)
		json_array_append_new(plist, jstring(VEC_AT(&f->paths, char *, i)));
	for (size_t i = 0; i < f->evidence.count; i++) {
		const finding_field *fl = &VEC_AT(&f->evidence, finding_field, i);
		json_t *prev = json_object_get(ev, fl->name);
		if (!prev) {
			json_object_set_new(ev, fl->name, jstring(fl->value));
			continue;
		}
		if (!json_is_array(prev)) { /* a field given more than once (rule 9's links) becomes a list */
			json_t *arr = json_array();
			json_array_append(arr, prev);
			json_object_set_new(ev, fl->name, arr);
			prev = arr;
		}
		json_array_append_new(prev, jstring(fl->value));
	}
	json_object_set_new(o, "records", recs);
	json_object_set_new(o, "paths", plist);
	json_object_set_new(o, "evidence", ev);
	json_object_set_new(o, "reference", json_string(findings_rule_reference(f->rule)));
	return o;
}

void report_findings_text(FILE *out, const findings_list *l)
{
	if (l->items.count == 0)
		return;
	fprintf(out, "\n  Findings (%zu", l->items.count);
	if (l->baseline_suppressed)
		fprintf(out, "; %llu normal Windows links kept quiet by the baseline", (unsigned long long)l->baseline_suppressed);
	fputs("):\n", out);
	for (size_t i = 0; i < l->items.count; i++) {
		const finding *f = &VEC_AT(&l->items, finding, i);
		fprintf(out, "    [%s] %s: %s\n", findings_severity_name(f->severity), findings_rule_id(f->rule), f->title);
		fputs("      records", out);
		for (size_t r = 0; r < f->records.count && r < 16; r++)
			fprintf(out, " %u", VEC_AT(&f->records, uint32_t, r));
		fputs(f->records.count > 16 ? " ...\n" : "\n", out);
		for (size_t p = 0; p < f->paths.count && p < TEXT_PATHS; p++)
			fprintf(out, "      %s\n", VEC_AT(&f->paths, char *, p));
		if (f->paths.count > TEXT_PATHS)
			fprintf(out, "      ... %zu more\n", f->paths.count - TEXT_PATHS);
		for (size_t e = 0; e < f->evidence.count && e < TEXT_FIELDS; e++) {
			const finding_field *fl = &VEC_AT(&f->evidence, finding_field, e);
			fprintf(out, "      %s: %s\n", fl->name, fl->value);
		}
		if (f->evidence.count > TEXT_FIELDS)
			fprintf(out, "      ... %zu more evidence fields (--format json shows them)\n", f->evidence.count - TEXT_FIELDS);
	}
}
