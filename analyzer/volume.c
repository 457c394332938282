/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"
#include "volume.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attr_list.h"
#include "attribute.h"
#include "le.h"
#include "security.h"
#include "volume_info.h"

#define FIXUP_STRIDE 512          /* NTFS applies update sequences every 512 bytes, whatever the sector size */
#define MAX_ATTR_LIST_BYTES (4u << 20)
#define MAX_SDS_BYTES (256u << 20)
#define SDS_BLOCK 0x40000u        /* $SDS alternates 256 KiB blocks with their mirror copies */

/* What collect_attr found of one attribute, possibly spread over several records. */
typedef struct {
	bool found;
	bool resident;
	uint8_t *value;           /* resident value (malloc'd copy) */
	size_t value_len;
	ntfs_runlist rl;
	uint64_t data_size;
	uint64_t allocated_size;
	uint64_t initialized_size;
	uint16_t flags;           /* of the first extent (VCN 0) */
	uint16_t compression_unit;
} attr_data;

/* Frees what collect_attr allocated. */
static void attr_data_free(attr_data *ad)
{
	free(ad->value);
	ntfs_runlist_free(&ad->rl);
	memset(ad, 0, sizeof(*ad));
}

/* Compares an attribute's UTF-16 name with an ASCII name (NULL or "" = unnamed). */
static bool attr_name_is(const uint8_t *name, uint8_t len, const char *ascii)
{
	size_t n = ascii ? strlen(ascii) : 0;
	if (len != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (le16(name + 2 * i) != (uint8_t)ascii[i])
			return false;
	return true;
}

/* Reads exactly len bytes of the image at off; a short read is an error here. */
static ntfs_status read_exact(image *img, uint64_t off, void *buf, size_t len, ntfs_error *err)
{
	size_t got = 0;
	ntfs_status st = image_read(img, off, buf, len, &got, err);
	if (st != NTFS_OK)
		return st;
	if (got != len)
		return ntfs_error_set(err, NTFS_E_TRUNCATED, "the image is %llu bytes long; %zu bytes were wanted at byte %llu",
				      (unsigned long long)image_size(img), len, (unsigned long long)off);
	return NTFS_OK;
}

/* Bytes left in a run of `left` clusters from `within` bytes into its first cluster; saturates, never wraps. */
static uint64_t run_bytes_left(uint64_t left, uint64_t within, uint64_t cs)
{
	uint64_t bytes;
	if (__builtin_mul_overflow(left, cs, &bytes))
		return UINT64_MAX; /* more than any buffer: the read is bounded by its length */
	return bytes - within;     /* left >= 1 and within < cs: at least 1 */
}

/*
 * Reads len bytes at byte offset off of an attribute's data through its runlist. Bytes past the end of
 * the image: with missing == NULL an error (NTFS_E_TRUNCATED); otherwise they read as zeros and
 * *missing is lowered to the offset in buf of the first such byte (left alone when nothing is missing).
 * Refuses a volume without clusters (an extracted $MFT: cluster size 0) and offsets that overflow.
 */
static ntfs_status read_runs(const volume *vol, const ntfs_runlist *rl, uint64_t off, uint8_t *out, size_t len,
			     size_t *missing, ntfs_error *err)
{
	uint64_t cs = vol->boot.cluster_size;
	size_t done = 0;
	if (cs == 0)
		return ntfs_error_set(err, NTFS_E_UNSUPPORTED,
				      "non-resident data cannot be read: no clusters (cluster size 0, an extracted $MFT)");
	if (len > UINT64_MAX - off)
		return ntfs_error_set(err, NTFS_E_RANGE, "%zu bytes at offset %llu overflow 64 bits", len,
				      (unsigned long long)off);
	while (done < len) {
		uint64_t vcn = off / cs, within = off % cs;
		int64_t lcn;
		uint64_t left;
		ntfs_status st = ntfs_runlist_lookup(rl, vcn, &lcn, &left, err);
		if (st != NTFS_OK)
			return st;
		uint64_t avail = run_bytes_left(left, within, cs);
		size_t n = avail < len - done ? (size_t)avail : len - done;
		if (lcn == NTFS_LCN_SPARSE) {
			memset(out + done, 0, n);
		} else {
			uint64_t pos;
			if (__builtin_mul_overflow((uint64_t)lcn, cs, &pos) || __builtin_add_overflow(pos, within, &pos) ||
			    __builtin_add_overflow(pos, vol->offset, &pos))
				return ntfs_error_set(err, NTFS_E_RANGE, "cluster %lld lies beyond 64-bit byte offsets",
						      (long long)lcn);
			size_t got = 0;
			st = image_read(vol->img, pos, out + done, n, &got, err);
			if (st != NTFS_OK)
				return st;
			if (got < n) {
				if (!missing)
					return ntfs_error_set(err, NTFS_E_TRUNCATED,
							      "data wanted at byte %llu lies past the end of the image (%llu bytes)",
							      (unsigned long long)(pos + got),
							      (unsigned long long)image_size(vol->img));
				memset(out + done + got, 0, n - got);
				if (done + got < *missing)
					*missing = done + got;
			}
		}
		done += n;
		off += n;
	}
	return NTFS_OK;
}

ntfs_status volume_read_runs(volume *vol, const ntfs_runlist *rl, uint64_t off, void *buf, size_t len,
			     ntfs_error *err)
{
	return read_runs(vol, rl, off, buf, len, NULL, err);
}

/* volume_read_records through the $MFT runs `runs` (while opening: the runs found so far). */
static ntfs_status read_records_via(const volume *vol, const ntfs_runlist *runs, uint64_t first, size_t count,
				    uint8_t *buf, uint64_t *short_records, ntfs_error *err)
{
	size_t len = count * vol->record_size;
	uint64_t off = first * vol->record_size;
	if (short_records)
		*short_records = 0;
	if (vol->is_mft_file) {
		size_t got = 0;
		ntfs_status st = image_read(vol->img, off, buf, len, &got, err);
		if (st != NTFS_OK)
			return st;
		if (got < len) {
			memset(buf + got, 0, len - got);
			if (short_records)
				*short_records = (len - got + vol->record_size - 1) / vol->record_size;
		}
		return NTFS_OK;
	}
	/* a truncated image: every record from the first one with a missing byte on counts as short
	 * (exact when the image simply ends; conservative for a fragmented $MFT with a hole in the middle) */
	size_t missing = len;
	ntfs_status st = read_runs(vol, runs, off, buf, len, &missing, err);
	if (st == NTFS_OK && missing < len && short_records)
		*short_records = count - missing / vol->record_size;
	return st;
}

ntfs_status volume_read_records(volume *vol, uint64_t first, size_t count, uint8_t *buf, uint64_t *short_records,
				ntfs_error *err)
{
	return read_records_via(vol, &vol->mft_runs, first, count, buf, short_records, err);
}

/* volume_read_record through the $MFT runs `runs`. */
static ntfs_status read_record_via(const volume *vol, const ntfs_runlist *runs, uint64_t rec, uint8_t *buf,
				   ntfs_record_header *hdr, ntfs_error *err)
{
	ntfs_record_fixups fx;
	if (!vol->is_mft_file && runs->count == 0)
		return ntfs_error_set(err, NTFS_E_INVALID, "record %llu: $MFT has no runs", (unsigned long long)rec);
	uint64_t short_records = 0;
	ntfs_status st = read_records_via(vol, runs, rec, 1, buf, &short_records, err);
	if (st != NTFS_OK)
		return st;
	if (short_records)
		return ntfs_error_set(err, NTFS_E_TRUNCATED, "record %llu lies past the end of the image",
				      (unsigned long long)rec);
	st = ntfs_record_decode_header(buf, vol->record_size, hdr, err);
	if (st != NTFS_OK)
		return st;
	return ntfs_record_apply_fixups(buf, vol->record_size, FIXUP_STRIDE, &fx, err);
}

ntfs_status volume_read_record(volume *vol, uint64_t rec, uint8_t *buf, ntfs_record_header *hdr, ntfs_error *err)
{
	return read_record_via(vol, &vol->mft_runs, rec, buf, hdr, err);
}

/* Takes one matching attribute of a record into ad (resident copy or runlist piece). */
static ntfs_status take_attr(volume *vol, const ntfs_attr *a, attr_data *ad, ntfs_error *err)
{
	if (!a->non_resident) {
		if (ad->found)
			return NTFS_OK; /* a resident attribute cannot be split: keep the first */
		ad->value = malloc(a->value_length ? a->value_length : 1);
		if (!ad->value)
			return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory");
		memcpy(ad->value, a->value, a->value_length);
		ad->value_len = a->value_length;
		ad->resident = true;
		ad->data_size = ad->allocated_size = ad->initialized_size = a->value_length;
		ad->flags = a->flags;
		ad->found = true;
		return NTFS_OK;
	}
	if (a->lowest_vcn == 0) {
		ad->data_size = a->data_size;
		ad->allocated_size = a->allocated_size;
		ad->initialized_size = a->initialized_size;
		ad->flags = a->flags;
		ad->compression_unit = a->compression_unit;
	}
	ad->found = true;
	return ntfs_runlist_decode(a->runlist, a->runlist_length, a->lowest_vcn, vol->boot.total_clusters, &ad->rl,
				   err);
}

/* Collects the attribute (type, name) from one record's own attributes; notes an attribute list. */
static ntfs_status collect_from_record(volume *vol, const uint8_t *rec, size_t len, const ntfs_record_header *hdr,
				       uint32_t type, const char *name, attr_data *ad, attr_data *list,
				       ntfs_error *err)
{
	ntfs_attr_iter it;
	ntfs_attr a;
	int r;
	ntfs_attr_iter_init(&it, rec, hdr->bytes_in_use < len ? hdr->bytes_in_use : len, hdr->attrs_offset);
	while ((r = ntfs_attr_iter_next(&it, &a, err)) == 1) {
		ntfs_status st = NTFS_OK;
		if (a.type == type && attr_name_is(a.name, a.name_length, name))
			st = take_attr(vol, &a, ad, err);
		else if (list && a.type == NTFS_AT_ATTRIBUTE_LIST)
			st = take_attr(vol, &a, list, err);
		if (st != NTFS_OK)
			return st;
	}
	return r < 0 ? err->status : NTFS_OK;
}

/* Sorts runs by VCN (pieces from extension records arrive in list order) and checks they join up. */
static ntfs_status runs_finish(ntfs_runlist *rl, ntfs_error *err)
{
	for (size_t i = 1; i < rl->count; i++) { /* insertion sort: few pieces, mostly ordered */
		ntfs_run r = rl->runs[i];
		size_t j = i;
		while (j > 0 && rl->runs[j - 1].vcn > r.vcn) {
			rl->runs[j] = rl->runs[j - 1];
			j--;
		}
		rl->runs[j] = r;
	}
	for (size_t i = 1; i < rl->count; i++)
		if (rl->runs[i].vcn != rl->runs[i - 1].vcn + rl->runs[i - 1].length)
			return ntfs_error_set(err, NTFS_E_INVALID, "runlist pieces leave a gap or overlap at VCN %llu",
					      (unsigned long long)rl->runs[i].vcn);
	return NTFS_OK;
}

/* Reads an attribute list's value (resident or not) into a malloc'd buffer. */
static ntfs_status load_list_value(volume *vol, attr_data *list, uint8_t **out, size_t *len, ntfs_error *err)
{
	if (list->resident) {
		*out = list->value;
		*len = list->value_len;
		list->value = NULL;
		return NTFS_OK;
	}
	if (list->data_size > MAX_ATTR_LIST_BYTES)
		return ntfs_error_set(err, NTFS_E_RANGE, "attribute list of %llu bytes exceeds %u",
				      (unsigned long long)list->data_size, MAX_ATTR_LIST_BYTES);
	ntfs_status st = runs_finish(&list->rl, err);
	if (st != NTFS_OK)
		return st;
	*len = (size_t)list->data_size;
	*out = malloc(*len ? *len : 1);
	if (!*out)
		return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory");
	st = volume_read_runs(vol, &list->rl, 0, *out, *len, err);
	if (st != NTFS_OK) {
		free(*out);
		*out = NULL;
	}
	return st;
}

/*
 * Collects attribute (type, name) of base record rec_no, whose fixed-up bytes are in rec, following
 * its $ATTRIBUTE_LIST into extension records. For $MFT itself the runs found so far are used to
 * reach the extension records, which is why list entries are taken in order.
 */
static ntfs_status collect_attr(volume *vol, uint64_t rec_no, const uint8_t *rec, const ntfs_record_header *hdr,
				uint32_t type, const char *name, attr_data *ad, ntfs_error *err)
{
	attr_data list = {0};
	uint8_t *lv = NULL, *ext = NULL;
	size_t ll = 0, pos = 0;
	ntfs_status st = collect_from_record(vol, rec, vol->record_size, hdr, type, name, ad, &list, err);
	if (st != NTFS_OK || !list.found)
		goto out;
	st = load_list_value(vol, &list, &lv, &ll, err);
	if (st != NTFS_OK)
		goto out;
	ext = malloc(vol->record_size);
	if (!ext) {
		st = ntfs_error_set(err, NTFS_E_NOMEM, "out of memory");
		goto out;
	}
	uint64_t last_ext = rec_no;
	ntfs_attr_list_entry e;
	int r;
	while ((r = ntfs_attr_list_next(lv, ll, &pos, &e, err)) == 1) {
		uint64_t er = ntfs_ref_record(e.mft_ref);
		if (e.type != type || !attr_name_is(e.name, e.name_length, name) || er == rec_no || er == last_ext)
			continue;
		ntfs_record_header eh;
		bool self_map = rec_no == 0 && type == NTFS_AT_DATA && !vol->is_mft_file;
		/* $MFT's own extension records are reached through the runs found so far (the volume is not changed) */
		st = read_record_via(vol, self_map ? &ad->rl : &vol->mft_runs, er, ext, &eh, err);
		if (st != NTFS_OK)
			goto out;
		if (ntfs_ref_record(eh.base_ref) != rec_no) {
			st = ntfs_error_set(err, NTFS_E_INVALID, "attribute list of record %llu names record %llu, whose base is %llu",
					    (unsigned long long)rec_no, (unsigned long long)er,
					    (unsigned long long)ntfs_ref_record(eh.base_ref));
			goto out;
		}
		st = collect_from_record(vol, ext, vol->record_size, &eh, type, name, ad, NULL, err);
		if (st != NTFS_OK)
			goto out;
		last_ext = er;
		/* no runs_finish per extension record (it made 16,000 of them quadratic): the decoder appends
		 * pieces in VCN order only, so the runs stay sorted; gaps are checked once, below */
	}
	if (r < 0)
		st = err->status;
out:
	if (st == NTFS_OK && ad->found && !ad->resident)
		st = runs_finish(&ad->rl, err);
	attr_data_free(&list);
	free(lv);
	free(ext);
	return st;
}

/* Reads and decodes the boot sector, falling back to the backup copy in the volume's last sector. */
static ntfs_status read_boot(volume *vol, ntfs_error *err)
{
	uint8_t sec[NTFS_BOOT_SIZE];
	ntfs_error first;
	ntfs_status st = read_exact(vol->img, vol->offset, sec, sizeof(sec), &first);
	if (st == NTFS_OK)
		st = ntfs_boot_decode(sec, sizeof(sec), &vol->boot, &first);
	if (st == NTFS_OK)
		return NTFS_OK;
	if (vol->length >= 2 * NTFS_BOOT_SIZE) {
		uint64_t backup = vol->offset + (vol->length / NTFS_BOOT_SIZE - 1) * NTFS_BOOT_SIZE;
		ntfs_error second;
		if (read_exact(vol->img, backup, sec, sizeof(sec), &second) == NTFS_OK &&
		    ntfs_boot_decode(sec, sizeof(sec), &vol->boot, &second) == NTFS_OK) {
			anomaly_add(&vol->anomalies, "backup_boot_sector_used", ANOMALY_NO_RECORD,
				    "boot sector at byte %llu unusable (%s); used the backup at byte %llu",
				    (unsigned long long)vol->offset, first.reason, (unsigned long long)backup);
			return NTFS_OK;
		}
	}
	return ntfs_error_set(err, first.status, "no NTFS boot sector at byte %llu: %s", (unsigned long long)vol->offset,
			      first.reason);
}

/* Reads record 0 of the $MFT (or of $MFTMirr) from a cluster number, fixed up. */
static ntfs_status read_mft_record0(volume *vol, uint64_t lcn, uint8_t *buf, ntfs_record_header *hdr,
				    ntfs_error *err)
{
	ntfs_record_fixups fx;
	ntfs_status st = read_exact(vol->img, vol->offset + lcn * vol->boot.cluster_size, buf, vol->record_size, err);
	if (st == NTFS_OK)
		st = ntfs_record_decode_header(buf, vol->record_size, hdr, err);
	if (st == NTFS_OK)
		st = ntfs_record_apply_fixups(buf, vol->record_size, FIXUP_STRIDE, &fx, err);
	if (st == NTFS_OK && fx.bad_count)
		st = ntfs_error_set(err, NTFS_E_INVALID, "%u sector(s) fail the update sequence check", fx.bad_count);
	if (st == NTFS_OK && !(hdr->flags & NTFS_RECORD_FLAG_IN_USE))
		st = ntfs_error_set(err, NTFS_E_INVALID, "record is not in use");
	return st;
}

/*
 * Records of $MFT that lie wholly inside the image, up to the last such one (at most record_count):
 * what the image holds, whatever $MFT's sizes claim. Sparse runs hold no bytes; a run is cut where the
 * image ends. (A hole before that record, e.g. a fragment stored past the end, is a read error there.)
 */
static uint64_t records_in_image(const volume *vol)
{
	uint64_t cs = vol->boot.cluster_size, end = image_size(vol->img), rs = vol->record_size, present = 0;
	for (size_t i = 0; i < vol->mft_runs.count; i++) {
		const ntfs_run *r = &vol->mft_runs.runs[i];
		uint64_t start, vbyte;
		if (r->lcn == NTFS_LCN_SPARSE || __builtin_mul_overflow((uint64_t)r->lcn, cs, &start) ||
		    __builtin_add_overflow(start, vol->offset, &start) || start >= end ||
		    __builtin_mul_overflow(r->vcn, cs, &vbyte))
			continue;
		uint64_t in = end - start, run = run_bytes_left(r->length, 0, cs);
		if (in > run)
			in = run;
		/* records ending in the image's part of the run: up to (vbyte + in) / rs */
		uint64_t whole = vbyte / rs + (vbyte % rs + in) / rs;
		if (whole > present)
			present = whole;
	}
	return present < vol->record_count ? present : vol->record_count;
}

/* Builds $MFT's runlist from record 0 (or its mirror copy when record 0 is damaged). */
static ntfs_status load_mft(volume *vol, ntfs_error *err)
{
	uint8_t *buf = malloc(vol->record_size);
	ntfs_record_header hdr;
	attr_data ad = {0};
	ntfs_error first;
	ntfs_status st;
	if (!buf)
		return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory");
	for (int mirror = 0; mirror < 2; mirror++) {
		ntfs_error *e = mirror ? err : &first;
		uint64_t lcn = mirror ? vol->boot.mftmirr_lcn : vol->boot.mft_lcn;
		attr_data_free(&ad);
		ntfs_runlist_free(&vol->mft_runs);
		st = read_mft_record0(vol, lcn, buf, &hdr, e);
		if (st == NTFS_OK) {
			/* the first piece of the runlist lets collect_attr reach extension records */
			st = collect_attr(vol, 0, buf, &hdr, NTFS_AT_DATA, NULL, &ad, e);
			if (st == NTFS_OK && (!ad.found || ad.resident || ad.rl.count == 0))
				st = ntfs_error_set(e, NTFS_E_INVALID, "$MFT record 0 has no non-resident $DATA");
		}
		if (st == NTFS_OK) {
			if (mirror)
				anomaly_add(&vol->anomalies, "mft_mirror_used", 0,
					    "$MFT record 0 unusable (%s); used the copy in $MFTMirr at cluster %llu",
					    first.reason, (unsigned long long)lcn);
			break;
		}
		if (mirror)
			ntfs_error_prefix(err, "$MFT record 0 unusable (%s); $MFTMirr copy unusable too: ", first.reason);
	}
	free(buf);
	if (st != NTFS_OK) {
		attr_data_free(&ad);
		return st;
	}
	ntfs_error sizes;
	if (ntfs_runlist_check_sizes(&ad.rl, ad.allocated_size, vol->boot.cluster_size, &sizes) != NTFS_OK)
		anomaly_add(&vol->anomalies, "mft_runlist_size_mismatch", 0, "$MFT's runs disagree with its sizes: %s",
			    sizes.reason);
	vol->mft_runs = ad.rl;
	ad.rl = (ntfs_runlist){0};
	vol->mft_size = ad.data_size;
	vol->record_count = ad.data_size / vol->record_size;
	uint64_t mapped = run_bytes_left(vol->mft_runs.total_clusters, 0, vol->boot.cluster_size);
	if (vol->record_count > mapped / vol->record_size) {
		anomaly_add(&vol->anomalies, "mft_runlist_short", 0, "$MFT data size %llu exceeds its %llu mapped bytes",
			    (unsigned long long)vol->mft_size, (unsigned long long)mapped);
		vol->record_count = mapped / vol->record_size;
	}
	vol->records_present = records_in_image(vol);
	attr_data_free(&ad);
	return NTFS_OK;
}

/* volume_load_attr once base record rec_no's attributes are at buf (hdr: where they start and end). */
static ntfs_status load_attr_from(volume *vol, uint64_t rec_no, const uint8_t *buf, const ntfs_record_header *hdr,
				  uint32_t type, const char *name, size_t max, uint8_t **out, size_t *len,
				  ntfs_error *err)
{
	attr_data ad = {0};
	ntfs_status st = collect_attr(vol, rec_no, buf, hdr, type, name, &ad, err);
	if (st == NTFS_OK && !ad.found)
		st = ntfs_error_set(err, NTFS_E_INVALID, "record %llu has no such attribute", (unsigned long long)rec_no);
	if (st == NTFS_OK && ad.data_size > max)
		st = ntfs_error_set(err, NTFS_E_RANGE, "record %llu: attribute of %llu bytes exceeds %zu",
				    (unsigned long long)rec_no, (unsigned long long)ad.data_size, max);
	if (st == NTFS_OK && ad.resident) {
		*out = ad.value;
		*len = ad.value_len;
		ad.value = NULL;
	} else if (st == NTFS_OK) {
		*len = (size_t)ad.data_size;
		*out = malloc(*len ? *len : 1);
		if (!*out)
			st = ntfs_error_set(err, NTFS_E_NOMEM, "out of memory");
		else if ((st = volume_read_runs(vol, &ad.rl, 0, *out, *len, err)) != NTFS_OK) {
			free(*out);
			*out = NULL;
		}
	}
	attr_data_free(&ad);
	return st;
}

ntfs_status volume_load_attr(volume *vol, uint64_t rec_no, uint32_t type, const char *name, size_t max,
				   uint8_t **out, size_t *len, ntfs_error *err)
{
	uint8_t *buf = malloc(vol->record_size);
	ntfs_record_header hdr;
	ntfs_status st;
	*out = NULL;
	if (!buf)
		return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory");
	st = volume_read_record(vol, rec_no, buf, &hdr, err);
	if (st == NTFS_OK)
		st = load_attr_from(vol, rec_no, buf, &hdr, type, name, max, out, len, err);
	free(buf);
	return st;
}

ntfs_status volume_load_attr_kept(volume *vol, uint64_t rec_no, const uint8_t *attrs, size_t attrs_len, uint32_t type,
				  const char *name, size_t max, uint8_t **out, size_t *len, ntfs_error *err)
{
	/* the attributes alone, as a record whose attributes start at 0 and end at attrs_len (collect_attr walks
	 * min(bytes_in_use, record size): the copies are a part of one record, so never longer) */
	ntfs_record_header hdr = {.attrs_offset = 0, .bytes_in_use = (uint32_t)attrs_len};
	*out = NULL;
	if (attrs_len > vol->record_size)
		return ntfs_error_set(err, NTFS_E_RANGE, "record %llu: %zu bytes of attributes exceed a record",
				      (unsigned long long)rec_no, attrs_len);
	return load_attr_from(vol, rec_no, attrs, &hdr, type, name, max, out, len, err);
}

ntfs_status volume_find_attr(volume *vol, uint64_t rec_no, uint32_t type, const char *name, volume_attr *out,
			     ntfs_error *err)
{
	uint8_t *buf = malloc(vol->record_size);
	ntfs_record_header hdr;
	attr_data ad = {0};
	ntfs_status st;
	memset(out, 0, sizeof(*out));
	if (!buf)
		return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory");
	st = volume_read_record(vol, rec_no, buf, &hdr, err);
	if (st == NTFS_OK)
		st = collect_attr(vol, rec_no, buf, &hdr, type, name, &ad, err);
	free(buf);
	if (st != NTFS_OK || !ad.found) {
		attr_data_free(&ad);
		return st;
	}
	out->found = true;
	out->resident = ad.resident;
	out->value = ad.value;
	out->value_len = ad.value_len;
	out->rl = ad.rl;
	out->data_size = ad.data_size;
	out->allocated_size = ad.allocated_size;
	out->initialized_size = ad.initialized_size;
	out->flags = ad.flags;
	out->compression_unit = ad.compression_unit;
	return NTFS_OK;
}

void volume_attr_free(volume_attr *a)
{
	free(a->value);
	ntfs_runlist_free(&a->rl);
	memset(a, 0, sizeof(*a));
}

/* Loads the volume's own $UpCase (record 10), or the default table with an anomaly. */
static ntfs_status load_upcase(volume *vol)
{
	uint8_t *data = NULL;
	size_t len = 0;
	ntfs_error e;
	vol->upcase = malloc(sizeof(*vol->upcase));
	if (!vol->upcase)
		return NTFS_E_NOMEM;
	if (!vol->is_mft_file) {
		ntfs_status st = volume_load_attr(vol, 10, NTFS_AT_DATA, NULL, 2 * NTFS_UPCASE_BYTES, &data, &len, &e);
		if (st == NTFS_OK)
			st = ntfs_upcase_load(data, len, vol->upcase, &e);
		free(data);
		if (st == NTFS_OK) {
			vol->upcase_from_volume = true;
			return NTFS_OK;
		}
		anomaly_add(&vol->anomalies, "upcase_unreadable", 10, "$UpCase unusable (%s); using the default table",
			    e.reason);
	}
	ntfs_upcase_default(vol->upcase);
	return NTFS_OK;
}

/* Orders SIDs by security id for binary search. */
static int sid_cmp(const void *a, const void *b)
{
	uint32_t x = ((const volume_sid *)a)->security_id, y = ((const volume_sid *)b)->security_id;
	return x < y ? -1 : x > y;
}

/* Adds one $SDS entry to the table: its descriptor's bytes, and its owner SID when it decodes. */
static void add_sds_entry(volume *vol, const ntfs_sds_entry *e)
{
	ntfs_security_descriptor sd;
	size_t off = SIZE_MAX;
	if (e->descriptor_length > UINT32_MAX)
		return;
	if (ntfs_sd_decode(e->descriptor, e->descriptor_length, &sd, NULL) == NTFS_OK && sd.has_owner)
		off = arena_add(&vol->text, sd.owner_sid, strlen(sd.owner_sid));
	size_t bytes = arena_add(&vol->text, e->descriptor, e->descriptor_length);
	volume_sid *s = bytes == SIZE_MAX ? NULL : vec_push(&vol->sids);
	if (s) {
		s->security_id = e->security_id;
		s->sid = off;
		s->sd = bytes;
		s->sd_len = (uint32_t)e->descriptor_length;
	}
}

/* Reads $Secure:$SDS (record 9) into a security id → owner SID table; a failure is an anomaly only. */
static void load_secure(volume *vol)
{
	uint8_t *data = NULL;
	size_t len = 0, pos = 0;
	ntfs_error e;
	if (volume_load_attr(vol, 9, NTFS_AT_DATA, "$SDS", MAX_SDS_BYTES, &data, &len, &e) != NTFS_OK) {
		anomaly_add(&vol->anomalies, "secure_unreadable", 9, "$Secure:$SDS unusable: %s", e.reason);
		return;
	}
	while (pos + NTFS_SDS_ENTRY_HEADER <= len) {
		ntfs_sds_entry ent;
		if ((pos / SDS_BLOCK) % 2 == 1) { /* mirror block: its entries repeat the previous block */
			pos = (pos / SDS_BLOCK + 1) * SDS_BLOCK;
			continue;
		}
		if (ntfs_sds_entry_decode(data + pos, len - pos, &ent, NULL) != NTFS_OK || ent.offset != pos) {
			pos = (pos / SDS_BLOCK + 1) * SDS_BLOCK; /* the rest of this block is padding */
			continue;
		}
		add_sds_entry(vol, &ent);
		pos += (ent.length + 15u) & ~(size_t)15;
	}
	free(data);
	vec_sort(&vol->sids, sid_cmp);
}

size_t volume_secure_index(const volume *vol, uint32_t security_id)
{
	size_t lo = 0, hi = vol->sids.count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const volume_sid *s = &VEC_AT(&vol->sids, volume_sid, mid);
		if (s->security_id == security_id)
			return mid;
		if (s->security_id < security_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return SIZE_MAX;
}

const uint8_t *volume_secure_descriptor(const volume *vol, size_t i, size_t *len)
{
	const volume_sid *s = &VEC_AT(&vol->sids, volume_sid, i);
	*len = s->sd_len;
	return (const uint8_t *)vol->text.data + s->sd;
}

const char *volume_owner_sid(const volume *vol, uint32_t security_id)
{
	size_t i = volume_secure_index(vol, security_id);
	if (i == SIZE_MAX)
		return NULL;
	const volume_sid *s = &VEC_AT(&vol->sids, volume_sid, i);
	return s->sid == SIZE_MAX ? NULL : vol->text.data + s->sid;
}

void volume_record_owner_sid(volume *vol, uint64_t rec_no, uint32_t security_id, char *out, size_t cap)
{
	const char *sid = security_id ? volume_owner_sid(vol, security_id) : NULL;
	uint8_t *data = NULL;
	size_t len = 0;
	ntfs_security_descriptor sd;
	ntfs_error e;
	out[0] = '\0';
	if (sid) {
		snprintf(out, cap, "%s", sid);
		return;
	}
	if (volume_load_attr(vol, rec_no, NTFS_AT_SECURITY_DESCRIPTOR, NULL, 1u << 20, &data, &len, &e) == NTFS_OK &&
	    ntfs_sd_decode(data, len, &sd, &e) == NTFS_OK && sd.has_owner)
		snprintf(out, cap, "%s", sd.owner_sid);
	free(data);
}

/* Reads the label and NTFS version from $Volume (record 3); absence is an anomaly only. */
static void load_volume_info(volume *vol)
{
	uint8_t *data = NULL;
	size_t len = 0;
	ntfs_error e;
	if (volume_load_attr(vol, 3, NTFS_AT_VOLUME_NAME, NULL, 1024, &data, &len, &e) == NTFS_OK &&
	    ntfs_volume_name_decode(data, len, vol->label, sizeof(vol->label), &e) == NTFS_OK)
		vol->has_label = true;
	free(data);
	data = NULL;
	ntfs_volume_info vi;
	if (volume_load_attr(vol, 3, NTFS_AT_VOLUME_INFORMATION, NULL, 1024, &data, &len, &e) == NTFS_OK &&
	    ntfs_volume_info_decode(data, len, &vi, &e) == NTFS_OK) {
		vol->version_major = vi.major;
		vol->version_minor = vi.minor;
		vol->has_version = true;
	}
	free(data);
}

/* Allocates an empty volume bound to img. */
static volume *volume_new(image *img, uint64_t offset, uint64_t length)
{
	volume *vol = calloc(1, sizeof(*vol));
	if (!vol)
		return NULL;
	vol->img = img;
	vol->offset = offset;
	uint64_t size = image_size(img);
	vol->length = length ? length : (size > offset ? size - offset : 0);
	vec_init(&vol->sids, sizeof(volume_sid));
	anomaly_list_init(&vol->anomalies);
	return vol;
}

ntfs_status volume_open(image *img, uint64_t offset, uint64_t length, volume **out, ntfs_error *err)
{
	volume *vol = volume_new(img, offset, length);
	ntfs_status st;
	*out = NULL;
	if (!vol)
		return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory");
	vol->sector_size = FIXUP_STRIDE;
	st = read_boot(vol, err);
	if (st == NTFS_OK) {
		vol->record_size = vol->boot.record_size;
		st = load_mft(vol, err);
	}
	if (st == NTFS_OK)
		st = load_upcase(vol);
	if (st != NTFS_OK) {
		volume_close(vol);
		return st == NTFS_E_NOMEM ? ntfs_error_set(err, st, "out of memory") : st;
	}
	load_secure(vol);
	load_volume_info(vol);
	*out = vol;
	return NTFS_OK;
}

ntfs_status volume_open_mft_file(image *img, volume **out, ntfs_error *err)
{
	volume *vol = volume_new(img, 0, 0);
	uint8_t head[512];       /* covers the update sequence array of 4 KiB records */
	ntfs_record_header hdr;
	*out = NULL;
	if (!vol)
		return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory");
	ntfs_status st = read_exact(img, 0, head, sizeof(head), err);
	if (st == NTFS_OK)
		st = ntfs_record_decode_header(head, sizeof(head), &hdr, err);
	if (st == NTFS_OK && hdr.bytes_allocated != 1024 && hdr.bytes_allocated != 4096)
		st = ntfs_error_set(err, NTFS_E_INVALID, "record 0 declares %u bytes per record (expected 1024 or 4096)",
				    hdr.bytes_allocated);
	if (st != NTFS_OK) {
		volume_close(vol);
		return st;
	}
	vol->is_mft_file = true;
	vol->record_size = hdr.bytes_allocated;
	vol->sector_size = FIXUP_STRIDE;
	vol->mft_size = vol->length;
	vol->record_count = vol->length / vol->record_size;
	if (vol->length % vol->record_size) { /* cut inside the last record: it counts, as a lost one */
		vol->record_count++;
		anomaly_add(&vol->anomalies, "mft_record_truncated", vol->record_count - 1,
			    "the extracted $MFT ends %llu bytes into record %llu (of %u bytes): the record is incomplete",
			    (unsigned long long)(vol->length % vol->record_size), (unsigned long long)(vol->record_count - 1),
			    vol->record_size);
	}
	vol->records_present = vol->length / vol->record_size;
	if (load_upcase(vol) != NTFS_OK) {
		volume_close(vol);
		return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory");
	}
	*out = vol;
	return NTFS_OK;
}

void volume_close(volume *vol)
{
	if (!vol)
		return;
	ntfs_runlist_free(&vol->mft_runs);
	free(vol->upcase);
	vec_free(&vol->sids);
	arena_free(&vol->text);
	anomaly_list_free(&vol->anomalies);
	free(vol);
}
