"""A dispatcher process for the tests: sends what is due through a sender that appends each
message to a file (one line, written before `send` returns, as a provider would accept it).

    python -m tests.dispatch_worker DATABASE_URL OUTFILE [--delay S] [--now ISO] [--aliyun URL]

With `--aliyun URL` the messages go through the Aliyun sender (its real SDK) to the fake at URL
(tests/fake_cn_sms.py, with its default credentials and the template SMS_1001 taking `code`);
the file then gets each number once the fake has accepted it. With `--robot URL` the rows are
addressed `robot:<n>` and go through the group-robot sender to the fake robots at URL
(tests/fake_robots.py), robot n being the WeCom robot with key `k<n>`.
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


class AliyunFileSender:
    name = "aliyun"

    def __init__(self, path: str, delay: float, endpoint: str):
        from notifications.aliyun_sender import AliyunSender
        from notifications.template_sms import ProviderTemplate

        from .fake_cn_sms import FakeAliyun
        fake = FakeAliyun()
        approved = ProviderTemplate("SMS_1001", ("code",))
        self.sender = AliyunSender(fake.access_key_id, fake.access_key_secret, fake.sign_name,
                                   lambda key: approved, endpoint=endpoint)
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self.delay = delay

    def send(self, to: str, template: str, params: dict, body: str) -> str:
        time.sleep(self.delay)
        biz_id = self.sender.send(to, template, params, body)
        os.write(self.fd, f"{to}\n".encode())
        return biz_id


class RobotFileSender(AliyunFileSender):
    name = "robot"

    def __init__(self, path: str, delay: float, endpoint: str):
        from notifications.robots import Card, Robot, RobotSender
        self.sender = RobotSender(
            lambda n: Robot("wecom", f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k{n}"),
            lambda template, params, body: Card(str(params.get("code")), body), api_base=endpoint)
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self.delay = delay


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("outfile")
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--now", default=None)
    parser.add_argument("--aliyun", default=None)
    parser.add_argument("--robot", default=None)
    args = parser.parse_args()
    engine = make_engine(args.url)
    if args.aliyun:
        sender = AliyunFileSender(args.outfile, args.delay, args.aliyun)
    elif args.robot:
        sender = RobotFileSender(args.outfile, args.delay, args.robot)
    else:
        sender = FileSender(args.outfile, args.delay)
    print("ready", flush=True)
    while True:
        now = datetime.fromisoformat(args.now) if args.now else datetime.now(timezone.utc)
        counts = dispatch_due(engine, sender, now, limit=25)
        if not any(counts.values()):
            break


if __name__ == "__main__":
    main()
