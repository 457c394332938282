/* SPDX-License-Identifier: Apache-2.0 */
/* The volume layer and the scan on a real Windows 10 volume (fixtures/real/ntfs-ptrn, CC0), checked against istat. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis.h"
#include "mft_scan.h"
#include "paths.h"
#include "volume.h"

#define PTRN_OFFSET (128 * 512)

static char img_path[512];

/* Unpacks the real image once into a sparse temporary file. */
static void unpack(void)
{
	const char *src = getenv("top_srcdir");
	snprintf(img_path, sizeof(img_path), "/tmp/ntfslinks-test-ptrn-%d.raw", (int)getpid());
	char cmd[1400];
	snprintf(cmd, sizeof(cmd), "gunzip -c '%s/fixtures/real/ntfs-ptrn.raw.gz' | cp --sparse=always /dev/stdin '%s'",
		 src ? src : ".", img_path);
	cr_assert_eq(system(cmd), 0, "cannot unpack %s", cmd);
}

/* Removes the unpacked image. */
static void cleanup(void)
{
	unlink(img_path);
}

TestSuite(real_volume, .init = unpack, .fini = cleanup);

Test(real_volume, geometry_label_and_secure)
{
	image *img;
	volume *vol;
	ntfs_error e;
	cr_assert_eq(image_open(img_path, &img, &e), NTFS_OK, "%s", e.reason);
	cr_assert_eq(volume_open(img, PTRN_OFFSET, 0, &vol, &e), NTFS_OK, "%s", e.reason);
	cr_assert_eq(vol->boot.cluster_size, 4096);
	cr_assert_eq(vol->record_size, 1024);
	cr_assert(vol->has_version);
	cr_assert_eq(vol->version_major, 3);
	cr_assert_eq(vol->version_minor, 1);
	cr_assert(vol->upcase_from_volume);
	/* istat -o 128: "Security ID: 264  (S-1-5-21-2341207468-2645333676-3461800803-1001)" for \1.txt */
	const char *sid = volume_owner_sid(vol, 264);
	cr_assert_not_null(sid);
	cr_assert_str_eq(sid, "S-1-5-21-2341207468-2645333676-3461800803-1001");
	cr_assert_eq(anomaly_count(&vol->anomalies), 0);
	volume_close(vol);
	image_close(img);
}

Test(real_volume, scan_names_paths_like_fls)
{
	image *img;
	volume *vol;
	model m;
	paths p;
	ntfs_error e;
	cr_assert_eq(image_open(img_path, &img, &e), NTFS_OK, "%s", e.reason);
	cr_assert_eq(volume_open(img, PTRN_OFFSET, 0, &vol, &e), NTFS_OK, "%s", e.reason);
	model_init(&m, vol);
	m.want_sizes = true; /* every record's sizes, as with --du (else only hard-link sets' are kept) */
	cr_assert_eq(mft_scan(&m, 2, NULL, NULL, &e), NTFS_OK, "%s", e.reason);
	cr_assert_eq(paths_build(&p, &m, &e), NTFS_OK);
	/* fls -r -p -o 128: 39 1.txt, 43 2.txt, 37 System Volume Information/IndexerVolumeGuid, 41 in $RECYCLE.BIN */
	struct { uint32_t rec; const char *path; uint16_t seq; } want[] = {
		{39, "\\1.txt", 1},
		{43, "\\2.txt", 5},
		{37, "\\System Volume Information\\IndexerVolumeGuid", 1},
		{41, "\\$RECYCLE.BIN\\S-1-5-21-2341207468-2645333676-3461800803-1001", 1},
		{32, "\\$Extend\\$RmMetadata\\$TxfLog\\$Tops", 2},
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		cr_assert(model_in_use(&m, want[i].rec), "record %u", want[i].rec);
		char *path = paths_name_alloc(&p, model_primary_name(&m, want[i].rec));
		cr_assert_str_eq(path, want[i].path);
		free(path);
	}
	cr_assert_eq(m.recs[39].link_count, 1);
	cr_assert(m.recs[36].flags & REC_DIR);
	cr_assert_eq(m.recs[39].security_id, 264);
	cr_assert_eq(model_sizes(&m, 39)->data_size, 4); /* istat: $DATA resident, size 4 */
	cr_assert_eq(anomaly_count(&m.anomalies), 0, "first anomaly: %s",
		     anomaly_count(&m.anomalies) ? anomaly_detail(&m.anomalies, &VEC_AT(&m.anomalies.items, anomaly, 0)) : "");
	paths_free(&p);
	model_free(&m);
	volume_close(vol);
	image_close(img);
}

Test(real_volume, one_thread_and_two_threads_agree)
{
	image *img;
	volume *vol;
	model m1, m2;
	ntfs_error e;
	cr_assert_eq(image_open(img_path, &img, &e), NTFS_OK, "%s", e.reason);
	cr_assert_eq(volume_open(img, PTRN_OFFSET, 0, &vol, &e), NTFS_OK, "%s", e.reason);
	model_init(&m1, vol);
	model_init(&m2, vol);
	cr_assert_eq(mft_scan(&m1, 1, NULL, NULL, &e), NTFS_OK);
	cr_assert_eq(mft_scan(&m2, 2, NULL, NULL, &e), NTFS_OK);
	cr_assert_eq(m1.names.count, m2.names.count);
	cr_assert_gt(m1.names.count, 30);
	cr_assert_eq(memcmp(m1.recs, m2.recs, m1.count * sizeof(rec_info)), 0);
	cr_assert_eq(m1.strings.len, m2.strings.len);
	model_free(&m1);
	model_free(&m2);
	volume_close(vol);
	image_close(img);
}
