"""HTML and plain bodies reduced to one clean text: table rows as ``label | value``."""

from __future__ import annotations

import html as html_entities
import re
import unicodedata

from selectolax.lexbor import LexborHTMLParser, LexborNode

# Block elements end a line; table cells become " | "-separated columns.
_BLOCKS = [
    "address",
    "article",
    "aside",
    "blockquote",
    "caption",
    "center",
    "dd",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "tbody",
    "tfoot",
    "thead",
    "tr",
    "ul",
]
_BLOCK_SELECTOR = ",".join(_BLOCKS)
_MARKED_SELECTOR = _BLOCK_SELECTOR + ",td,th,br"
# Inline styles that hide an element; the "i" flag makes the match ignore case.
_HIDDEN_SELECTOR = ",".join(
    [
        '[style*="display:none" i]',
        '[style*="display: none" i]',
        '[style*="visibility:hidden" i]',
        '[style*="visibility: hidden" i]',
        "[hidden]",
    ]
)
_DROPPED = ["head", "style", "script", "noscript", "template", "title", "svg", "xml"]
_LINE = "\ue000"  # private-use marks: never in mail, never whitespace
_CELL = "\ue001"

_HIDDEN_CLASS = re.compile(
    r"\.([A-Za-z_][\w-]*)\s*\{[^}]*?(?:display\s*:\s*none|visibility\s*:\s*hidden)",
    re.IGNORECASE,
)
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_BLANK_RUNS = re.compile(r"\n{3,}")
_ODD_SPACE = re.compile(
    "  |[\t\x0b\x0c\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
)
_HAS_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_ENTITY = re.compile(r"&(?:#[0-9]+|#x[0-9a-fA-F]+|[A-Za-z]{2,8});")
_LOOKS_HTML = re.compile(
    r"<(?:html|body|table|td|div|p|br|span)\b[^>]*>", re.IGNORECASE
)
_LABEL_LINE = re.compile(r"^[^\s:|][^:|]{0,30}\s?[:|]")
_SENTENCE_END = (".", ":", "!", "?", "|", ";")


def html_to_text(markup: str) -> str:
    """Visible text of an HTML body, one line per block and ``a | b`` per table row.

    ``head``, ``style`` and ``script`` are dropped, and so are elements hidden
    with ``display:none`` or ``visibility:hidden`` (inline, or through a class
    a ``<style>`` block hides), such as the preview text mailers put first.
    Entities and non-breaking spaces become plain characters.
    """
    tree = LexborHTMLParser(markup)
    hidden = _HIDDEN_SELECTOR
    if "<style" in markup or "<STYLE" in markup:
        classes = {
            name
            for style in tree.css("style")
            for name in _HIDDEN_CLASS.findall(style.text(deep=True))
        }
        if classes:
            hidden += "," + ",".join("." + _css_identifier(c) for c in sorted(classes))
    tree.strip_tags(_DROPPED, recursive=True)
    root = tree.body or tree.root
    if root is None:
        return ""
    _remove_outermost(root.css(hidden))
    for node in root.css(_MARKED_SELECTOR):
        tag = node.tag
        if tag == "br":
            node.insert_after(_LINE)
        elif tag == "td" or tag == "th":
            node.insert_before(_CELL)
        else:
            node.insert_before(_LINE)
            node.insert_after(_LINE)
    return fold_lines(root.text(deep=True))


def _remove_outermost(nodes: list[LexborNode]) -> None:
    """Remove the nodes, but not one inside another already removed (whose
    memory the parser has freed with its ancestor)."""
    ids = {node.mem_id for node in nodes}
    for node in nodes:
        parent = node.parent
        while parent is not None and parent.mem_id not in ids:
            parent = parent.parent
        if parent is None:
            node.decompose()


def _css_identifier(name: str) -> str:
    return re.sub(r"([^\w-])", r"\\\1", name)


def fold_lines(marked: str) -> str:
    """Turn text carrying line and cell marks into clean lines.

    Any other whitespace, source newlines included, folds to one space, as a
    browser would render it. Empty cells and lines disappear.
    """
    if _HAS_INVISIBLE.search(marked):
        marked = marked.translate(_INVISIBLE)
    lines = []
    for raw_line in marked.split(_LINE):
        if _CELL in raw_line:
            cells = [" ".join(c.split()) for c in raw_line.split(_CELL)]
            line = " | ".join(c for c in cells if c)
        else:
            line = " ".join(raw_line.split())
        if line:
            lines.append(line)
    return "\n".join(lines)


def plain_to_text(body: str) -> str:
    """A ``text/plain`` body cleaned up: entities decoded, whitespace folded,
    invisible characters removed and soft line breaks joined.

    A line that ends in a space (``format=flowed``) or a long line that stops
    mid-sentence and is followed by one that continues it is joined to the
    next, so "…at\\nBIGBASKET on…" reads as one sentence. Blank lines between
    paragraphs are kept as one blank line.
    """
    if body.count("<") > 3 and _LOOKS_HTML.search(body):
        return html_to_text(body)
    if "&" in body and _ENTITY.search(body):
        body = html_entities.unescape(body)
    if not body.isascii() and _HAS_INVISIBLE.search(body):
        body = body.translate(_INVISIBLE)
    if "\r" in body:
        body = body.replace("\r\n", "\n").replace("\r", "\n")
    raw_lines = body.split("\n")
    if _ODD_SPACE.search(body):
        folded = [" ".join(raw.split()) for raw in raw_lines]
    else:  # single spaces only: trimming the ends is enough
        folded = [raw.strip() for raw in raw_lines]
    if max(map(len, folded)) < 60 and not any(raw.endswith(" ") for raw in raw_lines):
        # No line can continue on the next: only blank runs to fold.
        return _BLANK_RUNS.sub("\n\n", "\n".join(folded)).strip("\n")
    lines: list[str] = []
    join_next = False
    for raw, line in zip(raw_lines, folded, strict=True):
        if join_next and line and lines and not _LABEL_LINE.match(line):
            lines[-1] = f"{lines[-1]} {line}"
        elif line or (lines and lines[-1]):
            lines.append(line)
        join_next = bool(line) and _is_soft_break(raw, line)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def _is_soft_break(raw: str, line: str) -> bool:
    if raw.endswith(" ") and not raw.endswith("  "):
        return True  # format=flowed: a single trailing space means "continues"
    if len(line) < 60 or line.endswith(_SENTENCE_END):
        return False
    return not _LABEL_LINE.match(line)


def fold_unicode(text: str) -> str:
    """Compatibility forms folded (full-width digits, ligatures, odd spaces)."""
    if text.isascii() or unicodedata.is_normalized("NFKC", text):
        return text
    return unicodedata.normalize("NFKC", text)
