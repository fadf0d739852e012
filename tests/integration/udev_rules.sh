#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# udev_rules.sh - the rules in udev/ parse, name an AT port for every
# modem family, and keep ModemManager off; the linter itself catches errors.
set -eu
cd "$SRCDIR"
lint=tests/tools/udev_lint.py
python3 $lint udev/*.rules

for family in quectel simcom huawei sierra telit; do
	grep -q "ENV{.SMSMATCH_FAMILY}=\"$family\"" udev/60-smsmatch.rules ||
		{ echo "no AT port rule for $family"; exit 1; }
done
grep -q 'ENV{ID_MM_DEVICE_IGNORE}="1"' udev/60-smsmatch.rules
grep -q 'SYMLINK+="smsmatch/' udev/60-smsmatch.rules

# Played for one device of each family (udev_lint --simulate): the AT port
# gets /dev/smsmatch/<family>-<serial> and wakes smsmatchd when added; the
# other ports of the modem only keep ModemManager off; other devices: nothing.
sim() { python3 $lint udev/60-smsmatch.rules --simulate SUBSYSTEM=tty \
	SUBSYSTEMS=usb-serial,usb ID_SERIAL_SHORT=SN42 "$@"; }
while read -r family vid pid atif otherif; do
	out=$(sim ACTION=add ID_VENDOR_ID=$vid ID_MODEL_ID=$pid ID_USB_INTERFACE_NUM=$atif)
	for want in "SYMLINK=smsmatch/$family-SN42" "ENV{ID_MM_DEVICE_IGNORE}=1" \
		"GROUP=dialout" "MODE=0660" \
		"RUN=/bin/systemctl kill -s HUP --kill-whom=main smsmatchd.service"; do
		grep -qxF "$want" <<<"$out" ||
			{ echo "$vid:$pid if$atif: no $want in:"; echo "$out"; exit 1; }
	done
	out=$(sim ACTION=change ID_VENDOR_ID=$vid ID_MODEL_ID=$pid ID_USB_INTERFACE_NUM=$atif)
	! grep -q '^RUN=' <<<"$out" || { echo "$vid:$pid: RUN on change"; exit 1; }
	out=$(sim ACTION=add ID_VENDOR_ID=$vid ID_MODEL_ID=$pid ID_USB_INTERFACE_NUM=$otherif)
	grep -qxF "ENV{ID_MM_DEVICE_IGNORE}=1" <<<"$out" ||
		{ echo "$vid:$pid if$otherif: ModemManager not kept off"; exit 1; }
	! grep -q '^SYMLINK=\|^RUN=' <<<"$out" ||
		{ echo "$vid:$pid if$otherif: named or woken: $out"; exit 1; }
done <<'EOF2'
quectel 2c7c 0125 02 03
quectel 05c6 9215 02 01
simcom 1e0e 9001 02 03
huawei 12d1 1506 02 00
sierra 1199 9071 03 02
sierra 1199 68c0 03 00
telit 1bc7 1201 04 02
telit 1bc7 1900 03 02
telit 1bc7 1050 04 05
EOF2
out=$(sim ACTION=add ID_VENDOR_ID=0403 ID_MODEL_ID=6001 ID_USB_INTERFACE_NUM=00)
[ -z "$out" ] || { echo "a USB serial adapter was touched: $out"; exit 1; }
# no serial number: the USB path names it
out=$(python3 $lint udev/60-smsmatch.rules --simulate ACTION=add SUBSYSTEM=tty \
	SUBSYSTEMS=usb ID_VENDOR_ID=1199 ID_MODEL_ID=9091 ID_USB_INTERFACE_NUM=03 \
	ID_PATH_TAG=pci-0000_00_14_0-usb-0_3_1_3)
grep -qxF "SYMLINK=smsmatch/sierra-pci-0000_00_14_0-usb-0_3_1_3" <<<"$out" ||
	{ echo "no path name without a serial number: $out"; exit 1; }

# The linter must reject broken rules (a test that cannot fail proves nothing).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'SUBSYSTEM=="tty", GOTO="nowhere"\n' >"$tmp/a.rules"
printf 'SUBSYSTEM=="tty" SYMLINK+="x"\n' >"$tmp/b.rules"
printf 'ENV="1"\n' >"$tmp/c.rules"
printf 'SUBSYSTEM=="tty", OWNER=="root"\n' >"$tmp/d.rules"
for f in "$tmp"/*.rules; do
	if python3 $lint "$f" 2>"$tmp/err"; then
		echo "linter accepted $f"; exit 1
	fi
	grep -q "$(basename "$f"):1:" "$tmp/err"
done
echo "udev rules: ok"
