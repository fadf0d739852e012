#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# daemon_hostile.sh - hostile input around smsmatchd: texts with SQL,
# format strings, control characters and emoji, sent with `smsmatch send`
# and received through a simulator; crafted PDUs (a UCS-2 text with a
# lone UTF-16 surrogate, a 255-part concatenation header, a part numbered
# past its total) injected raw; a modem that answers garbage
# (--garbage-rate) still delivers; a configuration with a typo stops
# smsmatchd with FILE:LINE: key.  Nothing crashes (the sanitizer pass runs
# the daemon under ASan/UBSan), nothing is lost.
. "${SRCDIR:-.}/tests/integration/lib/daemon.sh"

# ---- a typo in the configuration
dt_conf m1
sed 's/daily_limit/daily_limmit/' "$CONF" >"$T/bad.conf"
rc=0
"$SMD" -c "$T/bad.conf" -f 2>"$T/bad.err" || rc=$?
[ $rc -ne 0 ] || fail "smsmatchd accepted a bad configuration"
line=$(grep -n daily_limmit "$T/bad.conf" | cut -d: -f1)
grep -q "^smsmatchd: $T/bad.conf:$line: modems.\[0\].daily_limmit: unknown setting (did you mean 'daily_limit'?)$" "$T/bad.err" ||
	fail "bad config message: $(cat "$T/bad.err")"
ok "bad.conf refused (exit $rc): $(cat "$T/bad.err")"

dt_sim m1 --report-delay-ms 50
dt_sim m2 --report-delay-ms 50 --garbage-rate 0.1 --seed 3
dt_conf m1 m2
dt_daemon_start
dt_wait 60 "2 modems ready" _dt_ready 2

H=+33611000001
: >"$T/ids.tsv"
send() { # TEXT: queue it to $H, remember it
	local id
	id=$(sm send --to "$H" "$1") || fail "send $1"
	python3 -c 'import json, sys; print(json.dumps({"id": int(sys.argv[1]),
		"to": sys.argv[2], "text": sys.argv[3]}))' "$id" "$H" "$1" >>"$T/ids.tsv"
}
hostile=(
	"'); DROP TABLE outbox;--"
	"Robert'); DELETE FROM optouts WHERE ('1'='1"
	'%s%n%x%p%s%s%s%n %99999999d'
	$'bell\a tab\t esc\e[31m cr\r nl\n del\x7f end'
	# (U+0001 is left out: libgammu decodes it as "~"; see the report)
	$'\x02\x03\x04\x05\x06\x0b\x0c\x0e\x0f\x10\x1f'
	"emoji 😀👍🏽 and 𝄞 (outside the BMP)"
	'{"json": "\u0000", "x": [1,2,3]} <script>alert(1)</script>'
	"$(printf 'long %%n%%s; DROP TABLE inbox; %.0s' $(seq 40))"
)
for t in "${hostile[@]}"; do
	send "$t"
done
# and 60 ordinary ones, some through the garbage-answering modem
python3 "$TOOLS/dtcheck.py" gen-out 60 6 >"$T/out.tsv"
dt_send_file "$T/out.tsv"
cat "$T/out.tsv.ids" >>"$T/ids.tsv"
ok "$(wc -l <"$T/ids.tsv") messages queued, ${#hostile[@]} hostile"

# ---- received: the same texts, injected (one line each: no newline)
inj=0
for t in "${hostile[@]}"; do
	t=${t//$'\n'/ }
	t=${t//$'\r'/ }
	printf '%s\t%s\n' "+33622000001" "$t" >>"$T/in.tsv"
	dt_ctl m1 "inject +33622000001 $t" >/dev/null
	inj=$((inj + 1))
done

# crafted SMS-DELIVER PDUs: no SMSC ("00"), first octet, sender
# +33622000002, PID 00, DCS, SCTS, UDL, UD (23.040 9.2.2.1)
OA=0B913326220000F2
SCTS=52011221000000
# UCS-2 "A", a lone high surrogate D800, "B" (DCS 08)
# (smsmatch-modemsim decodes what it injects and refuses this one: then
# the case is reported, not checked here)
surrogate=1
if ! ans=$(dt_ctl m1 "inject-pdu 0004${OA}0008${SCTS}060041D8000042" 2>/dev/null); then
	echo "note: the simulator refused the lone-surrogate PDU: $ans"
	surrogate=0
fi
# a 255-part message, part 1 (UDHI; UDH 05 00 03 ref 255 1; UCS-2 "AB")
dt_ctl m1 "inject-pdu 0044${OA}0008${SCTS}0A050003A7FF0100410042" >/dev/null
# part 5 of 2, and part 0 of 3 (refused by the simulator too, reported)
for pdu in "0044${OA}0008${SCTS}0A050003A8020500410042" \
	"0044${OA}0008${SCTS}0A050003A9030000410042"; do
	ans=$(dt_ctl m2 "inject-pdu $pdu" 2>/dev/null) ||
		echo "note: the simulator refused $pdu: $ans"
done
# then an ordinary SMS: still received after all that
printf '%s\t%s\n' "+33622000003" "encore là ? oui" >>"$T/in.tsv"
dt_ctl m2 "inject +33622000003 encore là ? oui" >/dev/null

inbox_has() { sm inbox --all --json | grep -q '"from":"+33622000003"'; }
dt_wait 60 "the last SMS stored" inbox_has
all_deleted() {
	dt_ctl m1 stats | grep -q '"stored": 0,' && dt_ctl m2 stats | grep -q '"stored": 0,'
}
dt_wait 60 "every SMS committed and deleted from the modems" all_deleted
sm inbox --all --json >"$T/inbox.json"
python3 - "$T/in.tsv" "$T/inbox.json" $surrogate <<'PY' || fail "inbound hostile texts"
import json, sys
want = [l.rstrip("\n").split("\t", 1) for l in open(sys.argv[1], encoding="utf-8")]
inbox = json.load(open(sys.argv[2], encoding="utf-8"))
bad = 0
for frm, text in want:
    got = [m for m in inbox if m["from"] == frm and m["text"] == text]
    if len(got) != 1:
        print(f"FAIL: {text!r} from {frm} stored {len(got)} times")
        bad += 1
sur = [m for m in inbox if m["from"] == "+33622000002"]
print("crafted PDUs stored:", [(m["text"], m["parts"], m["incomplete"]) for m in sur])
if sys.argv[3] == "1" and not any(m["text"].startswith("A") and m["text"].endswith("B") and
           m["parts"] == 1 for m in sur):
    print("FAIL: the lone-surrogate SMS is not in the inbox")
    bad += 1
sys.exit(1 if bad else 0)
PY
ok "hostile texts received intact; the 255-part PDU committed and deleted"

dt_wait_drained 60
kill -0 "$DAEMON_PID" || fail "smsmatchd died"
dt_daemon_term
dt_sim_stop m1 m2
python3 "$TOOLS/dtcheck.py" outbound "$T/ids.tsv" "$T/smsmatch.db" \
	"$T"/m[12].jsonl --summary "$T/summary.json"
grep -q '"m2": [1-9]' "$T/summary.json" || fail "the garbage modem sent nothing"
# the tables are all there
for t in outbox inbox optouts; do
	python3 "$TOOLS/dtcheck.py" db "$T/smsmatch.db" "SELECT count(*) FROM $t" >/dev/null ||
		fail "table $t"
done
dt_check_stderr
