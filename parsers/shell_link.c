/* SPDX-License-Identifier: Apache-2.0 */
/* Shell link (.lnk) files, [MS-SHLLINK] 2.1-2.4, bytes in; see shell_link.h. */
#include "shell_link.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "le.h"

/* Wraps err's reason in a prefix and returns st (ntfs_error_prefix alone returns NTFS_OK when err is NULL). */
#define prefixed(st, err, ...) (ntfs_error_prefix((err), __VA_ARGS__), (st))
#include "utf16.h"

static const uint8_t LINK_CLSID[16] = {0x01, 0x14, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
				       0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46};

/* ShellLinkHeader. */
enum {
	H_SIZE = 0,
	H_CLSID = 4,
	H_FLAGS = 20,
	H_ATTRIBUTES = 24,
	H_CREATION = 28,
	H_ACCESS = 36,
	H_WRITE = 44,
	H_FILE_SIZE = 52
};

/* LinkInfo. */
enum {
	LI_SIZE = 0,
	LI_HEADER_SIZE = 4,
	LI_FLAGS = 8,
	LI_VOLUME_ID = 12,
	LI_LOCAL_BASE = 16,
	LI_NETWORK = 20,
	LI_SUFFIX = 24,
	LI_LOCAL_BASE_UNICODE = 28,
	LI_SUFFIX_UNICODE = 32,
	LI_MIN_HEADER = 0x1C,
	LI_UNICODE_HEADER = 0x24
};
#define LI_VOLUME_AND_LOCAL 0x1u
#define LI_NETWORK_AND_SUFFIX 0x2u

/* VolumeID and CommonNetworkRelativeLink. */
enum {
	V_SIZE = 0,
	V_DRIVE_TYPE = 4,
	V_SERIAL = 8,
	V_LABEL = 12,
	V_LABEL_UNICODE = 16,
	V_MIN = 0x10,
	N_SIZE = 0,
	N_FLAGS = 4,
	N_NET_NAME = 8,
	N_DEVICE_NAME = 12,
	N_NET_NAME_UNICODE = 20,
	N_DEVICE_NAME_UNICODE = 24,
	N_MIN = 0x14
};
#define N_VALID_DEVICE 0x1u

bool ntfs_shell_link_sniff(const uint8_t *buf, size_t len)
{
	return buf && len >= NTFS_LNK_HEADER_SIZE && le32(buf + H_SIZE) == NTFS_LNK_HEADER_SIZE &&
	       !memcmp(buf + H_CLSID, LINK_CLSID, 16);
}

const char *ntfs_shell_link_drive_type_name(uint32_t t)
{
	static const char *const names[] = {"unknown", "no_root_dir", "removable", "fixed", "remote", "cdrom", "ramdisk"};
	return t < sizeof(names) / sizeof(names[0]) ? names[t] : "unknown";
}

/* Copies n ANSI bytes at p as UTF-8 (Latin-1 for bytes >= 0x80, NUL as '?'); *cut when it does not fit. */
static void ansi_copy(const uint8_t *p, size_t n, char *out, bool *cut)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i] ? p[i] : '?';
		size_t need = c < 0x80 ? 1 : 2;
		if (o + need >= NTFS_LNK_TEXT_MAX) {
			*cut = true;
			break;
		}
		if (c < 0x80) {
			out[o++] = (char)c;
		} else {
			out[o++] = (char)(0xC0 | (c >> 6));
			out[o++] = (char)(0x80 | (c & 0x3F));
		}
	}
	out[o] = '\0';
}

/* Copies a NUL-terminated ANSI string at buf[off..end) as UTF-8. */
static ntfs_status ansi_at(const uint8_t *buf, size_t end, size_t off, char *out, bool *cut, const char *what,
			   ntfs_error *err)
{
	out[0] = '\0';
	if (off >= end)
		return ntfs_error_set(err, NTFS_E_RANGE, "%s at %zu is outside the %zu bytes of its structure", what, off, end);
	const uint8_t *nul = memchr(buf + off, 0, end - off);
	if (!nul)
		return ntfs_error_set(err, NTFS_E_TRUNCATED, "%s at %zu has no terminating NUL", what, off);
	ansi_copy(buf + off, (size_t)(nul - (buf + off)), out, cut);
	return NTFS_OK;
}

/* Copies `units` UTF-16LE units at p as UTF-8; *cut when it does not fit. */
static void utf16_copy(const uint8_t *p, size_t units, char *out, bool *cut)
{
	if (ntfs_utf16_to_utf8(p, units, out, NTFS_LNK_TEXT_MAX) >= NTFS_LNK_TEXT_MAX)
		*cut = true;
}

/* Copies a NUL-terminated UTF-16 string at buf[off..end) as UTF-8. */
static ntfs_status unicode_at(const uint8_t *buf, size_t end, size_t off, char *out, bool *cut, const char *what,
			      ntfs_error *err)
{
	out[0] = '\0';
	if (off >= end)
		return ntfs_error_set(err, NTFS_E_RANGE, "%s at %zu is outside the %zu bytes of its structure", what, off, end);
	size_t n = 0;
	while (off + 2 * n + 1 < end && le16(buf + off + 2 * n))
		n++;
	if (off + 2 * n + 1 >= end)
		return ntfs_error_set(err, NTFS_E_TRUNCATED, "%s at %zu has no terminating NUL", what, off);
	utf16_copy(buf + off, n, out, cut);
	return NTFS_OK;
}

/* The VolumeID at li[off..size). */
static ntfs_status volume_id(const uint8_t *li, size_t size, size_t off, ntfs_shell_link *out, ntfs_error *err)
{
	if (!le_in_bounds(size, off, V_MIN))
		return ntfs_error_set(err, NTFS_E_RANGE, "VolumeID at %zu does not fit in LinkInfo's %zu bytes", off, size);
	const uint8_t *v = li + off;
	uint32_t vsize = le32(v + V_SIZE);
	if (vsize <= V_MIN || vsize > size - off)
		return ntfs_error_set(err, NTFS_E_RANGE, "VolumeID size %u is outside (%d, %zu]", vsize, V_MIN, size - off);
	out->drive_type = le32(v + V_DRIVE_TYPE);
	out->drive_serial = le32(v + V_SERIAL);
	uint32_t label = le32(v + V_LABEL);
	ntfs_status st;
	if (label == 0x14) {
		if (vsize < 0x14)
			return ntfs_error_set(err, NTFS_E_RANGE, "VolumeID of %u bytes has no Unicode label offset", vsize);
		st = unicode_at(v, vsize, le32(v + V_LABEL_UNICODE), out->volume_label, &out->truncated, "volume label", err);
	} else {
		st = ansi_at(v, vsize, label, out->volume_label, &out->truncated, "volume label", err);
	}
	if (st != NTFS_OK)
		return st;
	out->has_volume = true;
	return NTFS_OK;
}

/* The CommonNetworkRelativeLink at li[off..size). */
static ntfs_status network_link(const uint8_t *li, size_t size, size_t off, ntfs_shell_link *out, ntfs_error *err)
{
	if (!le_in_bounds(size, off, N_MIN))
		return ntfs_error_set(err, NTFS_E_RANGE, "CommonNetworkRelativeLink at %zu does not fit in LinkInfo's %zu bytes",
				      off, size);
	const uint8_t *n = li + off;
	uint32_t nsize = le32(n + N_SIZE);
	if (nsize < N_MIN || nsize > size - off)
		return ntfs_error_set(err, NTFS_E_RANGE, "CommonNetworkRelativeLink size %u is outside [%d, %zu]", nsize, N_MIN,
				      size - off);
	uint32_t flags = le32(n + N_FLAGS), net = le32(n + N_NET_NAME), dev = le32(n + N_DEVICE_NAME);
	bool unicode = net > 0x14 && nsize >= 0x1C;
	ntfs_status st = unicode ? unicode_at(n, nsize, le32(n + N_NET_NAME_UNICODE), out->net_name, &out->truncated,
					      "net name", err)
				 : ansi_at(n, nsize, net, out->net_name, &out->truncated, "net name", err);
	if (st != NTFS_OK)
		return st;
	if (flags & N_VALID_DEVICE) {
		st = unicode ? unicode_at(n, nsize, le32(n + N_DEVICE_NAME_UNICODE), out->device_name, &out->truncated,
					  "device name", err)
			     : ansi_at(n, nsize, dev, out->device_name, &out->truncated, "device name", err);
		if (st != NTFS_OK)
			return st;
	}
	out->has_network = true;
	return NTFS_OK;
}

/* Joins a and b with one backslash between them into out. */
static void join(const char *a, const char *b, char *out, bool *cut)
{
	size_t la = strlen(a);
	bool sep = *b && la && a[la - 1] != '\\';
	int n = snprintf(out, NTFS_LNK_TEXT_MAX, "%s%s%s", a, sep ? "\\" : "", b);
	if (n < 0 || n >= NTFS_LNK_TEXT_MAX)
		*cut = true;
}

/* The LinkInfo at buf[off..len); *used receives its size. */
static ntfs_status link_info(const uint8_t *buf, size_t len, size_t off, ntfs_shell_link *out, size_t *used,
			     ntfs_error *err)
{
	if (!le_in_bounds(len, off, LI_MIN_HEADER))
		return ntfs_error_set(err, NTFS_E_TRUNCATED, "LinkInfo at %zu needs %d bytes, the file has %zu", off,
				      LI_MIN_HEADER, len);
	const uint8_t *li = buf + off;
	uint32_t size = le32(li + LI_SIZE), hsize = le32(li + LI_HEADER_SIZE), flags = le32(li + LI_FLAGS);
	if (size < LI_MIN_HEADER || size > len - off)
		return ntfs_error_set(err, NTFS_E_RANGE, "LinkInfo size %u is outside [%d, %zu]", size, LI_MIN_HEADER,
				      len - off);
	if (hsize < LI_MIN_HEADER || hsize > size)
		return ntfs_error_set(err, NTFS_E_RANGE, "LinkInfo header size %u is outside [%d, %u]", hsize, LI_MIN_HEADER,
				      size);
	bool unicode = hsize >= LI_UNICODE_HEADER;
	char base[NTFS_LNK_TEXT_MAX] = "", suffix[NTFS_LNK_TEXT_MAX] = "";
	ntfs_status st;
	if (flags & LI_VOLUME_AND_LOCAL) {
		if ((st = volume_id(li, size, le32(li + LI_VOLUME_ID), out, err)) != NTFS_OK)
			return st;
		st = unicode && le32(li + LI_LOCAL_BASE_UNICODE)
			     ? unicode_at(li, size, le32(li + LI_LOCAL_BASE_UNICODE), base, &out->truncated, "local base path", err)
			     : ansi_at(li, size, le32(li + LI_LOCAL_BASE), base, &out->truncated, "local base path", err);
		if (st != NTFS_OK)
			return st;
	}
	if ((flags & LI_NETWORK_AND_SUFFIX) && (st = network_link(li, size, le32(li + LI_NETWORK), out, err)) != NTFS_OK)
		return st;
	if (flags & (LI_VOLUME_AND_LOCAL | LI_NETWORK_AND_SUFFIX)) {
		st = unicode && le32(li + LI_SUFFIX_UNICODE)
			     ? unicode_at(li, size, le32(li + LI_SUFFIX_UNICODE), suffix, &out->truncated, "common path suffix", err)
			     : ansi_at(li, size, le32(li + LI_SUFFIX), suffix, &out->truncated, "common path suffix", err);
		if (st != NTFS_OK)
			return st;
	}
	if (flags & LI_VOLUME_AND_LOCAL) {
		join(base, suffix, out->local_path, &out->truncated);
		out->has_local_path = true;
	}
	if (out->has_network)
		join(out->net_name, suffix, out->network_path, &out->truncated);
	*used = size;
	return NTFS_OK;
}

/* One StringData string at buf[*pos..len): a count of characters, then the characters. */
static ntfs_status string_data(const uint8_t *buf, size_t len, size_t *pos, bool unicode, char *out, bool *cut,
			       const char *what, ntfs_error *err)
{
	if (!le_in_bounds(len, *pos, 2))
		return ntfs_error_set(err, NTFS_E_TRUNCATED, "%s: no character count at %zu of %zu bytes", what, *pos, len);
	size_t count = le16(buf + *pos), bytes = count * (unicode ? 2 : 1);
	if (!le_in_bounds(len, *pos + 2, bytes))
		return ntfs_error_set(err, NTFS_E_RANGE, "%s: %zu characters at %zu run past the %zu bytes of the file", what,
				      count, *pos + 2, len);
	const uint8_t *p = buf + *pos + 2;
	if (unicode)
		utf16_copy(p, count, out, cut);
	else
		ansi_copy(p, count, out, cut);
	*pos += 2 + bytes;
	return NTFS_OK;
}

ntfs_status ntfs_shell_link_decode(const uint8_t *buf, size_t len, ntfs_shell_link *out, ntfs_error *err)
{
	memset(out, 0, sizeof(*out));
	if (!ntfs_shell_link_sniff(buf, len))
		return ntfs_error_set(err, NTFS_E_SIGNATURE, "not a shell link: no 0x4C-byte header with the shell link CLSID");
	out->link_flags = le32(buf + H_FLAGS);
	out->file_attributes = le32(buf + H_ATTRIBUTES);
	out->creation_time = le64(buf + H_CREATION);
	out->access_time = le64(buf + H_ACCESS);
	out->write_time = le64(buf + H_WRITE);
	out->file_size = le32(buf + H_FILE_SIZE);
	size_t pos = NTFS_LNK_HEADER_SIZE;
	ntfs_status st;
	if (out->link_flags & NTFS_LNK_HAS_ID_LIST) {
		if (!le_in_bounds(len, pos, 2))
			return ntfs_error_set(err, NTFS_E_TRUNCATED, "LinkTargetIDList size missing at %zu", pos);
		size_t n = le16(buf + pos);
		if (!le_in_bounds(len, pos + 2, n))
			return ntfs_error_set(err, NTFS_E_RANGE, "LinkTargetIDList of %zu bytes runs past the %zu bytes of the file",
					      n, len);
		pos += 2 + n;
	}
	if ((out->link_flags & NTFS_LNK_HAS_LINK_INFO) && !(out->link_flags & NTFS_LNK_FORCE_NO_LINK_INFO)) {
		size_t used;
		if ((st = link_info(buf, len, pos, out, &used, err)) != NTFS_OK)
			return prefixed(st, err, "LinkInfo: ");
		pos += used;
	} else if (out->link_flags & NTFS_LNK_HAS_LINK_INFO) {
		if (!le_in_bounds(len, pos, 4) || le32(buf + pos) > len - pos)
			return ntfs_error_set(err, NTFS_E_RANGE, "LinkInfo (ignored) runs past the file");
		pos += le32(buf + pos);
	}
	bool u = out->link_flags & NTFS_LNK_IS_UNICODE;
	static const struct {
		uint32_t flag;
		size_t field;
		const char *what;
	} strings[] = {
		{NTFS_LNK_HAS_NAME, offsetof(ntfs_shell_link, name), "NAME_STRING"},
		{NTFS_LNK_HAS_RELATIVE_PATH, offsetof(ntfs_shell_link, relative_path), "RELATIVE_PATH"},
		{NTFS_LNK_HAS_WORKING_DIR, offsetof(ntfs_shell_link, working_dir), "WORKING_DIR"},
		{NTFS_LNK_HAS_ARGUMENTS, offsetof(ntfs_shell_link, arguments), "COMMAND_LINE_ARGUMENTS"},
		{NTFS_LNK_HAS_ICON_LOCATION, offsetof(ntfs_shell_link, icon_location), "ICON_LOCATION"},
	};
	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
		if ((out->link_flags & strings[i].flag) &&
		    (st = string_data(buf, len, &pos, u, (char *)out + strings[i].field, &out->truncated, strings[i].what,
				      err)) != NTFS_OK)
			return st;
	ntfs_error_clear(err);
	return NTFS_OK;
}
