"""Person-to-person channels: work notifications in WeCom, DingTalk and Feishu, and SMS.

Each adapter sends one message to one person and raises DeliveryError when the platform
refuses it, so that these channels share the outbox, the retries and the failure list of
e-mail and webhooks (delivery.attempt). The platforms' APIs, as documented by each:

- WeCom application message: GET /cgi-bin/gettoken?corpid&corpsecret, then
  POST /cgi-bin/message/send?access_token {touser, msgtype, agentid, …}.
- DingTalk work notification: GET /gettoken?appkey&appsecret, then
  POST /topapi/message/corpconversation/asyncsend_v2?access_token {agent_id, userid_list, msg}.
- Feishu message to a user: POST /open-apis/auth/v3/tenant_access_token/internal {app_id,
  app_secret}, then POST /open-apis/im/v1/messages?receive_id_type=user_id with the token as
  a bearer {receive_id, msg_type, content}.
- Tencent Cloud SMS, API 3.0: POST / with action SendSms, signed TC3-HMAC-SHA256.

Access tokens are kept in the cache until shortly before they expire; a token the platform
says is invalid is dropped, so the next attempt fetches a new one. The base URLs and secrets
come from settings (LUOSHI_WECOM_*, LUOSHI_DINGTALK_*, LUOSHI_FEISHU_*, LUOSHI_SMS_*), never
from a user, so these calls are not subject to the webhook target checks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import http.client
import json
import urllib.parse
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.core.cache import cache

from luoshi import lib


class DeliveryError(Exception):
    """The receiver did not accept the message; the text says why, for the admin page."""


# --- HTTP ------------------------------------------------------------------------------------------


def call(method: str, url: str, *, body: dict[str, Any] | None = None, data: bytes | None = None,
         headers: dict[str, str] | None = None) -> dict[str, Any]:
    """One JSON call (`body` as JSON, or `data` as it is, byte for byte, when it was signed);
    the answer's JSON object. Redirects are not followed."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise DeliveryError(f"not an http(s) URL: {url.split('?', 1)[0]}")
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = kind(parts.hostname, parts.port, timeout=settings.LUOSHI_WEBHOOK_TIMEOUT)
    if body is not None:
        data = json.dumps(body, ensure_ascii=False).encode()
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    sent = {"User-Agent": "Luoshi", **({"Content-Type": "application/json; charset=utf-8"} if data else {}),
            **(headers or {})}
    try:
        connection.request(method, path, body=data, headers=sent)
        response = connection.getresponse()
        status, reply = response.status, response.read(65536)
    except (OSError, http.client.HTTPException) as error:
        raise DeliveryError(f"{type(error).__name__}: {error}") from None
    finally:
        connection.close()
    try:
        answer = json.loads(reply or b"{}")
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        raise DeliveryError(f"HTTP {status}: {reply[:300].decode(errors='replace')}")
    # A refusal may come as an HTTP error with the platform's code in the body (Feishu): the
    # adapter reads the code (an expired token is dropped). Without a code it is an HTTP failure.
    if not 200 <= status < 300 and answer.get("errcode", answer.get("code")) in (None, 0, "0"):
        raise DeliveryError(f"HTTP {status}: {reply[:300].decode(errors='replace')}")
    return answer


def _short(answer: dict[str, Any]) -> str:
    return json.dumps(answer, ensure_ascii=False)[:300]


def _cached_token(key: str, fetch: Any) -> str:
    token = cache.get(key)
    if token:
        return str(token)
    token, expires_in = fetch()
    # Kept until five minutes before it runs out (both platforms give 7,200 seconds).
    cache.set(key, token, max(60, int(expires_in) - 300))
    return str(token)


# --- work platforms ------------------------------------------------------------------------------


class WorkApp(Protocol):
    """A platform that takes a work notification to one person, identified by its own user id."""

    channel: str
    account_field: str  # the User field holding the person's id there

    def configured(self) -> bool: ...

    def send(self, to: str, message: dict[str, Any]) -> None: ...


def text_of(message: dict[str, Any]) -> str:
    return f"【{message['label']}】{message['title']}\n{message['text']}\n{message['url']}"


class WeCom:
    channel = "wecom"
    account_field = "wecom_userid"
    TOKEN_INVALID = {40014, 42001, 41001}

    def configured(self) -> bool:
        return bool(settings.LUOSHI_WECOM_CORP_ID and settings.LUOSHI_WECOM_SECRET and settings.LUOSHI_WECOM_AGENT_ID)

    def _key(self) -> str:
        return f"luoshi:wecom-token:{settings.LUOSHI_WECOM_CORP_ID}:{settings.LUOSHI_WECOM_AGENT_ID}"

    def _fetch(self) -> tuple[str, int]:
        query = urllib.parse.urlencode({"corpid": settings.LUOSHI_WECOM_CORP_ID,
                                        "corpsecret": settings.LUOSHI_WECOM_SECRET})
        answer = call("GET", f"{settings.LUOSHI_WECOM_BASE_URL}/cgi-bin/gettoken?{query}")
        if answer.get("errcode", 0) != 0 or not answer.get("access_token"):
            raise DeliveryError(f"WeCom gettoken refused: {_short(answer)}")
        return answer["access_token"], answer.get("expires_in", 7200)

    def send(self, to: str, message: dict[str, Any]) -> None:
        token = _cached_token(self._key(), self._fetch)
        body = {"touser": to, "msgtype": "textcard", "agentid": settings.LUOSHI_WECOM_AGENT_ID,
                "textcard": {"title": f"【{message['label']}】{message['title']}"[:128],
                             "description": message["text"][:512], "url": message["url"], "btntxt": "Luoshi"}}
        answer = call("POST", f"{settings.LUOSHI_WECOM_BASE_URL}/cgi-bin/message/send?"
                      + urllib.parse.urlencode({"access_token": token}), body=body)
        code = answer.get("errcode", 0)
        if code in self.TOKEN_INVALID:
            cache.delete(self._key())
        if code != 0:
            raise DeliveryError(f"WeCom refused: {_short(answer)}")
        if answer.get("invaliduser"):
            raise DeliveryError(f"WeCom does not know the user id {answer['invaliduser']}")


class DingTalk:
    channel = "dingtalk"
    account_field = "dingtalk_userid"
    TOKEN_INVALID = {40014, 42001, 88}

    def configured(self) -> bool:
        return bool(settings.LUOSHI_DINGTALK_APP_KEY and settings.LUOSHI_DINGTALK_APP_SECRET
                    and settings.LUOSHI_DINGTALK_AGENT_ID)

    def _key(self) -> str:
        return f"luoshi:dingtalk-token:{settings.LUOSHI_DINGTALK_APP_KEY}"

    def _fetch(self) -> tuple[str, int]:
        query = urllib.parse.urlencode({"appkey": settings.LUOSHI_DINGTALK_APP_KEY,
                                        "appsecret": settings.LUOSHI_DINGTALK_APP_SECRET})
        answer = call("GET", f"{settings.LUOSHI_DINGTALK_BASE_URL}/gettoken?{query}")
        if answer.get("errcode", 0) != 0 or not answer.get("access_token"):
            raise DeliveryError(f"DingTalk gettoken refused: {_short(answer)}")
        return answer["access_token"], answer.get("expires_in", 7200)

    def send(self, to: str, message: dict[str, Any]) -> None:
        token = _cached_token(self._key(), self._fetch)
        body = {"agent_id": settings.LUOSHI_DINGTALK_AGENT_ID, "userid_list": to,
                "msg": {"msgtype": "action_card", "action_card": {
                    "title": f"【{message['label']}】{message['title']}"[:64],
                    "markdown": text_of(message), "single_title": "Luoshi", "single_url": message["url"]}}}
        answer = call("POST", f"{settings.LUOSHI_DINGTALK_BASE_URL}/topapi/message/corpconversation/asyncsend_v2?"
                      + urllib.parse.urlencode({"access_token": token}), body=body)
        code = answer.get("errcode", 0)
        if code in self.TOKEN_INVALID:
            cache.delete(self._key())
        if code != 0:
            raise DeliveryError(f"DingTalk refused: {_short(answer)}")


class Feishu:
    channel = "feishu"
    account_field = "feishu_user_id"
    TOKEN_INVALID = {99991663, 99991661, 99991668}

    def configured(self) -> bool:
        return bool(settings.LUOSHI_FEISHU_APP_ID and settings.LUOSHI_FEISHU_APP_SECRET)

    def _key(self) -> str:
        return f"luoshi:feishu-token:{settings.LUOSHI_FEISHU_APP_ID}"

    def _fetch(self) -> tuple[str, int]:
        answer = call("POST", f"{settings.LUOSHI_FEISHU_BASE_URL}/open-apis/auth/v3/tenant_access_token/internal",
                      body={"app_id": settings.LUOSHI_FEISHU_APP_ID, "app_secret": settings.LUOSHI_FEISHU_APP_SECRET})
        if answer.get("code", 0) != 0 or not answer.get("tenant_access_token"):
            raise DeliveryError(f"Feishu tenant_access_token refused: {_short(answer)}")
        return answer["tenant_access_token"], answer.get("expire", 7200)

    def send(self, to: str, message: dict[str, Any]) -> None:
        token = _cached_token(self._key(), self._fetch)
        body = {"receive_id": to, "msg_type": "text",
                "content": json.dumps({"text": text_of(message)}, ensure_ascii=False)}
        answer = call("POST", f"{settings.LUOSHI_FEISHU_BASE_URL}/open-apis/im/v1/messages?receive_id_type=user_id",
                      body=body, headers={"Authorization": f"Bearer {token}"})
        code = answer.get("code", 0)
        if code in self.TOKEN_INVALID:
            cache.delete(self._key())
        if code != 0:
            raise DeliveryError(f"Feishu refused: {_short(answer)}")


WORK_APPS: dict[str, WorkApp] = {app.channel: app for app in (WeCom(), DingTalk(), Feishu())}


# --- SMS -------------------------------------------------------------------------------------------


class SmsProvider(Protocol):
    """Sends one templated text message to one number (as stored: 11 digits or E.164)."""

    def configured(self) -> bool: ...

    def send(self, to: str, params: list[str]) -> None: ...


@dataclass(frozen=True)
class SignedRequest:
    url: str
    body: bytes
    headers: dict[str, str]


def tc3_signature(secret_key: str, *, date: str, service: str, string_to_sign: str) -> str:
    """Tencent Cloud's TC3-HMAC-SHA256: the key derived from the secret, the day and the service."""
    def sign(key: bytes, text: str) -> bytes:
        return hmac.new(key, text.encode(), hashlib.sha256).digest()

    signing = sign(sign(sign(("TC3" + secret_key).encode(), date), service), "tc3_request")
    return hmac.new(signing, string_to_sign.encode(), hashlib.sha256).hexdigest()


def tc3_request(*, base_url: str, service: str, action: str, version: str, region: str, body: bytes,
                secret_id: str, secret_key: str, timestamp: int) -> SignedRequest:
    """A Tencent Cloud API 3.0 call signed as documented ("签名方法 v3"): canonical request over
    content-type and host, string to sign with the credential scope, and the signature."""
    host = urllib.parse.urlsplit(base_url).netloc
    content_type = "application/json; charset=utf-8"
    canonical = "\n".join(["POST", "/", "", f"content-type:{content_type}\nhost:{host}\n", "content-type;host",
                           hashlib.sha256(body).hexdigest()])
    date = dt.datetime.fromtimestamp(timestamp, dt.UTC).strftime("%Y-%m-%d")
    scope = f"{date}/{service}/tc3_request"
    string_to_sign = "\n".join(["TC3-HMAC-SHA256", str(timestamp), scope,
                                hashlib.sha256(canonical.encode()).hexdigest()])
    signature = tc3_signature(secret_key, date=date, service=service, string_to_sign=string_to_sign)
    headers = {"Content-Type": content_type, "Host": host, "X-TC-Action": action, "X-TC-Version": version,
               "X-TC-Timestamp": str(timestamp), "X-TC-Region": region,
               "Authorization": f"TC3-HMAC-SHA256 Credential={secret_id}/{scope}, SignedHeaders=content-type;host, "
                                f"Signature={signature}"}
    return SignedRequest(base_url + "/", body, headers)


class TencentSms:
    def configured(self) -> bool:
        return all([settings.LUOSHI_SMS_SECRET_ID, settings.LUOSHI_SMS_SECRET_KEY, settings.LUOSHI_SMS_SDK_APP_ID,
                    settings.LUOSHI_SMS_SIGN_NAME, settings.LUOSHI_SMS_TEMPLATE_ID])

    def request(self, to: str, params: list[str]) -> SignedRequest:
        number = to if to.startswith("+") else "+86" + to
        payload = {"PhoneNumberSet": [number], "SmsSdkAppId": settings.LUOSHI_SMS_SDK_APP_ID,
                   "SignName": settings.LUOSHI_SMS_SIGN_NAME, "TemplateId": settings.LUOSHI_SMS_TEMPLATE_ID,
                   "TemplateParamSet": params}
        return tc3_request(base_url=settings.LUOSHI_SMS_BASE_URL, service="sms", action="SendSms",
                           version="2021-01-11", region=settings.LUOSHI_SMS_REGION,
                           body=json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode(),
                           secret_id=settings.LUOSHI_SMS_SECRET_ID, secret_key=settings.LUOSHI_SMS_SECRET_KEY,
                           timestamp=int(lib.now().timestamp()))

    def send(self, to: str, params: list[str]) -> None:
        signed = self.request(to, params)
        answer = call("POST", signed.url, data=signed.body, headers=signed.headers)
        response = answer.get("Response") or {}
        if response.get("Error"):
            raise DeliveryError(f"Tencent Cloud SMS refused: {response['Error'].get('Code')}: "
                                f"{response['Error'].get('Message', '')[:200]}")
        statuses = response.get("SendStatusSet") or []
        if not statuses or statuses[0].get("Code") != "Ok":
            raise DeliveryError(f"Tencent Cloud SMS did not send: {_short(response)}")


def sms_provider() -> SmsProvider:
    return TencentSms()
