/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The human summary (--format text), in the terminal's width (report_text.h): the image, then per volume its
 * header and, by what matters, findings, stale links, the other links by kind, hard-link sets (those across
 * top-level folders or user profiles first, the component store's last), anomalies, history and --du.
 * Each section is a function of its own (report_text_*.c); --only keeps the sections it names.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "report_text.h"

/* True when another volume was inferred to have va's letter too (two Windows installations, each C:). */
static bool others_inferred(const analysis *a, const analysis_volume *va)
{
	for (size_t v = 0; v < analysis_volume_count(a); v++) {
		const analysis_volume *o = analysis_volume_at(a, v);
		if (o != va && o->scanned && o->drive == va->drive && !o->drive_given)
			return true;
	}
	return false;
}

/* Where the volume's drive letter comes from, for people: "--drive", "registry", "inferred". */
static const char *drive_source_text(const analysis_volume *va)
{
	const char *s = va->drive_source ? va->drive_source : va->drive_given ? "option" : "inferred";
	return !strcmp(s, "option") ? "--drive" : s;
}

/* The volume's header: where, what, its drive letter and where that comes from, the counts. */
static void text_volume_header(text_out *t)
{
	const analysis_volume *va = t->va;
	char size[32], drive[160] = "";
	text_human(va->part.length, size, sizeof(size));
	if (!va->scanned) {
		fputc('\n', t->f);
		text_paraf(t, 0, 4, "Volume %d at byte %llu, %s: not scanned: %s", va->index,
			   (unsigned long long)va->part.offset, size, va->error);
		return;
	}
	if (va->drive && !strcmp(drive_source_text(va), "inferred") && others_inferred(t->a, va))
		snprintf(drive, sizeof(drive), ", drive %c: (inferred per volume: more than one holds \\Windows\\System32)",
			 va->drive);
	else if (va->drive)
		snprintf(drive, sizeof(drive), ", drive %c: (%s)", va->drive, drive_source_text(va));
	fputc('\n', t->f);
	text_paraf(t, 0, 4, "Volume %d at byte %llu, %s%s", va->index, (unsigned long long)va->part.offset, size, drive);
	const volume_facts *vol = &va->ntfs;
	char facts[512] = "", *w = facts;
	size_t cap = sizeof(facts);
	if (vol->has_version)
		w += snprintf(w, cap - (size_t)(w - facts), "NTFS %u.%u, ", vol->version_major, vol->version_minor);
	if (vol->has_label)
		w += snprintf(w, cap - (size_t)(w - facts), "label \"%.200s\", ", vol->label);
	if (!vol->is_mft_file)
		w += snprintf(w, cap - (size_t)(w - facts), "serial %016llX, ", (unsigned long long)vol->serial);
	snprintf(w, cap - (size_t)(w - facts), "%u-byte records", vol->record_size);
	text_para(t, 2, 4, facts);
	const volume_stats *s = &va->stats;
	text_paraf(t, 2, 4,
		   "%llu records (%llu in use), %llu names, %llu hard-link sets, %llu reparse points, %llu stale links, "
		   "%llu anomalies%s",
		   (unsigned long long)vol->record_count, (unsigned long long)s->records_in_use, (unsigned long long)s->names,
		   (unsigned long long)s->hardlink_sets, (unsigned long long)s->reparse_points,
		   (unsigned long long)s->stale_links, (unsigned long long)s->anomalies, va->m->partial ? " (PARTIAL SCAN)" : "");
}

/* Under --only: which sections follow, and that the others are left out. */
static void text_only_note(text_out *t)
{
	char list[64] = "";
	for (int i = 0; i < REPORT_ONLY_KINDS; i++)
		if (t->filter.only & report_only_bit(i)) {
			if (list[0])
				strcat(list, ",");
			strcat(list, report_only_name(i));
		}
	text_paraf(t, 2, 4, "(--only %s: the other sections are left out)", list);
}

/* One volume: its header, then each section in the order of what matters. */
static void text_volume(text_out *t)
{
	text_volume_header(t);
	if (!t->va->scanned)
		return;
	const report_filter *fl = &t->filter;
	if (!report_filter_everything(fl))
		text_only_note(t);
	if (report_filter_findings(fl))
		text_findings(t);
	if (report_filter_everything(fl) || (fl->only & (REPORT_ONLY_STALE | REPORT_ONLY_LINKS)))
		text_stale_links(t);
	if (report_filter_everything(fl) || (fl->only & REPORT_ONLY_LINKS))
		text_other_links(t);
	if (report_filter_everything(fl) || (fl->only & (REPORT_ONLY_STALE | REPORT_ONLY_LINKS)))
		text_shortcuts(t);
	if (report_filter_everything(fl) || (fl->only & REPORT_ONLY_SETS))
		text_sets(t);
	if (report_filter_context(fl)) {
		text_anomalies(t);
		text_history(t);
	}
	if (t->a->config.du)
		text_du(t);
}

/* The image: tool, path, format, size, segments, and the E01's case metadata. */
static void text_image_header(text_out *t)
{
	const analysis *a = t->a;
	char size[32];
	text_human(image_size(a->img), size, sizeof(size));
	char *path = text_keep(a->config.image);
	text_paraf(t, 0, 4, "%s %s: %s (%s, %s, %zu segment%s)", PACKAGE_NAME, PACKAGE_VERSION, path ? path : "",
		   image_format_name(image_get_format(a->img)), size, image_segment_count(a->img),
		   image_segment_count(a->img) == 1 ? "" : "s");
	free(path);
	const image_ewf_info *e = image_ewf(a->img);
	if (e)
		text_paraf(t, 0, 4, "E01: case %s, evidence %s, examiner %s, acquired %s", e->case_number ? e->case_number : "-",
			   e->evidence_number ? e->evidence_number : "-", e->examiner ? e->examiner : "-",
			   e->acquisition_date ? e->acquisition_date : "-");
}

ntfs_status report_text(const analysis *a, const report_config *rc, FILE *f, ntfs_error *err)
{
	text_out t = {.f = f, .width = text_width_clamp(rc->text_width), .all = rc->text_all, .a = a, .rc = rc};
	text_image_header(&t);
	bool failed = false;
	for (size_t v = 0; v < analysis_volume_count(a); v++) {
		const analysis_volume *va = analysis_volume_at(a, v);
		if (!va->selected)
			continue;
		t.va = va;
		if (!report_filter_init(&t.filter, rc->only, false, va)) {
			failed = true;
			break;
		}
		text_volume(&t);
		report_filter_free(&t.filter);
	}
	if (a->partial) {
		fputc('\n', f);
		text_para(&t, 0, 4, "The scan is PARTIAL: some volumes or records could not be read (see the anomalies).");
	}
	if (failed)
		return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory writing the text view");
	if (fflush(f) || ferror(f))
		return ntfs_error_set(err, NTFS_E_IO, "writing the report failed");
	return NTFS_OK;
}
