"""Text of scanned pages and images through OCR: `rapidocr-onnxruntime`, an optional
dependency (`pip install 'luoshi[ocr]'`) whose wheel ships its ONNX models, so nothing is
downloaded at run time. Without it, readers.py refuses scans and images with a message.

OCR is slow on a small machine (seconds per page, more under load), so it reads at most
MAX_OCR_PAGES images of at most MAX_PIXELS each; lines read with a confidence below
LOW_CONFIDENCE come back as warnings for the reviewer.
"""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path
from typing import Any

from .model import ExtractionInputError

MAX_OCR_PAGES = 10
MAX_PIXELS = 20_000_000
LOW_CONFIDENCE = 0.8
_engine: Any = None


_available: bool | None = None


def available() -> bool:
    """Whether the OCR engine is installed here and loads (OpenCV needs libGL and GLib)."""
    global _available
    if _available is None:
        _available = importlib.util.find_spec("rapidocr_onnxruntime") is not None
        if _available:
            try:
                import rapidocr_onnxruntime  # noqa: F401
            except Exception:  # an ImportError of a system library, or the engine's own
                _available = False
    return _available


def _ocr() -> Any:
    global _engine
    if _engine is None:
        from rapidocr_onnxruntime import RapidOCR

        # One inference thread pool the size of the machine, not one per operator.
        _engine = RapidOCR(inter_op_num_threads=1)
    return _engine


def _check_image(data: bytes, label: str) -> None:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:  # reads the header only
            width, height = image.size
    except Exception as exc:  # Pillow raises assorted errors on damaged images
        raise ExtractionInputError(f"{label}: not a readable image ({type(exc).__name__})") from exc
    if width * height > MAX_PIXELS:
        raise ExtractionInputError(
            f"{label}: image of {width}×{height} pixels is too large to read (limit {MAX_PIXELS:,} pixels)"
        )


def read_image_bytes(data: bytes, label: str) -> tuple[list[str], list[str]]:
    """(lines in reading order, warnings about lines read with low confidence)."""
    _check_image(data, label)
    try:
        result, _elapsed = _ocr()(data)
    except Exception as exc:  # the engine's decoding and inference errors
        raise ExtractionInputError(f"{label}: OCR failed ({type(exc).__name__})") from exc
    lines: list[str] = []
    warnings: list[str] = []
    # Top to bottom, then left to right, by each box's top-left corner.
    for _box, text, score in sorted(result or [], key=lambda r: (round(r[0][0][1] / 10), r[0][0][0])):
        text = str(text).strip()
        if not text:
            continue
        lines.append(text)
        if float(score) < LOW_CONFIDENCE:
            warnings.append(f"{label}: OCR is unsure ({float(score):.2f}) of the line “{text[:40]}”")
    return lines, warnings


def read_image_file(path: Path) -> tuple[list[str], list[str]]:
    return read_image_bytes(path.read_bytes(), path.name)


def read_pdf_images(reader: Any, pages: list[int], path: Path) -> tuple[list[str], list[str]]:
    """OCR of the images on the given (1-based) pages of a pypdf reader."""
    if len(pages) > MAX_OCR_PAGES:
        raise ExtractionInputError(
            f"{path}: {len(pages)} scanned pages (OCR reads at most {MAX_OCR_PAGES}); paste the text instead"
        )
    lines: list[str] = []
    warnings: list[str] = []
    for number in pages:
        try:
            images = list(reader.pages[number - 1].images)
        except Exception as exc:  # pypdf's image decoding errors
            raise ExtractionInputError(f"{path}: page {number}: cannot read its image ({type(exc).__name__})") from exc
        if not images:
            continue
        for image in images[:4]:
            found, unsure = read_image_bytes(image.data, f"{path.name} p. {number}")
            lines.extend(found)
            warnings.extend(unsure)
        lines.append("")
    if not any(line.strip() for line in lines):
        raise ExtractionInputError(f"{path}: no text was found on the scanned pages")
    return lines, warnings
