"""Reading fixed-layout readouts: PDF text, OFD (GB/T 33190), and scans and images by OCR."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from luoshi.extraction import ExtractionInputError, extract, ocr, readers
from luoshi.extraction.readers import fix_radicals, read_document, read_document_report

FIXTURES = Path(__file__).with_name("fixtures")
CITY = (FIXTURES / "city-readout.txt").read_text(encoding="utf-8")


def _squeeze(text: str) -> str:
    return "".join(text.split())


def _pdf(lines: list[str], pages: int = 1) -> bytes:
    """A small PDF written by hand: Helvetica text, one line per Tj, `pages` equal pages."""
    stream = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(f"({line}) Tj T*" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [" + " ".join(f"{4 + 2 * i} 0 R" for i in range(pages)) + f"] /Count {pages} >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for i in range(pages):
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {5 + 2 * i} 0 R "
                       "/Resources << /Font << /F1 3 0 R >> >> >>")
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream")
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def _ofd(lines: list[str]) -> bytes:
    """An OFD package (GB/T 33190): OFD.xml → Doc_0/Document.xml → one page of TextObjects."""
    ns = 'xmlns:ofd="http://www.ofdspec.org/2016"'
    objects = "".join(
        f'<ofd:TextObject ID="{10 + i}" Boundary="20 {20 + 8 * i} 170 8" Font="3" Size="4.2">'
        f'<ofd:TextCode X="0" Y="6">{line}</ofd:TextCode></ofd:TextObject>'
        for i, line in enumerate(lines)
    )
    parts = {
        "OFD.xml": f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD {ns} Version="1.0" DocType="OFD">'
                   "<ofd:DocBody><ofd:DocInfo><ofd:DocID>1</ofd:DocID></ofd:DocInfo>"
                   "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
        "Doc_0/Document.xml": f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document {ns}><ofd:CommonData>'
                              "<ofd:MaxUnitID>100</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 297"
                              "</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes>"
                              '</ofd:CommonData><ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/>'
                              "</ofd:Pages></ofd:Document>",
        "Doc_0/PublicRes.xml": f'<?xml version="1.0" encoding="UTF-8"?><ofd:Res {ns} BaseLoc="Res"><ofd:Fonts>'
                               '<ofd:Font ID="3" FontName="宋体" FamilyName="宋体"/></ofd:Fonts></ofd:Res>',
        "Doc_0/Pages/Page_0/Content.xml": f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page {ns}><ofd:Content>'
                                          f'<ofd:Layer ID="2">{objects}</ofd:Layer></ofd:Content></ofd:Page>',
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, xml in parts.items():
            package.writestr(name, xml.encode("utf-8"))
    return buffer.getvalue()


def test_it_reads_the_text_of_a_pdf(tmp_path: Path) -> None:
    """A PDF's text layer is read page by page."""
    path = tmp_path / "readout.pdf"
    path.write_bytes(_pdf(["On May 10, Governor Wang Kai presided over the executive meeting.",
                           "It is necessary to strengthen flood control."]))
    text = read_document(path)
    assert "Governor Wang Kai presided over the executive meeting." in text
    assert "It is necessary to strengthen flood control." in text


def test_it_reads_a_chinese_pdf_made_by_a_browser() -> None:
    """The fixture PDF (printed by chromium, its font's glyphs mapped to radicals such as ⽉)
    reads back to the readout's text, wrapped lines joined, and extracts like the .txt."""
    text = read_document(FIXTURES / "city-readout.pdf")
    assert _squeeze(text) == _squeeze(CITY)
    assert "12月31日前" in text and "⽉" not in text
    got = extract(text).directives
    assert [d.lead for d in got][:3] == [("市发展改革委",), ("市商务局",), ("市住建局",)]


def test_it_folds_radical_look_alikes() -> None:
    """Kangxi and supplement radicals become the characters they stand for; other text stays."""
    assert fix_radicals("12⽉31⽇，市⻓，⻔，会议。") == "12月31日，市长，门，会议。"


def test_it_caps_pdf_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A PDF of more pages than MAX_PAGES is refused before its text is read."""
    monkeypatch.setattr(readers, "MAX_PAGES", 3)
    path = tmp_path / "long.pdf"
    path.write_bytes(_pdf(["It is necessary to act."], pages=4))
    with pytest.raises(ExtractionInputError, match="4 pages"):
        read_document(path)


def test_it_reads_an_ofd_file(tmp_path: Path) -> None:
    """An OFD package's TextObjects read in order, and the readout extracts as from the .txt."""
    lines = [line for line in CITY.splitlines() if line.strip()]
    path = tmp_path / "readout.ofd"
    path.write_bytes(_ofd(lines))
    text = read_document(path)
    assert _squeeze(text) == _squeeze(CITY)
    assert len(extract(text).directives) == len(extract(CITY).directives)


def test_it_refuses_an_ofd_without_text(tmp_path: Path) -> None:
    """An OFD whose pages hold no text (a scan) is refused clearly."""
    path = tmp_path / "scan.ofd"
    path.write_bytes(_ofd([]))
    with pytest.raises(ExtractionInputError, match="no text"):
        read_document(path)


def test_it_refuses_a_pdf_without_text_when_ocr_is_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the optional OCR engine, a scan or an image is refused with what to do."""
    monkeypatch.setattr(ocr, "available", lambda: False)
    path = tmp_path / "scan.pdf"
    path.write_bytes(_pdf([]))
    with pytest.raises(ExtractionInputError, match="no text layer.*OCR is not installed"):
        read_document(path)
    with pytest.raises(ExtractionInputError, match="OCR, which is not installed"):
        read_document(FIXTURES / "city-scan.png")


needs_ocr = pytest.mark.skipif(not ocr.available(), reason="rapidocr-onnxruntime (luoshi[ocr]) is not installed")


@needs_ocr
def test_it_reads_a_scanned_pdf_by_ocr(tmp_path: Path) -> None:
    """A PDF holding only a page image (made here from the fixture scan) is read by OCR."""
    from PIL import Image

    path = tmp_path / "scan.pdf"
    with Image.open(FIXTURES / "city-scan.png") as image:
        image.convert("RGB").save(path, "PDF", resolution=96)
    report = read_document_report(path)
    assert "市商务局要会同市发展改革委抓紧出台支持政策" in _squeeze(report.text)
    directive = extract(report.text).directives[0]
    assert directive.lead == ("市商务局",) and directive.deadline_text is not None


@needs_ocr
def test_it_refuses_an_image_too_large_to_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An image of more pixels than MAX_PIXELS is refused before OCR runs."""
    monkeypatch.setattr(ocr, "MAX_PIXELS", 1000)
    with pytest.raises(ExtractionInputError, match="too large to read"):
        read_document(FIXTURES / "city-scan.png")


def test_it_refuses_a_pdf_page_that_unpacks_to_megabytes(tmp_path: Path) -> None:
    """A page whose compressed content unpacks past MAX_PAGE_CONTENT is refused before text extraction."""
    import zlib

    body = zlib.compress(b"0 0 m " * (readers.MAX_PAGE_CONTENT // 6 + 10), 9)
    pdf = _pdf(["x"]).replace(b"<< /Length ", b"<< /Filter /FlateDecode /Length ", 1)
    head, _, rest = pdf.partition(b"stream\n")
    old_stream, _, tail = rest.partition(b"\nendstream")
    head = head.replace(f"/Length {len(old_stream)} ".encode(), f"/Length {len(body)} ".encode())
    path = tmp_path / "bomb.pdf"
    path.write_bytes(head + b"stream\n" + body + b"\nendstream" + tail)
    assert len(body) < 100_000
    with pytest.raises(ExtractionInputError, match="drawing instructions"):
        read_document(path)


def test_it_refuses_an_ofd_that_unpacks_to_far_more_than_a_readout(tmp_path: Path) -> None:
    """A zip bomb in an OFD package is refused from its directory, before any part is read."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("OFD.xml", b"<OFD/>")
        package.writestr("Doc_0/Pages/Page_0/Content.xml", b" " * (readers.MAX_OFD_PART + 1))
    path = tmp_path / "bomb.ofd"
    path.write_bytes(buffer.getvalue())
    assert path.stat().st_size < 100_000
    with pytest.raises(ExtractionInputError, match="unpacks to far more"):
        read_document(path)
