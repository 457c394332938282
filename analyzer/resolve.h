/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Link resolution: where each junction, volume mount point and symbolic link of the image leads.
 * Input: the volumes of an image (resolve_volume: model, paths, name index, drive letter) and their
 * decoded links. Output: one link_target per link that has a target. Thread-safety: resolve_all
 * writes every link's target and must run alone; afterwards the targets are read-only.
 */
#ifndef NTFSLINKS_RESOLVE_H
#define NTFSLINKS_RESOLVE_H

#include <stdbool.h>
#include <stdint.h>

#include "drives.h"
#include "model.h"
#include "name_index.h"
#include "paths.h"
#include "reparse.h"

/* Where a link's target stands. The report's names are link_status_name()'s. */
typedef enum {
	LINK_STATUS_NONE = 0,     /* not resolved (kinds that point nowhere) */
	LINK_STATUS_OK,           /* the target exists on a volume of this image */
	LINK_STATUS_STALE,        /* the target names no allocated entry */
	LINK_STATUS_TYPE_MISMATCH,/* a junction or directory link onto a file, a file link onto a directory */
	LINK_STATUS_LOOP,         /* resolution comes back to a link, or needs more than 63 links */
	LINK_STATUS_EXTERNAL,     /* on a volume or device this image does not hold (or not known to) */
	LINK_STATUS_REMOTE,       /* a network share */
	LINK_STATUS_MALFORMED,    /* the stored target cannot be read as a path */
	LINK_STATUS_UNKNOWN       /* shortcuts only: no target the shortcut's data says where to find */
} link_status;

/* Which form the stored target took. The report's names are target_form_name()'s. */
typedef enum {
	TARGET_FORM_NONE = 0,     /* no target text to classify (malformed) */
	TARGET_FORM_DRIVE,        /* \??\C:\x, C:\x, /mnt/c/x */
	TARGET_FORM_VOLUME_GUID,  /* \??\Volume{GUID}\x */
	TARGET_FORM_UNC,          /* \??\UNC\server\share, \\server\share */
	TARGET_FORM_DEVICE,       /* \Device\HarddiskVolume2\x, \??\GLOBALROOT\Device\... */
	TARGET_FORM_SHADOW_COPY,  /* \Device\HarddiskVolumeShadowCopy3\x (directly or through GLOBALROOT) */
	TARGET_FORM_OBJECT_MANAGER, /* \RPC Control\x, \BaseNamedObjects\x: no file system path */
	TARGET_FORM_RELATIVE,     /* relative to the link's directory */
	TARGET_FORM_ROOTED        /* \x: from the root of the link's own volume (WSL: the Linux root) */
} target_form;

/* Where a link's target leads. */
typedef struct {
	link_status status;
	target_form form;
	char *path;               /* volume-relative path it resolves to (or would), NULL when none applies */
	int volume;               /* index of the volume holding the target, -1 when none */
	bool has_record;
	uint32_t record;          /* the target's record when it exists */
	uint16_t sequence;
	bool has_deleted;         /* stale, and a deleted record still holds (part of) the path */
	uint32_t deleted_record;  /* the deepest deleted record on the path (the target itself when kept) */
	uint16_t deleted_sequence;
	char *deleted_path;       /* the path that deleted record held */
	uint32_t shadow_copy;     /* N of a HarddiskVolumeShadowCopyN target, 0 when none */
	char *reason;             /* why, in words */
} link_target;

/* One record with a $REPARSE_POINT. */
typedef struct {
	uint32_t record;
	uint16_t sequence;
	bool allocated;
	bool is_directory;
	uint32_t name;            /* index of the name giving its path, MODEL_NONE when it has none */
	reparse_point rp;
	bool has_target;          /* junctions, mount points and symbolic links */
	bool posix;               /* an Interix or Cygwin link (file data, not a reparse point; rp.kind is
				   * REPARSE_KIND_LX_SYMLINK and rp.lx_target its target): an absolute target is
				   * read from the root of the link's own volume, /mnt/X/, /cygdrive/X/ and
				   * /dev/fs/X/ from drive X */
	link_target target;
} link_entry;

/* The report's name of a status ("ok", "stale", ...; "malformed" for LINK_STATUS_NONE). */
const char *link_status_name(link_status s);

/* The report's name of a form ("drive", ...), NULL for TARGET_FORM_NONE. */
const char *target_form_name(target_form f);

/*
 * True when a link needs an investigator's eye: an allocated link whose target is not ok and not
 * merely elsewhere (external, remote). The one definition behind every "stale links" count and list.
 */
bool link_needs_attention(const link_entry *le);

/* One volume of the image as resolution reads it; only its links' targets are written. */
typedef struct {
	bool scanned;             /* false: nothing below is set, and no target resolves onto it */
	char drive;               /* its drive letter, 0 when unknown */
	const model *m;
	const paths *p;
	const name_index *ix;
	vec *links;               /* link_entry, sorted by record: their targets are set here */
	vec *posix;               /* link_entry with posix set (Interix, Cygwin), NULL when none: targets set here */
	const char (*guids)[NTFS_GUID_STRING]; /* its volume GUIDs (the registry's), guid_count of them */
	int guid_count;
	const drives_elsewhere *elsewhere; /* the image's: letters the registry gives partitions it lacks */
	size_t elsewhere_count;
} resolve_volume;

/* Resolves the target of every link of every scanned volume of vols[0..n), across volumes by drive
 * letter (a target's volume is its index in vols). */
void resolve_all(resolve_volume *vols, size_t n);

/* A path no link holds, to walk like a link's target (a shortcut's): through the links on the way. */
typedef struct {
	int volume;               /* the volume it lies on (index in vols) */
	const char *path;         /* '\'-separated; from the volume's root, or from `from_name`'s folder */
	uint32_t from_name;       /* MODEL_NONE: from the root (form drive); else a name of that volume whose
				   * folder a relative path starts from (form relative) */
	link_target *target;      /* written: ok with the record, stale (with a deleted record), loop */
} resolve_request;

/* resolve_all, then each of reqs[0..nreq) walked once the links are resolved. */
void resolve_all_requests(resolve_volume *vols, size_t n, resolve_request *reqs, size_t nreq);

/* Frees the strings of a resolved target. */
void link_target_free(link_target *t);

#endif
