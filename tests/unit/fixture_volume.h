/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One volume of a gzipped fixture image, for unit tests that read a real scan: unpacked sparse into a
 * temporary file, opened read-only, scanned and name-indexed. The one setup the fixture-level tests share.
 */
#ifndef NTFSLINKS_FIXTURE_VOLUME_H
#define NTFSLINKS_FIXTURE_VOLUME_H

#include <stdint.h>

#include "image.h"
#include "model.h"
#include "name_index.h"
#include "volume.h"

/* The unpacked image, its volume, the scanned model and its name index. */
typedef struct {
	char path[512];
	image *img;
	volume *vol;
	model m;
	name_index ix;
} fixture_volume;

/* Unpacks fixtures/<gz> and opens, scans and indexes the volume at offset (len bytes, 0: to the end);
 * fails the test on any error. */
void fixture_volume_open(fixture_volume *f, const char *gz, uint64_t offset, uint64_t len);

/* Closes what fixture_volume_open opened and removes the unpacked image. */
void fixture_volume_close(fixture_volume *f);

#endif
