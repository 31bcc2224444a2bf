"""Drive headless Chromium through the DevTools protocol over a pipe: print, evaluate, watch.

Chromium started with ``--remote-debugging-pipe`` reads protocol commands on its file descriptor 3 and writes
answers and events on descriptor 4, each message one JSON text ended by a NUL byte. No port is opened and no
websocket library is needed. :class:`Browser` opens one page, loads a local file and then:

* prints it to PDF with a footer (page numbers) and a document outline (``Page.printToPDF``);
* evaluates JavaScript in it (to click, expand, sort) and returns the value;
* records every console message, uncaught exception and network request the page made, so that a test can
  fail on any console error or on any request that leaves the file.

POSIX only (the pipe needs two inherited descriptors); :func:`pipe_supported` says whether it can run here.
:func:`find_chromium` finds the executable and :func:`chromium_command` builds the headless command line
(also used by :mod:`orgkit.report.render` for the command-line print and screenshots).

References
----------
Chrome DevTools Protocol, https://chromedevtools.github.io/devtools-protocol/ (``Target``, ``Page``,
``Runtime``, ``Network``, ``Log`` domains; ``--remote-debugging-pipe`` in Chromium's ``devtools_pipe_handler``).
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from orgkit.errors import DependencyMissingError, ReportError

__all__ = ["Browser", "PageEvents", "pipe_supported", "find_chromium", "chromium_command", "CHROMIUM_INSTALL_HINT",
           "LOCAL_SCHEMES"]

#: URL schemes a self-contained report may load from: anything else is a network request.
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:", "chrome-error:", "devtools:")


#: How to get Chromium, per platform; part of the error raised when it is missing.
CHROMIUM_INSTALL_HINT = (
    "Install Chromium or Google Chrome, or point ORGKIT_CHROMIUM at its executable: "
    "Debian/Ubuntu `sudo apt-get install chromium`; macOS `brew install --cask chromium` (or Google Chrome "
    "in /Applications); Windows: install Google Chrome or Microsoft Edge (found under "
    r"C:\Program Files\Google\Chrome\Application\chrome.exe or ...\Microsoft\Edge\Application\msedge.exe)."
)

_CANDIDATES = (
    "/usr/lib/chromium/chromium",  # Debian: the /usr/bin wrapper prints a shell error in some shells
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    r"C:\Program Files\Google\Chrome\Application\chrome.exe",
    r"C:\Program Files (x86)\Google\Chrome\Application\chrome.exe",
    r"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe",
    r"C:\Program Files\Microsoft\Edge\Application\msedge.exe",
)

def find_chromium() -> str | None:
    """The Chromium (or Chrome/Edge) executable: ``$ORGKIT_CHROMIUM``, then the usual places; ``None``."""
    env = os.environ.get("ORGKIT_CHROMIUM")
    if env:
        return env if (Path(env).is_file() or shutil.which(env)) else None
    for c in _CANDIDATES:
        if os.path.isabs(c) or "\\" in c:
            if Path(c).is_file() and os.access(c, os.X_OK):
                return c
        else:
            found = shutil.which(c)
            if found:
                return found
    return None


def chromium_command(chromium: str, user_data_dir: str | os.PathLike[str], *args: str) -> list[str]:
    """A headless Chromium command line that touches no network and no user profile.

    Parameters
    ----------
    chromium : str
        The executable (see :func:`find_chromium`).
    user_data_dir : path
        A fresh, empty folder for the profile.
    *args : str
        Further flags and the URL.
    """
    return [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--disable-extensions",
        "--hide-scrollbars",
        "--no-pdf-header-footer",
        f"--user-data-dir={user_data_dir}",
        *args,
    ]


def pipe_supported() -> bool:
    """Whether :class:`Browser` can run here (a POSIX system: the pipe needs inherited descriptors 3 and 4)."""
    return os.name == "posix"


@dataclass
class PageEvents:
    """What a page did while it was open.

    Attributes
    ----------
    console : list of (level, text)
        Console messages (``console.log``/``warn``/``error``...) and browser log entries.
    exceptions : list of str
        Uncaught JavaScript exceptions, with their description.
    requests : list of str
        The URL of every request the page made (the file itself included).
    """

    console: list[tuple[str, str]] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        """Console errors and uncaught exceptions, as text."""
        return [text for level, text in self.console if level in ("error", "assert")] + self.exceptions

    @property
    def network(self) -> list[str]:
        """Requests that would leave the machine (any scheme but file, data, blob and about)."""
        return [url for url in self.requests if not url.startswith(LOCAL_SCHEMES)]


def _console_text(params: dict[str, Any]) -> str:
    parts = []
    for arg in params.get("args", []):
        if "value" in arg:
            parts.append(str(arg["value"]))
        else:
            parts.append(str(arg.get("description", arg.get("type", ""))))
    return " ".join(parts)


def _exception_text(params: dict[str, Any]) -> str:
    details = params.get("exceptionDetails", {})
    exc = details.get("exception") or {}
    where = f"{details.get('url', '')}:{details.get('lineNumber', '?')}"
    return f"{exc.get('description') or details.get('text', 'exception')} ({where})"


class Browser:
    """One headless Chromium with one page, driven over the DevTools pipe.

    Use as a context manager; the browser and its profile folder are gone when the block ends.

    Parameters
    ----------
    chromium : str, optional
        The executable (default: :func:`find_chromium`).
    timeout : float
        Seconds any one command or wait may take before :class:`~orgkit.errors.ReportError`.
    width, height : int
        The page's window size in CSS pixels.

    Examples
    --------
    >>> with Browser() as browser:                                   # doctest: +SKIP
    ...     browser.open("reports/acme/report.html")
    ...     browser.evaluate("document.title")
    ...     browser.print_pdf("report.pdf")
    ...     assert not browser.events.errors and not browser.events.network
    """

    def __init__(self, chromium: str | None = None, *, timeout: float = 120.0, width: int = 1280,
                 height: int = 900) -> None:
        if not pipe_supported():
            raise DependencyMissingError("driving Chromium needs a POSIX system (Linux or macOS).")
        self.chromium = chromium or find_chromium()
        if self.chromium is None:
            raise DependencyMissingError(
                f"headless Chromium is needed for this step and was not found. {CHROMIUM_INSTALL_HINT}")
        self.timeout = float(timeout)
        self.size = (int(width), int(height))
        self.events = PageEvents()
        self._proc: subprocess.Popen[bytes] | None = None
        self._profile: tempfile.TemporaryDirectory[str] | None = None
        self._write = self._read = -1
        self._buffer = b""
        self._next_id = 0
        self._pending: list[dict[str, Any]] = []
        self._session: str | None = None

    # ------------------------------------------------------------------ process
    def __enter__(self) -> "Browser":
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def start(self) -> None:
        """Start Chromium and open one blank page."""
        self._profile = tempfile.TemporaryDirectory(prefix="orgkit-chromium-")
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()

        def wire() -> None:  # runs in the child, before exec: the protocol's descriptors are 3 and 4
            os.dup2(to_child_r, 3)
            os.dup2(from_child_w, 4)

        cmd = chromium_command(self.chromium, self._profile.name, "--remote-debugging-pipe",
                               f"--window-size={self.size[0]},{self.size[1]}", "about:blank")
        # a command-line printing flag: with the DevTools pipe it makes the page's renderer exit, and the
        # footer is set per print here (Page.printToPDF displayHeaderFooter) anyway
        cmd.remove("--no-pdf-header-footer")
        try:
            self._proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL, pass_fds=(3, 4), preexec_fn=wire)
        except OSError as err:
            self._profile.cleanup()
            raise DependencyMissingError(f"cannot run {self.chromium}: {err}.") from err
        finally:
            os.close(to_child_r)
            os.close(from_child_w)
        self._write, self._read = to_child_w, from_child_r
        # attach to the page Chromium opened (a second page of its own can lose its renderer in headless mode)
        pages = [t["targetId"] for t in self.send("Target.getTargets")["targetInfos"] if t["type"] == "page"]
        target = pages[0] if pages else self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self._session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Network", "Log"):
            self.send(f"{domain}.enable")
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": self.size[0], "height": self.size[1], "deviceScaleFactor": 1, "mobile": False})

    def close(self) -> None:
        """Close the browser (politely, then by force) and remove its profile folder."""
        if self._proc is not None:
            if self._proc.poll() is None:
                try:
                    self._session = None
                    self._post("Browser.close")
                except OSError:
                    pass
                try:
                    self._proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self._proc.kill()
                    self._proc.wait()
            self._proc = None
        for fd in (self._write, self._read):
            if fd >= 0:
                os.close(fd)
        self._write = self._read = -1
        if self._profile is not None:
            self._profile.cleanup()
            self._profile = None

    # ------------------------------------------------------------------ protocol
    def _post(self, method: str, params: dict[str, Any] | None = None) -> int:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if self._session is not None and not method.startswith(("Target.", "Browser.")):
            message["sessionId"] = self._session
        data = json.dumps(message).encode() + b"\0"
        while data:
            data = data[os.write(self._write, data):]
        return self._next_id

    def _receive(self, deadline: float) -> dict[str, Any]:
        """The next message from Chromium (an answer or an event)."""
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ReportError(f"Chromium did not answer within {self.timeout:.0f} s.")
            ready, _, _ = select.select([self._read], [], [], left)
            if not ready:
                continue
            chunk = os.read(self._read, 1 << 20)
            if not chunk:
                raise ReportError("Chromium closed the DevTools pipe (it exited or crashed).")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message = json.loads(raw)
        if "method" in message:
            self._record(message)
        return message

    def _record(self, event: dict[str, Any]) -> None:
        method, params = event["method"], event.get("params", {})
        if method == "Runtime.consoleAPICalled":
            self.events.console.append((params.get("type", "log"), _console_text(params)))
        elif method == "Runtime.exceptionThrown":
            self.events.exceptions.append(_exception_text(params))
        elif method == "Log.entryAdded":
            entry = params.get("entry", {})
            self.events.console.append((entry.get("level", "info"), f"{entry.get('text', '')} {entry.get('url', '')}".strip()))
        elif method == "Network.requestWillBeSent":
            self.events.requests.append(params.get("request", {}).get("url", ""))
        self._pending.append(event)

    def send(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """Send one protocol command and return its result.

        Raises
        ------
        ReportError
            When Chromium answers with an error, exits, or does not answer within ``timeout``.
        """
        wanted = self._post(method, params)
        deadline = time.monotonic() + self.timeout
        while True:
            message = self._receive(deadline)
            if message.get("id") == wanted:
                if "error" in message:
                    raise ReportError(f"Chromium refused {method}: {message['error'].get('message')}")
                return message.get("result", {})

    def wait_for(self, method: str, timeout: float | None = None) -> dict[str, Any]:
        """Wait for the next event called ``method`` (events already received count) and return its params."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while True:
            for i, event in enumerate(self._pending):
                if event["method"] == method:
                    del self._pending[: i + 1]
                    return event.get("params", {})
            self._pending.clear()
            self._receive(deadline)

    # ------------------------------------------------------------------ page
    def open(self, path: str | os.PathLike[str]) -> None:
        """Load a local file and wait until it has loaded (scripts run, fonts and images in)."""
        url = Path(path).resolve().as_uri()
        self._pending.clear()
        answer = self.send("Page.navigate", {"url": url})
        if answer.get("errorText"):
            raise ReportError(f"Chromium could not open {path}: {answer['errorText']}")
        self.wait_for("Page.loadEventFired")
        self.evaluate("document.fonts ? document.fonts.ready.then(() => true) : true")

    def evaluate(self, expression: str) -> Any:
        """Evaluate a JavaScript expression in the page (promises awaited) and return its JSON value.

        Raises
        ------
        ReportError
            When the expression throws; the message carries the JavaScript error.
        """
        result = self.send("Runtime.evaluate", {"expression": expression, "awaitPromise": True,
                                                "returnByValue": True, "userGesture": True})
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            text = (details.get("exception") or {}).get("description") or details.get("text")
            raise ReportError(f"JavaScript failed in the page: {text}")
        return result.get("result", {}).get("value")

    def print_pdf(self, pdf_path: str | os.PathLike[str], *, footer: str | None = None,
                  outline: bool = True) -> Path:
        """Print the open page to PDF (the page size and margins come from its ``@page`` rule).

        Parameters
        ----------
        pdf_path : path
            Where to write the PDF (written whole, in one go).
        footer : str, optional
            An HTML footer template printed on every page; Chromium fills elements of class
            ``pageNumber``, ``totalPages``, ``title`` and ``date``.
        outline : bool
            Add the document outline (bookmarks from the page's headings).
        """
        params: dict[str, Any] = {"printBackground": True, "preferCSSPageSize": True,
                                  "generateDocumentOutline": outline, "generateTaggedPDF": outline,
                                  "transferMode": "ReturnAsBase64"}
        if footer is not None:
            params.update(displayHeaderFooter=True, headerTemplate="<span></span>", footerTemplate=footer)
        data = base64.b64decode(self.send("Page.printToPDF", params)["data"])
        out = Path(pdf_path)
        out.write_bytes(data)
        return out

    def screenshot(self, png_path: str | os.PathLike[str], *, full_page: bool = True) -> Path:
        """A PNG of the open page (the whole page, or the window)."""
        params: dict[str, Any] = {"format": "png", "captureBeyondViewport": full_page}
        if full_page:
            metrics = self.send("Page.getLayoutMetrics")["cssContentSize"]
            params["clip"] = {"x": 0, "y": 0, "width": metrics["width"], "height": metrics["height"], "scale": 1}
        out = Path(png_path)
        out.write_bytes(base64.b64decode(self.send("Page.captureScreenshot", params)["data"]))
        return out


if __name__ == "__main__":  # pragma: no cover - a quick manual check: python -m orgkit.report.chromium FILE
    with Browser() as b:
        b.open(sys.argv[1])
        print(b.evaluate("document.title"), b.events)
