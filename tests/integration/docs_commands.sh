#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# docs_commands.sh - the "Technician quick start" of README.md, run as a
# new user would: every "$ command" line of its fenced blocks, in order,
# in one shell, against a simulator.  Fails when a command exits non-zero
# or prints something else than the README shows (digits are compared as
# "a number", since IMEIs, message references and times vary; /tmp/ is
# moved into a private directory, $PWD/build is $BUILD).
set -u
BUILD=${BUILD:?}
SRCDIR=${SRCDIR:-.}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

python3 - "$SRCDIR/README.md" "$BUILD" "$T" <<'PY'
import os, re, subprocess, sys

readme, build, tmp = sys.argv[1:4]
text = open(readme, encoding="utf-8").read()
m = re.search(r"^## Technician quick start\n(.*?)^## ", text, re.M | re.S)
assert m, "README.md has no '## Technician quick start' section"
section = m.group(1)

# (command, expected output lines) in order
steps = []
for block in re.findall(r"^```\n(.*?)^```", section, re.M | re.S):
    for line in block.splitlines():
        if line.startswith("$ "):
            steps.append([line[2:], []])
        else:
            assert steps, "output before any command: %r" % line
            steps[-1][1].append(line)
assert len(steps) >= 10, "only %d commands found" % len(steps)
for want in ("smsmatch modem probe", "smsmatch modem send",
             "smsmatch modem listen", "smsmatch pdu decode",
             "smsmatch pdu encode"):
    assert any(c.startswith(want) for c, _ in steps), "no '%s'" % want

def local(s):
    return s.replace("$PWD/build", build).replace("/tmp/", tmp + "/")

# one shell, markers around each command
script = ["set -u", "cd %s" % tmp]
for i, (cmd, _) in enumerate(steps):
    script.append("echo '@@@ begin %d'" % i)
    script.append(local(cmd) + (" 2>&1" if not cmd.endswith("&") else ""))
    script.append("echo \"@@@ end %d $?\"" % i)
    link = re.search(r"--link (\S+)", cmd)
    if cmd.endswith("&") and link:
        # wait for the simulator, as a person would before typing on
        script.append("for _ in $(seq 100); do [ -e %s ] && break; "
                      "sleep 0.05; done" % local(link.group(1)))
script.append("kill %% 2>/dev/null; wait")
env = dict(os.environ, PATH=os.environ["PATH"])
p = subprocess.run(["bash", "-c", "\n".join(script)], env=env,
                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                   timeout=120)
out = p.stdout.decode("utf-8", "replace")

def norm(lines):
    r = []
    for l in lines:
        l = l.replace(tmp + "/", "/tmp/")
        l = re.sub(r"[0-9]+", "N", l).rstrip()
        r.append(l)
    while r and r[-1] == "":
        r.pop()
    return r

bad = 0
for i, (cmd, want) in enumerate(steps):
    mm = re.search(r"^@@@ begin %d\n(.*?)^@@@ end %d (\d+)$" % (i, i), out,
                   re.M | re.S)
    if not mm:
        print("FAIL: no result for: $ %s\n%s" % (cmd, out))
        sys.exit(1)
    got, rc = mm.group(1).splitlines(), int(mm.group(2))
    if rc != 0:
        print("FAIL (exit %d): $ %s\n  %s" % (rc, cmd, "\n  ".join(got)))
        bad += 1
    elif norm(got) != norm(want):
        print("FAIL (output differs from README): $ %s" % cmd)
        print("  README:\n    " + "\n    ".join(want))
        print("  now:\n    " + "\n    ".join(got))
        bad += 1
    else:
        print("ok: $ %s" % cmd)
if bad:
    sys.exit(1)
print("all %d README quick-start commands work as shown" % len(steps))
PY
