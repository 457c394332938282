/* SPDX-License-Identifier: Apache-2.0 */
/* File content: a $DATA stream read whole (or its first bytes) through the volume's bounded reads. */
#include "config.h"
#include "file_data.h"

#include <stdlib.h>
#include <string.h>

#include "attribute.h"
#include "le.h"
#include "lznt1.h"
#include "reparse.h"

#define CU_CLUSTERS_LOG2 4        /* every compressed NTFS file Windows or ntfs-3g writes: 16-cluster units */
#define CU_MAX_CLUSTER 4096u      /* Windows compresses only volumes of clusters up to 4 KiB */

/* NTFS_E_UNSUPPORTED when record rec carries the WOF reparse tag (its unnamed $DATA is a placeholder). */
static ntfs_status refuse_wof(volume *vol, uint64_t rec, ntfs_error *err)
{
	volume_attr ra;
	ntfs_error e;
	uint8_t tagb[4];
	bool have = false;
	if (volume_find_attr(vol, rec, NTFS_AT_REPARSE_POINT, NULL, &ra, &e) == NTFS_OK && ra.found) {
		if (ra.resident && ra.value_len >= 4) {
			memcpy(tagb, ra.value, 4);
			have = true;
		} else if (!ra.resident && ra.data_size >= 4) {
			have = volume_read_runs(vol, &ra.rl, 0, tagb, 4, &e) == NTFS_OK;
		}
	}
	volume_attr_free(&ra);
	if (have && le32(tagb) == REPARSE_TAG_WOF)
		return ntfs_error_set(err, NTFS_E_UNSUPPORTED,
				      "record %llu is WOF-compressed (reparse tag 0x80000017: its content is in the "
				      "WofCompressedData stream, XPRESS or LZX): not read", (unsigned long long)rec);
	return NTFS_OK;
}

/* Zeros out[init, n): bytes past the initialized size read as zeros, whatever the clusters hold. */
static void zero_uninitialized(const volume_attr *a, uint8_t *out, size_t n)
{
	if (a->initialized_size < n)
		memset(out + a->initialized_size, 0, n - (size_t)a->initialized_size);
}

/*
 * Of the 16 clusters of the compression unit at vcn0: *real gets those with clusters before the first
 * hole (sparse run), *hole whether one follows. Clusters after a hole, or a unit the runs do not map, are lies.
 */
static ntfs_status unit_layout(const ntfs_runlist *rl, uint64_t vcn0, uint64_t cuc, uint64_t *real, bool *hole,
			       ntfs_error *err)
{
	*real = 0;
	*hole = false;
	for (uint64_t v = vcn0; v < vcn0 + cuc;) {
		int64_t lcn;
		uint64_t left;
		ntfs_status st = ntfs_runlist_lookup(rl, v, &lcn, &left, err);
		if (st != NTFS_OK)
			return st;
		uint64_t take = left < vcn0 + cuc - v ? left : vcn0 + cuc - v;
		if (lcn == NTFS_LCN_SPARSE)
			*hole = true;
		else if (*hole)
			return ntfs_error_set(err, NTFS_E_INVALID,
					      "compression unit at VCN %llu has clusters after a hole (VCN %llu)",
					      (unsigned long long)vcn0, (unsigned long long)v);
		else
			*real += take;
		v += take;
	}
	return NTFS_OK;
}

/* Reads n bytes of an LZNT1-compressed attribute, unit by unit: holes, stored units, compressed units. */
static ntfs_status read_compressed(volume *vol, const volume_attr *a, uint8_t *out, size_t n, ntfs_error *err)
{
	uint64_t cs = vol->boot.cluster_size;
	if (a->compression_unit != CU_CLUSTERS_LOG2 || cs == 0 || cs > CU_MAX_CLUSTER)
		return ntfs_error_set(err, NTFS_E_UNSUPPORTED,
				      "compressed data with 2^%u-cluster units of %llu bytes is not read (16 units of at most 4 KiB are)",
				      a->compression_unit, (unsigned long long)cs);
	uint64_t cuc = 1u << CU_CLUSTERS_LOG2;
	size_t cub = (size_t)(cuc * cs);
	uint8_t *packed = malloc(cub), *unit = malloc(cub);
	ntfs_status st = packed && unit ? NTFS_OK : ntfs_error_set(err, NTFS_E_NOMEM, "out of memory");
	for (size_t off = 0; st == NTFS_OK && off < n; off += cub) {
		size_t want = n - off < cub ? n - off : cub;
		uint64_t real;
		bool hole;
		st = unit_layout(&a->rl, off / cs, cuc, &real, &hole, err);
		if (st != NTFS_OK)
			break;
		if (real == 0)
			memset(out + off, 0, want);
		else if (!hole) /* stored as is */
			st = volume_read_runs(vol, &a->rl, off, out + off, want, err);
		else if ((st = volume_read_runs(vol, &a->rl, off, packed, (size_t)(real * cs), err)) == NTFS_OK &&
			 (st = ntfs_lznt1_decompress(packed, (size_t)(real * cs), unit, cub, NULL, err)) == NTFS_OK)
			memcpy(out + off, unit, want);
		if (st != NTFS_OK)
			ntfs_error_prefix(err, "compression unit at byte %zu: ", off);
	}
	free(packed);
	free(unit);
	return st;
}

/* Checks that a non-resident attribute's sizes and runs can hold the n bytes to read. */
static ntfs_status check_sizes(const volume *vol, const volume_attr *a, size_t n, ntfs_error *err)
{
	uint64_t cs = vol->boot.cluster_size, mapped;
	if (a->data_size > a->allocated_size)
		return ntfs_error_set(err, NTFS_E_INVALID, "data size %llu exceeds the allocated size %llu",
				      (unsigned long long)a->data_size, (unsigned long long)a->allocated_size);
	if (cs == 0)
		return ntfs_error_set(err, NTFS_E_UNSUPPORTED,
				      "non-resident data cannot be read: no clusters (an extracted $MFT)");
	if (__builtin_mul_overflow(a->rl.total_clusters, cs, &mapped))
		mapped = UINT64_MAX;
	if (mapped < n)
		return ntfs_error_set(err, NTFS_E_INVALID, "data size %llu exceeds the %llu bytes its runs map",
				      (unsigned long long)a->data_size, (unsigned long long)mapped);
	return NTFS_OK;
}

/* Reads n bytes of attribute a into out (n <= its size; check_sizes passed for non-resident data). */
static ntfs_status read_value(volume *vol, const volume_attr *a, uint8_t *out, size_t n, ntfs_error *err)
{
	if (a->resident) {
		memcpy(out, a->value, n);
		return NTFS_OK;
	}
	ntfs_status st;
	if (a->flags & NTFS_ATTR_FLAG_COMPRESSED)
		st = read_compressed(vol, a, out, n, err);
	else
		st = volume_read_runs(vol, &a->rl, 0, out,
				      a->initialized_size < n ? (size_t)a->initialized_size : n, err);
	if (st == NTFS_OK)
		zero_uninitialized(a, out, n);
	return st;
}

ntfs_status file_data_read(volume *vol, uint64_t rec, const char *stream, size_t max, unsigned flags, file_data *out,
			   ntfs_error *err)
{
	volume_attr a;
	memset(out, 0, sizeof(*out));
	ntfs_status st = (!stream || !*stream) ? refuse_wof(vol, rec, err) : NTFS_OK;
	if (st != NTFS_OK)
		return st;
	st = volume_find_attr(vol, rec, NTFS_AT_DATA, stream, &a, err);
	if (st == NTFS_OK && !a.found)
		st = ntfs_error_set(err, NTFS_E_INVALID, "record %llu has no such stream", (unsigned long long)rec);
	if (st == NTFS_OK && (a.flags & NTFS_ATTR_FLAG_ENCRYPTED))
		st = ntfs_error_set(err, NTFS_E_UNSUPPORTED, "the stream is EFS-encrypted: not read");
	uint64_t size = a.resident ? a.value_len : a.data_size;
	if (st == NTFS_OK && size > max && !(flags & FILE_DATA_PREFIX))
		st = ntfs_error_set(err, NTFS_E_RANGE, "the stream declares %llu bytes, more than the %zu read at most",
				    (unsigned long long)size, max);
	size_t n = size > max ? max : (size_t)size;
	if (st == NTFS_OK && !a.resident && vol->is_mft_file) {
		out->outside_mft = true;
		st = ntfs_error_set(err, NTFS_E_UNSUPPORTED, "the data is non-resident: an extracted $MFT holds none of "
				    "its clusters");
	}
	if (st == NTFS_OK && !a.resident) /* before any allocation: a size the runs cannot hold is refused */
		st = check_sizes(vol, &a, n, err);
	uint8_t *buf = st == NTFS_OK ? malloc(n ? n : 1) : NULL;
	if (st == NTFS_OK && !buf)
		st = ntfs_error_set(err, NTFS_E_NOMEM, "out of memory");
	if (st == NTFS_OK)
		st = read_value(vol, &a, buf, n, err);
	if (st == NTFS_OK) {
		out->data = buf;
		out->len = n;
		out->size = size;
		out->resident = a.resident;
		out->sparse = (a.flags & NTFS_ATTR_FLAG_SPARSE) != 0;
		out->compressed = (a.flags & NTFS_ATTR_FLAG_COMPRESSED) != 0;
		out->truncated = n < size;
	} else {
		free(buf);
		ntfs_error_prefix(err, "$DATA%s%s: ", stream ? ":" : "", stream ? stream : "");
	}
	volume_attr_free(&a);
	return st;
}

void file_data_free(file_data *fd)
{
	free(fd->data);
	memset(fd, 0, sizeof(*fd));
}
