/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The registry of fixtures/registry-mbr.raw (fixtures/build.sh build_registry, hives by fixtures/hives.py):
 * hives found and read from memory, MountedDevices, SAM users, ProfileList; and hives that lie.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hive.h"
#include "fixture_volume.h"
#include "name_index.h"
#include "registry.h"

#define MACHINE "S-1-5-21-1004336348-1177238915-682003330"

static fixture_volume fx;

/* Unpacks the fixture, opens and scans its first volume (at 1 MiB). */
static void setup(void)
{
	fixture_volume_open(&fx, "registry-mbr.raw.gz", 1048576, 8u << 20);
}

/* Closes what setup opened and removes the unpacked image. */
static void teardown(void)
{
	fixture_volume_close(&fx);
}

TestSuite(registry, .init = setup, .fini = teardown);

/* The mount of value name `value`, or NULL. */
static const reg_mount *mount_named(const registry_info *r, const char *value)
{
	for (size_t i = 0; i < r->mounts.count; i++)
		if (!strcmp(VEC_AT(&r->mounts, reg_mount, i).value, value))
			return &VEC_AT(&r->mounts, reg_mount, i);
	return NULL;
}

Test(registry, mounted_devices_accounts_hives)
{
	registry_info r;
	anomaly_list an;
	ntfs_error e;
	registry_init(&r);
	anomaly_list_init(&an);
	cr_assert_eq(registry_read(fx.vol, &fx.m, &fx.ix, &r, &an, &e), NTFS_OK, "%s", e.reason);
	for (size_t i = 0; i < anomaly_count(&an); i++)
		cr_log_error("anomaly %s: %s", VEC_AT(&an.items, anomaly, i).type,
			     anomaly_detail(&an, &VEC_AT(&an.items, anomaly, i)));
	cr_assert_eq(anomaly_count(&an), 0);

	/* hives: the current three, then Windows.old's SAM */
	cr_assert_eq(r.hives.count, 4);
	const char *want_paths[] = {"\\Windows\\System32\\config\\SYSTEM", "\\Windows\\System32\\config\\SOFTWARE",
			       "\\Windows\\System32\\config\\SAM", "\\Windows.old\\Windows\\System32\\config\\SAM"};
	for (size_t i = 0; i < 4; i++) {
		const reg_hive *h = &VEC_AT(&r.hives, reg_hive, i);
		cr_assert_str_eq(h->path, want_paths[i]);
		cr_assert(h->read && !h->damaged, "%s", h->path);
		cr_assert_eq(h->windows_old, i == 3);
	}

	/* MountedDevices: C:, D:, E: and two volume GUIDs; F: (a CD-ROM path) and #{...} are not volumes */
	cr_assert_eq(r.mounts.count, 5);
	const reg_mount *c = mount_named(&r, "\\DosDevices\\C:"), *d = mount_named(&r, "\\DosDevices\\D:");
	const reg_mount *eusb = mount_named(&r, "\\DosDevices\\E:");
	const reg_mount *gd = mount_named(&r, "\\??\\Volume{d1d1d1d1-0000-4000-8000-00000000000d}");
	cr_assert(c && d && eusb && gd);
	cr_assert_eq(c->name.letter, 'C');
	cr_assert_eq(c->data.kind, MD_DATA_MBR);
	cr_assert_eq(c->data.signature, 0x4e544c4b);
	cr_assert_eq(c->data.offset, 1048576);
	cr_assert_eq(d->data.offset, 18432u * 512);
	cr_assert_eq(eusb->data.signature, 0x0badd15c);
	cr_assert_eq(gd->name.kind, MD_NAME_VOLUME);
	cr_assert_str_eq(gd->name.guid, "d1d1d1d1-0000-4000-8000-00000000000d");
	cr_assert_eq(gd->data.offset, 18432u * 512);

	/* accounts: SAM users (this machine's and Windows.old's), ProfileList, SYSTEM's profile */
	cr_assert_str_eq(r.machine_sid, MACHINE);
	struct { const char *sid, *name, *source, *profile; } want[] = {
		{"S-1-5-18", "NT AUTHORITY\\SYSTEM", "well_known", "%systemroot%\\system32\\config\\systemprofile"},
		{MACHINE "-1001", "alice", "sam", "C:\\Users\\alice"},
		{MACHINE "-1002", "bob", "sam", "C:\\Users\\bob"},
		{MACHINE "-500", "Administrator", "sam", NULL},
		{"S-1-5-21-2000000001-2000000002-2000000003-1001", "carol", "sam", NULL},
	};
	cr_assert_eq(r.accounts.items.count, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const account *a = account_list_find(&r.accounts, want[i].sid);
		cr_assert_not_null(a, "%s", want[i].sid);
		cr_assert_str_eq(a->name, want[i].name);
		cr_assert_str_eq(a->source, want[i].source);
		if (want[i].profile)
			cr_assert_str_eq(a->profile_path, want[i].profile);
		else
			cr_assert_null(a->profile_path, "%s", want[i].sid);
	}
	cr_assert_str_eq(accounts_name(&r.accounts, MACHINE "-1001"), "alice");
	cr_assert_str_eq(accounts_name(&r.accounts, "S-1-5-32-544"), "BUILTIN\\Administrators");
	cr_assert_null(accounts_name(&r.accounts, MACHINE "-1003"));
	registry_free(&r);
	anomaly_list_free(&an);
}

/* Reads the fixture's SYSTEM hive bytes (record by path) into a malloc'd buffer. */
static uint8_t *system_hive(size_t *len)
{
	uint32_t d = name_index_dir(&fx.ix, "\\Windows\\System32\\config"), hit;
	cr_assert_eq(name_index_find(&fx.ix, d, "SYSTEM", 6, &hit, 1), 1);
	uint8_t *buf = NULL;
	ntfs_error e;
	cr_assert_eq(volume_load_attr(fx.vol, model_name(&fx.m, hit)->owner, 0x80, NULL, 1u << 20, &buf, len, &e), NTFS_OK,
		     "%s", e.reason);
	return buf;
}

Test(registry, hives_that_lie)
{
	size_t len;
	uint8_t *good = system_hive(&len);
	hive *h;
	ntfs_error e;
	cr_assert_eq(hive_open(good, len, &h, &e), NTFS_OK, "%s", e.reason);
	cr_assert(!hive_corrupted(h));
	hive_close(h);
	/* not a hive */
	uint8_t junk[8192];
	memset(junk, 0x41, sizeof(junk));
	cr_assert_eq(hive_open(junk, sizeof(junk), &h, &e), NTFS_E_SIGNATURE);
	cr_assert_eq(hive_open(good, 100, &h, &e), NTFS_E_SIGNATURE);
	/* bins that claim 1 GiB in an 8 KiB hive, a root cell far past the end, garbage in the bin: an error or a
	 * hive that reads what is there; never a crash or a large allocation (ASan/LSan watch this test) */
	uint8_t *bad = malloc(len);
	cr_assert_not_null(bad);
	size_t offs[] = {36, 40, 4096 + 8, 4096 + 32, 4096 + 36};
	for (size_t k = 0; k < sizeof(offs) / sizeof(offs[0]); k++) {
		memcpy(bad, good, len);
		bad[offs[k]] = 0xFF;
		bad[offs[k] + 1] = 0xFF;
		bad[offs[k] + 2] = 0xFF;
		bad[offs[k] + 3] = 0x3F;
		if (hive_open(bad, len, &h, &e) != NTFS_OK) {
			cr_assert(e.reason[0], "error without a reason");
			continue;
		}
		hive_key *key = NULL;
		if (hive_key_open(h, "MountedDevices", &key, &e) == NTFS_OK && key) {
			int n = 0;
			if (hive_key_value_count(key, &n, &e) == NTFS_OK)
				for (int i = 0; i < n; i++) {
					hive_value v;
					if (hive_key_value(key, i, &v, &e) == NTFS_OK)
						hive_value_free(&v);
				}
			hive_key_close(key);
		}
		hive_close(h);
	}
	free(bad);
	free(good);
}
