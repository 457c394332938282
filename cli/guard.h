/* SPDX-License-Identifier: Apache-2.0 */
/* Keeping the report off the evidence: where the report may go, checked before the scan starts. */
#ifndef NTFSLINKS_GUARD_H
#define NTFSLINKS_GUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "image.h"

/*
 * Checks a report destination that is open (or about to be opened: st from stat) against the evidence.
 * Refused, with the reason in msg (cap bytes): any block device (another node of the evidence disk or of
 * one of its partitions cannot be told apart from a harmless one), a character device other than /dev/null
 * or a terminal (tty true), a file that is one of the image's segments (same device and inode), and a file
 * on a file system that lies on a block device of the evidence (the image is a disk or partition, and the
 * report would be written into it). what names the destination in the message ("-o x.json", "standard
 * output"). Returns true when the destination may be written.
 */
bool guard_destination(const struct stat *st, bool tty, const image *img, const char *what, char *msg, size_t cap);

#endif
