#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# gen_candidates.py - write a candidates CSV as an agency exports it, for
# the import benchmark and tests:
#   gen_candidates.py ROWS [--bad-every N] [--cp1252] [--comma] > file.csv
# Row i (0-based) has the mobile 06 or 07 followed by i on 8 digits, so
# numbers are unique; with --bad-every N every Nth row (i % N == N - 1)
# carries a landline (odd ones) or a number too short (even ones) instead,
# e.g. --bad-every 20 makes 5 % of the rows invalid.  Default: UTF-8 with a
# BOM, ';', CRLF (Excel "CSV UTF-8").
import argparse
import random
import sys

FIRST = ["Zoé", "François", "Awa", "Jérôme", "Hélène", "Noël", "Inès",
         "Mohamed", "Léa", "Cédric", "Maëlle", "Kévin", "Chloé", "Loïc"]
LAST = ["Martin", "Lefèvre", "Diallo", "Müller", "N'Diaye", "Nguyen",
        "Da Silva", "Bœuf", "Petit", "Garçon", "Schmitt", "Öztürk"]
CITY = [("57000", "Metz"), ("57100", "Thionville"), ("54000", "Nancy"),
        ("57050", "Le Ban-Saint-Martin"), ("57200", "Sarreguemines")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("rows", type=int)
    ap.add_argument("--bad-every", type=int, default=0)
    ap.add_argument("--cp1252", action="store_true")
    ap.add_argument("--comma", action="store_true")
    a = ap.parse_args()
    sep = "," if a.comma else ";"
    rnd = random.Random(42)
    out = ["\ufeff" if not a.cp1252 else ""]
    out.append(sep.join(["Identifiant", "Prénom", "Nom", "Téléphone",
                         "Code postal", "Commune", "Date de naissance",
                         "Niveau"]) + "\r\n")
    for i in range(a.rows):
        cp, city = CITY[i % len(CITY)]
        phone = "0%d %02d %02d %02d %02d" % (
            6 + i % 2, i // 1000000 % 100, i // 10000 % 100,
            i // 100 % 100, i % 100)
        if a.bad_every and i % a.bad_every == a.bad_every - 1:
            bad = i // a.bad_every
            phone = "03 87 %02d %02d %02d" % (bad // 10000 % 100,
                                              bad // 100 % 100, bad % 100) \
                if bad % 2 else "12 34"
        last = rnd.choice(LAST)
        if sep == "," or '"' in last:
            last = '"' + last.replace('"', '""') + '"'
        out.append(sep.join([
            "DE%07d" % i, rnd.choice(FIRST), last, phone, cp, city,
            "%02d/%02d/%d" % (1 + i % 28, 1 + i % 12, 1960 + i % 45),
            '"CAP, BEP"' if i % 3 == 0 else "Bac"]) + "\r\n")
    data = "".join(out)
    sys.stdout.buffer.write(data.encode("cp1252" if a.cp1252 else "utf-8"))


if __name__ == "__main__":
    main()
