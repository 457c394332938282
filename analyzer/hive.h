/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A registry hive (regf) held in memory, read with libregf through a libbfio memory range: no file is
 * written or opened. Keys by path, their subkeys and values; every name and string in UTF-8 (unpaired
 * UTF-16 surrogates escaped as the rest of the report does). Every count and size is bounded here, so a
 * hive that lies costs at most what the bounds allow.
 * Threads: one hive (and its keys) is used by one thread at a time; different hives may be read side by side.
 */
#ifndef NTFSLINKS_HIVE_H
#define NTFSLINKS_HIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ntfs_error.h"

#define HIVE_MAX_VALUE_BYTES (1u << 20) /* a value's data beyond this is not read */
#define HIVE_MAX_ITEMS 65536            /* subkeys or values of one key looked at, at most */

enum {                                  /* registry value types */
	HIVE_REG_SZ = 1,
	HIVE_REG_EXPAND_SZ = 2,
	HIVE_REG_BINARY = 3,
	HIVE_REG_DWORD = 4
};

typedef struct hive hive;
typedef struct hive_key hive_key;

typedef struct {
	char *name;               /* UTF-8, "" for the default value */
	uint32_t type;
	uint8_t *data;            /* malloc'd, len bytes */
	size_t len;
} hive_value;

/* Opens the hive in buf[0, len); buf is not copied and must outlive the hive. */
ntfs_status hive_open(const uint8_t *buf, size_t len, hive **out, ntfs_error *err);

/* Closes the hive (its keys must be closed first). */
void hive_close(hive *h);

/* True when libregf found the hive damaged while opening or reading it (it goes on where it can). */
bool hive_corrupted(hive *h);

/*
 * The key at path (backslash-separated, from the root key, without the root's own name; "" = the root).
 * NTFS_OK with *out NULL when there is no such key; an error when the hive cannot be read there.
 */
ntfs_status hive_key_open(hive *h, const char *path, hive_key **out, ntfs_error *err);

/* The subkey at path below k, as hive_key_open. */
ntfs_status hive_key_open_sub(hive_key *k, const char *path, hive_key **out, ntfs_error *err);

/* Closes a key. */
void hive_key_close(hive_key *k);

/* Subkeys of k (at most HIVE_MAX_ITEMS); *count 0 on error. */
ntfs_status hive_key_subkey_count(hive_key *k, int *count, ntfs_error *err);

/* Opens subkey i of k. */
ntfs_status hive_key_subkey(hive_key *k, int i, hive_key **out, ntfs_error *err);

/* The UTF-8 name of k (malloc'd). */
ntfs_status hive_key_name(hive_key *k, char **out, ntfs_error *err);

/* Values of k (at most HIVE_MAX_ITEMS). */
ntfs_status hive_key_value_count(hive_key *k, int *count, ntfs_error *err);

/* Reads value i of k (name, type, data up to HIVE_MAX_VALUE_BYTES, else an error). */
ntfs_status hive_key_value(hive_key *k, int i, hive_value *out, ntfs_error *err);

/* Reads the value called name of k; NTFS_OK with out->name NULL when k has none. */
ntfs_status hive_key_value_named(hive_key *k, const char *name, hive_value *out, ntfs_error *err);

/* Frees a value's name and data. */
void hive_value_free(hive_value *v);

/* A REG_SZ / REG_EXPAND_SZ value as UTF-8 up to its first NUL (malloc'd); NULL for other types. */
char *hive_value_string(const hive_value *v);

#endif
