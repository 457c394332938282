/* SPDX-License-Identifier: Apache-2.0 */
/* The report's formats by name, and the one entry point that picks the writer. */
#include "config.h"
#include "report.h"

#include <string.h>
#include <strings.h>

static const char *const format_names[] = {"json", "ndjson", "text", "bodyfile", "dot", "timesketch", "csv", "html"};

const char *report_format_name(report_format f)
{
	return (unsigned)f < sizeof(format_names) / sizeof(format_names[0]) ? format_names[f] : "?";
}

int report_format_parse(const char *name, report_format *out)
{
	for (size_t i = 0; i < sizeof(format_names) / sizeof(format_names[0]); i++)
		if (!strcasecmp(name, format_names[i])) {
			*out = (report_format)i;
			return 0;
		}
	return -1;
}

ntfs_status report_write(const analysis *a, const report_config *rc, FILE *f, ntfs_error *err)
{
	switch (rc->format) {
	case REPORT_JSON:
	case REPORT_NDJSON:
		return report_json(a, rc, f, err);
	case REPORT_TEXT:
		return report_text(a, rc, f, err);
	case REPORT_BODYFILE:
		return report_bodyfile(a, rc, f, err);
	case REPORT_DOT:
		return report_dot(a, rc, f, err);
	case REPORT_TIMESKETCH:
		return report_timesketch(a, rc, f, err);
	case REPORT_CSV:
		return report_csv(a, rc, f, err);
	case REPORT_HTML:
		return report_html(a, rc, f, err);
	default:
		break;
	}
	return ntfs_error_set(err, NTFS_E_UNSUPPORTED, "--format %s is not available in this build",
			      report_format_name(rc->format));
}
