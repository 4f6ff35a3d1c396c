"""The upload page in a real headless Chromium (Debian's), against a real server in a thread:
log in, open a case, drag and drop a HAR, watch the progress bar, read the findings, download."""

from __future__ import annotations

import base64
import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harguard.gateway import create_app
from tests.gateway.builders import GITHUB_TOKEN, har_with_token
from tests.gateway.conftest import PASSWORD, World, gateway_settings, make_world
from tests.leaks import assert_no_leak

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (apt-get install chromium)"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, World]]:
    import uvicorn

    port = _free_port()
    app = create_app(gateway_settings(tmp_path_factory.mktemp("browser")))
    world = make_world(app.state.gateway, password_for=("customer_a",))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the server did not start")
        threading.Event().wait(0.05)
    yield f"http://127.0.0.1:{port}", world
    server.should_exit = True
    thread.join()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any, server: tuple[str, World]) -> Iterator[Any]:
    context = browser.new_context(base_url=server[0], accept_downloads=True)
    page = context.new_page()
    yield page
    context.close()


def _login(page: Any, world: World) -> None:
    page.goto("/")
    assert "/login" in page.url
    page.fill("input[name=username]", world["customer_a"].username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


DROP = """([name, b64]) => {
  const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
  const transfer = new DataTransfer();
  transfer.items.add(new File([bytes], name, {type: ""}));
  const zone = document.getElementById("dropzone");
  zone.dispatchEvent(new DragEvent("dragover", {dataTransfer: transfer, bubbles: true, cancelable: true}));
  zone.dispatchEvent(new DragEvent("drop", {dataTransfer: transfer, bubbles: true, cancelable: true}));
}"""

WATCH_PROGRESS = """() => {
  window.__progress = [];
  const bar = document.getElementById("progress");
  new MutationObserver(() => window.__progress.push(bar.getAttribute("value")))
    .observe(bar, {attributes: true, attributeFilter: ["value"]});
}"""


def _big_har() -> bytes:
    document = json.loads(har_with_token())
    document["log"]["comment"] = "padding " * 250_000  # 2 MB: the upload takes several progress events
    return json.dumps(document).encode()


def test_drag_and_drop_upload_shows_progress_findings_and_download(page: Any, server: tuple[str, World]) -> None:
    _, world = server
    _login(page, world)
    page.fill("#new-case input[name=title]", "login loop")
    page.click("#new-case button[type=submit]")
    page.wait_for_url("**/cases/*")
    page.evaluate(WATCH_PROGRESS)
    page.evaluate(DROP, ["capture.har", base64.b64encode(_big_har()).decode()])
    page.wait_for_selector("#upload-done")
    progress = [v for v in page.evaluate("window.__progress") if v is not None]
    assert progress and progress[-1] == "100", f"progress bar never reached 100: {progress}"
    result = page.locator(".result")
    assert result.count() == 1
    kinds = result.locator(".by-kind").inner_text()
    assert "bearer-token" in kinds and "session-cookie" in kinds
    assert "authorization" in result.locator(".findings").inner_text().lower()
    assert_no_leak(page.content(), {"github": GITHUB_TOKEN}, "upload page")
    with page.expect_download() as download_info:
        result.locator("a.download").click()
    downloaded = Path(download_info.value.path()).read_bytes()
    assert json.loads(downloaded)["log"]["entries"]
    assert_no_leak(downloaded, {"github": GITHUB_TOKEN}, "downloaded file")

    result.locator("h3 a").click()
    page.wait_for_url("**/files/*")
    assert "bearer-token" in page.locator("#by-kind").inner_text()
    assert page.locator("#findings tbody tr").count() >= 2


def test_file_chooser_upload_of_a_bad_file_shows_the_reason(page: Any, server: tuple[str, World]) -> None:
    _, world = server
    _login(page, world)
    page.goto(f"/cases/{world.cases['a']}")
    page.set_input_files(
        "#file-input",
        files=[
            {
                "name": "cut.har",
                "mimeType": "application/octet-stream",
                "buffer": b'{"log": {"entries": [{"request"',
            }
        ],
    )
    error = page.locator("#upload-error")
    error.wait_for(state="visible")
    assert "truncated" in error.inner_text()
    assert page.locator(".result").count() == 0


def test_session_cookie_is_httponly_and_logout_ends_it(page: Any, server: tuple[str, World]) -> None:
    _, world = server
    _login(page, world)
    assert page.evaluate("document.cookie") == ""  # HttpOnly: invisible to scripts
    cookies = {c["name"]: c for c in page.context.cookies()}
    session = cookies["__Host-harguard_session"]
    assert session["httpOnly"] and session["secure"] and session["sameSite"] == "Strict"
    page.click("form.logout button")
    page.wait_for_url("**/login")
    page.goto("/")
    assert "/login" in page.url
