/* SPDX-License-Identifier: Apache-2.0 */
/*
 * $REPARSE_POINT decoder (MS-FSCC 2.1.2). The value is an 8-byte header (ReparseTag,
 * ReparseDataLength, Reserved) followed by tag-specific data; tags with the Microsoft bit clear
 * put a 16-byte GUID between the header and the data (REPARSE_GUID_DATA_BUFFER), and there
 * ReparseDataLength counts only the data after the GUID.
 *
 * Policy: once the header's tag is readable the decode succeeds and every inconsistency is a
 * "malformed" note (the first one found is kept as the reason) so the caller still reports the
 * tag. When ReparseDataLength claims more than the buffer holds, the payload is decoded from the
 * bytes that are there, and anything that would need the missing bytes is left out. Nothing is
 * ever read outside buf.
 */
#include "reparse.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "le.h"
#include "utf16.h"

#define REPARSE_HEADER_SIZE 8u
#define REPARSE_GUID_HEADER_SIZE 24u
#define REPARSE_MAX_BUFFER 16384u      /* MAXIMUM_REPARSE_DATA_BUFFER_SIZE */

#define NFS_SPECFILE_LNK  0x00000000014B4E4Cull /* "LNK\1" */
#define NFS_SPECFILE_CHR  0x0000000000524843ull /* "CHR" */
#define NFS_SPECFILE_BLK  0x00000000004B4C42ull /* "BLK" */
#define NFS_SPECFILE_FIFO 0x000000004F464946ull /* "FIFO" */
#define NFS_SPECFILE_SOCK 0x000000004B434F53ull /* "SOCK" */

#define REPARSE_TAG_WCI_1 0x90001018u

#define WOF_PROVIDER_WIM  1u
#define WOF_PROVIDER_FILE 2u

static void mark(reparse_point *rp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Records a malformation; keeps the first reason because later ones are usually its consequences. */
static void mark(reparse_point *rp, const char *fmt, ...)
{
	va_list ap;

	if (rp->malformed)
		return;
	rp->malformed = true;
	va_start(ap, fmt);
	vsnprintf(rp->malformed_reason, sizeof(rp->malformed_reason), fmt, ap);
	va_end(ap);
}

/* Converts `units` UTF-16LE units to a fresh UTF-8 string; false only when malloc fails. */
static bool take_utf16(const uint8_t *p, size_t units, char **out)
{
	*out = ntfs_utf16_to_utf8_alloc(p, units);
	return *out != NULL;
}

/* Formats a GUID as Windows displays it: Data1-3 little-endian, Data4 bytes in order, upper case. */
static void format_guid(const uint8_t g[16], char out[39])
{
	snprintf(out, 39, "{%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X}",
		 (unsigned)le32(g), (unsigned)le16(g + 4), (unsigned)le16(g + 6), g[8], g[9], g[10], g[11],
		 g[12], g[13], g[14], g[15]);
}

/* Copies a GUID out of the buffer into rp and formats it. */
static void take_guid(reparse_point *rp, const uint8_t *g)
{
	memcpy(rp->guid, g, 16);
	rp->has_guid = true;
	format_guid(rp->guid, rp->guid_string);
}

/* True when s starts with prefix, ASCII case-insensitively (Windows writes \??\Volume{ but may vary). */
static bool starts_with_ci(const char *s, const char *prefix)
{
	for (; *prefix; s++, prefix++) {
		char a = *s, b = *prefix;
		if (a >= 'A' && a <= 'Z')
			a = (char)(a - 'A' + 'a');
		if (b >= 'A' && b <= 'Z')
			b = (char)(b - 'A' + 'a');
		if (a != b)
			return false;
	}
	return true;
}

/*
 * Decodes one name of a MOUNT_POINT/SYMLINK PathBuffer (offset/length relative to PathBuffer, in
 * bytes). A name outside PathBuffer is left NULL; an odd length or offset is noted but decoded.
 */
static bool path_name(reparse_point *rp, const uint8_t *pb, size_t pblen, unsigned off, unsigned n,
		      const char *field, char **out)
{
	if ((size_t)off + n > pblen) {
		mark(rp, "%sNameOffset %u + %sNameLength %u = %u exceeds the %zu-byte PathBuffer", field, off,
		     field, n, off + n, pblen);
		return true;
	}
	if (n % 2 != 0)
		mark(rp, "%sNameLength %u is odd (UTF-16 needs an even byte count)", field, n);
	if (off % 2 != 0)
		mark(rp, "%sNameOffset %u is odd (UTF-16 needs 2-byte alignment)", field, off);
	return take_utf16(pb + off, n / 2, out);
}

/* Decodes the name pair shared by MOUNT_POINT (fixed = 8) and SYMLINK (fixed = 12 with Flags). */
static bool name_pair(reparse_point *rp, const uint8_t *d, size_t dlen, size_t fixed, const char *what)
{
	if (dlen < fixed) {
		mark(rp, "%s data is %zu bytes, shorter than its %zu-byte fixed part", what, dlen, fixed);
		return true;
	}
	unsigned so = le16(d), sn = le16(d + 2), po = le16(d + 4), pn = le16(d + 6);
	const uint8_t *pb = d + fixed;
	size_t pblen = dlen - fixed;

	if (!path_name(rp, pb, pblen, so, sn, "Substitute", &rp->substitute_name))
		return false;
	if (!path_name(rp, pb, pblen, po, pn, "Print", &rp->print_name))
		return false;
	if (sn > 0 && pn > 0 && po < so + sn && so < po + pn)
		mark(rp, "PrintName bytes [%u, %u) overlap SubstituteName bytes [%u, %u)", po, po + pn, so,
		     so + sn);
	return true;
}

/* MOUNT_POINT (MS-FSCC 2.1.2.5): a junction, or a volume mount point when it targets \??\Volume{GUID}\. */
static bool decode_mount_point(reparse_point *rp, const uint8_t *d, size_t dlen)
{
	if (!name_pair(rp, d, dlen, 8, "MOUNT_POINT"))
		return false;
	if (rp->substitute_name && starts_with_ci(rp->substitute_name, "\\??\\Volume{"))
		rp->kind = REPARSE_KIND_VOLUME_MOUNT_POINT;
	return true;
}

/* SYMLINK (MS-FSCC 2.1.2.4): the name pair plus Flags, whose bit 0 marks a relative link. */
static bool decode_symlink(reparse_point *rp, const uint8_t *d, size_t dlen)
{
	if (dlen >= 12) {
		rp->symlink_flags = le32(d + 8);
		rp->relative = (rp->symlink_flags & REPARSE_SYMLINK_FLAG_RELATIVE) != 0;
	}
	return name_pair(rp, d, dlen, 12, "SYMLINK");
}

/* LX_SYMLINK: Version (2) then the UTF-8 target with no NUL; invalid UTF-8 is noted and replaced. */
static bool decode_lx_symlink(reparse_point *rp, const uint8_t *d, size_t dlen)
{
	if (dlen < 4) {
		mark(rp, "LX_SYMLINK data is %zu bytes, shorter than its 4-byte Version", dlen);
		return true;
	}
	rp->lx_version = le32(d);
	if (rp->lx_version != 2)
		mark(rp, "LX_SYMLINK Version %u, expected 2", (unsigned)rp->lx_version);

	const char *t = (const char *)d + 4;
	size_t tlen = dlen - 4;
	size_t bad = ntfs_utf8_validate(t, tlen);
	if (bad == tlen) {
		rp->lx_target = malloc(tlen + 1);
		if (rp->lx_target == NULL)
			return false;
		memcpy(rp->lx_target, t, tlen);
		rp->lx_target[tlen] = '\0';
		return true;
	}
	/* Re-encode through UTF-16: invalid bytes become U+FFFD and NUL becomes \u0000. */
	mark(rp, "LX_SYMLINK target byte %zu of %zu is not valid UTF-8 (or is NUL)", bad, tlen);
	size_t units = ntfs_utf8_to_utf16(t, tlen, NULL, 0);
	uint8_t *le = malloc(units * 2 + 1);
	uint16_t *u = malloc(units * sizeof(uint16_t) + 1);
	bool ok = le != NULL && u != NULL;
	if (ok) {
		ntfs_utf8_to_utf16(t, tlen, u, units);
		for (size_t i = 0; i < units; i++) {
			le[2 * i] = (uint8_t)u[i];
			le[2 * i + 1] = (uint8_t)(u[i] >> 8);
		}
		ok = take_utf16(le, units, &rp->lx_target);
	}
	free(le);
	free(u);
	return ok;
}

/* Finds the NUL unit ending the UTF-16 string at d[pos..dlen); returns its offset or dlen. */
static size_t find_nul16(const uint8_t *d, size_t dlen, size_t pos)
{
	while (pos + 2 <= dlen) {
		if (d[pos] == 0 && d[pos + 1] == 0)
			return pos;
		pos += 2;
	}
	return dlen;
}

/* APPEXECLINK: Version (3) then four NUL-terminated UTF-16 strings. */
static bool decode_appexeclink(reparse_point *rp, const uint8_t *d, size_t dlen)
{
	static const char *const names[4] = {"package id", "app user model id", "target path", "app type"};
	char **slots[4] = {&rp->appx_package_id, &rp->appx_app_user_model_id, &rp->appx_target_path,
			   &rp->appx_app_type};

	if (dlen < 4) {
		mark(rp, "APPEXECLINK data is %zu bytes, shorter than its 4-byte Version", dlen);
		return true;
	}
	rp->appx_version = le32(d);
	if (rp->appx_version != 3)
		mark(rp, "APPEXECLINK Version %u, expected 3", (unsigned)rp->appx_version);

	size_t pos = 4;
	for (int i = 0; i < 4; i++) {
		size_t end = find_nul16(d, dlen, pos);
		if (end >= dlen) {
			mark(rp, "APPEXECLINK string %d (%s) at byte %zu has no NUL terminator within the %zu-byte data",
			     i + 1, names[i], pos, dlen);
			return true;
		}
		if (!take_utf16(d + pos, (end - pos) / 2, slots[i]))
			return false;
		pos = end + 2;
	}
	return true;
}

/* Stable name of a WOF file-provider compression algorithm; NULL when not one we know. */
static const char *wof_algorithm_name(uint32_t alg)
{
	switch (alg) {
	case 0: return "XPRESS4K";
	case 1: return "LZX";
	case 2: return "XPRESS8K";
	case 3: return "XPRESS16K";
	}
	return NULL;
}

/* WOF: WOF_EXTERNAL_INFO (Version, Provider) then the provider's own info. */
static void decode_wof(reparse_point *rp, const uint8_t *d, size_t dlen)
{
	if (dlen < 8) {
		mark(rp, "WOF data is %zu bytes, shorter than the 8-byte WOF_EXTERNAL_INFO", dlen);
		return;
	}
	rp->wof_version = le32(d);
	rp->wof_provider = le32(d + 4);
	if (rp->wof_version != 1)
		mark(rp, "WOF_EXTERNAL_INFO Version %u, expected 1", (unsigned)rp->wof_version);
	if (rp->wof_provider == WOF_PROVIDER_FILE) {
		/* on disk the file provider stores Version and Algorithm only (16 bytes in all, as Windows
		 * writes them); the API struct FILE_PROVIDER_EXTERNAL_INFO_V1 adds a Flags word that is not kept */
		if (dlen < 8 + 8) {
			mark(rp, "WOF file provider info is %zu bytes, Version and Algorithm need 8", dlen - 8);
			return;
		}
		rp->wof_file_version = le32(d + 8);
		rp->wof_algorithm = le32(d + 12);
		rp->wof_algorithm_name = wof_algorithm_name(rp->wof_algorithm);
	} else if (rp->wof_provider == WOF_PROVIDER_WIM) {
		/* WIM_PROVIDER_EXTERNAL_INFO: Version, Flags, DataSourceId, 20-byte ResourceHash */
		if (dlen < 8 + 36) {
			mark(rp, "WOF WIM provider info is %zu bytes, WIM_PROVIDER_EXTERNAL_INFO needs 36", dlen - 8);
			return;
		}
		rp->wof_file_version = le32(d + 8);
		rp->wof_data_source_id = le64(d + 16);
	}
}

/* CLOUD family: subtype from the tag; the payload's first two 16-bit words are flags and length. */
static void decode_cloud(reparse_point *rp, const uint8_t *d, size_t dlen)
{
	rp->cloud_subtype = (unsigned)((rp->tag & REPARSE_TAG_CLOUD_MASK) >> 12);
	if (dlen >= 2)
		rp->cloud_flags = le16(d);
	if (dlen >= 4)
		rp->cloud_length = le16(d + 2);
}

/* NFS (MS-FSCC 2.1.2.6): 8-byte Type, then a UTF-16 target (LNK) or major/minor (CHR, BLK). */
static bool decode_nfs(reparse_point *rp, const uint8_t *d, size_t dlen)
{
	if (dlen < 8) {
		mark(rp, "NFS data is %zu bytes, shorter than its 8-byte Type", dlen);
		return true;
	}
	rp->nfs_type = le64(d);
	switch (rp->nfs_type) {
	case NFS_SPECFILE_LNK:
		rp->nfs_type_name = "symlink";
		if ((dlen - 8) % 2 != 0)
			mark(rp, "NFS symlink target is %zu bytes, odd for UTF-16", dlen - 8);
		return take_utf16(d + 8, (dlen - 8) / 2, &rp->nfs_target);
	case NFS_SPECFILE_CHR:
	case NFS_SPECFILE_BLK:
		rp->nfs_type_name = rp->nfs_type == NFS_SPECFILE_CHR ? "char_device" : "block_device";
		if (dlen < 16) {
			mark(rp, "NFS device data is %zu bytes, major and minor need 8", dlen - 8);
			return true;
		}
		rp->nfs_major = le32(d + 8);
		rp->nfs_minor = le32(d + 12);
		return true;
	case NFS_SPECFILE_FIFO:
		rp->nfs_type_name = "fifo";
		return true;
	case NFS_SPECFILE_SOCK:
		rp->nfs_type_name = "socket";
		return true;
	}
	mark(rp, "NFS Type 0x%016llX is not LNK, CHR, BLK, FIFO or SOCK", (unsigned long long)rp->nfs_type);
	return true;
}

/* WCI_REPARSE_DATA: Version, Reserved, LookupGuid, WciNameLength (bytes), WciName (UTF-16). */
static bool decode_wci(reparse_point *rp, const uint8_t *d, size_t dlen)
{
	if (dlen < 26) {
		mark(rp, "WCI data is %zu bytes, shorter than its 26-byte fixed part", dlen);
		return true;
	}
	rp->wci_version = le32(d);
	take_guid(rp, d + 8);
	unsigned n = le16(d + 24);
	if (n > dlen - 26) {
		mark(rp, "WciNameLength %u exceeds the %zu bytes after the fixed part", n, dlen - 26);
		return true;
	}
	if (n % 2 != 0)
		mark(rp, "WciNameLength %u is odd (UTF-16 needs an even byte count)", n);
	return take_utf16(d + 26, n / 2, &rp->wci_name);
}

/* REPARSE_GUID_DATA_BUFFER (MS-FSCC 2.1.2.3), the layout of every tag with the Microsoft bit clear. */
static void decode_guid_layout(reparse_point *rp, const uint8_t *buf, size_t len)
{
	if (len < REPARSE_GUID_HEADER_SIZE) {
		mark(rp, "buffer is %zu bytes, the REPARSE_GUID_DATA_BUFFER header with its GUID needs 24", len);
		rp->payload_length = 0;
		return;
	}
	take_guid(rp, buf + REPARSE_HEADER_SIZE);
	size_t avail = len - REPARSE_GUID_HEADER_SIZE;
	rp->payload_length = rp->data_length;
	if (rp->data_length > avail) {
		mark(rp, "ReparseDataLength %u exceeds the %zu bytes after the 24-byte GUID header",
		     (unsigned)rp->data_length, avail);
		rp->payload_length = avail;
	} else if (rp->data_length > REPARSE_MAX_BUFFER - REPARSE_GUID_HEADER_SIZE) {
		mark(rp, "ReparseDataLength %u exceeds the %u-byte maximum after the GUID header",
		     (unsigned)rp->data_length, REPARSE_MAX_BUFFER - REPARSE_GUID_HEADER_SIZE);
	}
}

/* Dispatches a Microsoft tag's data (d, dlen: bytes after the header that exist) to its decoder. */
static bool decode_microsoft(reparse_point *rp, const uint8_t *d, size_t dlen)
{
	switch (rp->kind) {
	case REPARSE_KIND_JUNCTION:
		return decode_mount_point(rp, d, dlen);
	case REPARSE_KIND_SYMLINK:
		return decode_symlink(rp, d, dlen);
	case REPARSE_KIND_LX_SYMLINK:
		return decode_lx_symlink(rp, d, dlen);
	case REPARSE_KIND_APP_EXEC_LINK:
		return decode_appexeclink(rp, d, dlen);
	case REPARSE_KIND_WOF:
		decode_wof(rp, d, dlen);
		return true;
	case REPARSE_KIND_CLOUD:
		decode_cloud(rp, d, dlen);
		return true;
	case REPARSE_KIND_NFS:
		return decode_nfs(rp, d, dlen);
	case REPARSE_KIND_WCI:
		/* only WCI and WCI_1 hold WCI_REPARSE_DATA; tombstones and links stay opaque */
		if (rp->tag == REPARSE_TAG_WCI || rp->tag == REPARSE_TAG_WCI_1)
			return decode_wci(rp, d, dlen);
		return true;
	default:
		return true; /* DEDUP, AF_UNIX, other and unknown Microsoft tags: opaque payload */
	}
}

/* Entry point: header, then the GUID layout or the Microsoft tag's own decoder (see reparse.h). */
ntfs_status reparse_decode(const uint8_t *buf, size_t len, reparse_point *out, ntfs_error *err)
{
	if (out == NULL)
		return ntfs_error_set(err, NTFS_E_INVALID, "reparse_decode: no output structure");
	memset(out, 0, sizeof(*out));
	ntfs_error_clear(err);
	if (buf == NULL && len > 0)
		return ntfs_error_set(err, NTFS_E_INVALID, "reparse_decode: NULL buffer of %zu bytes", len);
	if (len < 4)
		return ntfs_error_set(err, NTFS_E_TRUNCATED,
				      "reparse buffer is %zu bytes, too short for the 4-byte ReparseTag", len);

	out->tag = le32(buf);
	out->info = reparse_tag_lookup(out->tag);
	if (!reparse_tag_is_microsoft(out->tag))
		out->kind = REPARSE_KIND_THIRD_PARTY;
	else
		out->kind = out->info ? out->info->kind : REPARSE_KIND_UNKNOWN;
	if (len < REPARSE_HEADER_SIZE) {
		if (len >= 6)
			out->data_length = le16(buf + 4);
		mark(out, "reparse header truncated: %zu of 8 bytes", len);
		return NTFS_OK;
	}
	out->data_length = le16(buf + 4);

	if (!reparse_tag_is_microsoft(out->tag)) {
		decode_guid_layout(out, buf, len);
		return NTFS_OK;
	}

	size_t avail = len - REPARSE_HEADER_SIZE;
	size_t dlen = out->data_length;
	if (dlen > avail) {
		mark(out, "ReparseDataLength %zu exceeds the %zu bytes after the 8-byte header", dlen, avail);
		dlen = avail;
	} else if (dlen > REPARSE_MAX_BUFFER - REPARSE_HEADER_SIZE) {
		mark(out, "ReparseDataLength %zu exceeds the %u-byte maximum after the header", dlen,
		     REPARSE_MAX_BUFFER - REPARSE_HEADER_SIZE);
	}
	out->payload_length = dlen;

	if (!decode_microsoft(out, buf + REPARSE_HEADER_SIZE, dlen)) {
		uint32_t tag = out->tag;
		reparse_point_free(out);
		return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory decoding reparse tag 0x%08X", (unsigned)tag);
	}
	return NTFS_OK;
}

/* Frees every string the decoder may have set and zeroes the struct, so a second free is harmless. */
void reparse_point_free(reparse_point *rp)
{
	if (rp == NULL)
		return;
	free(rp->substitute_name);
	free(rp->print_name);
	free(rp->lx_target);
	free(rp->appx_package_id);
	free(rp->appx_app_user_model_id);
	free(rp->appx_target_path);
	free(rp->appx_app_type);
	free(rp->nfs_target);
	free(rp->wci_name);
	memset(rp, 0, sizeof(*rp));
}

const char *reparse_target_text(const reparse_point *rp)
{
	switch (rp->kind) {
	case REPARSE_KIND_JUNCTION:
	case REPARSE_KIND_VOLUME_MOUNT_POINT:
	case REPARSE_KIND_SYMLINK:
		return rp->print_name && rp->print_name[0] ? rp->print_name : rp->substitute_name;
	case REPARSE_KIND_LX_SYMLINK:
		return rp->lx_target;
	case REPARSE_KIND_APP_EXEC_LINK:
		return rp->appx_target_path;
	default:
		return NULL;
	}
}
