#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""guidewalk.py - follow a guide step by step, as a new user would.

    guidewalk.py --build DIR --src DIR [--keep] [--list] GUIDE.md...

Each guide is walked on its own: a fresh sandbox (a temporary directory
that looks like a source checkout: every top-level entry of --src linked
in, `build` linked to --build), one bash session in it (PATH starts with
--build), and its fenced blocks run in order.  Prints one line per command
and per skipped block, and exits 1 when a command fails or prints
something else than the guide shows.

The conventions a guide follows (docs/README.md says the same for
writers):

Fenced blocks.  Every fenced block names its language:

  ```console   walked: each "$ " line is a command (a line ending with "\\"
               goes on with the next line, a here-document "<<EOF" takes
               its lines up to "EOF"), the lines up to the next "$ " are
               its expected output.  The command must exit 0 (unless
               the block is marked "fails") and print exactly that output,
               stdout and stderr together as a terminal shows them, but
               for:
                 - tabs (as a terminal shows them: to the next multiple
                   of 8 columns), a byte-order mark (not shown), trailing
                   blanks (and "\r") and trailing empty lines;
                 - times: "2026-11-22T05:27:47+01:00", "2026-11-22 05:27",
                   "05:27:47" match any time written the same way;
                 - a line "..." matches any number of lines.
  ```sh        walked: every line is a command (no prompt, no output shown;
               "#" comments and blank lines ignored, "\\" continues); each
               must exit 0.
  anything else (```text, ```c, ```ini, ```csv, ```json ...): shown only,
               never run.

A fenced block without a language is an error: the writer decides.
After a command that starts a simulator in the background ("--link PATH
&"), the walk waits for PATH to appear, as a person would.

Directives are HTML comments (invisible once rendered, visible in the
source), one per line, "<!-- guidewalk: WORD ARGS -->":

  skip REASON         the next walked block is not run: it needs what this
                      machine has not (root, systemd, hardware); counted and
                      printed as a skip with its REASON.
  fails               the next block's commands must exit non-zero (an
                      error shown on purpose).
  until SECONDS       each command of the next block is run again (every
                      0.5 s, at most SECONDS) until its output is the one
                      shown: for what the daemon does in its own time (a
                      bound, not a timed assertion).
  path FROM TO        FROM in commands is replaced by TO ($SANDBOX, $SRC
                      and $BUILD are expanded in TO), and TO by FROM in
                      what they print: /tmp/ or /etc/smsmatch/ moved into
                      the sandbox (its directory made), an URL pointed
                      elsewhere.
  modem DEVICE [OPTS] "plug in a modem": a smsmatch-modemsim started by the
                      harness (OPTS are passed on; $SRC expanded), its link
                      in the sandbox standing for DEVICE (as with path).
  gateway CONF        the box is installed and running: a configuration
                      written at CONF (in the sandbox, with path) naming
                      every modem declared so far (named after its device,
                      with a PIN file when it has --pin), its database in
                      the sandbox and a sending window always open, smsmatchd
                      started on it (until its modems are ready), and
                      `smsmatch` without -c reading CONF, as it reads
                      /etc/smsmatch/smsmatch.conf on a box.
  stop-gateway        smsmatchd is stopped (SIGTERM, must exit 0).
  run COMMAND         a command the harness runs in the session, not shown
                      to the reader: what the reader does without a
                      command (an edit in an editor, a skipped step done
                      in the sandbox).  $SANDBOX, $SRC and $BUILD are
                      expanded.  Must exit 0.

The walk stops at the first failure of a guide (the steps after it
depend on it) and goes on with the next guide.
"""

import argparse
import fcntl
import os
import pty
import re
import secrets
import select
import shlex
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time

WALKED = ("console", "sh")
CMD_TIMEOUT = 120  # seconds; a bound for a command that hangs
TIME_RES = [
    re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?"
               r"(\.\d+)?([+-]\d{2}:?\d{2}|Z)?"),
    re.compile(r"\b\d{2}/\d{2}/\d{4} \d{2}:\d{2}(:\d{2})?"),
    re.compile(r"\b\d{2}:\d{2}:\d{2}\b"),
]
DIRECTIVE = re.compile(r"^\s*<!--\s*guidewalk:\s*(\S+)\s*(.*?)\s*-->\s*$")
FENCE = re.compile(r"^(\s*)```\s*([^`\s]*)\s*$")


class GuideError(Exception):
    pass


def parse(path):
    """The guide as a list of items, in order:
    ("directive", line, word, args) or
    ("block", line, lang, [lines])."""
    items = []
    bare = []  # lines of the blocks without a language
    lines = open(path, encoding="utf-8").read().splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        m = DIRECTIVE.match(line)
        if m:
            items.append(("directive", i + 1, m.group(1), m.group(2)))
            i += 1
            continue
        if "guidewalk:" in line and line.lstrip().startswith("<!--"):
            raise GuideError("%s:%d: a guidewalk directive must be one "
                             "whole line: <!-- guidewalk: WORD ARGS -->"
                             % (path, i + 1))
        m = FENCE.match(line)
        if m:
            indent, lang = m.group(1), m.group(2)
            start = i + 1
            body = []
            i += 1
            while i < len(lines) and not re.match(r"^\s*```\s*$", lines[i]):
                b = lines[i]
                body.append(b[len(indent):] if b.startswith(indent) else
                            b.lstrip())
                i += 1
            if i == len(lines):
                raise GuideError("%s:%d: fenced block never closed"
                                 % (path, start))
            if not lang:
                bare.append(str(start))
            items.append(("block", start, lang, body))
        i += 1
    if bare:
        raise GuideError(
            "%s:%s: a fenced block without a language (line%s %s): write "
            "```console (commands with \"$ \" and their output, walked), "
            "```sh (commands, walked) or ```text, ```c, ```ini ... (shown "
            "only); see docs/README.md"
            % (path, bare[0], "s" if len(bare) > 1 else "", ", ".join(bare)))
    return items


HEREDOC = re.compile(r"<<-?\s*(['\"]?)([A-Za-z_]+)\1")


def command_lines(body, i, first):
    """The command starting at body[i] (its text `first`): lines ending
    with a backslash go on with the next one, a here-document (<<EOF)
    takes its lines up to EOF.  Returns (command, next index)."""
    cmd = first
    while cmd.endswith("\\") and i + 1 < len(body):
        i += 1
        cmd += "\n" + body[i]
    m = HEREDOC.search(cmd)
    if m:
        while i + 1 < len(body):
            i += 1
            cmd += "\n" + body[i]
            if body[i].strip() == m.group(2):
                break
    return cmd, i + 1


def steps_of(lang, body, where):
    """[(command, expected output lines or None)]."""
    steps = []
    i = 0
    if lang == "sh":
        while i < len(body):
            cmd, i = command_lines(body, i, body[i])
            s = cmd.strip()
            if s and not s.startswith("#"):
                steps.append([cmd, None])
        return steps
    while i < len(body):
        l = body[i]
        if l.startswith("$ "):
            cmd, i = command_lines(body, i, l[2:])
            steps.append([cmd, []])
            continue
        if l.strip() == "" and not steps:
            pass
        else:
            if not steps:
                raise GuideError("%s: output before any \"$ \" command: %r"
                                 % (where, l))
            steps[-1][1].append(l)
        i += 1
    return steps


def norm(lines):
    r = []
    for l in lines:
        # as a terminal shows them: tabs to the next 8 columns, no
        # byte-order mark (a CSV for Excel starts with one)
        l = l.replace("\ufeff", "").expandtabs(8).rstrip()
        for rx in TIME_RES:
            l = rx.sub("<time>", l)
        r.append(l)
    while r and r[-1] == "":
        r.pop()
    return r


def matches(want, got):
    """want may hold "..." lines matching any number of lines."""
    memo = {}

    def m(i, j):
        if (i, j) in memo:
            return memo[(i, j)]
        if i == len(want):
            r = j == len(got)
        elif want[i] == "...":
            r = any(m(i + 1, k) for k in range(j, len(got) + 1))
        else:
            r = j < len(got) and want[i] == got[j] and m(i + 1, j + 1)
        memo[(i, j)] = r
        return r

    return m(0, 0)


class Session:
    """One bash process fed one command at a time."""

    def __init__(self, cwd, env, log):
        self.log = log
        # the commands' stdout and stderr go to a terminal, as a reader's
        # do: stdout is line-buffered and interleaves with stderr as the
        # guide shows it (no "\r" added, 200 columns)
        self.master, slave = pty.openpty()
        attr = termios.tcgetattr(slave)
        attr[1] &= ~termios.OPOST
        attr[3] &= ~termios.ECHO
        termios.tcsetattr(slave, termios.TCSANOW, attr)
        fcntl.ioctl(slave, termios.TIOCSWINSZ,
                    struct.pack("HHHH", 50, 200, 0, 0))
        self.p = subprocess.Popen(
            ["bash", "--norc", "--noprofile"], cwd=cwd, env=env,
            stdin=subprocess.PIPE, stdout=slave, stderr=slave,
            start_new_session=True)
        os.close(slave)
        self.buf = b""
        self.n = 0
        self.token = secrets.token_hex(6)

    def run(self, cmd, timeout=CMD_TIMEOUT):
        """(exit status, output lines); status None on a timeout."""
        self.n += 1
        tag = "@@%s@%d" % (self.token, self.n)
        # stdin from /dev/null unless the command pipes its own: the rest
        # of this session is not the command's input
        text = ("{ %s\n} </dev/null 2>&1\n__gw=$?; echo; echo \"%s $__gw\"\n"
                % (cmd, tag))
        self.log.write("$ %s\n" % cmd)
        self.p.stdin.write(text.encode())
        self.p.stdin.flush()
        end = time.monotonic() + timeout
        pat = re.compile(rb"\n" + re.escape(tag.encode()) + rb" (\d+)\n")
        while True:
            m = pat.search(self.buf)
            if m:
                out = self.buf[:m.start()].decode("utf-8", "replace")
                self.buf = self.buf[m.end():]
                self.log.write(out + "\n[exit %s]\n" % m.group(1).decode())
                return int(m.group(1)), out.split("\n")
            left = end - time.monotonic()
            if left <= 0:
                out = self.buf.decode("utf-8", "replace")
                self.log.write(out + "\n[timed out]\n")
                return None, out.split("\n")
            r, _, _ = select.select([self.master], [], [], min(left, 1))
            if r:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:
                    chunk = b""
                if not chunk:
                    out = self.buf.decode("utf-8", "replace")
                    return None, (out + "\n(the shell exited)").split("\n")
                self.buf += chunk

    def close(self):
        try:
            os.killpg(self.p.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.p.pid, signal.SIGKILL)
            self.p.wait()
        # what the guide started in the background, if it did not stop it
        try:
            os.killpg(self.p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.close(self.master)


class Walk:
    def __init__(self, guide, args, out):
        self.guide = guide
        self.args = args
        self.out = out
        self.build = os.path.abspath(args.build)
        self.src = os.path.abspath(args.src)
        self.box = tempfile.mkdtemp(prefix="guidewalk.")
        self.subs = []  # (guide text, sandbox text)
        self.modems = []  # (name, link, extra configuration)
        self.procs = []  # harness processes (simulators, daemon)
        self.daemon = None
        self.conf = None
        self.ran = self.skipped = 0
        self.skips = []
        for e in sorted(os.listdir(self.src)):
            if e in ("build", ".git") or e.startswith("."):
                continue
            os.symlink(os.path.join(self.src, e), os.path.join(self.box, e))
        os.symlink(self.build, os.path.join(self.box, "build"))
        os.makedirs(os.path.join(self.box, ".gw", "home"))
        self.logf = open(os.path.join(self.box, ".gw", "session.log"), "w",
                         encoding="utf-8")
        env = dict(os.environ)
        env.update(PATH=self.build + ":" + env.get("PATH", "/usr/bin:/bin"),
                   HOME=os.path.join(self.box, ".gw", "home"),
                   LC_ALL="C.UTF-8", TMPDIR=os.path.join(self.box, ".gw"))
        env.pop("SMSMATCH_GW_CONF", None)
        self.env = env
        self.sh = Session(self.box, env, self.logf)

    def expand(self, s):
        return (s.replace("$SANDBOX", self.box).replace("$SRC", self.src)
                .replace("$BUILD", self.build))

    def to_box(self, cmd):
        for frm, to in sorted(self.subs, key=lambda x: -len(x[0])):
            cmd = cmd.replace(frm, to)
        return cmd

    def from_box(self, lines):
        r = []
        for l in lines:
            for frm, to in sorted(self.subs, key=lambda x: -len(x[1])):
                l = l.replace(to, frm)
            l = l.replace(self.box + "/", "")
            r.append(l)
        return r

    def say(self, s):
        self.out.write(s + "\n")
        self.out.flush()

    def wait_for(self, what, cond, limit, proc=None):
        end = time.monotonic() + limit
        while not cond():
            if proc is not None and proc.poll() is not None:
                raise GuideError("%s: exited with status %d"
                                 % (what, proc.returncode))
            if time.monotonic() > end:
                raise GuideError("never happened within %ds: %s"
                                 % (limit, what))
            time.sleep(0.05)

    # -- directives

    def d_path(self, where, args):
        a = args.split()
        if len(a) != 2:
            raise GuideError("%s: path FROM TO" % where)
        to = self.expand(a[1])
        # a path into the sandbox gets its directory (an URL or another
        # text is only replaced)
        if to.startswith(self.box + "/"):
            os.makedirs(to if to.endswith("/") else os.path.dirname(to),
                        exist_ok=True)
        self.subs.append((a[0], to))

    def d_modem(self, where, args):
        a = shlex.split(self.expand(args))
        if not a:
            raise GuideError("%s: modem DEVICE [OPTIONS]" % where)
        dev, opts = a[0], a[1:]
        # named after the device, as a technician names it in the
        # configuration: /dev/smsmatch/quectel-0123456789 is
        # "quectel-0123456789"
        name = re.sub(r"[^a-z0-9_-]", "-", os.path.basename(dev).lower())
        if any(m[0] == name for m in self.modems):
            name += "-%d" % len(self.modems)
        d = os.path.join(self.box, ".gw", "dev")
        os.makedirs(d, exist_ok=True)
        link = os.path.join(d, name)
        err = open(os.path.join(d, name + ".err"), "w")
        p = subprocess.Popen(
            [os.path.join(self.build, "smsmatch-modemsim"), "--link", link,
             "--control", link + ".ctl", "--log", link + ".jsonl",
             "--name", name] + opts,
            cwd=self.box, env=self.env, stdin=subprocess.DEVNULL,
            stdout=err, stderr=err)
        self.procs.append(p)
        self.wait_for("the simulated modem for %s starts" % dev,
                      lambda: os.path.exists(link) and
                      os.path.exists(link + ".ctl"), 20, p)
        extra = ""
        if "--pin" in opts:
            # the SIM wants its PIN: the gateway gets a PIN file
            pin = os.path.join(d, name + ".pin")
            fd = os.open(pin, os.O_WRONLY | os.O_CREAT, 0o600)
            os.write(fd, (opts[opts.index("--pin") + 1] + "\n").encode())
            os.close(fd)
            extra = ' pin_file = "%s";' % pin
        self.modems.append((name, link, extra))
        self.subs.append((dev, link))
        self.say("  plug: %s is a simulated modem (%s)"
                 % (dev, " ".join(opts) or "defaults"))

    def d_gateway(self, where, args):
        a = args.split()
        if len(a) != 1:
            raise GuideError("%s: gateway CONF" % where)
        conf = self.to_box(a[0])
        if conf == a[0]:
            conf = os.path.join(self.box, ".gw", "smsmatch.conf")
            self.subs.append((a[0], conf))
        os.makedirs(os.path.dirname(conf), exist_ok=True)
        data = os.path.join(self.box, ".gw", "var")
        os.makedirs(data, exist_ok=True)
        with open(conf, "w") as f:
            f.write('database = "%s/smsmatch.db";\n' % data)
            f.write('timezone = "Europe/Paris";\nlog_level = "info";\n')
            f.write('agency = { name = "Agence de Metz"; '
                    'signature = "France Travail Metz"; };\n')
            f.write("modems = (\n")
            f.write(",\n".join(
                '  { name = "%s"; device = "%s"; driver = "auto";\n'
                '    rate_per_minute = 600; daily_limit = 1000;%s }'
                % m for m in self.modems))
            f.write("\n);\n")
            f.write('sending = { hours = "00:00-24:00"; days = "mon-sun";\n'
                    '  holidays = "none";\n'
                    '  retry = { max_attempts = 5; initial_backoff_s = 1;'
                    ' max_backoff_s = 2; }; };\n')
        self.conf = conf
        self.derr = os.path.join(self.box, ".gw", "smsmatchd.err")
        err = open(self.derr, "a")
        self.daemon = subprocess.Popen(
            [os.path.join(self.build, "smsmatchd"), "-c", conf, "-f"],
            cwd=self.box, env=self.env, stdin=subprocess.DEVNULL,
            stdout=err, stderr=err)
        self.procs.append(self.daemon)

        def ready():
            t = open(self.derr, encoding="utf-8", errors="replace").read()
            return len(re.findall(r": ready \(", t)) >= len(self.modems)

        self.wait_for("smsmatchd starts and its modems are ready", ready, 60,
                      self.daemon)
        # `smsmatch` without -c reads this configuration, as it reads
        # /etc/smsmatch/smsmatch.conf on a box
        fn = ('smsmatch() { case " $* " in *" -c "*) command smsmatch "$@";;'
              ' *) command smsmatch -c %s "$@";; esac; }'
              % shlex.quote(conf))
        rc, out = self.sh.run(fn)
        if rc != 0:
            raise GuideError("cannot define smsmatch(): %s" % out)
        self.say("  gateway: smsmatchd running on %s with %d modem(s)"
                 % (a[0], len(self.modems)))

    def d_stop_gateway(self, where, args):
        if not self.daemon:
            raise GuideError("%s: stop-gateway without gateway" % where)
        self.daemon.terminate()
        try:
            rc = self.daemon.wait(timeout=40)
        except subprocess.TimeoutExpired:
            raise GuideError("smsmatchd still running 40 s after SIGTERM")
        if rc != 0:
            raise GuideError("smsmatchd exited with status %d" % rc)
        self.daemon = None
        self.say("  gateway: smsmatchd stopped")

    def d_run(self, where, args):
        rc, out = self.sh.run(self.expand(self.to_box(args)))
        if rc != 0:
            raise GuideError("%s: harness command failed (exit %s): %s\n  %s"
                             % (where, rc, args, "\n  ".join(out)))

    # -- the walk

    def step(self, where, cmd, want, fails, until):
        lines = cmd.split("\n")
        brief = lines[0] + (" [+%d lines]" % (len(lines) - 1)
                            if len(lines) > 1 else "")
        shown = cmd.replace("\n", "\n    ")
        deadline = time.monotonic() + (until or 0)
        while True:
            rc, got = self.sh.run(self.to_box(cmd))
            got = self.from_box(got)
            if rc is None:
                return ("FAIL %s: no end within %d s: $ %s\n  %s"
                        % (where, CMD_TIMEOUT, shown, "\n  ".join(got)))
            bad = None
            if fails and rc == 0:
                bad = "exit 0, the guide shows a failure"
            elif not fails and rc != 0:
                bad = "exit %d" % rc
            elif want is not None and not matches(norm(want), norm(got)):
                bad = "output differs from the guide"
            if self.args.print:
                if until and time.monotonic() < deadline and \
                        norm(got) != getattr(self, "_last", None):
                    self._last = norm(got)
                    time.sleep(3)
                    continue
                self.say("$ %s\n%s" % (shown, "\n".join(norm(got))) +
                         ("\n[exit %d]" % rc if rc else ""))
                self.settle(cmd)
                return None
            if not bad:
                self.say("ok: $ %s" % brief)
                self.settle(cmd)
                return None
            if until and time.monotonic() < deadline:
                time.sleep(0.5)
                continue
            msg = "FAIL %s (%s): $ %s\n" % (where, bad, shown)
            if want is not None:
                msg += "  the guide shows:\n    " + "\n    ".join(want) + "\n"
            msg += "  it printed:\n    " + "\n    ".join(norm(got))
            return msg

    def settle(self, cmd):
        """After a simulator started in the background, wait for its
        link, as a person would before typing on."""
        m = re.search(r"--link\s+(\S+)", cmd)
        if cmd.rstrip().endswith("&") and m:
            link = self.to_box(m.group(1))
            if not os.path.isabs(link):
                link = os.path.join(self.box, link)
            self.wait_for("the simulator's link %s appears" % m.group(1),
                          lambda: os.path.exists(link), 20)

    def walk(self):
        items = parse(self.guide)
        pending = {}
        for kind, line, *rest in items:
            where = "%s:%d" % (os.path.relpath(self.guide, self.src), line)
            if kind == "directive":
                word, args = rest
                if word in ("skip", "fails", "until"):
                    if word == "skip" and not args:
                        raise GuideError("%s: skip needs a reason" % where)
                    pending[word] = args or True
                    continue
                fn = getattr(self, "d_" + word.replace("-", "_"), None)
                if fn is None:
                    raise GuideError("%s: unknown directive %r" % (where, word))
                fn(where, args)
                continue
            lang, body = rest
            if lang not in WALKED:
                if pending:
                    raise GuideError("%s: %s before a ```%s block, which is "
                                     "never run" % (where, "/".join(pending),
                                                    lang))
                continue
            steps = steps_of(lang, body, where)
            if not steps:
                raise GuideError("%s: a ```%s block with no command"
                                 % (where, lang))
            if "skip" in pending:
                self.skipped += len(steps)
                self.skips.append((where, pending["skip"], len(steps)))
                self.say("skip: %s: %d command(s): %s"
                         % (where, len(steps), pending["skip"]))
                pending = {}
                continue
            until = float(pending["until"]) if "until" in pending else 0
            for cmd, want in steps:
                err = self.step(where, cmd, want, "fails" in pending, until)
                if err:
                    self.say(err)
                    return False
                self.ran += 1
            pending = {}
        if pending:
            raise GuideError("%s: %s at the end of the guide"
                             % (self.guide, "/".join(pending)))
        return True

    def close(self, ok):
        """Stop what the walk started; False when the daemon did not exit
        cleanly or a sanitizer reported something in a harness process's
        stderr (what the session's commands print is compared already)."""
        self.sh.close()
        if self.daemon and self.daemon.poll() is None:
            self.daemon.terminate()
            try:
                rc = self.daemon.wait(timeout=40)
            except subprocess.TimeoutExpired:
                rc = "still running 40 s after SIGTERM"
            if rc != 0:
                self.say("FAIL %s: smsmatchd at the end: exit %s"
                         % (self.guide, rc))
                ok = False
        for p in self.procs:
            if p.poll() is None:
                p.terminate()
        for p in self.procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        self.logf.close()
        gw = os.path.join(self.box, ".gw")
        errs = [os.path.join(gw, "smsmatchd.err")]
        d = os.path.join(gw, "dev")
        if os.path.isdir(d):
            errs += [os.path.join(d, f) for f in sorted(os.listdir(d))
                     if f.endswith(".err")]
        san = re.compile(r"runtime error|ERROR: (Address|Leak|Undefined)")
        for e in errs:
            if not os.path.exists(e):
                continue
            text = open(e, encoding="utf-8", errors="replace").read()
            if san.search(text):
                self.say("FAIL %s: sanitizer report in %s:\n%s"
                         % (self.guide, os.path.basename(e), text[-3000:]))
                ok = False
        if not ok and os.path.exists(errs[0]):
            self.say("--- last lines of smsmatchd's stderr")
            with open(errs[0], encoding="utf-8", errors="replace") as f:
                self.say("".join(f.readlines()[-20:]).rstrip())
        if self.args.keep:
            self.say("kept %s" % self.box)
        else:
            shutil.rmtree(self.box, ignore_errors=True)
        return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", required=True)
    ap.add_argument("--src", required=True)
    ap.add_argument("--keep", action="store_true",
                    help="keep each sandbox (session.log, daemon log)")
    ap.add_argument("--print", action="store_true",
                    help="for writers: print what each command printed, "
                    "as a guide shows it, and go on whatever it printed")
    ap.add_argument("--list", action="store_true",
                    help="only parse: print each walked step")
    ap.add_argument("guides", nargs="+")
    args = ap.parse_args()
    failed = []
    total_ran = total_skipped = 0
    for g in args.guides:
        name = os.path.relpath(g, args.src)
        if args.list:
            try:
                items = parse(g)
            except GuideError as e:
                print("FAIL %s" % e)
                failed.append(name)
                continue
            for kind, line, *rest in items:
                if kind == "block" and rest[0] in WALKED:
                    for cmd, _ in steps_of(rest[0], rest[1], name):
                        print("%s:%d: $ %s" % (name, line, cmd))
                elif kind == "directive":
                    print("%s:%d: <!-- guidewalk: %s %s -->"
                          % (name, line, rest[0], rest[1]))
            continue
        print("=== %s" % name)
        sys.stdout.flush()
        t0 = time.monotonic()
        w = None
        ok = False
        try:
            w = Walk(g, args, sys.stdout)
            ok = w.walk()
        except GuideError as e:
            print("FAIL %s" % e)
        finally:
            if w:
                ok = w.close(ok)
        if w:
            total_ran += w.ran
            total_skipped += w.skipped
        print("%s %s: %d command(s) run, %d skipped (%d block(s)) [%.1fs]"
              % ("ok" if ok else "FAIL", name, w.ran if w else 0,
                 w.skipped if w else 0, len(w.skips) if w else 0,
                 time.monotonic() - t0))
        if not ok:
            failed.append(name)
    if args.list:
        return 1 if failed else 0
    print("guides: %d walked, %d failed%s; %d commands run, %d skipped"
          % (len(args.guides), len(failed),
             (" (" + ", ".join(failed) + ")") if failed else "",
             total_ran, total_skipped))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
