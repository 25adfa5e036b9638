"""A Word document in the layout of a Chinese official document (GB/T 9704-2012, roughly):
A4 with 37/35/28/26 mm margins, a red issuing-office line over a red rule, the title in
方正小标宋简体, the body in 仿宋_GB2312 at 16 pt (三号) on a 28 pt grid, headings in 黑体
and 楷体_GB2312, page numbers as "— 1 —".

Only layout lives here; what the documents say is in luoshi/documents/services.py.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.section import Section
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree

from luoshi.lib import without_control_characters

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
LATIN_FONT = "Times New Roman"
RED = RGBColor(0xE6, 0x00, 0x12)

# Machines without the GB fonts (most outside government networks) substitute these:
# Word and WPS read w:altName from the font table, LibreOffice its own replacement table.
FALLBACKS = {TITLE_FONT: "宋体", BODY_FONT: "仿宋", SUBHEADING_FONT: "楷体", HEADING_FONT: "SimHei"}

BODY_SIZE = Pt(16)  # 三号
TABLE_SIZE = Pt(12)  # 小四
TITLE_SIZE = Pt(22)  # 二号
LINE = Pt(28)


def set_font(run: Run, east_asian: str, size: Pt | None = None, *, bold: bool = False) -> None:
    """Set the font of a run for Latin and for Chinese text (w:eastAsia)."""
    run.font.name = LATIN_FONT
    if size is not None:
        run.font.size = size
    run.font.bold = bold or None
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:hint"), "eastAsia")


class OfficialDocument:
    """Build one document top to bottom; `save()` returns its bytes."""

    def __init__(self) -> None:
        self.doc = Document()
        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.footer_distance = Mm(20)
        normal = self.doc.styles["Normal"]
        normal.font.name = LATIN_FONT
        normal.font.size = BODY_SIZE
        normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
        normal.paragraph_format.space_before = Pt(0)
        normal.paragraph_format.space_after = Pt(0)
        normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        normal.paragraph_format.line_spacing = LINE
        self._page_numbers(section)
        self._font_fallbacks()

    # --- the head of the document -------------------------------------------------------

    def masthead(self, office: str, number: str = "", color: str | None = None) -> None:
        """The red issuing-office line, the document number and the red rule under them (in
        `color`, a hex RGB, for documents whose colour carries meaning: a blue or yellow
        supervision notice)."""
        # The office's name fills one line: large when short (a Chinese name), smaller when long.
        size = Pt(36) if len(office) <= 10 else Pt(28) if len(office) <= 16 else Pt(20)
        head = self._paragraph(align=WD_ALIGN_PARAGRAPH.CENTER, line=Pt(size.pt * 1.5))
        set_font(head.add_run(without_control_characters(office)), TITLE_FONT, size)
        head.runs[0].font.color.rgb = RGBColor.from_string(color) if color else RED
        head.paragraph_format.space_after = Pt(18)
        rule = self._paragraph(align=WD_ALIGN_PARAGRAPH.CENTER)
        if number:
            set_font(rule.add_run(without_control_characters(number)), BODY_FONT, BODY_SIZE)
        rule.paragraph_format.space_after = Pt(24)
        self._bottom_border(rule, color=color or "E60012", size=16)

    def title(self, text: str) -> Paragraph:
        paragraph = self._paragraph(align=WD_ALIGN_PARAGRAPH.CENTER, line=Pt(36))
        paragraph.paragraph_format.space_before = Pt(12)
        paragraph.paragraph_format.space_after = Pt(24)
        set_font(paragraph.add_run(without_control_characters(text)), TITLE_FONT, TITLE_SIZE)
        self.doc.core_properties.title = without_control_characters(text)
        return paragraph

    def recipients(self, text: str) -> None:
        set_font(self._paragraph().add_run(without_control_characters(text)), BODY_FONT, BODY_SIZE)

    # --- the body ---------------------------------------------------------------------

    def heading(self, text: str, level: int = 1) -> Paragraph:
        """一、 headings in 黑体, (一) headings in 楷体; styled as Word headings for the outline."""
        paragraph = self.doc.add_paragraph(style=self.doc.styles[f"Heading {level}"])
        fmt = paragraph.paragraph_format
        fmt.first_line_indent = Pt(32)
        fmt.space_before, fmt.space_after = Pt(6), Pt(0)
        fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, LINE
        fmt.keep_with_next = True
        run = paragraph.add_run(without_control_characters(text))
        set_font(run, HEADING_FONT if level == 1 else SUBHEADING_FONT, BODY_SIZE)
        run.font.color.rgb = RGBColor(0, 0, 0)
        run.font.bold = False
        run.font.italic = False
        return paragraph

    def para(self, text: str, *, indent: bool = True, align: WD_ALIGN_PARAGRAPH | None = None) -> Paragraph:
        paragraph = self._paragraph(align=WD_ALIGN_PARAGRAPH.JUSTIFY if align is None else align)
        if indent:
            paragraph.paragraph_format.first_line_indent = Pt(32)
        set_font(paragraph.add_run(without_control_characters(text)), BODY_FONT, BODY_SIZE)
        return paragraph

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]],
              widths_mm: Sequence[float] | None = None) -> Table:
        """A ruled table with a bold header row repeated on every page."""
        table = self.doc.add_table(rows=1, cols=len(header))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            self._cell(cell, text, bold=True, center=True)
        trPr = table.rows[0]._tr.get_or_add_trPr()
        trPr.append(OxmlElement("w:tblHeader"))
        for values in rows:
            cells = table.add_row().cells
            for index, (cell, text) in enumerate(zip(cells, values, strict=True)):
                self._cell(cell, text, center=index == 0)
        if widths_mm:
            table.autofit = False
            for column, width in zip(table.columns, widths_mm, strict=True):
                column.width = Mm(width)
            for row in table.rows:
                for cell, width in zip(row.cells, widths_mm, strict=True):
                    cell.width = Mm(width)
        self._paragraph()  # air after the table
        return table

    def closing(self, office: str, date_text: str) -> None:
        """The issuing office and the date, right-aligned, four characters from the margin."""
        self._paragraph()
        for text in (office, date_text):
            paragraph = self._paragraph(align=WD_ALIGN_PARAGRAPH.RIGHT)
            paragraph.paragraph_format.right_indent = Pt(64)
            set_font(paragraph.add_run(without_control_characters(text)), BODY_FONT, BODY_SIZE)

    def save(self) -> bytes:
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()

    # --- internals --------------------------------------------------------------------

    def _paragraph(self, align: WD_ALIGN_PARAGRAPH | None = None, line: Pt | None = None) -> Paragraph:
        paragraph = self.doc.add_paragraph()
        if align is not None:
            paragraph.alignment = align
        if line is not None:
            paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            paragraph.paragraph_format.line_spacing = line
        return paragraph

    def _cell(self, cell: _Cell, text: str, *, bold: bool = False, center: bool = False) -> None:
        paragraph = cell.paragraphs[0]
        fmt = paragraph.paragraph_format
        fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.SINGLE, None
        if center:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        set_font(paragraph.add_run(without_control_characters(text)), HEADING_FONT if bold else BODY_FONT, TABLE_SIZE)

    @staticmethod
    def _bottom_border(paragraph: Paragraph, *, color: str, size: int) -> None:
        pPr = paragraph._p.get_or_add_pPr()
        pPr.append(parse_xml(
            f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="{size}" w:space="6" '
            f'w:color="{color}"/></w:pBdr>'
        ))

    @staticmethod
    def _page_numbers(section: Section) -> None:
        """A centred "— PAGE —" footer (a field, so Word fills in every page)."""
        paragraph = section.footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        set_font(paragraph.add_run("— "), "宋体", Pt(14))
        run = paragraph.add_run()
        set_font(run, "宋体", Pt(14))
        for xml in (
            f'<w:fldChar {nsdecls("w")} w:fldCharType="begin"/>',
            f'<w:instrText {nsdecls("w")} xml:space="preserve"> PAGE </w:instrText>',
            f'<w:fldChar {nsdecls("w")} w:fldCharType="end"/>',
        ):
            run._r.append(parse_xml(xml))
        set_font(paragraph.add_run(" —"), "宋体", Pt(14))

    def _font_fallbacks(self) -> None:
        """Declare the GB fonts in the font table with an altName to substitute."""
        part = next(p for p in self.doc.part.package.iter_parts() if p.partname == "/word/fontTable.xml")
        table = parse_xml(part.blob)
        for name, alternative in FALLBACKS.items():
            font = parse_xml(
                f'<w:font {nsdecls("w")} w:name="{name}"><w:altName w:val="{alternative}"/>'
                f'<w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>'
            )
            table.append(font)
        part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)
