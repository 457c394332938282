/* SPDX-License-Identifier: Apache-2.0 */
/* The findings in the report as JSON objects (the text view's section: report_text_findings.c); only reads the finished list. */
#include "config.h"
#include "report_findings.h"

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
