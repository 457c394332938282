/* SPDX-License-Identifier: Apache-2.0 */
/* The types an image is described by (image.h's API and the containers under it, container.h, share them):
 * its container format, an E01's metadata, and the opaque image itself. */
#ifndef NTFSLINKS_IMAGE_TYPES_H
#define NTFSLINKS_IMAGE_TYPES_H

#include <stdint.h>

typedef enum {
	IMAGE_FORMAT_RAW, IMAGE_FORMAT_SPLIT_RAW, IMAGE_FORMAT_EWF, IMAGE_FORMAT_MFT_FILE,
	IMAGE_FORMAT_VSS_STORE /* a shadow copy store of a volume (vss.h) */,
	IMAGE_FORMAT_VHD, IMAGE_FORMAT_VHDX, IMAGE_FORMAT_VMDK, IMAGE_FORMAT_QCOW
} image_format;

typedef struct {            /* E01 metadata; NULL strings when absent */
	char *case_number, *evidence_number, *examiner, *description, *notes;
	char *acquisition_date, *system_date, *acquisition_software, *acquisition_software_version,
	     *acquisition_os, *model, *serial_number;   /* dates ISO 8601 with their zone as stored: "…Z" (UTC)
	                                          for an E01 with a header2 section (EnCase 5+), else the
	                                          acquiring host's local time, no zone (none is stored) */
	uint64_t media_size; uint32_t bytes_per_sector;
	char *stored_md5, *stored_sha1;   /* lower-case hex, as stored in the E01 */
	/* image_ewf_verify: the media's digests (lower-case hex; NULL until verified) and the outcome */
	char *computed_md5, *computed_sha1;
	enum { IMAGE_EWF_NOT_VERIFIED, IMAGE_EWF_MATCH, IMAGE_EWF_MISMATCH, IMAGE_EWF_NO_STORED_HASH } verified;
} image_ewf_info;

typedef struct image image;  /* opaque */

#endif
