/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CSV (--format csv) for Timeline Explorer and spreadsheets: RFC 4180 (CRLF line ends, a field holding a
 * comma, a double quote, CR or LF is quoted and its quotes doubled), UTF-8 without a byte order mark,
 * one header line, then one row per link name (every name of a hard-link set, DOS aliases excluded) and
 * per reparse point, volume by volume in record order. Times are ISO 8601 UTC with 100 ns digits, empty
 * when unset. The columns (CSV_COLUMNS below, documented in README.md and ntfslinks.1):
 *   volume, row_type (hard_link | reparse_point), record, sequence, allocated, path, name, namespace,
 *   link_count (the header's), names (link names found), is_directory, size, reparse_kind, reparse_tag,
 *   reparse_tag_name, substitute_name, print_name, target (what the link leads to, as typed),
 *   target_status, target_path, target_form, target_reason, fn_created, fn_modified, fn_mft_modified,
 *   fn_accessed, si_created, si_modified, si_mft_modified, si_accessed
 */
#include "config.h"
#include "report.h"
#include "report_only.h"

#include <stdlib.h>
#include <string.h>

#include "json_out.h"

#define CSV_COLUMNS                                                                                         \
	"volume,row_type,record,sequence,allocated,path,name,namespace,link_count,names,is_directory,size,"  \
	"reparse_kind,reparse_tag,reparse_tag_name,substitute_name,print_name,target,target_status,"         \
	"target_path,target_form,target_reason,fn_created,fn_modified,fn_mft_modified,fn_accessed,"          \
	"si_created,si_modified,si_mft_modified,si_accessed"

/* One field, quoted when RFC 4180 needs it; NULL is an empty field. A comma goes before all but the first. */
static void csv_field(FILE *f, const char *s, bool first)
{
	if (!first)
		putc(',', f);
	if (!s)
		return;
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	putc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			putc('"', f);
		putc(*s, f);
	}
	putc('"', f);
}

/* An unsigned field. */
static void csv_u64(FILE *f, uint64_t v)
{
	fprintf(f, ",%llu", (unsigned long long)v);
}

/* Four FILETIME fields (empty when unset, or when t is NULL). */
static void csv_times(FILE *f, const uint64_t *t)
{
	for (int i = 0; i < 4; i++) {
		char buf[40];
		if (t && t[i]) {
			json_out_format_filetime(t[i], buf);
			csv_field(f, buf, false);
		} else {
			csv_field(f, NULL, false);
		}
	}
}

/* The record's $STANDARD_INFORMATION times, or NULL when they were not kept. */
static const uint64_t *csv_si(const model *m, uint32_t r)
{
	return m->si_times && (m->recs[r].flags & REC_HAS_SI) ? &m->si_times[4 * (uint64_t)r] : NULL;
}

/* The columns every row starts with, up to the size. */
static void csv_head(FILE *f, const analysis_volume *va, const char *type, uint32_t r, uint16_t seq, bool allocated,
		     const char *path, const name_info *n, bool is_dir)
{
	const model *m = va->m;
	fprintf(f, "%d", va->index);
	csv_field(f, type, false);
	csv_u64(f, r);
	csv_u64(f, seq);
	csv_field(f, allocated ? "true" : "false", false);
	csv_field(f, path, false);
	csv_field(f, n ? model_name_str(m, n) : NULL, false);
	csv_field(f, n ? ntfs_file_name_namespace_name(n->ns) : NULL, false);
	csv_u64(f, m->recs[r].link_count);
	csv_u64(f, m->recs[r].link_names);
	csv_field(f, is_dir ? "true" : "false", false);
	csv_u64(f, model_sizes(m, (uint32_t)r)->data_size);
}

/* One row per link name of hard-link set r. */
static void csv_hardlink(FILE *f, const analysis_volume *va, uint32_t r)
{
	const model *m = va->m;
	uint32_t k = 0;
	for (const name_info *n; (n = model_link_next(m, r, &k));) {
		char *p = paths_name_alloc(va->p, n);
		csv_head(f, va, "hard_link", r, m->recs[r].sequence, true, p, n, (m->recs[r].flags & REC_DIR) != 0);
		for (int i = 0; i < 10; i++) /* no reparse or target columns */
			csv_field(f, NULL, false);
		csv_times(f, model_name_times(m, n));
		csv_times(f, csv_si(m, r));
		fputs("\r\n", f);
		free(p);
	}
}

/* One row for reparse point le. */
static void csv_reparse(FILE *f, const analysis_volume *va, const link_entry *le)
{
	const model *m = va->m;
	const name_info *n = le->name != MODEL_NONE ? model_name(m, le->name) : NULL;
	const reparse_point *rp = &le->rp;
	char *p = n ? paths_name_alloc(va->p, n) : NULL, tag[16];
	snprintf(tag, sizeof(tag), "0x%08x", rp->tag);
	csv_head(f, va, "reparse_point", le->record, le->sequence, le->allocated, p, n, le->is_directory);
	csv_field(f, reparse_kind_name(rp->kind), false);
	csv_field(f, tag, false);
	csv_field(f, rp->info ? rp->info->name : NULL, false);
	csv_field(f, rp->substitute_name, false);
	csv_field(f, rp->print_name, false);
	csv_field(f, reparse_target_text(rp), false);
	csv_field(f, le->has_target ? link_status_name(le->target.status) : NULL, false);
	csv_field(f, le->has_target ? le->target.path : NULL, false);
	csv_field(f, le->has_target ? target_form_name(le->target.form) : NULL, false);
	csv_field(f, le->has_target ? le->target.reason : NULL, false);
	csv_times(f, n ? model_name_times(m, n) : NULL);
	csv_times(f, csv_si(m, le->record));
	fputs("\r\n", f);
	free(p);
}

ntfs_status report_csv(const analysis *a, const report_config *rc, FILE *f, ntfs_error *err)
{
	fputs(CSV_COLUMNS "\r\n", f);
	for (size_t v = 0; v < analysis_volume_count(a); v++) {
		const analysis_volume *va = analysis_volume_at(a, v);
		report_filter only;
		if (!va->selected || !va->scanned)
			continue;
		if (!report_filter_init(&only, rc->only, true, va))
			return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory writing the CSV");
		for (uint64_t r = 0; r < va->m->count; r++)
			if (links_is_hardlink_set(va->m, (uint32_t)r) && report_filter_set(&only, (uint32_t)r))
				csv_hardlink(f, va, (uint32_t)r);
		for (size_t i = 0; i < va->links->count; i++)
			if (report_filter_link(&only, &VEC_AT(va->links, link_entry, i)))
				csv_reparse(f, va, &VEC_AT(va->links, link_entry, i));
		report_filter_free(&only);
	}
	if (fflush(f) || ferror(f))
		return ntfs_error_set(err, NTFS_E_IO, "writing the CSV failed");
	return NTFS_OK;
}
