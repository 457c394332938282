/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The reparse tag table: every IO_REPARSE_TAG_* value listed in MS-FSCC 2.1.2.1 and in the Windows
 * SDK's winnt.h / ntifs.h Microsoft section, with the SDK name minus the prefix and the kind our
 * decoder treats it as. The table is sorted by value so lookups are a binary search.
 *
 * Kind choices worth knowing:
 *  - MOUNT_POINT is listed as a junction; reparse_decode turns it into a volume mount point when the
 *    substitute name starts with \??\Volume{.
 *  - CLOUD and CLOUD_1..CLOUD_F are all "cloud" (the subtype lives in bits 12..15).
 *  - WCI, WCI_1, WCI_TOMBSTONE, WCI_LINK and WCI_LINK_1 are all "wci" (Windows Container Isolation);
 *    only WCI/WCI_1 carry the documented WCI_REPARSE_DATA layout.
 *  - LX_FIFO, LX_CHR, LX_BLK carry no payload (the WSL metadata is in extended attributes): "other".
 *  - RESERVED_ZERO/ONE/TWO have the Microsoft bit clear, so their buffers use the GUID layout and
 *    they are "third_party" like any other tag with that bit clear.
 */
#include "reparse.h"

#define T(name, value, kind) { (value), (name), (kind) }

static const reparse_tag_info tag_table[] = {
	T("RESERVED_ZERO",       0x00000000u, REPARSE_KIND_THIRD_PARTY),
	T("RESERVED_ONE",        0x00000001u, REPARSE_KIND_THIRD_PARTY),
	T("RESERVED_TWO",        0x00000002u, REPARSE_KIND_THIRD_PARTY),
	T("DRIVE_EXTENDER",      0x80000005u, REPARSE_KIND_OTHER_MICROSOFT),
	T("HSM2",                0x80000006u, REPARSE_KIND_OTHER_MICROSOFT),
	T("SIS",                 0x80000007u, REPARSE_KIND_OTHER_MICROSOFT),
	T("WIM",                 0x80000008u, REPARSE_KIND_OTHER_MICROSOFT),
	T("CSV",                 0x80000009u, REPARSE_KIND_OTHER_MICROSOFT),
	T("DFS",                 0x8000000Au, REPARSE_KIND_OTHER_MICROSOFT),
	T("FILTER_MANAGER",      0x8000000Bu, REPARSE_KIND_OTHER_MICROSOFT),
	T("DFSR",                0x80000012u, REPARSE_KIND_OTHER_MICROSOFT),
	T("DEDUP",               0x80000013u, REPARSE_KIND_DEDUP),
	T("NFS",                 0x80000014u, REPARSE_KIND_NFS),
	T("FILE_PLACEHOLDER",    0x80000015u, REPARSE_KIND_OTHER_MICROSOFT),
	T("DFM",                 0x80000016u, REPARSE_KIND_OTHER_MICROSOFT),
	T("WOF",                 0x80000017u, REPARSE_KIND_WOF),
	T("WCI",                 0x80000018u, REPARSE_KIND_WCI),
	T("APPEXECLINK",         0x8000001Bu, REPARSE_KIND_APP_EXEC_LINK),
	T("STORAGE_SYNC",        0x8000001Eu, REPARSE_KIND_OTHER_MICROSOFT),
	T("UNHANDLED",           0x80000020u, REPARSE_KIND_OTHER_MICROSOFT),
	T("ONEDRIVE",            0x80000021u, REPARSE_KIND_OTHER_MICROSOFT),
	T("AF_UNIX",             0x80000023u, REPARSE_KIND_AF_UNIX),
	T("LX_FIFO",             0x80000024u, REPARSE_KIND_OTHER_MICROSOFT),
	T("LX_CHR",              0x80000025u, REPARSE_KIND_OTHER_MICROSOFT),
	T("LX_BLK",              0x80000026u, REPARSE_KIND_OTHER_MICROSOFT),
	T("CLOUD",               0x9000001Au, REPARSE_KIND_CLOUD),
	T("PROJFS",              0x9000001Cu, REPARSE_KIND_OTHER_MICROSOFT),
	T("STORAGE_SYNC_FOLDER", 0x90000027u, REPARSE_KIND_OTHER_MICROSOFT),
	T("WCI_1",               0x90001018u, REPARSE_KIND_WCI),
	T("CLOUD_1",             0x9000101Au, REPARSE_KIND_CLOUD),
	T("CLOUD_2",             0x9000201Au, REPARSE_KIND_CLOUD),
	T("CLOUD_3",             0x9000301Au, REPARSE_KIND_CLOUD),
	T("CLOUD_4",             0x9000401Au, REPARSE_KIND_CLOUD),
	T("CLOUD_5",             0x9000501Au, REPARSE_KIND_CLOUD),
	T("CLOUD_6",             0x9000601Au, REPARSE_KIND_CLOUD),
	T("CLOUD_7",             0x9000701Au, REPARSE_KIND_CLOUD),
	T("CLOUD_8",             0x9000801Au, REPARSE_KIND_CLOUD),
	T("CLOUD_9",             0x9000901Au, REPARSE_KIND_CLOUD),
	T("CLOUD_A",             0x9000A01Au, REPARSE_KIND_CLOUD),
	T("CLOUD_B",             0x9000B01Au, REPARSE_KIND_CLOUD),
	T("CLOUD_C",             0x9000C01Au, REPARSE_KIND_CLOUD),
	T("CLOUD_D",             0x9000D01Au, REPARSE_KIND_CLOUD),
	T("CLOUD_E",             0x9000E01Au, REPARSE_KIND_CLOUD),
	T("CLOUD_F",             0x9000F01Au, REPARSE_KIND_CLOUD),
	T("MOUNT_POINT",         0xA0000003u, REPARSE_KIND_JUNCTION),
	T("SYMLINK",             0xA000000Cu, REPARSE_KIND_SYMLINK),
	T("IIS_CACHE",           0xA0000010u, REPARSE_KIND_OTHER_MICROSOFT),
	T("GLOBAL_REPARSE",      0xA0000019u, REPARSE_KIND_OTHER_MICROSOFT),
	T("LX_SYMLINK",          0xA000001Du, REPARSE_KIND_LX_SYMLINK),
	T("WCI_TOMBSTONE",       0xA000001Fu, REPARSE_KIND_WCI),
	T("PROJFS_TOMBSTONE",    0xA0000022u, REPARSE_KIND_OTHER_MICROSOFT),
	T("WCI_LINK",            0xA0000027u, REPARSE_KIND_WCI),
	T("DATALESS_CIM",        0xA0000028u, REPARSE_KIND_OTHER_MICROSOFT),
	T("WCI_LINK_1",          0xA0001027u, REPARSE_KIND_WCI),
	T("HSM",                 0xC0000004u, REPARSE_KIND_OTHER_MICROSOFT),
	T("APPXSTRM",            0xC0000014u, REPARSE_KIND_OTHER_MICROSOFT),
};

#undef T

/* Binary search: the table above is kept sorted by value (a unit test checks it). */
const reparse_tag_info *reparse_tag_lookup(uint32_t tag)
{
	size_t lo = 0, hi = sizeof(tag_table) / sizeof(tag_table[0]);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (tag_table[mid].tag == tag)
			return &tag_table[mid];
		if (tag_table[mid].tag < tag)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Exposes the table for tests and for listing the known tags. */
const reparse_tag_info *reparse_tag_table(size_t *count)
{
	if (count)
		*count = sizeof(tag_table) / sizeof(tag_table[0]);
	return tag_table;
}

/* The report's stable names; never rename one (schema contract). */
const char *reparse_kind_name(reparse_kind kind)
{
	switch (kind) {
	case REPARSE_KIND_UNKNOWN: return "unknown";
	case REPARSE_KIND_JUNCTION: return "junction";
	case REPARSE_KIND_VOLUME_MOUNT_POINT: return "volume_mount_point";
	case REPARSE_KIND_SYMLINK: return "symlink";
	case REPARSE_KIND_LX_SYMLINK: return "lx_symlink";
	case REPARSE_KIND_APP_EXEC_LINK: return "app_exec_link";
	case REPARSE_KIND_WOF: return "wof";
	case REPARSE_KIND_CLOUD: return "cloud";
	case REPARSE_KIND_DEDUP: return "dedup";
	case REPARSE_KIND_NFS: return "nfs";
	case REPARSE_KIND_AF_UNIX: return "af_unix";
	case REPARSE_KIND_WCI: return "wci";
	case REPARSE_KIND_OTHER_MICROSOFT: return "other";
	case REPARSE_KIND_THIRD_PARTY: return "third_party";
	}
	return "unknown";
}
