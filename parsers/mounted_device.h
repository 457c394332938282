/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Values of the SYSTEM hive's MountedDevices key: the name says which drive letter ("\DosDevices\C:") or
 * volume GUID ("\??\Volume{GUID}") it is; the data says which volume: 12 bytes on an MBR disk (disk
 * signature, partition byte offset), 24 on a GPT disk ("DMIO:ID:" and the partition's unique GUID), or a
 * UTF-16 device path (removable media, CD-ROMs, virtual disks). Pure; thread-safe.
 */
#ifndef NTFSLINKS_MOUNTED_DEVICE_H
#define NTFSLINKS_MOUNTED_DEVICE_H

#include <stddef.h>
#include <stdint.h>

#include "gpt.h"
#include "ntfs_error.h"

typedef enum {
	MD_NAME_OTHER = 0,        /* anything else (e.g. "#{GUID}" entries of removed disks) */
	MD_NAME_DRIVE,            /* \DosDevices\X: */
	MD_NAME_VOLUME            /* \??\Volume{GUID} */
} md_name_kind;

typedef struct {
	md_name_kind kind;
	char letter;              /* upper case, for MD_NAME_DRIVE */
	char guid[NTFS_GUID_STRING]; /* lower case, without braces, for MD_NAME_VOLUME */
} md_name;

typedef enum {
	MD_DATA_MBR = 1,          /* signature + offset */
	MD_DATA_GPT,              /* DMIO:ID: + partition GUID */
	MD_DATA_DEVICE            /* a UTF-16 device path */
} md_data_kind;

typedef struct {
	md_data_kind kind;
	uint32_t signature;       /* MBR disk signature */
	uint64_t offset;          /* MBR partition byte offset on the disk */
	uint8_t guid[16];         /* GPT partition unique GUID, as stored */
} md_data;

/* Classifies a value name (UTF-8 as read from the hive). */
void ntfs_md_name_decode(const char *name, md_name *out);

/*
 * Decodes a value's data. NTFS_E_INVALID for data that is none of the three forms (an odd length, a
 * 12- or 24-byte value that is not one, an empty value).
 */
ntfs_status ntfs_md_data_decode(const uint8_t *buf, size_t len, md_data *out, ntfs_error *err);

#endif
