/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer harness for the USN journal decoder. Input: one flag byte (bit 0: check USNs against offsets;
 * bits 1-7: the block's stream offset in 32-byte units, so blocks that start mid-page are tried too), then a
 * block of $J. Every step must make progress and stay inside the block; every record must decode again the
 * same way at its offset, keep its name and extents inside itself and inside one journal page; the bytes
 * of the block must be exactly records + padding + damage.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "usn_record.h"
#include "utf16.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Traps unless p..p+n lies inside buf[0..len). */
static void check_inside(const uint8_t *buf, size_t len, const uint8_t *p, size_t n)
{
	if (p < buf || (size_t)(p - buf) > len || n > len - (size_t)(p - buf))
		__builtin_trap();
}

/* Checks one record the iterator returned at buffer offset off. */
static void check_record(const ntfs_usn_iter *it, const uint8_t *buf, size_t len, size_t off,
			 const ntfs_usn_record *r)
{
	ntfs_usn_record again;
	char name[2048];
	size_t n;

	check_inside(buf, len, buf + off, r->record_length);
	if (r->record_length % 8 || r->record_length > NTFS_USN_PAGE_SIZE)
		__builtin_trap();
	if ((it->base + off) / NTFS_USN_PAGE_SIZE != (it->base + off + r->record_length - 1) / NTFS_USN_PAGE_SIZE)
		__builtin_trap();
	if (it->check_usn && (uint64_t)r->usn != it->base + off)
		__builtin_trap();
	if (ntfs_usn_record_decode(buf, len, off, &again, NULL) != NTFS_OK || memcmp(&again, r, sizeof(again)) != 0)
		__builtin_trap();
	if (r->name) {
		check_inside(buf + off, r->record_length, r->name, r->name_length);
		n = ntfs_usn_record_name_utf8(r, name, sizeof(name));
		if (n >= sizeof(name) || strlen(name) != n || ntfs_utf8_validate(name, n) != n)
			__builtin_trap();
	}
	if (r->extents)
		check_inside(buf + off, r->record_length, r->extents, (size_t)r->extent_count * r->extent_size);
	for (unsigned i = 0; i < r->extent_count; i++) {
		ntfs_usn_extent x;
		if (ntfs_usn_record_extent(r, i, &x, NULL) != NTFS_OK)
			__builtin_trap();
	}
	for (int b = 0; b < 32; b++) {
		const char *nm = ntfs_usn_reason_name(1u << b);
		if (nm != NULL && nm[0] == '\0')
			__builtin_trap();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ntfs_usn_iter it;
	ntfs_usn_record r;
	ntfs_usn_step s;
	ntfs_error err;
	uint64_t used = 0, steps = 0;
	const uint8_t *buf;
	size_t len;

	if (size < 1)
		return 0;
	buf = data + 1;
	len = size - 1;
	ntfs_usn_iter_init(&it, buf, len, (uint64_t)(data[0] >> 1) * 32, data[0] & 1);
	while ((s = ntfs_usn_iter_next(&it, &r, &err)) != NTFS_USN_STEP_END) {
		if (++steps > len / 8 + 2)
			__builtin_trap(); /* every step consumes at least 8 bytes */
		if (s == NTFS_USN_STEP_RECORD) {
			check_record(&it, buf, len, (size_t)(it.record_offset - it.base), &r);
			used += r.record_length;
		} else {
			if (it.damage_length == 0 || err.reason[0] == '\0' || err.status == NTFS_OK)
				__builtin_trap();
			check_inside(buf, len, buf + (it.damage_offset - it.base), it.damage_length);
		}
	}
	if (used + it.padding_bytes + it.damaged_bytes != len)
		__builtin_trap();
	/* every aligned offset decoded on its own: fails cleanly or stays inside */
	for (size_t off = 0; off + 8 <= len; off += 8)
		if (ntfs_usn_record_decode(buf, len, off, &r, &err) == NTFS_OK)
			check_inside(buf, len, buf + off, r.record_length);
	return 0;
}
