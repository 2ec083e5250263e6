#!/usr/bin/env python3
"""Summarises `jfr print --events jdk.ExecutionSample` from stdin: share of samples per thread
group, per top frame, and per first io.chasm frame (the code responsible for the time)."""
import collections
import re
import sys

threads, top, ours = collections.Counter(), collections.Counter(), collections.Counter()
n, frames, thread = 0, [], None
for line in sys.stdin:
    s = line.strip()
    if s.startswith('jdk.ExecutionSample'):
        frames, thread = [], None
    elif s.startswith('sampledThread'):
        thread = re.sub(r'\d+', 'N', s.split('=', 1)[1].split('(')[0].strip().strip('"'))
    elif re.search(r'line: \d+', s):
        frames.append(re.sub(r'\s+line:.*', '', s))
    elif s == '}' and thread is not None and frames:
        n += 1
        threads[thread] += 1
        top[frames[0]] += 1
        mine = next((f for f in frames if f.startswith('io.chasm')), None)
        if mine:
            ours[mine] += 1
        frames, thread = [], None
print("samples", n)
for title, c in (("threads", threads), ("top frames", top), ("first io.chasm frame", ours)):
    print("--", title)
    for k, v in c.most_common(12):
        print("%5.1f%% %s" % (100.0 * v / max(n, 1), k))
