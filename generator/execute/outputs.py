"""Cell records (what a worker reported) -> the HTML placed after the code, plus figure files."""

from __future__ import annotations

import hashlib
import re
from html import escape

import nh3

from generator.diagnostics import Diagnostic, Severity, Span
from generator.execute.cells import CodeCell

ROOT = "{{ROOT}}"  # in src="/href=" values only: the renderer puts the path to the site root there
ASSET_DIR = "_exec"
_CODES = {"exception": "exec-error", "timeout": "exec-timeout", "crash": "exec-crash",
          "exit": "exec-exit"}
# what to do about each kind of failure, in the warning's hint
_FIXES = {
    "exception": "fix the code where the traceback in the page points, or add `#| error: true` "
                 "if it raises on purpose",
    "timeout": "make the cell faster, or give it more time with `#| timeout: 120` (the "
               "traceback in the page shows where it was)",
    "crash": "see the traceback in the page; the cell may use too much memory or crash Python",
    "exit": "remove the sys.exit() call, or add `#| error: true` if it exits on purpose (the "
            "traceback in the page shows where)",
}


_MISSING_MODULE = re.compile(r"No module named '([^']+)'")
#: Modules commonly imported under another name than the package pip installs them by.
_PIP_NAMES = {"sklearn": "scikit-learn", "skimage": "scikit-image", "cv2": "opencv-python",
              "PIL": "Pillow", "yaml": "PyYAML", "bs4": "beautifulsoup4",
              "dateutil": "python-dateutil", "docx": "python-docx", "Bio": "biopython"}


def externalize(record: dict | None) -> tuple[dict | None, dict[str, bytes]]:
    """Move figure bytes out of a worker record: ``(record with asset names, assets)``."""
    if record is None:
        return None, {}
    assets: dict[str, bytes] = {}
    outputs = []
    for out in record.get("outputs", []):
        if out[0] == "figure":
            _, fmt, data, title, size, number = out
            name = f"{ASSET_DIR}/{hashlib.sha256(data).hexdigest()[:20]}.{fmt}"
            assets[name] = data
            out = ("figure", fmt, name, title, list(size) if size else None, number)
        outputs.append(list(out))
    return dict(record, outputs=outputs), assets


def asset_names(record: dict | None) -> list[str]:
    if record is None:
        return []
    return [out[2] for out in record.get("outputs", []) if out[0] == "figure"]


def cell_html(cell: CodeCell, record: dict | None, not_run: str | None = None) -> str:
    """HTML for one cell's outputs; ``record`` None means the cell did not run (``not_run`` says why)."""
    if record is None:
        if not not_run:
            return ""
        return (f'<div class="cell-output cell-not-run"><p class="cell-note">Not run: '
                f"{escape(not_run)}</p></div>")
    parts = []
    if cell.options.output:
        parts.extend(_output_html(cell, out) for out in record.get("outputs", []))
    error = record.get("error")
    if error:
        parts.append(_error_html(error))
    if not parts:
        return ""
    return f'<div class="cell-output" data-line="{cell.line}">{"".join(parts)}</div>'


def _output_html(cell: CodeCell, out: list) -> str:
    kind = out[0]
    if kind in ("stdout", "stderr"):
        cut = out[2] if len(out) > 2 and isinstance(out[2], dict) else None
        if cut:
            cut = {**cut, "tail": terminal_text(cut["tail"])}
        return f'<pre class="cell-{kind}">{terminal_html(shorten(terminal_text(out[1]), cut))}</pre>'
    if kind == "html":
        return f'<div class="cell-result table-wrap">{safe_repr_html(out[1])}</div>'
    if kind == "text":
        return f'<pre class="cell-result">{escape(shorten(out[1]))}</pre>'
    if kind == "figure":
        return _figure_html(cell, out)
    return ""


MAX_LINES = 2000  # a text output longer than this shows its head and tail
MAX_CHARS = 200_000


def shorten(text: str, cut: dict | None = None) -> str:
    """``text`` cut to ``MAX_LINES`` lines / ``MAX_CHARS`` characters: its first and last parts,
    with one line between them that says how much of how much is not shown (20,000 printed lines
    made a 1 MB page).  ``cut``: the worker kept only the start of a long stream (``text``) and
    its end (``cut["tail"]``), and counted the ``chars`` and ``lines`` that went between."""
    tail_text = cut["tail"] if cut else ""
    if cut is None and text.count("\n") < MAX_LINES and len(text) <= MAX_CHARS:
        return text
    head = _first(text, MAX_LINES // 2, MAX_CHARS // 2)
    tail = _last(tail_text if cut else text[len(head):], MAX_LINES // 2, MAX_CHARS // 2)
    lost_chars, lost_lines = (cut["chars"], cut["lines"]) if cut else (0, 0)
    shown_chars, all_chars = len(head) + len(tail), len(text) + len(tail_text) + lost_chars
    if shown_chars == all_chars:  # the worker's cut lost nothing
        return head + tail
    breaks = text.count("\n") + tail_text.count("\n") + lost_lines
    all_lines = breaks + (not (tail_text or text).endswith("\n"))
    hidden = breaks - head.count("\n") - tail.count("\n")
    if hidden > 0:
        first, last = head.count("\n"), tail.count("\n") + (all_lines - breaks)
        gap = (f"… {hidden:,} of {all_lines:,} lines not shown (the first {first:,} and the last "
               f"{last:,} are; run the code to see them all) …")
    else:
        gap = (f"… {all_chars - shown_chars:,} of {all_chars:,} characters not shown, in a line too long "
               "for a page (its start and its end are; run the code to see it all) …")
    return head + ("" if head.endswith("\n") or not head else "\n") + gap + "\n" + tail


def _first(text: str, lines: int, chars: int) -> str:
    """The start of ``text``: its first ``lines`` lines, at most ``chars`` characters, ending at
    a line's end where one falls within them."""
    piece = text[:chars]
    end = -1
    for _ in range(lines):
        end = piece.find("\n", end + 1)
        if end < 0:
            break
    else:
        return piece[:end + 1]
    if len(piece) < len(text) and "\n" in piece:
        return piece[:piece.rindex("\n") + 1]
    return piece


def _last(text: str, lines: int, chars: int) -> str:
    """The end of ``text``: its last ``lines`` lines (the last one unended or not), at most
    ``chars`` characters, starting at a line's start where one falls within them."""
    piece = text[-chars:] if len(text) > chars else text
    start = len(piece) - 1 if piece.endswith("\n") else len(piece)
    for _ in range(lines):
        start = piece.rfind("\n", 0, start)
        if start < 0:
            break
    else:
        return piece[start + 1:]
    if len(piece) < len(text) and "\n" in piece[:-1]:
        return piece[piece.index("\n") + 1:]
    return piece


_STYLE_BLOCK = re.compile(r"<style\b[^>]*>(.*?)</style\s*>", re.IGNORECASE | re.DOTALL)
_CSS_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_ID_ATTR = re.compile(r'(<[a-zA-Z][^<>]*?\sid=")([^"]+)("[^<>]*?)(\s*/?>)')
_STYLER_ID = re.compile(r'\sid="T_[0-9a-f]{5}[\w-]*"')
_EMPTY_TH = re.compile(r"<th(\s[^<>]*)?>\s*(?:&nbsp;|&#160;|\u00a0)?\s*</th>")


def safe_repr_html(html: str) -> str:
    """An HTML repr made safe to place in a page (data can hold ``<script>``).

    A pandas Styler keeps its colours in a ``<style>`` element of ``#id`` rules: they are moved
    into the cells' ``style`` attributes first (the sanitizer drops ``<style>``, and a page-wide
    rule could restyle the site).  Then the site's sanitizer drops scripts, ``on*`` handlers,
    ``javascript:`` URLs, ``<style scoped>`` and obsolete ``border="1"``; Styler's random ids
    (a page differing in every build) go too.
    """
    from generator.markdown.sanitize import sanitize_html

    rules: dict[str, list[str]] = {}
    for block in _STYLE_BLOCK.findall(html):
        for selectors, body in _CSS_RULE.findall(block):
            decls = " ".join(d.strip() + ";" for d in body.split(";") if d.strip())
            for selector in selectors.split(","):
                selector = selector.strip()
                if re.fullmatch(r"#[\w-]+", selector) and decls:
                    rules.setdefault(selector[1:], []).append(decls)
    html = _STYLE_BLOCK.sub("", html)
    kept: list[str] = []  # MathML (a LaTeX repr rendered by the site): the sanitizer drops it

    def keep_math(m: re.Match) -> str:
        math = _clean_mathml(m.group(0))
        if not math.startswith("<math"):
            return ""
        kept.append(math)
        return f"\x02{len(kept) - 1}\x03"
    html = _MATH.sub(keep_math, html.replace("\x02", "").replace("\x03", ""))
    if rules:
        def inline(m: re.Match) -> str:
            decls = rules.get(m.group(2))
            if not decls or " style=" in m.group(0):
                return m.group(0)
            return (f'{m.group(1)}{m.group(2)}{m.group(3)} style="{escape(" ".join(decls))}"'
                    f"{m.group(4)}")
        html = _ID_ATTR.sub(inline, html)
    html = _STYLER_ID.sub("", sanitize_html(html)).strip()
    # the empty corner of a DataFrame's header names no column: a cell, not a header (axe
    # empty-table-header)
    html = _EMPTY_TH.sub(lambda m: f"<td{m.group(1) or ''}></td>", html)
    return re.sub("\x02(\\d+)\x03", lambda m: kept[int(m.group(1))], html) if kept else html


_MATH = re.compile(r"<math\b.*?</math\s*>", re.IGNORECASE | re.DOTALL)
_MATH_TAGS = frozenset(
    "math semantics annotation mrow mi mn mo ms mtext mspace msup msub msubsup mfrac msqrt "
    "mroot mstyle mpadded mphantom menclose mover munder munderover mtable mtr mtd merror "
    "mprescripts none mmultiscripts".split())
_MATH_ATTRS = frozenset(
    "alttext xmlns display mathvariant stretchy fence separator lspace rspace accent "
    "accentunder columnalign rowalign columnspacing rowspacing displaystyle scriptlevel "
    "linethickness width height depth notation encoding form largeop movablelimits symmetric "
    "minsize maxsize class".split())


#: nh3 parses the MathML as a browser would (a ``>`` inside a quoted value is no end of tag) and
#: keeps these elements and attributes only: no handler, link or style survives.
_MATH_CLEANER = nh3.Cleaner(tags=set(_MATH_TAGS), attributes={"*": set(_MATH_ATTRS)},
                            url_schemes=set(), link_rel=None, strip_comments=True)


def _clean_mathml(block: str) -> str:
    """The MathML elements of ``block`` with their presentational attributes only."""
    return _MATH_CLEANER.clean(block)


_SGR = re.compile(r"\x1b\[([0-9;]*)m")
_OTHER_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
                            r"|\x1b[@-Z\\-_]?")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1a\x1c-\x1f\x7f]")
_BACKSPACE = re.compile(r"[^\x08\n]\x08")
_COLOURS = ("black", "red", "green", "yellow", "blue", "magenta", "cyan", "white")


def terminal_text(text: str) -> str:
    """What a terminal would show of each line: ``\\r`` rewinds (the text after the last one
    stays: a progress bar shows its final state) and ``\\b`` erases the character before it."""
    lines = []
    for line in text.split("\n"):
        if "\r" in line:
            line = next((seg for seg in reversed(line.split("\r")) if seg), "")
        while "\x08" in line:
            shorter = _BACKSPACE.sub("", line)
            if shorter == line:
                line = line.replace("\x08", "")
                break
            line = shorter
        lines.append(line)
    return "\n".join(lines)


def terminal_html(text: str) -> str:
    """Escaped terminal output: SGR colours (30-37, 90-97) and bold become ``ansi-*`` spans,
    other escape sequences and control characters are dropped."""
    text = terminal_text(text)
    if "\x1b" not in text:
        return escape(_CONTROLS.sub("", text))
    out, fg, bold, pos = [], None, False, 0
    for match in _SGR.finditer(text):
        out.append(_span(text[pos:match.start()], fg, bold))
        pos = match.end()
        codes = [int(c) if c else 0 for c in match.group(1).split(";")]
        i = 0
        while i < len(codes):
            code = codes[i]
            if code == 0:
                fg, bold = None, False
            elif code == 1:
                bold = True
            elif code == 22:
                bold = False
            elif 30 <= code <= 37:
                fg = _COLOURS[code - 30]
            elif 90 <= code <= 97:
                fg = "gray" if code == 90 else _COLOURS[code - 90]
            elif code == 39:
                fg = None
            elif code in (38, 48):  # 256-colour / RGB: skip the arguments
                i += 2 if codes[i + 1:i + 2] == [5] else 4
            i += 1
    out.append(_span(text[pos:], fg, bold))
    return "".join(out)


def _span(text: str, fg: str | None, bold: bool) -> str:
    text = escape(_CONTROLS.sub("", _OTHER_ESCAPES.sub("", text)))
    classes = ([f"ansi-{fg}"] if fg else []) + (["ansi-bold"] if bold else [])
    if not text or not classes:
        return text
    return f'<span class="{" ".join(classes)}">{text}</span>'


def _figure_html(cell: CodeCell, out: list) -> str:
    _, _fmt, name, title, size, number = out
    caps, alts = cell.options.fig_cap, cell.options.fig_alt
    caption, words = _caption(caps[min(number, len(caps) - 1)] if caps else "")
    alt = (alts[min(number, len(alts) - 1)] if alts else "") or words or title or (
        f"Figure {number + 1} drawn by the code at line {cell.line}")
    dims = f' width="{size[0]}" height="{size[1]}"' if size else ""
    img = (f'<img src="{ROOT}{escape(name)}" alt="{escape(alt)}"{dims} loading="lazy" '
           f'decoding="async">')
    # the full-size image is a click (or Enter) away: a page shows the figure at its width
    img = f'<a class="figure-open" href="{ROOT}{escape(name)}" title="Open the full-size image">{img}</a>'
    cap = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f'<figure class="cell-figure">{img}{cap}</figure>'


def _caption(text: str) -> tuple[str, str]:
    """A ``fig-cap`` as Quarto shows it, inline Markdown (``**bold**``, `` `code` ``, ``$x$``, a
    link; ``[[Note]]`` as a link the page resolves: ``wikilinks.vault_free``), and its words, for
    the picture's ``alt``."""
    if not text:
        return "", ""
    from generator.markdown.wikilinks import vault_free
    from generator.parse import markdown

    md = markdown()
    tokens = md.parseInline(text, {})
    vault_free(tokens)
    children = tokens[0].children or [] if tokens else []
    words = "".join(t.content for t in children
                    if t.type in ("text", "code_inline", "math_inline", "softbreak"))
    return md.renderer.renderInline(children, md.options, {}).strip(), " ".join(words.split())


def _error_html(error: dict) -> str:
    # the message first (``KeyError: 'missing_column'``): a traceback through a library puts it
    # at the bottom of a long box
    message = next((ln.strip() for ln in str(error.get("evalue") or "").splitlines() if ln.strip()),
                   "")
    if len(message) > 160:
        message = message[:159].rstrip() + "…"
    title = f'{error["ename"]}: {message} (line {error["line"]})' if message \
        else f'{error["ename"]} at line {error["line"]}'
    return (f'<div class="cell-error" role="alert"><p class="cell-error-title">{escape(title)}'
            f'</p><pre>{escape(error.get("traceback") or error["evalue"])}</pre></div>')


def embed_diagnostics(cell: CodeCell, record: dict | None, rel: str) -> list[Diagnostic]:
    """An ``output-embed`` warning at the cell's fence for each note its shown Markdown output
    embeds (``![[Note]]``, written as a link to the note: ``wikilinks.vault_free``); the same
    from the cache."""
    if record is None or not cell.options.output:
        return []
    return [Diagnostic(Severity.WARNING, "output-embed",
                       f"the output of this code cell embeds a note, {raw}: an output cannot hold a "
                       "note's text, so the page shows a link to it",
                       Span(rel, cell.fence_line + 1, 1),
                       "embed the note in the note's own text, next to the cell, or print a link "
                       "([[…]]) where a link is meant")
            for out in record.get("outputs", ()) if out[0] == "html" and len(out) > 2
            for raw in dict.fromkeys(out[2])]


def cell_diagnostic(cell: CodeCell, record: dict | None, rel: str,
                    cached: bool = False) -> Diagnostic | None:
    """The build-output line for a cell that failed (None when it did not, or ``error: true``).
    ``cached``: the failure is an earlier run's, answered from the execution cache; the hint says
    how to run the code again (a fix made outside the note and its inputs is not seen)."""
    error = (record or {}).get("error")
    if not error or cell.options.error is True:
        return None
    severity = Severity.ERROR if cell.options.error is False else Severity.WARNING
    evalue = str(error.get("evalue") or "").strip().splitlines()
    message = f'{error["ename"]}: {evalue[0][:200]}' if evalue else error["ename"]
    hint = _FIXES.get(error["kind"], _FIXES["exception"])
    missing = _MISSING_MODULE.match(evalue[0]) if evalue and error["ename"] == "ModuleNotFoundError" \
        else None
    if missing:  # the code may be right: the package is not where the build runs it
        name = missing.group(1).partition(".")[0]
        package = _PIP_NAMES.get(name)
        hint = (f"`{name}` is not installed in the Python environment vaultsite runs the notes' "
                f"code in (not the one of Jupyter or an editor): install "
                + (f"it there (pip install {package})" if package else
                   "the package that provides it there")
                + "; the note runs again by itself once it is, or add `#| error: true` if it "
                "fails on purpose")
    elif cached:
        hint += ("; this is the result of an earlier run, kept in the execution cache: build "
                 "with --rerun to run the code again")
    return Diagnostic(severity, _CODES.get(error["kind"], "exec-error"), message,
                      Span(rel, int(error.get("line") or cell.line), 1), hint)
