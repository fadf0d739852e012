# SPDX-License-Identifier: GPL-2.0-or-later
#
# campaign50.py - the candidates of tests/integration/campaign_50.sh: from
# the table of profiles the test passes on stdin, write the agency's CSV,
# the simulators' script (who answers what) and the expectations; then
# check the shortlist (JSON) and the simulators' logs against them.
#
#   campaign50.py gen DIR < profiles      writes DIR/a.csv, DIR/cand.script,
#                                         DIR/expect.json
#   campaign50.py check DIR SHORTLIST.json SIMLOG.jsonl...
#   campaign50.py count SIMLOG... -- NUMBER PATTERN   messages to NUMBER
#                                         whose text matches PATTERN
#
# A profile line: "name count status group answers..." where each answer
# is "criterion=value:reply text" (the reply to that question; value "-"
# when the criterion must stay unanswered), "@lateN" (the Nth question is
# answered only after the reminder), "@silent" (never answers).  Replies
# come DELAY (environment, default 1s) after the question.  Each candidate's replies are
# made unique (a suffix per candidate): the same text from the same
# number in the same second is one SMS to the deduplication.
import json
import os
import re
import sys

# The questions of conf/scripts/aide-soignant.conf, by criterion: a
# pattern of their message for the simulators' script.
QUESTIONS = {
    "consent": "formation aide-soignant peut",
    "interest": "Cela vous intéresse",
    "available": "Serez-vous disponible",
    "transport": "Comment iriez-vous",
    "childcare": "enfants à faire garder",
    "prerequisites": "vaccins sont-ils",
    "selection_test": "passe par une sélection",
    "motivation": "Dernière question",
}
REMINDER = "nous attendons votre réponse"
GROUPS = {"compatible": 1, "conditional": 2, "incomplete": 3,
          "not_met": 4, "declined": 4, "opted_out": 4, "no_answer": 4}


def parse_profiles(lines):
    profiles = []
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, count, status, rest = line.split(None, 3)
        answers, late, silent = [], 0, False
        for part in re.findall(r'(@\w+|\w+=[\w-]+:"[^"]*")', rest):
            if part.startswith("@late"):
                late = int(part[5:])
            elif part == "@silent":
                silent = True
            else:
                crit, tail = part.split("=", 1)
                value, text = tail.split(":", 1)
                answers.append((crit, value, text.strip('"')))
        profiles.append({"name": name, "count": int(count),
                         "status": status, "answers": answers,
                         "late": late, "silent": silent})
    return profiles


def gen(d):
    profiles = parse_profiles(sys.stdin)
    delay = os.environ.get("DELAY", "1s")
    cands, n = [], 0
    with open(f"{d}/a.csv", "w", encoding="utf-8") as csv, \
            open(f"{d}/cand.script", "w", encoding="utf-8") as sc:
        csv.write("identifiant;prénom;nom;téléphone;commune\n")
        sc.write("# number  delay  pattern  reply\n")
        for p in profiles:
            for k in range(p["count"]):
                n += 1
                phone = f"+336112{n:05d}"
                first, last = f"{p['name'].capitalize()}{k + 1}", f"Nom{n:02d}"
                csv.write(f"A{n};{first};{last};{phone};Metz\n")
                crit = {}
                texts = [t for _, _, t in p["answers"] if t]
                # one SMS to the deduplication (same text, same second)
                assert len(set(texts)) == len(texts), \
                    f"{p['name']}: a reply given twice"
                for i, (c, value, text) in enumerate(p["answers"]):
                    if value == "-" and not text:
                        continue
                    # unique per candidate and per question
                    reply = text.replace("{n}", str(n))
                    pattern = QUESTIONS[c]
                    if p["late"] == i + 1:
                        # that question goes unanswered: the reminder
                        # gets the answer
                        pattern = REMINDER
                    reply = reply.replace('"', "'")
                    sc.write(f'{phone} {delay} "{pattern}" "{reply}"\n')
                    if value != "-":
                        crit[c] = {"value": value, "raw": reply}
                cands.append({"phone": phone, "first_name": first,
                              "last_name": last, "profile": p["name"],
                              "status": p["status"],
                              "group": GROUPS[p["status"]],
                              "late": p["late"], "silent": p["silent"],
                              "criteria": crit})
    json.dump(cands, open(f"{d}/expect.json", "w"), ensure_ascii=False,
              indent=1)
    print(len(cands))


def count(args):
    sep = args.index("--")
    logs, (number, pattern) = args[:sep], args[sep + 1:]
    rx = re.compile(pattern, re.I)
    k = 0
    for log in logs:
        for line in open(log, encoding="utf-8"):
            m = json.loads(line)
            if m.get("to") == number and rx.search(m.get("text", "")):
                k += 1
    print(k)


def check(d, shortlist, logs):
    exp = json.load(open(f"{d}/expect.json"))
    sl = json.load(open(shortlist))
    by = {c["phone"]: c for c in sl["candidates"]}
    errors = []
    # Rank: the expected group's range of ranks, and within a group the
    # order of the first replies (then names), as the advisor's guide says.
    sizes = {}
    for e in exp:
        sizes[e["group"]] = sizes.get(e["group"], 0) + 1
    lo, rng = 1, {}
    for g in sorted(sizes):
        rng[g] = (lo, lo + sizes[g] - 1)
        lo += sizes[g]
    out = {}
    for log in logs:
        for line in open(log, encoding="utf-8"):
            m = json.loads(line)
            out.setdefault(m["to"], []).append(m["text"])
    for e in exp:
        c = by.get(e["phone"])
        who = f"{e['profile']} {e['phone']}"
        if c is None:
            errors.append(f"{who}: not in the shortlist")
            continue
        if c["status"] != e["status"]:
            errors.append(f"{who}: status {c['status']}, "
                          f"want {e['status']}")
        a, b = rng[e["group"]]
        if not a <= c["rank"] <= b:
            errors.append(f"{who}: rank {c['rank']}, want {a}..{b}")
        for crit, want in e["criteria"].items():
            got = c["criteria"].get(crit)
            if got is None:
                errors.append(f"{who}: {crit} missing")
                continue
            # free text: the value is the whole of the words
            wv = want["raw"] if want["value"] == "text" else want["value"]
            if got["value"] != wv:
                errors.append(f"{who}: {crit} = {got['value']!r}, "
                              f"want {wv!r}")
            if got["raw"] != want["raw"]:
                errors.append(f"{who}: {crit} raw {got['raw']!r}, "
                              f"want {want['raw']!r}")
        extra = set(c["criteria"]) - set(e["criteria"])
        if extra:
            errors.append(f"{who}: unexpected criteria {sorted(extra)}")
        # The reminder: once to the late and the silent, never to others.
        rem = sum(1 for t in out.get(e["phone"], []) if REMINDER in t)
        want_rem = 1 if e["late"] or e["silent"] else 0
        if rem != want_rem:
            errors.append(f"{who}: {rem} reminder(s), want {want_rem}")
    ranks = sorted(c["rank"] for c in sl["candidates"])
    if ranks != list(range(1, len(exp) + 1)):
        errors.append(f"ranks are not 1..{len(exp)}: {ranks}")
    for e in errors:
        print("  " + e, file=sys.stderr)
    if errors:
        sys.exit(1)
    table = {}
    for e in exp:
        c = by[e["phone"]]
        t = table.setdefault(e["profile"], [e["status"], 0, []])
        t[1] += 1
        t[2].append(c["rank"])
    for name, (status, k, ranks) in table.items():
        print(f"  {name:<12} {k:>2} x {status:<11} ranks "
              f"{min(ranks)}..{max(ranks)}")


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(sys.argv[2])
    elif sys.argv[1] == "count":
        count(sys.argv[2:])
    else:
        check(sys.argv[2], sys.argv[3], sys.argv[4:])
