#!/usr/bin/python3
# tests/ipfix-stream.py: a capture as a longer stream, in parts, for
# tests/ipfix-python.sh's scenarios where lucsaudit must go on running
# while a collector starts or stops: lucsaudit reads -r - from a pipe and
# hands over what it read every 4096 packets (src/capture.c's BATCH), so
# each part but the last is 4096 packets.
#
#   ipfix-stream.py CAPTURE COPIES PART
#
# The stream is COPIES copies of CAPTURE (classic pcap, microseconds), each
# 4000 s after the one before, so that every flow of a copy has ended idle
# before the next begins (the longest idle timeout is 3600 s); PART (1, 2,
# ...) writes the pcap header with part 1 and the packets of that part.
import struct
import sys

BATCH = 4096
SHIFT = 4000


def main():
    path, copies, part = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    data = open(path, "rb").read()
    if struct.unpack_from("<I", data)[0] != 0xa1b2c3d4:
        sys.exit("ipfix-stream.py: %s: not a little-endian microsecond pcap" % path)
    records = []
    off = 24
    while off + 16 <= len(data):
        sec, usec, incl, orig = struct.unpack_from("<IIII", data, off)
        records.append((sec, usec, data[off + 16:off + 16 + incl], orig))
        off += 16 + incl
    out = sys.stdout.buffer
    if part == 1:
        out.write(data[:24])
    first, last = (part - 1) * BATCH, part * BATCH
    n = 0
    for c in range(copies):
        for sec, usec, body, orig in records:
            if first <= n < last:
                out.write(struct.pack("<IIII", sec + c * SHIFT, usec,
                                      len(body), orig))
                out.write(body)
            n += 1
    out.flush()


if __name__ == "__main__":
    main()
