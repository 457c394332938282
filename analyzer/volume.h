/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One NTFS volume inside an image: boot sector, $MFT's runlist, record reads, $UpCase, $Secure, label.
 * Threads: opening runs alone ($MFT's own extension records are read through the runs found so far,
 * passed down, never swapped into vol->mft_runs).
 * Once open, the volume is read-only: every read and lookup below may run from several threads at once
 * (positional image reads; E01 and split raw serialize behind the image's lock).
 */
#ifndef NTFSLINKS_VOLUME_H
#define NTFSLINKS_VOLUME_H

#include <stdbool.h>
#include <stdint.h>

#include "anomaly.h"
#include "boot.h"
#include "image.h"
#include "record.h"
#include "runlist.h"
#include "upcase.h"

typedef struct {
	uint32_t security_id;
	size_t sid;               /* offset of the owner SID string in the volume's text arena; SIZE_MAX: none */
	size_t sd;                /* offset of the whole descriptor's bytes in the text arena */
	uint32_t sd_len;
} volume_sid;

typedef struct volume {
	image *img;
	uint64_t offset;          /* byte offset of the volume in the image */
	uint64_t length;          /* bytes available to the volume (partition or image) */
	bool is_mft_file;         /* an extracted $MFT: records only, no clusters */
	ntfs_boot boot;           /* zeroed for an extracted $MFT */
	uint32_t record_size;
	uint32_t sector_size;     /* update sequence stride */
	ntfs_runlist mft_runs;    /* $MFT's $DATA */
	uint64_t mft_size;        /* bytes of $MFT's $DATA */
	uint64_t record_count;    /* records $MFT declares (within its runs); an extracted $MFT: its records,
				   * a last incomplete one included */
	uint64_t records_present; /* of those, the records up to the last one wholly inside the image: the
				   * scan reads these; the rest are lost as one range, never allocated */
	ntfs_upcase *upcase;
	bool upcase_from_volume;  /* false: the default Windows table */
	char label[256];
	bool has_label;
	uint8_t version_major, version_minor;
	bool has_version;
	vec sids;                 /* volume_sid sorted by security_id */
	arena text;
	anomaly_list anomalies;   /* volume-level problems found while opening */
} volume;

/* Opens the NTFS volume at offset (length bytes; 0 = to the end of the image). */
ntfs_status volume_open(image *img, uint64_t offset, uint64_t length, volume **out, ntfs_error *err);

/* Opens an extracted $MFT file: record size from record 0, the default $UpCase, no data reads. */
ntfs_status volume_open_mft_file(image *img, volume **out, ntfs_error *err);

/* Releases the volume (not the image). */
void volume_close(volume *vol);

/*
 * Reads the raw bytes of records [first, first+count) into buf (count * record_size bytes).
 * Sparse runs read as zeros; bytes past the image end read as zeros and count in *short_records.
 */
ntfs_status volume_read_records(volume *vol, uint64_t first, size_t count, uint8_t *buf, uint64_t *short_records,
				ntfs_error *err);

/* Reads one record, applies its fixups; the header goes to hdr (buf holds record_size bytes). */
ntfs_status volume_read_record(volume *vol, uint64_t rec, uint8_t *buf, ntfs_record_header *hdr,
			       ntfs_error *err);

/* Reads len bytes at byte offset off of a non-resident attribute's data, given its runlist. */
ntfs_status volume_read_runs(volume *vol, const ntfs_runlist *rl, uint64_t off, void *buf, size_t len,
			     ntfs_error *err);

/*
 * Reads the whole value of attribute (type, name; NULL = unnamed) of base record rec_no, following
 * its attribute list, into a malloc'd buffer of at most max bytes.
 */
ntfs_status volume_load_attr(volume *vol, uint64_t rec_no, uint32_t type, const char *name, size_t max,
			     uint8_t **out, size_t *len, ntfs_error *err);

/*
 * volume_load_attr for base record rec_no without reading the record: attrs (attrs_len bytes) are the
 * attribute records of type `type` and of $ATTRIBUTE_LIST (any name) it holds, each copied whole, in their
 * order, from the record's fixed-up bytes, and the caller vouches that the walk of its attributes ends cleanly
 * and that the record reads as it did. The result (value or error) is volume_load_attr's: collect_attr acts on
 * no other attribute of the base record, and an attribute decodes from its own bytes only.
 */
ntfs_status volume_load_attr_kept(volume *vol, uint64_t rec_no, const uint8_t *attrs, size_t attrs_len, uint32_t type,
				  const char *name, size_t max, uint8_t **out, size_t *len, ntfs_error *err);

/* Where one attribute's value is: a resident copy, or the runs and sizes of non-resident data. */
typedef struct {
	bool found;               /* false: the record has no such attribute (nothing else is set) */
	bool resident;
	uint8_t *value;           /* resident: malloc'd copy of the value */
	size_t value_len;
	ntfs_runlist rl;          /* non-resident: the runs, joined and sorted by VCN */
	uint64_t data_size;
	uint64_t allocated_size;
	uint64_t initialized_size; /* bytes past it read as zeros */
	uint16_t flags;           /* NTFS_ATTR_FLAG_* (compressed, encrypted, sparse) of the first extent */
	uint16_t compression_unit; /* log2 clusters per compression unit, 0 when not compressed */
} volume_attr;

/*
 * Finds attribute (type, name; NULL = unnamed) of base record rec_no, following its attribute list, without
 * reading non-resident data: the caller reads what it needs through out->rl (volume_read_runs), so memory
 * follows what it reads, not what the sizes claim. A record without the attribute is NTFS_OK, out->found false.
 */
ntfs_status volume_find_attr(volume *vol, uint64_t rec_no, uint32_t type, const char *name, volume_attr *out,
			     ntfs_error *err);

/* Releases what volume_find_attr allocated. */
void volume_attr_free(volume_attr *a);

/* The owner SID ("S-1-5-...") of a security id from $Secure, or NULL when unknown. */
const char *volume_owner_sid(const volume *vol, uint32_t security_id);

/* The index in vol->sids of a security id from $Secure, or SIZE_MAX when $Secure does not hold it. */
size_t volume_secure_index(const volume *vol, uint32_t security_id);

/* The bytes of $Secure entry i (an index in vol->sids) and their length. */
const uint8_t *volume_secure_descriptor(const volume *vol, size_t i, size_t *len);

/*
 * The owner SID of record rec_no: from $Secure by its security id, else from the record's own
 * $SECURITY_DESCRIPTOR (NTFS 1.x style, as ntfs-3g still writes). Writes "" when neither says.
 */
void volume_record_owner_sid(volume *vol, uint64_t rec_no, uint32_t security_id, char *out, size_t cap);

#endif
