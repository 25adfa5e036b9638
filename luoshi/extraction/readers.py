"""Read a readout from .txt, .html/.htm or .docx into plain text."""

from __future__ import annotations

import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

from .model import ExtractionInputError

MAX_BYTES = 10 * 1024 * 1024
# Caps that keep a hostile file cheap (issue 16, items 6 and 11): no readout nests elements
# this deep, has this many paragraphs, or unpacks to this much XML.
MAX_DEPTH = 100
MAX_PARAGRAPHS = 20_000
MAX_DOCX_XML_BYTES = 20 * 1024 * 1024

_SKIP = {"script", "style", "nav", "header", "footer", "aside", "noscript", "form", "template", "svg", "head"}
_BLOCK = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
    "section", "article", "main", "blockquote", "pre", "td", "dd", "dt",
}
_VOID = {"br", "img", "hr", "meta", "link", "input", "area", "base", "col", "embed", "source", "wbr"}


class _Node:
    def __init__(self, tag: str, parent: _Node | None) -> None:
        self.tag = tag
        self.parent = parent
        self.depth = 0 if parent is None else parent.depth + 1
        self.parts: list[str | _Node] = []

    def text(self) -> str:
        out: list[str] = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
            else:
                inner = part.text()
                out.append(f"\n{inner}\n" if part.tag in _BLOCK else inner)
        return "".join(out)

    def direct_text_len(self) -> int:
        """Characters in this node's own paragraphs (children <p> count as its own)."""
        n = 0
        for part in self.parts:
            if isinstance(part, str):
                n += len(part.strip())
            elif part.tag in ("p", "br", "span", "strong", "b", "em", "i", "font", "a"):
                n += len(part.text().strip())
        return n

    def walk(self) -> list[_Node]:
        out: list[_Node] = [self]
        for part in self.parts:
            if isinstance(part, _Node):
                out.extend(part.walk())
        return out


class _Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("root", None)
        self.cur = self.root
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skipping += 1
            return
        if self.skipping:
            return
        if self.cur.depth >= MAX_DEPTH:
            # Deeper elements are flattened into their ancestor: their text still counts, and
            # reading the tree never recurses past MAX_DEPTH.
            if tag in _BLOCK:
                self.cur.parts.append("\n")
            return
        node = _Node(tag, self.cur)
        self.cur.parts.append(node)
        if tag not in _VOID:
            self.cur = node

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
            return
        if self.skipping:
            return
        node: _Node | None = self.cur
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.cur = node.parent

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.cur.parts.append(data)


def html_to_text(html: str) -> str:
    """Main text of a page: <article> or <main> if present, else the block with most text."""
    tree = _Tree()
    tree.feed(html)
    tree.close()
    nodes = tree.root.walk()
    main = next((n for n in nodes if n.tag == "article"), None) or next(
        (n for n in nodes if n.tag == "main"), None
    )
    if main is None:
        candidates = [n for n in nodes if n.tag in ("div", "section", "td", "body", "root")]
        main = max(candidates, key=lambda n: n.direct_text_len(), default=tree.root)
        if main.direct_text_len() == 0:
            main = tree.root
    return _tidy(main.text())


def _tidy(text: str) -> str:
    lines = [re.sub(r"[ \t\u00a0\u3000]+", " ", line).strip() for line in text.splitlines()]
    return "\n\n".join(line for line in lines if line)


def _decode(data: bytes, path: Path) -> str:
    if b"\x00" in data[:4096]:
        raise ExtractionInputError(f"{path}: looks like a binary file, not text")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ExtractionInputError(f"{path}: not UTF-8 or GB18030 text")


def read_document(path: str | Path) -> str:
    """Text of a readout file (.txt, .html, .htm, .docx); ExtractionInputError if unreadable."""
    path = Path(path)
    if not path.is_file():
        raise ExtractionInputError(f"{path}: no such file")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise ExtractionInputError(
            f"{path}: file too large ({size:,} bytes; limit {MAX_BYTES:,})"
        )
    suffix = path.suffix.lower()
    if suffix in (".txt", ".text", ""):
        return _decode(path.read_bytes(), path)
    if suffix in (".html", ".htm"):
        return html_to_text(_decode(path.read_bytes(), path))
    if suffix == ".docx":
        return _read_docx(path)
    raise ExtractionInputError(
        f"{path}: unsupported file type {suffix!r} (use .txt, .html, .htm or .docx)"
    )


def _read_docx(path: Path) -> str:
    """The paragraphs of word/document.xml, read as a stream with its size and paragraph count
    capped before anything large is built (python-docx would build every paragraph first)."""
    from xml.etree.ElementTree import ParseError, iterparse  # nosec B405 # no DTDs or entities are resolved (expat), sizes capped

    if not zipfile.is_zipfile(path):
        raise ExtractionInputError(f"{path}: not a valid .docx file (not a zip package)")
    word = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    paragraphs: list[str] = []
    seen = 0
    try:
        with zipfile.ZipFile(path) as package:
            info = package.getinfo("word/document.xml")
            if info.file_size > MAX_DOCX_XML_BYTES:
                raise ExtractionInputError(
                    f"{path}: the document unpacks to {info.file_size:,} bytes of text markup "
                    f"(limit {MAX_DOCX_XML_BYTES:,}); save the readout's text as a smaller file")
            with package.open(info) as xml:
                pieces: list[str] = []
                for _event, element in iterparse(xml, events=("end",)):  # nosec B314
                    if element.tag == f"{word}t" and element.text:
                        pieces.append(element.text)
                    elif element.tag == f"{word}tab":
                        pieces.append("\t")
                    elif element.tag in (f"{word}br", f"{word}cr"):
                        pieces.append("\n")
                    elif element.tag == f"{word}p":
                        text = "".join(pieces).strip()
                        pieces = []
                        seen += 1
                        if text:
                            paragraphs.append(text)
                        if seen > MAX_PARAGRAPHS:
                            raise ExtractionInputError(
                                f"{path}: more than {MAX_PARAGRAPHS:,} paragraphs; a readout is far shorter")
                        element.clear()
                    elif element.tag == f"{word}body":
                        element.clear()
    except ExtractionInputError:
        raise
    except KeyError as exc:
        raise ExtractionInputError(f"{path}: not a valid .docx file (no word/document.xml)") from exc
    except (zipfile.BadZipFile, ParseError, ValueError, OSError) as exc:
        raise ExtractionInputError(f"{path}: not a valid .docx file ({exc})") from exc
    return "\n\n".join(paragraphs)
