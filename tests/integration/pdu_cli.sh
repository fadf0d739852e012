#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# pdu_cli.sh - `smsmatch pdu decode/encode` on corpus vectors: JSON fields,
# exit codes and the one-line error message.
set -eu
: "${BUILD:?}"
SM="$BUILD/smsmatch"

field() { # json, python expression on j
	python3 -c 'import json,sys; j=json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2"
}
check() { # what, got, want
	if [ "$2" != "$3" ]; then
		echo "FAIL $1: got '$2', want '$3'" >&2
		exit 1
	fi
}

# V006 (python-gsmmodem): a deliver with its SMSC
j=$("$SM" pdu decode --json 06917228195339040B917228214365F700003130805120618005D4F29C2E03)
check V006.type "$(field "$j" 'j["type"]')" deliver
check V006.smsc "$(field "$j" 'j["smsc"]')" +2782913593
check V006.number "$(field "$j" 'j["number"]')" +27821234567
check V006.text "$(field "$j" 'j["text"]')" Test2
check V006.encoding "$(field "$j" 'j["encoding"]')" gsm7
check V006.timestamp "$(field "$j" 'j["timestamp"]')" 2013-03-08T15:02:16+02:00
check V006.concat "$(field "$j" 'j["concat"]')" None
check V006.mr "$(field "$j" 'j["mr"]')" None

# V017: alphanumeric sender, UCS-2, concatenated
j=$("$SM" pdu decode --json 07919762020033F1400DD0CDF2396C7EBB010008415072411084618C0500035602010053004D005300200063006F00640065003A00200034003800350036002C00200063006F006E006600690072006D006100740069006F006E0020006F00660020006100730073006F00630069006100740069006F006E0020006200650074007700650065006E0020006100630063006F0075006E007400200061006E00640020004D00650067)
check V017.number "$(field "$j" 'j["number"]')" Megafon
check V017.encoding "$(field "$j" 'j["encoding"]')" ucs2
check V017.concat "$(field "$j" '"%d/%d/%d" % (j["concat"]["ref"], j["concat"]["total"], j["concat"]["seq"])')" 86/2/1

# V031: status report
j=$("$SM" pdu decode --json 07917248014000F506B70AA18092020000317071518590803170715185418000)
check V031.type "$(field "$j" 'j["type"]')" status-report
check V031.mr "$(field "$j" 'j["mr"]')" 183
check V031.status "$(field "$j" 'j["status"]')" 0
check V031.number "$(field "$j" 'j["number"]')" 0829200000

# V076: bare TPDU
j=$("$SM" pdu decode --json --no-smsc 06040D91945152991136F00160124130340A0160124130940A00)
check V076.mr "$(field "$j" 'j["mr"]')" 4
check V076.number "$(field "$j" 'j["number"]')" +4915259911630

# errors: one line, exit 1; usage: exit 2
set +e
msg=$("$SM" pdu decode 07917248014000F506B 2>&1 >/dev/null); rc=$?
set -e
check odd.rc "$rc" 1
check odd.msg "$msg" "smsmatch: pdu decode: odd number of hex digits"
set +e
"$SM" pdu decode >/dev/null 2>&1; rc=$?
set -e
check usage.rc "$rc" 2
"$SM" pdu --help | grep -q "pdu encode"

# encode: V001 byte for byte, and a French text in two UCS-2 parts
out=$("$SM" pdu encode --to +27820001111 "Hello World!")
check V001 "$out" "AT+CMGS=24
0001000B917228001011F100000CC8329BFD065DDF72363904"
j=$("$SM" pdu encode --json --ref 7 --to +33612345678 "$(printf 'ç%.0s' $(seq 1 80))")
check fr.encoding "$(field "$j" 'j["encoding"]')" ucs2
check fr.parts "$(field "$j" 'len(j["parts"])')" 2
p=$(field "$j" 'j["parts"][1]["pdu"]')
j=$("$SM" pdu decode --json "$p")
check fr.concat "$(field "$j" '"%d/%d/%d" % (j["concat"]["ref"], j["concat"]["total"], j["concat"]["seq"])')" 7/2/2
echo "pdu_cli: ok"
