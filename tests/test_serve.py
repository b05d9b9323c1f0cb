"""`brief serve` as a user meets it: a real server process, real saves, and a real browser."""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from briefs.new import new_project

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FIGURE = "document.querySelector('data[data-fact=\"digital-economy-2024\"]').textContent"
ERROR_BOX = "(document.getElementById('brief-error') || {}).textContent || ''"


class Served:
    """`brief serve` in its own process, its output read line by line."""

    def __init__(self, project: Path, *options: str) -> None:
        self.project = project
        self.lines: queue.Queue[str] = queue.Queue()
        self.output: list[str] = []
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "briefs", "serve", "--project", str(project), *options],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        served = self.expect(r"serving (http://127\.0\.0\.1:\d+/)(\S*)")
        self.base, self.page = served[1], served[2]
        self.expect(r"^watching ")

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def expect(self, pattern: str, timeout: float = 120) -> re.Match[str]:
        """Wait for an output line matching `pattern`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                assert self.process.poll() is None, "\n".join(self.output)
                continue
            self.output.append(line)
            match = re.search(pattern, line)
            if match:
                return match
        raise AssertionError(f"no line like {pattern!r} in:\n" + "\n".join(self.output))

    def get(self, path: str) -> bytes:
        with urllib.request.urlopen(self.base + path, timeout=30) as response:
            return bytes(response.read())

    def stop(self) -> list[int]:
        """Ctrl-C; returns the ids of the processes it had started."""
        children = _children(self.process.pid)
        self.process.send_signal(signal.SIGINT)
        assert self.process.wait(timeout=60) == 0, "\n".join(self.output)
        self.reader.join(timeout=10)
        while not self.lines.empty():
            self.output.append(self.lines.get_nowait())
        return children


def _children(pid: int) -> list[int]:
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if re.search(rf"^PPid:\s+{pid}$", text, re.M):
            found.append(int(status.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = re.search(r"^State:\s+(\w)", Path(f"/proc/{pid}/status").read_text(), re.M)
    except OSError:
        return False
    return state is not None and state[1] != "Z"


def _revise(project: Path, old: str, new: str) -> None:
    """Change the headline figure where the source states it too, so its quote still states it."""
    for rel, before, after in (
        ("facts/sources/example.txt", f"{old}亿元", f"{new}亿元"),
        ("facts/facts.yaml", f"{old}亿元", f"{new}亿元"),
        ("facts/facts.yaml", f"value: {old}00000000", f"value: {new}00000000"),
    ):
        path = project / rel
        text = path.read_text(encoding="utf-8")
        assert before in text, (rel, before)
        path.write_text(text.replace(before, after), encoding="utf-8")


def _until(check: Callable[[], Any], timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"still not so after {timeout} s: {check}")


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    root = tmp_path / "energy"
    new_project(root)
    return root


@pytest.fixture()
def served(project: Path) -> Iterator[Served]:
    server = Served(project, "--port", "0", "--lang", "en")
    try:
        yield server
    finally:
        if server.process.poll() is None:
            server.process.kill()
            server.process.wait()
        server.reader.join(timeout=10)
        assert server.process.stdout is not None
        server.process.stdout.close()


def _states(served: Served) -> Iterator[dict[str, Any]]:
    """The states the page's event stream announces, as they come."""
    with urllib.request.urlopen(served.base + "_brief/events", timeout=60) as stream:
        event = ""
        for raw in stream:
            line = raw.decode("utf-8").rstrip("\n")
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: ") and event == "state":
                yield json.loads(line[6:])


def test_serve_rebuilds_on_save_and_stops_cleanly(served: Served, project: Path) -> None:
    page = served.get(served.page).decode("utf-8")
    figure = re.search(r'<data [^>]*data-fact="digital-economy-2024".*?</data>', page)
    assert figure is not None and "138" in figure[0]
    assert '"/_brief/events"' in page, "the served page carries the reloading script"
    served.expect(r"^PDF updated in")
    on_disk = (project / "build" / served.page).read_text(encoding="utf-8")
    assert "_brief/events" not in on_disk, "the built page itself has no script added"
    with pytest.raises(urllib.error.HTTPError):
        served.get(".brief-manifest.json")
    pdf = served.get(served.page.replace(".html", ".pdf"))
    states = _states(served)
    first = next(states)
    assert first["errors"] == []

    _revise(project, "1380", "1390")
    served.expect(r"^pages updated in")
    assert next(states)["page"] == first["page"] + 1, "the open page is told to reload"
    assert "139" in served.get(served.page).decode("utf-8").split(figure[0][:40])[1][:400]
    served.expect(r"^PDF updated in .*en/example-brief\.pdf")
    new_pdf = served.get(served.page.replace(".html", ".pdf"))
    assert new_pdf != pdf
    (project / "new.pdf").write_bytes(new_pdf)
    text = "".join(p.extract_text() for p in PdfReader(project / "new.pdf").pages)
    assert "139" in text and "138" not in text.split("Key findings")[1][:300]

    prose = project / "templates/prose/en/background.md"
    good = prose.read_text(encoding="utf-8")
    prose.write_text(good + '\nSee {{ F["no-such-fact"] }}.\n', encoding="utf-8")
    served.expect(r"^error: .*background\.md:3: template refers to unknown fact 'no-such-fact'")
    errors = next(s for s in states if s["errors"])["errors"]
    assert any("background.md:3:" in e and "no-such-fact" in e for e in errors), errors
    prose.write_text(good, encoding="utf-8")
    served.expect(r"^pages updated in")
    assert next(states)["errors"] == []
    states.close()

    started = served.stop()
    assert started, "the typesetting processes were running"
    assert "Traceback" not in "\n".join(served.output), "\n".join(served.output)
    _until(lambda: not any(_alive(pid) for pid in started), timeout=10)
    assert not [p.name for p in (project / "build").iterdir() if p.name.startswith(".staging")]


class Browser:
    """Headless Chromium driven over the DevTools protocol (one page)."""

    FLAGS = (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--remote-debugging-port=0",
    )

    def __init__(self, profile: Path) -> None:
        import websocket  # the test extra's websocket-client

        self.process = subprocess.Popen(
            [CHROMIUM, *self.FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        active = profile / "DevToolsActivePort"
        port = _until(lambda: active.is_file() and active.read_text().split("\n")[0], 60)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as r:
            pages = [t for t in json.loads(r.read()) if t["type"] == "page"]
        self.socket = websocket.create_connection(
            pages[0]["webSocketDebuggerUrl"], timeout=30, suppress_origin=True
        )
        self.calls = 0

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.calls += 1
        self.socket.send(json.dumps({"id": self.calls, "method": method, "params": params}))
        while True:
            reply = json.loads(self.socket.recv())
            if reply.get("id") == self.calls:
                assert "error" not in reply, reply
                return dict(reply["result"])

    def value(self, expression: str) -> Any:
        """What `expression` gives in the page now (None while the page is loading)."""
        result = self.call("Runtime.evaluate", expression=expression)
        return None if "exceptionDetails" in result else result["result"].get("value")

    def close(self) -> None:
        self.socket.close()
        self.process.terminate()
        self.process.wait(timeout=30)


@pytest.fixture()
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip("the browser test needs Chromium (Debian: apt-get install chromium)")
    profile = Path(tempfile.mkdtemp(prefix="brief-chromium-"))
    opened = Browser(profile)
    try:
        yield opened
    finally:
        opened.close()
        shutil.rmtree(profile, ignore_errors=True)


def test_the_open_page_follows_every_save(served: Served, project: Path, browser: Browser) -> None:
    browser.call("Page.navigate", url=served.base + served.page)
    before = _until(lambda: browser.value(FIGURE))
    assert "138" in before
    browser.value("window.brief_same_page = true")

    _revise(project, "1380", "1390")
    after = _until(lambda: browser.value(FIGURE) != before and browser.value(FIGURE))
    assert "139" in after, "the page shows the revised figure without a manual reload"
    assert browser.value("window.brief_same_page") is None, "the page reloaded itself"

    prose = project / "templates/prose/en/paths.md"
    good = prose.read_text(encoding="utf-8")
    prose.write_text(good + "\n{% if %}\n", encoding="utf-8")
    shown = _until(lambda: browser.value(ERROR_BOX))
    assert "paths.md:3: template syntax" in shown, shown
    assert browser.value(FIGURE) == after, "the last good page stays under the error"
    prose.write_text(good, encoding="utf-8")
    _until(lambda: browser.value("document.readyState") and not browser.value(ERROR_BOX))
    assert browser.value(FIGURE) == after
