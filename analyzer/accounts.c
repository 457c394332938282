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
