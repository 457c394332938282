/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"
#include "analysis.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "drives.h"
#include "mft_scan.h"
#include "par.h"
#include "registry.h"
#include "profile.h"

/* The engine's state of one volume; the writers read its analysis_volume view. */
typedef struct vol_analysis {
	int index;
	image_partition part;
	bool selected;            /* chosen for analysis (all, or the one --partition names) */
	bool scanned;             /* false: the volume could not be opened (see error) */
	char error[NTFS_ERROR_REASON_MAX];
	volume *vol;
	model m;
	paths p;
	name_index ix;
	char drive;               /* drive letter, 0 when unknown */
	bool drive_given;         /* from --drive, not inferred */
	vec links;                /* link_entry */
	volume_stats stats;
	vec du;                   /* du_entry, with --du */
	char du_error[NTFS_ERROR_REASON_MAX]; /* why --du found nothing to size on this volume */
	char du_note[NTFS_ERROR_REASON_MAX];  /* the links --du followed to reach its directory ("" when none) */
	index_slack_result slack; /* names left in directory index slack (removed_names) */
	struct {                  /* the slack pass, beside the passes after it (slack_start, slack_join) */
		par_task task;
		index_slack_input in;
		ntfs_status st;
		ntfs_error err;
		size_t at;        /* the model's anomalies when it started: where its own go */
		double wall_ms;
		bool pending;     /* started, not joined */
	} slack_job;
	access_table access;      /* security of the sets, links and the sets' parent folders (access.h) */
	vec posix;                /* link_entry: Interix and Cygwin links (posix_links.h) */
	vec posix_kinds;          /* uint8_t ntfs_posix_kind of each */
	shortcut_list shortcuts;  /* .lnk files (shortcuts.h) */
	registry_info reg;        /* what its registry hives say (registry.h) */
	bool reg_ready;           /* reg initialised (the volume was opened) */
	account_list accounts;    /* what the writers list: reg's, and the named SIDs its descriptors hold */
	bool accounts_ready;
	const char *drive_source; /* "option", "registry", "inferred"; NULL without a letter */
	drives_result drives;     /* its volume GUIDs (and the registry's letter) */
	usn_journal usn;          /* the change journal's link events (usn.present: a journal was read) */
	findings_list findings;   /* the findings pass's, once finished */
	image_vss *vss;           /* the volume's shadow copies, NULL when it has none (or --no-vss) */
	vec shadow;               /* shadow_store, oldest first */
} vol_analysis;

/* Writes the current UTC time as ISO 8601 ("2026-01-01T00:00:00Z"). */
static void now_iso(char *buf, size_t cap)
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Adds one candidate volume to the analysis. */
static vol_analysis *add_volume(analysis *a, const image_partition *part)
{
	vol_analysis *v = realloc(a->vols, (a->nvols + 1) * sizeof(*v));
	if (!v)
		return NULL;
	a->vols = v;
	v = &a->vols[a->nvols];
	memset(v, 0, sizeof(*v));
	v->index = (int)a->nvols++;
	v->part = *part;
	vec_init(&v->links, sizeof(link_entry));
	usn_journal_init(&v->usn);
	vec_init(&v->shadow, sizeof(shadow_store));
	shortcut_list_init(&v->shortcuts);
	return v;
}

/* Adds the one volume of an extracted $MFT, or the volume at the configured offset (when no partition starts
 * there). */
static ntfs_status add_single_volume(analysis *a)
{
	image_partition one = {0};
	one.offset = a->config.have_offset ? a->config.offset : 0;
	uint64_t size = image_size(a->img);
	one.length = size > one.offset ? size - one.offset : 0;
	strcpy(one.table, "none");
	strcpy(one.slot, "-");
	snprintf(one.description, sizeof(one.description), "%s",
		 image_get_format(a->img) == IMAGE_FORMAT_MFT_FILE ? "extracted $MFT" : "volume at --offset");
	one.is_ntfs = true;
	return add_volume(a, &one) ? NTFS_OK : NTFS_E_NOMEM;
}

/*
 * Lists the volumes: the $MFT file, or every NTFS partition. With an offset, the volume starting there is
 * the only one selected (*only), and keeps the number it has in a run without the offset; a volume that
 * no partition table lists gets the number after the listed ones. Otherwise *only is the configured
 * partition (-1: all).
 */
static ntfs_status find_volumes(analysis *a, int *only, ntfs_error *err)
{
	*only = a->config.partition;
	if (image_get_format(a->img) == IMAGE_FORMAT_MFT_FILE)
		return add_single_volume(a) == NTFS_OK ? NTFS_OK : ntfs_error_set(err, NTFS_E_NOMEM, "out of memory");
	image_partition *parts = NULL;
	size_t n = 0;
	ntfs_status st = image_list_partitions(a->img, &parts, &n, err);
	if (st != NTFS_OK && !a->config.have_offset)
		return st;
	a->parts = parts;
	a->nparts = st == NTFS_OK ? n : 0;
	for (size_t i = 0; i < a->nparts; i++)
		if (parts[i].is_ntfs && !add_volume(a, &parts[i]))
			return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory");
	if (a->config.have_offset) {
		for (size_t v = 0; v < a->nvols && *only < 0; v++)
			if (a->vols[v].part.offset == a->config.offset)
				*only = (int)v;
		if (*only < 0) {
			*only = (int)a->nvols;
			if (add_single_volume(a) != NTFS_OK)
				return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory");
		}
		return NTFS_OK;
	}
	uint64_t coff = 0, clen = 0;
	if (a->nvols == 0 && image_checksum_errors(a->img, &coff, &clen, 1) > 0 && coff == 0)
		return ntfs_error_set(err, NTFS_E_INVALID, "%s: no NTFS volume found: E01 chunk at media bytes 0-%llu, which "
				      "holds the partition table, failed its checksum, and no NTFS boot sector was found where "
				      "volumes usually start", a->config.image, (unsigned long long)(clen - 1));
	if (a->nvols == 0)
		return ntfs_error_set(err, NTFS_E_INVALID, "%s: no NTFS volume found (%zu partition(s) of other types)",
				      a->config.image, n);
	return NTFS_OK;
}

/* What the paths thread needs and returns. */
typedef struct {
	vol_analysis *va;
	ntfs_status st;
	ntfs_error e;
} paths_job;

/* Thread body: the parent chains of every directory. */
static void *paths_job_run(void *arg)
{
	paths_job *j = arg;
	j->st = paths_build(&j->va->p, &j->va->m, &j->e);
	return NULL;
}

/* Builds the paths and the name index; both only read the model, so they run side by side. */
static ntfs_status index_and_paths(vol_analysis *va, bool parallel, ntfs_error *err)
{
	paths_job job = {.va = va};
	pthread_t t;
	bool threaded = parallel && pthread_create(&t, NULL, paths_job_run, &job) == 0;
	ntfs_status st = name_index_build(&va->ix, &va->m, err);
	if (threaded)
		pthread_join(t, NULL);
	else
		paths_job_run(&job);
	if (st == NTFS_OK && job.st != NTFS_OK) {
		*err = job.e;
		st = job.st;
	}
	if (st == NTFS_OK) /* after the join: the model's anomalies are written by one thread at a time */
		anomaly_list_move(&va->m.anomalies, &va->p.anomalies);
	return st;
}

/* NTFSLINKS_PROFILE: what each table of a scanned volume holds (bytes in use; reserved pages untouched). */
static void profile_tables(const vol_analysis *va)
{
	const model *m = &va->m;
	uint64_t r = m->count, n = m->names.count;
	profile_table("records (rec_info)", r * sizeof(rec_info), r);
	profile_table("names (name_info)", n * sizeof(name_info), r);
	profile_table("name order (records an extension joins)", m->name_order_count * sizeof(uint32_t), r);
	profile_table("strings", m->strings.len, r);
	profile_table("reparse raw", m->reparse.count * sizeof(reparse_raw), r);
	profile_table("paths", paths_table_bytes(&va->p), r);
	profile_table("name index", name_index_bytes(&va->ix), r);
	profile_table("links", va->links.count * sizeof(link_entry), r);
	profile_table("name times (link names)", m->fn_times.count * (4 * sizeof(uint64_t) + sizeof(uint32_t)), r);
	profile_table("$SI times (link candidates)", m->link_si.count * (4 * sizeof(uint64_t) + sizeof(uint32_t)), r);
	profile_table("own descriptors (own_sd)", m->own_sd.count * sizeof(rec_sd), r);
	if (m->sizes)
		profile_table("sizes (every record)", r * sizeof(rec_sizes), r);
	else
		profile_table("sizes (sets, system files)", m->sizes_kept.count * sizeof(rec_sizes_kept), r);
	if (m->si_times)
		profile_table("$SI times (bodyfile)", 4 * r * sizeof(uint64_t), r);
	if (m->fn_times_all.count)
		profile_table("name times (bodyfile)", m->fn_times_all.count * 4 * sizeof(uint64_t), r);
}

/* Thread body: the index slack pass of one volume (index_slack.h: it reads the model and the volume, which the
 * passes beside it only read; the model's bytes they add go to model.late). */
static void slack_run(void *arg)
{
	vol_analysis *va = arg;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	va->slack_job.st = index_slack_collect(&va->slack_job.in, &va->slack, &va->slack_job.err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	va->slack_job.wall_ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
}

/* Puts the anomalies of src (emptied) into dst as if they had been added when dst held its first at items (the
 * order anomaly_list_sort keeps among those of one record is the order they were added in). */
static void anomalies_insert(anomaly_list *dst, size_t at, anomaly_list *src)
{
	if (at >= dst->items.count || !src->items.count) {
		anomaly_list_move(dst, src);
		return;
	}
	anomaly_list out;
	anomaly_list_init(&out);
	for (size_t i = 0; i < at; i++) {
		const anomaly *an = &VEC_AT(&dst->items, anomaly, i);
		anomaly_add(&out, an->type, an->record, "%s", anomaly_detail(dst, an));
	}
	anomaly_list_move(&out, src);
	for (size_t i = at; i < dst->items.count; i++) {
		const anomaly *an = &VEC_AT(&dst->items, anomaly, i);
		anomaly_add(&out, an->type, an->record, "%s", anomaly_detail(dst, an));
	}
	anomaly_list_free(dst);
	*dst = out;
}

/*
 * Starts the index slack pass of a scanned volume on a thread of its own when threads != 1, right after the scan:
 * it reads only the scanned model and the volume (index_slack.h), so it runs beside every pass from the
 * descriptors to the findings (slack_join) and fills the cores the serial passes leave idle (on E01 it inflates
 * the INDX chunks and the directories' MFT chunks again: ~0.75 s of CPU on the 1M benchmark). It carves with as
 * many threads as the passes get: when the passes are done before it (E01), the main thread waits in slack_join
 * and both cores carve. With threads == 1 it runs later, alone (slack_start). The result is the same either way.
 */
static void slack_begin(vol_analysis *va, int threads)
{
	if (threads == 1)
		return;
	va->slack_job.in = (index_slack_input){.m = &va->m, .volume = va->index, .threads = threads};
	va->slack_job.pending = true;
	par_task_start(&va->slack_job.task, slack_run, va);
}

/*
 * Where the index slack pass's anomalies go (after those of the links), and the pass itself when slack_begin did
 * not start it: here, alone. Either way its result and anomalies are the same (slack_join puts them where the
 * pass running alone put them).
 */
static ntfs_status slack_start(vol_analysis *va, int threads, ntfs_error *err)
{
	va->slack_job.at = va->m.anomalies.items.count;
	if (va->slack_job.pending)
		return NTFS_OK;
	va->slack_job.in = (index_slack_input){.m = &va->m, .volume = va->index, .threads = threads};
	ntfs_status st = index_slack_collect(&va->slack_job.in, &va->slack, err);
	if (st == NTFS_OK) /* the pass ran alone: its anomalies join the model's */
		anomaly_list_move(&va->m.anomalies, &va->slack.anomalies);
	return st;
}

/* Waits for the volume's slack pass when it runs beside the others, and takes its anomalies into the model's.
 * Returns the pass's status (NTFS_E_NOMEM: err says so). */
static ntfs_status slack_join(vol_analysis *va, ntfs_error *err)
{
	if (!va->slack_job.pending)
		return NTFS_OK;
	par_task_join(&va->slack_job.task);
	va->slack_job.pending = false;
	profile_beside("index slack", va->slack_job.wall_ms);
	if (va->slack_job.st != NTFS_OK) {
		*err = va->slack_job.err;
		return va->slack_job.st;
	}
	anomalies_insert(&va->m.anomalies, va->slack_job.at, &va->slack.anomalies);
	return NTFS_OK;
}

/* Opens, scans and indexes one volume; failures are kept on the volume, not fatal to the run. */
static ntfs_status scan_volume(analysis *a, vol_analysis *va, mft_scan_progress progress, void *ctx)
{
	ntfs_error e;
	ntfs_status st;
	if (image_get_format(a->img) == IMAGE_FORMAT_MFT_FILE)
		st = volume_open_mft_file(a->img, &va->vol, &e);
	else
		st = volume_open(a->img, va->part.offset, va->part.length, &va->vol, &e);
	if (st != NTFS_OK) {
		snprintf(va->error, sizeof(va->error), "%s", e.reason);
		return st == NTFS_E_NOMEM ? st : NTFS_OK;
	}
	profile_mark("volume open");
	model_init(&va->m, va->vol);
	va->m.want_si_times = a->config.want_si_times;
	va->m.want_streams = a->config.want_streams;
	/* the bodyfile and csv print every record's size (with want_si_times: their times too), --du sums them */
	va->m.want_sizes = a->config.want_si_times || a->config.du;
	va->m.volume_index = va->index;
	st = mft_scan(&va->m, a->config.threads, progress, ctx, &e);
	if (st == NTFS_OK)
		slack_begin(va, a->config.threads);
	if (st == NTFS_OK) {
		profile_table("descriptor attributes (freed here)", va->m.sd_attrs_of.count * sizeof(rec_sd) + va->m.sd_attrs.len,
			      va->m.count);
		(void)access_preload_kept(&va->m, a->config.threads); /* NTFS_E_NOMEM: the passes read them */
		profile_mark("descriptors (kept attributes)");
	}
	if (st == NTFS_OK)
		st = index_and_paths(va, a->config.threads != 1, &e);
	profile_mark("name index + paths");
	if (st == NTFS_OK)
		st = links_collect(&va->m, &va->links, &e);
	profile_mark("links collect");
	if (st == NTFS_OK)
		st = slack_start(va, a->config.threads, &e);
	profile_mark("index slack");
	if (st == NTFS_OK)
		st = posix_links_collect(&va->m, &va->posix, &va->posix_kinds, &e);
	profile_mark("posix links");
	if (st == NTFS_OK)
		st = shortcuts_collect(&va->m, &va->shortcuts, &e);
	profile_mark("shortcuts");
	if (st == NTFS_OK) { /* the hives: drive letters, volume GUIDs, accounts; damage is an anomaly */
		registry_init(&va->reg);
		va->reg_ready = true;
		st = registry_read(va->vol, &va->m, &va->ix, &va->reg, &va->m.anomalies, &e);
	}
	profile_mark("registry");
	if (st == NTFS_OK)
		profile_tables(va);
	if (st != NTFS_OK) {
		snprintf(va->error, sizeof(va->error), "%s", e.reason);
		return st;
	}
	va->scanned = true;
	return NTFS_OK;
}

static void shadow_copies_free(vol_analysis *va);

/* Frees everything volume va holds (shadow copies, every pass's results, model, volume), not its image. */
static void vol_state_free(vol_analysis *va)
{
	if (va->slack_job.pending) { /* the run ended early (an error): the pass must be done before its inputs go */
		par_task_join(&va->slack_job.task);
		va->slack_job.pending = false;
	}
	shadow_copies_free(va);
	for (size_t i = 0; i < va->links.count; i++) {
		link_entry *le = &VEC_AT(&va->links, link_entry, i);
		reparse_point_free(&le->rp);
		link_target_free(&le->target);
	}
	vec_free(&va->links);
	du_free(&va->du);
	index_slack_free(&va->slack);
	access_free(&va->access);
	posix_links_free(&va->posix, &va->posix_kinds);
	shortcut_list_free(&va->shortcuts);
	if (va->reg_ready)
		registry_free(&va->reg);
	va->reg_ready = false;
	if (va->accounts_ready)
		account_list_free(&va->accounts);
	va->accounts_ready = false;
	usn_journal_free(&va->usn);
	findings_list_free(&va->findings);
	if (va->vol) {
		name_index_free(&va->ix);
		paths_free(&va->p);
		model_free(&va->m);
		volume_close(va->vol);
		va->vol = NULL;
	}
}

/* access_settle's names of SIDs: the image's registry accounts (ctx), else the well-known table. */
static const char *account_name_of(void *ctx, const char *sid)
{
	return accounts_name(ctx, sid);
}

/* One shadow copy store scanned as a volume: its analysis, the store image it reads, and (--vss-full) the
 * writers' view of it. */
typedef struct {
	vol_analysis va;
	image *img;
	analysis_volume view;
} store_scan;

/* The writers' view of a scanned store (--vss-full): what the store holds, as for a volume (the security of
 * its sets and links read from the store like the live volume's). */
static void store_view(store_scan *ss, account_list *accounts)
{
	vol_analysis *sv = &ss->va;
	if (access_settle(&sv->access, &sv->m, &sv->links, account_name_of, accounts) != NTFS_OK)
		anomaly_add(&sv->m.anomalies, "security_unread", ANOMALY_NO_RECORD,
			    "out of memory while reading security descriptors: the report has none");
	ss->view = (analysis_volume){.index = sv->index, .part = sv->part, .selected = true, .scanned = true, .error = "",
				     .drive = sv->drive, .drive_given = sv->drive_given, .m = &sv->m, .p = &sv->p,
				     .links = &sv->links, .stats = links_stats(&sv->m, &sv->links), .du = &sv->du,
				     .du_error = "", .volume_anomalies = &sv->vol->anomalies, .anomalies = &sv->m.anomalies,
				     .slack = &sv->slack, .access = &sv->access, .shadow_copies = &sv->shadow};
}

/* Frees a store's scan and closes its image (NULL is fine). */
static void store_scan_free(store_scan *ss)
{
	if (!ss)
		return;
	vol_state_free(&ss->va);
	image_close(ss->img);
	free(ss);
}

/* Resolves the links of store scan sv, which stands in for volume v: the other volumes are the live ones,
 * their links not followed again (a chain through a link on another volume reads it as a directory). */
static ntfs_status store_resolve(analysis *a, size_t v, vol_analysis *sv)
{
	resolve_volume *rv = calloc(a->nvols, sizeof(*rv));
	vec none;
	vec_init(&none, sizeof(link_entry));
	if (!rv)
		return NTFS_E_NOMEM;
	for (size_t i = 0; i < a->nvols; i++) {
		vol_analysis *x = i == v ? sv : &a->vols[i];
		rv[i] = (resolve_volume){.scanned = x->scanned || i == v, .drive = x->drive, .m = &x->m, .p = &x->p,
					 .ix = &x->ix, .links = i == v ? &sv->links : &none};
	}
	resolve_all(rv, a->nvols);
	free(rv);
	return NTFS_OK;
}

/* Opens store i of volume v and scans, indexes, links and resolves it like a volume. An unreadable store is
 * kept in st->error; only running out of memory fails. */
static ntfs_status store_scan_run(analysis *a, size_t v, size_t i, shadow_store *st, store_scan **out,
				  mft_scan_progress progress, void *ctx)
{
	vol_analysis *va = &a->vols[v];
	ntfs_error e;
	*out = NULL;
	store_scan *ss = calloc(1, sizeof(*ss));
	if (!ss)
		return NTFS_E_NOMEM;
	vol_analysis *sv = &ss->va;
	sv->index = va->index;
	sv->part = va->part;
	sv->selected = true;
	sv->drive = va->drive;
	sv->drive_given = va->drive_given;
	vec_init(&sv->links, sizeof(link_entry));
	access_init(&sv->access);
	ntfs_status s = image_vss_store_open(va->vss, i, &ss->img, &e);
	if (s == NTFS_OK)
		s = volume_open(ss->img, 0, image_size(ss->img), &sv->vol, &e);
	if (s == NTFS_OK) {
		model_init(&sv->m, sv->vol);
		sv->m.volume_index = va->index;
		s = mft_scan(&sv->m, a->config.threads, progress, ctx, &e);
		model_sd_attrs_free(&sv->m); /* a store's descriptors are never read (no access_preload) */
		if (s == NTFS_OK)
			s = index_and_paths(sv, a->config.threads != 1, &e);
		if (s == NTFS_OK)
			s = links_collect(&sv->m, &sv->links, &e);
		if (s == NTFS_OK && (s = store_resolve(a, v, sv)) != NTFS_OK)
			ntfs_error_set(&e, s, "out of memory");
	}
	if (s != NTFS_OK) {
		snprintf(st->error, sizeof(st->error), "%s", e.reason);
		store_scan_free(ss);
		return s == NTFS_E_NOMEM ? s : NTFS_OK;
	}
	sv->scanned = true;
	st->scanned = true;
	st->partial = sv->m.partial;
	st->stats = links_stats(&sv->m, &sv->links);
	*out = ss;
	return NTFS_OK;
}

/* The comparison side of a scanned volume. */
static shadow_side side_of(const vol_analysis *va)
{
	return (shadow_side){.m = &va->m, .p = &va->p, .links = &va->links};
}

/* True when the progress callback asks to stop (Ctrl-C), asked once more with the live volume's model. */
static bool stop_requested(vol_analysis *va, mft_scan_progress progress, void *ctx)
{
	return progress && progress(ctx, &va->m, va->m.count, va->m.count);
}

/* Scans every shadow copy store of live volume v and compares each with the live volume and with the store
 * before it. A catalog or a store that cannot be read is an anomaly of the volume, never a failure of the run.
 * Only the previous store's scan is kept while the next one runs (all of them with --vss-full). */
static ntfs_status shadow_copies_run(analysis *a, size_t v, mft_scan_progress progress, void *ctx, ntfs_error *err)
{
	vol_analysis *va = &a->vols[v];
	ntfs_error e;
	if (a->config.no_vss || va->vol->is_mft_file)
		return NTFS_OK;
	ntfs_status s = image_vss_open(a->img, va->part.offset, va->part.length, &va->vss, &e);
	if (s != NTFS_OK) {
		anomaly_add(&va->m.anomalies, "shadow_copy_unreadable", ANOMALY_NO_RECORD, "%s", e.reason);
		return s == NTFS_E_NOMEM ? ntfs_error_set(err, s, "%s", e.reason) : NTFS_OK;
	}
	store_scan *prev = NULL;
	shadow_side live = side_of(va);
	for (size_t i = 0; i < image_vss_store_count(va->vss) && s == NTFS_OK; i++) {
		if (stop_requested(va, progress, ctx)) { /* Ctrl-C: the stores not scanned make the report partial */
			anomaly_add(&va->m.anomalies, "shadow_copies_interrupted", ANOMALY_NO_RECORD,
				    "stopped before shadow copy store %zu of %zu", i + 1, image_vss_store_count(va->vss));
			va->m.partial = true;
			break;
		}
		shadow_store *st = vec_push(&va->shadow);
		if (!st) {
			s = ntfs_error_set(err, NTFS_E_NOMEM, "out of memory");
			break;
		}
		memset(st, 0, sizeof(*st));
		st->store_index = (int)i + 1;
		vec_init(&st->changes, sizeof(shadow_change));
		if (image_vss_store_info_get(va->vss, i, &st->info, &e) != NTFS_OK) {
			snprintf(st->error, sizeof(st->error), "%s", e.reason);
		} else {
			store_scan *ss = NULL;
			s = store_scan_run(a, v, i, st, &ss, progress, ctx);
			if (s != NTFS_OK) {
				s = ntfs_error_set(err, s, "shadow copy store %zu: out of memory", i + 1);
				break;
			}
			if (ss) {
				shadow_side here = side_of(&ss->va);
				s = shadow_diff(&here, &live, true, &st->changes, err);
				if (s == NTFS_OK && prev) {
					shadow_side before = side_of(&prev->va);
					s = shadow_diff(&before, &here, false, &st->changes, err);
				}
				if (!a->config.vss_full)
					store_scan_free(prev);
				prev = ss;
				if (a->config.vss_full) {
					st->full = ss;
					store_view(ss, &a->accounts);
				}
			}
		}
		if (!st->scanned)
			anomaly_add(&va->m.anomalies, "shadow_copy_unreadable", ANOMALY_NO_RECORD,
				    "shadow copy store %zu (%s) cannot be read as a volume: %s", i + 1,
				    st->info.identifier[0] ? st->info.identifier : "no identifier", st->error);
		else if (st->partial)
			anomaly_add(&va->m.anomalies, "shadow_copy_partial", ANOMALY_NO_RECORD,
				    "shadow copy store %zu (%s): some of its records could not be read", i + 1,
				    st->info.identifier);
		if (st->partial && stop_requested(va, progress, ctx)) {
			anomaly_add(&va->m.anomalies, "shadow_copies_interrupted", ANOMALY_NO_RECORD,
				    "stopped while scanning shadow copy store %zu of %zu", i + 1, image_vss_store_count(va->vss));
			va->m.partial = true;
			break;
		}
	}
	if (!a->config.vss_full)
		store_scan_free(prev);
	return s;
}

/* Frees the shadow copies of a volume (their kept scans too) and closes its VSS access. */
static void shadow_copies_free(vol_analysis *va)
{
	for (size_t i = 0; i < va->shadow.count; i++) {
		shadow_store *st = &VEC_AT(&va->shadow, shadow_store, i);
		shadow_changes_free(&st->changes);
		store_scan_free(st->full);
	}
	vec_free(&va->shadow);
	image_vss_close(va->vss);
	va->vss = NULL;
}

const analysis_volume *analysis_store_view(const shadow_store *st)
{
	return st && st->full ? &((const store_scan *)st->full)->view : NULL;
}

/* True when the volume holds the allocated directory \Windows\System32: a system volume, so C:. */
static bool has_system32(const vol_analysis *va)
{
	return name_index_dir(&va->ix, "\\Windows\\System32") != MODEL_NONE;
}

/*
 * Assigns drive letters and volume GUIDs: --drive first, then what the registry's MountedDevices says
 * (drives.h: a disagreement with --drive is an anomaly); unless C: was given, C: to every system volume
 * still without a letter (each Windows installation saw itself as C:, so a C:\ link resolves on its own
 * volume). The image's accounts are gathered from every volume's hives on the way.
 */
static ntfs_status assign_drives(analysis *a, ntfs_error *err)
{
	bool c_taken = false;
	drives_volume *dv = calloc(a->nvols ? a->nvols : 1, sizeof(*dv));
	drives_result *res = calloc(a->nvols ? a->nvols : 1, sizeof(*res));
	if (!dv || !res) {
		free(dv);
		free(res);
		return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory");
	}
	for (size_t v = 0; v < a->nvols; v++) {
		vol_analysis *va = &a->vols[v];
		dv[v] = (drives_volume){.part = &va->part, .scanned = va->scanned, .reg = va->scanned ? &va->reg : NULL,
					.anomalies = va->scanned ? &va->m.anomalies : NULL};
	}
	for (int i = 0; i < a->config.drive_count; i++) {
		const drive_mapping *d = &a->config.drives[i];
		if (d->letter == 'C')
			c_taken = true;
		if (d->volume >= 0 && (size_t)d->volume < a->nvols)
			dv[d->volume].option_letter = d->letter;
	}
	drives_assign(dv, (int)a->nvols, res, &a->drives_elsewhere, &a->drives_elsewhere_count);
	for (size_t v = 0; v < a->nvols; v++) {
		vol_analysis *va = &a->vols[v];
		va->drives = res[v];
		va->drive = res[v].letter;
		va->drive_source = res[v].source;
		va->drive_given = res[v].source && !strcmp(res[v].source, "option");
	}
	for (size_t v = 0; v < a->nvols && !c_taken; v++)
		if (a->vols[v].scanned && !a->vols[v].drive && has_system32(&a->vols[v])) {
			a->vols[v].drive = 'C';
			a->vols[v].drive_source = "inferred";
		}
	free(dv);
	free(res);
	for (size_t v = 0; v < a->nvols; v++) /* the accounts every hive of the image names */
		for (size_t i = 0; a->vols[v].scanned && i < a->vols[v].reg.accounts.items.count; i++) {
			const account *ac = &VEC_AT(&a->vols[v].reg.accounts.items, account, i);
			if (account_list_add(&a->accounts, ac->sid, ac->name, ac->source, ac->profile_path) != 0)
				return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory");
		}
	account_list_finish(&a->accounts);
	return NTFS_OK;
}

/* Collects the E01 chunks that failed their checksum and ties each to the volume it lies in. */
static void collect_checksum_errors(analysis *a)
{
	uint64_t off[64], len[64];
	size_t n = image_checksum_errors(a->img, off, len, 64);
	for (size_t i = 0; i < n && i < 64; i++) {
		image_range *r = vec_push(&a->checksum_errors);
		if (r) {
			r->offset = off[i];
			r->length = len[i];
		}
		bool inside = false;
		for (size_t v = 0; v < a->nvols; v++) {
			vol_analysis *va = &a->vols[v];
			if (!va->scanned || off[i] < va->part.offset || off[i] >= va->part.offset + va->part.length)
				continue;
			anomaly_add(&va->m.anomalies, "checksum_error", ANOMALY_NO_RECORD,
				    "E01 chunk at media bytes %llu-%llu failed its checksum and reads as zeros",
				    (unsigned long long)off[i], (unsigned long long)(off[i] + len[i] - 1));
			va->m.partial = true;
			inside = true;
		}
		for (size_t v = 0; v < a->nvols && !inside; v++) { /* outside every volume: each says so (the run is partial) */
			vol_analysis *va = &a->vols[v];
			if (!va->scanned)
				continue;
			bool scanned_for = !strcmp(va->part.table, "scan");
			anomaly_add(&va->m.anomalies, "checksum_error", ANOMALY_NO_RECORD,
				    "E01 chunk at media bytes %llu-%llu, outside this volume, failed its checksum and reads as zeros%s",
				    (unsigned long long)off[i], (unsigned long long)(off[i] + len[i] - 1),
				    scanned_for ? ": it holds the partition table, so this volume was found by its NTFS boot sector" : "");
		}
	}
	if (n > 64)
		for (size_t v = 0; v < a->nvols; v++)
			if (a->vols[v].scanned)
				anomaly_add(&a->vols[v].m.anomalies, "checksum_error", ANOMALY_NO_RECORD,
					    "%zu chunks of the image failed their checksum; the first 64 are listed", n);
}

/*
 * The volume's accounts as the report lists them: those its own hives name, then every SID its security
 * descriptors hold that has a name elsewhere (the image's other hives, the well-known table) with source
 * "security_descriptor", so each SID of its SDDL can be looked up. Fails only when memory runs out.
 */
static ntfs_status volume_accounts(vol_analysis *va, const account_list *named)
{
	account_list *l = &va->accounts;
	account_list_init(l);
	va->accounts_ready = true;
	for (size_t i = 0; va->reg_ready && i < va->reg.accounts.items.count; i++) {
		const account *ac = &VEC_AT(&va->reg.accounts.items, account, i);
		if (account_list_add(l, ac->sid, ac->name, ac->source, ac->profile_path) != 0)
			return NTFS_E_NOMEM;
	}
	for (size_t k = 0; k < access_sids_seen(&va->access); k++) {
		const char *sid = access_sid_seen(&va->access, k), *name = accounts_name(named, sid);
		if (name && (!va->reg_ready || !account_list_find(&va->reg.accounts, sid)) &&
		    account_list_add(l, sid, name, "security_descriptor", NULL) != 0)
			return NTFS_E_NOMEM;
	}
	account_list_finish(l);
	return NTFS_OK;
}

/*
 * The last step, before any writer runs: settles what the writers read, so that they only read it (no
 * I/O, no sorting, no counting of their own). Per scanned volume: the owners of the hard-link sets that
 * the scan could not read, the findings (which read those owners), the stats, the anomalies in their one
 * order; then the run's partial flag. Fails only when memory runs out.
 */
static ntfs_status analysis_finish(analysis *a, ntfs_error *err)
{
	bool partial = a->checksum_errors.count > 0;
	const findings_baseline *baseline = a->config.no_baseline ? NULL : a->config.baseline;
	if (!a->config.no_baseline && !baseline) {
		if (findings_baseline_init(&a->builtin_baseline, err) != NTFS_OK) {
			findings_baseline_free(&a->builtin_baseline);
			return NTFS_E_NOMEM;
		}
		a->has_builtin_baseline = true;
		baseline = &a->builtin_baseline;
	}
	for (size_t v = 0; v < a->nvols; v++) {
		vol_analysis *va = &a->vols[v];
		if (!va->selected)
			continue;
		if (!va->scanned) {
			partial = true;
			continue;
		}
		/* the findings pass looks up one name (\Config.Msi) and the writers none: the name index (15 bytes
		 * per record) is freed before the descriptors are settled and the findings made, with any --threads
		 * (the slack pass that may still run beside them reads names from the model, not the index;
		 * name_index_free is idempotent: analysis_free calls it again) */
		uint32_t config_msi = name_index_dir(&va->ix, "\\Config.Msi");
		name_index_free(&va->ix);
		/* the descriptors both passes below read from the volume, read once (NTFS_E_NOMEM: they read them) */
		uint8_t *wanted = NULL; /* the records access_settle reads: marked once, by the preload */
		(void)access_preload(&va->m, &va->links, a->config.threads, &wanted);
		profile_mark("finish: descriptors");
		links_settle_owners(&va->m);
		profile_mark("finish: owners");
		access_init(&va->access);
		if (access_settle_wanted(&va->access, &va->m, &va->links, wanted, account_name_of, &a->accounts) != NTFS_OK)
			anomaly_add(&va->m.anomalies, "security_unread", ANOMALY_NO_RECORD,
				    "out of memory while reading security descriptors: the report has none");
		model_own_sd_free(&va->m); /* its readers (the owners, the descriptors) are done */
		profile_mark("finish: security");
		if (volume_accounts(va, &a->accounts) != NTFS_OK)
			return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory");
		findings_input fin = {.m = &va->m, .p = &va->p, .config_msi = &config_msi, .links = &va->links,
				      .access = &va->access, .volume = va->index, .baseline = baseline,
				      .threads = a->config.threads};
		if (findings_run(&fin, &va->findings, err) != NTFS_OK)
			return NTFS_E_NOMEM;
		profile_mark("finish: findings");
		ntfs_error se;
		ntfs_status st = slack_join(va, &se);
		profile_mark("index slack (join)");
		if (st != NTFS_OK)
			return ntfs_error_set(err, st, "volume %d: %s", va->index, se.reason);
		va->stats = links_stats(&va->m, &va->links);
		anomaly_list_sort(&va->vol->anomalies);
		anomaly_list_sort(&va->m.anomalies);
		partial |= va->m.partial;
	}
	a->partial = partial;
	now_iso(a->finished, sizeof(a->finished));
	return NTFS_OK;
}

/* Starts an empty analysis of cfg (no image yet). */
static void analysis_start(analysis *a, const analysis_config *cfg)
{
	memset(a, 0, sizeof(*a));
	vec_init(&a->checksum_errors, sizeof(image_range));
	account_list_init(&a->accounts);
	a->config = *cfg;
	now_iso(a->started, sizeof(a->started));
}

/* The volume selection and the drive letters against the volumes found: each must name one (else a usage
 * error, a->selection_error), checked before any volume is scanned. */
static ntfs_status check_selection(analysis *a, ntfs_error *err)
{
	const analysis_config *cfg = &a->config;
	a->selection_error = true;
	if (cfg->partition >= 0 && (size_t)cfg->partition >= a->nvols)
		return ntfs_error_set(err, NTFS_E_RANGE, "--partition %d: the image has %zu NTFS volume(s), numbered from 0",
				      cfg->partition, a->nvols);
	for (int i = 0; i < cfg->drive_count; i++)
		if (cfg->drives[i].volume < 0 || (size_t)cfg->drives[i].volume >= a->nvols)
			return ntfs_error_set(err, NTFS_E_RANGE, "--drive %c=%d: the image has %zu NTFS volume(s), numbered from 0",
					      cfg->drives[i].letter, cfg->drives[i].volume, a->nvols);
	if (cfg->usn_file && cfg->partition < 0 && !cfg->have_offset && a->nvols > 1)
		return ntfs_error_set(err, NTFS_E_RANGE, "--usn %s: the image has %zu NTFS volumes; name the one the journal "
				      "belongs to with --partition", cfg->usn_file, a->nvols);
	a->selection_error = false;
	return NTFS_OK;
}

/* Resolves every link of the image, across its volumes. */
static ntfs_status resolve_volumes(analysis *a, ntfs_error *err)
{
	resolve_volume *rv = calloc(a->nvols ? a->nvols : 1, sizeof(*rv));
	if (!rv)
		return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory");
	for (size_t v = 0; v < a->nvols; v++) {
		vol_analysis *va = &a->vols[v];
		rv[v] = (resolve_volume){.scanned = va->scanned, .drive = va->drive, .m = &va->m, .p = &va->p,
					 .ix = &va->ix, .links = &va->links, .posix = &va->posix,
				       .guids = va->drives.guids,
					 .guid_count = va->drives.guid_count, .elsewhere = a->drives_elsewhere,
					 .elsewhere_count = a->drives_elsewhere_count};
	}
	shortcut_volume *sv = calloc(a->nvols ? a->nvols : 1, sizeof(*sv));
	resolve_request *reqs = NULL;
	size_t nreq = 0;
	ntfs_status st = sv ? NTFS_OK : NTFS_E_NOMEM;
	for (size_t v = 0; sv && v < a->nvols; v++) {
		vol_analysis *va = &a->vols[v];
		sv[v] = (shortcut_volume){.scanned = va->scanned, .is_mft_file = va->vol && va->vol->is_mft_file,
					  .serial = va->vol ? va->vol->boot.serial : 0, .drive = va->drive,
					  .list = &va->shortcuts};
	}
	if (st == NTFS_OK)
		st = shortcuts_plan(sv, a->nvols, &reqs, &nreq);
	resolve_all_requests(rv, a->nvols, reqs, st == NTFS_OK ? nreq : 0);
	if (st == NTFS_OK)
		shortcuts_settle(sv, a->nvols);
	free(reqs);
	free(sv);
	free(rv);
	return st == NTFS_OK ? NTFS_OK : ntfs_error_set(err, st, "out of memory");
}

static const anomaly_list no_anomalies; /* of a volume that could not be opened */

/* The writers' view of every volume, pointing into the engine's state (which is final by now). */
static ntfs_status publish(analysis *a, ntfs_error *err)
{
	a->views = calloc(a->nvols ? a->nvols : 1, sizeof(*a->views));
	if (!a->views)
		return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory");
	for (size_t v = 0; v < a->nvols; v++) {
		const vol_analysis *va = &a->vols[v];
		analysis_volume *w = &a->views[v];
		*w = (analysis_volume){.index = va->index, .part = va->part, .selected = va->selected,
				       .scanned = va->scanned, .error = va->error, .drive = va->drive,
				       .drive_given = va->drive_given, .m = &va->m, .p = &va->p, .links = &va->links,
				       .stats = va->stats, .du = &va->du, .du_error = va->du_error,
				       .du_note = va->du_note,
				       .volume_anomalies = &no_anomalies, .anomalies = &va->m.anomalies,
				       .slack = &va->slack, .access = &va->access, .posix = &va->posix,
				       .posix_kinds = &va->posix_kinds, .shortcuts = &va->shortcuts,
				       .drive_source = va->drive_source,
				       .volume_guids = va->drives.guids, .volume_guid_count = va->drives.guid_count,
				       .accounts = va->accounts_ready ? &va->accounts : va->reg_ready ? &va->reg.accounts : NULL, .image_accounts = &a->accounts, .usn = &va->usn,
				       .findings = &va->findings,
				       .shadow_copies = &va->shadow};
		if (!va->vol)
			continue;
		const volume *vol = va->vol;
		w->volume_anomalies = &vol->anomalies;
		w->ntfs = (volume_facts){.is_mft_file = vol->is_mft_file, .has_version = vol->has_version,
					 .version_major = vol->version_major, .version_minor = vol->version_minor,
					 .serial = vol->boot.serial, .has_label = vol->has_label, .label = vol->label,
					 .cluster_size = vol->boot.cluster_size,
					 .bytes_per_sector = vol->boot.bytes_per_sector, .record_size = vol->record_size,
					 .record_count = vol->record_count, .upcase_from_volume = vol->upcase_from_volume};
	}
	return NTFS_OK;
}

const char *analysis_account_name(const analysis *a, const char *sid)
{
	return accounts_name(&a->accounts, sid);
}

size_t analysis_volume_count(const analysis *a)
{
	return a->views ? a->nvols : 0;
}

const analysis_volume *analysis_volume_at(const analysis *a, size_t i)
{
	return &a->views[i];
}

/* The change journal pass of every scanned volume, after resolution (targets count as links). */
static ntfs_status read_journals(analysis *a, ntfs_error *err)
{
	const vec **all = calloc(a->nvols ? a->nvols : 1, sizeof(*all));
	if (!all)
		return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory");
	for (size_t v = 0; v < a->nvols; v++)
		all[v] = &a->vols[v].links;
	ntfs_status st = NTFS_OK;
	for (size_t v = 0; v < a->nvols && st == NTFS_OK; v++) {
		vol_analysis *va = &a->vols[v];
		if (!va->scanned)
			continue;
		usn_input in = {.m = &va->m, .p = &va->p, .ix = &va->ix, .links = all, .nlinks = a->nvols,
				.volume = va->index, .file = a->config.usn_file};
		st = usn_read(&in, &va->usn, err);
		anomaly_list_move(&va->m.anomalies, &va->usn.anomalies); /* damage of the journal is no partial scan */
	}
	free(all);
	return st;
}

/* The analysis of the open image a->img: its volumes found, scanned, linked, resolved, sized. */
static ntfs_status analysis_image(analysis *a, const analysis_config *cfg, mft_scan_progress progress, void *ctx,
				  ntfs_error *err)
{
	int only;
	ntfs_status st = find_volumes(a, &only, err);
	if (st != NTFS_OK)
		return st;
	st = check_selection(a, err);
	if (st != NTFS_OK)
		return st;
	size_t scanned = 0;
	for (size_t v = 0; v < a->nvols; v++) {
		if (only >= 0 && (int)v != only)
			continue;
		a->vols[v].selected = true;
		st = scan_volume(a, &a->vols[v], progress, ctx);
		if (st != NTFS_OK)
			return ntfs_error_set(err, st, "volume %zu: %s", v, a->vols[v].error);
		if (a->vols[v].scanned)
			scanned++;
	}
	if (scanned == 0) {
		const vol_analysis *first = only >= 0 ? &a->vols[only] : &a->vols[0];
		return ntfs_error_set(err, NTFS_E_INVALID, "%s: no NTFS volume could be read (volume %d at byte %llu: %s)",
				      cfg->image, first->index, (unsigned long long)first->part.offset, first->error);
	}
	/* image damage first: stale reasons must know whether the scan is partial */
	collect_checksum_errors(a);
	st = assign_drives(a, err);
	profile_mark("checksum errors, drives");
	if (st == NTFS_OK)
		st = resolve_volumes(a, err);
	profile_mark("resolve");
	if (st == NTFS_OK)
		st = read_journals(a, err);
	if (st != NTFS_OK)
		return st;
	profile_mark("usn journal");
	for (size_t v = 0; v < a->nvols; v++)
		if (a->vols[v].scanned && (st = shadow_copies_run(a, v, progress, ctx, err)) != NTFS_OK)
			return st;
	profile_mark("shadow copies");
	size_t du_found = 0, du_tried = 0;
	ntfs_error du_why = {0};
	for (size_t v = 0; v < a->nvols; v++) {
		vol_analysis *va = &a->vols[v];
		if (!va->scanned || !cfg->du)
			continue;
		ntfs_error e;
		du_input in = {.m = &va->m, .p = &va->p, .ix = &va->ix, .links = &va->links, .volume = va->index};
		st = du_compute(&in, cfg->du_path, cfg->du_depth, &va->du, va->du_note, sizeof(va->du_note), &e);
		if (st == NTFS_E_NOMEM)
			return ntfs_error_set(err, st, "%s", e.reason);
		du_tried++;
		if (st != NTFS_OK) {
			snprintf(va->du_error, sizeof(va->du_error), "%s", e.reason);
			if (!du_why.reason[0])
				du_why = e;
		} else {
			du_found++;
		}
	}
	/* a --du PATH found on no volume is a usage error (a typo), not an empty report */
	if (cfg->du_path && du_tried && !du_found) {
		a->selection_error = true;
		return ntfs_error_set(err, NTFS_E_INVALID, "--du: %s", du_why.reason);
	}
	profile_mark("du");
	st = analysis_finish(a, err);
	profile_mark("finish (stats, order)");
	return st == NTFS_OK ? publish(a, err) : st;
}

ntfs_status analysis_run(analysis *a, const analysis_config *cfg, mft_scan_progress progress, void *ctx, ntfs_error *err)
{
	analysis_start(a, cfg);
	ntfs_status st = image_open(cfg->image, &a->img, err);
	if (st != NTFS_OK)
		return st;
	return analysis_image(a, &a->config, progress, ctx, err);
}

ntfs_status analysis_run_image(analysis *a, const analysis_config *cfg, image *img, mft_scan_progress progress,
			       void *ctx, ntfs_error *err)
{
	analysis_start(a, cfg);
	a->img = img;
	return analysis_image(a, &a->config, progress, ctx, err);
}

void analysis_free(analysis *a)
{
	for (size_t v = 0; v < a->nvols; v++)
		vol_state_free(&a->vols[v]);
	free(a->vols);
	free(a->views);
	free(a->drives_elsewhere);
	account_list_free(&a->accounts);
	free(a->parts);
	vec_free(&a->checksum_errors);
	if (a->has_builtin_baseline)
		findings_baseline_free(&a->builtin_baseline);
	if (a->img)
		image_close(a->img);
	memset(a, 0, sizeof(*a));
}
