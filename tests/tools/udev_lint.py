#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""udev_lint.py - check udev rules files the way udev(7) reads them.

udevadm of Debian 12 (systemd 252) has no `verify`, so this checks what
udev would reject or silently ignore: the KEY{attr}OP"value" syntax,
known keys, match operators on match keys and assignments on assignment
keys, balanced quotes, GOTO targets that exist.  Errors name file and line.

--simulate KEY=VALUE... plays the rules for one device the way udev would
(matches with | alternatives and globs, assignments, GOTO, $env{X}) and
prints what they set: SYMLINK, GROUP, MODE, RUN and the ENV properties.
KEYs are udev's: ACTION, SUBSYSTEM, SUBSYSTEMS (comma-separated parents),
KERNEL, and properties (ID_VENDOR_ID=2c7c ID_USB_INTERFACE_NUM=02 ...).
"""
import fnmatch
import re
import sys

MATCH_KEYS = {"ACTION", "DEVPATH", "KERNEL", "KERNELS", "NAME", "SYMLINK",
              "SUBSYSTEM", "SUBSYSTEMS", "DRIVER", "DRIVERS", "ATTR",
              "ATTRS", "SYSCTL", "ENV", "CONST", "TAG", "TAGS", "TEST",
              "PROGRAM", "RESULT"}
ASSIGN_KEYS = {"NAME", "SYMLINK", "OWNER", "GROUP", "MODE", "SECLABEL",
               "ATTR", "SYSCTL", "ENV", "TAG", "RUN", "LABEL", "GOTO",
               "IMPORT", "OPTIONS"}
TOKEN = re.compile(r'\s*([A-Z]+)(\{[^}]*\})?\s*(==|!=|\+=|-=|:=|=)\s*'
                   r'"((?:[^"\\]|\\.)*)"\s*(,|$)')


def lint(path):
    errors = []
    labels, gotos = set(), []
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        lineno = i + 1
        line = lines[i]
        while line.endswith("\\") and i + 1 < len(lines):
            i += 1
            line = line[:-1] + lines[i]
        i += 1
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        pos = 0
        while pos < len(s):
            m = TOKEN.match(s, pos)
            if not m:
                errors.append(f"{path}:{lineno}: cannot parse at "
                              f"'{s[pos:pos + 30]}'")
                break
            key, attr, op, value = m.group(1), m.group(2), m.group(3), \
                m.group(4)
            if op in ("==", "!="):
                if key not in MATCH_KEYS:
                    errors.append(f"{path}:{lineno}: {key} cannot be "
                                  f"matched")
            elif key not in ASSIGN_KEYS:
                errors.append(f"{path}:{lineno}: {key} cannot be assigned")
            if key in ("ATTR", "ATTRS", "ENV", "IMPORT") and not attr:
                errors.append(f"{path}:{lineno}: {key} needs {{...}}")
            if key == "LABEL":
                labels.add(value)
            if key == "GOTO":
                gotos.append((lineno, value))
            pos = m.end()
    for lineno, target in gotos:
        if target not in labels:
            errors.append(f"{path}:{lineno}: GOTO to missing LABEL "
                          f"'{target}'")
    return errors


def tokens(path):
    """(lineno, [(key, attr, op, value), ...]) of each rule, lint-clean."""
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f.read().split("\n"), 1):
            s, pos, toks = line.strip(), 0, []
            if not s or s.startswith("#"):
                continue
            while pos < len(s):
                m = TOKEN.match(s, pos)
                toks.append((m.group(1), (m.group(2) or "")[1:-1],
                             m.group(3), m.group(4)))
                pos = m.end()
            yield lineno, toks


def matches(pattern, value):
    return any(fnmatch.fnmatchcase(value, p) for p in pattern.split("|"))


def simulate(paths, dev):
    env = {k: v for k, v in dev.items() if k not in
           ("ACTION", "SUBSYSTEM", "SUBSYSTEMS", "KERNEL")}
    out = {"SYMLINK": [], "RUN": []}
    subst = lambda v: re.sub(r"\$env\{([^}]*)\}",
                             lambda m: env.get(m.group(1), ""), v)
    for path in paths:
        rules = list(tokens(path))
        i = 0
        while i < len(rules):
            _, toks = rules[i]
            i += 1
            ok = True
            for key, attr, op, value in toks:
                if op not in ("==", "!="):
                    continue
                if key == "ENV":
                    have = [env.get(attr, "")]
                elif key == "SUBSYSTEMS":
                    have = dev.get("SUBSYSTEMS", "").split(",")
                else:
                    have = [dev.get(key, "")]
                hit = any(matches(value, h) for h in have)
                if hit != (op == "=="):
                    ok = False
                    break
            if not ok:
                continue
            for key, attr, op, value in toks:
                if op in ("==", "!=") or key in ("IMPORT", "LABEL"):
                    continue
                if key == "GOTO":
                    i = next(n for n, (_, t) in enumerate(rules)
                             if ("LABEL", "", "=", value) in t)
                elif key == "ENV":
                    env[attr] = subst(value)
                elif key in ("SYMLINK", "RUN"):
                    if op == "=":
                        out[key] = []
                    out[key].append(subst(value))
                else:
                    out[key] = subst(value)
    for k in sorted(out):
        v = out[k]
        for item in (v if isinstance(v, list) else [v]):
            print("%s=%s" % (k, item))
    for k in sorted(env):
        if k not in dev:
            print("ENV{%s}=%s" % (k, env[k]))
    return 0


def main():
    errors = []
    if "--simulate" in sys.argv:
        at = sys.argv.index("--simulate")
        paths = sys.argv[1:at]
        dev = dict(a.split("=", 1) for a in sys.argv[at + 1:])
        for path in paths:
            errors += lint(path)
        if errors:
            print("\n".join(errors), file=sys.stderr)
            return 1
        return simulate(paths, dev)
    for path in sys.argv[1:]:
        errors += lint(path)
    for e in errors:
        print(e, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
