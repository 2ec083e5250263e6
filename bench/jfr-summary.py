#!/usr/bin/env python3
"""Summarises a JFR recording's CPU samples and allocations (used for docs/stats-agent.md).

  bench/jfr-summary.py REC.jfr                  # threads, top self and inclusive frames, allocation
  bench/jfr-summary.py REC.jfr --under METHOD   # what runs below METHOD (inclusive, % of all samples)
  bench/jfr-summary.py REC.jfr --first A,B,...  # each sample counted for the first of A, B, ... on its stack

Record with e.g. java -XX:StartFlightRecording=filename=REC.jfr,settings=profile ...
"""
import collections, json, subprocess, sys


def events(f, kind):
    out = subprocess.run(["jfr", "print", "--stack-depth", "64", "--json", "--events", kind, f],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)["recording"]["events"]


def name(frame):
    m = frame["method"]
    return m["type"]["name"].split("/")[-1] + "." + m["name"]


def stacks(f):
    for e in events(f, "jdk.ExecutionSample"):
        st = e["values"]["stackTrace"]
        if st:
            yield e, [name(x) for x in st["frames"]]


def main():
    f = sys.argv[1]
    args = sys.argv[2:]
    if args[:1] == ["--under"]:
        root, c, n, tot = args[1], collections.Counter(), 0, 0
        for _, names in stacks(f):
            n += 1
            idx = [i for i, s in enumerate(names) if root in s]
            if idx:
                tot += 1
                c.update(set(names[:idx[0]]))
        print(f"{root}: {tot * 100 / n:.1f}% of samples; below it:")
        for k, v in c.most_common(25):
            print(f"  {v * 100 / n:5.1f}%  {k}")
        return
    if args[:1] == ["--first"]:
        keys, c, n = args[1].split(","), collections.Counter(), 0
        for _, names in stacks(f):
            n += 1
            c[next((k for k in keys if any(k in s for s in names)), "other")] += 1
        for k, v in c.most_common():
            print(f"  {v * 100 / n:5.1f}%  {k}")
        return
    self_c, incl, threads, n = collections.Counter(), collections.Counter(), collections.Counter(), 0
    for e, names in stacks(f):
        n += 1
        threads[e["values"]["sampledThread"]["javaName"]] += 1
        self_c[names[0]] += 1
        incl.update(set(names))
    print(f"execution samples: {n}")
    print("threads:", ", ".join(f"{k} {v * 100 / n:.0f}%" for k, v in threads.most_common(6)))
    print("top self frames:")
    for k, v in self_c.most_common(25):
        print(f"  {v * 100 / n:5.1f}%  {k}")
    print("top inclusive frames:")
    for k, v in incl.most_common(40):
        print(f"  {v * 100 / n:5.1f}%  {k}")
    cls, site, tot = collections.Counter(), collections.Counter(), 0
    for e in events(f, "jdk.ObjectAllocationSample"):
        w = e["values"]["weight"]
        tot += w
        cls[e["values"]["objectClass"]["name"]] += w
        st = e["values"]["stackTrace"]
        if st and st["frames"]:
            site[" < ".join(name(x) for x in st["frames"][:3])] += w
    print(f"allocation (sampled weight) {tot / 1e9:.2f} GB; by class:")
    for k, v in cls.most_common(12):
        print(f"  {v * 100 / max(tot, 1):5.1f}%  {k}")
    print("by site:")
    for k, v in site.most_common(15):
        print(f"  {v * 100 / max(tot, 1):5.1f}%  {k}")


if __name__ == "__main__":
    main()
