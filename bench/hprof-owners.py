#!/usr/bin/env python3
"""Names the holders of the large primitive arrays in a heap dump (HPROF, 8-byte ids).

  bench/hprof-owners.py DUMP [MIN_BYTES]   # default 1 MiB

A class histogram says "70 MB of long[] in 92 arrays"; this says which field holds them. For every
primitive array it finds the instance field (Class.field) or object array that refers to it; when
that holder is one of the small wrappers (LongList, LongIntMap, DataSketches' sketch classes), the
wrapper's own holder is appended ("LongList.values < DeltaRows.coupons"). Totals per holder, the
largest first, for holders with at least MIN_BYTES. Take the dump at the peak, e.g. with
-XX:+HeapDumpOnOutOfMemoryError under a heap just too small for the run (docs/stats-agent.md, w7-A).
"""
import collections, struct, sys

WRAPPERS = ('LongList', 'LongIntMap', 'LongChunks', 'HllSketch', 'CouponList', 'CouponHashSet',
            'Hll4Array', 'Hll8Array', 'AuxHashMap', 'HeapAuxHashMap', 'Union', 'ArrayList')
SIZE = {2: 8, 4: 1, 5: 2, 6: 4, 7: 8, 8: 1, 9: 2, 10: 4, 11: 8}
NAME = {4: 'boolean[]', 5: 'char[]', 6: 'float[]', 7: 'double[]', 8: 'byte[]', 9: 'short[]',
        10: 'int[]', 11: 'long[]'}


def main():
    f = open(sys.argv[1], 'rb').read()
    min_bytes = int(sys.argv[2]) if len(sys.argv) > 2 else 1 << 20
    p = f.index(b'\0') + 1
    if struct.unpack_from('>I', f, p)[0] != 8:
        raise SystemExit('only 8-byte identifiers are read')
    p += 12
    rid = lambda o: struct.unpack_from('>Q', f, o)[0]
    strings, class_name, fields, supers = {}, {}, {}, {}
    arrays, instances, object_arrays, segments = {}, [], [], []
    while p < len(f):
        tag, length = f[p], struct.unpack_from('>I', f, p + 5)[0]
        body = p + 9
        if tag == 0x01:
            strings[rid(body)] = f[body + 8: body + length].decode('utf-8', 'replace')
        elif tag == 0x02:
            class_name[rid(body + 4)] = rid(body + 16)
        elif tag in (0x0c, 0x1c):
            segments.append((body, body + length))
        p = body + length
    skip = {0xff: 8, 0x01: 16, 0x02: 16, 0x03: 16, 0x04: 12, 0x05: 8, 0x06: 12, 0x07: 8, 0x08: 16}
    for start, end in segments:
        q = start
        while q < end:
            t = f[q]
            q += 1
            if t in skip:
                q += skip[t]
            elif t == 0x20:  # class dump
                cid = rid(q)
                supers[cid] = rid(q + 12)
                q += 8 + 4 + 8 + 8 * 5 + 4
                n = struct.unpack_from('>H', f, q)[0]
                q += 2
                for _ in range(n):
                    q += 2 + 1 + SIZE[f[q + 2]]
                n = struct.unpack_from('>H', f, q)[0]
                q += 2
                for _ in range(n):
                    q += 8 + 1 + SIZE[f[q + 8]]
                n = struct.unpack_from('>H', f, q)[0]
                q += 2
                fields[cid] = [(rid(q + 9 * i), f[q + 9 * i + 8]) for i in range(n)]
                q += 9 * n
            elif t == 0x21:  # instance
                length = struct.unpack_from('>I', f, q + 20)[0]
                instances.append((rid(q), rid(q + 12), q + 24))
                q += 24 + length
            elif t == 0x22:  # object array
                n = struct.unpack_from('>I', f, q + 12)[0]
                object_arrays.append((rid(q + 16), q + 24, n))
                q += 24 + 8 * n
            elif t == 0x23:  # primitive array
                n, ty = struct.unpack_from('>I', f, q + 12)[0], f[q + 16]
                arrays[rid(q)] = (NAME[ty], n * SIZE[ty])
                q += 17 + n * SIZE[ty]
            else:
                raise SystemExit('unknown heap dump record %#x' % t)
    short = lambda cid: strings.get(class_name.get(cid, 0), '?').rsplit('/', 1)[-1]

    def references(cid, off):
        c = cid
        while c:
            for name_id, ty in fields.get(c, []):
                if ty == 2:
                    yield strings.get(name_id, '?'), rid(off)
                off += SIZE[ty]
            c = supers.get(c, 0)

    wrapper = {oid for oid, cid, _ in instances if short(cid) in WRAPPERS}
    holder, parent = collections.defaultdict(list), {}
    for oid, cid, off in instances:
        for name, r in references(cid, off):
            if r in arrays:
                holder[r].append((oid, short(cid) + '.' + name))
            elif r in wrapper:
                parent.setdefault(r, short(cid) + '.' + name)
    for cid, off, n in object_arrays:
        for i in range(n):
            r = rid(off + 8 * i)
            if r in arrays:
                holder[r].append((None, short(cid) + '[]'))
            elif r in wrapper:
                parent.setdefault(r, short(cid) + '[]')
    total, count = collections.Counter(), collections.Counter()
    for a, (ty, size) in arrays.items():
        names = [h + (' < ' + parent[o] if o in parent else '') for o, h in holder.get(a, [])]
        key = (ty, ', '.join(names) or '(no holder: a root or garbage)')
        total[key] += size
        count[key] += 1
    print('%-10s %8s %7s  %s' % ('type', 'MiB', 'arrays', 'held by'))
    for (ty, who), size in total.most_common():
        if size >= min_bytes:
            print('%-10s %8.1f %7d  %s' % (ty, size / 1048576, count[(ty, who)], who))
    print('all primitive arrays: %.1f MiB in %d' % (sum(total.values()) / 1048576, len(arrays)))


if __name__ == '__main__':
    main()
