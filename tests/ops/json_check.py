#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Check xdp-fwd's --json outputs against doc/JSON.md.

usage: json_check.py JSON.md SECTION FRAMING FILE [SECTION FRAMING FILE ...]
       json_check.py JSON.md --sections

SECTION is a '## ' heading of JSON.md ("status", "stats --interval", ...).
FRAMING says how FILE holds the output:
  value       exactly one JSON value (object or array)
  lines:N     one JSON object per non-empty line, N or more of them
  lastline    the last non-empty line is one JSON object (earlier lines are text)

Each documented key must be present with its documented type, unless marked
optional (or its parent is null); every key in the output must be documented.
Prints one "ok - ..." or "FAIL - ..." line per SECTION/FILE (with the
problems as "#   ..." lines); exits 1 when any failed.  --sections prints
the sections that document keys, one per line.
"""
import json
import re
import sys

ROW = re.compile(r'^\|\s*`([^`]+)`\s*\|\s*([^|]+?)\s*\|')
TYPES = {
    'string': lambda v: isinstance(v, str),
    'integer': lambda v: isinstance(v, int) and not isinstance(v, bool),
    'number': lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    'boolean': lambda v: isinstance(v, bool),
    'object': lambda v: isinstance(v, dict),
    'array': lambda v: isinstance(v, list),
    'null': lambda v: v is None,
}


def tokens(path):
    return [t for t in path.replace('[]', '.[]').split('.') if t]


def read_doc(path):
    """{section: [(tokens, path, types, optional)]}"""
    doc, section = {}, None
    with open(path, encoding='utf-8') as f:
        for line in f:
            if line.startswith('## '):
                section = line[3:].strip()
                continue
            m = ROW.match(line)
            if not m or section is None or m.group(1) == 'key':
                continue
            cell = m.group(2)
            optional = 'optional' in cell
            cell = re.sub(r'\*?\(optional\)\*?', '', cell).strip()
            types = [t.strip() for t in cell.split(' or ')]
            for t in types:
                if t not in TYPES:
                    raise SystemExit(f'{path}: section {section}: unknown type {t!r} '
                                     f'for {m.group(1)}')
            doc.setdefault(section, []).append((tokens(m.group(1)), m.group(1), types,
                                                optional))
    return doc


def walk(value, toks=()):
    """Every node below the root: (tokens, value)."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield toks + (k,), v
            yield from walk(v, toks + (k,))
    elif isinstance(value, list):
        for v in value:
            yield toks + ('[]',), v
            yield from walk(v, toks + ('[]',))


def matches(pattern, concrete):
    if len(pattern) != len(concrete):
        return False
    for p, c in zip(pattern, concrete):
        if p == c:
            continue
        if p == '*' and c != '[]':
            continue
        return False
    return True


def instances(value, pattern):
    """The values at every concrete instance of pattern (root: [value])."""
    if not pattern:
        return [value]
    return [v for t, v in walk(value) if matches(pattern, t)]


def check_value(rows, value):
    problems = []
    for toks, v in walk(value):
        row = next((r for r in rows if matches(r[0], toks)), None)
        shown = '.'.join(toks).replace('.[]', '[]')
        if row is None:
            # a container only implied by deeper documented keys ("[]" of "[].id")
            if not any(len(r[0]) > len(toks) and matches(r[0][:len(toks)], toks)
                       for r in rows):
                problems.append(f'undocumented key {shown}')
        elif not any(TYPES[t](v) for t in row[2]):
            problems.append(f'{shown} is {json.dumps(v)[:60]}, documented as '
                            f'{" or ".join(row[2])}')
    for toks, path, _types, optional in rows:
        if optional or toks[-1] in ('*', '[]'):
            continue
        for parent in instances(value, toks[:-1]):
            if isinstance(parent, dict) and toks[-1] not in parent:
                problems.append(f'documented key {path} is missing')
    return problems


def load(framing, path):
    with open(path, encoding='utf-8') as f:
        text = f.read()
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if framing == 'value':
        return [json.loads(text)]
    if framing == 'lastline':
        if not lines:
            raise ValueError('no output')
        return [json.loads(lines[-1])]
    if framing.startswith('lines:'):
        want = int(framing.split(':', 1)[1])
        if len(lines) < want:
            raise ValueError(f'{len(lines)} lines, want {want} or more')
        return [json.loads(ln) for ln in lines]
    raise SystemExit(f'unknown framing {framing}')


def main():
    doc = read_doc(sys.argv[1])
    if sys.argv[2:] == ['--sections']:
        for s in doc:
            print(s)
        return 0
    args, failed = sys.argv[2:], False
    if len(args) % 3:
        raise SystemExit(__doc__)
    for section, framing, path in zip(args[0::3], args[1::3], args[2::3]):
        name = f'{section}: {path.rsplit("/", 1)[-1]} is JSON with the keys of doc/JSON.md'
        problems = []
        if section not in doc:
            problems.append(f'doc/JSON.md has no section "## {section}"')
        else:
            try:
                values = load(framing, path)
            except (ValueError, OSError) as e:
                values, problems = [], [f'not JSON ({framing}): {e}']
            for v in values:
                problems += check_value(doc[section], v)
        if problems:
            failed = True
            print(f'FAIL - {name}')
            for p in sorted(set(problems))[:20]:
                print(f'#   {p}')
        else:
            print(f'ok - {name}')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
