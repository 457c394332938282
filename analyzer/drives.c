/* SPDX-License-Identifier: Apache-2.0 */
/* Drive letters and volume GUIDs from MountedDevices, matched to the partitions of the image. */
#include "config.h"
#include "drives.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The volume of vols at the partition that d names, or -1. */
static int volume_of_data(const drives_volume *vols, int n, const md_data *d)
{
	for (int i = 0; i < n; i++) {
		const image_partition *p = vols[i].part;
		if (!vols[i].scanned || !p)
			continue;
		if (d->kind == MD_DATA_MBR && !strcmp(p->table, "dos") && p->disk_signature == d->signature &&
		    p->offset == d->offset)
			return i;
		if (d->kind == MD_DATA_GPT && !strcmp(p->table, "gpt") && p->has_guid && !memcmp(p->guid, d->guid, 16))
			return i;
	}
	return -1;
}

/* Adds GUID g to r (kept sorted and unique, at most DRIVES_MAX_GUIDS). */
static void add_guid(drives_result *r, const char *g)
{
	int at = 0;
	while (at < r->guid_count && strcmp(r->guids[at], g) < 0)
		at++;
	if ((at < r->guid_count && !strcmp(r->guids[at], g)) || r->guid_count == DRIVES_MAX_GUIDS)
		return;
	memmove(r->guids[at + 1], r->guids[at], (size_t)(r->guid_count - at) * NTFS_GUID_STRING);
	memcpy(r->guids[at], g, NTFS_GUID_STRING);
	r->guid_count++;
}

/* Describes the partition d names, for anomalies ("MBR disk 0x4e544c4b at byte 1048576"). */
static void describe(const md_data *d, char *buf, size_t cap)
{
	if (d->kind == MD_DATA_MBR) {
		snprintf(buf, cap, "the partition at byte %llu of MBR disk 0x%08x", (unsigned long long)d->offset,
			 d->signature);
	} else {
		char g[NTFS_GUID_STRING];
		ntfs_guid_format(d->guid, g);
		snprintf(buf, cap, "GPT partition %s", g);
	}
}

/*
 * Takes one registry's drive letters (volume ri's SYSTEM hive) into the results: in the first pass only the
 * letter it gives its own volume (an installation names itself) and its volume GUIDs, in the second the rest.
 */
static void take_letters(const drives_volume *vols, int n, int ri, int pass, drives_result *out,
			 drives_elsewhere **else_arr, size_t *else_n)
{
	const vec *mounts = &vols[ri].reg->mounts;
	for (size_t k = 0; k < mounts->count; k++) {
		const reg_mount *m = &VEC_AT(mounts, reg_mount, k);
		int v = volume_of_data(vols, n, &m->data);
		if (m->name.kind == MD_NAME_VOLUME && v >= 0 && pass == 0) {
			add_guid(&out[v], m->name.guid);
			continue;
		}
		if (m->name.kind != MD_NAME_DRIVE || (pass == 0) != (v == ri))
			continue;
		if (v < 0) {
			drives_elsewhere *e = realloc(*else_arr, (*else_n + 1) * sizeof(**else_arr));
			if (!e)
				continue;
			*else_arr = e;
			e[*else_n] = (drives_elsewhere){m->name.letter, ri, m->data};
			(*else_n)++;
			continue;
		}
		drives_result *r = &out[v];
		char where[160];
		describe(&m->data, where, sizeof(where));
		if (vols[v].option_letter && vols[v].option_letter != m->name.letter && vols[v].anomalies)
			anomaly_add(vols[v].anomalies, "drive_letter_conflict", ANOMALY_NO_RECORD,
				    "--drive gives this volume %c:, but the SYSTEM hive of volume %d maps \\DosDevices\\%c: to it "
				    "(%s); --drive wins", vols[v].option_letter, ri, m->name.letter, where);
		bool taken = false;
		for (int o = 0; o < n; o++) /* --drive gave this letter to another volume: it keeps it alone */
			if (o != v && vols[o].option_letter == m->name.letter) {
				taken = true;
				if (vols[o].anomalies)
					anomaly_add(vols[o].anomalies, "drive_letter_conflict", ANOMALY_NO_RECORD,
						    "--drive gives this volume %c:, but the SYSTEM hive of volume %d maps "
						    "\\DosDevices\\%c: to volume %d (%s); --drive wins", m->name.letter, ri,
						    m->name.letter, v, where);
			}
		if (taken || (r->source && !strcmp(r->source, "option")))
			continue;
		if (r->letter && r->letter != m->name.letter) {
			if (vols[v].anomalies)
				anomaly_add(vols[v].anomalies, "drive_letter_conflict", ANOMALY_NO_RECORD,
				    "the SYSTEM hive of volume %d maps \\DosDevices\\%c: to this volume, which the SYSTEM hive "
				    "of volume %d calls %c:; %c: is kept", ri, m->name.letter, r->registry_volume, r->letter,
				    r->letter);
			continue;
		}
		if (r->letter)
			continue;
		r->letter = m->name.letter;
		r->source = "registry";
		r->registry_volume = ri;
	}
}

void drives_assign(const drives_volume *vols, int n, drives_result *out, drives_elsewhere **elsewhere,
		   size_t *elsewhere_count)
{
	*elsewhere = NULL;
	*elsewhere_count = 0;
	for (int i = 0; i < n; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		out[i].registry_volume = -1;
		if (vols[i].option_letter) {
			out[i].letter = vols[i].option_letter;
			out[i].source = "option";
		}
	}
	/* what each installation calls itself first, then what it calls the others, registries in volume order */
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < n; i++)
			if (vols[i].scanned && vols[i].reg)
				take_letters(vols, n, i, pass, out, elsewhere, elsewhere_count);
}

int drives_volume_of_guid(const drives_result *res, int n, const char *g)
{
	for (int i = 0; i < n; i++)
		for (int k = 0; k < res[i].guid_count; k++)
			if (!strncasecmp(res[i].guids[k], g, 36))
				return i;
	return -1;
}
