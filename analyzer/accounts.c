/* SPDX-License-Identifier: Apache-2.0 */
/* The well-known SIDs and their names (MS-DTYP 2.4.2.4; names as Windows' own tools show them). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "accounts.h"

/* Sorted by strcmp of the SID string (checked by the unit tests). */
static const accounts_well_known WELL_KNOWN[] = {
	{"S-1-0-0", "NULL SID"},
	{"S-1-1-0", "Everyone"},
	{"S-1-15-2-1", "APPLICATION PACKAGE AUTHORITY\\ALL APPLICATION PACKAGES"},
	{"S-1-15-2-2", "APPLICATION PACKAGE AUTHORITY\\ALL RESTRICTED APPLICATION PACKAGES"},
	{"S-1-16-0", "Mandatory Label\\Untrusted Mandatory Level"},
	{"S-1-16-12288", "Mandatory Label\\High Mandatory Level"},
	{"S-1-16-16384", "Mandatory Label\\System Mandatory Level"},
	{"S-1-16-20480", "Mandatory Label\\Protected Process Mandatory Level"},
	{"S-1-16-4096", "Mandatory Label\\Low Mandatory Level"},
	{"S-1-16-8192", "Mandatory Label\\Medium Mandatory Level"},
	{"S-1-16-8448", "Mandatory Label\\Medium Plus Mandatory Level"},
	{"S-1-18-1", "Authentication authority asserted identity"},
	{"S-1-18-2", "Service asserted identity"},
	{"S-1-2-0", "LOCAL"},
	{"S-1-2-1", "CONSOLE LOGON"},
	{"S-1-3-0", "CREATOR OWNER"},
	{"S-1-3-1", "CREATOR GROUP"},
	{"S-1-3-2", "CREATOR OWNER SERVER"},
	{"S-1-3-3", "CREATOR GROUP SERVER"},
	{"S-1-3-4", "OWNER RIGHTS"},
	{"S-1-5-1", "NT AUTHORITY\\DIALUP"},
	{"S-1-5-10", "NT AUTHORITY\\SELF"},
	{"S-1-5-11", "NT AUTHORITY\\Authenticated Users"},
	{"S-1-5-12", "NT AUTHORITY\\RESTRICTED"},
	{"S-1-5-13", "NT AUTHORITY\\TERMINAL SERVER USER"},
	{"S-1-5-14", "NT AUTHORITY\\REMOTE INTERACTIVE LOGON"},
	{"S-1-5-15", "NT AUTHORITY\\This Organization"},
	{"S-1-5-17", "NT AUTHORITY\\IUSR"},
	{"S-1-5-18", "NT AUTHORITY\\SYSTEM"},
	{"S-1-5-19", "NT AUTHORITY\\LOCAL SERVICE"},
	{"S-1-5-2", "NT AUTHORITY\\NETWORK"},
	{"S-1-5-20", "NT AUTHORITY\\NETWORK SERVICE"},
	{"S-1-5-3", "NT AUTHORITY\\BATCH"},
	{"S-1-5-32-544", "BUILTIN\\Administrators"},
	{"S-1-5-32-545", "BUILTIN\\Users"},
	{"S-1-5-32-546", "BUILTIN\\Guests"},
	{"S-1-5-32-547", "BUILTIN\\Power Users"},
	{"S-1-5-32-548", "BUILTIN\\Account Operators"},
	{"S-1-5-32-549", "BUILTIN\\Server Operators"},
	{"S-1-5-32-550", "BUILTIN\\Print Operators"},
	{"S-1-5-32-551", "BUILTIN\\Backup Operators"},
	{"S-1-5-32-552", "BUILTIN\\Replicator"},
	{"S-1-5-32-555", "BUILTIN\\Remote Desktop Users"},
	{"S-1-5-32-556", "BUILTIN\\Network Configuration Operators"},
	{"S-1-5-32-558", "BUILTIN\\Performance Monitor Users"},
	{"S-1-5-32-559", "BUILTIN\\Performance Log Users"},
	{"S-1-5-32-562", "BUILTIN\\Distributed COM Users"},
	{"S-1-5-32-568", "BUILTIN\\IIS_IUSRS"},
	{"S-1-5-32-569", "BUILTIN\\Cryptographic Operators"},
	{"S-1-5-32-573", "BUILTIN\\Event Log Readers"},
	{"S-1-5-32-578", "BUILTIN\\Hyper-V Administrators"},
	{"S-1-5-32-579", "BUILTIN\\Access Control Assistance Operators"},
	{"S-1-5-32-580", "BUILTIN\\Remote Management Users"},
	{"S-1-5-32-583", "BUILTIN\\Device Owners"},
	{"S-1-5-4", "NT AUTHORITY\\INTERACTIVE"},
	{"S-1-5-6", "NT AUTHORITY\\SERVICE"},
	{"S-1-5-7", "NT AUTHORITY\\ANONYMOUS LOGON"},
	{"S-1-5-8", "NT AUTHORITY\\PROXY"},
	{"S-1-5-80-0", "NT SERVICE\\ALL SERVICES"},
	{"S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464", "NT SERVICE\\TrustedInstaller"},
	{"S-1-5-83-0", "NT VIRTUAL MACHINE\\Virtual Machines"},
	{"S-1-5-9", "NT AUTHORITY\\ENTERPRISE DOMAIN CONTROLLERS"},
};

/* Orders a key SID string against a table row. */
static int well_known_cmp(const void *key, const void *row)
{
	return strcmp((const char *)key, ((const accounts_well_known *)row)->sid);
}

const char *accounts_well_known_name(const char *sid)
{
	if (sid == NULL)
		return NULL;
	const accounts_well_known *w =
		bsearch(sid, WELL_KNOWN, sizeof(WELL_KNOWN) / sizeof(WELL_KNOWN[0]), sizeof(WELL_KNOWN[0]), well_known_cmp);
	return w ? w->name : NULL;
}

const accounts_well_known *accounts_well_known_table(size_t *count)
{
	*count = sizeof(WELL_KNOWN) / sizeof(WELL_KNOWN[0]);
	return WELL_KNOWN;
}

void account_list_init(account_list *l)
{
	vec_init(&l->items, sizeof(account));
}

/* strdup that keeps NULL. */
static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

int account_list_add(account_list *l, const char *sid, const char *name, const char *source, const char *profile)
{
	account a = {.sid = strdup(sid), .name = dup_or_null(name), .source = source, .profile_path = dup_or_null(profile)};
	account *slot = (a.sid && (!name || a.name) && (!profile || a.profile_path)) ? vec_push(&l->items) : NULL;
	if (!slot) {
		free(a.sid);
		free(a.name);
		free(a.profile_path);
		return -1;
	}
	*slot = a;
	return 0;
}

/* Rank of a source: the more authoritative, the higher. */
static int source_rank(const char *source)
{
	return !strcmp(source, "sam") ? 3 : !strcmp(source, "well_known") ? 2 : 1;
}

/* Orders by SID, then best source first; qsort is not stable, so the insertion index breaks ties. */
typedef struct {
	account a;
	size_t order;
} ranked;

/* Compares two ranked accounts for account_list_finish. */
static int ranked_cmp(const void *x, const void *y)
{
	const ranked *p = x, *q = y;
	int c = strcmp(p->a.sid, q->a.sid);
	if (c)
		return c;
	int r = source_rank(q->a.source) - source_rank(p->a.source);
	if (r)
		return r;
	return p->order < q->order ? -1 : p->order > q->order;
}

void account_list_finish(account_list *l)
{
	size_t n = l->items.count;
	if (n == 0)
		return;
	ranked *tmp = malloc(n * sizeof(*tmp));
	account *items = l->items.data;
	if (!tmp) { /* out of memory: sorted only (duplicates kept; find still works) */
		for (size_t i = 1; i < n; i++)
			for (size_t j = i; j > 0 && strcmp(items[j - 1].sid, items[j].sid) > 0; j--) {
				account t = items[j];
				items[j] = items[j - 1];
				items[j - 1] = t;
			}
		return;
	}
	for (size_t i = 0; i < n; i++)
		tmp[i] = (ranked){items[i], i};
	qsort(tmp, n, sizeof(*tmp), ranked_cmp);
	size_t w = 0;
	for (size_t i = 0; i < n; i++) {
		if (w > 0 && !strcmp(items[w - 1].sid, tmp[i].a.sid)) { /* a duplicate: the first (best) stays */
			account *keep = &items[w - 1];
			if (!keep->name && tmp[i].a.name) {
				keep->name = tmp[i].a.name;
				tmp[i].a.name = NULL;
			}
			if (!keep->profile_path && tmp[i].a.profile_path) {
				keep->profile_path = tmp[i].a.profile_path;
				tmp[i].a.profile_path = NULL;
			}
			free(tmp[i].a.sid);
			free(tmp[i].a.name);
			free(tmp[i].a.profile_path);
			continue;
		}
		items[w++] = tmp[i].a;
	}
	l->items.count = w;
	free(tmp);
}

/* Orders a key SID string against an account. */
static int account_key_cmp(const void *key, const void *row)
{
	return strcmp((const char *)key, ((const account *)row)->sid);
}

const account *account_list_find(const account_list *l, const char *sid)
{
	if (!l || !sid || l->items.count == 0)
		return NULL;
	return bsearch(sid, l->items.data, l->items.count, sizeof(account), account_key_cmp);
}

const char *accounts_name(const account_list *l, const char *sid)
{
	const account *a = account_list_find(l, sid);
	if (a && a->name)
		return a->name;
	return accounts_well_known_name(sid);
}

void account_list_free(account_list *l)
{
	for (size_t i = 0; i < l->items.count; i++) {
		account *a = &VEC_AT(&l->items, account, i);
		free(a->sid);
		free(a->name);
		free(a->profile_path);
	}
	vec_free(&l->items);
}
