/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer harness for file records, the way the MFT scan uses the parsers: apply the update sequence
 * fixups to a private copy, decode the header, walk the attributes, and decode every attribute kind
 * found ($STANDARD_INFORMATION, $FILE_NAME, $ATTRIBUTE_LIST, $VOLUME_NAME, $VOLUME_INFORMATION,
 * $SECURITY_DESCRIPTOR, and the runlist of every non-resident attribute). Every pointer a decoder
 * returns must lie inside the record.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "attr_list.h"
#include "attribute.h"
#include "file_name.h"
#include "record.h"
#include "runlist.h"
#include "security.h"
#include "std_info.h"
#include "volume_info.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Traps unless [p, p+n) lies inside [base, base+len). */
static void check_inside(const uint8_t *base, size_t len, const uint8_t *p, size_t n)
{
	if (p < base || (size_t)(p - base) > len || n > len - (size_t)(p - base))
		__builtin_trap();
}

/* Walks an attribute list value entry by entry. */
static void walk_attr_list(const uint8_t *v, size_t len)
{
	ntfs_attr_list_entry en;
	size_t pos = 0, prev = 0;
	ntfs_error err;

	while (ntfs_attr_list_next(v, len, &pos, &en, &err) == 1) {
		if (pos <= prev || pos > len)
			__builtin_trap();
		if (en.name)
			check_inside(v, len, en.name, 2 * (size_t)en.name_length);
		prev = pos;
	}
}

/* Decodes a resident value according to its attribute type. */
static void decode_value(uint32_t type, const uint8_t *v, size_t len)
{
	ntfs_error err;

	switch (type) {
	case NTFS_AT_STANDARD_INFORMATION: {
		ntfs_std_info si;
		(void)ntfs_std_info_decode(v, len, &si, &err);
		break;
	}
	case NTFS_AT_FILE_NAME: {
		ntfs_file_name fn;
		if (ntfs_file_name_decode(v, len, &fn, &err) == NTFS_OK) {
			check_inside(v, len, fn.name, 2 * (size_t)fn.name_length);
			if (ntfs_file_name_namespace_name(fn.name_space) == NULL)
				__builtin_trap();
		}
		break;
	}
	case NTFS_AT_ATTRIBUTE_LIST:
		walk_attr_list(v, len);
		break;
	case NTFS_AT_VOLUME_NAME: {
		char label[1024];
		if (ntfs_volume_name_decode(v, len, label, sizeof(label), &err) == NTFS_OK &&
		    memchr(label, '\0', sizeof(label)) == NULL)
			__builtin_trap();
		break;
	}
	case NTFS_AT_VOLUME_INFORMATION: {
		ntfs_volume_info vi;
		(void)ntfs_volume_info_decode(v, len, &vi, &err);
		break;
	}
	case NTFS_AT_SECURITY_DESCRIPTOR: {
		ntfs_security_descriptor sd;
		(void)ntfs_sd_decode(v, len, &sd, &err);
		break;
	}
	default:
		break;
	}
}

/* Decodes a non-resident attribute's runlist and checks it against the attribute's sizes. */
static void decode_runs(const ntfs_attr *a)
{
	ntfs_runlist rl = {0};
	ntfs_error err;
	int64_t lcn;

	if (ntfs_runlist_decode(a->runlist, a->runlist_length, a->lowest_vcn, 1u << 20, &rl, &err) == NTFS_OK) {
		if (rl.cap > a->runlist_length / 2)
			__builtin_trap();
		(void)ntfs_runlist_check_sizes(&rl, a->allocated_size, 4096, &err);
		(void)ntfs_runlist_lookup(&rl, a->lowest_vcn, &lcn, NULL, &err);
	} else if (rl.count != 0) {
		__builtin_trap();
	}
	ntfs_runlist_free(&rl);
}

/* Walks every attribute of a fixed-up record of len bytes. */
static void walk(const uint8_t *r, size_t len, const ntfs_record_header *h)
{
	size_t in_use = h->bytes_in_use < len ? h->bytes_in_use : len;
	ntfs_attr_iter it;
	ntfs_attr a;
	ntfs_error err;
	int n = 0;

	ntfs_attr_iter_init(&it, r, in_use, h->attrs_offset);
	while (ntfs_attr_iter_next(&it, &a, &err) == 1) {
		check_inside(r, in_use, a.raw, a.length);
		if (a.name)
			check_inside(a.raw, a.length, a.name, 2 * (size_t)a.name_length);
		if (a.non_resident) {
			check_inside(a.raw, a.length, a.runlist, a.runlist_length);
			decode_runs(&a);
		} else {
			check_inside(a.raw, a.length, a.value, a.value_length);
			decode_value(a.type, a.value, a.value_length);
		}
		(void)ntfs_attr_type_name(a.type);
		if (++n > 1024) /* each attribute is at least 24 bytes: a 16 KiB record holds fewer */
			__builtin_trap();
	}
}

/* Treats one input as a record of its own size: fixups on a private copy, header, attributes. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ntfs_record_header h;
	ntfs_record_fixups fx;
	ntfs_error err;
	uint8_t *r;

	if (size > 16384) /* records are at most 16 KiB */
		return 0;
	r = malloc(size ? size : 1);
	if (r == NULL)
		return 0;
	memcpy(r, data, size);
	if (ntfs_record_apply_fixups(r, size, NTFS_USA_STRIDE, &fx, &err) == NTFS_OK &&
	    (fx.bad_count > fx.sectors || fx.sectors > NTFS_RECORD_MAX_SECTORS))
		__builtin_trap();
	if (ntfs_record_decode_header(r, size, &h, &err) == NTFS_OK) {
		if (h.attrs_offset + 4u > size || (size_t)h.usa_offset + 2u * h.usa_count > size)
			__builtin_trap();
		walk(r, size, &h);
	}
	free(r);
	return 0;
}
