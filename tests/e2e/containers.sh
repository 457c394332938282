#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Virtual disk containers (issue 16, Inputs): each fixture converted with qemu-img to VHD (vpc), VHDX, VMDK
# and qcow2 gives the same volumes, sets, reparse points, anomalies and partitions as its raw bytes (only
# `image` differs), recognised by content whatever the file is called; differencing qcow2, VMDK, VHD and
# VHDX images read through their parents found beside them (a missing or mismatched parent is exit 2
# naming it);
# containers recognised but not supported are exit 2 naming them; nothing is ever written to an image.
set -u
src=${top_srcdir:-.}
work=${top_builddir:-.}/tests/work/containers
fixtures=${top_builddir:-.}/tests/work/fixtures
PY=/usr/bin/python3
CHECK="$PY $src/tests/e2e/check_expect.py"
command -v jq >/dev/null || { echo "SKIP: jq is not installed"; exit 77; }
command -v qemu-img >/dev/null && command -v qemu-io >/dev/null || { echo "SKIP: qemu-utils is not installed"; exit 77; }
rm -rf "$work"
mkdir -p "$work"
bash "$src/fixtures/unpack.sh" "$fixtures" >/dev/null || { echo "FAIL: unpacking fixtures"; exit 1; }

fail=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fail=1; }

# report NAME IMAGE OPTIONS...: runs ntfslinks into $work/NAME.json; its exit status
report() {
	local name=$1 img=$2
	shift 2
	"$NTFSLINKS" -q --format json "$@" -o "$work/$name.json" "$img" 2>"$work/$name.err"
}

# same NAME RAWNAME FORMAT SEGMENTS: NAME's report agrees with RAWNAME's except the image block, says
# format FORMAT and lists SEGMENTS (space-separated base names)
same() {
	local name=$1 raw=$2 format=$3 segs=$4
	if $CHECK --same "$work/$raw.json" "$work/$name.json" &&
	   [ "$(jq -c .image.partitions "$work/$raw.json")" = "$(jq -c .image.partitions "$work/$name.json")" ] &&
	   [ "$(jq -c '[.volumes[] | {offset, length}]' "$work/$raw.json")" = \
	     "$(jq -c '[.volumes[] | {offset, length}]' "$work/$name.json")" ]; then
		ok "$name: same volumes, partitions, sets, reparse points and anomalies as $raw"
	else
		bad "$name differs from $raw"
	fi
	local f s
	f=$(jq -r .image.format "$work/$name.json")
	s=$(jq -r '[.image.segments[] | split("/") | last] | join(" ")' "$work/$name.json")
	[ "$f" = "$format" ] && ok "$name: image.format $f" || bad "$name: image.format $f, expected $format"
	[ "$s" = "$segs" ] && ok "$name: segments $s" || bad "$name: segments '$s', expected '$segs'"
}

# converted forms of each fixture; VHD with force_size so the disk is not rounded up to a CHS geometry
for fx in reparse disk-mbr disk-gpt; do
	exp=$src/fixtures/$fx.expect.json
	mapfile -t opts < <(jq -r '.options // [] | .[]' "$exp")
	raw=$fixtures/$fx.raw
	report "$fx.raw" "$raw" "${opts[@]}" || { bad "$fx.raw: exit $?"; continue; }
	$CHECK "$work/$fx.raw.json" "$exp" --form raw || bad "$fx.raw differs from $exp"
	sum=$(sha256sum <"$raw")
	for conv in "vpc vhd -o force_size=on" "vhdx vhdx" "vmdk vmdk" "qcow2 qcow"; do
		set -- $conv
		ext=$1 format=$2
		shift 2
		img=$work/$fx.$ext
		qemu-img convert -q -O "$ext" "$@" "$raw" "$img" || { bad "qemu-img convert -O $ext $fx"; continue; }
		before=$(sha256sum <"$img")
		report "$fx.$ext" "$img" "${opts[@]}" || { bad "$fx.$ext: exit $? ($(cat "$work/$fx.$ext.err"))"; continue; }
		same "$fx.$ext" "$fx.raw" "$format" "$fx.$ext"
		[ "$(sha256sum <"$img")" = "$before" ] || bad "$fx.$ext changed while it was read"
	done
	[ "$(sha256sum <"$raw")" = "$sum" ] || bad "$fx.raw changed while it was read"
done

# more forms of one volume: fixed VHD (only a footer), a VMDK descriptor with a flat extent file, a
# stream-optimized (compressed) VMDK, a qcow v2 file; and a misleading name (the content decides)
r=$fixtures/reparse.raw
qemu-img convert -q -O vpc -o subformat=fixed,force_size=on "$r" "$work/fixed.vhd"
qemu-img convert -q -O vmdk -o subformat=monolithicFlat "$r" "$work/flat.vmdk"
qemu-img convert -q -O vmdk -o subformat=streamOptimized "$r" "$work/stream.vmdk"
qemu-img convert -q -O qcow2 -o compat=0.10 "$r" "$work/v2.qcow2"
cp "$work/reparse.qcow2" "$work/evidence.dd"
for c in "fixed.vhd vhd fixed.vhd" "flat.vmdk vmdk flat.vmdk flat-flat.vmdk" "stream.vmdk vmdk stream.vmdk" \
	 "v2.qcow2 qcow v2.qcow2" "evidence.dd qcow evidence.dd"; do
	set -- $c
	name=$1 format=$2
	shift 2
	report "$name" "$work/$name" --drive C=0 || { bad "$name: exit $? ($(cat "$work/$name.err"))"; continue; }
	same "$name" reparse.raw "$format" "$*"
done
[ "$(head -c 21 "$work/flat.vmdk")" = "# Disk DescriptorFile" ] || bad "flat.vmdk is not a descriptor file"

# differencing images: the base has the volume's $MFT zeroed (found from the boot sector), the overlay
# holds only those bytes; the overlay reads as the raw volume, the base alone does not
read -r mft_off mft_len < <($PY - "$r" <<'PYEOF'
import struct, sys
b = open(sys.argv[1], "rb").read(512)
bps, spc = struct.unpack_from("<HB", b, 11)
lcn = struct.unpack_from("<Q", b, 0x30)[0]
print(lcn * bps * spc, 256 * 1024)
PYEOF
)
cp --sparse=always "$r" "$work/base.raw"
dd if=/dev/zero of="$work/base.raw" bs=1 seek="$mft_off" count="$mft_len" conv=notrunc status=none
dd if="$r" of="$work/mft.bin" bs=1 skip="$mft_off" count="$mft_len" status=none
# qemu-img writes differencing qcow2 and VMDK; it cannot write differencing VHD or VHDX ("Backing file not
# supported for file format 'vpc'/'vhdx'"), so those children are written by make-vhd-diff.py and
# make-vhdx-diff.py (from the format specifications; vhdiinfo reads them as "Differential")
for fmt in qcow2 vmdk vhd vhdx; do
	format=$fmt
	[ $fmt = qcow2 ] && format=qcow
	case $fmt in
	vhd) qemu-img convert -q -O vpc -o force_size=on "$work/base.raw" "$work/base.vhd" &&
		$PY "$src/tests/e2e/make-vhd-diff.py" "$work/base.vhd" "$r" "$mft_off" "$mft_len" "$work/child.vhd" ||
		{ bad "make-vhd-diff.py"; continue; } ;;
	vhdx) qemu-img convert -q -O vhdx "$work/base.raw" "$work/base.vhdx" &&
		$PY "$src/tests/e2e/make-vhdx-diff.py" "$work/base.vhdx" "$r" "$mft_off" "$mft_len" "$work/child.vhdx" ||
		{ bad "make-vhdx-diff.py"; continue; } ;;
	*) qemu-img convert -q -O $fmt "$work/base.raw" "$work/base.$fmt"
		qemu-img create -q -f $fmt -b base.$fmt -F $fmt "$work/child.$fmt" >/dev/null
		qemu-io -f $fmt -c "write -s $work/mft.bin $mft_off $mft_len" "$work/child.$fmt" >/dev/null ||
			{ bad "qemu-io write into child.$fmt"; continue; } ;;
	esac
	bsum=$(sha256sum <"$work/base.$fmt")
	csum=$(sha256sum <"$work/child.$fmt")
	if report "child.$fmt" "$work/child.$fmt" --drive C=0; then
		same "child.$fmt" reparse.raw "$format" "child.$fmt base.$fmt"
	else
		bad "child.$fmt: exit $? ($(cat "$work/child.$fmt.err"))"
	fi
	[ "$(sha256sum <"$work/base.$fmt")" = "$bsum" ] && [ "$(sha256sum <"$work/child.$fmt")" = "$csum" ] ||
		bad "child.$fmt or its parent changed while read"
	report "base.$fmt" "$work/base.$fmt" --drive C=0
	if [ "$(jq -c '[.volumes[].hardlink_sets]' "$work/base.$fmt.json")" != \
	     "$(jq -c '[.volumes[].hardlink_sets]' "$work/reparse.raw.json")" ]; then
		ok "base.$fmt alone (no \$MFT) differs from the raw volume: the overlay's bytes are read"
	else
		bad "base.$fmt alone reads like the raw volume: the test proves nothing"
	fi
	# the parent elsewhere: not beside the child is exit 2 naming it
	mkdir -p "$work/lone"
	cp "$work/child.$fmt" "$work/lone/"
	report "lone.$fmt" "$work/lone/child.$fmt"
	st=$?
	if [ $st -eq 2 ] && grep -q "its parent .*base.$fmt.* is not beside it" "$work/lone.$fmt.err"; then
		ok "child.$fmt without its parent: exit 2, $(cat "$work/lone.$fmt.err")"
	else
		bad "child.$fmt without its parent: exit $st, $(cat "$work/lone.$fmt.err")"
	fi
done
# a VMDK parent that is not the one the snapshot was made from (its content identifier differs)
mkdir -p "$work/swap"
cp "$work/child.vmdk" "$work/swap/"
qemu-img convert -q -O vmdk "$r" "$work/swap/base.vmdk"
report swap "$work/swap/child.vmdk"
st=$?
if [ $st -eq 2 ] && grep -q "has content identifier .* the child was made from" "$work/swap.err"; then
	ok "VMDK snapshot over the wrong parent: exit 2, $(cat "$work/swap.err")"
else
	bad "VMDK snapshot over the wrong parent: exit $st, $(cat "$work/swap.err")"
fi

# VHD and VHDX children over a parent of the same name that is not theirs (its identifier differs)
for fmt in vhd vhdx; do
	[ -f "$work/child.$fmt" ] || continue
	cp "$work/child.$fmt" "$work/swap/"
	if [ $fmt = vhd ]; then
		qemu-img convert -q -O vpc -o force_size=on "$r" "$work/swap/base.vhd"
	else
		qemu-img convert -q -O vhdx "$r" "$work/swap/base.vhdx"
	fi
	report swap.$fmt "$work/swap/child.$fmt"
	st=$?
	if [ $st -eq 2 ] && grep -q "parent .*base.$fmt does not fit: .*mismatch in identifier" "$work/swap.$fmt.err"; then
		ok "$fmt child over the wrong parent: exit 2, $(cat "$work/swap.$fmt.err")"
	else
		bad "$fmt child over the wrong parent: exit $st, $(cat "$work/swap.$fmt.err")"
	fi
done

# recognised but not supported: exit 2 naming the container
qemu-img convert -q -O vdi "$r" "$work/r.vdi"
qemu-img convert -q -O qed "$r" "$work/r.qed"
qemu-img convert -q -O parallels "$r" "$work/r.hdd"
{ head -c 4096 "$r"; head -c $((1024 * 1024)) /dev/zero; printf 'koly'; head -c 508 /dev/zero; } >"$work/r.dmg"
printf 'AFF10\r\n\0' >"$work/r.aff"; head -c 4096 /dev/zero >>"$work/r.aff"
printf '# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\ncreateType="vmfsRaw"\n\nRW 32768 VMFSRAW "r-rdm.vmdk"\n' \
	>"$work/rdm.vmdk"
cp "$r" "$work/r-rdm.vmdk"
for c in "r.vdi VirtualBox VDI" "r.qed QEMU QED" "r.hdd Parallels" "r.dmg Apple disk image (DMG" \
	 "r.aff AFF (Advanced Forensic Format)" "rdm.vmdk VMDK extent 1 is of type VMFSRAW"; do
	name=${c%% *} what=${c#* }
	report "$name" "$work/$name"
	st=$?
	if [ $st -eq 2 ] && grep -qF "$what" "$work/$name.err"; then
		ok "$name: exit 2, $(cat "$work/$name.err")"
	else
		bad "$name: exit $st, expected 2 naming '$what': $(cat "$work/$name.err")"
	fi
done

# Windows dynamic disks (LDM), made from the MBR and GPT fixtures as Windows marks a converted disk: the
# MBR's NTFS entries get type 0x42; the GPT's first basic data entry the LDM data type (its CRCs redone).
# Not supported (the LDM database lays the volumes out): exit 2 naming it; --offset still reads a volume
cp --sparse=always "$fixtures/disk-mbr.raw" "$work/ldm-mbr.raw"
cp --sparse=always "$fixtures/disk-gpt.raw" "$work/ldm-gpt.raw"
$PY - "$work/ldm-mbr.raw" "$work/ldm-gpt.raw" <<'PYEOF' || bad "making the LDM disks"
import struct, sys, uuid, zlib
with open(sys.argv[1], "r+b") as f:
    m = bytearray(f.read(512))
    n = 0
    for i in range(4):
        if m[446 + 16 * i + 4] == 0x07:
            m[446 + 16 * i + 4] = 0x42
            n += 1
    assert n, "no NTFS entry in the MBR"
    f.seek(0)
    f.write(m)
with open(sys.argv[2], "r+b") as f:
    f.seek(512)
    h = bytearray(f.read(512))
    hsize = struct.unpack_from("<I", h, 12)[0]
    lba, count, size = struct.unpack_from("<QII", h, 72)
    f.seek(lba * 512)
    ents = bytearray(f.read(count * size))
    basic = uuid.UUID("ebd0a0a2-b9e5-4433-87c0-68b6b72699c7").bytes_le
    e = next(i for i in range(count) if ents[i * size:i * size + 16] == basic)
    ents[e * size:e * size + 16] = uuid.UUID("af9b60a0-1431-4f62-bc68-3311714a69ad").bytes_le
    struct.pack_into("<I", h, 88, zlib.crc32(ents))
    struct.pack_into("<I", h, 16, 0)
    struct.pack_into("<I", h, 16, zlib.crc32(h[:hsize]))
    f.seek(lba * 512)
    f.write(ents)
    f.seek(512)
    f.write(h)
PYEOF
for c in "ldm-mbr an MBR partition of type 0x42" "ldm-gpt a GPT partition of type LDM data"; do
	name=${c%% *} what=${c#* }
	report "$name" "$work/$name.raw"
	st=$?
	if [ $st -eq 2 ] && grep -qF "a Windows dynamic disk (LDM: $what) is not supported" "$work/$name.err"; then
		ok "$name: exit 2, $(cat "$work/$name.err")"
	else
		bad "$name: exit $st, expected 2 naming the dynamic disk: $(cat "$work/$name.err")"
	fi
done
off=$(jq '.volumes[0].offset' "$work/disk-mbr.raw.json")
if report ldm-mbr-offset "$work/ldm-mbr.raw" --offset "$off" &&
   [ "$(jq -c '.volumes[0].hardlink_sets' "$work/ldm-mbr-offset.json")" = "$(jq -c '.volumes[0].hardlink_sets' "$work/disk-mbr.raw.json")" ]; then
	ok "ldm-mbr --offset $off: the volume there is read as in disk-mbr.raw"
else
	bad "ldm-mbr --offset $off: $(cat "$work/ldm-mbr-offset.err")"
fi

[ $fail -eq 0 ] && rm -rf "$work"
exit $fail
