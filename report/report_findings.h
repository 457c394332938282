/* SPDX-License-Identifier: Apache-2.0 */
/* The findings in the report: one JSON object per finding (the text view's section: report_text_findings.c). */
#ifndef NTFSLINKS_REPORT_FINDINGS_H
#define NTFSLINKS_REPORT_FINDINGS_H

#include <stdbool.h>

#include "findings.h"
#include "json_out.h"

/*
 * Writes finding f as the report's object without its closing brace (the caller ends the item): rule,
 * severity, title, records, paths, evidence, reference; strings as json_out_jstr writes them. False when
 * memory ran out (the object is then incomplete).
 */
bool report_finding_write(json_out *o, const finding *f);

#endif
