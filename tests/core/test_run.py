"""`make run`: the service in one process with its scheduler, as a developer first sees it."""
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from service.core.settings import BY_NAME

from ..conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def test_the_address_comes_last_after_the_first_reminder_round_in_one_time_zone(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in BY_NAME}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'run.db'}", LOG_FORMAT="text", PORT=str(free_port()),
               SMS_BACKEND="console")
    subprocess.run([str(BIN / "flask"), "--app", "app", "init-db"], cwd=ROOT, env=env, check=True,
                   capture_output=True, timeout=120)
    server = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(server.stdout), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 90
        while not any("/api/docs" in line for line in lines) and time.monotonic() < deadline:
            assert server.poll() is None, "".join(lines)
            time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=30)
        reader.join(timeout=10)
    address = next(n for n, line in enumerate(lines) if "营商环境问题督办系统：http://" in line)
    first_round = next(n for n, line in enumerate(lines) if "_campaign" in line and "executed" in line)
    assert first_round < address, "".join(lines)
    assert not [line for line in lines[address + 1:] if line.strip() and not line.startswith("  ")], "".join(lines)
    # every line stamped in the county's time (+08:00, China Standard Time), as the scheduler says its times
    stamped = [line for line in lines[:address] if line[:4].isdigit()]
    assert stamped and all(line.split(" ", 1)[0].endswith("+08:00") for line in stamped), "".join(lines)
    ran = next(line for line in lines if "_campaign" in line and "executed" in line)
    assert "CST)" in ran and ran.split("T", 1)[1][:2] == ran.split("next run at: ", 1)[1].split(" ")[1][:2]
