"""A bounded mixed-workload load test: employees reading and taking quizzes, HR exporting.

Runs against Trainer under gunicorn (2 workers) for a fixed time with a fixed number of
virtual users on 127.0.0.1, and reports requests, errors and latency (median, p95) per kind
of request. Every virtual employee signs in, then loops: dashboard → module page → quiz
page → submit random answers → result. One virtual HR user loops: HR dashboard → streamed
CSV export of the whole assignment list.
"""

from __future__ import annotations

import dataclasses
import http.cookiejar
import random
import re
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from typing import Any

_CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
_HIDDEN = re.compile(r'<input type="hidden" name="(token|version)" value="([^"]+)"')
_CHOICE = re.compile(r'<input type="(radio|checkbox)" name="([^"]+)" id="[^"]+" value="([^"]+)"')


@dataclasses.dataclass
class Tally:
    latencies: dict[str, list[float]] = dataclasses.field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = dataclasses.field(default_factory=lambda: defaultdict(int))
    lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float, ok: bool) -> None:
        with self.lock:
            self.latencies[kind].append(seconds * 1000)
            if not ok:
                self.errors[kind] += 1

    def summary(self, duration: float) -> dict[str, Any]:
        rows = {}
        for kind, samples in sorted(self.latencies.items()):
            samples.sort()
            rows[kind] = {"requests": len(samples), "errors": self.errors.get(kind, 0),
                          "median_ms": round(statistics.median(samples), 1),
                          "p95_ms": round(samples[int(0.95 * (len(samples) - 1))], 1)}
        total = sum(r["requests"] for r in rows.values())
        return {"seconds": round(duration, 1), "requests": total,
                "requests_per_s": round(total / duration, 1),
                "errors": sum(r["errors"] for r in rows.values()), "by_kind": rows}


class Browser:
    """One virtual user: a cookie jar and timed requests."""

    def __init__(self, base: str, tally: Tally) -> None:
        self.base, self.tally = base, tally
        cookies = urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        self.opener = urllib.request.build_opener(cookies)

    def get(self, kind: str, path: str) -> str:
        return self._open(kind, path, None)

    def post(self, kind: str, path: str, data: dict[str, Any]) -> str:
        return self._open(kind, path, urllib.parse.urlencode(data, doseq=True).encode())

    def _open(self, kind: str, path: str, body: bytes | None) -> str:
        started = time.perf_counter()
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as response:
                text = response.read().decode("utf-8", "replace")
                ok = response.status == 200
        except (urllib.error.URLError, OSError):
            text, ok = "", False
        self.tally.add(kind, time.perf_counter() - started, ok)
        return text

    def sign_in(self, email: str, password: str) -> None:
        token = _CSRF.search(self.get("sign in", "/login")).group(1)
        self.post("sign in", "/login", {"email": email, "password": password, "csrf_token": token})


def employee_loop(browser: Browser, module_path: str, stop: threading.Event, rng: random.Random) -> None:
    while not stop.is_set():
        browser.get("dashboard", "/")
        browser.get("module page", module_path)
        page = browser.get("quiz page", module_path + "/quiz")
        answers = _random_answers(page, rng)
        if answers:
            browser.post("quiz submit", module_path + "/quiz", answers)


def _random_answers(page: str, rng: random.Random) -> dict[str, Any]:
    csrf = _CSRF.search(page)
    hidden = dict(_HIDDEN.findall(page))
    if not csrf or "token" not in hidden:
        return {}
    choices: dict[str, list[str]] = defaultdict(list)
    for _kind, name, value in _CHOICE.findall(page):
        choices[name].append(value)
    answers: dict[str, Any] = {"csrf_token": csrf.group(1), **hidden}
    for name, values in choices.items():
        answers[name] = [rng.choice(values)]
    return answers


def hr_loop(browser: Browser, stop: threading.Event) -> None:
    while not stop.is_set():
        browser.get("HR dashboard", "/hr/")
        browser.get("HR export (CSV, everyone)", "/hr/exports/assignments?format=csv")


def run(base: str, *, employees: list[str], hr_email: str, password: str, module_path: str,
        seconds: int = 60) -> dict[str, Any]:
    """Sign everyone in, run the loops for `seconds`, and summarise."""
    tally = Tally()
    stop = threading.Event()
    threads = []
    for n, email in enumerate(employees):
        browser = Browser(base, tally)
        browser.sign_in(email, password)
        threads.append(threading.Thread(target=employee_loop, daemon=True,
                                        args=(browser, module_path, stop, random.Random(n))))
    hr_browser = Browser(base, tally)
    hr_browser.sign_in(hr_email, password)
    threads.append(threading.Thread(target=hr_loop, args=(hr_browser, stop), daemon=True))
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=120)
    return tally.summary(time.perf_counter() - started)
