"""Throughput under gunicorn (2 workers) measured with wrk on 127.0.0.1.

The figure that matters is the ratio of an authenticated Trainer page to a bare Flask route
served the same way in the same run: it cancels out the machine's speed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_RATE = re.compile(r"Requests/sec:\s+([\d.]+)")
_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_LATENCY = re.compile(r"Latency\s+([\d.]+)(us|ms|s)")
# Sign-in and load come from one client: Flask-Login's session protection ties a session to
# the address and User-Agent that signed in. A browser keeps the cookie the server updates
# when they differ; wrk replays the sign-in cookie unchanged, so with another User-Agent
# every request would be flagged and answered with a re-signed cookie, which no browser sees.
USER_AGENT = "trainer-bench"


@dataclasses.dataclass(frozen=True)
class Load:
    requests_per_second: float
    errors: int
    mean_latency_ms: float


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(app_spec: str, env: dict[str, str], workers: int = 2) -> Iterator[str]:
    """Serve `app_spec` on a free loopback port; yields the base URL."""
    port = free_port()
    binary = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or "gunicorn"
    process = subprocess.Popen(
        [binary, "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--no-control-socket",
         "--config", "python:trainer.commands.gunicorn_config",  # as `trainer serve` does
         "--log-level", "warning", app_spec],
        env={**os.environ, **env, "PYTHONPATH": str(ROOT)}, cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base + "/healthz" if "trainer" in app_spec else base + "/hello", process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_until_up(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {process.stderr.read() if process.stderr else ''}")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 -- loopback only
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up within 60 s")


def sign_in(base: str, email: str, password: str) -> str:
    """Sign in through the real form; returns the Cookie header value for wrk."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]
    with opener.open(base + "/login", timeout=10) as response:
        page = response.read().decode()
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token})
    with opener.open(base + "/login", data=data.encode(), timeout=10) as response:
        if "/login" in response.geturl():
            raise RuntimeError(f"could not sign in as {email}")
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def wrk(url: str, *, cookie: str | None = None, seconds: int = 10, connections: int = 16,
        threads: int = 2) -> Load:
    """Run wrk against one URL; bounded in time and connections."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency",
               "-H", f"User-Agent: {USER_AGENT}"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True,
                            timeout=seconds + 60).stdout
    rate = float(_RATE.search(output).group(1))
    errors = int(_NON_2XX.search(output).group(1)) if _NON_2XX.search(output) else 0
    latency = _LATENCY.search(output)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[latency.group(2)] if latency else 0
    return Load(rate, errors, float(latency.group(1)) * scale if latency else 0.0)
