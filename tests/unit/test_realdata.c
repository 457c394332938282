/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Real records from Windows 10-made volumes (tests/unit/data/README.md says where each comes from). Every
 * expected value below is what The Sleuth Kit prints for the same structure: `fsstat -o 128 IMAGE` for the
 * boot sector and `istat -o 128 IMAGE N` for record N (times as istat prints them, in UTC).
 */
#define _POSIX_C_SOURCE 200809L /* gmtime_r */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "attribute.h"
#include "boot.h"
#include "file_name.h"
#include "le.h"
#include "record.h"
#include "runlist.h"
#include "security.h"
#include "std_info.h"
#include "utf16.h"
#include "volume_info.h"
#include "test_data.h"

#define RECORD_SIZE 1024
#define CLUSTER 4096
#define VOLUME_CLUSTERS 64767 /* lastaccess: fsstat "Total Cluster Range: 0 - 64766" */


/* Loads a 1 KiB record, decodes its header and applies its fixups, which must all match. */
static void load_record(const char *name, uint8_t *r, ntfs_record_header *h)
{
	ntfs_record_fixups fx;
	ntfs_error e;

	cr_assert_eq(test_data_load(name, r, RECORD_SIZE), RECORD_SIZE, "%s", name);
	cr_assert_eq(ntfs_record_decode_header(r, RECORD_SIZE, h, &e), NTFS_OK, "%s: %s", name, e.reason);
	/* As stored, each sector ends with the update sequence number. */
	cr_assert_eq(le16(r + 510), le16(r + h->usa_offset));
	cr_assert_eq(le16(r + 1022), le16(r + h->usa_offset));
	cr_assert_eq(ntfs_record_apply_fixups(r, RECORD_SIZE, NTFS_USA_STRIDE, &fx, &e), NTFS_OK, "%s: %s", name, e.reason);
	cr_assert_eq(fx.sectors, 2);
	cr_assert_eq(fx.bad_count, 0, "%s", name);
}

/* True when a UTF-16LE name equals an ASCII string. */
static int name_is(const uint8_t *name, size_t units, const char *ascii)
{
	char buf[512];

	if (name == NULL)
		return ascii == NULL || *ascii == '\0';
	ntfs_utf16_to_utf8(name, units, buf, sizeof(buf));
	return strcmp(buf, ascii) == 0;
}

/* Finds the n-th attribute of a type (and name, "" = unnamed) in a fixed-up record. */
static int find_attr(const uint8_t *r, const ntfs_record_header *h, uint32_t type, const char *name, ntfs_attr *out)
{
	ntfs_attr_iter it;
	ntfs_error e;
	int rc;

	ntfs_attr_iter_init(&it, r, h->bytes_in_use, h->attrs_offset);
	while ((rc = ntfs_attr_iter_next(&it, out, &e)) == 1)
		if (out->type == type && name_is(out->name, out->name_length, name))
			return 1;
	cr_assert_eq(rc, 0, "iteration failed: %s", e.reason);
	return 0;
}

/* Formats a FILETIME the way istat prints it: "2019-03-03 12:34:52.981217900". */
static const char *ft(uint64_t t, char *buf, size_t cap)
{
	time_t secs = (time_t)(t / 10000000ULL) - (time_t)11644473600LL;
	struct tm tm;

	gmtime_r(&secs, &tm);
	snprintf(buf, cap, "%04d-%02d-%02d %02d:%02d:%02d.%09u", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, (unsigned)(t % 10000000ULL) * 100u);
	return buf;
}

/* Asserts a FILETIME equals istat's rendering. */
#define assert_time(t, want)                                                                                         \
	do {                                                                                                          \
		char tb_[96];                                                                                         \
		cr_assert_str_eq(ft((t), tb_, sizeof(tb_)), (want));                                                  \
	} while (0)

/* Decodes the resident $STANDARD_INFORMATION of a record. */
static ntfs_std_info std_info_of(const uint8_t *r, const ntfs_record_header *h, uint32_t *value_length)
{
	ntfs_attr a;
	ntfs_std_info si;
	ntfs_error e;

	cr_assert(find_attr(r, h, NTFS_AT_STANDARD_INFORMATION, "", &a));
	cr_assert_eq(ntfs_std_info_decode(a.value, a.value_length, &si, &e), NTFS_OK, "%s", e.reason);
	*value_length = a.value_length;
	return si;
}

/* Decodes the (first) $FILE_NAME of a record. */
static ntfs_file_name file_name_of(const uint8_t *r, const ntfs_record_header *h)
{
	ntfs_attr a;
	ntfs_file_name fn;
	ntfs_error e;

	cr_assert(find_attr(r, h, NTFS_AT_FILE_NAME, "", &a));
	cr_assert_eq(ntfs_file_name_decode(a.value, a.value_length, &fn, &e), NTFS_OK, "%s", e.reason);
	return fn;
}

/* Decodes the runlist of a non-resident attribute and checks it against its declared sizes. */
static void runs_of(const ntfs_attr *a, ntfs_runlist *rl)
{
	ntfs_error e;

	cr_assert(a->non_resident);
	cr_assert_eq(ntfs_runlist_decode(a->runlist, a->runlist_length, a->lowest_vcn, VOLUME_CLUSTERS, rl, &e), NTFS_OK,
		     "%s", e.reason);
	cr_assert_eq(ntfs_runlist_check_sizes(rl, a->allocated_size, CLUSTER, &e), NTFS_OK, "%s", e.reason);
	cr_assert_eq(a->highest_vcn + 1, rl->total_clusters);
}

Test(realdata, boot_sector_matches_fsstat)
{
	uint8_t b[512];
	ntfs_boot bs;
	ntfs_error e;

	cr_assert_eq(test_data_load("lastaccess_boot.bin", b, sizeof(b)), 512);
	cr_assert_eq(ntfs_boot_decode(b, sizeof(b), &bs, &e), NTFS_OK, "%s", e.reason);
	cr_assert_str_eq(bs.oem_id, "NTFS    ");              /* OEM Name: NTFS */
	cr_assert_eq(bs.serial, 0x0870803570802C0EULL);        /* Volume Serial Number: 0870803570802C0E */
	cr_assert_eq(bs.mft_lcn, 21589);                       /* First Cluster of MFT: 21589 */
	cr_assert_eq(bs.mftmirr_lcn, 2);                       /* First Cluster of MFT Mirror: 2 */
	cr_assert_eq(bs.record_size, 1024);                    /* Size of MFT Entries: 1024 bytes */
	cr_assert_eq(bs.index_record_size, 4096);              /* Size of Index Records: 4096 bytes */
	cr_assert_eq(bs.bytes_per_sector, 512);                /* Sector Size: 512 */
	cr_assert_eq(bs.cluster_size, 4096);                   /* Cluster Size: 4096 */
	cr_assert_eq(bs.total_clusters - 1, 64766);            /* Total Cluster Range: 0 - 64766 */
	cr_assert_eq(bs.total_sectors - 1, 518142);            /* Total Sector Range: 0 - 518142 */
}

Test(realdata, record0_mft)
{
	uint8_t r[RECORD_SIZE];
	ntfs_record_header h;
	ntfs_std_info si;
	ntfs_file_name fn;
	ntfs_attr a;
	ntfs_runlist rl = {0};
	uint32_t silen;
	int64_t lcn;

	load_record("lastaccess_rec0_mft.bin", r, &h);
	cr_assert_eq(h.sequence, 1);                           /* Entry: 0  Sequence: 1 */
	cr_assert_eq(h.lsn, 1069717);                          /* $LogFile Sequence Number: 1069717 */
	cr_assert_eq(h.flags, NTFS_RECORD_FLAG_IN_USE);        /* Allocated File */
	cr_assert_eq(h.link_count, 1);                         /* Links: 1 */
	cr_assert(h.has_record_number);
	cr_assert_eq(h.record_number, 0);
	cr_assert_eq(h.base_ref, 0);

	si = std_info_of(r, &h, &silen);
	cr_assert_eq(silen, 72);                               /* $STANDARD_INFORMATION (16-0) ... size: 72 */
	cr_assert_eq(si.flags, NTFS_FA_HIDDEN | NTFS_FA_SYSTEM); /* Flags: Hidden, System */
	cr_assert_eq(si.owner_id, 0);                          /* Owner ID: 0 */
	cr_assert_eq(si.security_id, 256);                     /* Security ID: 256 */
	assert_time(si.created, "2019-03-03 12:34:52.981217900");
	assert_time(si.modified, "2019-03-03 12:34:52.981217900");
	assert_time(si.mft_modified, "2019-03-03 12:34:52.981217900");
	assert_time(si.accessed, "2019-03-03 12:34:52.981217900");

	fn = file_name_of(r, &h);
	cr_assert(name_is(fn.name, fn.name_length, "$MFT"));   /* Name: $MFT */
	cr_assert_eq(ntfs_ref_record(fn.parent_ref), 5);       /* Parent MFT Entry: 5 */
	cr_assert_eq(ntfs_ref_sequence(fn.parent_ref), 5);     /* Sequence: 5 */
	cr_assert_eq(fn.allocated_size, 16384);                /* Allocated Size: 16384 */
	cr_assert_eq(fn.data_size, 16384);                     /* Actual Size: 16384 */
	cr_assert_eq(fn.flags, NTFS_FA_HIDDEN | NTFS_FA_SYSTEM);
	cr_assert_eq(fn.name_space, NTFS_NS_WIN32_DOS);
	assert_time(fn.created, "2019-03-03 12:34:52.981217900");

	/* $DATA (128-6) Non-Resident size: 262144: clusters 21589..21652. */
	cr_assert(find_attr(r, &h, NTFS_AT_DATA, "", &a));
	cr_assert_eq(a.id, 6);
	cr_assert_eq(a.data_size, 262144);
	cr_assert_eq(a.initialized_size, 262144);
	runs_of(&a, &rl);
	cr_assert_eq(rl.count, 1);
	cr_assert_eq(rl.runs[0].lcn, 21589);
	cr_assert_eq(rl.runs[0].length, 64);
	cr_assert_eq(ntfs_runlist_lookup(&rl, 63, &lcn, NULL, NULL), NTFS_OK);
	cr_assert_eq(lcn, 21652);
	ntfs_runlist_free(&rl);

	/* $BITMAP (176-5) size: 4104: clusters 21588 then 37 (a negative LCN delta). */
	cr_assert(find_attr(r, &h, NTFS_AT_BITMAP, "", &a));
	cr_assert_eq(a.id, 5);
	cr_assert_eq(a.data_size, 4104);
	runs_of(&a, &rl);
	cr_assert_eq(rl.count, 2);
	cr_assert_eq(rl.runs[0].lcn, 21588);
	cr_assert_eq(rl.runs[1].lcn, 37);
	cr_assert_eq(rl.runs[1].vcn, 1);
	ntfs_runlist_free(&rl);
}

Test(realdata, record0_stops_at_the_end_marker_before_stale_slack)
{
	uint8_t r[RECORD_SIZE];
	ntfs_record_header h;
	ntfs_attr_iter it;
	ntfs_attr a;
	ntfs_error e;
	const uint32_t want[] = {0x10, 0x30, 0x80, 0xB0};
	int n = 0, rc;

	load_record("lastaccess_rec0_mft.bin", r, &h);
	/* istat lists exactly four attributes; old copies of $DATA and $BITMAP remain after the end marker. */
	ntfs_attr_iter_init(&it, r, h.bytes_in_use, h.attrs_offset);
	while ((rc = ntfs_attr_iter_next(&it, &a, &e)) == 1) {
		cr_assert_lt(n, 4);
		cr_assert_eq(a.type, want[n]);
		n++;
	}
	cr_assert_eq(rc, 0, "%s", e.reason);
	cr_assert_eq(n, 4);
	cr_assert_eq(le32(r + 0x198), NTFS_AT_END);
	cr_assert_eq(le32(r + 0x1B0), NTFS_AT_BITMAP, "the stale copy of $BITMAP this test relies on is gone");
	/* Walking the whole record instead of bytes_in_use still stops at the marker. */
	ntfs_attr_iter_init(&it, r, RECORD_SIZE, h.attrs_offset);
	for (n = 0; ntfs_attr_iter_next(&it, &a, &e) == 1; n++)
		;
	cr_assert_eq(n, 4);
}

Test(realdata, record3_volume)
{
	uint8_t r[RECORD_SIZE];
	ntfs_record_header h;
	ntfs_attr a;
	ntfs_volume_info vi;
	ntfs_std_info si;
	ntfs_file_name fn;
	char label[64];
	ntfs_error e;
	uint32_t silen;

	load_record("lastaccess_rec3_volume.bin", r, &h);
	cr_assert_eq(h.sequence, 3);
	cr_assert_eq(h.lsn, 1070677);
	cr_assert_eq(h.record_number, 3);
	si = std_info_of(r, &h, &silen);
	cr_assert_eq(si.security_id, 257);                     /* Security ID: 257 (S-1-5-18) */
	fn = file_name_of(r, &h);
	cr_assert(name_is(fn.name, fn.name_length, "$Volume"));

	cr_assert(find_attr(r, &h, NTFS_AT_VOLUME_NAME, "", &a)); /* $VOLUME_NAME (96-4) size: 22 */
	cr_assert_eq(a.value_length, 22);
	cr_assert_eq(ntfs_volume_name_decode(a.value, a.value_length, label, sizeof(label), &e), NTFS_OK, "%s", e.reason);
	cr_assert_str_eq(label, "Last access");                /* fsstat: Volume Name: Last access */

	cr_assert(find_attr(r, &h, NTFS_AT_VOLUME_INFORMATION, "", &a)); /* (112-5) size: 12 */
	cr_assert_eq(ntfs_volume_info_decode(a.value, a.value_length, &vi, &e), NTFS_OK, "%s", e.reason);
	cr_assert_eq(vi.major, 3);                             /* fsstat: Version: Windows XP (NTFS 3.1) */
	cr_assert_eq(vi.minor, 1);
	cr_assert_eq(vi.flags, 0x0080);                        /* bytes 80 00 at 0x152: not dirty */
	cr_assert_not(vi.flags & NTFS_VOLUME_FLAG_DIRTY);
}

Test(realdata, record5_root_directory)
{
	uint8_t r[RECORD_SIZE];
	ntfs_record_header h;
	ntfs_std_info si;
	ntfs_file_name fn;
	ntfs_attr a;
	ntfs_security_descriptor sd;
	ntfs_runlist rl = {0};
	ntfs_error e;
	uint32_t silen;

	load_record("lastaccess_rec5_root.bin", r, &h);
	cr_assert_eq(h.sequence, 5);
	cr_assert_eq(h.lsn, 1080256);
	cr_assert_eq(h.flags, NTFS_RECORD_FLAG_IN_USE | NTFS_RECORD_FLAG_DIRECTORY); /* Allocated Directory */
	cr_assert_eq(h.link_count, 1);

	/* The root keeps the 48-byte NTFS 1.x $STANDARD_INFORMATION: no security id (istat: Security ID: 0). */
	si = std_info_of(r, &h, &silen);
	cr_assert_eq(silen, 48);
	cr_assert_not(si.has_v3_fields);
	cr_assert_eq(si.security_id, 0);
	cr_assert_eq(si.flags, NTFS_FA_HIDDEN | NTFS_FA_SYSTEM);
	assert_time(si.created, "2019-03-03 12:34:52.981217900");
	assert_time(si.modified, "2019-03-03 12:35:03.465681800");
	assert_time(si.mft_modified, "2019-03-03 12:35:04.153140900");
	assert_time(si.accessed, "2019-03-03 12:37:55.496794700");

	fn = file_name_of(r, &h);
	cr_assert(name_is(fn.name, fn.name_length, "."));      /* Name: . */
	cr_assert_eq(ntfs_ref_record(fn.parent_ref), 5);       /* Parent MFT Entry: 5  Sequence: 5 */
	cr_assert_eq(ntfs_ref_sequence(fn.parent_ref), 5);
	cr_assert_eq(fn.flags, NTFS_FA_DUP_FILE_NAME_INDEX | NTFS_FA_HIDDEN | NTFS_FA_SYSTEM); /* Directory, Hidden, System */

	/* $SECURITY_DESCRIPTOR (80-2) Resident size: 228, owned by SYSTEM. Its group SID straddles the
	 * first sector's end, so it decodes right only after the fixups. */
	cr_assert(find_attr(r, &h, NTFS_AT_SECURITY_DESCRIPTOR, "", &a));
	cr_assert_eq(a.value_length, 228);
	cr_assert_eq(ntfs_sd_decode(a.value, a.value_length, &sd, &e), NTFS_OK, "%s", e.reason);
	cr_assert_str_eq(sd.owner_sid, "S-1-5-18");
	cr_assert_str_eq(sd.group_sid, "S-1-5-18");
	cr_assert(sd.has_dacl);
	cr_assert_not(sd.has_sacl);

	cr_assert(find_attr(r, &h, NTFS_AT_INDEX_ROOT, "$I30", &a));      /* (144-6) Name: $I30 size: 56 */
	cr_assert_eq(a.id, 6);
	cr_assert_eq(a.value_length, 56);
	cr_assert(find_attr(r, &h, NTFS_AT_INDEX_ALLOCATION, "$I30", &a)); /* (160-8) size: 4096, cluster 36 */
	cr_assert_eq(a.data_size, 4096);
	runs_of(&a, &rl);
	cr_assert_eq(rl.count, 1);
	cr_assert_eq(rl.runs[0].lcn, 36);
	ntfs_runlist_free(&rl);
	cr_assert(find_attr(r, &h, NTFS_AT_LOGGED_UTILITY_STREAM, "$TXF_DATA", &a)); /* (256-9) size: 56 */
	cr_assert_eq(a.value_length, 56);
	cr_assert(find_attr(r, &h, NTFS_AT_OBJECT_ID, "", &a));
	cr_assert_eq(a.value_length, 16);
	cr_assert_eq(a.value[0], 0xB0);                        /* Object Id: 6303efb0-... */
	cr_assert_eq(a.value[3], 0x63);
}

Test(realdata, record5_security_descriptor_needs_the_fixups)
{
	uint8_t r[RECORD_SIZE];
	ntfs_record_header h;
	ntfs_security_descriptor sd;
	ntfs_attr a;
	ntfs_error e;

	/* As stored, bytes 510..511 hold the update sequence number, in the middle of the group SID. */
	cr_assert_eq(test_data_load("lastaccess_rec5_root.bin", r, sizeof(r)), RECORD_SIZE);
	cr_assert_eq(ntfs_record_decode_header(r, RECORD_SIZE, &h, &e), NTFS_OK, "%s", e.reason);
	cr_assert(find_attr(r, &h, NTFS_AT_SECURITY_DESCRIPTOR, "", &a));
	cr_assert_lt(a.value - r, 510);
	cr_assert_gt(a.value - r + (long)a.value_length, 512);
	cr_assert_eq(ntfs_sd_decode(a.value, a.value_length, &sd, &e), NTFS_OK, "%s", e.reason);
	cr_assert_str_eq(sd.owner_sid, "S-1-5-18");
	cr_assert_str_neq(sd.group_sid, "S-1-5-18");
}

Test(realdata, record9_secure)
{
	uint8_t r[RECORD_SIZE];
	ntfs_record_header h;
	ntfs_file_name fn;
	ntfs_attr a;
	ntfs_runlist rl = {0};

	load_record("lastaccess_rec9_secure.bin", r, &h);
	cr_assert_eq(h.sequence, 9);
	cr_assert_eq(h.lsn, 1077933);
	fn = file_name_of(r, &h);
	cr_assert(name_is(fn.name, fn.name_length, "$Secure"));
	cr_assert_eq(fn.flags, NTFS_FA_HIDDEN | NTFS_FA_SYSTEM | NTFS_FA_DUP_VIEW_INDEX); /* Hidden, System, Index View */

	/* $DATA (128-8) Name: $SDS size: 264208: clusters 641..705. */
	cr_assert(find_attr(r, &h, NTFS_AT_DATA, "$SDS", &a));
	cr_assert_eq(a.id, 8);
	cr_assert_eq(a.data_size, 264208);
	runs_of(&a, &rl);
	cr_assert_eq(rl.count, 1);
	cr_assert_eq(rl.runs[0].lcn, 641);
	cr_assert_eq(rl.runs[0].length, 65);
	ntfs_runlist_free(&rl);
	cr_assert_not(find_attr(r, &h, NTFS_AT_DATA, "", &a), "$Secure has no unnamed $DATA");
	cr_assert(find_attr(r, &h, NTFS_AT_INDEX_ALLOCATION, "$SDH", &a)); /* 2002 */
	runs_of(&a, &rl);
	cr_assert_eq(rl.runs[0].lcn, 2002);
	ntfs_runlist_free(&rl);
	cr_assert(find_attr(r, &h, NTFS_AT_INDEX_ALLOCATION, "$SII", &a)); /* 2003 */
	runs_of(&a, &rl);
	cr_assert_eq(rl.runs[0].lcn, 2003);
	ntfs_runlist_free(&rl);
	cr_assert(find_attr(r, &h, NTFS_AT_INDEX_ROOT, "$SII", &a));
	cr_assert_eq(a.id, 14);
}

Test(realdata, sds_entries_owner_sids)
{
	static uint8_t sds[4096];
	size_t len = test_data_load("lastaccess_sds_head.bin", sds, sizeof(sds)), pos = 0;
	uint32_t want_id = 256;
	ntfs_sds_entry en;
	ntfs_security_descriptor sd;
	ntfs_error e;

	cr_assert_eq(len, 0x830);
	/* Entries 256..268 are 16-byte aligned; each stores its own offset. */
	while (want_id <= 268) {
		cr_assert_eq(ntfs_sds_entry_decode(sds + pos, len - pos, &en, &e), NTFS_OK, "at 0x%zx: %s", pos, e.reason);
		cr_assert_eq(en.security_id, want_id);
		cr_assert_eq(en.offset, pos);
		cr_assert_eq(ntfs_sd_decode(en.descriptor, en.descriptor_length, &sd, &e), NTFS_OK, "id %u: %s", want_id,
			     e.reason);
		cr_assert(sd.has_owner);
		if (want_id == 256 || want_id == 257) /* istat records 0, 3, 9: Security ID: 256/257 (S-1-5-18) */
			cr_assert_str_eq(sd.owner_sid, "S-1-5-18");
		if (want_id == 268) /* istat record 43 (\test\1.txt): Security ID: 268 (S-1-5-21-...-1001) */
			cr_assert_str_eq(sd.owner_sid, "S-1-5-21-2341207468-2645333676-3461800803-1001");
		pos += (en.length + 15) & ~(size_t)15;
		want_id++;
	}
	cr_assert_eq(pos, 0x810);
	/* After the last entry, $SDS holds the "PTRN" fill of the disk it was made on, not zeros. */
	cr_assert_eq(memcmp(sds + pos, "PTRN", 4), 0);
	cr_assert_eq(ntfs_sds_entry_decode(sds + pos, len - pos, &en, &e), NTFS_E_RANGE);
}

Test(realdata, record43_user_file)
{
	uint8_t r[RECORD_SIZE];
	ntfs_record_header h;
	ntfs_std_info si;
	ntfs_file_name fn;
	ntfs_attr a;
	uint32_t silen;

	load_record("lastaccess_rec43_1txt.bin", r, &h);
	cr_assert_eq(h.sequence, 1);
	cr_assert_eq(h.lsn, 1080452);
	cr_assert_eq(h.link_count, 1);
	cr_assert_eq(h.record_number, 43);
	si = std_info_of(r, &h, &silen);
	cr_assert_eq(si.flags, NTFS_FA_ARCHIVE);               /* Flags: Archive */
	cr_assert_eq(si.security_id, 268);
	assert_time(si.created, "2019-03-03 12:35:06.481189200");
	assert_time(si.modified, "2019-03-03 12:35:17.200330500");
	assert_time(si.mft_modified, "2019-03-03 12:35:17.200330500");
	assert_time(si.accessed, "2019-03-03 12:37:55.293673800");
	fn = file_name_of(r, &h);
	cr_assert(name_is(fn.name, fn.name_length, "1.txt"));
	cr_assert_eq(ntfs_ref_record(fn.parent_ref), 39);      /* Parent MFT Entry: 39  Sequence: 1 */
	cr_assert_eq(ntfs_ref_sequence(fn.parent_ref), 1);
	cr_assert_eq(fn.allocated_size, 0);
	cr_assert_eq(fn.data_size, 0);
	assert_time(fn.created, "2019-03-03 12:35:06.481189200");
	assert_time(fn.accessed, "2019-03-03 12:35:06.481189200");
	cr_assert(find_attr(r, &h, NTFS_AT_DATA, "", &a));     /* $DATA (128-1) Resident size: 143 */
	cr_assert_not(a.non_resident);
	cr_assert_eq(a.id, 1);
	cr_assert_eq(a.value_length, 143);
}

Test(realdata, si_and_fn_times_differ)
{
	uint8_t r[RECORD_SIZE];
	ntfs_record_header h;
	ntfs_std_info si;
	ntfs_file_name fn;
	ntfs_attr a;
	uint32_t silen;

	load_record("sivsfn_rec39_testtxt.bin", r, &h);
	cr_assert_eq(h.lsn, 2126285);
	si = std_info_of(r, &h, &silen);
	cr_assert_eq(si.security_id, 265);
	assert_time(si.created, "2015-11-03 12:33:59.222933500");
	assert_time(si.accessed, "2015-11-03 12:33:59.222933500");
	fn = file_name_of(r, &h);
	cr_assert(name_is(fn.name, fn.name_length, "test.txt"));
	cr_assert_eq(ntfs_ref_record(fn.parent_ref), 38);
	assert_time(fn.created, "2014-12-12 17:49:01.551867900");
	assert_time(fn.mft_modified, "2014-12-12 17:49:01.551867900");
	cr_assert(find_attr(r, &h, NTFS_AT_DATA, "", &a));
	cr_assert_eq(a.value_length, 14);
}

Test(realdata, ptrn_non_resident_small_file)
{
	uint8_t r[RECORD_SIZE];
	ntfs_record_header h;
	ntfs_file_name fn;
	ntfs_attr a;
	ntfs_runlist rl = {0};
	ntfs_error e;

	load_record("ptrn_rec43_2txt.bin", r, &h);
	cr_assert_eq(h.lsn, 2129630);
	fn = file_name_of(r, &h);
	cr_assert(name_is(fn.name, fn.name_length, "2.txt"));
	cr_assert_eq(ntfs_ref_record(fn.parent_ref), 5);
	cr_assert(find_attr(r, &h, NTFS_AT_DATA, "", &a));     /* Non-Resident size: 1140, cluster 2004 */
	cr_assert_eq(a.id, 5);
	cr_assert_eq(a.data_size, 1140);
	cr_assert_eq(a.initialized_size, 1140);
	/* This volume has 261375 clusters (fsstat: 0 - 261374), more than lastaccess: decode against its own size. */
	cr_assert_eq(ntfs_runlist_decode(a.runlist, a.runlist_length, 0, 261375, &rl, &e), NTFS_OK, "%s", e.reason);
	cr_assert_eq(rl.count, 1);
	cr_assert_eq(rl.runs[0].lcn, 2004);
	cr_assert_eq(ntfs_runlist_check_sizes(&rl, a.allocated_size, CLUSTER, &e), NTFS_OK, "%s", e.reason);
	ntfs_runlist_free(&rl);
}
