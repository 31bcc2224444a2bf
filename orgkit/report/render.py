"""Turn an executed notebook into the report: self-contained HTML, and PDF through headless Chromium.

HTML uses nbconvert's ``HTMLExporter`` in-process with the ``orgkit`` template (``templates/orgkit``),
which extends JupyterLab's, hides every input and prompt and loads nothing from a CDN; a contents list for
print follows the cover (:func:`orgkit.report.pdf.add_contents`). PDF prints that HTML with Chromium, driven
over the DevTools pipe (:func:`orgkit.report.pdf.print_report`: page numbers, the title in the footer, the
contents' page numbers); where the pipe cannot run (Windows) with Chromium's ``--print-to-pdf``, without
them. The page size and margins come from the ``@page`` rule of ``static/print.css``.
"""

from __future__ import annotations

import logging
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from orgkit.errors import DependencyMissingError, ReportError
from orgkit.report.chromium import CHROMIUM_INSTALL_HINT, chromium_command, find_chromium

__all__ = [
    "render_html",
    "print_pdf",
    "screenshot",
    "find_chromium",
    "chromium_command",
    "CHROMIUM_INSTALL_HINT",
]

logger = logging.getLogger(__name__)

_LANG_CODES = {"en": "en", "zh": "zh"}


def render_html(
    notebook: str | os.PathLike[str] | Any,
    html_path: str | os.PathLike[str],
    *,
    language: str = "en",
    title: str | None = None,
) -> Path:
    """Render an executed notebook to one self-contained HTML file with no code in it.

    Parameters
    ----------
    notebook : path or nbformat.NotebookNode
        The executed notebook.
    html_path : path
        Where to write the HTML.
    language : {"en", "zh"}
        Sets ``<html lang>`` (which picks CJK fonts in browsers).
    title : str, optional
        The ``<title>`` of the page (default: the notebook's name).

    Returns
    -------
    Path
        ``html_path``.

    Notes
    -----
    The page carries a contents list after the cover, shown only in print: every section and its
    sub-headings, linked, with room for the page numbers that :func:`print_pdf` fills in.
    Inputs, input prompts and output prompts are excluded; cells tagged ``remove-cell`` are dropped,
    outputs tagged ``remove-output`` too. ``stderr`` streams (warnings a library printed in the kernel)
    never reach the reader; each is logged at WARNING level instead so it is not lost.
    """
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    from orgkit.report.pdf import add_contents
    from orgkit.report.resources import template_path

    nb = nbformat.read(os.fspath(notebook), as_version=4) if not hasattr(notebook, "cells") else notebook
    nb = _strip_stderr(nb)
    if title:
        nb.metadata["title"] = title
    remover = TagRemovePreprocessor(
        remove_cell_tags={"remove-cell", "injected-parameters", "parameters", "papermill-error-cell-tag"},
        remove_input_tags={"hide-input", "remove-input"},
        remove_all_outputs_tags={"remove-output"},
        enabled=True,
    )
    exporter = HTMLExporter(
        template_name="orgkit",
        extra_template_basedirs=[str(template_path())],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        language_code=_LANG_CODES.get(language, language),
    )
    exporter.register_preprocessor(remover, enabled=True)
    body, _ = exporter.from_notebook_node(nb, resources={"orgkit": {"language": language}})
    body = add_contents(body, language)
    out = Path(html_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    tmp.write_text(body, encoding="utf-8")
    os.replace(tmp, out)
    return out


def _strip_stderr(nb: Any) -> Any:
    import copy

    nb = copy.deepcopy(nb)
    for i, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "code":
            continue
        kept = []
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                logger.warning("cell %d wrote to stderr (not shown in the report): %s", i, out.get("text", "").strip()[:500])
                continue
            kept.append(out)
        cell["outputs"] = kept
    return nb


def _run_chromium(args: list[str], output: Path, timeout: float) -> subprocess.CompletedProcess[str]:
    chromium = find_chromium()
    if chromium is None:
        raise DependencyMissingError(f"headless Chromium is needed for this step and was not found. {CHROMIUM_INSTALL_HINT}")
    with tempfile.TemporaryDirectory(prefix="orgkit-chromium-") as profile:
        cmd = chromium_command(chromium, profile, *args)
        logger.debug("running %s", cmd)
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as err:
            raise ReportError(f"Chromium did not finish within {timeout:.0f} s while writing {output}.") from err
        except OSError as err:
            raise DependencyMissingError(f"cannot run {chromium}: {err}. {CHROMIUM_INSTALL_HINT}") from err
    if proc.returncode != 0 or not output.is_file() or output.stat().st_size == 0:
        tail = "\n".join(proc.stderr.strip().splitlines()[-5:])
        raise ReportError(f"Chromium failed to write {output} (exit {proc.returncode}):\n{tail}")
    return proc


def print_pdf(
    html_path: str | os.PathLike[str],
    pdf_path: str | os.PathLike[str],
    *,
    timeout: float = 120,
    language: str | None = None,
) -> Path:
    """Print a report page to an A4 PDF with headless Chromium: page numbers, contents, the template's breaks.

    Parameters
    ----------
    html_path : path
        The page (from :func:`render_html`).
    pdf_path : path
        Where to write the PDF (written whole, under a temporary name first).
    timeout : float
        Seconds Chromium may take for any one step.
    language : {"en", "zh"}, optional
        The language of the footer ("Page 3 of 19", 「第 3 页，共 19 页」); default: the page's ``<html lang>``.

    Notes
    -----
    On Linux and macOS Chromium is driven over the DevTools pipe (:func:`orgkit.report.pdf.print_report`):
    every page has a footer with the report's title and its page number, and the contents page lists the
    page of each section. Where the pipe cannot run (Windows), the PDF is printed with Chromium's command
    line instead, without footer and without the contents' page numbers, and a warning says so.

    Raises
    ------
    DependencyMissingError
        When no Chromium/Chrome/Edge executable is found; the message says how to install one.
    ReportError
        When Chromium runs but writes no PDF.
    """
    from orgkit.report import chromium
    from orgkit.report.pdf import print_report, repair_cjk_text

    html = Path(html_path).resolve()
    out = Path(pdf_path).resolve()
    if chromium.pipe_supported():
        executable = find_chromium()
        if executable is None:
            raise DependencyMissingError(
                f"headless Chromium is needed for this step and was not found. {CHROMIUM_INSTALL_HINT}")
        print_report(html, out, language=language, timeout=timeout, chromium=executable)
    else:
        tmp = out.with_name(out.name + ".part.pdf")
        tmp.unlink(missing_ok=True)
        _run_chromium([f"--print-to-pdf={tmp}", html.as_uri()], tmp, timeout)
        repair_cjk_text(tmp)
        os.replace(tmp, out)
        logger.warning("%s has no page numbers and its contents no page numbers: they need Chromium driven "
                       "over its DevTools pipe, which orgkit does on Linux and macOS only.", out.name)
    _warn_if_cjk_cannot_print(html, out)
    return out


def _warn_if_cjk_cannot_print(html: Path, pdf: Path) -> None:
    """Chromium prints with this machine's fonts: say so when Chinese text met a machine without a CJK font."""
    from orgkit.plots.style import cjk_font_hint, has_cjk, system_cjk_font

    if system_cjk_font() is None and has_cjk(html.read_text(encoding="utf-8", errors="replace")):
        logger.warning("%s: this machine has no CJK font, so Chinese text in the PDF is printed as boxes "
                       "(report.html is not affected: the reader's browser draws it); %s", pdf.name,
                       cjk_font_hint())


def screenshot(
    html_path: str | os.PathLike[str],
    png_path: str | os.PathLike[str],
    *,
    width: int = 1280,
    height: int = 4000,
    timeout: float = 120,
) -> Path:
    """A PNG screenshot of an HTML file in headless Chromium (for checking the layout by eye)."""
    html = Path(html_path).resolve()
    out = Path(png_path).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.unlink(missing_ok=True)
    _run_chromium([f"--screenshot={out}", f"--window-size={width},{height}", html.as_uri()], out, timeout)
    return out

