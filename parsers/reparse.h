/* SPDX-License-Identifier: Apache-2.0 */
/* $REPARSE_POINT buffers (MS-FSCC 2.1.2): the tag table and a decoder for every documented layout. */
#ifndef NTFSLINKS_REPARSE_H
#define NTFSLINKS_REPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "ntfs_error.h"

#define REPARSE_TAG_MOUNT_POINT 0xA0000003u
#define REPARSE_TAG_SYMLINK     0xA000000Cu
#define REPARSE_TAG_LX_SYMLINK  0xA000001Du
#define REPARSE_TAG_APPEXECLINK 0x8000001Bu
#define REPARSE_TAG_WOF         0x80000017u
#define REPARSE_TAG_DEDUP       0x80000013u
#define REPARSE_TAG_NFS         0x80000014u
#define REPARSE_TAG_AF_UNIX     0x80000023u
#define REPARSE_TAG_WCI         0x80000018u
#define REPARSE_TAG_CLOUD       0x9000001Au /* CLOUD_1..F are 0x9000101A..0x9000F01A */
#define REPARSE_TAG_CLOUD_MASK  0x0000F000u

#define REPARSE_SYMLINK_FLAG_RELATIVE 0x00000001u

/* Tag bits (MS-FSCC 2.1.2.1). */
static inline bool reparse_tag_is_microsoft(uint32_t tag) { return (tag & 0x80000000u) != 0; }
static inline bool reparse_tag_is_surrogate(uint32_t tag) { return (tag & 0x20000000u) != 0; }
static inline bool reparse_tag_is_directory(uint32_t tag) { return (tag & 0x10000000u) != 0; }

typedef enum {
	REPARSE_KIND_UNKNOWN = 0,     /* Microsoft bit set but the tag is not in our table */
	REPARSE_KIND_JUNCTION,
	REPARSE_KIND_VOLUME_MOUNT_POINT,
	REPARSE_KIND_SYMLINK,
	REPARSE_KIND_LX_SYMLINK,
	REPARSE_KIND_APP_EXEC_LINK,
	REPARSE_KIND_WOF,
	REPARSE_KIND_CLOUD,
	REPARSE_KIND_DEDUP,
	REPARSE_KIND_NFS,
	REPARSE_KIND_AF_UNIX,
	REPARSE_KIND_WCI,
	REPARSE_KIND_OTHER_MICROSOFT, /* in the table (HSM, SIS, DFS, ...), no payload decoder */
	REPARSE_KIND_THIRD_PARTY      /* Microsoft bit clear: GUID-carrying layout */
} reparse_kind;

typedef struct {
	uint32_t tag;
	const char *name;             /* "MOUNT_POINT" for IO_REPARSE_TAG_MOUNT_POINT */
	reparse_kind kind;
} reparse_tag_info;

/* Looks a tag up in the table of documented IO_REPARSE_TAG_* values; NULL if unknown. */
const reparse_tag_info *reparse_tag_lookup(uint32_t tag);

/* The whole table (for tests and --help), with its length in *count. */
const reparse_tag_info *reparse_tag_table(size_t *count);

/* Stable report name of a kind: "junction", "volume_mount_point", "symlink", "lx_symlink", "app_exec_link",
 * "wof", "cloud", "dedup", "nfs", "af_unix", "wci", "other", "third_party", "unknown". */
const char *reparse_kind_name(reparse_kind kind);

typedef struct {
	uint32_t tag;
	uint16_t data_length;         /* ReparseDataLength as stored */
	const reparse_tag_info *info; /* NULL for unknown tags */
	reparse_kind kind;
	bool malformed;               /* the buffer is truncated or inconsistent: see malformed_reason */
	char malformed_reason[192];   /* which field, which bound */

	/* MOUNT_POINT and SYMLINK (UTF-8, malloc'd, NULL when absent) */
	char *substitute_name;
	char *print_name;
	uint32_t symlink_flags;
	bool relative;

	/* LX_SYMLINK */
	uint32_t lx_version;
	char *lx_target;              /* UTF-8 as stored */

	/* APPEXECLINK: version 3 holds package id, app user model id, target executable, app type */
	uint32_t appx_version;
	char *appx_package_id;
	char *appx_app_user_model_id;
	char *appx_target_path;
	char *appx_app_type;

	/* WOF */
	uint32_t wof_version;
	uint32_t wof_provider;        /* 1 WIM, 2 file */
	uint32_t wof_file_version;
	uint32_t wof_algorithm;       /* for provider 2: 0 XPRESS4K, 1 LZX, 2 XPRESS8K, 3 XPRESS16K */
	const char *wof_algorithm_name;

	/* CLOUD family */
	unsigned cloud_subtype;       /* 0..15 from the tag's bits 12..15 */
	uint32_t cloud_flags;         /* first 16-bit word of the payload when present (0x8000: not compressed) */
	uint16_t cloud_length;        /* second 16-bit word: length of the cloud data as stored (not checked) */

	/* NFS */
	uint64_t nfs_type;            /* 'LNK', 'CHR', 'BLK', 'FIFO', 'SOCK' as the 8-byte type */
	const char *nfs_type_name;    /* "symlink", "char_device", "block_device", "fifo", "socket" */
	char *nfs_target;             /* symlink target (UTF-8) */
	uint32_t nfs_major, nfs_minor;

	/* WCI and WCI_1 (WCI_REPARSE_DATA: version, reserved, lookup GUID into guid/guid_string, name) */
	uint32_t wci_version;
	char *wci_name;               /* UTF-8, malloc'd, NULL when absent */

	/* WOF, WIM provider: the data source id (which WIM) */
	uint64_t wof_data_source_id;

	/* Third-party (and any other GUID-carrying buffer) */
	bool has_guid;
	uint8_t guid[16];
	char guid_string[39];         /* "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}": upper-case hex like Windows'
	                               * GUID display; Data1..3 read little-endian, Data4 in byte order */

	/* payload (the bytes after the 8-byte header, or after the GUID) for opaque kinds */
	size_t payload_length;
} reparse_point;

/*
 * Decodes a $REPARSE_POINT value. Returns NTFS_OK whenever the 8-byte header can be read: a bad
 * payload sets out->malformed with the reason instead of failing, so the caller still reports the
 * tag. Returns an error only for a buffer too short to hold the tag, or when allocation fails.
 * Release with reparse_point_free.
 */
ntfs_status reparse_decode(const uint8_t *buf, size_t len, reparse_point *out, ntfs_error *err);

/*
 * The text a reparse point leads to, as a person would type it: the print name (else the substitute
 * name) of junctions, mount points and symbolic links, a WSL link's target, an app alias's executable;
 * NULL for kinds that lead nowhere.
 */
const char *reparse_target_text(const reparse_point *rp);

/* Frees the strings of a decoded reparse point and zeroes it. */
void reparse_point_free(reparse_point *rp);

#endif
