#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Check that a file is valid Prometheus text exposition format (0.0.4) as
`xdp-fwd stats IFACE --prometheus` writes it, and print what it holds.

usage: prom_check.py FILE

Every line is "# HELP name text", "# TYPE name counter|gauge|...", or a
sample "name{label="value",...} number"; each family has at most one HELP
and one TYPE, both before its samples, and its samples are contiguous; no
sample (name and labels) appears twice.  On success prints one line per
sample, "name label=value,label=value number" (labels sorted by name),
sorted, and exits 0; else
prints the problems and exits 1.
"""
import re
import sys

NAME = r'[a-zA-Z_:][a-zA-Z0-9_:]*'
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:\\\\|\\"|\\n|[^"\\\n])*"'
SAMPLE = re.compile(rf'^({NAME})(?:\{{((?:{LABEL})(?:,{LABEL})*)?,?\}})? '
                    r'([-+]?(?:[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|NaN|[-+]?Inf))$')
HELP = re.compile(rf'^# HELP ({NAME}) (.*)$')
TYPE = re.compile(rf'^# TYPE ({NAME}) (counter|gauge|histogram|summary|untyped)$')
ONE_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:\\\\|\\"|\\n|[^"\\\n])*)"')


def main():
    problems, samples, seen = [], [], set()
    helps, types, done, current = {}, {}, set(), None
    with open(sys.argv[1], encoding='utf-8') as f:
        text = f.read()
    if not text.endswith('\n'):
        problems.append('the last line has no newline')
    for n, line in enumerate(text.splitlines(), 1):
        if not line:
            problems.append(f'line {n}: empty line')
            continue
        m = HELP.match(line) or TYPE.match(line)
        if m:
            name = m.group(1)
            table = helps if line.startswith('# HELP') else types
            if name in table:
                problems.append(f'line {n}: second {line.split()[1]} for {name}')
            if name in done or (current == name and name in seen_family(samples)):
                problems.append(f'line {n}: {line.split()[1]} for {name} after its samples')
            table[name] = m.group(2)
            continue
        if line.startswith('#'):
            continue
        m = SAMPLE.match(line)
        if not m:
            problems.append(f'line {n}: not a sample: {line!r}')
            continue
        name, labels, value = m.group(1), m.group(2) or '', m.group(3)
        if name != current:
            if current is not None:
                done.add(current)
            if name in done:
                problems.append(f'line {n}: samples of {name} are not contiguous')
            current = name
        if name not in types:
            problems.append(f'line {n}: {name} has no # TYPE before it')
        pairs = ONE_LABEL.findall(labels)
        if len({k for k, _ in pairs}) != len(pairs):
            problems.append(f'line {n}: a label twice')
        key = (name, tuple(sorted(pairs)))
        if key in seen:
            problems.append(f'line {n}: duplicate sample {line!r}')
        seen.add(key)
        samples.append((name, sorted(pairs), value))
    if problems:
        for p in problems[:20]:
            print(p)
        return 1
    for name, pairs, value in sorted(samples):
        print(name, ','.join(f'{k}={v}' for k, v in pairs), value)
    return 0


def seen_family(samples):
    return {s[0] for s in samples}


if __name__ == '__main__':
    sys.exit(main())
