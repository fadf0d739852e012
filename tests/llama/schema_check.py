#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# schema_check.py - check a chat completion exchange recorded by capture.py:
# the request's response_format schema is one llama.cpp can enforce, and the
# reply's choices[0].message.content is JSON that conforms to it.
#
#   schema_check.py lint REQ.json
#       the schema in REQ's response_format.json_schema.schema uses only
#       what llama.cpp's JSON-schema-to-grammar turns into a bounded grammar:
#       closed objects (properties listed, additionalProperties false),
#       strings bounded by enum/const/maxLength/pattern, integers with both
#       minimum and maximum (or an enum), no "number" with minimum/maximum
#       (llama.cpp ignores them: a random model answered confidence 8.9), no
#       open {"type":"object"} (the model runs to max_tokens).
#   schema_check.py content REQ.json RESP.json
#       RESP is a chat completion; its content conforms to REQ's schema.
#       With a json_object request (no schema), the content must be a JSON
#       object.
#
# A small validator for the subset of JSON Schema the client uses; any other
# keyword is an error, so that nothing passes unchecked.  Exit 0 when fine,
# 1 with one line per problem on stderr.
import json
import sys

KNOWN = {
    "type", "properties", "required", "additionalProperties", "enum",
    "const", "minimum", "maximum", "minLength", "maxLength", "pattern",
    "items", "minItems", "maxItems", "description", "title",
}


def lint(s, path, errs):
    if not isinstance(s, dict):
        errs.append(f"{path}: schema is not an object")
        return
    for k in s:
        if k not in KNOWN:
            errs.append(f"{path}: keyword {k!r} not handled by this check")
    if "enum" in s or "const" in s:
        return
    t = s.get("type")
    if t == "object":
        if not s.get("properties"):
            errs.append(f"{path}: open object (no properties): llama.cpp "
                        "lets the model write keys until max_tokens")
        if s.get("additionalProperties", True) is not False:
            errs.append(f"{path}: additionalProperties is not false")
        for name, sub in s.get("properties", {}).items():
            lint(sub, f"{path}.{name}", errs)
        for r in s.get("required", []):
            if r not in s.get("properties", {}):
                errs.append(f"{path}: required {r!r} not in properties")
    elif t == "string":
        if "maxLength" not in s and "pattern" not in s:
            errs.append(f"{path}: string without enum, maxLength or "
                        "pattern: unbounded")
    elif t == "integer":
        if "minimum" not in s or "maximum" not in s:
            errs.append(f"{path}: integer without minimum and maximum")
    elif t == "number":
        if "minimum" in s or "maximum" in s:
            errs.append(f"{path}: number with minimum/maximum: llama.cpp "
                        "ignores them (use an integer range or an enum)")
        else:
            errs.append(f"{path}: unbounded number")
    elif t == "boolean":
        pass
    elif t == "array":
        if "maxItems" not in s:
            errs.append(f"{path}: array without maxItems")
        lint(s.get("items", {}), f"{path}[]", errs)
    else:
        errs.append(f"{path}: type {t!r} not handled by this check")


def typeok(t, v):
    if t == "object":
        return isinstance(v, dict)
    if t == "string":
        return isinstance(v, str)
    if t == "integer":
        return isinstance(v, int) and not isinstance(v, bool)
    if t == "number":
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    if t == "boolean":
        return isinstance(v, bool)
    if t == "array":
        return isinstance(v, list)
    if t == "null":
        return v is None
    return False


def check(s, v, path, errs):
    if "const" in s and v != s["const"]:
        errs.append(f"{path}: {v!r} is not {s['const']!r}")
    if "enum" in s and v not in s["enum"]:
        errs.append(f"{path}: {v!r} not in {s['enum']!r}")
    t = s.get("type")
    if t is not None:
        ts = t if isinstance(t, list) else [t]
        if not any(typeok(x, v) for x in ts):
            errs.append(f"{path}: {v!r} is not of type {t}")
            return
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        if "minimum" in s and v < s["minimum"]:
            errs.append(f"{path}: {v} < minimum {s['minimum']}")
        if "maximum" in s and v > s["maximum"]:
            errs.append(f"{path}: {v} > maximum {s['maximum']}")
    if isinstance(v, str):
        if "minLength" in s and len(v) < s["minLength"]:
            errs.append(f"{path}: shorter than {s['minLength']}")
        if "maxLength" in s and len(v) > s["maxLength"]:
            errs.append(f"{path}: longer than {s['maxLength']}")
    if isinstance(v, dict):
        props = s.get("properties", {})
        for r in s.get("required", []):
            if r not in v:
                errs.append(f"{path}: required {r!r} missing")
        for k, x in v.items():
            if k in props:
                check(props[k], x, f"{path}.{k}", errs)
            elif s.get("additionalProperties", True) is False:
                errs.append(f"{path}: key {k!r} not allowed")
            elif isinstance(s.get("additionalProperties"), dict):
                check(s["additionalProperties"], x, f"{path}.{k}", errs)
    if isinstance(v, list):
        if "minItems" in s and len(v) < s["minItems"]:
            errs.append(f"{path}: fewer than {s['minItems']} items")
        if "maxItems" in s and len(v) > s["maxItems"]:
            errs.append(f"{path}: more than {s['maxItems']} items")
        for i, x in enumerate(v):
            check(s.get("items", {}), x, f"{path}[{i}]", errs)


def schema_of(req):
    rf = req.get("response_format") or {}
    if rf.get("type") == "json_schema":
        return rf["json_schema"]["schema"]
    if rf.get("type") == "json_object":
        return rf.get("schema") or {"type": "object"}
    return None


def content_of(resp):
    c = resp["choices"][0]["message"]["content"]
    if isinstance(c, list):
        c = "".join(x.get("text", "") for x in c)
    return c


def main():
    errs = []
    if len(sys.argv) == 3 and sys.argv[1] == "lint":
        with open(sys.argv[2]) as f:
            req = json.load(f)
        rf = req.get("response_format") or {}
        if rf.get("type") != "json_schema":
            errs.append(f"{sys.argv[2]}: response_format is not json_schema")
        else:
            js = rf.get("json_schema", {})
            for k in ("name", "schema"):
                if k not in js:
                    errs.append(f"{sys.argv[2]}: json_schema has no {k!r}")
            lint(js.get("schema"), "$", errs)
    elif len(sys.argv) == 4 and sys.argv[1] == "content":
        with open(sys.argv[2]) as f:
            req = json.load(f)
        with open(sys.argv[3]) as f:
            resp = json.load(f)
        s = schema_of(req)
        try:
            text = content_of(resp)
        except (KeyError, IndexError, TypeError) as e:
            errs.append(f"{sys.argv[3]}: no choices[0].message.content ({e})")
            text = None
        if text is not None:
            try:
                v = json.loads(text)
            except ValueError as e:
                fin = resp["choices"][0].get("finish_reason")
                errs.append(f"{sys.argv[3]}: content is not JSON ({e}; "
                            f"finish_reason {fin}): {text[:200]!r}")
            else:
                if s is None:
                    errs.append(f"{sys.argv[2]}: no response_format")
                else:
                    check(s, v, "$", errs)
    else:
        print("usage: schema_check.py lint REQ.json | "
              "content REQ.json RESP.json", file=sys.stderr)
        return 2
    for e in errs:
        print("schema_check: " + e, file=sys.stderr)
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
