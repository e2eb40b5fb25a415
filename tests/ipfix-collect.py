#!/usr/bin/python3
# tests/ipfix-collect.py: a strict IPFIX collector for tests/ipfix-collectors.sh,
# built on python3-ipfix's decoder (which has no UDP collector of its own).
#
#   ipfix-collect.py (--udp PORT | --tcp PORT) --spec FILE --out FILE
#                    [--bind ADDR] [--late] [--ready FILE]
#
# Writes one JSON line per data record (the element names of the spec
# files), and a line {"error": ...} for every breach of RFC 7011 it sees:
# a version other than 10, a message length other than what arrived (UDP),
# sets that do not tile the message, a data set whose records do not fill
# it exactly, a sequence number other than the records received before in
# that transport session and domain, and a data set before its template
# (counted as {"early": N} instead with --late: the collector started after
# the exporter, and waits for the next template refresh).  Runs until
# SIGTERM; the output file is flushed after every message.  --ready names
# a file made once the socket is bound.
import argparse
import datetime
import ipaddress
import json
import signal
import socket
import socketserver
import struct
import sys
import threading

import ipfix.ie
import ipfix.message
import ipfix.template

EPOCH = datetime.datetime(1970, 1, 1)
lock = threading.Lock()


def jsonable(v):
    if isinstance(v, datetime.datetime):
        return round((v - EPOCH).total_seconds() * 1000)
    if isinstance(v, (ipaddress.IPv4Address, ipaddress.IPv6Address)):
        return str(v)
    if isinstance(v, (bytes, bytearray, memoryview)):
        return bytes(v).hex()
    return v


class Session:
    """One transport session: its templates and sequence numbers."""

    def __init__(self, name, out, late):
        self.name = name
        self.out = out
        self.late = late
        self.templates = {}
        self.expect = {}    # domain -> sequence number of the next message
        self.early = 0

    def emit(self, obj):
        with lock:
            self.out.write(json.dumps(obj, sort_keys=True) + "\n")
            self.out.flush()

    def error(self, text):
        self.emit({"error": self.name + ": " + text})

    def message(self, data):
        """Check and decode one whole message given as bytes."""
        if len(data) < 16:
            return self.error("message of %d bytes" % len(data))
        version, length, _, seq, domain = struct.unpack_from("!HHIII", data)
        if version != 10:
            return self.error("version %d" % version)
        if length != len(data):
            return self.error("length %d in a message of %d bytes"
                              % (length, len(data)))
        # A late collector takes the first number it sees.
        if domain not in self.expect and self.late:
            self.expect[domain] = seq
        if self.expect.get(domain, 0) != seq:
            self.error("sequence %d, expected %d in domain %d"
                       % (seq, self.expect.get(domain, 0), domain))
            self.expect[domain] = seq
        buf = memoryview(bytearray(data))
        off = 16
        records = 0
        early = False
        while off < length:
            if length - off < 4:
                return self.error("%d bytes after the last set" % (length - off))
            setid, setlen = struct.unpack_from("!HH", buf, off)
            if setlen < 4 or setlen > length - off:
                return self.error("set %d of length %d at %d" % (setid, setlen, off))
            end = off + setlen
            pos = off + 4
            if setid == 2:
                while pos < end:
                    tmpl, pos = ipfix.template.decode_template_from(buf, pos, setid)
                    self.templates[(domain, tmpl.tid)] = tmpl
                if pos != end:
                    return self.error("template set overruns by %d" % (pos - end))
            elif setid < 256:
                return self.error("set id %d" % setid)
            elif (domain, setid) not in self.templates:
                if not self.late:
                    return self.error("data set %d before its template" % setid)
                # Records of unknown length: counted as sets, and the
                # next message's number is taken as it comes.
                early = True
                self.early += 1
                self.emit({"early": self.early})
            else:
                tmpl = self.templates[(domain, setid)]
                while pos < end:
                    rec, pos = tmpl.decode_namedict_from(buf, pos)
                    if pos > end:
                        return self.error("record overruns set %d" % setid)
                    rec = {k: jsonable(v) for k, v in rec.items()}
                    rec["_domain"] = domain
                    rec["_template"] = setid
                    self.emit(rec)
                    records += 1
            off = end
        if early:
            del self.expect[domain]
        else:
            self.expect[domain] = (seq + records) & 0xffffffff


class TcpHandler(socketserver.StreamRequestHandler):
    def handle(self):
        s = Session("tcp %s:%d" % self.client_address[:2], self.server.out,
                    self.server.late)
        while True:
            head = self.rfile.read(16)
            if not head:
                return
            if len(head) < 16:
                return s.error("connection closed inside a message header")
            length = struct.unpack_from("!H", head, 2)[0]
            body = self.rfile.read(max(length - 16, 0))
            if len(body) < length - 16:
                return s.error("connection closed inside a message")
            s.message(head + body)


class TcpServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def ready(path):
    if path:
        open(path, "w").close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--udp", type=int)
    ap.add_argument("--tcp", type=int)
    ap.add_argument("--bind", default="127.0.0.1")
    ap.add_argument("--spec", action="append", default=[])
    ap.add_argument("--out", required=True)
    ap.add_argument("--late", action="store_true")
    ap.add_argument("--ready")
    a = ap.parse_args()

    ipfix.ie.use_iana_default()
    ipfix.ie.use_5103_default()
    for f in a.spec:
        ipfix.ie.use_specfile(f)
    out = open(a.out, "w")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    family = socket.AF_INET6 if ":" in a.bind else socket.AF_INET
    if a.tcp is not None:
        TcpServer.address_family = family
        srv = TcpServer((a.bind, a.tcp), TcpHandler)
        srv.out = out
        srv.late = a.late
        ready(a.ready)
        srv.serve_forever()
    sock = socket.socket(family, socket.SOCK_DGRAM)
    sock.bind((a.bind, a.udp))
    ready(a.ready)
    sessions = {}
    while True:
        data, peer = sock.recvfrom(65535)
        if peer not in sessions:
            sessions[peer] = Session("udp %s:%d" % peer[:2], out, a.late)
        sessions[peer].message(data)


if __name__ == "__main__":
    main()
