/* SPDX-License-Identifier: Apache-2.0 */
/* Registry hives from memory through libregf and a libbfio memory range. */
#include "config.h"
#include "hive.h"

#include <libbfio.h>
#include <libregf.h>
#include <stdlib.h>
#include <string.h>

#include "utf16.h"

#define NAME_MAX_UNITS 16384     /* key and value names: Windows allows 255 and 16,383 characters */

struct hive {
	libbfio_handle_t *io;
	libregf_file_t *file;
};

struct hive_key {
	hive *h;
	libregf_key_t *key;
};

/* Sets err from a libregf error (then freed), prefixed with what failed. */
static ntfs_status regf_fail(ntfs_error *err, libregf_error_t **re, ntfs_status st, const char *what)
{
	char msg[512] = "";
	if (re && *re) {
		libregf_error_sprint(*re, msg, sizeof(msg));
		libregf_error_free(re);
	}
	for (char *p = msg; *p; p++) /* libregf's messages span lines: one line here */
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return ntfs_error_set(err, st, "%s%s%s", what, *msg ? ": " : "", msg);
}

ntfs_status hive_open(const uint8_t *buf, size_t len, hive **out, ntfs_error *err)
{
	libbfio_error_t *be = NULL;
	libregf_error_t *re = NULL;
	*out = NULL;
	hive *h = calloc(1, sizeof(*h));
	if (!h)
		return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory");
	if (len < 4096 || memcmp(buf, "regf", 4) != 0) {
		free(h);
		return ntfs_error_set(err, NTFS_E_SIGNATURE, "not a registry hive (%zu bytes, no \"regf\" signature)", len);
	}
	if (libbfio_memory_range_initialize(&h->io, &be) != 1 ||
	    libbfio_memory_range_set(h->io, (uint8_t *)buf, len, &be) != 1) {
		libbfio_error_free(&be);
		hive_close(h);
		return ntfs_error_set(err, NTFS_E_NOMEM, "cannot set up a memory range for the hive");
	}
	if (libregf_file_initialize(&h->file, &re) != 1) {
		hive_close(h);
		return regf_fail(err, &re, NTFS_E_NOMEM, "libregf");
	}
	if (libregf_file_open_file_io_handle(h->file, h->io, LIBREGF_OPEN_READ, &re) != 1) {
		libregf_file_free(&h->file, NULL);
		h->file = NULL;
		hive_close(h);
		return regf_fail(err, &re, NTFS_E_INVALID, "the hive cannot be opened");
	}
	*out = h;
	return NTFS_OK;
}

void hive_close(hive *h)
{
	if (!h)
		return;
	if (h->file) {
		libregf_file_close(h->file, NULL);
		libregf_file_free(&h->file, NULL);
	}
	if (h->io)
		libbfio_handle_free(&h->io, NULL);
	free(h);
}

bool hive_corrupted(hive *h)
{
	return libregf_file_is_corrupted(h->file, NULL) == 1;
}

/* Wraps a libregf key (NULL stays NULL). */
static ntfs_status wrap_key(hive *h, libregf_key_t *key, hive_key **out, ntfs_error *err)
{
	*out = NULL;
	if (!key)
		return NTFS_OK;
	hive_key *k = malloc(sizeof(*k));
	if (!k) {
		libregf_key_free(&key, NULL);
		return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory");
	}
	k->h = h;
	k->key = key;
	*out = k;
	return NTFS_OK;
}

ntfs_status hive_key_open(hive *h, const char *path, hive_key **out, ntfs_error *err)
{
	libregf_error_t *re = NULL;
	libregf_key_t *key = NULL;
	int r = *path ? libregf_file_get_key_by_utf8_path(h->file, (const uint8_t *)path, strlen(path), &key, &re)
		      : libregf_file_get_root_key(h->file, &key, &re);
	*out = NULL;
	if (r == -1)
		return regf_fail(err, &re, NTFS_E_INVALID, *path ? "key lookup failed" : "the root key cannot be read");
	return wrap_key(h, r == 1 ? key : NULL, out, err);
}

ntfs_status hive_key_open_sub(hive_key *k, const char *path, hive_key **out, ntfs_error *err)
{
	libregf_error_t *re = NULL;
	libregf_key_t *key = NULL;
	int r = libregf_key_get_sub_key_by_utf8_path(k->key, (const uint8_t *)path, strlen(path), &key, &re);
	*out = NULL;
	if (r == -1)
		return regf_fail(err, &re, NTFS_E_INVALID, "subkey lookup failed");
	return wrap_key(k->h, r == 1 ? key : NULL, out, err);
}

void hive_key_close(hive_key *k)
{
	if (!k)
		return;
	libregf_key_free(&k->key, NULL);
	free(k);
}

ntfs_status hive_key_subkey_count(hive_key *k, int *count, ntfs_error *err)
{
	libregf_error_t *re = NULL;
	*count = 0;
	if (libregf_key_get_number_of_sub_keys(k->key, count, &re) != 1) {
		*count = 0;
		return regf_fail(err, &re, NTFS_E_INVALID, "subkeys cannot be counted");
	}
	if (*count < 0)
		*count = 0;
	if (*count > HIVE_MAX_ITEMS)
		*count = HIVE_MAX_ITEMS;
	return NTFS_OK;
}

ntfs_status hive_key_subkey(hive_key *k, int i, hive_key **out, ntfs_error *err)
{
	libregf_error_t *re = NULL;
	libregf_key_t *key = NULL;
	*out = NULL;
	if (libregf_key_get_sub_key(k->key, i, &key, &re) != 1)
		return regf_fail(err, &re, NTFS_E_INVALID, "a subkey cannot be read");
	return wrap_key(k->h, key, out, err);
}

/* UTF-16 units (NUL included) from a libregf size getter, checked against NAME_MAX_UNITS. */
static char *utf16_name(const uint16_t *units, size_t n)
{
	uint8_t *le = malloc(n * 2 + 2);
	if (!le)
		return NULL;
	size_t len = 0;
	while (len < n && units[len])
		len++;
	for (size_t i = 0; i < len; i++) {
		le[2 * i] = (uint8_t)units[i];
		le[2 * i + 1] = (uint8_t)(units[i] >> 8);
	}
	char *s = ntfs_utf16_to_utf8_alloc(le, len);
	free(le);
	return s;
}

ntfs_status hive_key_name(hive_key *k, char **out, ntfs_error *err)
{
	libregf_error_t *re = NULL;
	size_t n = 0;
	*out = NULL;
	if (libregf_key_get_utf16_name_size(k->key, &n, &re) != 1)
		return regf_fail(err, &re, NTFS_E_INVALID, "a key name cannot be read");
	if (n == 0 || n > NAME_MAX_UNITS)
		return ntfs_error_set(err, NTFS_E_INVALID, "a key name of %zu characters", n);
	uint16_t *u = malloc(n * sizeof(uint16_t));
	if (!u)
		return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory");
	ntfs_status st = NTFS_OK;
	if (libregf_key_get_utf16_name(k->key, u, n, &re) != 1)
		st = regf_fail(err, &re, NTFS_E_INVALID, "a key name cannot be read");
	else if (!(*out = utf16_name(u, n)))
		st = ntfs_error_set(err, NTFS_E_NOMEM, "out of memory");
	free(u);
	return st;
}

ntfs_status hive_key_value_count(hive_key *k, int *count, ntfs_error *err)
{
	libregf_error_t *re = NULL;
	*count = 0;
	if (libregf_key_get_number_of_values(k->key, count, &re) != 1) {
		*count = 0;
		return regf_fail(err, &re, NTFS_E_INVALID, "values cannot be counted");
	}
	if (*count < 0)
		*count = 0;
	if (*count > HIVE_MAX_ITEMS)
		*count = HIVE_MAX_ITEMS;
	return NTFS_OK;
}

/* Fills out from a libregf value (freed here). */
static ntfs_status take_value(libregf_value_t *val, hive_value *out, ntfs_error *err)
{
	libregf_error_t *re = NULL;
	size_t n = 0, size = 0;
	uint16_t *u = NULL;
	ntfs_status st = NTFS_OK;
	memset(out, 0, sizeof(*out));
	if (libregf_value_get_utf16_name_size(val, &n, &re) != 1)
		st = regf_fail(err, &re, NTFS_E_INVALID, "a value name cannot be read");
	else if (n > NAME_MAX_UNITS)
		st = ntfs_error_set(err, NTFS_E_INVALID, "a value name of %zu characters", n);
	if (st == NTFS_OK && n > 0) {
		u = malloc(n * sizeof(uint16_t));
		if (!u)
			st = ntfs_error_set(err, NTFS_E_NOMEM, "out of memory");
		else if (libregf_value_get_utf16_name(val, u, n, &re) != 1)
			st = regf_fail(err, &re, NTFS_E_INVALID, "a value name cannot be read");
	}
	if (st == NTFS_OK && !(out->name = n ? utf16_name(u, n) : strdup("")))
		st = ntfs_error_set(err, NTFS_E_NOMEM, "out of memory");
	if (st == NTFS_OK && libregf_value_get_value_type(val, &out->type, &re) != 1)
		st = regf_fail(err, &re, NTFS_E_INVALID, "a value type cannot be read");
	if (st == NTFS_OK && libregf_value_get_value_data_size(val, &size, &re) != 1)
		st = regf_fail(err, &re, NTFS_E_INVALID, "a value's data size cannot be read");
	if (st == NTFS_OK && size > HIVE_MAX_VALUE_BYTES)
		st = ntfs_error_set(err, NTFS_E_RANGE, "value %s claims %zu bytes of data (at most %u are read)", out->name,
				    size, HIVE_MAX_VALUE_BYTES);
	if (st == NTFS_OK && !(out->data = malloc(size ? size : 1)))
		st = ntfs_error_set(err, NTFS_E_NOMEM, "out of memory");
	if (st == NTFS_OK && size && libregf_value_get_value_data(val, out->data, size, &re) != 1)
		st = regf_fail(err, &re, NTFS_E_INVALID, "a value's data cannot be read");
	if (st == NTFS_OK)
		out->len = size;
	else
		hive_value_free(out);
	free(u);
	libregf_value_free(&val, NULL);
	return st;
}

ntfs_status hive_key_value(hive_key *k, int i, hive_value *out, ntfs_error *err)
{
	libregf_error_t *re = NULL;
	libregf_value_t *val = NULL;
	memset(out, 0, sizeof(*out));
	if (libregf_key_get_value(k->key, i, &val, &re) != 1)
		return regf_fail(err, &re, NTFS_E_INVALID, "a value cannot be read");
	return take_value(val, out, err);
}

ntfs_status hive_key_value_named(hive_key *k, const char *name, hive_value *out, ntfs_error *err)
{
	libregf_error_t *re = NULL;
	libregf_value_t *val = NULL;
	memset(out, 0, sizeof(*out));
	int r = libregf_key_get_value_by_utf8_name(k->key, (const uint8_t *)name, strlen(name), &val, &re);
	if (r == -1)
		return regf_fail(err, &re, NTFS_E_INVALID, "value lookup failed");
	if (r == 0)
		return NTFS_OK;
	return take_value(val, out, err);
}

void hive_value_free(hive_value *v)
{
	free(v->name);
	free(v->data);
	memset(v, 0, sizeof(*v));
}

char *hive_value_string(const hive_value *v)
{
	if (v->type != HIVE_REG_SZ && v->type != HIVE_REG_EXPAND_SZ)
		return NULL;
	size_t units = v->len / 2, n = 0;
	while (n < units && (v->data[2 * n] || v->data[2 * n + 1]))
		n++;
	return ntfs_utf16_to_utf8_alloc(v->data, n);
}
