/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Anomalies: everything odd the scan met, each tied to the record (or offset) that shows it.
 * Threads: a list is written by one thread at a time with no reader (each pass that runs beside another
 * keeps its own list, merged after the join with anomaly_list_move); a finished list is read-only.
 */
#ifndef NTFSLINKS_ANOMALY_H
#define NTFSLINKS_ANOMALY_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "ntfs_error.h"

#define ANOMALY_NO_RECORD UINT64_MAX

typedef struct {
	const char *type;         /* static string: "bad_fixup", "orphan_name", ... */
	uint64_t record;          /* ANOMALY_NO_RECORD when the anomaly is about the volume */
	size_t detail;            /* offset of the NUL-terminated detail in the list's text arena */
} anomaly;

typedef struct {
	vec items;                /* anomaly */
	arena text;
} anomaly_list;

/* Prepares an empty list. */
void anomaly_list_init(anomaly_list *l);

/* Adds one anomaly with a printf-style detail; silently drops it only when memory runs out. */
void anomaly_add(anomaly_list *l, const char *type, uint64_t record, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* The detail text of anomaly a. */
const char *anomaly_detail(const anomaly_list *l, const anomaly *a);

/* Number of anomalies. */
static inline size_t anomaly_count(const anomaly_list *l)
{
	return l->items.count;
}

/* Sorts by record number (volume-wide anomalies first), keeping insertion order among equals. */
void anomaly_list_sort(anomaly_list *l);

/* Appends every anomaly of src to dst, in src's order, and empties src. */
void anomaly_list_move(anomaly_list *dst, anomaly_list *src);

/* Releases the list. */
void anomaly_list_free(anomaly_list *l);

#endif
