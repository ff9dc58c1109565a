"""A stand-in for the app of a tab in the server's own tests: it speaks the web driver's
packets (a greeting, one screen packet), echoes every key packet back as a screen packet, and
on SIGHUP notes it in a file and ends, as the app does when its tab is closed.

    python fake_tab.py NOTES ok|fail|quit
"""

import os
import signal
import sys

notes, mode = sys.argv[1], sys.argv[2]


def note(text: str) -> None:
    with open(notes, "a") as f:
        f.write(text + "\n")


def packet(kind: bytes, payload: bytes) -> None:
    sys.stdout.buffer.write(kind + len(payload).to_bytes(4, "big") + payload)
    sys.stdout.buffer.flush()


note(f"started {os.getpid()} {os.environ.get('TUI_NN_GROUP', '')}")
if mode == "fail":
    print("tui-nn: error: no running trainer 'abc' (running: none)", file=sys.stderr)
    sys.exit(2)
signal.signal(signal.SIGHUP, lambda *_: (note("hangup"), os._exit(0)))
sys.stdout.buffer.write(b"__GANGLION__\n")
packet(b"D", b"fake app screen")
if mode == "quit":
    packet(b"M", b'{"type": "exit"}')
    sys.exit(0)
stdin = sys.stdin.buffer
while True:
    head = stdin.read(5)
    if len(head) < 5:
        break
    payload = stdin.read(int.from_bytes(head[1:], "big"))
    if head[:1] == b"D":
        packet(b"D", b"echo:" + payload)
note("stdin closed")
