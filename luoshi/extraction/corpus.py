"""The real-readout corpus: files, splits and the frozen test split (no Django).

Layout (see docs/extraction.md, "The real-readout corpus"):

    corpus/<source>/<id>.txt          the published text
    corpus/<source>/<id>.gold.json    its annotation (source_url, source, genre, …)
    corpus/splits.json                {"test": [...], "dev": [...], "train": [...]}
    corpus/splits-<name>.json         more sources, same shape (helpers add theirs in parallel)
    corpus/FROZEN, corpus/FROZEN-<name>   "sha256  <source>/<file>" lines (sha256sum format)

A folder without source folders (the old flat `tests/readouts/`) is read as one source named
after the folder, so `--eval` keeps working on it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SPLITS = ("train", "dev", "test", "test-minutes")
# Held-out splits: scored once, never tuned on, every file of theirs in a FROZEN file.
# "test-minutes" holds published 会议纪要 and meeting reports that name lead units and time
# limits, which the first test split barely has (frozen in corpus/FROZEN-minutes).
FROZEN_SPLITS = ("test", "test-minutes")
GOLD_SUFFIX = ".gold.json"


class CorpusError(ValueError):
    """The corpus is inconsistent (bad splits file, unknown split, a frozen file changed)."""


@dataclass(frozen=True)
class Example:
    """One annotated readout: its text, its gold annotation and where it comes from."""

    name: str  # "<source>/<id>" (or "<id>" in a flat folder)
    source: str
    genre: str
    text_path: Path
    gold: dict[str, Any] = field(hash=False, compare=False)

    @property
    def published(self) -> dt.date | None:
        value = self.gold.get("published")
        return dt.date.fromisoformat(value) if value else None


def gold_paths(folder: Path) -> list[Path]:
    """Every `*.gold.json` in `folder` and in its direct sub-folders (one per source), sorted."""
    return sorted(folder.glob("*" + GOLD_SUFFIX)) + sorted(folder.glob("*/*" + GOLD_SUFFIX))


def load_examples(folder: str | Path, sources: set[str] | None = None) -> list[Example]:
    """The annotated readouts under `folder` (optionally only those of `sources`).

    A gold file without its `.txt` is an error, not a silent skip: a corpus must be whole.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"no such folder: {folder}")
    examples = []
    for gold_path in gold_paths(folder):
        stem = gold_path.name[: -len(GOLD_SUFFIX)]
        text_path = gold_path.with_name(stem + ".txt")
        if not text_path.exists():
            raise CorpusError(f"{gold_path}: no {text_path.name} beside it")
        try:
            gold = json.loads(gold_path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise CorpusError(f"{gold_path}: not valid JSON ({exc})") from exc
        in_sub = gold_path.parent != folder
        source = gold_path.parent.name if in_sub else str(gold.get("source") or folder.name)
        if sources is not None and source not in sources:
            continue
        name = f"{source}/{stem}" if in_sub else stem
        examples.append(Example(name, source, str(gold.get("genre") or "unknown"), text_path, gold))
    if not examples:
        what = f" of sources {sorted(sources)}" if sources is not None else ""
        raise FileNotFoundError(f"no *.gold.json files{what} in {folder}")
    return examples


def splits_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("splits*.json") if p.is_file())


def load_splits(folder: str | Path) -> dict[str, str]:
    """Source → split, merged over `splits.json` and every `splits-*.json` in `folder`.

    A source named twice (in one file or across files) or an unknown split name is an error.
    """
    folder = Path(folder)
    files = splits_files(folder)
    if not files:
        raise CorpusError(f"no splits.json in {folder}")
    where: dict[str, str] = {}
    which: dict[str, str] = {}
    for path in files:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise CorpusError(f"{path}: not valid JSON ({exc})") from exc
        if not isinstance(data, dict):
            raise CorpusError(f"{path}: must be an object of split name → list of sources")
        for split, sources in data.items():
            if split not in SPLITS:
                raise CorpusError(f"{path}: unknown split {split!r} (use {', '.join(SPLITS)})")
            if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
                raise CorpusError(f"{path}: {split!r} must be a list of source names")
            for source in sources:
                if source in where:
                    raise CorpusError(
                        f"source {source!r} is in {where[source]} ({which[source]}) and in "
                        f"{split} ({path.name}): a source belongs to exactly one split"
                    )
                where[source] = split
                which[source] = path.name
    return where


def sources_of_split(folder: str | Path, split: str) -> set[str]:
    if split not in SPLITS:
        raise CorpusError(f"unknown split {split!r} (use {', '.join(SPLITS)})")
    return {s for s, sp in load_splits(folder).items() if sp == split}


def frozen_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("FROZEN*") if p.is_file())


def read_frozen(path: Path) -> dict[str, str]:
    """`relative path → sha256` from one FROZEN file (`sha256sum` output format)."""
    entries: dict[str, str] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split(maxsplit=1)
        if len(parts) != 2 or len(parts[0]) != 64:
            raise CorpusError(f"{path.name}:{n}: expected '<sha256>  <source>/<file>'")
        entries[parts[1].strip().lstrip("*")] = parts[0].lower()
    return entries


def check_frozen(folder: str | Path) -> list[str]:
    """Problems with the frozen test split: changed or missing frozen files, and test-split
    files that no FROZEN file covers. An empty list means the test split is intact."""
    folder = Path(folder)
    problems = []
    covered: set[str] = set()
    for path in frozen_files(folder):
        for rel, digest in read_frozen(path).items():
            covered.add(rel)
            target = folder / rel
            if not target.is_file():
                problems.append(f"{path.name}: {rel} is frozen but missing")
            elif hashlib.sha256(target.read_bytes()).hexdigest() != digest:
                problems.append(f"{path.name}: {rel} changed since it was frozen")
    try:
        held_out = {s: sp for s, sp in load_splits(folder).items() if sp in FROZEN_SPLITS}
    except CorpusError as exc:
        return problems + [str(exc)]
    for source in sorted(held_out):
        for f in sorted((folder / source).glob("*")):
            rel = f"{source}/{f.name}"
            if f.is_file() and rel not in covered:
                problems.append(f"{rel} is in the {held_out[source]} split but in no FROZEN file")
    return problems
