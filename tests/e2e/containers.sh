#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Virtual disk containers (issue 16, Inputs): each fixture converted with qemu-img to VHD (vpc), VHDX, VMDK
# and qcow2 gives the same volumes, sets, reparse points, anomalies and partitions as its raw bytes (only
# `image` differs), recognised by content whatever the file is called; differencing qcow2 and VMDK images
# read through their parents found beside them (a missing or mismatched parent is exit 2 naming it);
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
for fmt in qcow2 vmdk; do
	format=$fmt
	[ $fmt = qcow2 ] && format=qcow
	qemu-img convert -q -O $fmt "$work/base.raw" "$work/base.$fmt"
	qemu-img create -q -f $fmt -b base.$fmt -F $fmt "$work/child.$fmt" >/dev/null
	qemu-io -f $fmt -c "write -s $work/mft.bin $mft_off $mft_len" "$work/child.$fmt" >/dev/null ||
		{ bad "qemu-io write into child.$fmt"; continue; }
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

[ $fail -eq 0 ] && rm -rf "$work"
exit $fail
