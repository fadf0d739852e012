#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# modemsim_faults.sh - smsmatch-modemsim's faults and features, driven by a
# small python3 client that opens the link raw like a serial port: --pin,
# --error-all, --hang-after and hang/unhang, --unplug-after with
# --replug-after-ms, --cms-error-rate, --latency-ms, --garbage-rate,
# scripted candidate replies (+CMTI after the scaled delay), status
# reports (+CDS, +CDSI), +CMT without +CNMA, memory full, the JSON log,
# `stats`, the Huawei URCs, and a client killed with SIGKILL mid-CMGS.
set -euo pipefail
: "${BUILD:?}"
export SIM="$BUILD/smsmatch-modemsim"
export SRCDIR=${SRCDIR:-.}
T=$(mktemp -d)
export T
trap 'rm -rf "$T"' EXIT

exec python3 - <<'EOF'
import atexit, json, os, re, select, signal, socket, subprocess, sys
import termios, time, traceback, tty

FINAL = re.compile(rb"\r\nOK\r\n|ERROR\r\n|\+CM[ES] ERROR: [^\r]*\r\n|\r\n> ")

SIM, T, SRCDIR = os.environ["SIM"], os.environ["T"], os.environ["SRCDIR"]
sims = []

def kill_all():
    for s in sims:
        if s.p.poll() is None:
            s.p.kill()
            s.p.wait()

atexit.register(kill_all)

def fail(msg):
    traceback.print_stack()
    print("FAIL:", msg, file=sys.stderr)
    for s in sims:
        s.stop()
    sys.exit(1)

def check(cond, msg):
    if not cond:
        fail(msg)

def wait_until(pred, what, limit=5.0):
    """Poll a condition (bounded); not a timed assertion."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if pred():
            return
        time.sleep(0.005)
    fail("never happened: " + what)

class Sim:
    n = 0
    def __init__(self, *args):
        Sim.n += 1
        self.link = f"{T}/sim{Sim.n}"
        self.ctlpath = f"{T}/sim{Sim.n}.ctl"
        self.log = f"{T}/sim{Sim.n}.jsonl"
        self.err = open(f"{T}/sim{Sim.n}.err", "w")
        self.p = subprocess.Popen([SIM, "--link", self.link, "--control",
                                   self.ctlpath, "--log", self.log, "-v",
                                   *args], stdout=self.err,
                                  stderr=self.err)
        sims.append(self)
        wait_until(lambda: os.path.exists(self.link) and
                   os.path.exists(self.ctlpath), "simulator start")

    def ctl(self, line):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(self.ctlpath)
        s.sendall(line.encode() + b"\n")
        buf = b""
        while not buf.endswith(b"\n"):
            d = s.recv(4096)
            if not d:
                break
            buf += d
        s.close()
        return buf.decode().strip()

    def stats(self):
        a = self.ctl("stats")
        check(a.startswith("OK "), "stats: " + a)
        return json.loads(a[3:])

    def logged(self):
        if not os.path.exists(self.log):
            return []
        return [json.loads(l) for l in open(self.log)]

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            rc = self.p.wait(10)
            check(rc == 0, f"simulator exit status {rc}")
        if self in sims:
            sims.remove(self)

class Client:
    def __init__(self, path):
        self.fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(self.fd)
        self.buf = b""

    def close(self):
        os.close(self.fd)

    def write(self, data):
        os.write(self.fd, data if isinstance(data, bytes) else data.encode())

    def read_until(self, pred, limit=5.0, what=""):
        """Read until pred(buf) is true; a regex match keeps what follows
        it for the next call."""
        end = time.monotonic() + limit
        while True:
            hit = pred(self.buf)
            if hit:
                break
            left = end - time.monotonic()
            if left <= 0:
                fail(f"no answer {what!r}; got {self.buf!r}")
            r, _, _ = select.select([self.fd], [], [], left)
            if r:
                try:
                    d = os.read(self.fd, 4096)
                except OSError:
                    fail(f"port failed waiting for {what!r}")
                self.buf += d
        cut = hit.end() if hasattr(hit, "end") else len(self.buf)
        out, self.buf = self.buf[:cut], self.buf[cut:]
        return out.decode("utf-8", "replace")

    def quiet(self, wait=0.3):
        """Bytes that arrive within @wait (for 'no answer' checks)."""
        r, _, _ = select.select([self.fd], [], [], wait)
        return os.read(self.fd, 4096) if r else b""

    def cmd(self, line, limit=5.0):
        self.write(line + "\r")
        return self.read_until(lambda b: FINAL.search(b), limit, line)

    def urc(self, token, limit=5.0):
        pat = re.compile(re.escape(token.encode()) + rb"[^\n]*\n")
        return self.read_until(lambda b: pat.search(b), limit, token)

def semi(num):
    d = num.lstrip("+")
    if len(d) % 2:
        d += "F"
    return "".join(d[i + 1] + d[i] for i in range(0, len(d), 2))

def gsm7_pack(text):
    bits, n, out = 0, 0, bytearray()
    for ch in text.encode("ascii"):
        bits |= ch << n
        n += 7
        while n >= 8:
            out.append(bits & 0xFF)
            bits >>= 8
            n -= 8
    if n:
        out.append(bits & 0xFF)
    return out.hex().upper()

def submit_pdu(to, text, srr=False, udh=None):
    """SMS-SUBMIT with "00" SMSC; returns (hex, tpdu_len)."""
    fo = 0x11 | (0x20 if srr else 0) | (0x40 if udh else 0)
    d = to.lstrip("+")
    if udh:
        # a 6-octet UDH takes 7 septets (one fill bit): pack 7 zero
        # septets before the text, then put the UDH over the first 6 octets
        packed = udh + gsm7_pack("\0" * 7 + text)[12:]
        tp = "%02X00%02X91%s0000AA%02X%s" % (fo, len(d), semi(to),
                                           7 + len(text), packed)
    else:
        tp = "%02X00%02X91%s0000AA%02X%s" % (fo, len(d), semi(to), len(text),
                                           gsm7_pack(text))
    return "00" + tp, len(tp) // 2

def send_pdu(c, to, text, srr=False, udh=None):
    hexpdu, n = submit_pdu(to, text, srr, udh)
    out = c.cmd(f"AT+CMGS={n}")
    check(out.endswith("\r\n> "), "no prompt: " + repr(out))
    c.write(hexpdu + "\x1a")
    return c.read_until(lambda b: FINAL.search(b), 5, "CMGS answer")

# ---------------------------------------------------------------- basics
s = Sim()
c = Client(s.link)
out = c.cmd("AT")
check(out == "AT\r\r\nOK\r\n", "echo + OK: " + repr(out))
check(c.cmd("ATE0") == "ATE0\r\r\nOK\r\n", "ATE0")
check(c.cmd("AT") == "\r\nOK\r\n", "no echo after ATE0")
check("+CMGF: 1" in c.cmd("AT+CMGF?"), "text mode at start")
check('+COPS: 0,0,"Orange F",7' in c.cmd("AT+COPS?"), "COPS")
check("+CSQ: 20,99" in c.cmd("AT+CSQ"), "CSQ")
check("+CREG: 0,1" in c.cmd("AT+CREG?"), "CREG")
check("+CEREG: 2,1," in c.cmd("AT+CEREG=2;+CEREG?"), "CEREG=2")
check('+CNUM: "","+33700000001",145' in c.cmd("AT+CNUM"), "CNUM")
check('+CSCA: "+33695000695",145' in c.cmd("AT+CSCA?"), "CSCA")
check('+CPMS: "SM",0,30,"SM",0,30,"SM",0,30' in c.cmd("AT+CPMS?"), "CPMS")
check("ERROR" in c.cmd("AT+NOPE"), "unknown command")
check("+CME ERROR: operation not allowed" in
      c.cmd("AT+CMEE=2;+CPIN=\"0000\""), "verbose CME")
c.cmd("AT+CMEE=1")

# PDU mode: a send, a bad PDU (304), a wrong length (304), ESC cancels
check(c.cmd("AT+CMGF=0") == "\r\nOK\r\n", "CMGF=0")
out = send_pdu(c, "+33612345601", "hello")
check("+CMGS: 0\r\n\r\nOK" in out, "CMGS mr 0: " + repr(out))
out = send_pdu(c, "+33612345601", "again")
check("+CMGS: 1\r\n" in out, "mr increments: " + repr(out))
hexpdu, n = submit_pdu("+33612345601", "hello")
c.cmd(f"AT+CMGS={n + 1}")
c.write(hexpdu + "\x1a")
check("+CMS ERROR: 304" in c.urc("ERROR"), "length mismatch -> 304")
c.cmd("AT+CMGS=10")
c.write("00ZZ\x1a")
check("+CMS ERROR: 304" in c.urc("ERROR"), "bad hex -> 304")
c.cmd(f"AT+CMGS={n}")
c.write(hexpdu[:10] + "\x1b")
check("OK" in c.urc("OK"), "ESC -> OK")
check(s.stats()["sent"] == 2, "ESC sent nothing")

# concatenated parts reassembled in the log, with a status report
udh1, udh2 = "050003A70201", "050003A70202"
send_pdu(c, "+33612345602", "Bonjour ", udh=udh1)
check(len(s.logged()) == 2, "part 1 alone is not logged")
c.cmd("AT+CNMI=2,1,0,1,0")
out = send_pdu(c, "+33612345602", "Marie", srr=True, udh=udh2)
log = s.logged()
check(len(log) == 3, "message logged once complete")
m = log[-1]
check(m["to"] == "+33612345602" and m["text"] == "Bonjour Marie" and
      m["parts"] == 2 and m["mr"] == [2, 3] and m["encoding"] == "gsm7" and
      m["status_report"] is True and m["modem"] == "sim1" and
      set(m) == {"time", "modem", "to", "text", "parts", "encoding", "mr",
                 "status_report"}, "JSON log fields: %r" % m)
out = c.urc("+CDS:") + c.read_until(lambda b: re.search(rb"\r\n", b), 5, "PDU")
cds = out.split("+CDS: ")[1].split("\r\n")
rep = cds[1]
sca = int(rep[0:2], 16)
check((1 + sca + int(cds[0])) * 2 == len(rep), "+CDS length: %r" % out)
tp = rep[2 + 2 * sca:]
check(int(tp[0:2], 16) & 3 == 2, "+CDS is a status report: " + rep)
check(tp[2:4] == "03", "report carries mr 3: " + rep)
check(semi("+33612345602") in rep, "report carries the recipient")

# reports to SR memory with ds=2 (+CDSI), read back
c.cmd("AT+CNMI=2,1,0,2,0")
send_pdu(c, "+33612345603", "report me", srr=True)
out = c.urc("+CDSI:")
check('+CDSI: "SR",1' in out, "+CDSI: " + repr(out))
c.cmd('AT+CPMS="SR"')
out = c.cmd("AT+CMGR=1")
check("+CMGR: 0,,2" in out or "+CMGR: 0,," in out, "report in SR: " + out)
c.cmd('AT+CPMS="SM"')
st = s.stats()
check(st["sent"] == 5 and st["reports"] == 2 and st["stored"] == 1,
      "stats: %r" % st)

# inbound: +CMTI, CMGR in text mode, CSCS=UCS2, CMGL, CMGD
c.cmd("AT+CMGF=1")
check(s.ctl("inject +33698765432 Salut à toi") == "OK 1", "inject")
out = c.urc("+CMTI:")
check('+CMTI: "SM",1' in out, "+CMTI: " + repr(out))
out = c.cmd("AT+CMGR=1")
# GSM charset: à is septet 0x7F (23.038)
check('+CMGR: "REC UNREAD","+33698765432",,"' in out and
      "\r\nSalut \x7f toi\r\n" in out, "CMGR text: " + repr(out))
out = c.cmd('AT+CSCS="UCS2";+CMGR=1')
check('"REC READ","002B00330033003600390038003700360035003400330032"' in out
      and "\r\n00530061006C0075007400200" "0E000200074006F0069\r\n" in out,
      "UCS2 CMGR: " + repr(out))
s.ctl("inject +33698765432 Ça va ?")
out = c.urc("+CMTI:")
out = c.cmd("AT+CMGR=2")
check("\r\n00C700610020007600610020003F\r\n" in out,
      "UCS-2 SMS shown as hex in text mode: " + repr(out))
c.cmd("AT+CMGD=2")
c.cmd('AT+CSCS="GSM"')
out = c.cmd('AT+CMGL="ALL"')
check(out.count("+CMGL: ") == 1, "CMGL ALL: " + out)
check(c.cmd("AT+CMGD=1") == "\r\nOK\r\n", "CMGD")
check(c.cmd("AT+CMGR=1") == "\r\nOK\r\n", "empty slot: bare OK")
check("+CMS ERROR: 321" in c.cmd("AT+CMGR=99"), "bad index 321")

# text mode send with +CSMP asking a report
out = c.cmd('AT+CMGS="+33612345604"')
check(out.endswith("> "), "text prompt")
c.write("Rendez-vous 9h\x1a")
check("+CMGS: 5" in c.urc("OK"), "text mode CMGS")
check(s.logged()[-1]["text"] == "Rendez-vous 9h", "text mode log")

# +CMT with +CSMS=1 and no +CNMA -> stored, +CMTI (networks resend)
c.cmd("AT+CSMS=1;+CNMI=2,2,0,0,0;+CMGF=0")
s.ctl("inject +33698765432 direct")
out = c.urc("+CMT:")
check("+CMT: ," in out, "+CMT in PDU mode: " + repr(out))
out = c.urc("+CMTI:", limit=10)
check('+CMTI: "SM",1' in out, "unacked +CMT re-delivered as +CMTI")
s.ctl("inject +33698765432 acked")
c.urc("+CMT:")
c.read_until(lambda b: re.search(rb"\r\n", b), 5, "PDU line")
check(c.cmd("AT+CNMA") == "\r\nOK\r\n", "CNMA accepted")
check("+CMS ERROR: 340" in c.cmd("AT+CNMA"), "no ack expected: 340")

# memory full: 322 on write, inbound held until a slot frees
c.cmd("AT+CSMS=0;+CNMI=2,1,0,0,0;+CMGD=1,4")
for i in range(30):
    s.ctl(f"inject +3361000{i:04d} m{i}")
c.read_until(lambda b: b.count(b"+CMTI") >= 30, 5, "30 CMTI")
st = s.stats()
check(st["stored"] == 31, "30 in SM + 1 report in SR: %r" % st)
hexpdu, n = submit_pdu("+33612345601", "draft")
c.cmd(f"AT+CMGW={n}")
c.write(hexpdu + "\x1a")
check("+CMS ERROR: 322" in c.urc("ERROR"), "memory full 322")
recv = s.stats()["received"]
check(s.ctl("inject +33699999999 held") == "OK 1", "inject when full")
check(s.stats()["received"] == recv, "held by the network")
c.cmd("AT+CMGD=5")
out = c.urc("+CMTI:")
check('+CMTI: "SM",5' in out, "delivered once a slot freed: " + repr(out))
c.cmd("AT+CMGD=1,4")
c.close()

# SIGKILL of a client at the prompt: the next client finds a sane modem
killer = subprocess.Popen([sys.executable, "-c", """
import os, sys, tty, select, signal
fd = os.open(sys.argv[1], os.O_RDWR | os.O_NOCTTY); tty.setraw(fd)
os.write(fd, b"AT+CMGF=0\\r"); select.select([fd], [], [], 2); os.read(fd, 999)
os.write(fd, b"AT+CMGS=18\\r"); select.select([fd], [], [], 2); os.read(fd, 999)
os.write(fd, b"0011000B91")
os.kill(os.getpid(), signal.SIGKILL)
""", s.link])
killer.wait()
c = Client(s.link)
out = c.cmd("AT", limit=5)
check(out.endswith("OK\r\n"), "after SIGKILL: " + repr(out))
check(s.stats()["sent"] == 6, "half PDU was not sent")
c.close()
s.stop()
check(not os.path.lexists(s.link) and not os.path.exists(s.ctlpath),
      "link and socket removed on SIGTERM")

# ---------------------------------------------------------------- --pin
s = Sim("--pin", "1234")
c = Client(s.link)
c.cmd("ATE0")
check("+CPIN: SIM PIN" in c.cmd("AT+CPIN?"), "SIM PIN")
check("+CMS ERROR: 311" in c.cmd("AT+CMGL=4"), "CMGL locked: 311")
check("+CMS ERROR: 311" in c.cmd('AT+CMGS="+33612345678"'), "CMGS 311")
check("+CME ERROR: 11" in c.cmd("AT+CIMI"), "CIMI locked: CME 11")
check("+CREG: 0,0" in c.cmd("AT+CREG?"), "not registered while locked")
check("+CME ERROR: 16" in c.cmd('AT+CPIN="0000"'), "wrong PIN: 16")
check(c.cmd('AT+CPIN="1234"') == "\r\nOK\r\n", "right PIN")
check("+CPIN: READY" in c.cmd("AT+CPIN?"), "READY")
check("+CREG: 0,1" in c.cmd("AT+CREG?"), "registered")
check("+CMGL" not in c.cmd("AT+CMGL=\"ALL\"") , "CMGL works")
c.close()
s.stop()

# ---------------------------------------------------------------- --error-all
s = Sim("--error-all")
c = Client(s.link)
check(c.cmd("AT").endswith("\r\nERROR\r\n"), "error-all: AT")
check(c.cmd("AT+CGMI").endswith("\r\nERROR\r\n"), "error-all: CGMI")
c.close()
s.stop()

# ---------------------------------------------------------------- --hang-after
s = Sim("--hang-after", "3")
c = Client(s.link)
for i in range(3):
    check(c.cmd("AT").endswith("OK\r\n"), f"command {i + 1} answered")
c.write("AT\r")
check(c.quiet() == b"", "silent after 3 commands")
check(s.ctl("unhang") == "OK", "unhang")
check(c.cmd("AT").endswith("OK\r\n"), "answers after unhang")
check(s.ctl("hang") == "OK", "hang")
c.write("AT\r")
check(c.quiet() == b"", "silent after hang")
c.close()
s.stop()

# ------------------------------------------------- --unplug-after, replug
s = Sim("--unplug-after", "1", "--replug-after-ms", "200")
c = Client(s.link)
c.cmd("ATE0;+CMGF=0")
old = os.readlink(s.link)
out = send_pdu(c, "+33612345601", "bye")
check("+CMGS: 0" in out, "send before unplug")
wait_until(lambda: not os.path.lexists(s.link), "link removed on unplug")
try:
    dead = os.read(c.fd, 10)
except OSError:
    dead = b""
check(dead == b"", "old port dead after unplug")
c.close()
wait_until(lambda: os.path.lexists(s.link), "link back after replug")
c = Client(s.link)
out = c.cmd("AT")
check(out.endswith("OK\r\n") and out.startswith("AT\r"),
      "works after replug, echo back on (power-on state)")
c.close()
check(s.ctl("unplug") == "OK", "unplug by control")
wait_until(lambda: os.path.lexists(s.link), "auto replug again")
check(s.logged()[0]["text"] == "bye", "send logged")
s.stop()

s = Sim()
check(s.ctl("unplug") == "OK" and not os.path.lexists(s.link),
      "unplug without --replug-after-ms")
check(s.ctl("inject +33611111111 while unplugged") == "OK 1", "inject")
check(s.ctl("replug") == "OK" and os.path.lexists(s.link), "replug")
c = Client(s.link)
out = c.cmd('AT+CMGL="ALL"')
check("while unplugged" in out, "held SMS delivered after replug: " + out)
c.close()
s.stop()

# ---------------------------------------------------------- --cms-error-rate
s = Sim("--cms-error-rate", "1", "--cms-error-code", "38")
c = Client(s.link)
c.cmd("ATE0;+CMGF=0")
out = send_pdu(c, "+33612345601", "fail")
check("+CMS ERROR: 38" in out, "cms-error-rate 1: " + repr(out))
check(s.stats()["sent"] == 0 and s.logged() == [], "failed send not logged")
c.close()
s.stop()

# ------------------------------------------------------------- --latency-ms
s = Sim("--latency-ms", "400")
c = Client(s.link)
c.cmd("ATE0;+CMGF=0")
hexpdu, n = submit_pdu("+33612345601", "slow")
c.cmd(f"AT+CMGS={n}")
t0 = time.monotonic()
c.write(hexpdu + "\x1a")
check(s.stats()["sent"] == 0, "not answered before the latency")
out = c.urc("OK")
print("latency: +CMGS after %.0f ms (asked 400)" % ((time.monotonic() - t0) * 1000))
check("+CMGS: 0" in out and s.stats()["sent"] == 1, "answered after")
c.close()
s.stop()

# ---------------------------------------------------------- --garbage-rate
s = Sim("--garbage-rate", "1", "--seed", "7")
c = Client(s.link)
out = c.cmd("ATE0")
check(not out.startswith("ATE0\r\r\nOK") and out.endswith("\r\nOK\r\n") and
      len(out) > len("ATE0\r\r\nOK\r\n"), "garbage first: " + repr(out))
c.close()
s.stop()

# -------------------------------------------------- scripted candidates
script = f"{T}/cand.script"
with open(script, "w") as f:
    f.write('# test rules\n'
            '+33612345601  2s  "Bonjour.*STOP"  "oui ok"\n'
            '*             4s  "rappel"         "dsl j\'avais pas vu"\n')
s = Sim("--script", script, "--reply-scale", "0.05")
c = Client(s.link)
c.cmd("ATE0")
c.cmd('AT+CMGS="+33612345601"')
c.write("Bonjour Marie, formation cariste. STOP au 36000\x1a")
c.urc("OK")
t0 = time.monotonic()
out = c.urc("+CMTI:")
print("scripted reply after %.0f ms (rule 2s x 0.05)" %
      ((time.monotonic() - t0) * 1000))
idx = out.split("+CMTI: \"SM\",")[1].split("\r")[0]
out = c.cmd("AT+CMGR=" + idx)
check('"+33612345601"' in out and "\r\noui ok\r\n" in out,
      "scripted reply: " + out)
c.cmd('AT+CMGS="+33655555555"')
c.write("Petit rappel : formation demain\x1a")
c.urc("OK")
out = c.urc("+CMTI:")
out = c.cmd("AT+CMGR=" + out.split(",")[1].split("\r")[0])
check('"+33655555555"' in out and "dsl j'avais pas vu" in out,
      "* rule: " + out)
c.close()
s.stop()

r = subprocess.run([SIM, "--link", f"{T}/ex", "--script",
                    f"{SRCDIR}/tests/modemsim/examples/candidates.script",
                    "--help"], capture_output=True, timeout=10)
check(r.returncode == 0, "--help")
with open(f"{T}/bad.script", "w") as f:
    f.write("# ok\n+336 1s \"x\" \"y\"\n+336 soon \"x\" \"y\"\n")
r = subprocess.run([SIM, "--link", f"{T}/bad", "--script", f"{T}/bad.script"],
                   capture_output=True, timeout=10, text=True)
check(r.returncode != 0 and f"{T}/bad.script:3:" in r.stderr,
      "script error names file and line: " + r.stderr)

# --------------------------------------------------------- --profile huawei
s = Sim("--profile", "huawei")
c = Client(s.link)
out = c.cmd("ATI")
check("Manufacturer: huawei" in out and "Model: E3372" in out, "huawei ATI")
c.read_until(lambda b: b"^RSSI:" in b or b"^MODE:" in b, 5, "^RSSI")
check(c.cmd("AT^CURC=0").endswith("OK\r\n"), "^CURC=0")
check("^CURC: 0" in c.cmd("AT^CURC?"), "^CURC?")
c.close()
s.stop()

# ------------------------------------- incomplete message logged at exit
s = Sim()
c = Client(s.link)
c.cmd("ATE0;+CMGF=0")
send_pdu(c, "+33612345609", "first half ", udh="0500031A0201")
c.close()
s.stop()
log = s.logged()
check(len(log) == 1 and log[0].get("incomplete") is True and
      log[0]["parts"] == 2 and log[0]["text"] == "first half ",
      "incomplete logged at exit: %r" % log)

print("modemsim faults: all checks passed")
EOF
