/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What a volume's registry hives say: \Windows\System32\config\SYSTEM, SOFTWARE and SAM (and those under
 * \Windows.old\Windows\System32\config), read with file_data and opened from memory (hive.h).
 * SYSTEM: MountedDevices (drive letters and volume GUIDs → disk signature and offset, or GPT partition GUID);
 * SOFTWARE: ProfileList (SID → profile path); SAM: local users (RID → name) and the machine SID.
 * A hive that cannot be read or is damaged, and a value that is not what it should be, is an anomaly;
 * nothing here fails the scan.
 * Threads: registry_read reads one volume (its own buffers, the volume read-only) and writes only *out and
 * the anomaly list it is given: volumes may be read side by side, each with its own list.
 */
#ifndef NTFSLINKS_REGISTRY_H
#define NTFSLINKS_REGISTRY_H

#include <stdbool.h>
#include <stdint.h>

#include "accounts.h"
#include "anomaly.h"
#include "model.h"
#include "mounted_device.h"
#include "name_index.h"
#include "security.h"
#include "volume.h"

#define REGISTRY_MAX_HIVE_BYTES (512u << 20) /* a hive file larger than this is not read (an anomaly) */

typedef struct {
	const char *kind;         /* "SYSTEM", "SOFTWARE", "SAM" */
	char path[96];            /* "\Windows\System32\config\SYSTEM" */
	uint32_t record;
	bool windows_old;         /* under \Windows.old: a previous installation */
	bool read;                /* opened and its keys read (damage may still have cost some values) */
	bool damaged;             /* libregf found damage, or it could not be read (an anomaly says which) */
	uint64_t size;            /* bytes of the file */
} reg_hive;

typedef struct {
	char *value;              /* the value name as stored ("\DosDevices\C:") */
	md_name name;
	md_data data;
	uint32_t hive_record;     /* the SYSTEM hive's record */
} reg_mount;

typedef struct {
	vec hives;                /* reg_hive: the hive files found, in the order kinds are listed above */
	vec mounts;               /* reg_mount: MountedDevices of the current installation's SYSTEM (not
				   * Windows.old's), drive letters and volume GUIDs whose data decoded */
	account_list accounts;    /* SAM users and ProfileList SIDs of every hive read (finished) */
	char machine_sid[NTFS_SID_STRING_MAX]; /* from the current SAM, "" when unknown */
} registry_info;

/* Prepares an empty result. */
void registry_init(registry_info *r);

/*
 * Finds and reads the hives of a scanned volume (model m, name index ix); findings into *r, damage as
 * anomalies into `anomalies`. Returns NTFS_E_NOMEM only; everything else is an anomaly.
 */
ntfs_status registry_read(volume *vol, const model *m, const name_index *ix, registry_info *r,
			  anomaly_list *anomalies, ntfs_error *err);

/* Releases the result. */
void registry_free(registry_info *r);

#endif
