/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the registry-side decoders: GPT header and entries, GUID text, MountedDevices values, SAM V values. */
#include <criterion/criterion.h>
#include <string.h>

#include "gpt.h"
#include "le.h"
#include "mounted_device.h"
#include "sam.h"

/* Stores a little-endian uint32. */
static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

Test(guid, text_round_trip_mixed_endian)
{
	/* the partition type GUID of Windows basic data: EBD0A0A2-B9E5-4433-87C0-68B6B72699C7, stored as
	 * A2 A0 D0 EB E5 B9 33 44 87 C0 68 B6 B7 26 99 C7 (sgdisk, the UEFI spec's appendix) */
	const uint8_t stored[16] = {0xA2, 0xA0, 0xD0, 0xEB, 0xE5, 0xB9, 0x33, 0x44,
				    0x87, 0xC0, 0x68, 0xB6, 0xB7, 0x26, 0x99, 0xC7};
	char text[NTFS_GUID_STRING];
	uint8_t back[16];
	ntfs_guid_format(stored, text);
	cr_assert_str_eq(text, "ebd0a0a2-b9e5-4433-87c0-68b6b72699c7");
	cr_assert_eq(ntfs_guid_parse("EBD0A0A2-B9E5-4433-87C0-68B6B72699C7", back), 0);
	cr_assert_eq(memcmp(back, stored, 16), 0);
	cr_assert_eq(ntfs_guid_parse("ebd0a0a2-b9e5-4433-87c0-68b6b72699c7}", back), 0); /* as inside braces */
	cr_assert_eq(ntfs_guid_parse("ebd0a0a2-b9e5-4433-87c0-68b6b72699c", back), -1);
	cr_assert_eq(ntfs_guid_parse("ebd0a0a2xb9e5-4433-87c0-68b6b72699c7", back), -1);
	cr_assert_eq(ntfs_guid_parse("gbd0a0a2-b9e5-4433-87c0-68b6b72699c7", back), -1);
}

Test(gpt, header_and_entry)
{
	uint8_t h[512] = {0}, e[128] = {0};
	ntfs_gpt_header gh;
	ntfs_gpt_entry ge;
	ntfs_error err;
	memcpy(h, "EFI PART", 8);
	put32(h + 72, 2);   /* entries at LBA 2 */
	put32(h + 80, 128); /* 128 entries of 128 bytes */
	put32(h + 84, 128);
	cr_assert_eq(ntfs_gpt_header_decode(h, sizeof(h), &gh, &err), NTFS_OK, "%s", err.reason);
	cr_assert_eq(gh.entries_lba, 2);
	cr_assert_eq(gh.entry_count, 128);
	put32(h + 84, 100);
	cr_assert_eq(ntfs_gpt_header_decode(h, sizeof(h), &gh, &err), NTFS_E_INVALID);
	put32(h + 84, 128);
	put32(h + 80, 1u << 30); /* a count that would make a 128 GiB array */
	cr_assert_eq(ntfs_gpt_header_decode(h, sizeof(h), &gh, &err), NTFS_E_RANGE);
	h[0] = 'X';
	cr_assert_eq(ntfs_gpt_header_decode(h, sizeof(h), &gh, &err), NTFS_E_SIGNATURE);
	cr_assert_eq(ntfs_gpt_header_decode(h, 40, &gh, &err), NTFS_E_TRUNCATED);
	e[16] = 0x0c;
	put32(e + 32, 2048);
	put32(e + 40, 18431);
	cr_assert_eq(ntfs_gpt_entry_decode(e, sizeof(e), &ge, &err), NTFS_OK);
	cr_assert_eq(ge.first_lba, 2048);
	cr_assert_eq(ge.last_lba, 18431);
	cr_assert_eq(ge.unique_guid[0], 0x0c);
	cr_assert_eq(ntfs_gpt_entry_decode(e, 50, &ge, &err), NTFS_E_TRUNCATED);
}

Test(mounted_devices, names)
{
	md_name n;
	ntfs_md_name_decode("\\DosDevices\\C:", &n);
	cr_assert_eq(n.kind, MD_NAME_DRIVE);
	cr_assert_eq(n.letter, 'C');
	ntfs_md_name_decode("\\DosDevices\\d:", &n);
	cr_assert_eq(n.letter, 'D');
	ntfs_md_name_decode("\\??\\Volume{D1D1D1D1-0000-4000-8000-00000000000D}", &n);
	cr_assert_eq(n.kind, MD_NAME_VOLUME);
	cr_assert_str_eq(n.guid, "d1d1d1d1-0000-4000-8000-00000000000d");
	const char *others[] = {"#{0e0e0e0e-0000-4000-8000-000000000000}", "\\DosDevices\\CD:", "\\DosDevices\\C",
				"\\??\\Volume{d1d1d1d1-0000-4000-8000-00000000000d", "\\??\\Volume{zzzzzzzz-0000-4000-8000-00000000000d}",
				"\\DosDevices\\C:x", ""};
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		ntfs_md_name_decode(others[i], &n);
		cr_assert_eq(n.kind, MD_NAME_OTHER, "%s", others[i]);
	}
}

Test(mounted_devices, data)
{
	md_data d;
	ntfs_error e;
	const uint8_t mbr[12] = {0x4b, 0x4c, 0x54, 0x4e, 0x00, 0x00, 0x10, 0x00, 0, 0, 0, 0};
	cr_assert_eq(ntfs_md_data_decode(mbr, sizeof(mbr), &d, &e), NTFS_OK);
	cr_assert_eq(d.kind, MD_DATA_MBR);
	cr_assert_eq(d.signature, 0x4e544c4b);
	cr_assert_eq(d.offset, 1048576);
	uint8_t gpt[24] = "DMIO:ID:";
	gpt[8] = 0x0c;
	gpt[23] = 0xc1;
	cr_assert_eq(ntfs_md_data_decode(gpt, sizeof(gpt), &d, &e), NTFS_OK);
	cr_assert_eq(d.kind, MD_DATA_GPT);
	cr_assert_eq(d.guid[0], 0x0c);
	cr_assert_eq(d.guid[15], 0xc1);
	const uint8_t dev[8] = {'\\', 0, '?', 0, '?', 0, '\\', 0};
	cr_assert_eq(ntfs_md_data_decode(dev, sizeof(dev), &d, &e), NTFS_OK);
	cr_assert_eq(d.kind, MD_DATA_DEVICE);
	cr_assert_eq(ntfs_md_data_decode(mbr, 11, &d, &e), NTFS_E_INVALID); /* odd length */
	cr_assert(strstr(e.reason, "11 bytes"), "%s", e.reason);
	cr_assert_eq(ntfs_md_data_decode(mbr, 0, &d, &e), NTFS_E_INVALID);
}

/* Builds a SAM V value with user name `name` and full name `full` (ASCII) into v; returns its length. */
static size_t make_v(uint8_t *v, const char *name, const char *full)
{
	size_t n = strlen(name), f = strlen(full);
	memset(v, 0, 0xCC + 2 * (n + f) + 8);
	put32(v + 12, 0);
	put32(v + 16, (uint32_t)(2 * n));
	put32(v + 24, (uint32_t)(2 * n));
	put32(v + 28, (uint32_t)(2 * f));
	for (size_t i = 0; i < n; i++)
		v[0xCC + 2 * i] = (uint8_t)name[i];
	for (size_t i = 0; i < f; i++)
		v[0xCC + 2 * n + 2 * i] = (uint8_t)full[i];
	return 0xCC + 2 * (n + f);
}

Test(sam, user_v_value)
{
	uint8_t v[512];
	ntfs_sam_user u;
	ntfs_error e;
	size_t len = make_v(v, "alice", "Alice Liddell");
	cr_assert_eq(ntfs_sam_user_decode(v, len, &u, &e), NTFS_OK, "%s", e.reason);
	cr_assert_str_eq(u.name, "alice");
	cr_assert_str_eq(u.full_name, "Alice Liddell");
	cr_assert_eq(ntfs_sam_user_decode(v, 0xCB, &u, &e), NTFS_E_TRUNCATED);
	put32(v + 16, 0xFFFFFFF0u); /* a name length past the value */
	cr_assert_eq(ntfs_sam_user_decode(v, len, &u, &e), NTFS_E_RANGE);
	put32(v + 16, 10);
	put32(v + 12, 0xFFFFFFFFu); /* an offset that wraps */
	cr_assert_eq(ntfs_sam_user_decode(v, len, &u, &e), NTFS_E_RANGE);
	put32(v + 12, 0);
	put32(v + 16, 0); /* no name */
	cr_assert_eq(ntfs_sam_user_decode(v, len, &u, &e), NTFS_E_INVALID);
}

Test(sam, machine_sid_and_rid)
{
	uint8_t v[0x40 + 24] = {0};
	const uint8_t sid[24] = {1, 4, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 0xdc, 0xf4, 0xdc, 0x3b,
				 0x83, 0x3d, 0x2b, 0x46, 0x82, 0x8b, 0xa6, 0x28};
	memcpy(v + 0x40, sid, sizeof(sid));
	char out[NTFS_SID_STRING_MAX];
	ntfs_error e;
	cr_assert_eq(ntfs_sam_domain_sid(v, sizeof(v), out, sizeof(out), &e), NTFS_OK, "%s", e.reason);
	cr_assert_str_eq(out, "S-1-5-21-1004336348-1177238915-682003330");
	cr_assert_eq(ntfs_sam_domain_sid(v, 0x40 + 23, out, sizeof(out), &e), NTFS_E_INVALID); /* cut */
	cr_assert_eq(ntfs_sam_domain_sid(v, 10, out, sizeof(out), &e), NTFS_E_INVALID);
	cr_assert_eq(ntfs_sam_rid_from_key("000003E9"), 1001);
	cr_assert_eq(ntfs_sam_rid_from_key("000001f4"), 500);
	cr_assert_eq(ntfs_sam_rid_from_key("Names"), -1);
	cr_assert_eq(ntfs_sam_rid_from_key("000003G9"), -1);
	cr_assert_eq(ntfs_sam_rid_from_key("0000003E9"), -1);
}
