"""Browser tests of the live storyboard dashboard (issue 15), in a real headless Chromium.

They start the built `comfybridge` binary as child processes -- the ComfyUI emulator and the dashboard
over a copy of the demo project -- on free loopback ports (port 0), open the page with Playwright and
wait on the DOM contract of notes/dashboard-api.md (data-status, data-version, data-role, data-action,
...) with Playwright's auto-waiting. No fixed sleeps: every wait is on a DOM state or a file, with a
generous timeout that only guards against hangs.

Run by scripts/test.sh (the README's test command) after `swift build --build-tests`:
    .build/browser-venv/bin/python -m pytest -q Tests/Browser
Environment: COMFYBRIDGE_BIN (default .build/debug/comfybridge), CHROMIUM (default `chromium` on PATH),
UPDATE_SCREENSHOT=1 also writes the finished page to docs/dashboard.png for the README.
"""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

REPO = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("COMFYBRIDGE_BIN", REPO / ".build" / "debug" / "comfybridge"))
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
DEMO = REPO / "examples" / "demo-project"
PANELS = [f"panel_{index:02d}" for index in range(1, 10)]

# Hang guards, not expectations: a render of the demo takes seconds.
WAIT_MS = 90_000
WAIT_S = WAIT_MS / 1000

expect.set_options(timeout=WAIT_MS)


# ------------------------------------------------------------------------------------------------
# Child processes


class Child:
    """A `comfybridge` child process whose stdout and stderr lines are collected as they come."""

    def __init__(self, name: str, arguments: list[str], cwd: Path):
        self.name = name
        self.lines: "queue.Queue[tuple[str, str]]" = queue.Queue()
        self.transcript: list[str] = []
        self.process = subprocess.Popen(
            [str(BINARY), *arguments], cwd=cwd, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1,
        )
        for stream, label in ((self.process.stdout, "stdout"), (self.process.stderr, "stderr")):
            threading.Thread(target=self._pump, args=(stream, label), daemon=True).start()

    def _pump(self, stream, label: str) -> None:
        for line in stream:
            line = line.rstrip("\n")
            self.transcript.append(f"{label}: {line}")
            self.lines.put((label, line))
        self.lines.put((label, None))

    def wait_for_line(self, pattern: str, stream: str) -> re.Match:
        """The first line of `stream` matching `pattern`; fails when the process ends first."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + WAIT_S
        closed = set()
        while time.monotonic() < deadline:
            try:
                label, line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            if line is None:
                closed.add(label)
                if len(closed) == 2:
                    break
                continue
            if label == stream and (match := regex.search(line)):
                return match
        raise AssertionError(f"{self.name}: no {stream} line matching {pattern!r}; it printed:\n" + self.log())

    def log(self) -> str:
        return "\n".join(self.transcript[-60:])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


class Session:
    """An emulator and a dashboard over a fresh copy of the demo project."""

    def __init__(self, tmp: Path, emulator_args: list[str], dashboard_args: list[str] = (),
                 resolution: str | None = None, command: str = "dashboard"):
        self.children: list[Child] = []
        self.project = tmp / "demo"
        shutil.copytree(DEMO, self.project)
        if resolution:
            path = self.project / "project.json"
            document = json.loads(path.read_text())
            document["config"]["target_resolution"] = resolution
            path.write_text(json.dumps(document, indent=2))
        try:
            emulator = self.start("emulator", ["emulate", "--host", "127.0.0.1", "--port", "0", *emulator_args], tmp)
            self.server = emulator.wait_for_line(r"^(https?://\S+?)/?$", "stdout").group(1)
            listen = ["--listen", "127.0.0.1:0"] if command == "dashboard" else ["--dashboard", "127.0.0.1:0", "--json"]
            self.dashboard = self.start(command, [
                command, str(self.project), "--server", self.server, *listen, *dashboard_args,
            ], tmp)
            # `dashboard`: "Dashboard of <project>: http://127.0.0.1:PORT/ (Ctrl-C stops it)";
            # `render --dashboard`: "Dashboard: http://127.0.0.1:PORT/".
            self.url = self.dashboard.wait_for_line(r"^Dashboard\b[^:]*: (https?://\S+)", "stderr").group(1)
        except BaseException:
            self.close()
            raise

    def start(self, name: str, arguments: list[str], cwd: Path) -> Child:
        child = Child(name, arguments, cwd)
        self.children.append(child)
        return child

    def manifest(self) -> dict:
        return json.loads((self.project / "outputs" / "manifest.json").read_text())

    def close(self) -> None:
        for child in reversed(self.children):
            child.stop()

    def log(self) -> str:
        return "\n\n".join(f"--- {child.name}\n{child.log()}" for child in self.children)


@pytest.fixture
def sessions(tmp_path):
    """Starts sessions on demand; stops their processes after the test and prints their output
    (pytest shows it when the test failed)."""
    started: list[Session] = []

    def start(*args, **kwargs) -> Session:
        session = Session(tmp_path / f"s{len(started)}", *args, **kwargs)
        started.append(session)
        return session

    yield start
    for session in started:
        session.close()
        print(session.log())


# ------------------------------------------------------------------------------------------------
# The browser

# Records every tile's status sequence and which tiles showed a loaded live preview, from the DOM
# mutations themselves (exact even when several changes land between two test steps).
RECORDER = """
(() => {
  window.__statuses = {};
  window.__previews = {};
  const push = (id, value) => {
    if (!id || value === null || value === undefined) return;
    const list = (window.__statuses[id] ||= []);
    if (list[list.length - 1] !== value) list.push(value);
  };
  const isTile = (node) => node.nodeType === 1 && node.matches('[data-panel-id][data-status]');
  const seePreviews = (node) => {
    if (node.nodeType !== 1) return;
    const images = node.matches('img[data-role="preview"]') ? [node] : node.querySelectorAll('img[data-role="preview"]');
    for (const image of images) {
      const tile = image.closest('[data-panel-id][data-status]');
      if (tile && image.complete && image.naturalWidth > 0) window.__previews[tile.dataset.panelId] = true;
    }
  };
  new MutationObserver((mutations) => {
    const touched = new Set();
    for (const mutation of mutations) {
      if (mutation.type === 'attributes' && isTile(mutation.target)) {
        push(mutation.target.dataset.panelId, mutation.oldValue);
        touched.add(mutation.target);
      }
      for (const node of mutation.addedNodes) {
        if (isTile(node)) touched.add(node);
        seePreviews(node);
      }
    }
    for (const tile of touched) push(tile.dataset.panelId, tile.dataset.status);
  }).observe(document, { subtree: true, childList: true, attributes: true,
                         attributeFilter: ['data-status'], attributeOldValue: true });
})();
"""


@pytest.fixture(scope="session")
def browser():
    executable = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if not executable:
        pytest.fail("the browser tests need Debian's chromium (apt-get install chromium); .ci/run installs it")
    if not BINARY.exists():
        pytest.fail(f"{BINARY} is missing: run `swift build` first (scripts/test.sh does)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield browser
        browser.close()


def open_page(browser: Browser, url: str, width: int = 1600, height: int = 1000, live: bool = True) -> Page:
    """A page in its own browser context (its own cookies and socket), like a second browser."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.add_init_script(RECORDER)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors  # type: ignore[attr-defined]
    page.goto(url)
    if live:
        expect(page.locator("#connection")).to_have_attribute("data-connection", "live")
    return page


def tile(page: Page, panel_id: str):
    return page.locator(f'article[data-panel-id="{panel_id}"]')


def run_header(page: Page):
    return page.locator("[data-run-state]")


def click_action(page: Page, action: str) -> None:
    button = page.locator(f'header [data-action="{action}"]')
    expect(button).to_be_enabled()
    button.click()


def expect_output_loaded(page: Page, panel_id: str, version: int | None = None) -> None:
    """The tile shows its final image, loaded (naturalWidth > 0), of `version` when given."""
    image = tile(page, panel_id).locator('img[data-role="output"]')
    image.scroll_into_view_if_needed()
    if version is not None:
        expect(image).to_have_attribute("src", re.compile(rf"/{version}/\d+$"))
    page.wait_for_function(
        "image => image.complete && image.naturalWidth > 0", arg=image.element_handle(), timeout=WAIT_MS)


def tile_states(page: Page) -> dict[str, tuple[str, str]]:
    return page.eval_on_selector_all(
        "article[data-panel-id][data-status]",
        "tiles => Object.fromEntries(tiles.map(t => [t.dataset.panelId, [t.dataset.status, t.dataset.version]]))")


def wait_until(condition, what: str):
    """Polls `condition` (a file the server writes behind the page) until it holds or the guard expires."""
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    return path


def manifest_panel(session: Session, panel_id: str) -> dict | None:
    try:
        manifest = session.manifest()
    except (FileNotFoundError, json.JSONDecodeError):
        return None
    return next((p for p in manifest.get("panels", []) if p.get("panel_id") == panel_id), None)


# ------------------------------------------------------------------------------------------------
# Tests


def test_a_render_shows_every_tile_going_live_and_two_browsers_agree_even_after_a_reload(browser, sessions):
    session = sessions(["--previews", "--step-ms", "40", "--load-ms", "100"])
    first = open_page(browser, session.url)
    second = open_page(browser, session.url, width=1280, height=800)

    for page in (first, second):
        expect(page.locator("article[data-panel-id]")).to_have_count(len(PANELS))
        assert page.eval_on_selector_all("article[data-panel-id]", "ts => ts.map(t => t.dataset.panelId)") == PANELS
        expect(run_header(page)).to_have_attribute("data-total", "9")
        expect(page.locator(f'[data-server="{session.server}"]')).to_have_attribute("data-state", "up")

    click_action(first, "start")
    expect(run_header(second)).to_have_attribute("data-run-state", "rendering")

    # A reload mid-render restores the state: what was done before is done after, the run goes on.
    expect(run_header(second)).to_have_attribute("data-done", re.compile("^[2-8]$"))
    before = tile_states(second)
    done_before = int(run_header(second).get_attribute("data-done"))
    second.reload()
    expect(second.locator("#connection")).to_have_attribute("data-connection", "live")
    expect(second.locator("article[data-panel-id]")).to_have_count(len(PANELS))
    assert int(run_header(second).get_attribute("data-done")) >= done_before
    for panel_id in [p for p, (status, _) in before.items() if status == "completed"]:
        expect(tile(second, panel_id)).to_have_attribute("data-status", "completed")
        expect_output_loaded(second, panel_id, version=1)

    for page in (first, second):
        expect(run_header(page)).to_have_attribute("data-run-state", "idle")
        expect(run_header(page)).to_have_attribute("data-done", "9")
    for panel_id in PANELS:
        expect(tile(first, panel_id)).to_have_attribute("data-status", "completed")
        expect_output_loaded(first, panel_id, version=1)
        # The quality gate's verdict on the image is on the card (the emulator's images pass it).
        expect(tile(first, panel_id).locator('[data-role="quality"]')).to_have_text("qa ok")
        expect(tile(first, panel_id)).to_have_attribute("data-quality", "ok")

    # Every tile went queued -> running (with a live preview) -> completed on the page that watched it all.
    statuses = first.evaluate("window.__statuses")
    previews = first.evaluate("window.__previews")
    for panel_id in PANELS:
        history = statuses.get(panel_id, [])
        steps = iter(history)
        assert all(status in steps for status in ("queued", "running", "completed")), f"{panel_id}: {history}"
    assert set(previews) == set(PANELS), f"live previews seen only for {sorted(previews)}"

    # Two browsers see the same.
    assert tile_states(first) == tile_states(second)
    for attribute in ("data-run-state", "data-done", "data-total"):
        assert run_header(first).get_attribute(attribute) == run_header(second).get_attribute(attribute)
    expect(second.locator('[data-role="notice"]')).to_have_count(first.locator('[data-role="notice"]').count())
    server_card = f'[data-server="{session.server}"]'
    expect(first.locator(server_card).locator(".stat-done")).to_have_text("9")
    assert first.errors == [] and second.errors == []  # type: ignore[attr-defined]


def test_stop_then_start_resumes_then_redo_approve_and_reject_from_the_page(browser, sessions):
    session = sessions(["--previews", "--step-ms", "20", "--load-ms", "100"])
    page = open_page(browser, session.url)

    click_action(page, "start")
    expect(run_header(page)).to_have_attribute("data-done", re.compile("^[2-8]$"))
    click_action(page, "stop")
    expect(run_header(page)).to_have_attribute("data-run-state", "idle")
    stopped = tile_states(page)
    finished = [p for p, (status, _) in stopped.items() if status == "completed"]
    assert 2 <= len(finished) < len(PANELS), f"stop left {stopped}"
    assert any(status == "pending" for status, _ in stopped.values()), stopped
    expect(page.locator('[data-role="notice"]', has_text="stopped")).to_have_count(1)

    # Start resumes: the rest is rendered, what was finished is kept as it was (version 1, not redone).
    click_action(page, "start")
    expect(run_header(page)).to_have_attribute("data-done", "9")
    expect(run_header(page)).to_have_attribute("data-run-state", "idle")
    for panel_id in PANELS:
        expect(tile(page, panel_id)).to_have_attribute("data-status", re.compile("^(completed|kept)$"))
        expect(tile(page, panel_id)).to_have_attribute("data-version", "1")
    expect(page.locator('[data-role="notice"]', has_text="resumed")).to_have_count(1)

    # Redo panel_03 with a new seed: version 2 is rendered and shown; version 1 stays one click away.
    panel = tile(page, "panel_03")
    panel.locator('[data-role="redo-options"]').click()
    panel.locator('[data-role="redo-seed"]').fill("4242")
    panel.locator('[data-action="redo"]').click()
    expect(panel).to_have_attribute("data-version", "2")
    expect(panel).to_have_attribute("data-status", "completed")
    expect_output_loaded(page, "panel_03", version=2)
    expect(panel.locator(".seed")).to_have_text("seed 4242")
    expect(panel.locator('[data-role="version"]')).to_have_count(2)
    expect(page.locator('[data-role="notice"]', has_text="panel_03 redone as version 2")).to_have_count(1)
    panel.locator('[data-role="version"][data-version="1"]').click()
    expect_output_loaded(page, "panel_03", version=1)
    panel.locator('[data-role="version"][data-version="2"]').click()
    expect_output_loaded(page, "panel_03", version=2)

    # Approve (shown on the tile, recorded in the manifest with the version), and reject another.
    panel.locator('[data-action="approve"]').click()
    expect(panel.locator('[data-role="review"]')).to_have_text(re.compile("approved v2"))
    review = wait_until(lambda: (manifest_panel(session, "panel_03") or {}).get("review"), "panel_03's review in the manifest")
    assert review["verdict"] == "approved" and review["version"] == 2, review
    tile(page, "panel_05").locator('[data-action="reject"]').click()
    expect(tile(page, "panel_05").locator('[data-role="review"]')).to_have_text(re.compile("rejected v1"))
    review = wait_until(lambda: (manifest_panel(session, "panel_05") or {}).get("review"), "panel_05's review in the manifest")
    assert review["verdict"] == "rejected" and review["version"] == 1, review

    # The finished page, as a test artifact (and, on request, the README's screenshot).
    for panel_id in PANELS:
        expect_output_loaded(page, panel_id)
    page.evaluate("window.scrollTo(0, 0)")
    shot = screenshot(page, "dashboard-finished.png")
    if os.environ.get("UPDATE_SCREENSHOT") == "1":
        (REPO / "docs").mkdir(exist_ok=True)
        shutil.copyfile(shot, REPO / "docs" / "dashboard.png")
    assert shot.stat().st_size > 0
    assert page.errors == []  # type: ignore[attr-defined]


def test_an_out_of_memory_recovery_shows_its_notice_and_the_tile_its_note(browser, sessions):
    # 768x432 on 600 MiB: sampling (162 MiB) fits, plain VAE decoding (648 MiB) does not, tiled
    # decoding (one 512x512 tile, 512 MiB) does.
    session = sessions(["--vram-gib", str(600 / 1024), "--step-ms", "2", "--load-ms", "20"], ["--previews", "none"],
                       resolution="768x432")
    page = open_page(browser, session.url)
    # Redo from the page renders a panel that never rendered as its version 1: only panel_01 runs.
    tile(page, "panel_01").locator('[data-action="redo"]').click()
    expect(tile(page, "panel_01")).to_have_attribute("data-status", "completed")
    expect(run_header(page)).to_have_attribute("data-run-state", "idle")
    warning = page.locator('[data-role="notice"][data-level="warning"]', has_text="ran out of memory on panel_01")
    expect(warning.first).to_be_visible()
    expect(tile(page, "panel_01").locator('[data-role="notes"]')).to_contain_text("VAEDecodeTiled")
    expect_output_loaded(page, "panel_01", version=1)
    screenshot(page, "dashboard-out-of-memory.png")


def test_a_failed_panel_shows_its_reason_and_suggestion(browser, sessions):
    # 16 MiB: nothing fits, every recovery step fails, the panel fails with a reason and a suggestion.
    session = sessions(["--vram-gib", "0.015625", "--step-ms", "2", "--load-ms", "20"], ["--previews", "none"])
    page = open_page(browser, session.url)
    click_action(page, "start")
    panel = tile(page, "panel_01")
    expect(panel).to_have_attribute("data-status", "failed")
    failure = panel.locator('[data-role="failure"]')
    expect(failure).to_be_visible()
    expect(failure.locator(".failure-kind")).to_have_text(re.compile("out of memory", re.I))
    expect(failure.locator(".failure-message")).not_to_be_empty()
    expect(failure.locator(".failure-suggestion")).to_contain_text("target_resolution")
    expect(page.locator('[data-role="notice"][data-level="error"]', has_text="panel_01 failed")).to_have_count(1)
    expect(run_header(page)).to_have_attribute("data-run-state", "idle")
    expect(page.locator('[data-count="failed"] strong')).to_have_text("9")
    screenshot(page, "dashboard-failed.png")


def test_render_with_a_dashboard_streams_the_render_to_the_page_and_exits_when_it_is_done(browser, sessions):
    session = sessions(["--previews", "--step-ms", "10", "--load-ms", "100"], command="render")
    page = open_page(browser, session.url)
    expect(page.locator("article[data-panel-id]")).to_have_count(len(PANELS))
    # The render's server stops with the render, so only what the feed delivered is checked here:
    # images load lazily and may be asked for after it is gone (other tests check that they load).
    for panel_id in PANELS:
        expect(tile(page, panel_id)).to_have_attribute("data-status", "completed")
        expect(tile(page, panel_id)).to_have_attribute("data-version", "1")
        expect(tile(page, panel_id).locator('img[data-role="output"]')).to_have_attribute("src", re.compile(r"/1/\d+$"))
    assert session.dashboard.process.wait(timeout=WAIT_S) == 0, session.log()
    # The server is gone with the render: the page says so and keeps what it showed.
    expect(page.locator("#connection")).to_have_attribute("data-connection", "offline")
    expect(run_header(page)).to_have_attribute("data-done", "9")
    expect(page.locator("#banner")).to_contain_text("not answering")


def test_with_a_token_the_page_needs_it_once_then_works_from_its_cookie(browser, sessions):
    session = sessions(["--step-ms", "2", "--load-ms", "20"], ["--dashboard-token", "s3cret-token", "--previews", "none"])
    assert "s3cret-token" not in session.dashboard.log(), "the token is never printed"
    refused = open_page(browser, session.url, live=False)
    assert refused.evaluate("fetch('/api/snapshot').then(r => r.status)") == 401
    expect(refused.locator("article[data-panel-id]")).to_have_count(0)

    page = open_page(browser, session.url + "?token=s3cret-token")
    assert page.url == session.url, "the token leaves the address bar"
    expect(page.locator("article[data-panel-id]")).to_have_count(len(PANELS))
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["comfybridge_dashboard"]["httpOnly"] and cookies["comfybridge_dashboard"]["sameSite"] == "Strict"
    click_action(page, "start")
    expect(run_header(page)).to_have_attribute("data-done", "9")
    expect_output_loaded(page, "panel_09", version=1)


def test_a_page_whose_server_went_away_reconnects_by_itself_and_shows_the_state_again(browser, sessions):
    session = sessions(["--step-ms", "2", "--load-ms", "20"], ["--previews", "none"])
    page = open_page(browser, session.url)
    click_action(page, "start")
    expect(run_header(page)).to_have_attribute("data-done", "9")
    expect(run_header(page)).to_have_attribute("data-run-state", "idle")

    session.dashboard.stop()
    expect(page.locator("#connection")).to_have_attribute("data-connection", "offline")
    expect(page.locator("#banner")).to_be_visible()

    # The same project served again at the same address: the page reconnects (with backoff) and
    # reads a fresh snapshot, rebuilt from the ledger.
    port = re.search(r":(\d+)/", session.url).group(1)
    again = session.start("dashboard again", [
        "dashboard", str(session.project), "--server", session.server, "--listen", f"127.0.0.1:{port}", "--previews", "none",
    ], session.project.parent)
    again.wait_for_line(r"^Dashboard\b[^:]*: (https?://\S+)", "stderr")
    expect(page.locator("#connection")).to_have_attribute("data-connection", "live")
    expect(page.locator("#banner")).to_be_hidden()
    expect(run_header(page)).to_have_attribute("data-done", "9")
    for panel_id in PANELS:
        expect(tile(page, panel_id)).to_have_attribute("data-status", "completed")
    expect_output_loaded(page, "panel_05", version=1)
