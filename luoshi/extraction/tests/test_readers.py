"""Reading readouts from .txt, .html, .docx, .pdf, .ofd files, and scans by OCR."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from luoshi.extraction import ExtractionInputError
from luoshi.extraction.readers import read_document

TEXT = "会议强调，要压实安全生产责任。"


def test_it_reads_utf8_with_and_without_bom(tmp_path: Path) -> None:
    """UTF-8 text reads as is and a byte-order mark is dropped."""
    plain = tmp_path / "a.txt"
    plain.write_text(TEXT, encoding="utf-8")
    bom = tmp_path / "b.txt"
    bom.write_bytes("\ufeff".encode() + TEXT.encode("utf-8"))
    assert read_document(plain) == TEXT
    assert read_document(bom) == TEXT


def test_it_falls_back_to_gb18030(tmp_path: Path) -> None:
    """Chinese text saved in GB18030 decodes correctly."""
    path = tmp_path / "gb.txt"
    path.write_bytes(TEXT.encode("gb18030"))
    assert read_document(path) == TEXT


def test_it_reads_the_main_text_of_an_html_page(tmp_path: Path) -> None:
    """Scripts, styles, navigation, header and footer are dropped; the article is kept."""
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>t</title><style>p{}</style><script>var a=1;</script></head><body>"
        "<header>Site header</header><nav><a href='/'>Home</a></nav>"
        "<div class='side'>Related links</div>"
        "<article><h1>Executive meeting</h1><p>On May 10, Governor Wang Kai presided over the meeting.</p>"
        "<p>It is necessary to&nbsp;strengthen safety.</p></article>"
        "<footer>Copyright</footer></body></html>",
        encoding="utf-8",
    )
    text = read_document(path)
    assert "Governor Wang Kai presided" in text
    assert "It is necessary to strengthen safety." in text
    for junk in ("Site header", "Home", "Copyright", "var a", "p{}"):
        assert junk not in text


def test_it_picks_the_largest_block_without_an_article(tmp_path: Path) -> None:
    """Without <article> or <main>, the div holding the most paragraph text wins."""
    path = tmp_path / "page.htm"
    path.write_text(
        "<body><div>Menu one</div><div><p>First paragraph of the readout.</p>"
        "<p>Second paragraph of the readout.</p></div></body>",
        encoding="utf-8",
    )
    text = read_document(path)
    assert text.startswith("First paragraph")
    assert "Menu one" not in text


def test_it_reads_docx_paragraphs_in_order(tmp_path: Path) -> None:
    """A Word document gives its paragraphs in order, blank lines between."""
    path = tmp_path / "r.docx"
    document = docx.Document()
    document.add_paragraph("5月10日，省长王凯主持召开省政府常务会议。")
    document.add_paragraph("")
    document.add_paragraph(TEXT)
    document.save(str(path))
    assert read_document(path) == "5月10日，省长王凯主持召开省政府常务会议。\n\n" + TEXT


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.txt", None, "no such file"),
        ("data.xls", b"\xd0\xcf\x11\xe0", "unsupported file type"),
        ("data.pdf", b"%PDF-1.4", "not a readable PDF"),
        ("minutes.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Word 97-2003 .doc files cannot be read; save it as .docx"),
        ("broken.ofd", b"not a zip", "not a readable OFD"),
        ("blob.txt", b"\x00\x01\x02binary", "binary"),
        ("broken.docx", b"not a zip", "not a valid .docx"),
    ],
)
def test_it_rejects_unreadable_input_clearly(tmp_path: Path, name: str, content: bytes | None, message: str) -> None:
    """Missing, unknown, binary and damaged files raise ExtractionInputError with a clear message."""
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ExtractionInputError, match=message):
        read_document(path)
