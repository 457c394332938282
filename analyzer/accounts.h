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

#endif
