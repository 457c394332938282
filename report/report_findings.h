/* SPDX-License-Identifier: Apache-2.0 */
/* The findings in the report: one JSON object per finding (the text view's section: report_text_findings.c). */
#ifndef NTFSLINKS_REPORT_FINDINGS_H
#define NTFSLINKS_REPORT_FINDINGS_H

#include <jansson.h>
#include <stdio.h>

#include "findings.h"

/* One finding as the report's object: rule, severity, title, records, paths, evidence, reference; strings
 * (paths come from the image) through jstring, the writer's own UTF-8-safe encoder. */
json_t *report_finding_json(const finding *f, json_t *(*jstring)(const char *));

#endif
