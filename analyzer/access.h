/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Security descriptors of the records the report shows (hard-link sets, reparse points, the parent
 * directories of a set's names): their SDDL, owner and group names, and who among ordinary users may
 * write them (writable_by).
 *
 * writable_by, precisely: the principals below for whom the DACL, walked in order as Windows' access check
 * walks it (parsers/acl.h: ntfs_sd_access; deny ACEs count, inherit-only ACEs do not), grants any of the
 * write rights: write data / add file, append data / add subdirectory, delete, change permissions
 * (WRITE_DAC), take ownership (WRITE_OWNER), and on a directory delete child. Each principal is evaluated
 * with the token an ordinary member of it holds:
 *   Everyone (S-1-1-0)                 {Everyone}
 *   Authenticated Users (S-1-5-11)     {Everyone, Authenticated Users}
 *   Users (S-1-5-32-545)               {Everyone, Authenticated Users, Users}
 *   INTERACTIVE (S-1-5-4)              {Everyone, Authenticated Users, INTERACTIVE}
 *   a named account U                  {Everyone, Authenticated Users, Users, INTERACTIVE, U}
 * Named accounts are the owner and the SIDs of the DACL's (not inherit-only) allow ACEs that are local or
 * domain accounts (S-1-5-21-...) with a relative id of 1000 or more, Guest (501), Domain Users (513) or
 * Domain Guests (514); administrators, SYSTEM, services and TrustedInstaller are never listed. The
 * owner, being in its own token, holds WRITE_DAC unless an OWNER RIGHTS ACE says otherwise. Write
 * attributes and write extended attributes are not counted (they change metadata, not content or names).
 * Threads: access_preload and access_settle run one at a time (in analysis_finish, with I/O), beside only
 * passes that read names and records (index slack): the preload's bytes go to model.late; afterwards every
 * function here reads memory only, from any thread.
 */
#ifndef NTFSLINKS_ACCESS_H
#define NTFSLINKS_ACCESS_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "model.h"

#define ACCESS_NONE UINT32_MAX

/* The names the report gives the write rights, in this order, and their bits. */
#define ACCESS_RIGHT_NAMES 6
extern const char *const access_right_name[ACCESS_RIGHT_NAMES];
extern const uint32_t access_right_bit[ACCESS_RIGHT_NAMES];

/* One principal that may write: SID, account name (NULL when unknown) and the write rights granted. */
typedef struct {
	const char *sid;
	const char *name;
	uint32_t rights;
} access_writer;

/* The security of one record, as settled: pointers into the table. */
typedef struct {
	bool known;               /* a descriptor was found and decoded */
	const char *source;       /* "secure" ($Secure:$SDS by security id) or "record" (its own
				   * $SECURITY_DESCRIPTOR); NULL when none was found */
	const char *error;        /* why it is unknown or damaged, else NULL */
	const char *sddl;
	const char *owner_sid, *owner_name, *group_sid, *group_name; /* NULL when absent or unnamed */
	uint32_t writer_count;
	uint32_t first_writer;    /* internal: see access_writer_at */
	uint32_t desc;            /* which settled descriptor entry this is (records sharing one share it, and
				   * their info is equal), below access_desc_count; ACCESS_NONE when not read */
} access_info;

/* A name for a SID (from the image's accounts or the well-known table), NULL when none. */
typedef const char *(*access_name_fn)(void *ctx, const char *sid);

typedef struct {
	vec descs;                /* access_desc (access.c) */
	vec writers;              /* access_writer_raw */
	vec recs;                 /* access_rec, by record */
	struct access_rec_index *rec_index; /* per 32 records: which have an entry in recs, and the entries before
				   * them (access.c); NULL until settled (then recs is searched in halves) */
	size_t rec_index_n;
	arena text;
	size_t nsecure;
	uint8_t *secure_users;    /* per $Secure entry: bit 0 writable by users as a file, bit 1 as a directory,
				   * bit 2 evaluated */
	vec seen;                 /* uint32_t text offsets: every SID of the volume's descriptors (owner, group,
				   * DACL and SACL ACEs of every $Secure entry and of the records' own ones
				   * read) and of their writable_by; sorted by strcmp and unique once
				   * access_settle returns */
	bool settled;
} access_table;

/* Prepares an empty table. */
void access_init(access_table *t);

/* Releases the table. */
void access_free(access_table *t);

/*
 * After the analysis: the descriptors of the records the report shows (hard-link sets, the records of
 * links, the parents of the sets' names) read, rendered and evaluated; damage becomes an anomaly of
 * m. Every $Secure descriptor is also evaluated for access_users_can_write. name (NULL: the well-known
 * names only) names SIDs. Returns NTFS_E_NOMEM only.
 */
ntfs_status access_settle(access_table *t, model *m, const vec *links, access_name_fn name, void *ctx);

/* access_settle with the records it reads marked in wanted (access_preload's bitmap, taken over and freed here;
 * NULL: it marks them itself). */
ntfs_status access_settle_wanted(access_table *t, model *m, const vec *links, uint8_t *wanted, access_name_fn name,
				 void *ctx);

/*
 * Before links_settle_owners and access_settle: reads, once each, on `threads` threads (0: one per core; items
 * of 32 records in record order taken in turn), the own $SECURITY_DESCRIPTOR of every record either of them
 * would read from the volume (a non-resident one, one behind an attribute list), into m->own_sd, so that both
 * take the bytes from there (a record that cannot be read is left to them: they read it again and say why).
 * A record whose descriptor and attribute list attributes the scan kept (model_sd_attrs) is not read again:
 * the list and what it names are followed from them (volume_load_attr_kept); the preload frees them after.
 * *wanted gets the bitmap of the records access_settle reads (for access_settle_wanted; NULL when memory ran
 * out or the volume has none to read: an extracted $MFT). Runs alone; NTFS_E_NOMEM is its only failure (the
 * passes then read the volume themselves).
 */
ntfs_status access_preload(model *m, const vec *links, int threads, uint8_t **wanted);

/*
 * Right after the scan, before the passes: reads, as access_preload does, the descriptors of the records whose
 * $SECURITY_DESCRIPTOR and $ATTRIBUTE_LIST attributes the scan kept (model_sd_attrs: the candidates whose own
 * descriptor the scan could not keep, about the records access_preload would read) from those attributes,
 * into m->own_sd, and frees them, so that they are not held while the passes run (1.5 MiB on the 1M volume).
 * Runs alone; NTFS_E_NOMEM is its only failure (access_preload and the passes then read the volume).
 */
ntfs_status access_preload_kept(model *m, int threads);

/* The number of distinct SIDs seen in the volume's descriptors, and SID k of them (sorted by strcmp). */
size_t access_sids_seen(const access_table *t);
const char *access_sid_seen(const access_table *t, size_t k);

/* The security of record r; .known false (with error) when the report shows no descriptor for it. */
access_info access_record(const access_table *t, uint32_t r);

/* The number of settled descriptor entries, and the info of entry d (d < access_desc_count), as
 * access_record gives it for every record whose .desc is d. */
size_t access_desc_count(const access_table *t);
access_info access_desc_info(const access_table *t, uint32_t d);

/* About how many bytes record r's security object takes in a report (SDDL, names, writers): for estimates. */
size_t access_text_bytes(const access_table *t, uint32_t r);

/* The settled descriptor entry of record r (access_record(t, r).desc), ACCESS_NONE when none: for callers that
 * keep something per entry (access_text_bytes of a record is access_desc_text_bytes of its entry). */
uint32_t access_record_desc(const access_table *t, uint32_t r);

/* access_text_bytes of every record whose entry is d (ACCESS_NONE: of a record without one). */
size_t access_desc_text_bytes(const access_table *t, uint32_t d);

/* Writer k of info (k < info->writer_count). */
access_writer access_writer_at(const access_table *t, const access_info *info, uint32_t k);

/*
 * True when record r's descriptor lets an ordinary user write it (writable_by is not empty); *known false
 * when its descriptor was not read: a record that keeps its own $SECURITY_DESCRIPTOR and that the report
 * does not show, or none found. For any record with a $Secure security id, and for every record the
 * report shows.
 */
bool access_users_can_write(const access_table *t, const model *m, uint32_t r, bool *known);

#endif
