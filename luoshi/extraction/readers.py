"""Read a readout from .txt, .html/.htm, .docx, .pdf or .ofd into plain text.

PDF text comes through pypdf (pure Python, no native code: lighter than pdfplumber, which
adds pdfminer.six, pypdfium2 and Pillow for a layout analysis a readout does not need);
OFD (GB/T 33190) through ofdkit (standard library only, with its own zip and XML limits).
Both stop after MAX_PAGES pages and MAX_TEXT characters, so a crafted file cannot keep a
worker busy. A PDF page without a text layer (a scan) and images are read by OCR only where
the optional `rapidocr-onnxruntime` is installed (see ocr.py); legacy Word .doc is refused
with a message saying what to do.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from .model import ExtractionInputError, OCRUnavailable

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

MAX_PAGES = 100  # a readout or a set of minutes is a few pages
MAX_TEXT = 1_000_000  # characters: the engine's own limit
# Decompressed sizes a few-page readout never needs: a PDF page's content stream (text pages
# are tens of kB) and an OFD package's parts (a zip bomb stops here, before any XML parsing).
MAX_PAGE_CONTENT = 4 * 1024 * 1024
MAX_OFD_PART = 16 * 1024 * 1024
MAX_OFD_TOTAL = 64 * 1024 * 1024
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
SUFFIXES = (".txt", ".html", ".htm", ".docx", ".pdf", ".ofd")


class _Node:
    def __init__(self, tag: str, parent: _Node | None) -> None:
        self.tag = tag
        self.parent = parent
        self.depth: int = 0 if parent is None else parent.depth + 1
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


@dataclass(frozen=True)
class ReadDocument:
    text: str
    warnings: tuple[str, ...] = ()  # e.g. lines OCR was unsure of, for the reviewer


def read_document(path: str | Path) -> str:
    """Text of a readout file (.txt, .html, .htm, .docx, .pdf, .ofd; scans and images where
    OCR is installed); ExtractionInputError if unreadable."""
    return read_document_report(path).text


def read_document_report(path: str | Path) -> ReadDocument:
    """The text of a readout file and what the reader was unsure of."""
    warnings: list[str] = []
    text = _read(Path(path), warnings)
    return ReadDocument(text, tuple(warnings))


def _read(path: Path, warnings: list[str]) -> str:
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
    if suffix == ".pdf":
        return _read_pdf(path, warnings)
    if suffix == ".ofd":
        return _read_ofd(path)
    if suffix == ".doc":
        raise ExtractionInputError(
            f"{path}: Word 97-2003 .doc files cannot be read; save it as .docx or PDF and try again"
        )
    if suffix in IMAGE_SUFFIXES:
        return _read_image(path, warnings)
    raise ExtractionInputError(
        f"{path}: unsupported file type {suffix!r} (use .txt, .html, .htm, .docx, .pdf or .ofd)"
    )


def _capped(parts: list[str], path: Path) -> str:
    text = "\n\n".join(p for p in parts if p.strip())
    if len(text) > MAX_TEXT:
        raise ExtractionInputError(f"{path}: more than {MAX_TEXT:,} characters of text")
    return text


# PDF and OFD fonts often map Chinese glyphs to the look-alike radicals of the Kangxi
# Radicals block (⽉ for 月, ⼯ for 工: NFKC folds those) or of the CJK Radicals Supplement
# (⻓ for 长: NFKC leaves those, hence the table). Left alone, 12⽉31⽇ is not a date.
_RADICALS = str.maketrans({
    "⺁": "厂", "⺇": "几", "⺈": "刀", "⺊": "卜", "⺋": "卩", "⺌": "小", "⺍": "小", "⺎": "兀",
    "⺏": "尣", "⺐": "尢", "⺑": "尣", "⺒": "巳", "⺓": "幺", "⺔": "彐", "⺖": "忄", "⺗": "心",
    "⺘": "扌", "⺙": "攵", "⺛": "旡", "⺝": "月", "⺞": "歺", "⺟": "母", "⺠": "民", "⺡": "氵",
    "⺢": "氺", "⺣": "灬", "⺤": "爫", "⺥": "爫", "⺦": "丬", "⺧": "牛", "⺨": "犭", "⺩": "王",
    "⺪": "疋", "⺫": "目", "⺬": "示", "⺭": "礻", "⺮": "竹", "⺯": "糸", "⺰": "纟", "⺱": "罒",
    "⺲": "罒", "⺳": "网", "⺴": "网", "⺵": "网", "⺶": "羊", "⺷": "羊", "⺸": "羊", "⺹": "老",
    "⺺": "肀", "⺻": "聿", "⺼": "月", "⺽": "臼", "⺾": "艹", "⺿": "艹", "⻀": "艹", "⻁": "虎",
    "⻂": "衤", "⻃": "西", "⻄": "西", "⻅": "见", "⻆": "角", "⻇": "角", "⻈": "讠", "⻉": "贝",
    "⻊": "足", "⻋": "车", "⻌": "辶", "⻍": "辶", "⻎": "辶", "⻏": "阝", "⻐": "金", "⻑": "长",
    "⻒": "镸", "⻓": "长", "⻔": "门", "⻕": "阜", "⻖": "阝", "⻗": "雨", "⻘": "青", "⻙": "韦",
    "⻚": "页", "⻛": "风", "⻜": "飞", "⻝": "食", "⻞": "食", "⻟": "食", "⻠": "饣", "⻡": "首",
    "⻢": "马", "⻣": "骨", "⻤": "鬼", "⻥": "鱼", "⻦": "鸟", "⻧": "卤", "⻨": "麦", "⻩": "黄",
    "⻪": "黾", "⻫": "齐", "⻬": "齐", "⻭": "齿", "⻮": "齿", "⻯": "龙", "⻰": "龙", "⻱": "龟",
    "⻲": "龟", "⻳": "龟",
})


def fix_radicals(text: str) -> str:
    """Chinese text with radical look-alikes replaced by the characters they stand for."""
    if not re.search(r"[\u2e80-\u2fdf]", text):
        return text
    text = re.sub(r"[\u2f00-\u2fdf]", lambda m: unicodedata.normalize("NFKC", m.group(0)), text)
    return text.translate(_RADICALS)


def _pdf_lines(text: str) -> str:
    """pypdf gives a line per text line of the page; join a paragraph's wrapped lines.

    A line that ends a sentence (。！？.!?：:) or is short (a heading, a dateline) ends its
    paragraph; other lines continue on the next one (Chinese without a space, Latin with one).
    """
    out: list[str] = []
    for raw in fix_radicals(text).splitlines():
        line = raw.strip()
        if not line:
            if out and out[-1] != "":
                out.append("")
            continue
        if out and out[-1] and not re.search(r"[。！？!?：:；;”」]$|\.$", out[-1]) and len(out[-1]) >= 20:
            joiner = "" if re.search(r"[\u3000-\u9fff\uff00-\uffef]$", out[-1]) else " "
            out[-1] = out[-1] + joiner + line
        else:
            out.append(line)
    return "\n".join(line for line in out if line)


def _read_pdf(path: Path, warnings: list[str]) -> str:
    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError as exc:  # pragma: no cover - a dependency of the project
        raise ExtractionInputError("reading .pdf needs pypdf") from exc
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ExtractionInputError(f"{path}: the PDF is password-protected")
        pages = reader.pages
        count = len(pages)
        if count > MAX_PAGES:
            raise ExtractionInputError(f"{path}: {count} pages (limit {MAX_PAGES})")
        parts: list[str] = []
        scanned: list[int] = []
        total = 0
        for number, page in enumerate(pages, start=1):
            content = page.get_contents()
            if content is not None and len(content.get_data()) > MAX_PAGE_CONTENT:
                raise ExtractionInputError(
                    f"{path}: page {number} holds more than {MAX_PAGE_CONTENT:,} bytes of drawing "
                    "instructions, far more than a readout"
                )
            text = _pdf_lines(page.extract_text() or "")
            if not text.strip():
                scanned.append(number)
            parts.append(text)
            total += len(text)
            if total > MAX_TEXT:
                raise ExtractionInputError(f"{path}: more than {MAX_TEXT:,} characters of text")
    except ExtractionInputError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError,
            OSError, NotImplementedError) as exc:
        raise ExtractionInputError(f"{path}: not a readable PDF ({type(exc).__name__})") from exc
    except Exception as exc:  # pypdf raises assorted errors on damaged files
        raise ExtractionInputError(f"{path}: cannot read the PDF ({type(exc).__name__})") from exc
    if not any(p.strip() for p in parts):
        return _ocr_pdf(path, reader, list(range(1, count + 1)), warnings)
    if scanned:
        warnings.append(f"{path.name}: pages {', '.join(map(str, scanned))} have no text layer and were not read")
    return _capped(parts, path)


def _ocr_pdf(path: Path, reader: object, pages: list[int], warnings: list[str]) -> str:
    from . import ocr

    if not pages:
        raise ExtractionInputError(f"{path}: the PDF has no pages")
    if not ocr.available():
        raise OCRUnavailable(
            f"{path}: the PDF has no text layer (a scan); OCR is not installed here "
            "(pip install 'luoshi[ocr]'), so paste the text instead"
        )
    lines, unsure = ocr.read_pdf_images(reader, pages, path)
    warnings.extend(unsure)
    return _capped([_pdf_lines("\n".join(lines))], path)


def _read_image(path: Path, warnings: list[str]) -> str:
    from . import ocr

    if not ocr.available():
        raise OCRUnavailable(
            f"{path}: images are read by OCR, which is not installed here "
            "(pip install 'luoshi[ocr]'); paste the text instead"
        )
    lines, unsure = ocr.read_image_file(path)
    warnings.extend(unsure)
    text = _capped([_pdf_lines("\n".join(lines))], path)
    if not text.strip():
        raise ExtractionInputError(f"{path}: no text was found in the image")
    return text


def _check_package(path: Path) -> None:
    """Refuse an OFD zip whose parts would unpack to more than a readout ever needs."""
    try:
        with zipfile.ZipFile(path) as package:
            infos = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ExtractionInputError(f"{path}: not a readable OFD file (not a zip package)") from exc
    if len(infos) > 10_000 or any(i.file_size > MAX_OFD_PART for i in infos) or (
        sum(i.file_size for i in infos) > MAX_OFD_TOTAL
    ):
        raise ExtractionInputError(f"{path}: the OFD package unpacks to far more than a readout")


def _read_ofd(path: Path) -> str:
    try:
        import ofdkit
    except ImportError as exc:  # pragma: no cover - a dependency of the project
        raise ExtractionInputError("reading .ofd needs ofdkit") from exc
    _check_package(path)
    try:
        with ofdkit.open(str(path)) as document:
            if len(document.pages) > MAX_PAGES:
                raise ExtractionInputError(f"{path}: {len(document.pages)} pages (limit {MAX_PAGES})")
            parts: list[str] = []
            total = 0
            for page in document.pages:
                text = _pdf_lines(page.text())
                parts.append(text)
                total += len(text)
                if total > MAX_TEXT:
                    raise ExtractionInputError(f"{path}: more than {MAX_TEXT:,} characters of text")
    except ExtractionInputError:
        raise
    except ofdkit.OFDError as exc:
        raise ExtractionInputError(f"{path}: not a readable OFD file ({exc})") from exc
    except Exception as exc:  # a damaged package: zip, XML or number errors
        raise ExtractionInputError(f"{path}: cannot read the OFD file ({type(exc).__name__})") from exc
    text = _capped(parts, path)
    if not text.strip():
        raise ExtractionInputError(f"{path}: the OFD file has no text (a scan?)")
    return text


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
