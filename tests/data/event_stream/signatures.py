"""Computes the chained SigV4 event signatures that runtime/src/event_stream/tests.rs expects,
with Python's hmac and hashlib only (not leansdk's signer), and the whole signed body.
Run once: python3 tests/data/event_stream/signatures.py > tests/data/event_stream/signatures.txt

The request's own signature (the seed) is given; each message is signed at its own time:
  AWS4-HMAC-SHA256-PAYLOAD \\n <amz date> \\n <date>/<region>/<service>/aws4_request \\n
  <previous signature hex> \\n <hex sha256 of the encoded :date header> \\n
  <hex sha256 of the inner message>
with the key derived for that date, then wrapped in a message with headers :date
(timestamp) and :chunk-signature (32 bytes); an empty inner message ends the stream."""
import hashlib, hmac, struct, datetime
from botocore.eventstream import EventStreamBuffer
from vectors import header, string, message

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
REGION, SERVICE = "us-east-1", "transcribe"
SEED = hashlib.sha256(b"the request's signature").hexdigest()
START = 1795305598  # 2026-11-21T23:59:58Z: the end frame is signed the next day, with its key

def key(date):
    k = hmac.new(("AWS4" + SECRET).encode(), date.encode(), hashlib.sha256).digest()
    for part in (REGION, SERVICE, "aws4_request"):
        k = hmac.new(k, part.encode(), hashlib.sha256).digest()
    return k

def audio(payload):
    return message(string(":message-type", "event") + string(":event-type", "AudioEvent")
                   + string(":content-type", "application/octet-stream"), payload)

inners = [audio(b"\x01\x02\x03\x04"), audio(b"second"), b""]
previous, body = SEED, b""
print(f"seed {SEED}")
for i, inner in enumerate(inners):
    seconds = START + i
    when = datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc)
    amz_date, date = when.strftime("%Y%m%dT%H%M%SZ"), when.strftime("%Y%m%d")
    date_header = header(":date", 8, struct.pack(">q", seconds * 1000))
    string_to_sign = "\n".join([
        "AWS4-HMAC-SHA256-PAYLOAD", amz_date, f"{date}/{REGION}/{SERVICE}/aws4_request",
        previous, hashlib.sha256(date_header).hexdigest(), hashlib.sha256(inner).hexdigest()])
    signature = hmac.new(key(date), string_to_sign.encode(), hashlib.sha256).digest()
    previous = signature.hex()
    body += message(date_header + header(":chunk-signature", 6, struct.pack(">H", 32) + signature), inner)
    print(f"signature {i} {amz_date} {previous}")
print(f"body {body.hex()}")
buffer = EventStreamBuffer()
buffer.add_data(body)
print(f"# botocore reads {len(list(buffer))} messages from the body")
