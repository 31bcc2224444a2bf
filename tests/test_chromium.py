"""The DevTools pipe client: it loads a local page, evaluates, prints, and sees errors and requests."""

from __future__ import annotations

import pytest

from orgkit.errors import ReportError
from orgkit.report import chromium
from orgkit.report.render import find_chromium

pytestmark = [
    pytest.mark.skipif(find_chromium() is None,
                       reason="headless Chromium not found: apt-get install chromium (or set ORGKIT_CHROMIUM)"),
    pytest.mark.skipif(not chromium.pipe_supported(), reason="the DevTools pipe needs a POSIX system"),
]

PAGE = """<!doctype html><html><head><title>Pipe check</title>
<style>@page { size: A4; margin: 20mm }</style></head>
<body><h1>First</h1><p>one</p><h2>Second</h2>
<button id="b" onclick="this.dataset.n = (+this.dataset.n || 0) + 1">press</button>
<script>console.log("quiet"); %s</script>%s</body></html>"""


def _page(tmp_path, script="", extra=""):
    path = tmp_path / "page.html"
    path.write_text(PAGE % (script, extra), encoding="utf-8")
    return path


def test_evaluates_clicks_and_stays_clean(tmp_path):
    with chromium.Browser(timeout=60) as browser:
        browser.open(_page(tmp_path))
        assert browser.evaluate("document.title") == "Pipe check"
        browser.evaluate("document.getElementById('b').click()")
        browser.evaluate("document.getElementById('b').click()")
        assert browser.evaluate("document.getElementById('b').dataset.n") == "2"
        assert browser.evaluate("Promise.resolve(6 * 7)") == 42
    assert ("log", "quiet") in browser.events.console
    assert browser.events.errors == []
    assert browser.events.network == []
    assert any(url.startswith("file:") for url in browser.events.requests)


def test_sees_console_errors_exceptions_and_requests(tmp_path):
    page = _page(tmp_path, "console.error('broken'); setTimeout(() => { null.x }, 0);",
                 '<img src="https://example.invalid/pixel.png">')
    with chromium.Browser(timeout=60) as browser:
        browser.open(page)
        browser.evaluate("new Promise(r => setTimeout(() => r(true), 50))")
        with pytest.raises(ReportError, match="JavaScript failed"):
            browser.evaluate("undefinedName.property")
    assert "broken" in browser.events.errors
    assert any("TypeError" in text for text in browser.events.exceptions)
    assert browser.events.network == ["https://example.invalid/pixel.png"]


def test_prints_with_page_numbers_and_outline(tmp_path):
    pypdf = pytest.importorskip("pypdf")
    footer = '<div style="font-size:8px;width:100%;text-align:center">page <span class="pageNumber"></span></div>'
    with chromium.Browser(timeout=60) as browser:
        browser.open(_page(tmp_path))
        pdf = browser.print_pdf(tmp_path / "page.pdf", footer=footer)
    reader = pypdf.PdfReader(pdf)
    assert "page 1" in reader.pages[0].extract_text()
    titles = [item["/Title"] for item in reader.outline if not isinstance(item, list)]
    assert titles == ["First"]
