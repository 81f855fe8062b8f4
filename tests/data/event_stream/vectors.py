"""Writes the event stream vectors of runtime/src/event_stream/tests.rs by hand (struct and
zlib, not our encoder) and checks that botocore's parser reads them as intended.
Run once: python3 tests/data/event_stream/vectors.py > tests/data/event_stream/vectors.txt"""
import struct, zlib, uuid
from botocore.eventstream import EventStreamBuffer

def header(name, kind, value=b""):
    n = name.encode()
    return struct.pack("B", len(n)) + n + struct.pack("B", kind) + value

def string(name, text):
    t = text.encode()
    return header(name, 7, struct.pack(">H", len(t)) + t)

def message(headers, payload):
    total = 12 + len(headers) + len(payload) + 4
    lengths = struct.pack(">II", total, len(headers))
    prelude = lengths + struct.pack(">I", zlib.crc32(lengths))
    body = prelude + headers + payload
    return body + struct.pack(">I", zlib.crc32(body))

VECTORS = {
    "empty": message(b"", b""),
    "event": message(
        string(":message-type", "event") + string(":event-type", "chunk")
        + string(":content-type", "application/json"),
        b'{"text":"hi"}'),
    "exception": message(
        string(":message-type", "exception") + string(":exception-type", "ThrottlingException")
        + string(":content-type", "application/json"),
        b'{"message":"slow down"}'),
    "every_type": message(
        header("true", 0) + header("false", 1) + header("byte", 2, struct.pack(">b", -1))
        + header("int16", 3, struct.pack(">h", -2)) + header("int32", 4, struct.pack(">i", -3))
        + header("int64", 5, struct.pack(">q", -4))
        + header("bytes", 6, struct.pack(">H", 3) + b"\x00\xff\x10")
        + string("string", "héllo")
        + header("timestamp", 8, struct.pack(">q", 1700000000123))
        + header("uuid", 9, uuid.UUID("0123456789abcdef0123456789abcdef").bytes),
        b"\x00\x01\x02"),
}

if __name__ == "__main__":
    buffer = EventStreamBuffer()
    for name, data in VECTORS.items():
        buffer.add_data(data)
        parsed = next(buffer)
        print(f"{name} {data.hex()}")
        print(f"# botocore: headers={parsed.headers!r} payload={parsed.payload!r}")
