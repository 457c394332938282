/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Account names of SIDs. This first part is the fixed table of well-known SIDs (the same on every
 * Windows system, MS-DTYP 2.4.2.4); the image's own accounts (SAM, ProfileList) build on it.
 * Threads: the table is constant; every function here may run from any thread.
 */
#ifndef NTFSLINKS_ACCOUNTS_H
#define NTFSLINKS_ACCOUNTS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
	const char *sid;          /* "S-1-5-18" */
	const char *name;         /* as Windows shows it: "NT AUTHORITY\SYSTEM" */
} accounts_well_known;

/* The account name of a well-known SID ("S-1-1-0" -> "Everyone"), or NULL when it is not one. */
const char *accounts_well_known_name(const char *sid);

/* The whole table, sorted by SID string (strcmp), and its length. */
const accounts_well_known *accounts_well_known_table(size_t *count);

/* ---- the image's own accounts (registry: SAM, ProfileList), with the well-known ones as a fallback ---- */

#include "arena.h"

typedef struct {
	char *sid;                /* "S-1-5-21-...-1001" */
	char *name;               /* "alice"; NULL when no source names it */
	const char *source;       /* "sam", "well_known", "profile_list" (the profile folder's name) */
	char *profile_path;       /* ProfileList's ProfileImagePath, NULL when none */
} account;

/* A set of accounts: filled by one thread, then (after account_list_finish) read-only. */
typedef struct {
	vec items;                /* account, sorted by SID (strcmp) and unique after account_list_finish */
} account_list;

/* Prepares an empty list. */
void account_list_init(account_list *l);

/* Adds one account (name and profile may be NULL); copies the strings. Returns 0, or -1 out of memory. */
int account_list_add(account_list *l, const char *sid, const char *name, const char *source, const char *profile);

/*
 * Sorts by SID and merges duplicates: the name of the best source wins (sam, then well_known, then
 * profile_list; among equals the first added), a profile path is kept from whichever entry had one.
 */
void account_list_finish(account_list *l);

/* The account of sid in a finished list, or NULL. */
const account *account_list_find(const account_list *l, const char *sid);

/* The name of sid: from the finished list l (may be NULL), else the well-known table; NULL when unknown. */
const char *accounts_name(const account_list *l, const char *sid);

/* Releases the list. */
void account_list_free(account_list *l);

#endif
