"""A dispatcher process for the tests: sends what is due through a sender that appends each
message to a file (one line, written before `send` returns, as a provider would accept it).

    python -m tests.dispatch_worker DATABASE_URL OUTFILE [--delay S] [--now ISO]
"""
import argparse
import os
import time
from datetime import datetime, timezone

from service.core.db import make_engine
from service.reminders.outbox import dispatch_due


class FileSender:
    name = "file"

    def __init__(self, path: str, delay: float):
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self.delay = delay

    def send(self, to: str, template: str, params: dict, body: str) -> str:
        time.sleep(self.delay)
        os.write(self.fd, f"{to}\n".encode())
        return f"file-{to}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("outfile")
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--now", default=None)
    args = parser.parse_args()
    engine = make_engine(args.url)
    sender = FileSender(args.outfile, args.delay)
    print("ready", flush=True)
    while True:
        now = datetime.fromisoformat(args.now) if args.now else datetime.now(timezone.utc)
        counts = dispatch_due(engine, sender, now, limit=25)
        if not any(counts.values()):
            break


if __name__ == "__main__":
    main()
