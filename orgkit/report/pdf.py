"""The PDF for e-mail: a contents page with the right page numbers, page numbers and the title on every page.

report.html carries its own contents: :func:`add_contents` puts a ``<nav class="ok-contents ok-print-only">``
after the cover when the HTML is rendered, listing the sections and their sub-headings, each linked to its
heading and with an empty page number of reserved width. It shows only in print (``print.css``).

:func:`print_report` prints the page with Chromium driven over the DevTools pipe
(:class:`~orgkit.report.chromium.Browser`):

1. print once, with Chromium's footer ("Page 3 of 19" in the report's language, and the title);
2. read the page each contents link lands on from the PDF itself: every link target becomes a named
   destination (``/Dests``), keyed by the heading's ``id``; pypdf reads them;
3. write those numbers into the contents, in the open page only (report.html is not changed), and print
   again. The number column keeps its width, so the contents take the same room and nothing moves; the
   second print's destinations and outline are compared with the first's, and if anything moved the
   numbers are written again and the page is printed once more.

The print layout is then checked for clipping (:func:`clipped_in_print`): a table or figure wider than the
text column of the page is logged as a warning, naming it. Last, Chinese text is made searchable
(:func:`repair_cjk_text`: Chromium writes the text of some characters as radicals that look the same, 页
as ⻚, so that a search for 页 would find nothing).

The footer and the contents' numbers need the pipe, which runs on POSIX systems; elsewhere
:func:`orgkit.report.render.print_pdf` prints with Chromium's command line and says what is missing.
"""

from __future__ import annotations

import html as htmllib
import io
import json
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from orgkit.i18n import LANGUAGES, t

__all__ = [
    "CONTENTS_ID",
    "MAX_PRINTS",
    "PrintedReport",
    "add_contents",
    "clipped_in_print",
    "contents_entries",
    "destination_pages",
    "footer_template",
    "outline_pages",
    "print_report",
    "repair_cjk_text",
]

logger = logging.getLogger(__name__)

#: The ``id`` of the contents' ``<nav>``.
CONTENTS_ID = "contents"
#: At most this many prints to make the contents' page numbers agree with the pages the headings land on.
MAX_PRINTS = 4

# The report's own markup (templates/blocks): a section is <section class="ok-section-head|ok-summary" id=..>
# with its <h2> first; a sub-heading is <h3 class="ok-sub" [id=..]>.
_HEADING = re.compile(
    r'<section\b(?P<sattrs>[^>]*)>\s*<h2\b[^>]*>(?P<h2>.*?)</h2>'
    r'|<h3\b(?P<hattrs>[^>]*\bclass="[^"]*\bok-sub\b[^"]*"[^>]*)>(?P<h3>.*?)</h3>',
    re.S,
)
_CLASS = re.compile(r'(?:^|\s)class="([^"]*)"')
_ATTR_ID = re.compile(r'(?:^|\s)id="([^"]+)"')
_STATUS_PILL = re.compile(r'<span class="ok-status\b.*?</span>', re.S)
_TAG = re.compile(r"<[^>]+>")
_ID = re.compile(r'\bid="([^"]+)"')
_COVER_END = re.compile(r'<header class="ok-cover"[^>]*>.*?</header>', re.S)
_MAIN = re.compile(r'<main class="ok-report"[^>]*>')


def _text(markup: str) -> str:
    """The plain text of a heading's inner HTML (its status pill left out)."""
    return " ".join(htmllib.unescape(_TAG.sub(" ", _STATUS_PILL.sub(" ", markup))).split())


@dataclass(frozen=True)
class _Entry:
    level: int  # 1: a section, 2: a sub-heading
    anchor: str
    title: str


def contents_entries(html: str) -> list[tuple[int, str, str]]:
    """The headings the contents lists, in order: ``(level, anchor, title)``.

    Level 1 is a section (the ``<h2>`` of a section head or of the executive summary; a summary part that
    follows another, such as "Scores by area" after "Key messages", is level 2), level 2 a sub-heading
    (``<h3 class="ok-sub">``). Sub-headings without an ``id`` are given ``<section>-<n>`` by
    :func:`add_contents`; this function lists them with that anchor.
    """
    start = _body_start(html)
    return [] if start is None else [(e.level, e.anchor, e.title) for e in _scan(html, start)[0]]


def _body_start(html: str) -> int | None:
    """Where the contents goes: after the cover, else at the start of the report; ``None``: not a report."""
    if cover := _COVER_END.search(html):
        return cover.end()
    return m.end() if (m := _MAIN.search(html)) else None


def _scan(html: str, start: int) -> tuple[list[_Entry], list[tuple[int, str]]]:
    """The contents' entries after ``start``, and where an ``id`` must be added to a sub-heading:
    ``(offset in html, id)``."""
    taken = set(_ID.findall(html))
    entries: list[_Entry] = []
    new_ids: list[tuple[int, str]] = []
    section, n_sub, last_summary = "", 0, False
    for m in _HEADING.finditer(html, start):
        if m.group("sattrs") is not None:
            attrs = m.group("sattrs")
            classes = (c.group(1).split() if (c := _CLASS.search(attrs)) else [])
            sid = i.group(1) if (i := _ATTR_ID.search(attrs)) else None
            if sid is None or not {"ok-section-head", "ok-summary"} & set(classes):
                continue
            section, n_sub = sid, 0
            summary = "ok-summary" in classes
            level = 2 if summary and last_summary else 1
            last_summary = summary
            entries.append(_Entry(level, section, _text(m.group("h2"))))
            continue
        if "ok-interactive" in (c.group(1).split() if (c := _CLASS.search(m.group("hattrs"))) else []):
            continue  # the heading of a part that is not printed (the org chart explorer)
        n_sub += 1
        anchor = i.group(1) if (i := _ATTR_ID.search(m.group("hattrs"))) else ""
        if not anchor:
            anchor = f"{section or 'part'}-{n_sub}"
            while anchor in taken:
                anchor += "-"
            taken.add(anchor)
            new_ids.append((m.end("hattrs"), anchor))
        entries.append(_Entry(2, anchor, _text(m.group("h3"))))
    return [e for e in entries if e.title], new_ids


def add_contents(html: str, language: str = "en") -> str:
    """``html`` with a contents list after the cover (print only): every section and sub-heading, linked.

    Each entry is ``<a href="#anchor">`` with the heading's text, a dotted leader and an empty
    ``<span class="ok-toc-page" data-page-for="anchor">`` that :func:`print_report` fills with the page
    number. Sub-headings without an ``id`` get one (``<section id>-<n>``, the n-th sub-heading of the
    section), so that every entry can be linked. A page without sections, or that already has a contents
    list, is returned unchanged.

    Parameters
    ----------
    html : str
        A whole report page, as nbconvert wrote it with the orgkit template.
    language : {"en", "zh"}
        The language of the contents' heading.
    """
    if f'id="{CONTENTS_ID}"' in html or (start := _body_start(html)) is None:
        return html
    entries, new_ids = _scan(html, start)
    if not entries:
        return html
    pieces, last = [], start
    for pos, anchor in new_ids:
        pieces += [html[last:pos], f' id="{htmllib.escape(anchor)}"']
        last = pos
    body = "".join(pieces) + html[last:]
    title = htmllib.escape(t("pdf.contents", language))
    items = "".join(
        f'<li class="ok-toc-{e.level}"><a href="#{htmllib.escape(e.anchor)}">'
        f'<span class="ok-toc-title">{htmllib.escape(e.title)}</span><span class="ok-toc-leader"></span>'
        f'<span class="ok-toc-page" data-page-for="{htmllib.escape(e.anchor)}"></span></a></li>'
        for e in entries)
    nav = (f'<nav class="ok-contents ok-print-only" id="{CONTENTS_ID}" aria-labelledby="{CONTENTS_ID}-title">'
           f'<h2 id="{CONTENTS_ID}-title">{title}</h2><ol>{items}</ol></nav>')
    return html[:start] + nav + body


# ---------------------------------------------------------------------------------------------- the footer
_FONTS = ("system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'Noto Sans CJK SC', "
          "'Noto Sans SC', 'PingFang SC', 'Microsoft YaHei', 'Source Han Sans SC', 'WenQuanYi Micro Hei', sans-serif")
_SAFE_LENGTH = re.compile(r"^\d+(\.\d+)?(mm|cm|in|pt|px|pc|q)$")


def footer_template(title: str, language: str = "en", *, left: str = "13mm", right: str = "13mm",
                    report: str = "") -> str:
    """Chromium's footer: the title on the left, "Page 3 of 19" (「第 3 页，共 19 页」) on the right; small, grey.

    Parameters
    ----------
    title : str
        The client's name (text; it is escaped).
    language : {"en", "zh"}
    left, right : str
        The page's side margins (CSS lengths), so the footer lines up with the text.
    report : str
        What the report is, as its cover's kicker says ("What-if analysis"); default: the assessment's.
    """
    left = left if _SAFE_LENGTH.match(left or "") else "13mm"
    right = right if _SAFE_LENGTH.match(right or "") else "13mm"
    report = report.strip() or t("cover.kicker", language)
    label = t("pdf.footer_title", language, client=title, report=report) if title else report
    page_of = htmllib.escape(t("pdf.page_of", language, page="\x01", pages="\x02"))
    page_of = page_of.replace("\x01", '<span class="pageNumber"></span>').replace("\x02", '<span class="totalPages"></span>')
    return (f'<div style="box-sizing:border-box;width:100%;padding:0 {right} 0 {left};display:flex;'
            f'justify-content:space-between;align-items:baseline;gap:12px;font-family:{_FONTS};'
            f'font-size:7.5pt;line-height:1.2;color:#7b8794;-webkit-print-color-adjust:exact">'
            f'<span style="overflow:hidden;white-space:nowrap;text-overflow:ellipsis;min-width:0">'
            f'{htmllib.escape(label)}</span><span style="white-space:nowrap">{page_of}</span></div>')


# ---------------------------------------------------------------------------------------------- reading the PDF
def _reader(pdf: str | os.PathLike[str] | Any) -> Any:
    from pypdf import PdfReader

    return pdf if isinstance(pdf, PdfReader) else PdfReader(os.fspath(pdf))


def destination_pages(pdf: str | os.PathLike[str] | Any) -> dict[str, int]:
    """The page (1-based) of every named destination of a PDF Chromium printed: ``{element id: page}``.

    Chromium writes a named destination for every element a link in the page points to (``href="#id"``).

    Parameters
    ----------
    pdf : path or pypdf.PdfReader
    """
    reader = _reader(pdf)
    out = {}
    for name, dest in reader.named_destinations.items():
        page = reader.get_destination_page_number(dest)
        if page is not None and page >= 0:
            out[str(name).removeprefix("/")] = page + 1
    return out


def outline_pages(pdf: str | os.PathLike[str] | Any) -> list[tuple[int, str, int]]:
    """The document outline (bookmarks) of a PDF, flattened in order: ``(depth, title, page)``, pages 1-based.

    Parameters
    ----------
    pdf : path or pypdf.PdfReader
    """
    reader = _reader(pdf)
    out: list[tuple[int, str, int]] = []

    def walk(items: list[Any], depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                out.append((depth, str(item.title), reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 0)
    return out


# ---------------------------------------------------------------------------------------------- Chinese text layer
#: CJK Radicals Supplement characters whose glyph is that of a unified ideograph (Unicode's
#: EquivalentUnifiedIdeograph.txt); the Kangxi Radicals (U+2F00-U+2FD5) are mapped by NFKC.
_SUPPLEMENT = {
    0x2E9F: "母", 0x2EA0: "民", 0x2EB0: "纟", 0x2EC4: "西", 0x2EC5: "见", 0x2EC6: "角", 0x2EC8: "讠", 0x2EC9: "贝",
    0x2ECB: "车", 0x2ED0: "钅", 0x2ED1: "長", 0x2ED3: "长", 0x2ED4: "门", 0x2ED7: "雨", 0x2ED8: "青", 0x2ED9: "韦",
    0x2EDA: "页", 0x2EDB: "风", 0x2EDC: "飞", 0x2EDD: "食", 0x2EE0: "饣", 0x2EE2: "马", 0x2EE3: "骨", 0x2EE4: "鬼",
    0x2EE5: "鱼", 0x2EE6: "鸟", 0x2EE7: "卤", 0x2EE8: "麦", 0x2EE9: "黄", 0x2EEA: "黾", 0x2EEC: "齐", 0x2EEE: "齿",
    0x2EF0: "龙", 0x2EF3: "龟",
}
_RADICAL = re.compile("[\u2e80-\u2fdf]")
_RADICAL_CODE = re.compile(rb"<2[EFef][0-9A-Fa-f]{2}>")
_CMAP_BLOCK = re.compile(rb"\d+\s+begin(bfchar|bfrange)(.*?)end\1", re.S)
_CMAP_TOKEN = re.compile(rb"<([0-9A-Fa-f]*)>|(\[)|(\])")


def _ideograph(radical: str) -> str:
    """The ideograph a radical's glyph stands for (the radical itself when there is none)."""
    import unicodedata

    code = ord(radical)
    if 0x2F00 <= code <= 0x2FDF:
        return unicodedata.normalize("NFKC", radical)
    return _SUPPLEMENT.get(code, radical)


def _utf16(hexcode: bytes) -> str:
    return bytes.fromhex(hexcode.decode("ascii")).decode("utf-16-be", errors="surrogatepass")


def _cmap_entries(data: bytes) -> list[tuple[bytes, str]] | None:
    """The (character code, text) pairs of a ToUnicode CMap, ranges expanded; ``None`` if it cannot be read."""
    out: list[tuple[bytes, str]] = []
    for kind, body in _CMAP_BLOCK.findall(data):
        tokens = _CMAP_TOKEN.findall(body)
        if kind == b"bfchar":
            codes = [t[0] for t in tokens]
            if len(codes) % 2 or any(t[1] or t[2] for t in tokens):
                return None
            out += [(src, _utf16(dst)) for src, dst in zip(codes[::2], codes[1::2])]
            continue
        i = 0
        while i + 2 < len(tokens):
            lo, hi = tokens[i][0], tokens[i + 1][0]
            first, last, width = int(lo, 16), int(hi, 16), len(lo)
            if tokens[i + 2][1]:  # [<dst> <dst> ...]
                j = i + 3
                targets = []
                while j < len(tokens) and not tokens[j][2]:
                    targets.append(_utf16(tokens[j][0]))
                    j += 1
                i = j + 1
            else:
                start = _utf16(tokens[i + 2][0])
                if not start:
                    return None
                targets = [start[:-1] + chr(ord(start[-1]) + k) for k in range(last - first + 1)]
                i += 3
            out += [(b"%0*X" % (width, first + k), text) for k, text in enumerate(targets[: last - first + 1])]
        if i != len(tokens):
            return None
    return out


def _cmap_without_radicals(data: bytes) -> bytes | None:
    """A ToUnicode CMap with every radical replaced by its ideograph (all entries as bfchar), or ``None``
    when it has none (or cannot be read)."""
    if not _RADICAL_CODE.search(data):
        return None
    entries = _cmap_entries(data)
    blocks = list(_CMAP_BLOCK.finditer(data))
    if not entries or not blocks:
        return None
    fixed = [(src, _RADICAL.sub(lambda m: _ideograph(m.group()), text)) for src, text in entries]
    if fixed == entries:
        return None
    lines = []
    for i in range(0, len(fixed), 100):  # at most 100 entries per block (PDF 32000-1, 9.10.3)
        chunk = fixed[i:i + 100]
        lines.append(b"%d beginbfchar\n" % len(chunk) + b"\n".join(
            b"<%s> <%s>" % (src.upper(), text.encode("utf-16-be", errors="surrogatepass").hex().upper().encode())
            for src, text in chunk) + b"\nendbfchar")
    return data[:blocks[0].start()] + b"\n".join(lines) + data[blocks[-1].end():]


def _to_unicode_streams(reader: Any) -> dict[tuple[int, int], Any]:
    """Every font's ToUnicode stream in the document (pages, forms and Type 3 fonts), by object number."""
    found: dict[tuple[int, int], Any] = {}
    seen: set[int] = set()

    def resources(res: Any) -> None:
        res = res.get_object() if res is not None else None
        if not res or id(res) in seen:
            return
        seen.add(id(res))
        for font in (res.get("/Font") or {}).values():
            font = font.get_object()
            unicode = font.get("/ToUnicode")
            if unicode is not None and hasattr(unicode, "idnum"):
                found[(unicode.idnum, unicode.generation)] = unicode.get_object()
            if font.get("/Resources") is not None:
                resources(font["/Resources"])
        for xobject in (res.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form" and xobject.get("/Resources") is not None:
                resources(xobject["/Resources"])

    for page in reader.pages:
        resources(page.get("/Resources"))
    return found


def repair_cjk_text(pdf: str | os.PathLike[str]) -> int:
    """Make the Chinese text of a printed PDF searchable and copyable: radicals in its text layer become the
    ideographs they stand for.

    Fonts such as Noto Sans CJK draw 门 and the radical ⻔ (or 人 and ⼈) with one glyph. Chromium's PDF
    writer gives each glyph one character in the font's ToUnicode map and often picks the radical, so the
    page shows 部门 but a search for 部门 finds nothing and a copy pastes 部⻔. This rewrites those maps:
    a Kangxi radical (U+2F00-U+2FD5) becomes its NFKC ideograph, a CJK Radicals Supplement character its
    equivalent unified ideograph. The file is changed by an incremental update (PDF 32000-1, 7.5.6): the
    new maps are appended and nothing already written is touched (outline, links and tags stay).

    Parameters
    ----------
    pdf : path
        A PDF with a classic cross-reference table (as Chromium writes); others are left as they are.

    Returns
    -------
    int
        How many ToUnicode maps were rewritten (0: nothing to do; the file is unchanged).

    References
    ----------
    Unicode Standard Annex #15 (NFKC); Unicode's EquivalentUnifiedIdeograph.txt; ISO 32000-1, 9.10.3
    (ToUnicode CMaps) and 7.5.6 (incremental updates).
    """
    import zlib

    from pypdf.generic import DictionaryObject, NameObject, NumberObject

    path = Path(pdf)
    raw = path.read_bytes()
    tail = re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", raw[-1024:])
    if tail is None or not raw[int(tail.group(1)):].startswith(b"xref"):
        return 0  # a cross-reference stream: not what Chromium writes; leave it
    reader = _reader(path)
    changed = {key: fixed for key, stream in _to_unicode_streams(reader).items()
               if (fixed := _cmap_without_radicals(stream.get_data())) is not None}
    if not changed:
        return 0
    out = bytearray(raw if raw.endswith(b"\n") else raw + b"\n")
    offsets = []
    for (number, generation), data in sorted(changed.items()):
        packed = zlib.compress(data)
        offsets.append((number, generation, len(out)))
        out += b"%d %d obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n" % (number, generation, len(packed))
        out += packed + b"\nendstream\nendobj\n"
    start = len(out)
    out += b"xref\n" + b"".join(b"%d 1\n%010d %05d n \n" % (n, offset, g) for n, g, offset in offsets)
    trailer = DictionaryObject({NameObject(k): v for k, v in reader.trailer.items()
                                if k in ("/Size", "/Root", "/Info", "/ID")})
    trailer[NameObject("/Prev")] = NumberObject(int(tail.group(1)))
    buffer = io.BytesIO()
    trailer.write_to_stream(buffer)
    out += b"trailer\n" + buffer.getvalue() + b"\nstartxref\n%d\n%%%%EOF\n" % start
    part = path.with_name(path.name + ".text")
    part.write_bytes(bytes(out))
    os.replace(part, path)
    return len(changed)


# ---------------------------------------------------------------------------------------------- the browser side
_PAGE_RULE_JS = r"""(() => {
  for (const sheet of document.styleSheets) {
    let rules; try { rules = sheet.cssRules; } catch (e) { continue; }
    for (const r of rules) {
      if (r.type === CSSRule.PAGE_RULE && !r.selectorText) {
        return {size: r.style.getPropertyValue('size'), left: r.style.marginLeft, right: r.style.marginRight};
      }
    }
  }
  return null;
})()"""

_ANCHORS_JS = ("[...document.querySelectorAll('#%s [data-page-for]')].map(e => e.dataset.pageFor)" % CONTENTS_ID)

_FILL_JS = """((pages) => {
  for (const el of document.querySelectorAll('#%s [data-page-for]')) {
    const p = pages[el.dataset.pageFor];
    el.textContent = p == null ? '' : String(p);
  }
  return true;
})(%%s)""" % CONTENTS_ID

#: The width of the page's text column in CSS pixels, from its @page rule (size and side margins).
_COLUMN_JS = r"""((rule) => {
  const sizes = {a3: ['297mm', '420mm'], a4: ['210mm', '297mm'], a5: ['148mm', '210mm'],
                 letter: ['8.5in', '11in'], legal: ['8.5in', '14in']};
  let width = '210mm';
  if (rule && rule.size) {
    const words = rule.size.trim().toLowerCase().split(/\s+/);
    const named = words.find(w => w in sizes);
    if (named) width = sizes[named][words.includes('landscape') ? 1 : 0];
    else if (/^[\d.]+[a-z]+$/.test(words[0])) width = words[0];
  }
  const probe = document.createElement('div');
  probe.style.cssText = `position:absolute;visibility:hidden;width:calc(${width} - ${rule && rule.left || '0px'} - ${rule && rule.right || '0px'})`;
  document.body.appendChild(probe);
  const px = probe.getBoundingClientRect().width;
  probe.remove();
  return Math.floor(px);
})(%s)"""

_CLIPPED_JS = r"""(() => {
  const column = document.querySelector('main') || document.body;
  const box = column.getBoundingClientRect();
  const BOXES = '.ok-table-wrap, table, .ok-figure, figure, .jp-RenderedImage, pre';
  const label = (el) => {
    const caption = el.querySelector('caption, figcaption');
    let title = caption ? caption.textContent : '';
    if (!title) {
      let prev = el.previousElementSibling;
      while (prev && !/^H[1-4]$/.test(prev.tagName)) prev = prev.previousElementSibling;
      title = prev ? prev.textContent : '';
    }
    const heads = [...el.querySelectorAll('thead th')].slice(0, 3).map(h => h.textContent.trim());
    const what = el.querySelector('table') || el.tagName === 'TABLE' ? 'table' : (el.querySelector('img, svg') ? 'figure' : el.tagName.toLowerCase());
    const id = el.id || (el.querySelector('[id]') || {}).id || '';
    return `${what} "${title.trim().replace(/\s+/g, ' ').slice(0, 80)}"` + (heads.length ? ` (${heads.join(', ')}, ...)` : '') + (id ? ` #${id}` : '');
  };
  const out = [];
  for (const top of document.querySelectorAll(BOXES)) {
    if (top.parentElement && top.parentElement.closest(BOXES)) continue;  // counted with its outer box
    let need = 0, room = 0;
    for (const el of [top, ...top.querySelectorAll('*')]) {
      const style = getComputedStyle(el);
      if (style.display === 'none' || style.display === 'inline' || style.visibility === 'hidden') continue;
      if (el.clientWidth > 0 && el.scrollWidth - el.clientWidth > Math.max(1, need - room)) {
        need = el.scrollWidth; room = el.clientWidth;
      }
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right - box.right > Math.max(1, need - room)) {
        need = Math.round(r.right - box.left); room = Math.round(box.width);
      }
    }
    if (need > room) out.push({what: label(top), width: need, room: room});
  }
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth + 1) out.push({what: 'the page', width: root.scrollWidth, room: root.clientWidth});
  return out;
})()"""


def clipped_in_print(browser: Any) -> list[str]:
    """What would be clipped on paper: tables and figures wider than the page's text column, in print layout.

    The open page is laid out as printed (``Emulation.setEmulatedMedia`` print, the window as wide as the text
    column of the ``@page`` rule, e.g. A4 less its side margins); every element of a table or figure whose
    content is wider than its box (``scrollWidth > clientWidth``) or that reaches past the column is listed.
    The window and media are restored afterwards.

    Parameters
    ----------
    browser : orgkit.report.chromium.Browser
        A browser with the report open.

    Returns
    -------
    list of str
        One line per clipped table or figure, and one for the page when anything makes it wider
        (``table "Input files" (Table, File, Rows, ...): 827 px in 695 px``); empty when nothing is clipped.
    """
    rule = browser.evaluate(_PAGE_RULE_JS)
    width = int(browser.evaluate(_COLUMN_JS % json.dumps(rule)))
    width, height = max(width, 200), browser.size[1]
    browser.send("Emulation.setEmulatedMedia", {"media": "print"})
    browser.send("Emulation.setDeviceMetricsOverride",
                 {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
    try:
        found = browser.evaluate(_CLIPPED_JS)
    finally:
        browser.send("Emulation.setEmulatedMedia", {"media": ""})
        browser.send("Emulation.setDeviceMetricsOverride",
                     {"width": browser.size[0], "height": height, "deviceScaleFactor": 1, "mobile": False})
    return [f"{c['what']}: {c['width']} px in {c['room']} px" for c in found]


# ---------------------------------------------------------------------------------------------- printing
@dataclass
class PrintedReport:
    """What :func:`print_report` printed.

    Attributes
    ----------
    path : Path
        The PDF.
    pages : int
        Its number of pages.
    prints : int
        How many times the page was printed (1 without a contents list, 2 when the numbers held at once).
    contents : dict of str to int
        The page number written beside each contents entry, by its anchor.
    clipped : list of str
        Tables and figures wider than the page (see :func:`clipped_in_print`); each is also logged.
    """

    path: Path
    pages: int
    prints: int
    contents: dict[str, int] = field(default_factory=dict)
    clipped: list[str] = field(default_factory=list)


def _language(browser: Any, language: str | None) -> str:
    if language:
        return language
    lang = str(browser.evaluate("document.documentElement.lang || ''")).split("-")[0].lower()
    return lang if lang in LANGUAGES else LANGUAGES[0]


def print_report(
    html_path: str | os.PathLike[str],
    pdf_path: str | os.PathLike[str],
    *,
    language: str | None = None,
    timeout: float = 120,
    check_clipping: bool = True,
    chromium: str | None = None,
) -> PrintedReport:
    """Print report.html to an A4 PDF with a footer, page numbers and a contents page whose numbers are right.

    Parameters
    ----------
    html_path : path
        The report page (rendered by :func:`orgkit.report.render.render_html`, which adds the contents).
    pdf_path : path
        Where to write the PDF; it is written under a temporary name and moved in place when complete.
    language : {"en", "zh"}, optional
        The language of the footer; default: the page's ``<html lang>``.
    timeout : float
        Seconds any one browser step may take.
    check_clipping : bool
        Check the print layout for tables and figures wider than the page, and log each.
    chromium : str, optional
        The Chromium executable (default: :func:`orgkit.report.chromium.find_chromium`).

    Returns
    -------
    PrintedReport

    Raises
    ------
    DependencyMissingError
        When Chromium is missing, or the system cannot drive it over a pipe (not POSIX).
    ReportError
        When Chromium fails, exits or does not answer in time.
    """
    from orgkit.report.chromium import Browser

    html = Path(html_path).resolve()
    out = Path(pdf_path).resolve()
    tmp = out.with_name(out.name + ".part.pdf")
    tmp.unlink(missing_ok=True)
    try:
        with Browser(chromium, timeout=timeout) as browser:
            browser.open(html)
            lang = _language(browser, language)
            rule = browser.evaluate(_PAGE_RULE_JS) or {}
            title = str(browser.evaluate("document.title || ''"))
            kicker = str(browser.evaluate("(document.querySelector('.ok-cover .ok-kicker') || {}).textContent || ''"))
            footer = footer_template(title, lang, left=rule.get("left") or "13mm", right=rule.get("right") or "13mm",
                                     report=kicker)
            anchors = browser.evaluate(_ANCHORS_JS) or []
            prints, written, pages = _print_until_settled(browser, tmp, footer, anchors, out.name)
            clipped = clipped_in_print(browser) if check_clipping else []
        repair_cjk_text(tmp)
        for line in clipped:
            logger.warning("%s: wider than the page, cut off on paper: %s", out.name, line)
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    logger.info("printed %s: %d pages in %d prints", out.name, pages, prints)
    return PrintedReport(out, pages, prints, written, clipped)


def _print_until_settled(browser: Any, pdf: Path, footer: str, anchors: list[str],
                         name: str) -> tuple[int, dict[str, int], int]:
    """Print until the contents' numbers are the pages their headings are on: ``(prints, numbers, pages)``.

    Each print after the first carries the numbers read from the one before; it is final when its named
    destinations equal those numbers and its outline (every heading's page) and page count equal the
    previous print's, i.e. writing the numbers moved nothing.
    """
    written: dict[str, int] = {}
    before: list[tuple[int, str, int]] | None = None
    prints = 0
    while True:
        browser.print_pdf(pdf, footer=footer)
        prints += 1
        reader = _reader(pdf)
        pages = len(reader.pages)
        if not anchors:
            return prints, written, pages
        found = destination_pages(reader)
        found = {a: found[a] for a in anchors if a in found}
        layout = [*outline_pages(reader), (0, "", pages)]
        if before is not None and found == written and layout == before:
            return prints, written, pages
        if prints >= MAX_PRINTS:
            logger.warning("%s: the contents' page numbers did not settle after %d prints; they may be off by "
                           "a page: check the contents page.", name, prints)
            return prints, written, pages
        if before is None and len(found) < len(anchors):
            missing = [a for a in anchors if a not in found]
            logger.warning("%s: no page found for %d contents entries (%s); they are listed without a page "
                           "number.", name, len(missing), ", ".join(missing[:5]))
            if not found:  # this Chromium writes no named destinations: nothing to write in
                return prints, written, pages
        browser.evaluate(_FILL_JS % json.dumps(found))
        written, before = found, layout
