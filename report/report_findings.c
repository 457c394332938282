/* SPDX-License-Identifier: Apache-2.0 */
/* The findings in the report as JSON objects (the text view's section: report_text_findings.c); only reads the finished list. */
#include "config.h"
#include "report_findings.h"

#include <stdlib.h>
#include <string.h>

/* The name of evidence field i of f. */
static const char *field_name(const finding *f, uint32_t i)
{
	return VEC_AT(&f->evidence, finding_field, i).name;
}

/* An evidence field's name and index, ordered by name, then index (so each name's values keep their order). */
typedef struct {
	const char *name;
	uint32_t i;
} field_key;

static int field_cmp(const void *x, const void *y)
{
	const field_key *a = x, *b = y;
	int c = strcmp(a->name, b->name);
	return c ? c : a->i < b->i ? -1 : a->i > b->i;
}

/* One evidence member: its name, then its value, or the list of values[0..count) when given more than once. */
static void member_write(json_out *o, const finding *f, const field_key *values, size_t count, bool first)
{
	if (!first)
		json_out_const(o, ",");
	json_out_jstr(o, values[0].name);
	json_out_const(o, ":");
	if (count == 1) {
		json_out_jstr(o, VEC_AT(&f->evidence, finding_field, values[0].i).value);
		return;
	}
	json_out_const(o, "[");
	for (size_t j = 0; j < count; j++) {
		if (j)
			json_out_const(o, ",");
		json_out_jstr(o, VEC_AT(&f->evidence, finding_field, values[j].i).value);
	}
	json_out_const(o, "]");
}

/*
 * The evidence object: each field name once, where it first appears; a name given more than once
 * (rule 9's links) has the list of its values, in order (as jansson's object made it).
 */
static bool evidence_write(json_out *o, const finding *f)
{
	uint32_t n = (uint32_t)f->evidence.count;
	field_key *order = malloc((n ? n : 1) * sizeof(*order)); /* the fields by name, then index */
	uint32_t *start = malloc((n ? n : 1) * sizeof(*start)); /* per field: its name's run in order, UINT32_MAX but for the first */
	if (!order || !start) {
		free(order);
		free(start);
		return false;
	}
	for (uint32_t i = 0; i < n; i++) {
		order[i] = (field_key){field_name(f, i), i};
		start[i] = UINT32_MAX;
	}
	qsort(order, n, sizeof(*order), field_cmp);
	for (uint32_t k = 0; k < n; k++)
		if (k == 0 || strcmp(order[k].name, order[k - 1].name))
			start[order[k].i] = k; /* a run's first member has its smallest index */
	json_out_const(o, "{");
	for (uint32_t i = 0, written = 0; i < n; i++) {
		uint32_t k = start[i], end;
		if (k == UINT32_MAX)
			continue; /* written with the first field of its name */
		for (end = k + 1; end < n && !strcmp(order[end].name, order[k].name);)
			end++;
		member_write(o, f, order + k, end - k, written++ == 0);
	}
	json_out_const(o, "}");
	free(order);
	free(start);
	return true;
}

bool report_finding_write(json_out *o, const finding *f)
{
	json_out_const(o, "{\"rule\":");
	json_out_jstr(o, findings_rule_id(f->rule));
	json_out_const(o, ",\"severity\":");
	json_out_jstr(o, findings_severity_name(f->severity));
	json_out_const(o, ",\"title\":");
	json_out_jstr(o, f->title);
	json_out_const(o, ",\"records\":[");
	for (size_t i = 0; i < f->records.count; i++) {
		if (i)
			json_out_const(o, ",");
		json_out_u64(o, VEC_AT(&f->records, uint32_t, i));
	}
	json_out_const(o, "],\"paths\":[");
	for (size_t i = 0; i < f->paths.count; i++) {
		if (i)
			json_out_const(o, ",");
		json_out_jstr(o, VEC_AT(&f->paths, char *, i));
	}
	json_out_const(o, "],\"evidence\":");
	bool ok = evidence_write(o, f);
	json_out_const(o, ",\"reference\":");
	json_out_jstr(o, findings_rule_reference(f->rule));
	return ok;
}
