#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# dtcheck.py - test data and checkers for the smsmatchd integration tests
# (tests/integration/daemon_*.sh).
#
#   dtcheck.py gen-out N SEED            N outbound "NUMBER<TAB>TEXT" lines:
#       short GSM 7-bit, accented UCS-2 and long multipart texts, several per
#       recipient, each text carrying "<recipient-seq>" and a sequence number
#   dtcheck.py gen-in N SEED             N inbound "NUMBER<TAB>TEXT" lines
#       (single and multipart, GSM 7-bit and UCS-2)
#   dtcheck.py outbound IDS DB LOG... [options]
#       IDS: "ID<TAB>NUMBER<TAB>TEXT" lines (what `smsmatch send` queued),
#       or {"id", "to", "text"} JSON lines for texts with tabs or newlines;
#       DB: the SQLite database; LOG: the simulators' JSON logs.  Checks
#       every message arrived exactly once, whole (all parts on one modem,
#       nothing "incomplete"), per-recipient order, and the outbox agrees
#       (state sent/delivered, same modem, every part sent).  Options:
#         --unconfirmed-ok   an unconfirmed message may have arrived once or
#                            not at all; a message queued behind it (same
#                            recipient) may not have arrived yet
#         --max-unconfirmed N
#         --extra-ok NUMBER  messages to NUMBER not in IDS are fine
#         --summary FILE     write {"per_modem": .., "unconfirmed": [..]}
#   dtcheck.py inbound EXPECTED INBOX_JSON [--stop NUMBER...]
#       EXPECTED: "NUMBER<TAB>TEXT" lines injected; INBOX_JSON: the output of
#       `smsmatch inbox --all --json`.  Each stored exactly once, with the
#       right sender, text and part count.
#   dtcheck.py settled DB [KIND...]      exit 0 when nothing is claimed and
#       every queued message waits behind an unconfirmed one to the same
#       recipient (per-recipient FIFO) or is of a KIND held by the sending
#       window: the daemon has nothing left to do
#   dtcheck.py enqueue DB KIND NUMBER TEXT NPARTS
#       queue a message of a KIND the CLI cannot queue yet (first_contact,
#       reminder: the campaign engine's), as sm_store_enqueue() does;
#       prints its id
#   dtcheck.py hours                     a one-hour sending window that
#       excludes the present hour in Europe/Paris, "HH:00-HH:00"
#   dtcheck.py db DB SQL                 print the rows of a SELECT (TSV)
#
# Exits 1 with one "FAIL: ..." line per problem (at most 20 shown).
import json
import os
import random
import sqlite3
import sys
import time

GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM_EXT = set("^{}\\[~]|€\f")

problems = []


def problem(msg):
    problems.append(msg)


def finish(what):
    if problems:
        for p in problems[:20]:
            print("FAIL:", p)
        if len(problems) > 20:
            print(f"FAIL: ... and {len(problems) - 20} more")
        return 1
    print(f"ok: {what}")
    return 0


def sms_parts(text):
    """Parts 23.040/23.038 needs for TEXT (GSM 7-bit if it fits)."""
    if all(c in GSM_BASIC or c in GSM_EXT for c in text):
        n = sum(2 if c in GSM_EXT else 1 for c in text)
        return 1 if n <= 160 else -(-n // 153)
    n = sum(2 if ord(c) > 0xFFFF else 1 for c in text)
    return 1 if n <= 70 else -(-n // 67)


WORDS = ("formation cariste", "atelier CV", "job dating", "permis CACES",
         "salon de l'emploi", "entretien", "informations collectives")
ACCENTED = ("Réunion « {w} » : êtes-vous intéressé·e ? Répondez OUI ou NON",
            "Ça commence lundi à 9h, rendez-vous à l'agence — {w}",
            "Vous êtes inscrit·e à « {w} » : n'oubliez pas votre pièce "
            "d'identité, c'est très important. Bonne journée à vous !")


def gen_out(n, seed):
    rnd = random.Random(seed)
    nrecip = max(1, n // 8)
    seq = {}
    for i in range(n):
        r = rnd.randrange(nrecip)
        to = "+3361200%04d" % r
        seq[to] = seq.get(to, 0) + 1
        tag = f"<{r}-{seq[to]}>"
        w = rnd.choice(WORDS)
        kind = rnd.random()
        if kind < 0.55:
            text = f"RDV {tag} {w} mardi 10h, salle 2 [{i}]"
        elif kind < 0.8:
            text = rnd.choice(ACCENTED).format(w=w) + f" {tag}"
        elif kind < 0.92:
            text = (f"{tag} Bonjour, suite a votre inscription a la session "
                    f"{w}, nous vous proposons un rendez-vous. " * 3)[:150 +
                    rnd.randrange(300)] + f" {tag}"
        else:
            text = (f"{tag} Bonjour, la session « {w} » débute bientôt : "
                    f"êtes-vous toujours intéressé·e ? " * 4)[:80 +
                    rnd.randrange(150)] + f" {tag}"
        print(f"{to}\t{text}")


def gen_in(n, seed):
    rnd = random.Random(seed)
    for i in range(n):
        frm = "+3367800%04d" % rnd.randrange(max(1, n // 4))
        kind = rnd.random()
        if kind < 0.45:
            text = f"oui ok pour moi ({i})"
        elif kind < 0.7:
            text = f"D’accord, ça me va très bien, à lundi ! ({i})"
        elif kind < 0.85:
            text = (f"({i}) bonjour, je suis interesse mais je n'ai pas de "
                    "voiture, est-ce qu'il y a un bus ou du covoiturage "
                    "possible depuis la gare ? sinon je peux venir a velo "
                    "mais il faut que je parte tot. merci beaucoup") + \
                f" ({i})"
        else:
            text = (f"({i}) Bonjour, je suis très intéressée par la "
                    "formation mais je dois faire garder mes enfants, "
                    "est-ce possible ? Je peux être là à 9h ; c’est "
                    "bien ça ?") + f" ({i})"
        print(f"{frm}\t{text}")


def read_tsv(path, ncols):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line:
                rows.append(line.split("\t", ncols - 1))
    return rows


def read_logs(paths):
    recs = []
    for p in paths:
        try:
            with open(p, encoding="utf-8") as f:
                for line in f:
                    if line.strip():
                        recs.append(json.loads(line))
        except FileNotFoundError:
            pass
    return recs


def outbound(args):
    ids_path, db_path = args[0], args[1]
    logs, opts, extra_ok = [], {}, set()
    i = 2
    while i < len(args):
        a = args[i]
        if a == "--unconfirmed-ok":
            opts["unconfirmed_ok"] = True
        elif a in ("--max-unconfirmed", "--summary", "--extra-ok"):
            i += 1
            if a == "--extra-ok":
                extra_ok.add(args[i])
            else:
                opts[a[2:]] = args[i]
        else:
            logs.append(a)
        i += 1
    sent = []
    with open(ids_path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("{"):  # a text with tabs or newlines
                j = json.loads(line)
                sent.append((str(j["id"]), j["to"], j["text"]))
            elif line.strip():
                sent.append(tuple(line.rstrip("\n").split("\t", 2)))
    recs = read_logs(logs)
    db = sqlite3.connect(db_path, timeout=30)
    rows = {r[0]: r[1:] for r in db.execute(
        "SELECT id, state, modem, nparts, recipient, text FROM outbox")}
    parts = {}
    for mid, st, modem in db.execute(
            "SELECT msg_id, state, modem FROM outbox_parts"):
        parts.setdefault(mid, []).append((st, modem))

    by_key = {}
    for r in recs:
        if r.get("incomplete"):
            problem(f"incomplete message on {r['modem']} to {r['to']}: "
                    f"{r['text'][:40]!r} ({r['parts']} parts)")
            continue
        by_key.setdefault((r["to"], r["text"]), []).append(r)

    expected = set()
    unconfirmed = []
    blocked = set()  # recipients with an unconfirmed message before
    per_modem = {}
    last_time = {}
    for sid, to, text in sent:
        mid = int(sid)
        expected.add((to, text))
        got = by_key.get((to, text), [])
        row = rows.get(mid)
        if row is None:
            problem(f"message {mid} not in the outbox")
            continue
        state, modem, nparts, recipient, dbtext = row
        if recipient != to or dbtext != text:
            problem(f"message {mid}: outbox holds {recipient} "
                    f"{dbtext[:30]!r}, queued {to} {text[:30]!r}")
        if state == "unconfirmed" and opts.get("unconfirmed_ok"):
            unconfirmed.append({"id": mid, "arrived": len(got)})
            blocked.add(to)
            if len(got) > 1:
                problem(f"unconfirmed message {mid} arrived {len(got)} "
                        "times: it was resent")
            continue
        if to in blocked and not got and state == "queued":
            continue  # FIFO: waits for the unconfirmed one before it
        if len(got) != 1:
            problem(f"message {mid} to {to} arrived {len(got)} times "
                    f"(state {state}): {text[:50]!r}")
            continue
        g = got[0]
        if state not in ("sent", "delivered"):
            problem(f"message {mid} arrived but its state is {state}")
        if modem != g["modem"]:
            problem(f"message {mid} sent by {g['modem']}, outbox says "
                    f"{modem}")
        if g["parts"] != nparts or g["parts"] != sms_parts(text):
            problem(f"message {mid}: {g['parts']} parts logged, outbox "
                    f"{nparts}, text needs {sms_parts(text)}")
        ps = parts.get(mid, [])
        if len(ps) != nparts or any(
                s not in ("sent", "pending", "delivered") or m != modem
                for s, m in ps):
            problem(f"message {mid}: parts journal {ps}")
        if g["time"] < last_time.get(to, ""):
            problem(f"message {mid} to {to} arrived before the message "
                    "queued before it")
        last_time[to] = g["time"]
        per_modem[g["modem"]] = per_modem.get(g["modem"], 0) + 1
    for (to, text), got in by_key.items():
        if (to, text) not in expected and to not in extra_ok:
            problem(f"unexpected message to {to} on {got[0]['modem']}: "
                    f"{text[:50]!r}")
    mx = opts.get("max-unconfirmed")
    if mx is not None and len(unconfirmed) > int(mx):
        problem(f"{len(unconfirmed)} unconfirmed messages, at most {mx} "
                "allowed")
    if "summary" in opts:
        with open(opts["summary"], "w") as f:
            json.dump({"per_modem": per_modem, "unconfirmed": unconfirmed},
                      f)
    nparts_total = sum(r["parts"] for r in recs if not r.get("incomplete"))
    return finish(f"{len(sent)} messages ({nparts_total} parts logged): "
                  f"each arrived once, whole, in order; per modem "
                  f"{dict(sorted(per_modem.items()))}; unconfirmed "
                  f"{[u['id'] for u in unconfirmed]}")


def inbound(args):
    exp = read_tsv(args[0], 2)
    with open(args[1], encoding="utf-8") as f:
        inbox = json.load(f)
    stops = set(args[3:]) if len(args) > 2 and args[2] == "--stop" else set()
    stored = {}
    for m in inbox:
        stored.setdefault((m["from"], m["text"]), []).append(m)
    want = {}
    for frm, text in exp:
        want[(frm, text)] = want.get((frm, text), 0) + 1
    for (frm, text), n in want.items():
        got = stored.get((frm, text), [])
        if len(got) != n:
            problem(f"SMS from {frm} stored {len(got)} times, injected {n}:"
                    f" {text[:50]!r}")
            continue
        for g in got:
            if g["incomplete"] or g["parts"] != sms_parts(text):
                problem(f"SMS from {frm}: {g['parts']} parts stored "
                        f"(incomplete {g['incomplete']}), text needs "
                        f"{sms_parts(text)}: {text[:40]!r}")
    for key, got in stored.items():
        if key not in want:
            problem(f"stored but never injected: from {key[0]} "
                    f"{key[1][:50]!r} ({len(got)}x)")
    multi = sum(n for (f_, t), n in want.items() if sms_parts(t) > 1)
    return finish(f"{len(exp)} inbound SMS ({multi} multipart) each stored "
                  f"once, whole, right sender and text")


def settled(args):
    db = sqlite3.connect(args[0], timeout=30)
    held = ",".join("'%s'" % k for k in args[1:]
                    if k.replace("_", "").isalpha()) or "''"
    n = db.execute(
        "SELECT count(*) FROM outbox o WHERE o.state = 'claimed' OR"
        " (o.state = 'queued' AND o.kind NOT IN (%s) AND NOT EXISTS"
        "  (SELECT 1 FROM outbox u WHERE u.recipient = o.recipient AND"
        "  u.id < o.id AND u.state = 'unconfirmed'))" % held).fetchone()[0]
    return 0 if n == 0 else 1


def enqueue(args):
    db_path, kind, number, text, nparts = args
    now = int(time.time())
    db = sqlite3.connect(db_path, timeout=30)
    with db:
        cur = db.execute(
            "INSERT INTO outbox (recipient, text, kind, flags, priority,"
            " state, not_before, expires_at, nparts, created_at)"
            " VALUES (?, ?, ?, 0, 0, 'queued', ?, 0, ?, ?)",
            (number, text, kind, now, int(nparts), now))
    print(cur.lastrowid)
    return 0


def hours():
    os.environ["TZ"] = "Europe/Paris"
    time.tzset()
    h = (time.localtime().tm_hour + 2) % 24
    print("%02d:00-%02d:00" % (h, h + 1))
    return 0


def db_query(args):
    db = sqlite3.connect(args[0], timeout=30)
    for row in db.execute(args[1]):
        print("\t".join("" if v is None else str(v) for v in row))
    return 0


def main():
    if len(sys.argv) < 2:
        print(__doc__ or "see the header of dtcheck.py", file=sys.stderr)
        return 2
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "gen-out":
        gen_out(int(args[0]), int(args[1]))
        return 0
    if cmd == "gen-in":
        gen_in(int(args[0]), int(args[1]))
        return 0
    if cmd == "outbound":
        return outbound(args)
    if cmd == "inbound":
        return inbound(args)
    if cmd == "enqueue":
        return enqueue(args)
    if cmd == "hours":
        return hours()
    if cmd == "settled":
        return settled(args)
    if cmd == "db":
        return db_query(args)
    print(f"dtcheck.py: unknown command {cmd}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
