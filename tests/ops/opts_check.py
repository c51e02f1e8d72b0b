#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Check the man page and the bash completion against xdp-fwd's option tables.

usage: opts_check.py XDP_FWD MANPAGE COMPLETION

The tables come from the tool itself: `xdp-fwd --help --json` (the global
options and the commands) and `xdp-fwd CMD --help --json` (each command's).
For every command, and for the global options:
  - the man page's .TP entries of its section are exactly the table's options,
    each with the same short letter and argument name (--help, which every
    command has, is documented once, under OPTIONS);
  - every --option the section mentions anywhere is one of the table's;
  - the completion's option list (_xdp_fwd_opts CMD, _xdp_fwd_global_opts) is
    the table's, and _xdp_fwd_argopt says which take a value, as the table.
Prints one "ok - ..." or "FAIL - ..." line per check (with the differences as
"#   ..." lines); exits 1 when any failed.
"""
import json
import re
import subprocess
import sys

GLOBAL = 'OPTIONS'
failed = 0


def report(name, problems):
    global failed
    if problems:
        failed += 1
        print('FAIL - ' + name)
        for p in problems:
            print('#   ' + p)
    else:
        print('ok - ' + name)


def listing(tool, *args):
    out = subprocess.run([tool, *args, '--help', '--json'], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


def unroff(text):
    """The roff source as text: hyphens, fonts and zero-width escapes gone."""
    text = text.replace('\\-', '-').replace('\\&', '').replace('\\(em', '')
    return re.sub(r'\\f[BIRP]', '', text)


def man_sections(path):
    """{section title: [lines]} for every .SH and .SS."""
    sections, cur = {}, None
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.rstrip('\n')
            m = re.match(r'^\.S[SH] +"?([^"]*)"?$', line)
            if m:
                cur = sections.setdefault(m.group(1), [])
                continue
            if cur is not None:
                cur.append(line)
    return sections


# ".BR \-m ", " \-\-mode " \fIMODE\fR"" -> ('m', 'mode', 'MODE')
ENTRY = re.compile(r'^(?:-(\S), )?--([a-z0-9][a-z0-9-]*)(?: (\S.*))?$')


def man_entries(lines):
    """The options of a section's .TP entries: {long: (short, arg)}."""
    entries, problems = {}, []
    for i, line in enumerate(lines[:-1]):
        if line != '.TP' or '\\-' not in lines[i + 1]:
            continue
        # a font macro's arguments are set side by side, without spaces
        words = re.findall(r'"([^"]*)"|(\S+)', re.sub(r'^\.[A-Z]+ ', '', lines[i + 1]))
        text = unroff(''.join(q or w for q, w in words)).strip()
        m = ENTRY.match(text)
        if not m:
            problems.append('cannot read the entry %r' % lines[i + 1])
            continue
        entries[m.group(2)] = (m.group(1), m.group(3))
    return entries, problems


def table_entries(opts, skip_help):
    return {o['long']: (o['short'], o['arg']) for o in opts
            if not (skip_help and o['long'] == 'help')}


def fmt(long, e):
    short, arg = e
    return '%s--%s%s' % ('-%s, ' % short if short else '', long, ' ' + arg if arg else '')


def diff_entries(want, got):
    problems = []
    for long in sorted(set(want) | set(got)):
        if long not in got:
            problems.append('man page lacks ' + fmt(long, want[long]))
        elif long not in want:
            problems.append('man page has ' + fmt(long, got[long]) + ', the table does not')
        elif want[long] != got[long]:
            problems.append('table has %s, man page %s' % (fmt(long, want[long]),
                                                           fmt(long, got[long])))
    return problems


def check_man(name, section, opts, skip_help):
    want = table_entries(opts, skip_help)
    got, problems = man_entries(section)
    if skip_help:
        got.pop('help', None)
    report("man section '%s' documents exactly the table's options" % name,
           problems + diff_entries(want, got))
    mentioned = set(re.findall(r'--([a-z0-9][a-z0-9-]*)', unroff('\n'.join(section))))
    stray = sorted(mentioned - {o['long'] for o in opts})
    report("man section '%s' mentions no option the table lacks" % name,
           ['--' + s for s in stray])


def bash(completion, script):
    return subprocess.run(['bash', '-c', 'source "$1"; ' + script, '_', completion],
                          capture_output=True, text=True).stdout


def check_completion(completion, cmd, opts):
    if cmd is None:
        got = set(bash(completion, '_xdp_fwd_global_opts').split())
        want = {'--' + o['long'] for o in opts} | {'-' + o['short'] for o in opts if o['short']}
        what = 'the global options'
    else:
        got = set(bash(completion, '_xdp_fwd_opts ' + cmd).split())
        want = {'--' + o['long'] for o in opts}
        what = "'%s'" % cmd
    report('completion offers exactly the table options of ' + what,
           ['completion lacks ' + w for w in sorted(want - got)] +
           ['completion has ' + g + ', the table does not' for g in sorted(got - want)])
    if cmd is None:
        return
    problems = []
    for o in opts:
        for word in ['--' + o['long']] + (['-' + o['short']] if o['short'] else []):
            takes = bash(completion, '_xdp_fwd_argopt %s %s && echo yes' % (cmd, word)).strip()
            if (takes == 'yes') != (o['arg'] is not None):
                problems.append('%s %s %s a value in the table' %
                                (cmd, word, 'takes' if o['arg'] else 'takes no'))
    report("completion knows which options of '%s' take a value" % cmd, problems)


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    tool, man, completion = sys.argv[1:]
    top = listing(tool)
    sections = man_sections(man)
    check_man(GLOBAL, sections.get(GLOBAL, []), top['options'], False)
    check_completion(completion, None, top['options'])
    for c in top['commands']:
        cmd = c['name']
        t = listing(tool, cmd)
        report("'%s --help --json' lists the command" % cmd,
               [] if t['command'] == cmd and t['json'] == c['json'] else ['got %r' % t])
        if cmd not in sections:
            report("man page has a section for '%s'" % cmd, ['missing'])
            continue
        check_man(cmd, sections[cmd], t['options'], True)
        check_completion(completion, cmd, t['options'])
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
