/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shell link (.lnk) files per [MS-SHLLINK]: the header (times, size, attributes of the target), the
 * LinkInfo (volume: drive type, serial, label; local base path; network share and device; common path
 * suffix) and the StringData (name, relative path, working directory, arguments, icon location).
 * The ID list and the extra data blocks are skipped by their sizes. Every offset and count is checked
 * against the bytes given: a size that lies is an error, never a read past the buffer.
 * ANSI strings (the system code page) are read as Windows-1252's Latin-1 subset: bytes >= 0x80 map
 * to U+0080..U+00FF.
 */
#ifndef NTFSLINKS_SHELL_LINK_H
#define NTFSLINKS_SHELL_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ntfs_error.h"

#define NTFS_LNK_HEADER_SIZE 0x4C
#define NTFS_LNK_TEXT_MAX 2048    /* UTF-8 bytes kept per string (longer ones are cut and flagged) */

enum {                            /* LinkFlags */
	NTFS_LNK_HAS_ID_LIST = 0x1,
	NTFS_LNK_HAS_LINK_INFO = 0x2,
	NTFS_LNK_HAS_NAME = 0x4,
	NTFS_LNK_HAS_RELATIVE_PATH = 0x8,
	NTFS_LNK_HAS_WORKING_DIR = 0x10,
	NTFS_LNK_HAS_ARGUMENTS = 0x20,
	NTFS_LNK_HAS_ICON_LOCATION = 0x40,
	NTFS_LNK_IS_UNICODE = 0x80,
	NTFS_LNK_FORCE_NO_LINK_INFO = 0x100
};

enum {                            /* VolumeID DriveType */
	NTFS_LNK_DRIVE_UNKNOWN = 0,
	NTFS_LNK_DRIVE_NO_ROOT_DIR = 1,
	NTFS_LNK_DRIVE_REMOVABLE = 2,
	NTFS_LNK_DRIVE_FIXED = 3,
	NTFS_LNK_DRIVE_REMOTE = 4,
	NTFS_LNK_DRIVE_CDROM = 5,
	NTFS_LNK_DRIVE_RAMDISK = 6
};

typedef struct {
	uint32_t link_flags;
	uint32_t file_attributes;
	uint64_t creation_time, access_time, write_time; /* FILETIME of the target when the link was made */
	uint32_t file_size;
	bool has_volume;          /* LinkInfo's VolumeID */
	uint32_t drive_type;
	uint32_t drive_serial;
	char volume_label[NTFS_LNK_TEXT_MAX];
	bool has_local_path;
	char local_path[NTFS_LNK_TEXT_MAX];  /* local base path + common path suffix ("C:\dir\file.txt") */
	bool has_network;         /* LinkInfo's CommonNetworkRelativeLink */
	char net_name[NTFS_LNK_TEXT_MAX];    /* "\\server\share" */
	char device_name[NTFS_LNK_TEXT_MAX]; /* "Z:" when mapped */
	char network_path[NTFS_LNK_TEXT_MAX];/* net name + "\" + common path suffix */
	char name[NTFS_LNK_TEXT_MAX];
	char relative_path[NTFS_LNK_TEXT_MAX];
	char working_dir[NTFS_LNK_TEXT_MAX];
	char arguments[NTFS_LNK_TEXT_MAX];
	char icon_location[NTFS_LNK_TEXT_MAX];
	bool truncated;           /* some string was longer than NTFS_LNK_TEXT_MAX */
} ntfs_shell_link;

/* True when buf starts like a shell link: header size 0x4C and the shell link CLSID. */
bool ntfs_shell_link_sniff(const uint8_t *buf, size_t len);

/* Decodes the shell link in buf[0..len) into out. */
ntfs_status ntfs_shell_link_decode(const uint8_t *buf, size_t len, ntfs_shell_link *out, ntfs_error *err);

/* The name of a drive type ("fixed", "remote", ...; "unknown" for other values). */
const char *ntfs_shell_link_drive_type_name(uint32_t drive_type);

#endif
