#!/usr/bin/env python3
"""Holds N sockets against a CHASM peer server that never do useful work (bench/admission.sh).

A quarter each: silent; one byte; a valid Hello and then silence; slow readers that finish the
handshake, ask for many chunks (ids given with --chunk, hex SHA-256) and read 4 bytes per round.
Sources are 127.0.0.2 upwards, --per-address sockets each, so a per-address limit does not simply
refuse them; every socket the server closes is opened again. Prints "holding N" once all are open,
then runs until SIGTERM. The frames are written from SPEC §7-§9 by hand (protobuf wire format).
"""
import argparse, os, resource, selectors, signal, socket, struct, sys, time

def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)

def field(num, wire, payload):
    key = varint((num << 3) | wire)
    if wire == 0:
        return key + varint(payload)
    return key + varint(len(payload)) + payload

def frame(body_field, body):
    payload = field(body_field, 2, body)
    return struct.pack(">I", len(payload)) + payload

def hello():
    h = field(1, 0, 1) + field(2, 0, 1)
    for cap in (b"zstd", b"subscribe", b"peer-exchange", b"announce"):
        h += field(3, 2, cap)
    h += field(5, 2, os.urandom(32)) + field(6, 2, b"hostile-crowd")
    return frame(1, h)

AUTH = frame(3, b"")

def get_chunks(req_id, repo, ids):
    g = field(1, 2, repo.encode())
    for i in ids:
        g += field(2, 2, b"\x01" + i)
    return frame(5, field(1, 0, req_id) + field(4, 2, g))

def read_frame(s, deadline):
    def need(n):
        buf = b""
        while len(buf) < n:
            if time.monotonic() > deadline:
                raise OSError("no answer")
            try:
                chunk = s.recv(n - len(buf))
            except BlockingIOError:
                time.sleep(0.005)
                continue
            if not chunk:
                raise OSError("closed")
            buf += chunk
        return buf
    (length,) = struct.unpack(">I", need(4))
    if length == 0 or length > (1 << 20):
        raise OSError("bad frame")
    return need(length)

KINDS = ("silent", "one-byte", "hello", "slow-reader")

class Crowd:
    def __init__(self, host, port, n, per_address, repo, chunks):
        self.server = (host, port)
        self.repo, self.chunks = repo, chunks
        self.slots = []
        for i in range(n):
            a = 2 + i // per_address
            self.slots.append({"kind": KINDS[i % 4], "src": "127.0.%d.%d" % (a >> 8, a & 0xFF), "sock": None})
        self.opened = self.closed_by_server = self.failed = 0

    def connect(self, slot):
        s = socket.socket()
        try:
            s.bind((slot["src"], 0))
            s.settimeout(2)
            s.connect(self.server)
            s.setblocking(False)
            self.opened += 1
            kind = slot["kind"]
            if kind == "one-byte":
                s.send(b"\x00")
            elif kind == "hello":
                s.send(hello())
            elif kind == "slow-reader":
                s.send(hello())
                deadline = time.monotonic() + 5
                w = read_frame(s, deadline)
                if w[0] != 0x12:
                    raise OSError("no Welcome")
                s.send(AUTH)
                r = read_frame(s, deadline)
                if r[0] != 0x22:
                    raise OSError("no Ready")
                if self.chunks:
                    ids = [self.chunks[i % len(self.chunks)] for i in range(1024)]
                    for req in range(1, 5):
                        data = get_chunks(req, self.repo, ids)
                        try:
                            s.send(data)
                        except BlockingIOError:
                            break
            slot["sock"] = s
        except OSError:
            self.failed += 1
            s.close()
            slot["sock"] = None

    def round(self):
        for slot in self.slots:
            s = slot["sock"]
            if s is None:
                self.connect(slot)
                continue
            try:
                data = s.recv(4 if slot["kind"] == "slow-reader" else 65536)
                if not data:
                    raise OSError("closed")
            except BlockingIOError:
                pass
            except OSError:
                self.closed_by_server += 1
                s.close()
                self.connect(slot)

def main():
    p = argparse.ArgumentParser()
    p.add_argument("--server", required=True, help="host:port")
    p.add_argument("--count", type=int, default=1000)
    p.add_argument("--per-address", type=int, default=8)
    p.add_argument("--repo", default="demo")
    p.add_argument("--chunk", action="append", default=[], help="chunk id (64 hex digits) for the slow readers")
    a = p.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = a.count + 64
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(want, soft)) if hard != resource.RLIM_INFINITY else want, hard))
    host, port = a.server.rsplit(":", 1)
    crowd = Crowd(host, int(port), a.count, a.per_address, a.repo, [bytes.fromhex(c) for c in a.chunk])
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    for slot in crowd.slots:
        crowd.connect(slot)
    print("holding %d (opened %d, failed %d)" % (a.count, crowd.opened, crowd.failed), flush=True)
    while not stop:
        crowd.round()
        time.sleep(0.1)
    print("opened %d, closed by the server %d, failed to open %d" % (crowd.opened, crowd.closed_by_server, crowd.failed), flush=True)

if __name__ == "__main__":
    main()
