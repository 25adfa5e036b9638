"""The optional LLM adapter, against a fake OpenAI-compatible server on 127.0.0.1."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest

from luoshi.extraction.llm import LLMError, extract_with_llm

TEXT = "5月10日，省长王凯主持召开省政府常务会议。会议要求，要压实安全生产责任；加强隐患排查。"


class _Fake:
    reply: Any = None
    status = 200
    delay = 0.0
    seen: list[dict[str, Any]] = []


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 - the http.server API
        length = int(self.headers.get("Content-Length", 0))
        _Fake.seen.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": json.loads(self.rfile.read(length))})
        time.sleep(_Fake.delay)
        body = _Fake.reply if isinstance(_Fake.reply, str) else json.dumps(_Fake.reply)
        self.send_response(_Fake.status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        try:
            self.wfile.write(body.encode("utf-8"))
        except BrokenPipeError:  # the client timed out and left
            pass

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    _Fake.reply, _Fake.status, _Fake.delay, _Fake.seen = None, 200, 0.0, []
    httpd = HTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()
    httpd.server_close()


def _answer(content: str) -> dict[str, Any]:
    return {"choices": [{"message": {"role": "assistant", "content": content}}]}


def test_it_returns_a_validated_and_re_anchored_extraction(server: str) -> None:
    """Returned texts get spans in the input; invented ones are dropped."""
    _Fake.reply = _answer(json.dumps({
        "date": "2023-05-10",
        "chair": {"name": "王凯", "title": "省长"},
        "meeting_type": "省政府常务会议",
        "agenda_items": [{"kind": "nonsense", "title": "省政府常务会议"}],
        "directives": ["要压实安全生产责任", "加强隐患排查。", "这句话不在原文里"],
    }, ensure_ascii=False))
    got = extract_with_llm(TEXT, url=server, model="m", api_key="k")
    assert got.date is not None and got.date.isoformat() == "2023-05-10"
    assert got.chair is not None and got.chair.name == "王凯"
    assert [d.text for d in got.directives] == ["要压实安全生产责任", "加强隐患排查。"]
    for d in got.directives:
        assert TEXT[d.span[0] : d.span[1]] == d.text
    assert got.agenda_items[0].kind == "other"
    assert _Fake.seen[0]["path"] == "/v1/chat/completions"
    assert _Fake.seen[0]["auth"] == "Bearer k"
    assert _Fake.seen[0]["body"]["model"] == "m"


def test_it_rejects_malformed_json(server: str) -> None:
    """A model answer that is not JSON raises LLMError."""
    _Fake.reply = _answer("Sure! Here are the directives: none")
    with pytest.raises(LLMError, match="not valid JSON"):
        extract_with_llm(TEXT, url=server, model="m")


def test_it_reports_http_errors(server: str) -> None:
    """An HTTP 500 raises LLMError naming the status."""
    _Fake.status = 500
    _Fake.reply = {"error": "boom"}
    with pytest.raises(LLMError, match="HTTP 500"):
        extract_with_llm(TEXT, url=server, model="m")


def test_it_times_out(server: str) -> None:
    """A slow endpoint raises LLMError after the timeout."""
    _Fake.delay = 1.0
    _Fake.reply = _answer("{}")
    with pytest.raises(LLMError, match="timed out"):
        extract_with_llm(TEXT, url=server, model="m", timeout=0.2)


def test_it_needs_an_endpoint() -> None:
    """Without URL and model it refuses before any network call."""
    with pytest.raises(LLMError, match="LUOSHI_LLM_URL"):
        extract_with_llm(TEXT, url="", model="")


def test_it_reads_who_and_by_when_from_the_anchored_text(server: str) -> None:
    """Lead, cooperating units and deadline come from the input text by the engine's rules."""
    text = "2026年12月7日，市长王明主持召开市政府常务会议。会议要求，市商务局要会同市财政局抓紧出台政策，两周内完成。"
    _Fake.reply = _answer(json.dumps({
        "date": "2026-12-07", "directives": ["市商务局要会同市财政局抓紧出台政策，两周内完成。"],
    }, ensure_ascii=False))
    (directive,) = extract_with_llm(text, url=server, model="m", api_key="k").directives
    assert (directive.lead, directive.cooperating) == (("市商务局",), ("市财政局",))
    assert directive.deadline is not None and directive.deadline.isoformat() == "2026-12-21"
