/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"
#include "fixture_volume.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mft_scan.h"

void fixture_volume_open(fixture_volume *f, const char *gz, uint64_t offset, uint64_t len)
{
	const char *src = getenv("top_srcdir");
	ntfs_error e;
	char cmd[1400];
	memset(f, 0, sizeof(*f));
	snprintf(f->path, sizeof(f->path), "/tmp/ntfslinks-test-%s-%d.raw", gz, (int)getpid());
	for (char *c = f->path + strlen("/tmp/"); *c; c++)
		if (*c == '/')
			*c = '_';
	snprintf(cmd, sizeof(cmd), "gunzip -c '%s/fixtures/%s' | cp --sparse=always /dev/stdin '%s'", src ? src : ".",
		 gz, f->path);
	cr_assert_eq(system(cmd), 0, "cannot unpack: %s", cmd);
	cr_assert_eq(image_open(f->path, &f->img, &e), NTFS_OK, "%s", e.reason);
	cr_assert_eq(volume_open(f->img, offset, len, &f->vol, &e), NTFS_OK, "%s", e.reason);
	model_init(&f->m, f->vol);
	cr_assert_eq(mft_scan(&f->m, 1, NULL, NULL, &e), NTFS_OK, "%s", e.reason);
	cr_assert_eq(name_index_build(&f->ix, &f->m, &e), NTFS_OK, "%s", e.reason);
}

void fixture_volume_close(fixture_volume *f)
{
	name_index_free(&f->ix);
	model_free(&f->m);
	volume_close(f->vol);
	image_close(f->img);
	unlink(f->path);
}
