"""Readout extraction: meeting date, chair, agenda items and directives from a readout.

Pure Python with no Django import, so the web app, the CLI and batch jobs can all use it.
"""

from .directory import Directory, PriorityArea, Unit, load_directory
from .engine import extract
from .model import AgendaItem, Chair, Directive, Extraction, ExtractionInputError

__all__ = [
    "AgendaItem",
    "Chair",
    "Directive",
    "Directory",
    "Extraction",
    "ExtractionInputError",
    "PriorityArea",
    "Unit",
    "extract",
    "load_directory",
]
