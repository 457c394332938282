/* SPDX-License-Identifier: Apache-2.0 */
/* A volume's registry hives: found by path, read whole through file_data, opened from memory. */
#include "config.h"
#include "registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file_data.h"
#include "hive.h"
#include "sam.h"

static const char *const HIVE_KINDS[] = {"SYSTEM", "SOFTWARE", "SAM"};
static const char *const HIVE_DIRS[] = {"\\Windows\\System32\\config", "\\Windows.old\\Windows\\System32\\config"};

#define PROFILE_LIST "Microsoft\\Windows NT\\CurrentVersion\\ProfileList"
#define SAM_ACCOUNT "SAM\\Domains\\Account"

void registry_init(registry_info *r)
{
	memset(r, 0, sizeof(*r));
	vec_init(&r->hives, sizeof(reg_hive));
	vec_init(&r->mounts, sizeof(reg_mount));
	account_list_init(&r->accounts);
}

void registry_free(registry_info *r)
{
	for (size_t i = 0; i < r->mounts.count; i++)
		free(VEC_AT(&r->mounts, reg_mount, i).value);
	vec_free(&r->hives);
	vec_free(&r->mounts);
	account_list_free(&r->accounts);
	memset(r, 0, sizeof(*r));
}

/* The allocated file (not directory) called name in directory dir, or MODEL_NONE. */
static uint32_t find_file(const model *m, const name_index *ix, const char *dir, const char *name)
{
	uint32_t d = name_index_dir(ix, dir), hits[8];
	if (d == MODEL_NONE)
		return MODEL_NONE;
	size_t n = name_index_find(ix, d, name, strlen(name), hits, 8);
	for (size_t i = 0; i < n; i++) {
		uint32_t r = model_name(m, hits[i])->owner;
		if (model_in_use(m, r) && !(m->recs[r].flags & REC_DIR))
			return r;
	}
	return MODEL_NONE;
}

/* Reads the MountedDevices values of a SYSTEM hive into r->mounts. */
static ntfs_status read_mounted_devices(hive *h, const reg_hive *rh, registry_info *r, anomaly_list *an,
					 ntfs_error *err)
{
	hive_key *k = NULL;
	ntfs_error e;
	int count = 0;
	if (hive_key_open(h, "MountedDevices", &k, &e) != NTFS_OK) {
		anomaly_add(an, "hive_damaged", rh->record, "%s: MountedDevices cannot be read: %s", rh->path, e.reason);
		return NTFS_OK;
	}
	if (!k)
		return NTFS_OK; /* no MountedDevices: a hive of a system never started, or not a SYSTEM hive */
	if (hive_key_value_count(k, &count, &e) != NTFS_OK)
		anomaly_add(an, "hive_damaged", rh->record, "%s: MountedDevices: %s", rh->path, e.reason);
	for (int i = 0; i < count; i++) {
		hive_value v;
		ntfs_status st = hive_key_value(k, i, &v, &e);
		if (st == NTFS_E_NOMEM) {
			hive_key_close(k);
			return ntfs_error_set(err, st, "out of memory");
		}
		if (st != NTFS_OK) {
			anomaly_add(an, "hive_damaged", rh->record, "%s: MountedDevices value %d: %s", rh->path, i, e.reason);
			continue;
		}
		md_name nm;
		md_data md;
		ntfs_md_name_decode(v.name, &nm);
		if (nm.kind != MD_NAME_OTHER && ntfs_md_data_decode(v.data, v.len, &md, &e) != NTFS_OK)
			anomaly_add(an, "mounted_device_malformed", rh->record, "%s: MountedDevices value %s: %s", rh->path,
				    v.name, e.reason);
		else if (nm.kind != MD_NAME_OTHER && md.kind != MD_DATA_DEVICE) {
			reg_mount *rm = vec_push(&r->mounts);
			if (!rm) {
				hive_value_free(&v);
				hive_key_close(k);
				return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory");
			}
			rm->value = v.name;
			v.name = NULL;
			rm->name = nm;
			rm->data = md;
			rm->hive_record = rh->record;
		}
		hive_value_free(&v);
	}
	hive_key_close(k);
	return NTFS_OK;
}

/* The last component of a Windows path ("C:\Users\alice" → "alice"); "" when it ends in a separator. */
static const char *path_base(const char *p)
{
	const char *s = strrchr(p, '\\');
	return s ? s + 1 : p;
}

/* Reads one ProfileList entry (key k, named by its SID) into the accounts. */
static ntfs_status read_profile(hive_key *k, const reg_hive *rh, registry_info *r, anomaly_list *an, ntfs_error *err)
{
	char *sid = NULL, *path = NULL;
	hive_value v = {0};
	ntfs_error e;
	ntfs_status st = hive_key_name(k, &sid, &e);
	if (st == NTFS_OK && strncmp(sid, "S-1-", 4) != 0)
		goto out; /* not a SID: nothing Windows puts there */
	if (st == NTFS_OK)
		st = hive_key_value_named(k, "ProfileImagePath", &v, &e);
	if (st == NTFS_OK && v.name)
		path = hive_value_string(&v);
	if (st == NTFS_E_NOMEM)
		goto out;
	if (st != NTFS_OK) {
		anomaly_add(an, "hive_damaged", rh->record, "%s: a ProfileList entry cannot be read: %s", rh->path, e.reason);
		st = NTFS_OK;
		goto out;
	}
	const char *wk = accounts_well_known_name(sid);
	const char *name = wk ? wk : path && *path_base(path) ? path_base(path) : NULL;
	if (account_list_add(&r->accounts, sid, name, wk ? "well_known" : "profile_list", path) != 0)
		st = NTFS_E_NOMEM;
out:
	free(sid);
	free(path);
	hive_value_free(&v);
	return st == NTFS_E_NOMEM ? ntfs_error_set(err, st, "out of memory") : NTFS_OK;
}

/* Reads ProfileList of a SOFTWARE hive into the accounts. */
static ntfs_status read_profile_list(hive *h, const reg_hive *rh, registry_info *r, anomaly_list *an, ntfs_error *err)
{
	hive_key *k = NULL;
	ntfs_error e;
	int count = 0;
	if (hive_key_open(h, PROFILE_LIST, &k, &e) != NTFS_OK) {
		anomaly_add(an, "hive_damaged", rh->record, "%s: ProfileList cannot be read: %s", rh->path, e.reason);
		return NTFS_OK;
	}
	if (!k)
		return NTFS_OK;
	if (hive_key_subkey_count(k, &count, &e) != NTFS_OK)
		anomaly_add(an, "hive_damaged", rh->record, "%s: ProfileList: %s", rh->path, e.reason);
	ntfs_status st = NTFS_OK;
	for (int i = 0; i < count && st == NTFS_OK; i++) {
		hive_key *sub = NULL;
		if (hive_key_subkey(k, i, &sub, &e) != NTFS_OK) {
			anomaly_add(an, "hive_damaged", rh->record, "%s: ProfileList entry %d: %s", rh->path, i, e.reason);
			continue;
		}
		st = read_profile(sub, rh, r, an, err);
		hive_key_close(sub);
	}
	hive_key_close(k);
	return st;
}

/* Reads one SAM user (key k under Users, named by its RID in hex) into the accounts. */
static ntfs_status read_sam_user(hive_key *k, const reg_hive *rh, const char *machine_sid, registry_info *r,
				 anomaly_list *an, ntfs_error *err)
{
	char *key = NULL;
	hive_value v = {0};
	ntfs_error e;
	ntfs_status st = hive_key_name(k, &key, &e);
	long long rid = st == NTFS_OK ? ntfs_sam_rid_from_key(key) : -1;
	if (st == NTFS_OK && rid >= 0)
		st = hive_key_value_named(k, "V", &v, &e);
	if (st == NTFS_E_NOMEM)
		goto out;
	if (st != NTFS_OK) {
		anomaly_add(an, "hive_damaged", rh->record, "%s: a SAM user cannot be read: %s", rh->path, e.reason);
		goto out;
	}
	if (rid < 0)
		goto out; /* "Names" and anything else that is no RID */
	ntfs_sam_user u;
	if (!v.name || ntfs_sam_user_decode(v.data, v.len, &u, &e) != NTFS_OK) {
		anomaly_add(an, "sam_user_malformed", rh->record, "%s: user %s (RID %lld): %s", rh->path, key, rid,
			    v.name ? e.reason : "no V value");
		goto out;
	}
	if (!*machine_sid)
		goto out; /* said once by the caller */
	char sid[NTFS_SID_STRING_MAX + 16];
	snprintf(sid, sizeof(sid), "%s-%lld", machine_sid, rid);
	if (account_list_add(&r->accounts, sid, u.name, "sam", NULL) != 0)
		st = NTFS_E_NOMEM;
out:
	free(key);
	hive_value_free(&v);
	return st == NTFS_E_NOMEM ? ntfs_error_set(err, st, "out of memory") : NTFS_OK;
}

/* Reads the machine SID and the local users of a SAM hive. */
static ntfs_status read_sam(hive *h, const reg_hive *rh, registry_info *r, anomaly_list *an, ntfs_error *err)
{
	hive_key *acct = NULL, *users = NULL;
	hive_value v = {0};
	ntfs_error e;
	char machine[NTFS_SID_STRING_MAX] = "";
	ntfs_status st = hive_key_open(h, SAM_ACCOUNT, &acct, &e);
	if (st == NTFS_OK && acct)
		st = hive_key_value_named(acct, "V", &v, &e);
	if (st == NTFS_OK && acct && v.name && ntfs_sam_domain_sid(v.data, v.len, machine, sizeof(machine), &e) != NTFS_OK)
		anomaly_add(an, "sam_user_malformed", rh->record, "%s: %s\\V: %s", rh->path, SAM_ACCOUNT, e.reason);
	else if (st == NTFS_OK && acct && !v.name)
		anomaly_add(an, "sam_user_malformed", rh->record, "%s: %s has no V value (no machine SID)", rh->path,
			    SAM_ACCOUNT);
	hive_value_free(&v);
	if (st == NTFS_OK && acct)
		st = hive_key_open_sub(acct, "Users", &users, &e);
	if (st == NTFS_E_NOMEM)
		goto out;
	if (st != NTFS_OK) {
		anomaly_add(an, "hive_damaged", rh->record, "%s: %s cannot be read: %s", rh->path, SAM_ACCOUNT, e.reason);
		st = NTFS_OK;
		goto out;
	}
	if (!rh->windows_old && !r->machine_sid[0])
		snprintf(r->machine_sid, sizeof(r->machine_sid), "%s", machine);
	int count = 0;
	if (users && hive_key_subkey_count(users, &count, &e) != NTFS_OK)
		anomaly_add(an, "hive_damaged", rh->record, "%s: %s\\Users: %s", rh->path, SAM_ACCOUNT, e.reason);
	for (int i = 0; i < count && st == NTFS_OK; i++) {
		hive_key *u = NULL;
		if (hive_key_subkey(users, i, &u, &e) != NTFS_OK) {
			anomaly_add(an, "hive_damaged", rh->record, "%s: SAM user %d: %s", rh->path, i, e.reason);
			continue;
		}
		st = read_sam_user(u, rh, machine, r, an, err);
		hive_key_close(u);
	}
out:
	hive_key_close(users);
	hive_key_close(acct);
	return st == NTFS_E_NOMEM ? ntfs_error_set(err, st, "out of memory") : st;
}

/* Reads hive file rh (its record's data) and what its kind holds; damage is an anomaly. */
static ntfs_status read_hive(volume *vol, reg_hive *rh, registry_info *r, anomaly_list *an, ntfs_error *err)
{
	file_data fd;
	ntfs_error e;
	ntfs_status st = file_data_read(vol, rh->record, NULL, REGISTRY_MAX_HIVE_BYTES, 0, &fd, &e);
	if (st == NTFS_E_NOMEM)
		return ntfs_error_set(err, st, "out of memory");
	if (st != NTFS_OK) {
		rh->damaged = true;
		anomaly_add(an, "hive_unreadable", rh->record, "%s: %s", rh->path, e.reason);
		return NTFS_OK;
	}
	rh->size = fd.size;
	hive *h = NULL;
	st = hive_open(fd.data, fd.len, &h, &e);
	if (st == NTFS_E_NOMEM) {
		file_data_free(&fd);
		return ntfs_error_set(err, st, "out of memory");
	}
	if (st != NTFS_OK) {
		rh->damaged = true;
		anomaly_add(an, "hive_damaged", rh->record, "%s (%llu bytes): %s", rh->path, (unsigned long long)fd.size,
			    e.reason);
		file_data_free(&fd);
		return NTFS_OK;
	}
	if (!strcmp(rh->kind, "SYSTEM") && !rh->windows_old)
		st = read_mounted_devices(h, rh, r, an, err);
	else if (!strcmp(rh->kind, "SOFTWARE"))
		st = read_profile_list(h, rh, r, an, err);
	else if (!strcmp(rh->kind, "SAM"))
		st = read_sam(h, rh, r, an, err);
	rh->read = st == NTFS_OK;
	if (hive_corrupted(h)) {
		rh->damaged = true;
		anomaly_add(an, "hive_damaged", rh->record, "%s: libregf found damage in the hive; what could be read was used",
			    rh->path);
	}
	hive_close(h);
	file_data_free(&fd);
	return st;
}

ntfs_status registry_read(volume *vol, const model *m, const name_index *ix, registry_info *r,
			  anomaly_list *anomalies, ntfs_error *err)
{
	if (vol->is_mft_file)
		return NTFS_OK; /* an extracted $MFT holds no file data */
	for (size_t d = 0; d < sizeof(HIVE_DIRS) / sizeof(HIVE_DIRS[0]); d++)
		for (size_t k = 0; k < sizeof(HIVE_KINDS) / sizeof(HIVE_KINDS[0]); k++) {
			uint32_t rec = find_file(m, ix, HIVE_DIRS[d], HIVE_KINDS[k]);
			if (rec == MODEL_NONE)
				continue;
			reg_hive *rh = vec_push(&r->hives);
			if (!rh)
				return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory");
			rh->kind = HIVE_KINDS[k];
			snprintf(rh->path, sizeof(rh->path), "%s\\%s", HIVE_DIRS[d], HIVE_KINDS[k]);
			rh->record = rec;
			rh->windows_old = d == 1;
			reg_hive copy = *rh; /* read_hive may push accounts, not hives: rh stays valid, but be safe */
			ntfs_status st = read_hive(vol, &copy, r, anomalies, err);
			VEC_AT(&r->hives, reg_hive, r->hives.count - 1) = copy;
			if (st != NTFS_OK)
				return st;
		}
	for (size_t i = 0; i < r->hives.count; i++) /* a SAM without a machine SID: its users have no SID */
		if (!strcmp(VEC_AT(&r->hives, reg_hive, i).kind, "SAM") && !VEC_AT(&r->hives, reg_hive, i).windows_old &&
		    VEC_AT(&r->hives, reg_hive, i).read && !r->machine_sid[0])
			anomaly_add(anomalies, "sam_user_malformed", VEC_AT(&r->hives, reg_hive, i).record,
				    "%s: no machine SID, so its users' SIDs are unknown", VEC_AT(&r->hives, reg_hive, i).path);
	account_list_finish(&r->accounts);
	return NTFS_OK;
}
