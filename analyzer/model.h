/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The scanned volume in compact tables: one rec_info per MFT record, one name_info per $FILE_NAME.
 * Threads: the scan's workers fill their own shares and one thread merges them (mft_scan); model_merge
 * runs alone (then access_preload_kept, alone too, adds to own_sd and frees sd_attrs). After it the tables are
 * read-only for the passes, which may read them side by side; only
 * access_preload (own_sd) and the owner step (links_settle_owners: owner_late) write to it again, one at a time,
 * their bytes going to model.late (never to strings), so that a pass reading names and records beside them
 * (index slack) needs no lock.
 */
#ifndef NTFSLINKS_MODEL_H
#define NTFSLINKS_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "anomaly.h"
#include "arena.h"
#include "file_name.h"
#include "volume.h"

#define MODEL_NONE UINT32_MAX

enum {                            /* rec_info.state */
	REC_EMPTY = 0,            /* never used, unreadable, or not a file record */
	REC_OK,                   /* header decoded (attributes may still be damaged) */
	REC_BAD                   /* signature present but the header is unusable */
};

enum {                            /* rec_info.flags */
	REC_IN_USE = 0x01,
	REC_DIR = 0x02,           /* header says it has a directory index */
	REC_HAS_SI = 0x04,        /* $STANDARD_INFORMATION found */
	REC_HAS_REPARSE = 0x08,   /* $REPARSE_POINT found (in this record or, after merging, an extension) */
	REC_HAS_ATTR_LIST = 0x10,
	REC_HAS_DATA = 0x20,      /* unnamed $DATA with VCN 0 found */
	REC_BAD_FIXUP = 0x40,
	REC_EXT_VALID = 0x80,     /* an extension record whose base accepted it */
	REC_SD_ELSEWHERE = 0x100, /* a $SECURITY_DESCRIPTOR the scan could not read (non-resident) */
	REC_SD_NOT_IN_MFT = 0x200, /* a non-resident $SECURITY_DESCRIPTOR in an extracted $MFT: its data is
				   * not there, so it is never read (the owner is unknown) */
	REC_NAMES_APART = 0x400,  /* after model_merge: the record's names do not follow one another in model.names
				   * (an extension's joined them): name_first is a slot in model.name_order */
	REC_EXTENSION = 0x800,    /* an extension record: its header names a base record (model_rec_base) */
	REC_SD_IN_EXT = 0x1000,   /* after model_merge, on a base record: an accepted extension record holds an unnamed
				   * $SECURITY_DESCRIPTOR (the descriptors pass reads it through the attribute list, as
				   * for REC_SD_ELSEWHERE); until then, on the extension record that holds it */
	REC_SD_NO_OWNER = 0x2000  /* a record's own resident, unnamed $SECURITY_DESCRIPTOR in which the scan found no
				   * owner (it has none, or does not decode): the descriptors pass still evaluates it */
};

/* The flags that make the descriptors pass read a record's own $SECURITY_DESCRIPTOR from the volume even when the
 * scan found no owner in it (model_own_owner). */
#define REC_SD_TO_READ (REC_SD_ELSEWHERE | REC_SD_IN_EXT | REC_SD_NO_OWNER)

/* The sizes of a record's data (model_sizes): out of rec_info, kept only for the records that print them. */
typedef struct {
	uint64_t data_size;       /* unnamed $DATA: logical size */
	uint64_t allocated_size;
	uint64_t disk_size;       /* bytes in clusters on disk: the unnamed $DATA's and a WOF file's
				   * WofCompressedData stream's (compressed or sparse: the clusters really
				   * allocated); 0 for data resident in the record */
} rec_sizes;

/* The sizes of one record kept after model_merge (model.sizes_kept). */
typedef struct {
	rec_sizes s;
	uint32_t record;
} rec_sizes_kept;

enum {                            /* rec_info.std_attrs: the $STANDARD_INFORMATION flags ntfslinks reads */
	REC_FA_READONLY = 0x01,   /* NTFS_FA_READONLY */
	REC_FA_HIDDEN = 0x02,     /* NTFS_FA_HIDDEN */
	REC_FA_SYSTEM = 0x04,     /* NTFS_FA_SYSTEM */
	REC_FA_REPARSE_POINT = 0x08 /* NTFS_FA_REPARSE_POINT */
};

/* The REC_FA_* bits of $STANDARD_INFORMATION's FILE_ATTRIBUTE_* flags fa (the others are not kept). */
static inline uint8_t model_std_attrs(uint32_t fa)
{
	return (uint8_t)((fa & 0x7u) | ((fa & 0x400u) ? REC_FA_REPARSE_POINT : 0));
}

/* One MFT record: 20 bytes. An extension record's base (REC_EXTENSION: model_rec_base) and the owner SID of a
 * record's own descriptor (model_own_owner) live in side tables: few records have either (Windows keeps
 * descriptors in $Secure; ntfs-3g's own ones name a few owners, kept as runs of records). */
typedef struct {
	uint32_t security_id;
	union {
		uint32_t name_first; /* after model_merge: this record's first name in model.names (its names follow
				      * it), or with REC_NAMES_APART its first slot in model.name_order */
		uint16_t base_seq;   /* until model_merge, of an extension record: the sequence in its base reference */
	};
	uint16_t sequence;
	uint16_t link_count;      /* from the header */
	uint16_t name_count;      /* names owned after merging extension records */
	uint16_t link_names;      /* of those, the ones that are links: all but DOS aliases */
	uint16_t flags;           /* REC_* */
	uint8_t state;            /* REC_EMPTY, REC_OK, REC_BAD */
	uint8_t std_attrs;        /* REC_FA_*: the $STANDARD_INFORMATION flags read (model_std_attrs) */
} rec_info;

/* One $FILE_NAME: 20 bytes (4-byte aligned: parent_ref is read unaligned), one per name of the volume. */
typedef struct __attribute__((packed, aligned(4))) {
	uint64_t parent_ref;      /* parent record (low 48 bits) and sequence (high 16) */
	uint32_t str;             /* offset of the UTF-8 name in model.strings (the scan keeps them under 4 GiB) */
	uint32_t owner;           /* base record the name belongs to; until model_merge, the record that holds the
				   * attribute (the base or an extension) */
	uint16_t len;             /* UTF-8 bytes */
	uint8_t ns;               /* NTFS_NS_* */
	uint8_t units;            /* UTF-16 code units */
} name_info;

/* The base record an extension record's header names (model.ext_base). */
typedef struct {
	uint32_t record;
	uint32_t base;            /* MODEL_NONE - 1 when past the table */
} rec_base;

/* Records first..last (consecutive) whose own $SECURITY_DESCRIPTOR names the owner SID at offset off (model_bytes:
 * in model.strings, or model.late past its end) (model.owner_runs, model.owner_late). */
typedef struct {
	uint32_t first, last;
	uint32_t off;
} owner_run;

/* The $REPARSE_POINT of one record (model.reparse_of). */
typedef struct {
	uint32_t record;          /* the base record (or a rejected extension record) it belongs to */
	uint32_t index;           /* in model.reparse */
} rec_reparse;

typedef struct {
	uint64_t data;            /* offset of the raw $REPARSE_POINT value in model.strings */
	uint32_t record;          /* record holding the attribute */
	uint32_t len;             /* bytes; 0 with nonresident set when it must be read from the volume */
	uint32_t tag;             /* the reparse tag, when has_tag */
	bool has_tag;             /* false while a non-resident value is unread, or when shorter than a tag */
	bool nonresident;
} reparse_raw;

typedef struct {
	uint64_t str;             /* offset of the UTF-8 stream name in model.strings */
	uint64_t data_size;       /* the stream's logical size */
	uint32_t record;          /* the record holding the attribute; after merging, its base record */
	uint16_t len;             /* UTF-8 bytes of the name */
} stream_info;

/* The bytes of a record's own $SECURITY_DESCRIPTOR, kept by the scan for the link candidates (model.own_sd). */
typedef struct {
	uint64_t off;             /* offset of the descriptor's bytes in model.strings (records with the same
				   * bytes in a row share one copy) */
	uint32_t record;
	uint32_t len;
} rec_sd;

typedef struct {
	volume *vol;
	int volume_index;         /* the volume's number in the report */
	uint64_t count;           /* records in the table */
	rec_info *recs;
	vec names;                /* name_info */
	vec name_hashes;          /* uint32_t per name (the scan's): the hash of its upcased UTF-16 name, for the name
				   * index, which takes the table when it is built (empty after) */
	uint32_t *name_order;     /* the name indexes of the records with REC_NAMES_APART, grouped by record (CSR with
				   * rec_info.name_first); the others' names follow one another in names */
	size_t name_order_count;
	arena strings;            /* names and raw reparse buffers */
	arena late;               /* bytes added after the scan (model_add_late): strings stays as model_merge left it */
	vec reparse;              /* reparse_raw */
	vec ext_base;             /* rec_base in record order: one per record with REC_EXTENSION */
	vec owner_runs;           /* owner_run in record order: the owner SIDs the scan read from records' own resident
				   * descriptors (MODEL_NONE, no entry, for most Windows records: $Secure holds theirs) */
	vec owner_late;           /* owner_run in record order, one record each: the owners of non-resident descriptors
				   * read after the scan (links_settle_owners: hard-link sets only) */
	vec reparse_of;           /* rec_reparse in record order, after model_merge: each record's own $REPARSE_POINT
				   * or an accepted extension's (the first in model.reparse) */
	vec streams;              /* stream_info: named $DATA streams (first piece), by base record after merging;
				   * only with want_streams */
	anomaly_list anomalies;
	bool want_si_times;       /* set before the scan to keep $STANDARD_INFORMATION times (bodyfile) */
	bool want_streams;        /* set before the scan to keep the named $DATA streams (streams; bodyfile) */
	bool want_sizes;          /* set before the scan to keep every record's sizes (bodyfile, csv, --du) */
	rec_sizes *sizes;         /* one per record with want_sizes (filled by the scan); a model built otherwise may
				   * fill it too, and model_merge then moves what it keeps into sizes_kept and frees it */
	vec sizes_kept;           /* rec_sizes_kept in record order: without want_sizes the scan keeps the non-zero
				   * sizes of the records that may hold links or have the system flag (and the bases
				   * extension records name), and model_merge keeps those of the records that show
				   * them (more than one link name: the hard-link sets; $STANDARD_INFORMATION's system
				   * flag: the POSIX link candidates) */
	uint64_t *si_times;       /* 4 per record when wanted: created, modified, MFT modified, accessed */
	vec link_si;              /* uint64_t[4] (created, modified, MFT modified, accessed) per record of link_si_recs,
				   * always kept (two arrays: 36 bytes an entry, not a padded struct's 40): the base records that hold two names
				   * that are links, a reparse point or an attribute list (the candidates for
				   * hard-link sets and reparse points; a few per cent of records) */
	vec link_si_recs;         /* uint32_t in record order: the records whose link_si entry has the same index */
	vec fn_times;             /* uint64_t[4] per name of fn_names (as link_si): the $FILE_NAME times of the names of records
				   * that may hold links (link_si's candidates and extension records); empty with
				   * want_si_times, which keeps fn_times_all */
	vec fn_names;             /* uint32_t in name order (index in names): the names whose fn_times entry has the same index */
	vec fn_times_all;         /* uint64_t[4] per name (with want_si_times: the bodyfile prints every name's) */
	vec own_sd;               /* rec_sd in record order: the one resident, unnamed $SECURITY_DESCRIPTOR of base
				   * records without an attribute list or a bad fixup that count more than one link,
				   * are directories or hold a reparse point (access.c evaluates them without
				   * reading the records again); freed once they are settled (model_own_sd_free) */
	vec sd_attrs_of;          /* rec_sd in record order (off into sd_attrs): the same candidates whose descriptor
				   * own_sd could not keep (non-resident, or behind an attribute list it cannot
				   * prove harmless) but access_preload may read: their $SECURITY_DESCRIPTOR and
				   * $ATTRIBUTE_LIST attribute records, copied whole in their order, so that it reads
				   * the descriptor without reading the record again (volume_load_attr_kept);
				   * access_preload_kept reads them right after the scan and frees both */
	arena sd_attrs;
	uint64_t unreadable_records; /* records lost to read errors or a short image */
	bool partial;             /* the scan could not read everything */
} model;

#define MODEL_NAME_HASH_SEED 2166136261u

/* One step of the name hash, FNV-1a over upcased UTF-16 units (low byte, then high byte): the scan and the
 * lookups must agree. A unit below 0x100 (most names') has a zero high byte, whose xor changes nothing: its
 * two multiplications by the FNV prime are one by the prime's square (mod 2^32), the same value. */
static inline uint32_t model_name_hash_step(uint32_t h, uint16_t upcased)
{
	if (upcased < 0x100)
		return (h ^ upcased) * 0x26027a69u; /* 16777619^2 mod 2^32 */
	h = (h ^ (upcased & 0xFF)) * 16777619u;
	return (h ^ (upcased >> 8)) * 16777619u;
}

/* The UTF-8 name of n. */
static inline const char *model_name_str(const model *m, const name_info *n)
{
	return m->strings.data + n->str;
}

/* Name i of the table. */
static inline name_info *model_name(const model *m, uint32_t i)
{
	return &((name_info *)m->names.data)[i];
}

/* The index in model.names of the k-th name owned by record r (k < its name_count). */
static inline uint32_t model_record_name_index(const model *m, uint32_t r, uint32_t k)
{
	const rec_info *ri = &m->recs[r];
	return (ri->flags & REC_NAMES_APART) ? m->name_order[ri->name_first + k] : ri->name_first + k;
}

/* The k-th name owned by record r. */
static inline name_info *model_record_name(const model *m, uint32_t r, uint32_t k)
{
	return model_name(m, model_record_name_index(m, r, k));
}

/* True when name n is a link of its record: every name but a DOS 8.3 alias (which shares its Win32 name's). */
static inline bool model_name_is_link(const name_info *n)
{
	return n->ns != NTFS_NS_DOS;
}

/*
 * The next name of record r that is a link, from position *k on (start at 0); advances *k past it. NULL
 * when there is none left. The names of a record that are links, in the model's order:
 *   uint32_t k = 0;
 *   for (const name_info *n; (n = model_link_next(m, r, &k));) ...
 */
static inline const name_info *model_link_next(const model *m, uint32_t r, uint32_t *k)
{
	while (*k < m->recs[r].name_count) {
		const name_info *n = model_record_name(m, r, (*k)++);
		if (model_name_is_link(n))
			return n;
	}
	return NULL;
}

/* True when record r is a decoded base record that is in use. */
static inline bool model_in_use(const model *m, uint64_t r)
{
	return r < m->count && m->recs[r].state == REC_OK &&
	       (m->recs[r].flags & (REC_IN_USE | REC_EXTENSION)) == REC_IN_USE;
}

/* The base record extension record r names (MODEL_NONE - 1 when past the table), or MODEL_NONE when r is none. */
uint32_t model_rec_base(const model *m, uint32_t r);

/*
 * Makes record r (of a model built record by record, as tests do) an extension record of base; false when memory
 * runs out. The scan fills model.ext_base itself.
 */
bool model_set_base(model *m, uint32_t r, uint32_t base);

/*
 * The offset (model_bytes, as model_add_late gives) of the owner SID record r's own $SECURITY_DESCRIPTOR names,
 * as the scan (or, when non-resident, links_settle_owners) read it; MODEL_NONE when none was read.
 */
uint32_t model_own_owner(const model *m, uint32_t r);

/* After model_merge: record r's own descriptor, read late, names the owner at off (model_add_late); records are
 * given in increasing order. False when memory runs out. */
bool model_set_owner_late(model *m, uint32_t r, uint32_t off);

/*
 * The index in model.reparse of base record r's $REPARSE_POINT (its own or an accepted extension's), or MODEL_NONE
 * (after model_merge; a record that holds one has REC_HAS_REPARSE).
 */
uint32_t model_reparse_of(const model *m, uint32_t r);

/*
 * True when base record r holds a reparse point that may lead elsewhere: a name surrogate (tag bit
 * 0x20000000: junctions, symbolic links, mount points), or one whose tag is unknown. Other tags
 * (cloud placeholders, deduplication, WOF) leave the directory or file where it is.
 */
static inline bool model_reparse_surrogate(const model *m, uint32_t r)
{
	const rec_info *ri = &m->recs[r];
	if (!(ri->flags & REC_HAS_REPARSE))
		return false;
	uint32_t i = model_reparse_of(m, r);
	if (i == MODEL_NONE || i >= m->reparse.count)
		return true;
	const reparse_raw *raw = &((const reparse_raw *)m->reparse.data)[i];
	return !raw->has_tag || (raw->tag & 0x20000000u);
}

/*
 * The $STANDARD_INFORMATION times (created, modified, MFT modified, accessed) of base record r when the
 * scan kept them (every record with want_si_times, else the link candidates of link_si); NULL when unknown.
 */
const uint64_t *model_si_times(const model *m, uint32_t r);

/*
 * The $FILE_NAME times (created, modified, MFT modified, accessed) of name n when the scan kept them (every
 * name with want_si_times, else the names of records that may be links: every name of a hard-link set or
 * a reparse point); all zero (unknown) otherwise. Never NULL.
 */
const uint64_t *model_name_times(const model *m, const name_info *n);

/*
 * The bytes of base record r's own $SECURITY_DESCRIPTOR as the scan read them (valid until strings grow), when
 * own_sd kept them; NULL otherwise (the descriptor must be read from the volume, if it has one).
 */
const uint8_t *model_own_sd(const model *m, uint32_t r, size_t *len);

/* The $SECURITY_DESCRIPTOR and $ATTRIBUTE_LIST attribute records of base record r the scan kept (sd_attrs_of),
 * len bytes; NULL when it kept none. */
const uint8_t *model_sd_attrs(const model *m, uint32_t r, size_t *len);

/* Frees own_sd's entries (their readers, links_settle_owners and access_settle, are done: model_own_sd gives NULL
 * after; the bytes stay in strings and late). */
void model_own_sd_free(model *m);

/* Frees sd_attrs_of and sd_attrs (their reader, access_preload_kept, is done). */
void model_sd_attrs_free(model *m);

/*
 * The sizes of record r: every record's with want_sizes (or before model_merge), else those model_merge kept
 * (hard-link sets, records with the system flag); all zero for the others. Never NULL.
 */
const rec_sizes *model_sizes(const model *m, uint32_t r);

/* Prepares an empty model for vol. */
void model_init(model *m, volume *vol);

/* Releases the model's tables (not the volume). */
void model_free(model *m);

/*
 * After model_merge: keeps n bytes (and a NUL) in m->late, at an offset past the end of m->strings, which
 * model_own_sd and model_owner_sid read back (rec_sd.off, owner_run.off); SIZE_MAX when memory runs out.
 * strings must not grow once this has been called.
 */
size_t model_add_late(model *m, const void *p, size_t n);

/*
 * After the scan: folds valid extension records into their base records (names, sizes, reparse
 * data) and groups names by owner. Rejected extension records become anomalies.
 */
ntfs_status model_merge(model *m, ntfs_error *err);

/*
 * The owner SID ("S-1-5-...") of record r: from $Secure by its security id (Windows), else from the
 * record's own $SECURITY_DESCRIPTOR as the scan (or, when non-resident, links_settle_owners) read it;
 * NULL when unknown. Reads only memory.
 */
const char *model_owner_sid(const model *m, uint32_t r);

/* The DOS 8.3 alias of Win32 name n of record r: a DOS name of the same record in the same directory, or NULL. */
const name_info *model_dos_alias(const model *m, uint32_t r, const name_info *n);

/* The name of record r to use for its path: the first non-DOS name, or NULL when it has none. */
const name_info *model_primary_name(const model *m, uint32_t r);

#endif
