/* SPDX-License-Identifier: Apache-2.0 */
/* Read-only access to an evidence image (raw, split raw, E01, extracted $MFT) and its partition table. */
#ifndef NTFSLINKS_IMAGE_H
#define NTFSLINKS_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ntfs_error.h"

#include "image_types.h"


/* Opens path read-only. Recognises by content E01 (by signature; all segments found with libewf_glob), the
 * virtual disks VHD and VHDX (libvhdi), VMDK (libvmdk: descriptor or sparse extent, extents beside it) and
 * qcow (libqcow), a differencing one with its parents found beside it (each parent a further segment); by
 * name split raw (path ending .001 with .002, .003 … present; a lone .001 is plain raw); an extracted $MFT
 * (first 4 bytes "FILE"), else raw. Regular files and block devices only. Errors name the file and the cause
 * ("No such file or directory", "is a directory", "empty file", "is truncated", "segment … is missing", a
 * missing parent); a container recognised but not read (VDI, DMG, AFF, QED, Parallels, an encrypted qcow, a
 * VMDK raw-device extent) is NTFS_E_UNSUPPORTED naming it. */
ntfs_status image_open(const char *path, image **out, ntfs_error *err);
void image_close(image *img);

/* Opens len bytes at buf as an image (for the fuzz harness and tests): an extracted $MFT when they start
 * with "FILE", else raw; named "(memory)", one segment of that name. buf is not copied: it must stay
 * unchanged until image_close. Partition tables are not looked for (libtsk's vs layer reads files): the
 * bytes are one volume (image_list_partitions gives the whole image). Errors: empty buffer. */
ntfs_status image_open_memory(const uint8_t *buf, size_t len, image **out, ntfs_error *err);

/* Thread-safe positional read of len bytes at offset. *got = bytes read (short only at the end of the
 * image; 0 at or past the end). A read error is NTFS_E_IO with offset and cause. */
ntfs_status image_read(image *img, uint64_t offset, void *buf, size_t len, size_t *got, ntfs_error *err);

uint64_t image_size(const image *img);
image_format image_get_format(const image *img);
/* "raw", "split_raw", "ewf", "mft_file", "vss_store", "vhd", "vhdx", "vmdk", "qcow" */
const char *image_format_name(image_format f);
const char *image_path(const image *img);        /* the path given to image_open */
size_t image_segment_count(const image *img);
/* file names of all segments (1 for raw; a virtual disk: the file given, its extent files, then each parent);
 * NULL past the end */
const char *image_segment(const image *img, size_t i);
const image_ewf_info *image_ewf(const image *img);      /* NULL unless EWF */

/* E01: reads every media byte (through libewf, as the scan does) and computes its MD5 and SHA1, then
 * compares each with the hash stored in the E01: info->verified is MATCH when every stored hash equals
 * its digest, MISMATCH when one differs, NO_STORED_HASH when the E01 stores none. A chunk whose checksum
 * fails reads as zeros (and is listed by image_checksum_errors), so its digest will not match. Reads
 * the whole media once (sequentially, 1 MiB at a time). Errors: not an E01, a read error. */
ntfs_status image_ewf_verify(image *img, ntfs_error *err);

/* E01 chunks read so far whose checksum failed (libewf reads them as zeros): fills up to cap ranges of
 * media bytes (offset, length), in media order, each chunk once whichever threads read it, and returns
 * how many there are (may exceed cap). 0 for other formats. */
size_t image_checksum_errors(image *img, uint64_t *offsets, uint64_t *lengths, size_t cap);

/* True when image_read calls from several threads run in parallel (raw, extracted $MFT, memory, and E01,
 * whose readers each get a libewf handle of their own); false when they take turns (split raw, read
 * through TSK's image layer). */
bool image_reads_parallel(const image *img);

typedef struct {
	uint64_t offset, length;   /* bytes */
	char table[8];             /* "dos", "gpt", "none" (no partition table: the whole image); "bsd"/"sun"/"mac" rare */
	char slot[16];             /* TSK's slot as mmls shows it: "000:000" (dos), "000" (gpt), "-" for none */
	char description[128];     /* TSK's description, e.g. "NTFS / exFAT (0x07)" */
	bool is_ntfs;              /* the first sector is an NTFS boot sector ("NTFS    " at offset 3) */
	uint32_t disk_signature;   /* table "dos": the MBR's disk signature (bytes 440-443 of sector 0) */
	bool has_guid;             /* table "gpt": guid holds the partition's unique GUID */
	uint8_t guid[16];          /* as stored in its GPT entry (first three fields little-endian) */
} image_partition;

/* Lists the image's partitions with libtsk's vs layer (allocated partitions only; TSK's meta/unallocated
 * entries skipped). No partition table (or an extracted $MFT) → one entry covering the whole image,
 * table "none". A Windows dynamic disk (an MBR entry of type 0x42, a GPT entry of an LDM type) is
 * NTFS_E_UNSUPPORTED naming it: its volumes are where the LDM database says, which is not read. Caller frees
 * *parts. */
ntfs_status image_list_partitions(image *img, image_partition **parts, size_t *count, ntfs_error *err);

#endif
