/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the runlist decoder: deltas, sparse runs, joins, bounds, size checks, lookups, prefixes. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "ntfs_test_builder.h"
#include "runlist.h"

/* Asserts run i of rl is (vcn, lcn, length). */
static void assert_run(const ntfs_runlist *rl, size_t i, uint64_t vcn, int64_t lcn, uint64_t length)
{
	cr_assert_lt(i, rl->count, "run %zu of %zu", i, rl->count);
	cr_assert_eq(rl->runs[i].vcn, vcn, "run %zu vcn %llu", i, (unsigned long long)rl->runs[i].vcn);
	cr_assert_eq(rl->runs[i].lcn, lcn, "run %zu lcn %lld", i, (long long)rl->runs[i].lcn);
	cr_assert_eq(rl->runs[i].length, length, "run %zu length %llu", i, (unsigned long long)rl->runs[i].length);
}

Test(runlist, single_run_of_the_mft)
{
	const uint8_t mp[] = {0x21, 0x40, 0x55, 0x54, 0x00};
	ntfs_runlist rl = {0};
	ntfs_error e;

	cr_assert_eq(ntfs_runlist_decode(mp, sizeof(mp), 0, 64767, &rl, &e), NTFS_OK, "%s", e.reason);
	cr_assert_eq(rl.count, 1);
	assert_run(&rl, 0, 0, 21589, 64);
	cr_assert_eq(rl.total_clusters, 64);
	cr_assert_eq(ntfs_runlist_check_sizes(&rl, 64 * 4096, 4096, &e), NTFS_OK, "%s", e.reason);
	ntfs_runlist_free(&rl);
	cr_assert_null(rl.runs);
	cr_assert_eq(rl.count, 0);
}

Test(runlist, negative_delta_and_sparse_runs)
{
	/* 1 cluster at 21588; 1 cluster at 21588-21551 = 37; 16 sparse; 3 at 37+0x100 = 293; 2 at 293-0x80 = 165. */
	const uint8_t mp[] = {0x21, 0x01, 0x54, 0x54, 0x21, 0x01, 0xD1, 0xAB, 0x01, 0x10,
			      0x21, 0x03, 0x00, 0x01, 0x11, 0x02, 0x80, 0x00};
	ntfs_runlist rl = {0};
	ntfs_error e;
	int64_t lcn;
	uint64_t left;

	cr_assert_eq(ntfs_runlist_decode(mp, sizeof(mp), 0, 64767, &rl, &e), NTFS_OK, "%s", e.reason);
	cr_assert_eq(rl.count, 5);
	assert_run(&rl, 0, 0, 21588, 1);
	assert_run(&rl, 1, 1, 37, 1);
	assert_run(&rl, 2, 2, NTFS_LCN_SPARSE, 16);
	assert_run(&rl, 3, 18, 293, 3);
	assert_run(&rl, 4, 21, 165, 2);
	cr_assert_eq(rl.total_clusters, 23);
	cr_assert_leq(rl.cap, sizeof(mp) / 2);

	cr_assert_eq(ntfs_runlist_lookup(&rl, 0, &lcn, &left, &e), NTFS_OK);
	cr_assert_eq(lcn, 21588);
	cr_assert_eq(left, 1);
	cr_assert_eq(ntfs_runlist_lookup(&rl, 5, &lcn, &left, &e), NTFS_OK);
	cr_assert_eq(lcn, NTFS_LCN_SPARSE);
	cr_assert_eq(left, 13);
	cr_assert_eq(ntfs_runlist_lookup(&rl, 19, &lcn, &left, &e), NTFS_OK);
	cr_assert_eq(lcn, 294);
	cr_assert_eq(left, 2);
	cr_assert_eq(ntfs_runlist_lookup(&rl, 22, &lcn, NULL, &e), NTFS_OK);
	cr_assert_eq(lcn, 166);
	cr_assert_eq(ntfs_runlist_lookup(&rl, 23, &lcn, &left, &e), NTFS_E_RANGE);
	cr_assert_eq(ntfs_runlist_check_sizes(&rl, 23 * 4096, 4096, &e), NTFS_OK, "%s", e.reason);
	ntfs_runlist_free(&rl);
}

Test(runlist, pieces_from_extension_records_join)
{
	const uint8_t a[] = {0x11, 0x08, 0x64, 0x00};  /* VCN 0..7 at LCN 100 */
	const uint8_t b[] = {0x11, 0x04, 0x32, 0x00};  /* VCN 8..11 at LCN 50: each piece restarts from LCN 0 */
	const uint8_t c[] = {0x11, 0x02, 0x0A, 0x00};
	ntfs_runlist rl = {0};
	ntfs_error e;
	int64_t lcn;

	cr_assert_eq(ntfs_runlist_decode(a, sizeof(a), 0, 1000, &rl, &e), NTFS_OK, "%s", e.reason);
	cr_assert_eq(ntfs_runlist_decode(b, sizeof(b), 8, 1000, &rl, &e), NTFS_OK, "%s", e.reason);
	assert_run(&rl, 1, 8, 50, 4);
	cr_assert_eq(rl.total_clusters, 12);
	cr_assert_eq(ntfs_runlist_check_sizes(&rl, 12 * 512, 512, &e), NTFS_OK, "%s", e.reason);

	/* An overlapping piece is refused and changes nothing. */
	cr_assert_eq(ntfs_runlist_decode(c, sizeof(c), 11, 1000, &rl, &e), NTFS_E_INVALID);
	cr_assert(strstr(e.reason, "overlaps") != NULL, "%s", e.reason);
	cr_assert_eq(rl.count, 2);

	/* A gap (a missing extension record) is allowed but unmapped, and check_sizes reports it. */
	cr_assert_eq(ntfs_runlist_decode(c, sizeof(c), 20, 1000, &rl, &e), NTFS_OK, "%s", e.reason);
	assert_run(&rl, 2, 20, 10, 2);
	cr_assert_eq(ntfs_runlist_lookup(&rl, 15, &lcn, NULL, &e), NTFS_E_RANGE);
	cr_assert_eq(ntfs_runlist_lookup(&rl, 21, &lcn, NULL, &e), NTFS_OK);
	cr_assert_eq(lcn, 11);
	cr_assert_eq(ntfs_runlist_check_sizes(&rl, 22 * 512, 512, &e), NTFS_E_INVALID);
	cr_assert(strstr(e.reason, "gap") != NULL, "%s", e.reason);
	ntfs_runlist_free(&rl);
}

/* A runlist collected in 4,096 one-run pieces (extension records) grows by doubling, not per piece:
 * growing to each piece's exact limit reallocated the whole list 4,096 times (quadratic where realloc
 * copies). Each piece alone still never allocates past what its bytes can hold. */
Test(runlist, many_pieces_grow_geometrically)
{
	const uint8_t piece[] = {0x11, 0x01, 0x05, 0x00}; /* one cluster at LCN 5 */
	ntfs_runlist rl = {0};
	ntfs_error e;
	size_t last_cap = 0, growths = 0;

	for (uint64_t vcn = 0; vcn < 4096; vcn++) {
		cr_assert_eq(ntfs_runlist_decode(piece, sizeof(piece), vcn, 100000, &rl, &e), NTFS_OK, "%s", e.reason);
		if (rl.cap != last_cap)
			growths++;
		last_cap = rl.cap;
		cr_assert_leq(rl.cap, 2 * rl.count + sizeof(piece) / 2, "piece %llu: cap %zu for %zu runs",
			      (unsigned long long)vcn, rl.cap, rl.count);
	}
	cr_assert_eq(rl.count, 4096);
	cr_assert_leq(growths, 16, "%zu reallocations for 4,096 pieces", growths);
	ntfs_runlist_free(&rl);
}

Test(runlist, empty_runlist)
{
	const uint8_t mp[] = {0x00};
	ntfs_runlist rl = {0};
	ntfs_error e;

	cr_assert_eq(ntfs_runlist_decode(mp, sizeof(mp), 0, 100, &rl, &e), NTFS_OK, "%s", e.reason);
	cr_assert_eq(rl.count, 0);
	cr_assert_eq(ntfs_runlist_check_sizes(&rl, 0, 4096, &e), NTFS_OK);
	cr_assert_eq(ntfs_runlist_check_sizes(&rl, 4096, 4096, &e), NTFS_E_INVALID);
	ntfs_runlist_free(&rl);
}

/* Decodes mp into a fresh list and returns the status, checking a failure leaves the list empty. */
static ntfs_status decode_fresh(const uint8_t *mp, size_t len, uint64_t vcn, uint64_t clusters, ntfs_error *e)
{
	ntfs_runlist rl = {0};
	ntfs_status st = ntfs_runlist_decode(mp, len, vcn, clusters, &rl, e);

	if (st != NTFS_OK) {
		cr_assert_eq(rl.count, 0);
		cr_assert_eq(rl.total_clusters, 0);
		cr_assert_neq(e->reason[0], '\0');
	}
	ntfs_runlist_free(&rl);
	return st;
}

Test(runlist, malformed_pairs)
{
	static const struct {
		uint8_t mp[20];
		size_t len;
		uint64_t start, clusters;
		ntfs_status want;
		const char *why;
	} cases[] = {
		{{0x10, 0x05, 0x00}, 3, 0, 100, NTFS_E_INVALID, "length field of 0"},
		{{0x19, 0x05, 0x00}, 3, 0, 100, NTFS_E_INVALID, "length field of 9"},
		{{0x91, 0x05, 0x00}, 3, 0, 100, NTFS_E_INVALID, "offset field of 9"},
		{{0x11, 0x00, 0x05, 0x00}, 4, 0, 100, NTFS_E_INVALID, "not positive"},
		{{0x11, 0xFF, 0x05, 0x00}, 4, 0, 100, NTFS_E_INVALID, "not positive"},   /* -1 */
		{{0x11, 0x05, 0xFB, 0x00}, 4, 0, 100, NTFS_E_RANGE, "before the volume"}, /* LCN -5 */
		{{0x11, 0x05, 0x60, 0x00}, 4, 0, 100, NTFS_E_RANGE, "past the volume"},   /* 96+5 > 100 */
		{{0x11, 0x05, 0x64, 0x00}, 4, 0, 100, NTFS_E_RANGE, "past the volume"},   /* starts at 100 */
		{{0x11, 0x05, 0x0A, 0x11, 0x05, 0xF0, 0x00}, 7, 0, 100, NTFS_E_RANGE, "before"}, /* 10-16 */
		{{0x21, 0x05, 0x0A}, 3, 0, 100, NTFS_E_TRUNCATED, "needs 4 bytes"},
		{{0x11, 0x05, 0x0A}, 3, 0, 100, NTFS_E_TRUNCATED, "terminating"},
		{{0x11, 0x05, 0x0A}, 0, 0, 100, NTFS_E_TRUNCATED, "terminating"},
		{{0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0x01, 0x01, 0x00}, 12, 0, 0, NTFS_E_RANGE,
		 "overflows"}, /* INT64_MAX sparse clusters then one more */
		{{0x01, 0x10, 0x00}, 3, (uint64_t)INT64_MAX - 4, 0, NTFS_E_RANGE, "overflows"},
		{{0x01, 0x10, 0x00}, 3, UINT64_MAX, 0, NTFS_E_INVALID, "start VCN"},
		{{0x81, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0x11, 0x02, 0x01, 0x00}, 14, 0, 0, NTFS_E_RANGE,
		 "overflows"}, /* LCN INT64_MAX then +1 */
	};
	size_t i;
	ntfs_error e;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cr_assert_eq(decode_fresh(cases[i].mp, cases[i].len, cases[i].start, cases[i].clusters, &e), cases[i].want,
			     "case %zu: %s", i, e.reason);
		cr_assert(strstr(e.reason, cases[i].why) != NULL, "case %zu: %s", i, e.reason);
	}
}

Test(runlist, sparse_run_is_bounded_by_the_volume)
{
	/* 2^52 sparse clusters (2^64 bytes of 4 KiB clusters) on a 1000-cluster volume */
	const uint8_t huge[] = {0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00};
	/* exactly the volume's 1000 clusters, then 1001 after a real run */
	const uint8_t whole[] = {0x02, 0xE8, 0x03, 0x00};
	const uint8_t after[] = {0x11, 0x04, 0x0A, 0x02, 0xE9, 0x03, 0x00};
	ntfs_runlist rl = {0};
	ntfs_error e;

	cr_assert_eq(decode_fresh(huge, sizeof(huge), 0, 1000, &e), NTFS_E_RANGE);
	cr_assert(strstr(e.reason, "sparse run of 4503599627370496 clusters is longer than the volume's 1000") != NULL,
		  "%s", e.reason);
	cr_assert_eq(ntfs_runlist_decode(huge, sizeof(huge), 0, 0, &rl, &e), NTFS_OK, "%s", e.reason); /* unknown size */
	assert_run(&rl, 0, 0, NTFS_LCN_SPARSE, 1ULL << 52);
	ntfs_runlist_free(&rl);
	cr_assert_eq(ntfs_runlist_decode(whole, sizeof(whole), 0, 1000, &rl, &e), NTFS_OK, "%s", e.reason);
	assert_run(&rl, 0, 0, NTFS_LCN_SPARSE, 1000);
	ntfs_runlist_free(&rl);
	cr_assert_eq(decode_fresh(after, sizeof(after), 0, 1000, &e), NTFS_E_RANGE);
	cr_assert(strstr(e.reason, "mapping pair at byte 3: sparse run of 1001 clusters") != NULL, "%s", e.reason);
}

Test(runlist, unknown_volume_size_has_no_upper_bound)
{
	const uint8_t mp[] = {0x41, 0x01, 0x00, 0x00, 0x00, 0x10, 0x00}; /* LCN 2^28 */
	ntfs_runlist rl = {0};
	ntfs_error e;

	cr_assert_eq(ntfs_runlist_decode(mp, sizeof(mp), 0, 0, &rl, &e), NTFS_OK, "%s", e.reason);
	assert_run(&rl, 0, 0, 1LL << 28, 1);
	ntfs_runlist_free(&rl);
	cr_assert_eq(decode_fresh(mp, sizeof(mp), 0, 1000, &e), NTFS_E_RANGE);
}

Test(runlist, failure_after_a_good_piece_keeps_the_good_piece)
{
	const uint8_t good[] = {0x11, 0x08, 0x64, 0x00};
	const uint8_t bad[] = {0x11, 0x04, 0x32, 0x11, 0x00, 0x01, 0x00};
	ntfs_runlist rl = {0};
	ntfs_error e;

	cr_assert_eq(ntfs_runlist_decode(good, sizeof(good), 0, 1000, &rl, &e), NTFS_OK);
	cr_assert_eq(ntfs_runlist_decode(bad, sizeof(bad), 8, 1000, &rl, &e), NTFS_E_INVALID);
	cr_assert_eq(rl.count, 1);
	cr_assert_eq(rl.total_clusters, 8);
	assert_run(&rl, 0, 0, 100, 8);
	ntfs_runlist_free(&rl);
}

Test(runlist, allocation_is_bounded_by_half_the_length)
{
	/* 300 one-cluster sparse runs: 600 bytes plus the terminator. */
	uint8_t mp[601];
	ntfs_runlist rl = {0};
	ntfs_error e;
	size_t i;

	for (i = 0; i < 300; i++) {
		mp[2 * i] = 0x01;
		mp[2 * i + 1] = 0x01;
	}
	mp[600] = 0;
	cr_assert_eq(ntfs_runlist_decode(mp, sizeof(mp), 0, 10, &rl, &e), NTFS_OK, "%s", e.reason);
	cr_assert_eq(rl.count, 300);
	cr_assert_leq(rl.cap, sizeof(mp) / 2);
	assert_run(&rl, 299, 299, NTFS_LCN_SPARSE, 1);
	cr_assert_eq(ntfs_runlist_check_sizes(&rl, 300 * 4096, 4096, &e), NTFS_OK, "%s", e.reason);
	ntfs_runlist_free(&rl);
}

Test(runlist, check_sizes_mismatches)
{
	const uint8_t mp[] = {0x11, 0x08, 0x64, 0x00};
	ntfs_runlist rl = {0};
	ntfs_error e;

	cr_assert_eq(ntfs_runlist_decode(mp, sizeof(mp), 0, 1000, &rl, &e), NTFS_OK);
	cr_assert_eq(ntfs_runlist_check_sizes(&rl, 8 * 4096, 4096, &e), NTFS_OK);
	cr_assert_eq(ntfs_runlist_check_sizes(&rl, 9 * 4096, 4096, &e), NTFS_E_INVALID);
	cr_assert(strstr(e.reason, "cover 8 clusters") != NULL, "%s", e.reason);
	cr_assert_eq(ntfs_runlist_check_sizes(&rl, 8 * 4096 + 1, 4096, &e), NTFS_E_INVALID);
	cr_assert(strstr(e.reason, "multiple") != NULL, "%s", e.reason);
	cr_assert_eq(ntfs_runlist_check_sizes(&rl, 8 * 4096, 0, &e), NTFS_E_INVALID);
	ntfs_runlist_free(&rl);

	/* Runs that start at a later VCN do not cover the attribute from VCN 0. */
	cr_assert_eq(ntfs_runlist_decode(mp, sizeof(mp), 4, 1000, &rl, &e), NTFS_OK);
	cr_assert_eq(ntfs_runlist_check_sizes(&rl, 12 * 4096, 4096, &e), NTFS_E_INVALID);
	ntfs_runlist_free(&rl);
}

Test(runlist, every_prefix_is_an_error_or_the_same_runs)
{
	const uint8_t mp[] = {0x21, 0x01, 0x54, 0x54, 0x21, 0x01, 0xD1, 0xAB, 0x01, 0x10, 0x21, 0x03, 0x00, 0x01, 0x00};
	size_t n;

	for (n = 0; n <= sizeof(mp); n++) {
		uint8_t *p = tb_prefix(mp, n);
		ntfs_runlist rl = {0};
		ntfs_error e;
		ntfs_status st = ntfs_runlist_decode(p, n, 0, 64767, &rl, &e);
		if (n < sizeof(mp)) {
			cr_assert_eq(st, NTFS_E_TRUNCATED, "len %zu: %s", n, e.reason);
			cr_assert_eq(rl.count, 0);
		} else {
			cr_assert_eq(st, NTFS_OK, "%s", e.reason);
			cr_assert_eq(rl.count, 4);
			cr_assert_leq(rl.cap, n / 2);
		}
		ntfs_runlist_free(&rl);
		free(p);
	}
}

Test(runlist, lookup_on_empty)
{
	ntfs_runlist rl = {0};
	int64_t lcn = 5;
	ntfs_error e;

	cr_assert_eq(ntfs_runlist_lookup(&rl, 0, &lcn, NULL, &e), NTFS_E_RANGE);
	cr_assert_eq(lcn, 5);
	ntfs_runlist_free(&rl);
	ntfs_runlist_free(NULL);
}
