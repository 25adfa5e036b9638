"""Optional adapter: ask an OpenAI-compatible /chat/completions endpoint for the same schema.

The rule engine is the default and never needs this. Whatever the model returns is checked
and re-anchored: every directive and agenda title must be found verbatim in the readout (its
span is recomputed here), otherwise it is dropped, so a model cannot invent text.
"""

from __future__ import annotations

import datetime as dt
import json
import socket
import urllib.error
import urllib.request
from typing import Any

from .directory import Directory, default_directory
from .engine import annotate
from .model import AGENDA_KINDS, AgendaItem, Chair, Directive, Extraction
from .text import PUBLISHED_MARKER, detect_language

PROMPT = """You extract facts from a government meeting readout. Reply with one JSON object only:
{"date": "YYYY-MM-DD" or null, "chair": {"name": str, "title": str} or null,
 "meeting_type": str or null,
 "agenda_items": [{"kind": "study|report|plan|agreement|regulation|other", "title": str}],
 "directives": [str]}
Directives are requirements the meeting set (not observations or statements of importance),
one per clause where a sentence lists several requirements separated by semicolons.
Copy every title and directive verbatim from the readout."""


class LLMError(RuntimeError):
    """The endpoint failed, timed out or returned something that is not the expected JSON."""


def _post(url: str, model: str, api_key: str, text: str, timeout: float) -> str:
    endpoint = url.rstrip("/")
    if not endpoint.endswith("/chat/completions"):
        endpoint += "/chat/completions"
    body = json.dumps(
        {
            "model": model,
            "temperature": 0,
            "messages": [
                {"role": "system", "content": PROMPT},
                {"role": "user", "content": text},
            ],
        }
    ).encode("utf-8")
    headers = {"Content-Type": "application/json"}
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    request = urllib.request.Request(endpoint, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            payload = json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        raise LLMError(f"HTTP {exc.code} from {endpoint}") from exc
    except TimeoutError as exc:
        raise LLMError(f"timed out after {timeout:g}s waiting for {endpoint}") from exc
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, (TimeoutError, socket.timeout)):
            raise LLMError(f"timed out after {timeout:g}s waiting for {endpoint}") from exc
        raise LLMError(f"cannot reach {endpoint}: {exc.reason}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise LLMError("the endpoint did not return JSON") from exc
    try:
        return str(payload["choices"][0]["message"]["content"])
    except (KeyError, IndexError, TypeError) as exc:
        raise LLMError("the response has no choices[0].message.content") from exc


def _parse(content: str) -> dict[str, Any]:
    content = content.strip()
    if content.startswith("```"):
        # Models often wrap JSON in a fenced block despite being asked not to.
        content = content.strip("`")
        content = content[content.find("{") :]
    try:
        data = json.loads(content[content.find("{") : content.rfind("}") + 1] or content)
    except json.JSONDecodeError as exc:
        raise LLMError(f"the model's answer is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise LLMError("the model's answer is not a JSON object")
    return data


def _anchor(text: str, snippet: str, after: int = 0) -> tuple[int, int] | None:
    snippet = snippet.strip()
    if not snippet:
        return None
    pos = text.find(snippet, after)
    if pos < 0:
        pos = text.find(snippet)
    return (pos, pos + len(snippet)) if pos >= 0 else None


def extract_with_llm(
    text: str,
    url: str,
    model: str,
    api_key: str = "",
    published: dt.date | None = None,
    directory: Directory | None = None,
    timeout: float = 60.0,
) -> Extraction:
    """Extraction by the model, validated and re-anchored to spans in `text`."""
    if not url or not model:
        raise LLMError("set the endpoint URL and model (LUOSHI_LLM_URL, LUOSHI_LLM_MODEL)")
    directory = directory or default_directory()
    marker = PUBLISHED_MARKER.match(text)
    if marker and published is None:
        try:
            published = dt.date(*(int(g) for g in marker.groups()))
        except ValueError:
            published = None
    lang = detect_language(text)
    data = _parse(_post(url, model, api_key, text, timeout))

    date = None
    if isinstance(data.get("date"), str):
        try:
            date = dt.date.fromisoformat(data["date"])
        except ValueError:
            date = None
    chair = None
    raw_chair = data.get("chair")
    if isinstance(raw_chair, dict) and isinstance(raw_chair.get("name"), str) and raw_chair["name"].strip():
        name = raw_chair["name"].strip()
        chair = Chair(name, str(raw_chair.get("title") or "").strip(), _anchor(text, name), "llm")

    agenda: list[AgendaItem] = []
    for raw in data.get("agenda_items") or []:
        if not isinstance(raw, dict) or not isinstance(raw.get("title"), str):
            continue
        span = _anchor(text, raw["title"])
        kind = raw.get("kind") if raw.get("kind") in AGENDA_KINDS else "other"
        if span:
            agenda.append(AgendaItem(str(kind), text[span[0] : span[1]], span, "llm"))

    directives: list[Directive] = []
    cursor = 0
    for raw in data.get("directives") or []:
        snippet = raw.get("text") if isinstance(raw, dict) else raw
        if not isinstance(snippet, str):
            continue
        span = _anchor(text, snippet, cursor)
        if span is None:
            continue
        cursor = span[1]
        piece = text[span[0] : span[1]]
        areas = sorted(directory.match_areas(piece, lang), key=lambda m: m.first)
        units = directory.match_units(piece, lang)
        directives.append(
            Directive(
                piece,
                span,
                tuple(_area_name(directory, m.code, lang) for m in areas),
                tuple(m.code for m in units[:3]),
                "llm",
            )
        )
    meeting_type = data.get("meeting_type") if isinstance(data.get("meeting_type"), str) else None
    agenda.sort(key=lambda a: a.span[0])
    # Who and by when are read from the anchored text by the same rules as the engine's.
    directives = annotate(text, directives, agenda, lang, directory, date or published)
    return Extraction(
        lang=lang,
        published=published,
        date=date,
        chair=chair,
        meeting_type=meeting_type,
        agenda_items=tuple(agenda),
        directives=tuple(directives),
        date_why="llm",
    )


def _area_name(directory: Directory, code: str, lang: str | None) -> str:
    area = directory.area(code)
    return area.name(lang) if area else code
