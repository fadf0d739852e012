#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""udev_lint.py - check udev rules files the way udev(7) reads them.

udevadm of Debian 12 (systemd 252) has no `verify`, so this checks what
udev would reject or silently ignore: the KEY{attr}OP"value" syntax,
known keys, match operators on match keys and assignments on assignment
keys, balanced quotes, GOTO targets that exist.  Errors name file and line.
"""
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


def main():
    errors = []
    for path in sys.argv[1:]:
        errors += lint(path)
    for e in errors:
        print(e, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
