"""A local fake of the WeCom, DingTalk, Feishu and Tencent Cloud SMS APIs, in a thread.

It behaves as each platform documents: tokens are issued only for the right corp id / app key
and secret, a message is accepted only with a token it issued and with the fields the API
requires, and the SMS API recomputes the TC3-HMAC-SHA256 signature from the request it got
(written here from Tencent Cloud's published algorithm, independently of the code under test)
and answers AuthFailure.SignatureFailure when it does not match. Refusals use the platforms'
own error codes, so the adapters' error handling is exercised as well."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

CORP_ID, WECOM_SECRET, AGENT_ID = "ww-corp", "wecom-secret", 1000002
DING_KEY, DING_SECRET, DING_AGENT = "ding-key", "ding-secret", 3000001
FEISHU_APP, FEISHU_SECRET = "cli_app", "feishu-secret"
SMS_ID, SMS_KEY, SMS_APP = "AKIDtest", "sms-secret-key", "1400000001"


@dataclass
class Platform:
    url: str = ""
    tokens: dict[str, str] = field(default_factory=dict)  # token → platform
    messages: list[tuple[str, dict[str, Any], dict[str, str]]] = field(default_factory=list)  # (platform, body, headers)
    token_calls: int = 0
    # Set to make the next message calls fail with the platform's "token expired" code.
    expire_tokens: bool = False
    # Set to answer every call with this HTTP status and a JSON body without an error code.
    outage: int | None = None


def _tc3_expected(headers: dict[str, str], body: bytes, secret_key: str) -> str:
    """Tencent Cloud's signature v3, recomputed from what was received."""
    auth = headers.get("Authorization", "")
    credential = auth.split("Credential=", 1)[1].split(",", 1)[0]
    _secret_id, date, service, _end = credential.split("/")
    canonical = (f"POST\n/\n\ncontent-type:{headers['Content-Type']}\nhost:{headers['Host']}\n\n"
                 f"content-type;host\n{hashlib.sha256(body).hexdigest()}")
    to_sign = (f"TC3-HMAC-SHA256\n{headers['X-TC-Timestamp']}\n{date}/{service}/tc3_request\n"
               f"{hashlib.sha256(canonical.encode()).hexdigest()}")
    key = hmac.new(b"TC3" + secret_key.encode(), date.encode(), hashlib.sha256).digest()
    key = hmac.new(key, service.encode(), hashlib.sha256).digest()
    key = hmac.new(key, b"tc3_request", hashlib.sha256).digest()
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


@contextmanager
def fake_platform() -> Iterator[Platform]:
    platform = Platform()
    lock = threading.Lock()

    def issue(name: str) -> str:
        token = f"{name}-{secrets.token_hex(8)}"
        with lock:
            platform.tokens[token] = name
            platform.token_calls += 1
        return token

    def valid(token: str, name: str) -> bool:
        return not platform.expire_tokens and platform.tokens.get(token) == name

    class Handler(BaseHTTPRequestHandler):
        def answer(self, payload: dict[str, Any], status: int = 200) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            parts = urllib.parse.urlsplit(self.path)
            query = dict(urllib.parse.parse_qsl(parts.query))
            if parts.path == "/cgi-bin/gettoken":  # WeCom
                if (query.get("corpid"), query.get("corpsecret")) != (CORP_ID, WECOM_SECRET):
                    return self.answer({"errcode": 40001, "errmsg": "invalid credential"})
                return self.answer({"errcode": 0, "errmsg": "ok", "access_token": issue("wecom"), "expires_in": 7200})
            if parts.path == "/gettoken":  # DingTalk
                if (query.get("appkey"), query.get("appsecret")) != (DING_KEY, DING_SECRET):
                    return self.answer({"errcode": 40089, "errmsg": "不合法的corpid或corpsecret"})
                return self.answer({"errcode": 0, "errmsg": "ok", "access_token": issue("dingtalk"),
                                    "expires_in": 7200})
            self.answer({"error": "not found"}, 404)

        def do_POST(self) -> None:  # noqa: N802
            if platform.outage:
                return self.answer({"message": "service busy"}, platform.outage)
            parts = urllib.parse.urlsplit(self.path)
            query = dict(urllib.parse.parse_qsl(parts.query))
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            headers = dict(self.headers)
            try:
                body = json.loads(raw)
            except ValueError:
                return self.answer({"errcode": 47001, "errmsg": "data format error"})
            if parts.path == "/cgi-bin/message/send":
                if not valid(query.get("access_token", ""), "wecom"):
                    return self.answer({"errcode": 42001, "errmsg": "access_token expired"})
                card = body.get("textcard") or {}
                if (body.get("msgtype") != "textcard" or body.get("agentid") != AGENT_ID or not body.get("touser")
                        or not card.get("title") or not card.get("description") or not card.get("url")):
                    return self.answer({"errcode": 40008, "errmsg": "invalid message type or fields"})
                platform.messages.append(("wecom", body, headers))
                if body["touser"] == "nobody":
                    return self.answer({"errcode": 0, "errmsg": "ok", "invaliduser": "nobody"})
                return self.answer({"errcode": 0, "errmsg": "ok", "invaliduser": ""})
            if parts.path == "/topapi/message/corpconversation/asyncsend_v2":
                if not valid(query.get("access_token", ""), "dingtalk"):
                    return self.answer({"errcode": 40014, "errmsg": "不合法的access_token"})
                card = (body.get("msg") or {}).get("action_card") or {}
                if (body.get("agent_id") != DING_AGENT or not body.get("userid_list")
                        or body["msg"].get("msgtype") != "action_card" or not card.get("markdown")
                        or not card.get("single_url")):
                    return self.answer({"errcode": 400002, "errmsg": "参数错误"})
                platform.messages.append(("dingtalk", body, headers))
                return self.answer({"errcode": 0, "errmsg": "ok", "task_id": 123, "request_id": "r1"})
            if parts.path == "/open-apis/auth/v3/tenant_access_token/internal":
                if (body.get("app_id"), body.get("app_secret")) != (FEISHU_APP, FEISHU_SECRET):
                    return self.answer({"code": 10014, "msg": "app secret invalid"})
                return self.answer({"code": 0, "msg": "ok", "tenant_access_token": issue("feishu"), "expire": 7200})
            if parts.path == "/open-apis/im/v1/messages":
                bearer = headers.get("Authorization", "").removeprefix("Bearer ")
                if not valid(bearer, "feishu"):
                    # Feishu answers HTTP 400 with its code in the body.
                    return self.answer({"code": 99991663, "msg": "Invalid access token for authorization."}, 400)
                try:
                    content = json.loads(body.get("content") or "")
                except ValueError:
                    content = None
                if (query.get("receive_id_type") != "user_id" or not body.get("receive_id")
                        or body.get("msg_type") != "text" or not isinstance(content, dict) or not content.get("text")):
                    return self.answer({"code": 230001, "msg": "invalid request"})
                platform.messages.append(("feishu", body, headers))
                return self.answer({"code": 0, "msg": "success", "data": {"message_id": "om_1"}})
            if parts.path == "/":  # Tencent Cloud SMS
                auth = headers.get("Authorization", "")
                if (headers.get("X-TC-Action") != "SendSms" or headers.get("X-TC-Version") != "2021-01-11"
                        or not auth.startswith(f"TC3-HMAC-SHA256 Credential={SMS_ID}/")
                        or auth.rsplit("Signature=", 1)[-1] != _tc3_expected(headers, raw, SMS_KEY)):
                    return self.answer({"Response": {"Error": {"Code": "AuthFailure.SignatureFailure",
                                                               "Message": "The provided credentials could not be "
                                                                          "validated."}, "RequestId": "x"}})
                if (body.get("SmsSdkAppId") != SMS_APP or not body.get("SignName") or not body.get("TemplateId")
                        or not isinstance(body.get("TemplateParamSet"), list) or len(body.get("PhoneNumberSet", [])) != 1):
                    return self.answer({"Response": {"Error": {"Code": "InvalidParameter", "Message": "bad"},
                                                     "RequestId": "x"}})
                platform.messages.append(("sms", body, headers))
                number = body["PhoneNumberSet"][0]
                return self.answer({"Response": {"SendStatusSet": [{"SerialNo": "s1", "PhoneNumber": number, "Fee": 1,
                                                                    "Code": "Ok", "Message": "send success"}],
                                                 "RequestId": "r"}})
            self.answer({"error": "not found"}, 404)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    platform.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield platform
    finally:
        server.shutdown()
        server.server_close()


def configure(settings: Any, url: str) -> None:
    """Point every channel at the fake platform, with its credentials."""
    settings.LUOSHI_WECOM_CORP_ID, settings.LUOSHI_WECOM_SECRET, settings.LUOSHI_WECOM_AGENT_ID = (
        CORP_ID, WECOM_SECRET, AGENT_ID)
    settings.LUOSHI_DINGTALK_APP_KEY, settings.LUOSHI_DINGTALK_APP_SECRET, settings.LUOSHI_DINGTALK_AGENT_ID = (
        DING_KEY, DING_SECRET, DING_AGENT)
    settings.LUOSHI_FEISHU_APP_ID, settings.LUOSHI_FEISHU_APP_SECRET = FEISHU_APP, FEISHU_SECRET
    settings.LUOSHI_SMS_SECRET_ID, settings.LUOSHI_SMS_SECRET_KEY, settings.LUOSHI_SMS_SDK_APP_ID = (
        SMS_ID, SMS_KEY, SMS_APP)
    settings.LUOSHI_SMS_SIGN_NAME, settings.LUOSHI_SMS_TEMPLATE_ID = "落实", "1234567"
    for name in ("WECOM", "DINGTALK", "FEISHU", "SMS"):
        setattr(settings, f"LUOSHI_{name}_BASE_URL", url)
