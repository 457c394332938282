/* SPDX-License-Identifier: Apache-2.0 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "reparse.h"

/* ---- buffer builder: every test buffer is assembled byte by byte, little-endian ---- */

typedef struct {
	uint8_t b[2048];
	size_t n;
} rbuf;

/* Appends one byte. */
static void put8(rbuf *r, unsigned v)
{
	cr_assert_lt(r->n, sizeof(r->b));
	r->b[r->n++] = (uint8_t)v;
}

/* Appends a little-endian 16-bit value. */
static void put16(rbuf *r, unsigned v)
{
	put8(r, v & 0xFF);
	put8(r, (v >> 8) & 0xFF);
}

/* Appends a little-endian 32-bit value. */
static void put32(rbuf *r, uint32_t v)
{
	put16(r, v & 0xFFFF);
	put16(r, v >> 16);
}

/* Appends a little-endian 64-bit value. */
static void put64(rbuf *r, uint64_t v)
{
	put32(r, (uint32_t)v);
	put32(r, (uint32_t)(v >> 32));
}

/* Appends an ASCII string as UTF-16LE, with a NUL unit when nul is set. */
static void put_w(rbuf *r, const char *s, bool nul)
{
	for (; *s; s++)
		put16(r, (unsigned char)*s);
	if (nul)
		put16(r, 0);
}

/* Starts a Microsoft buffer: tag, ReparseDataLength placeholder, Reserved. */
static void begin(rbuf *r, uint32_t tag)
{
	r->n = 0;
	put32(r, tag);
	put16(r, 0);
	put16(r, 0);
}

/* Fills ReparseDataLength with the number of bytes after the 8-byte header. */
static void finish(rbuf *r)
{
	r->b[4] = (uint8_t)((r->n - 8) & 0xFF);
	r->b[5] = (uint8_t)((r->n - 8) >> 8);
}

/* Overwrites a 16-bit field at off. */
static void poke16(rbuf *r, size_t off, unsigned v)
{
	r->b[off] = (uint8_t)v;
	r->b[off + 1] = (uint8_t)(v >> 8);
}

/* MOUNT_POINT the way Windows writes it: substitute then print name, each NUL-terminated. */
static void build_mount_point(rbuf *r, const char *subst, const char *print)
{
	unsigned sn = (unsigned)strlen(subst) * 2, pn = (unsigned)strlen(print) * 2;
	begin(r, REPARSE_TAG_MOUNT_POINT);
	put16(r, 0);
	put16(r, sn);
	put16(r, sn + 2);
	put16(r, pn);
	put_w(r, subst, true);
	put_w(r, print, true);
	finish(r);
}

/* SYMLINK with the print name first (as mklink does), then the substitute name, no NULs. */
static void build_symlink(rbuf *r, const char *subst, const char *print, uint32_t flags)
{
	unsigned sn = (unsigned)strlen(subst) * 2, pn = (unsigned)strlen(print) * 2;
	begin(r, REPARSE_TAG_SYMLINK);
	put16(r, pn);
	put16(r, sn);
	put16(r, 0);
	put16(r, pn);
	put32(r, flags);
	put_w(r, print, false);
	put_w(r, subst, false);
	finish(r);
}

/* LX_SYMLINK: version then raw UTF-8 bytes. */
static void build_lx(rbuf *r, uint32_t version, const char *target, size_t tlen)
{
	begin(r, REPARSE_TAG_LX_SYMLINK);
	put32(r, version);
	for (size_t i = 0; i < tlen; i++)
		put8(r, (unsigned char)target[i]);
	finish(r);
}

/* APPEXECLINK version 3 with four NUL-terminated strings. */
static void build_appx(rbuf *r)
{
	begin(r, REPARSE_TAG_APPEXECLINK);
	put32(r, 3);
	put_w(r, "Microsoft.WindowsTerminal_8wekyb3d8bbwe", true);
	put_w(r, "Microsoft.WindowsTerminal_8wekyb3d8bbwe!App", true);
	put_w(r, "C:\\Program Files\\WindowsApps\\wt.exe", true);
	put_w(r, "0", true);
	finish(r);
}

/* WOF with the file provider, 16 bytes as Windows stores it: WOF_EXTERNAL_INFO + Version, Algorithm. */
static void build_wof_file(rbuf *r, uint32_t algorithm)
{
	begin(r, REPARSE_TAG_WOF);
	put32(r, 1);
	put32(r, 2);
	put32(r, 1);
	put32(r, algorithm);
	finish(r);
}

/* WOF with the WIM provider (WIM_PROVIDER_EXTERNAL_INFO). */
static void build_wof_wim(rbuf *r)
{
	begin(r, REPARSE_TAG_WOF);
	put32(r, 1);
	put32(r, 1);
	put32(r, 1);
	put32(r, 0);
	put64(r, 0x1122334455667788ull);
	for (int i = 0; i < 20; i++)
		put8(r, 0xA0 + i);
	finish(r);
}

/* A CLOUD_x buffer: flags, length, then opaque bytes. */
static void build_cloud(rbuf *r, uint32_t tag)
{
	begin(r, tag);
	put16(r, 0x8001);
	put16(r, 12);
	for (int i = 0; i < 12; i++)
		put8(r, i);
	finish(r);
}

/* NFS with a type and (for LNK) a UTF-16 target or (CHR/BLK) major and minor. */
static void build_nfs(rbuf *r, uint64_t type, const char *target, uint32_t major, uint32_t minor)
{
	begin(r, REPARSE_TAG_NFS);
	put64(r, type);
	if (target)
		put_w(r, target, false);
	else if (type == 0x524843ull || type == 0x4B4C42ull) {
		put32(r, major);
		put32(r, minor);
	}
	finish(r);
}

static const uint8_t GUID_BYTES[16] = {0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66,
				       0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF};
#define GUID_TEXT "{00112233-4455-6677-8899-AABBCCDDEEFF}"

/* WCI_REPARSE_DATA: version, reserved, lookup GUID, name length in bytes, UTF-16 name. */
static void build_wci(rbuf *r, const char *name)
{
	begin(r, REPARSE_TAG_WCI);
	put32(r, 1);
	put32(r, 0);
	for (int i = 0; i < 16; i++)
		put8(r, GUID_BYTES[i]);
	put16(r, (unsigned)strlen(name) * 2);
	put_w(r, name, false);
	finish(r);
}

/* REPARSE_GUID_DATA_BUFFER: tag, length of the data after the GUID, reserved, GUID, data. */
static void build_third_party(rbuf *r, uint32_t tag, size_t data_len)
{
	r->n = 0;
	put32(r, tag);
	put16(r, (unsigned)data_len);
	put16(r, 0);
	for (int i = 0; i < 16; i++)
		put8(r, GUID_BYTES[i]);
	for (size_t i = 0; i < data_len; i++)
		put8(r, (unsigned)(0x40 + i));
}

/* An opaque Microsoft buffer of n payload bytes. */
static void build_opaque(rbuf *r, uint32_t tag, size_t n)
{
	begin(r, tag);
	for (size_t i = 0; i < n; i++)
		put8(r, (unsigned)i);
	finish(r);
}

/* Decodes from an exactly-sized heap copy, so ASan catches any read past the end. */
static ntfs_status decode_exact(const uint8_t *b, size_t n, reparse_point *rp, ntfs_error *e)
{
	uint8_t *copy = malloc(n ? n : 1);
	cr_assert_not_null(copy);
	if (n)
		memcpy(copy, b, n);
	ntfs_status st = reparse_decode(n ? copy : NULL, n, rp, e);
	free(copy);
	return st;
}

/* Decodes a buffer that must be well-formed. */
static void decode_ok(const rbuf *r, reparse_point *rp)
{
	ntfs_error e;
	cr_assert_eq(decode_exact(r->b, r->n, rp, &e), NTFS_OK, "%s", e.reason);
	cr_assert_not(rp->malformed, "unexpected malformed: %s", rp->malformed_reason);
}

/* Decodes a buffer that must be malformed with exactly this reason. */
static void decode_bad(const rbuf *r, size_t n, const char *reason, reparse_point *rp)
{
	ntfs_error e;
	cr_assert_eq(decode_exact(r->b, n, rp, &e), NTFS_OK, "%s", e.reason);
	cr_assert(rp->malformed, "expected malformed (%s)", reason);
	cr_assert_str_eq(rp->malformed_reason, reason);
}

/* ---- valid buffers of every layout ---- */

Test(reparse, junction)
{
	rbuf r;
	reparse_point rp;
	build_mount_point(&r, "\\??\\C:\\dir1", "C:\\dir1");
	decode_ok(&r, &rp);
	cr_assert_eq(rp.tag, 0xA0000003u);
	cr_assert_eq(rp.data_length, r.n - 8);
	cr_assert_eq(rp.kind, REPARSE_KIND_JUNCTION);
	cr_assert_not_null(rp.info);
	cr_assert_str_eq(rp.info->name, "MOUNT_POINT");
	cr_assert_str_eq(rp.substitute_name, "\\??\\C:\\dir1");
	cr_assert_str_eq(rp.print_name, "C:\\dir1");
	cr_assert_not(rp.relative);
	cr_assert_str_eq(reparse_kind_name(rp.kind), "junction");
	reparse_point_free(&rp);
	cr_assert_null(rp.substitute_name);
	cr_assert_eq(rp.tag, 0);
}

Test(reparse, volume_mount_point)
{
	rbuf r;
	reparse_point rp;
	build_mount_point(&r, "\\??\\Volume{3d9a2c41-1f5e-11ef-9a51-806e6f6e6963}\\", "");
	decode_ok(&r, &rp);
	cr_assert_eq(rp.kind, REPARSE_KIND_VOLUME_MOUNT_POINT);
	cr_assert_str_eq(rp.substitute_name, "\\??\\Volume{3d9a2c41-1f5e-11ef-9a51-806e6f6e6963}\\");
	cr_assert_str_eq(rp.print_name, "");
	cr_assert_str_eq(reparse_kind_name(rp.kind), "volume_mount_point");
	reparse_point_free(&rp);

	/* \??\VolumeX is not a volume GUID path: stays a junction */
	build_mount_point(&r, "\\??\\VolumeX\\dir", "x");
	decode_ok(&r, &rp);
	cr_assert_eq(rp.kind, REPARSE_KIND_JUNCTION);
	reparse_point_free(&rp);
}

Test(reparse, junction_with_non_ascii_target)
{
	rbuf r;
	reparse_point rp;
	begin(&r, REPARSE_TAG_MOUNT_POINT);
	put16(&r, 0);
	put16(&r, 10);
	put16(&r, 12);
	put16(&r, 4);
	put16(&r, '\\');
	put16(&r, 0x00E9);
	put16(&r, 0xD83D);
	put16(&r, 0xDE00);
	put16(&r, 0xDC00); /* lone low surrogate */
	put16(&r, 0);
	put16(&r, 0x4E2D);
	put16(&r, 'x');
	finish(&r);
	decode_ok(&r, &rp);
	cr_assert_str_eq(rp.substitute_name, "\\\xC3\xA9\xF0\x9F\x98\x80\\uDC00");
	cr_assert_str_eq(rp.print_name, "\xE4\xB8\xADx");
	reparse_point_free(&rp);
}

Test(reparse, symlink_absolute_and_relative)
{
	rbuf r;
	reparse_point rp;
	build_symlink(&r, "\\??\\C:\\target.txt", "C:\\target.txt", 0);
	decode_ok(&r, &rp);
	cr_assert_eq(rp.kind, REPARSE_KIND_SYMLINK);
	cr_assert_str_eq(rp.substitute_name, "\\??\\C:\\target.txt");
	cr_assert_str_eq(rp.print_name, "C:\\target.txt");
	cr_assert_eq(rp.symlink_flags, 0);
	cr_assert_not(rp.relative);
	reparse_point_free(&rp);

	build_symlink(&r, "..\\dir1\\a.txt", "..\\dir1\\a.txt", REPARSE_SYMLINK_FLAG_RELATIVE);
	decode_ok(&r, &rp);
	cr_assert_str_eq(rp.substitute_name, "..\\dir1\\a.txt");
	cr_assert_eq(rp.symlink_flags, 1);
	cr_assert(rp.relative);
	cr_assert_str_eq(reparse_kind_name(rp.kind), "symlink");
	reparse_point_free(&rp);

	/* other flag bits do not make it relative */
	build_symlink(&r, "a", "a", 0x80000000u);
	decode_ok(&r, &rp);
	cr_assert_eq(rp.symlink_flags, 0x80000000u);
	cr_assert_not(rp.relative);
	reparse_point_free(&rp);
}

Test(reparse, lx_symlink)
{
	rbuf r;
	reparse_point rp;
	const char *t = "/mnt/c/\xC3\xA9t\xC3\xA9";
	build_lx(&r, 2, t, strlen(t));
	decode_ok(&r, &rp);
	cr_assert_eq(rp.kind, REPARSE_KIND_LX_SYMLINK);
	cr_assert_eq(rp.lx_version, 2);
	cr_assert_str_eq(rp.lx_target, t);
	cr_assert_str_eq(rp.info->name, "LX_SYMLINK");
	reparse_point_free(&rp);

	build_lx(&r, 2, "", 0);
	decode_ok(&r, &rp);
	cr_assert_str_eq(rp.lx_target, "");
	reparse_point_free(&rp);
}

Test(reparse, lx_symlink_invalid_utf8_is_replaced_and_noted)
{
	rbuf r;
	reparse_point rp;
	build_lx(&r, 2, "a\xFF" "b\0c", 5);
	decode_bad(&r, r.n, "LX_SYMLINK target byte 1 of 5 is not valid UTF-8 (or is NUL)", &rp);
	cr_assert_str_eq(rp.lx_target, "a\xEF\xBF\xBD" "b\\u0000c");
	reparse_point_free(&rp);

	build_lx(&r, 1, "x", 1);
	decode_bad(&r, r.n, "LX_SYMLINK Version 1, expected 2", &rp);
	cr_assert_str_eq(rp.lx_target, "x");
	reparse_point_free(&rp);
}

Test(reparse, app_exec_link)
{
	rbuf r;
	reparse_point rp;
	build_appx(&r);
	decode_ok(&r, &rp);
	cr_assert_eq(rp.kind, REPARSE_KIND_APP_EXEC_LINK);
	cr_assert_eq(rp.appx_version, 3);
	cr_assert_str_eq(rp.appx_package_id, "Microsoft.WindowsTerminal_8wekyb3d8bbwe");
	cr_assert_str_eq(rp.appx_app_user_model_id, "Microsoft.WindowsTerminal_8wekyb3d8bbwe!App");
	cr_assert_str_eq(rp.appx_target_path, "C:\\Program Files\\WindowsApps\\wt.exe");
	cr_assert_str_eq(rp.appx_app_type, "0");
	cr_assert_str_eq(reparse_kind_name(rp.kind), "app_exec_link");
	reparse_point_free(&rp);
}

Test(reparse, wof_file_provider_every_algorithm)
{
	static const char *const names[] = {"XPRESS4K", "LZX", "XPRESS8K", "XPRESS16K"};
	rbuf r;
	reparse_point rp;
	for (uint32_t a = 0; a < 4; a++) {
		build_wof_file(&r, a);
		decode_ok(&r, &rp);
		cr_assert_eq(rp.kind, REPARSE_KIND_WOF);
		cr_assert_eq(rp.wof_version, 1);
		cr_assert_eq(rp.wof_provider, 2);
		cr_assert_eq(rp.wof_file_version, 1);
		cr_assert_eq(rp.wof_algorithm, a);
		cr_assert_str_eq(rp.wof_algorithm_name, names[a]);
		reparse_point_free(&rp);
	}
	build_wof_file(&r, 7);
	decode_ok(&r, &rp);
	cr_assert_eq(rp.wof_algorithm, 7);
	cr_assert_null(rp.wof_algorithm_name);
	reparse_point_free(&rp);
}

Test(reparse, wof_wim_provider)
{
	rbuf r;
	reparse_point rp;
	build_wof_wim(&r);
	decode_ok(&r, &rp);
	cr_assert_eq(rp.wof_provider, 1);
	cr_assert_eq(rp.wof_file_version, 1);
	cr_assert_eq(rp.wof_data_source_id, 0x1122334455667788ull);
	cr_assert_null(rp.wof_algorithm_name);
	cr_assert_str_eq(reparse_kind_name(rp.kind), "wof");
	reparse_point_free(&rp);
}

Test(reparse, cloud_every_subtype)
{
	rbuf r;
	reparse_point rp;
	for (unsigned s = 0; s < 16; s++) {
		uint32_t tag = REPARSE_TAG_CLOUD | (s << 12);
		build_cloud(&r, tag);
		decode_ok(&r, &rp);
		cr_assert_eq(rp.kind, REPARSE_KIND_CLOUD);
		cr_assert_eq(rp.cloud_subtype, s);
		cr_assert_eq(rp.cloud_flags, 0x8001);
		cr_assert_eq(rp.cloud_length, 12);
		cr_assert_eq(rp.payload_length, 16);
		cr_assert_not_null(rp.info);
		reparse_point_free(&rp);
	}
	build_cloud(&r, 0x9000A01Au);
	decode_ok(&r, &rp);
	cr_assert_str_eq(rp.info->name, "CLOUD_A");
	reparse_point_free(&rp);
}

Test(reparse, nfs_every_type)
{
	rbuf r;
	reparse_point rp;
	build_nfs(&r, 0x014B4E4Cull, "../x/y", 0, 0);
	decode_ok(&r, &rp);
	cr_assert_eq(rp.kind, REPARSE_KIND_NFS);
	cr_assert_eq(rp.nfs_type, 0x014B4E4Cull);
	cr_assert_str_eq(rp.nfs_type_name, "symlink");
	cr_assert_str_eq(rp.nfs_target, "../x/y");
	reparse_point_free(&rp);

	build_nfs(&r, 0x524843ull, NULL, 4, 64);
	decode_ok(&r, &rp);
	cr_assert_str_eq(rp.nfs_type_name, "char_device");
	cr_assert_eq(rp.nfs_major, 4);
	cr_assert_eq(rp.nfs_minor, 64);
	cr_assert_null(rp.nfs_target);
	reparse_point_free(&rp);

	build_nfs(&r, 0x4B4C42ull, NULL, 8, 1);
	decode_ok(&r, &rp);
	cr_assert_str_eq(rp.nfs_type_name, "block_device");
	cr_assert_eq(rp.nfs_major, 8);
	cr_assert_eq(rp.nfs_minor, 1);
	reparse_point_free(&rp);

	build_nfs(&r, 0x4F464946ull, NULL, 0, 0);
	decode_ok(&r, &rp);
	cr_assert_str_eq(rp.nfs_type_name, "fifo");
	reparse_point_free(&rp);

	build_nfs(&r, 0x4B434F53ull, NULL, 0, 0);
	decode_ok(&r, &rp);
	cr_assert_str_eq(rp.nfs_type_name, "socket");
	cr_assert_str_eq(reparse_kind_name(rp.kind), "nfs");
	reparse_point_free(&rp);

	build_nfs(&r, 0x1234ull, NULL, 0, 0);
	decode_bad(&r, r.n, "NFS Type 0x0000000000001234 is not LNK, CHR, BLK, FIFO or SOCK", &rp);
	cr_assert_null(rp.nfs_type_name);
	reparse_point_free(&rp);
}

Test(reparse, wci)
{
	rbuf r;
	reparse_point rp;
	build_wci(&r, "Windows\\System32\\notepad.exe");
	decode_ok(&r, &rp);
	cr_assert_eq(rp.kind, REPARSE_KIND_WCI);
	cr_assert_eq(rp.wci_version, 1);
	cr_assert(rp.has_guid);
	cr_assert_str_eq(rp.guid_string, GUID_TEXT);
	cr_assert_str_eq(rp.wci_name, "Windows\\System32\\notepad.exe");
	cr_assert_str_eq(reparse_kind_name(rp.kind), "wci");
	reparse_point_free(&rp);

	/* WCI_1 (the directory variant) has the same layout */
	build_wci(&r, "dir");
	r.b[0] = 0x18; r.b[1] = 0x10; r.b[2] = 0x00; r.b[3] = 0x90;
	decode_ok(&r, &rp);
	cr_assert_str_eq(rp.info->name, "WCI_1");
	cr_assert_eq(rp.kind, REPARSE_KIND_WCI);
	cr_assert_str_eq(rp.wci_name, "dir");
	cr_assert_str_eq(rp.guid_string, GUID_TEXT);
	reparse_point_free(&rp);

	/* WCI_TOMBSTONE is in the wci family but opaque */
	build_opaque(&r, 0xA000001Fu, 0);
	decode_ok(&r, &rp);
	cr_assert_eq(rp.kind, REPARSE_KIND_WCI);
	cr_assert_null(rp.wci_name);
	cr_assert_not(rp.has_guid);
	reparse_point_free(&rp);
}

Test(reparse, opaque_microsoft_kinds)
{
	rbuf r;
	reparse_point rp;
	build_opaque(&r, REPARSE_TAG_DEDUP, 40);
	decode_ok(&r, &rp);
	cr_assert_eq(rp.kind, REPARSE_KIND_DEDUP);
	cr_assert_eq(rp.payload_length, 40);
	cr_assert_str_eq(reparse_kind_name(rp.kind), "dedup");
	reparse_point_free(&rp);

	build_opaque(&r, REPARSE_TAG_AF_UNIX, 0);
	decode_ok(&r, &rp);
	cr_assert_eq(rp.kind, REPARSE_KIND_AF_UNIX);
	cr_assert_eq(rp.payload_length, 0);
	cr_assert_str_eq(reparse_kind_name(rp.kind), "af_unix");
	reparse_point_free(&rp);

	static const uint32_t lx_special[] = {0x80000024u, 0x80000025u, 0x80000026u};
	for (int i = 0; i < 3; i++) {
		build_opaque(&r, lx_special[i], 0);
		decode_ok(&r, &rp);
		cr_assert_eq(rp.kind, REPARSE_KIND_OTHER_MICROSOFT);
		cr_assert_str_eq(reparse_kind_name(rp.kind), "other");
		reparse_point_free(&rp);
	}

	build_opaque(&r, 0x8000FFFFu, 3);
	decode_ok(&r, &rp);
	cr_assert_eq(rp.kind, REPARSE_KIND_UNKNOWN);
	cr_assert_null(rp.info);
	cr_assert_eq(rp.payload_length, 3);
	cr_assert_str_eq(reparse_kind_name(rp.kind), "unknown");
	reparse_point_free(&rp);
}

Test(reparse, third_party_guid_layout)
{
	rbuf r;
	reparse_point rp;
	build_third_party(&r, 0x00000047u, 5);
	decode_ok(&r, &rp);
	cr_assert_eq(rp.tag, 0x47);
	cr_assert_eq(rp.kind, REPARSE_KIND_THIRD_PARTY);
	cr_assert_null(rp.info);
	cr_assert(rp.has_guid);
	cr_assert_eq(memcmp(rp.guid, GUID_BYTES, 16), 0);
	cr_assert_str_eq(rp.guid_string, GUID_TEXT);
	cr_assert_eq(rp.data_length, 5);
	cr_assert_eq(rp.payload_length, 5);
	cr_assert_str_eq(reparse_kind_name(rp.kind), "third_party");
	reparse_point_free(&rp);

	/* a Microsoft-reserved tag with the M bit clear: named, but still the GUID layout */
	build_third_party(&r, 0x00000001u, 0);
	decode_ok(&r, &rp);
	cr_assert_str_eq(rp.info->name, "RESERVED_ONE");
	cr_assert_eq(rp.kind, REPARSE_KIND_THIRD_PARTY);
	cr_assert(rp.has_guid);
	reparse_point_free(&rp);
}

Test(reparse, guid_string_format)
{
	rbuf r;
	reparse_point rp;
	r.n = 0;
	put32(&r, 0x2000000Du);
	put16(&r, 0);
	put16(&r, 0);
	static const uint8_t g[16] = {0x42, 0xBE, 0x7A, 0x25, 0x28, 0x5A, 0x8C, 0x4C,
				      0xAC, 0x46, 0x8F, 0xEA, 0x56, 0x19, 0xF1, 0x8F};
	for (int i = 0; i < 16; i++)
		put8(&r, g[i]);
	decode_ok(&r, &rp);
	cr_assert_str_eq(rp.guid_string, "{257ABE42-5A28-4C8C-AC46-8FEA5619F18F}");
	cr_assert_eq(strlen(rp.guid_string), 38);
	reparse_point_free(&rp);
}

/* ---- truncation: every valid buffer cut at every length ---- */

/* Builds one valid buffer of each layout into out[]; returns how many. */
static size_t all_layouts(rbuf *out)
{
	size_t k = 0;
	build_mount_point(&out[k++], "\\??\\C:\\dir1", "C:\\dir1");
	build_mount_point(&out[k++], "\\??\\Volume{3d9a2c41-1f5e-11ef-9a51-806e6f6e6963}\\", "");
	build_symlink(&out[k++], "..\\dir1\\a.txt", "..\\dir1\\a.txt", 1);
	build_lx(&out[k++], 2, "/usr/bin/x", 10);
	build_appx(&out[k++]);
	build_wof_file(&out[k++], 1);
	build_wof_wim(&out[k++]);
	build_cloud(&out[k++], 0x9000301Au);
	build_nfs(&out[k++], 0x014B4E4Cull, "tgt", 0, 0);
	build_nfs(&out[k++], 0x524843ull, NULL, 1, 2);
	build_nfs(&out[k++], 0x4B434F53ull, NULL, 0, 0);
	build_wci(&out[k++], "name");
	build_opaque(&out[k++], REPARSE_TAG_DEDUP, 24);
	build_opaque(&out[k++], REPARSE_TAG_AF_UNIX, 0);
	build_third_party(&out[k++], 0x00000047u, 9);
	return k;
}

Test(reparse, every_layout_cut_at_every_length)
{
	static rbuf bufs[20];
	size_t nb = all_layouts(bufs);
	for (size_t i = 0; i < nb; i++) {
		reparse_point rp;
		decode_ok(&bufs[i], &rp);
		reparse_point_free(&rp);
		for (size_t n = 0; n < bufs[i].n; n++) {
			ntfs_error e;
			ntfs_status st = decode_exact(bufs[i].b, n, &rp, &e);
			if (n < 4) {
				cr_assert_eq(st, NTFS_E_TRUNCATED, "layout %zu len %zu", i, n);
				cr_assert_str_eq(e.reason, n == 0 ? "reparse buffer is 0 bytes, too short for the 4-byte ReparseTag"
							  : e.reason);
			} else {
				cr_assert_eq(st, NTFS_OK, "layout %zu len %zu: %s", i, n, e.reason);
				cr_assert(rp.malformed, "layout %zu cut to %zu of %zu bytes not malformed", i, n, bufs[i].n);
				cr_assert_gt(strlen(rp.malformed_reason), 10);
				cr_assert_eq(rp.tag, (uint32_t)bufs[i].b[0] | (uint32_t)bufs[i].b[1] << 8 |
							     (uint32_t)bufs[i].b[2] << 16 | (uint32_t)bufs[i].b[3] << 24);
			}
			reparse_point_free(&rp);
		}
	}
}

Test(reparse, truncation_reasons)
{
	rbuf r;
	reparse_point rp;
	ntfs_error e;
	build_mount_point(&r, "\\??\\C:\\d", "C:\\d");
	cr_assert_eq(decode_exact(r.b, 3, &rp, &e), NTFS_E_TRUNCATED);
	cr_assert_str_eq(e.reason, "reparse buffer is 3 bytes, too short for the 4-byte ReparseTag");
	decode_bad(&r, 6, "reparse header truncated: 6 of 8 bytes", &rp);
	cr_assert_eq(rp.tag, REPARSE_TAG_MOUNT_POINT);
	cr_assert_eq(rp.kind, REPARSE_KIND_JUNCTION);
	cr_assert_eq(rp.data_length, r.n - 8);
	decode_bad(&r, 12, "ReparseDataLength 36 exceeds the 4 bytes after the 8-byte header", &rp);
	cr_assert_null(rp.substitute_name);
	reparse_point_free(&rp);

	/* cut inside the print name: the substitute name is still decoded */
	decode_bad(&r, r.n - 4, "ReparseDataLength 36 exceeds the 32 bytes after the 8-byte header", &rp);
	cr_assert_str_eq(rp.substitute_name, "\\??\\C:\\d");
	cr_assert_null(rp.print_name);
	reparse_point_free(&rp);

	build_third_party(&r, 0x47, 4);
	decode_bad(&r, 20, "buffer is 20 bytes, the REPARSE_GUID_DATA_BUFFER header with its GUID needs 24", &rp);
	cr_assert_not(rp.has_guid);
	decode_bad(&r, 26, "ReparseDataLength 4 exceeds the 2 bytes after the 24-byte GUID header", &rp);
	cr_assert(rp.has_guid);
	cr_assert_eq(rp.payload_length, 2);
}

/* ---- lying lengths and offsets ---- */

Test(reparse, lying_reparse_data_length)
{
	rbuf r;
	reparse_point rp;
	build_symlink(&r, "a", "b", 0);
	poke16(&r, 4, 0xFFFF);
	decode_bad(&r, r.n, "ReparseDataLength 65535 exceeds the 16 bytes after the 8-byte header", &rp);
	cr_assert_eq(rp.data_length, 0xFFFF);
	cr_assert_eq(rp.payload_length, 16);
	cr_assert_str_eq(rp.substitute_name, "a"); /* names inside the real bytes still decode */
	reparse_point_free(&rp);

	/* a shorter claim than the buffer is fine: trailing bytes are slack */
	build_symlink(&r, "a", "b", 0);
	put16(&r, 0x1234);
	decode_ok(&r, &rp);
	cr_assert_eq(rp.payload_length, r.n - 10);
	reparse_point_free(&rp);

	/* a claim shorter than the names puts them out of PathBuffer */
	build_symlink(&r, "abc", "d", 0);
	poke16(&r, 4, 14);
	decode_bad(&r, r.n, "SubstituteNameOffset 2 + SubstituteNameLength 6 = 8 exceeds the 2-byte PathBuffer", &rp);
	cr_assert_null(rp.substitute_name);
	reparse_point_free(&rp);
}

Test(reparse, lying_name_offsets_and_lengths)
{
	rbuf r;
	reparse_point rp;

	build_mount_point(&r, "\\??\\C:\\x", "C:\\x");
	poke16(&r, 8, 200); /* SubstituteNameOffset */
	decode_bad(&r, r.n, "SubstituteNameOffset 200 + SubstituteNameLength 16 = 216 exceeds the 28-byte PathBuffer", &rp);
	cr_assert_null(rp.substitute_name);
	cr_assert_str_eq(rp.print_name, "C:\\x");
	cr_assert_eq(rp.kind, REPARSE_KIND_JUNCTION);
	reparse_point_free(&rp);

	build_mount_point(&r, "\\??\\C:\\x", "C:\\x");
	poke16(&r, 10, 0xFFFF); /* SubstituteNameLength */
	decode_bad(&r, r.n, "SubstituteNameOffset 0 + SubstituteNameLength 65535 = 65535 exceeds the 28-byte PathBuffer", &rp);
	reparse_point_free(&rp);

	build_mount_point(&r, "\\??\\C:\\x", "C:\\x");
	poke16(&r, 12, 0xFFFE); /* PrintNameOffset */
	decode_bad(&r, r.n, "PrintNameOffset 65534 + PrintNameLength 8 = 65542 exceeds the 28-byte PathBuffer", &rp);
	cr_assert_str_eq(rp.substitute_name, "\\??\\C:\\x");
	cr_assert_null(rp.print_name);
	reparse_point_free(&rp);

	build_mount_point(&r, "\\??\\C:\\x", "C:\\x");
	poke16(&r, 14, 12); /* PrintNameLength runs one unit past the end */
	decode_bad(&r, r.n, "PrintNameOffset 18 + PrintNameLength 12 = 30 exceeds the 28-byte PathBuffer", &rp);
	reparse_point_free(&rp);
}

Test(reparse, print_name_exactly_to_the_end_is_fine)
{
	rbuf r;
	reparse_point rp;
	build_mount_point(&r, "\\??\\C:\\x", "C:\\x");
	poke16(&r, 14, 10); /* includes the final NUL: ends exactly at PathBuffer's end */
	decode_ok(&r, &rp);
	cr_assert_str_eq(rp.print_name, "C:\\x\\u0000");
	reparse_point_free(&rp);
}

Test(reparse, odd_lengths_and_offsets)
{
	rbuf r;
	reparse_point rp;
	build_mount_point(&r, "\\??\\C:\\x", "C:\\x");
	poke16(&r, 10, 15);
	decode_bad(&r, r.n, "SubstituteNameLength 15 is odd (UTF-16 needs an even byte count)", &rp);
	cr_assert_str_eq(rp.substitute_name, "\\??\\C:\\"); /* 7 whole units */
	reparse_point_free(&rp);

	build_symlink(&r, "abc", "d", 0);
	poke16(&r, 14, 1); /* PrintNameLength */
	decode_bad(&r, r.n, "PrintNameLength 1 is odd (UTF-16 needs an even byte count)", &rp);
	cr_assert_str_eq(rp.print_name, "");
	reparse_point_free(&rp);

	build_symlink(&r, "abc", "d", 0);
	poke16(&r, 8, 1); /* SubstituteNameOffset: 1 + 6 still fits the 8-byte PathBuffer */
	decode_bad(&r, r.n, "SubstituteNameOffset 1 is odd (UTF-16 needs 2-byte alignment)", &rp);
	reparse_point_free(&rp);
}

Test(reparse, overlapping_names)
{
	rbuf r;
	reparse_point rp;
	build_mount_point(&r, "\\??\\C:\\x", "C:\\x");
	poke16(&r, 12, 8); /* PrintNameOffset inside the substitute name */
	decode_bad(&r, r.n, "PrintName bytes [8, 16) overlap SubstituteName bytes [0, 16)", &rp);
	cr_assert_str_eq(rp.substitute_name, "\\??\\C:\\x");
	cr_assert_str_eq(rp.print_name, "C:\\x");
	reparse_point_free(&rp);

	/* an empty print name at the same offset is not an overlap */
	build_mount_point(&r, "\\??\\C:\\x", "C:\\x");
	poke16(&r, 12, 0);
	poke16(&r, 14, 0);
	decode_ok(&r, &rp);
	cr_assert_str_eq(rp.print_name, "");
	reparse_point_free(&rp);
}

Test(reparse, fixed_parts_too_short)
{
	rbuf r;
	reparse_point rp;
	build_opaque(&r, REPARSE_TAG_MOUNT_POINT, 6);
	decode_bad(&r, r.n, "MOUNT_POINT data is 6 bytes, shorter than its 8-byte fixed part", &rp);
	build_opaque(&r, REPARSE_TAG_SYMLINK, 10);
	decode_bad(&r, r.n, "SYMLINK data is 10 bytes, shorter than its 12-byte fixed part", &rp);
	cr_assert_eq(rp.symlink_flags, 0);
	build_opaque(&r, REPARSE_TAG_LX_SYMLINK, 3);
	decode_bad(&r, r.n, "LX_SYMLINK data is 3 bytes, shorter than its 4-byte Version", &rp);
	build_opaque(&r, REPARSE_TAG_APPEXECLINK, 0);
	decode_bad(&r, r.n, "APPEXECLINK data is 0 bytes, shorter than its 4-byte Version", &rp);
	build_opaque(&r, REPARSE_TAG_WOF, 7);
	decode_bad(&r, r.n, "WOF data is 7 bytes, shorter than the 8-byte WOF_EXTERNAL_INFO", &rp);
	build_opaque(&r, REPARSE_TAG_NFS, 4);
	decode_bad(&r, r.n, "NFS data is 4 bytes, shorter than its 8-byte Type", &rp);
	build_opaque(&r, REPARSE_TAG_WCI, 25);
	decode_bad(&r, r.n, "WCI data is 25 bytes, shorter than its 26-byte fixed part", &rp);
}

Test(reparse, payload_field_lies)
{
	rbuf r;
	reparse_point rp;

	build_appx(&r);
	r.b[r.n - 2] = 'X'; /* remove the last string's terminator */
	decode_bad(&r, r.n, "APPEXECLINK string 4 (app type) at byte 244 has no NUL terminator within the 248-byte data", &rp);
	cr_assert_str_eq(rp.appx_target_path, "C:\\Program Files\\WindowsApps\\wt.exe");
	cr_assert_null(rp.appx_app_type);
	reparse_point_free(&rp);

	build_appx(&r);
	r.b[8] = 2;
	decode_bad(&r, r.n, "APPEXECLINK Version 2, expected 3", &rp);
	cr_assert_str_eq(rp.appx_app_type, "0");
	reparse_point_free(&rp);

	build_wof_file(&r, 1);
	r.n -= 4;
	finish(&r);
	decode_bad(&r, r.n, "WOF file provider info is 4 bytes, Version and Algorithm need 8", &rp);
	build_wof_wim(&r);
	r.n -= 1;
	finish(&r);
	decode_bad(&r, r.n, "WOF WIM provider info is 35 bytes, WIM_PROVIDER_EXTERNAL_INFO needs 36", &rp);
	build_wof_file(&r, 1);
	r.b[8] = 9;
	decode_bad(&r, r.n, "WOF_EXTERNAL_INFO Version 9, expected 1", &rp);

	build_nfs(&r, 0x524843ull, NULL, 1, 2);
	r.n -= 1;
	finish(&r);
	decode_bad(&r, r.n, "NFS device data is 7 bytes, major and minor need 8", &rp);
	build_nfs(&r, 0x014B4E4Cull, "ab", 0, 0);
	put8(&r, 'c');
	finish(&r);
	decode_bad(&r, r.n, "NFS symlink target is 5 bytes, odd for UTF-16", &rp);
	cr_assert_str_eq(rp.nfs_target, "ab");
	reparse_point_free(&rp);

	build_wci(&r, "abc");
	poke16(&r, 8 + 24, 100);
	decode_bad(&r, r.n, "WciNameLength 100 exceeds the 6 bytes after the fixed part", &rp);
	cr_assert_null(rp.wci_name);
	cr_assert(rp.has_guid);
	build_wci(&r, "abc");
	poke16(&r, 8 + 24, 5);
	decode_bad(&r, r.n, "WciNameLength 5 is odd (UTF-16 needs an even byte count)", &rp);
	cr_assert_str_eq(rp.wci_name, "ab");
	reparse_point_free(&rp);
}

Test(reparse, over_maximum_size)
{
	static uint8_t big[8 + 17000];
	reparse_point rp;
	ntfs_error e;
	memset(big, 0, sizeof(big));
	big[0] = 0x13; big[1] = 0x00; big[2] = 0x00; big[3] = 0x80; /* DEDUP */
	big[4] = (uint8_t)(17000 & 0xFF);
	big[5] = (uint8_t)(17000 >> 8);
	cr_assert_eq(reparse_decode(big, sizeof(big), &rp, &e), NTFS_OK);
	cr_assert(rp.malformed);
	cr_assert_str_eq(rp.malformed_reason, "ReparseDataLength 17000 exceeds the 16376-byte maximum after the header");
	cr_assert_eq(rp.payload_length, 17000);
}

Test(reparse, first_reason_wins)
{
	rbuf r;
	reparse_point rp;
	build_mount_point(&r, "\\??\\C:\\x", "C:\\x");
	poke16(&r, 10, 15);     /* odd substitute length */
	poke16(&r, 12, 0xFFFE); /* print name out of range */
	decode_bad(&r, r.n, "SubstituteNameLength 15 is odd (UTF-16 needs an even byte count)", &rp);
	reparse_point_free(&rp);
}

Test(reparse, bad_arguments)
{
	reparse_point rp;
	ntfs_error e;
	cr_assert_eq(reparse_decode(NULL, 10, &rp, &e), NTFS_E_INVALID);
	cr_assert_eq(reparse_decode((const uint8_t *)"abcdefgh", 8, NULL, &e), NTFS_E_INVALID);
	cr_assert_eq(reparse_decode(NULL, 0, &rp, NULL), NTFS_E_TRUNCATED);
	reparse_point_free(NULL);
	reparse_point_free(&rp); /* a zeroed struct frees cleanly, twice */
	reparse_point_free(&rp);
}

/* ---- the tag table ---- */

Test(reparse_tags, table_is_complete_sorted_unique)
{
	size_t n = 0;
	const reparse_tag_info *t = reparse_tag_table(&n);
	cr_assert_geq(n, 55);
	cr_assert_eq(n, 56); /* 53 Microsoft tags + RESERVED_ZERO/ONE/TWO */
	for (size_t i = 0; i < n; i++) {
		cr_assert_not_null(t[i].name);
		cr_assert_eq(strncmp(t[i].name, "IO_REPARSE_TAG_", 15) != 0, true, "%s keeps its prefix", t[i].name);
		if (i > 0)
			cr_assert_lt(t[i - 1].tag, t[i].tag, "not sorted/unique at %s", t[i].name);
		for (size_t j = 0; j < i; j++)
			cr_assert_str_neq(t[i].name, t[j].name);
		cr_assert_eq(reparse_tag_lookup(t[i].tag), &t[i]);
	}
}

Test(reparse_tags, bits_and_kinds_are_consistent)
{
	size_t n = 0;
	const reparse_tag_info *t = reparse_tag_table(&n);
	int clouds = 0;
	for (size_t i = 0; i < n; i++) {
		/* the layout follows the M bit: only M-clear tags are third_party */
		cr_assert_eq(t[i].kind == REPARSE_KIND_THIRD_PARTY, !reparse_tag_is_microsoft(t[i].tag), "%s", t[i].name);
		/* MS-FSCC: the D bit must not be set together with N */
		cr_assert_not(reparse_tag_is_surrogate(t[i].tag) && reparse_tag_is_directory(t[i].tag), "%s", t[i].name);
		cr_assert_neq(t[i].kind, REPARSE_KIND_UNKNOWN);
		cr_assert_neq(t[i].kind, REPARSE_KIND_VOLUME_MOUNT_POINT); /* decided per buffer */
		if ((t[i].tag & ~REPARSE_TAG_CLOUD_MASK) == REPARSE_TAG_CLOUD) {
			cr_assert_eq(t[i].kind, REPARSE_KIND_CLOUD, "%s", t[i].name);
			cr_assert_eq(strncmp(t[i].name, "CLOUD", 5), 0);
			clouds++;
		}
	}
	cr_assert_eq(clouds, 16);
	cr_assert(reparse_tag_is_surrogate(REPARSE_TAG_SYMLINK));
	cr_assert(reparse_tag_is_surrogate(REPARSE_TAG_MOUNT_POINT));
	cr_assert(reparse_tag_is_surrogate(REPARSE_TAG_LX_SYMLINK));
	cr_assert_not(reparse_tag_is_surrogate(REPARSE_TAG_WOF));
	cr_assert(reparse_tag_is_directory(REPARSE_TAG_CLOUD));
}

Test(reparse_tags, exact_values)
{
	static const struct {
		uint32_t tag;
		const char *name;
		reparse_kind kind;
	} want[] = {
		{0xA0000003u, "MOUNT_POINT", REPARSE_KIND_JUNCTION},
		{0xC0000004u, "HSM", REPARSE_KIND_OTHER_MICROSOFT},
		{0x80000005u, "DRIVE_EXTENDER", REPARSE_KIND_OTHER_MICROSOFT},
		{0x80000006u, "HSM2", REPARSE_KIND_OTHER_MICROSOFT},
		{0x80000007u, "SIS", REPARSE_KIND_OTHER_MICROSOFT},
		{0x80000008u, "WIM", REPARSE_KIND_OTHER_MICROSOFT},
		{0x80000009u, "CSV", REPARSE_KIND_OTHER_MICROSOFT},
		{0x8000000Au, "DFS", REPARSE_KIND_OTHER_MICROSOFT},
		{0x8000000Bu, "FILTER_MANAGER", REPARSE_KIND_OTHER_MICROSOFT},
		{0xA000000Cu, "SYMLINK", REPARSE_KIND_SYMLINK},
		{0xA0000010u, "IIS_CACHE", REPARSE_KIND_OTHER_MICROSOFT},
		{0x80000012u, "DFSR", REPARSE_KIND_OTHER_MICROSOFT},
		{0x80000013u, "DEDUP", REPARSE_KIND_DEDUP},
		{0xC0000014u, "APPXSTRM", REPARSE_KIND_OTHER_MICROSOFT},
		{0x80000014u, "NFS", REPARSE_KIND_NFS},
		{0x80000015u, "FILE_PLACEHOLDER", REPARSE_KIND_OTHER_MICROSOFT},
		{0x80000016u, "DFM", REPARSE_KIND_OTHER_MICROSOFT},
		{0x80000017u, "WOF", REPARSE_KIND_WOF},
		{0x80000018u, "WCI", REPARSE_KIND_WCI},
		{0x90001018u, "WCI_1", REPARSE_KIND_WCI},
		{0xA0000019u, "GLOBAL_REPARSE", REPARSE_KIND_OTHER_MICROSOFT},
		{0x9000001Au, "CLOUD", REPARSE_KIND_CLOUD},
		{0x9000F01Au, "CLOUD_F", REPARSE_KIND_CLOUD},
		{0x8000001Bu, "APPEXECLINK", REPARSE_KIND_APP_EXEC_LINK},
		{0x9000001Cu, "PROJFS", REPARSE_KIND_OTHER_MICROSOFT},
		{0xA000001Du, "LX_SYMLINK", REPARSE_KIND_LX_SYMLINK},
		{0x8000001Eu, "STORAGE_SYNC", REPARSE_KIND_OTHER_MICROSOFT},
		{0x90000027u, "STORAGE_SYNC_FOLDER", REPARSE_KIND_OTHER_MICROSOFT},
		{0xA000001Fu, "WCI_TOMBSTONE", REPARSE_KIND_WCI},
		{0x80000020u, "UNHANDLED", REPARSE_KIND_OTHER_MICROSOFT},
		{0x80000021u, "ONEDRIVE", REPARSE_KIND_OTHER_MICROSOFT},
		{0xA0000022u, "PROJFS_TOMBSTONE", REPARSE_KIND_OTHER_MICROSOFT},
		{0x80000023u, "AF_UNIX", REPARSE_KIND_AF_UNIX},
		{0x80000024u, "LX_FIFO", REPARSE_KIND_OTHER_MICROSOFT},
		{0x80000025u, "LX_CHR", REPARSE_KIND_OTHER_MICROSOFT},
		{0x80000026u, "LX_BLK", REPARSE_KIND_OTHER_MICROSOFT},
		{0xA0000027u, "WCI_LINK", REPARSE_KIND_WCI},
		{0xA0001027u, "WCI_LINK_1", REPARSE_KIND_WCI},
		{0xA0000028u, "DATALESS_CIM", REPARSE_KIND_OTHER_MICROSOFT},
		{0x00000000u, "RESERVED_ZERO", REPARSE_KIND_THIRD_PARTY},
		{0x00000002u, "RESERVED_TWO", REPARSE_KIND_THIRD_PARTY},
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const reparse_tag_info *t = reparse_tag_lookup(want[i].tag);
		cr_assert_not_null(t, "0x%08X missing", want[i].tag);
		cr_assert_str_eq(t->name, want[i].name);
		cr_assert_eq(t->kind, want[i].kind, "%s", want[i].name);
	}
	cr_assert_eq(reparse_tag_lookup(REPARSE_TAG_APPEXECLINK)->tag, 0x8000001Bu);
	cr_assert_null(reparse_tag_lookup(0x8000FFFFu));
	cr_assert_null(reparse_tag_lookup(0xFFFFFFFFu));
	cr_assert_null(reparse_tag_lookup(0x00000047u));
	cr_assert_null(reparse_tag_lookup(0x0000F000u)); /* CLOUD_MASK is not a tag */
}

Test(reparse_tags, kind_names_are_stable)
{
	static const char *const names[] = {"unknown", "junction", "volume_mount_point", "symlink", "lx_symlink",
					    "app_exec_link", "wof", "cloud", "dedup", "nfs", "af_unix", "wci",
					    "other", "third_party"};
	for (int k = REPARSE_KIND_UNKNOWN; k <= REPARSE_KIND_THIRD_PARTY; k++)
		cr_assert_str_eq(reparse_kind_name((reparse_kind)k), names[k]);
	cr_assert_str_eq(reparse_kind_name((reparse_kind)99), "unknown");
}

Test(reparse, target_text_by_kind)
{
	reparse_point rp;
	memset(&rp, 0, sizeof(rp));
	rp.kind = REPARSE_KIND_JUNCTION;
	rp.substitute_name = "\\??\\C:\\Users";
	rp.print_name = "";
	cr_assert_str_eq(reparse_target_text(&rp), "\\??\\C:\\Users"); /* empty print name: the real target */
	rp.print_name = "C:\\Users";
	cr_assert_str_eq(reparse_target_text(&rp), "C:\\Users");
	rp.kind = REPARSE_KIND_LX_SYMLINK;
	rp.lx_target = "/mnt/c/x";
	cr_assert_str_eq(reparse_target_text(&rp), "/mnt/c/x");
	rp.kind = REPARSE_KIND_APP_EXEC_LINK;
	rp.appx_target_path = "C:\\a.exe";
	cr_assert_str_eq(reparse_target_text(&rp), "C:\\a.exe");
	rp.kind = REPARSE_KIND_WOF;
	cr_assert_null(reparse_target_text(&rp));
}
