#! /usr/bin/env python3
# Copyright (c) 2026 The ovs-flowlog authors.
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
# You may obtain a copy of the License at:
#
#     http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS,
# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
# See the License for the specific language governing permissions and
# limitations under the License.

"""Checks that the source tree's #include lines go one way.

Usage: check-layout.py [TOPDIR]

  - Nothing in lib/ includes a header of ofproto-flowlog/ or utilities/:
    lib/ is shared by ovs-vswitchd's hook, the exporter and the tools.
  - The hook's files (ofproto-flowlog/) include each other without a
    circle.  X.c and X.h are one module; flowlog.h, the hook's face to
    OVS, is a module of its own, so that the files that implement it may
    include it.  Every other header there is the door of the .c of the
    same name: a header that many files share and none implements would
    hide a circle between them.

Prints each violation and exits 1 if there is one."""

import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def includes(path):
    with open(path, encoding='utf-8', errors='replace') as f:
        for n, line in enumerate(f, 1):
            m = INCLUDE.match(line)
            if m:
                yield n, m.group(1)


def sources(top, folder):
    for dirpath, _, names in os.walk(os.path.join(top, folder)):
        for name in sorted(names):
            if name.endswith(('.c', '.h')):
                yield os.path.relpath(os.path.join(dirpath, name), top)


def module(path):
    """The hook module that 'path' belongs to."""
    base = os.path.basename(path)
    return base if base == 'flowlog.h' else os.path.splitext(base)[0]


def find_cycle(graph):
    """A list of modules that form a circle in 'graph', or None."""
    state = {}
    stack = []

    def visit(node):
        state[node] = 'open'
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 'open':
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        stack.pop()
        state[node] = 'done'
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def main():
    top = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), '..')
    errors = []

    for path in sources(top, 'lib'):
        for n, inc in includes(os.path.join(top, path)):
            if inc.startswith(('ofproto-flowlog/', 'utilities/')):
                errors.append('%s:%d: lib/ includes "%s"' % (path, n, inc))

    graph = {}
    edges = {}
    for path in sources(top, 'ofproto-flowlog'):
        src = module(path)
        graph.setdefault(src, set())
        for n, inc in includes(os.path.join(top, path)):
            if inc.startswith('ofproto-flowlog/'):
                dst = module(inc)
                if dst != src:
                    graph[src].add(dst)
                    edges.setdefault((src, dst), '%s:%d' % (path, n))
    for path in sources(top, 'ofproto-flowlog'):
        if (path.endswith('.h') and module(path) != 'flowlog.h'
                and not os.path.exists(os.path.join(top, path[:-2] + '.c'))):
            errors.append('%s: a hook header without a %s.c' %
                          (path, module(path)))

    cycle = find_cycle(graph)
    if cycle:
        where = ', '.join('%s (%s)' % (edges[(a, b)], b)
                          for a, b in zip(cycle, cycle[1:]))
        errors.append('ofproto-flowlog/ includes in a circle: %s; at %s'
                      % (' -> '.join(cycle), where))

    for e in errors:
        print(e)
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
