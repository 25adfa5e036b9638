"""A small but real OpenID Connect provider, built from Authlib's server components, for the
end-to-end sign-in tests. It runs in its own process (no Django here):

    python -m luoshi.accounts.tests.oidc_provider CONFIG.json

CONFIG holds {"client_id", "client_secret", "redirect_uri", "users": {username: {"password",
"sub", "name", "email"}}, "private_key": RSA JWK, optionally "published_key": another RSA JWK to
publish instead of the signing key, so that its ID tokens do not verify}. It serves discovery, the JWKS, an
authorization endpoint with a username/password form, and a token endpoint that checks the
client secret and the single-use code (bound to its redirect URI) and issues an RS256-signed
ID token. It prints "READY <issuer>" once listening on a free port of 127.0.0.1.
"""

from __future__ import annotations

import html
import json
import os
import sys
import time
import urllib.parse
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")  # plain http on 127.0.0.1, for the test only

from authlib.oauth2 import AuthorizationServer  # noqa: E402
from authlib.oauth2.rfc6749 import AuthorizationCodeMixin, ClientMixin, grants  # noqa: E402
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload, JsonRequest, OAuth2Request  # noqa: E402
from authlib.oauth2.rfc6750 import BearerTokenGenerator  # noqa: E402
from authlib.oidc.core import UserInfo  # noqa: E402
from authlib.oidc.core.grants import OpenIDCode  # noqa: E402
from joserfc.jwk import RSAKey  # noqa: E402


class Client(ClientMixin):
    def __init__(self, config: dict[str, Any]) -> None:
        self.client_id, self.secret, self.redirect_uri = (config["client_id"], config["client_secret"],
                                                          config["redirect_uri"])

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_allowed_scope(self, scope: str) -> str:
        return " ".join(s for s in (scope or "").split() if s in {"openid", "profile", "email"})

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri == self.redirect_uri

    def check_client_secret(self, client_secret: str) -> bool:
        return client_secret == self.secret

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in {"client_secret_basic", "client_secret_post"}

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


class Code(AuthorizationCodeMixin):
    def __init__(self, code: str, request: OAuth2Request, user: dict[str, Any]) -> None:
        self.code, self.user = code, user
        data = request.payload.data
        self.client_id, self.redirect_uri = request.client.get_client_id(), data.get("redirect_uri", "")
        self.scope, self.nonce, self.auth_time = request.scope, data.get("nonce"), int(time.time())
        self.expires_at = time.time() + 60

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> None:
        return None


def build(config: dict[str, Any], issuer: str) -> tuple[AuthorizationServer, dict[str, Any]]:
    key = RSAKey.import_key(config["private_key"])
    client = Client(config)
    codes: dict[str, Code] = {}

    class CodeGrant(grants.AuthorizationCodeGrant):
        TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

        def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
            codes[code] = Code(code, request, request.user)

        def query_authorization_code(self, code: str, client: Client) -> Code | None:
            found = codes.get(code)
            if found and found.client_id == client.get_client_id() and found.expires_at > time.time():
                return found
            return None

        def delete_authorization_code(self, authorization_code: Code) -> None:
            codes.pop(authorization_code.code, None)  # single use

        def authenticate_user(self, authorization_code: Code) -> dict[str, Any]:
            return authorization_code.user

    class IDToken(OpenIDCode):
        def exists_nonce(self, nonce: str, request: OAuth2Request) -> bool:
            return any(c.nonce == nonce for c in codes.values())

        def resolve_client_private_key(self, client: Client) -> Any:
            return key

        def get_client_claims(self, client: Client) -> dict[str, Any]:
            return {"iss": issuer, "aud": [client.get_client_id()], "exp": int(time.time()) + 300}

        def get_client_algorithm(self, client: Client) -> str:
            return "RS256"

        def get_encode_header(self, client: Client) -> dict[str, str]:
            return {"alg": "RS256", "kid": key.kid or "k1"}

        def generate_user_info(self, user: dict[str, Any], scope: str) -> UserInfo:
            info = UserInfo(sub=user["sub"], name=user.get("name", ""))
            if "email" in scope:
                info["email"] = user.get("email", "")
            return info

    class Server(AuthorizationServer):
        def query_client(self, client_id: str) -> Client | None:
            return client if client_id == client.client_id else None

        def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
            pass

        def create_oauth2_request(self, request: Any) -> OAuth2Request:
            made = OAuth2Request(request["method"], request["uri"], headers=request["headers"])
            made.payload = BasicOAuth2Payload(request["data"])
            made._form = request["form"]  # type: ignore[attr-defined]
            return made

        def create_json_request(self, request: Any) -> JsonRequest:
            return JsonRequest(request["method"], request["uri"], request["headers"])

        def handle_response(self, status: int, body: Any, headers: Any) -> tuple[int, Any, Any]:
            return status, body, headers

        def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
            pass

    server = Server(scopes_supported=["openid", "profile", "email"])
    server.register_token_generator("default", BearerTokenGenerator(lambda *a, **k: os.urandom(16).hex()))
    server.register_grant(CodeGrant, [IDToken(require_nonce=True)])
    # "published_key" (a test of forgery): the keys published differ from the signing key.
    published = RSAKey.import_key(config["published_key"]) if config.get("published_key") else key
    public = published.as_dict(private=False)
    public["kid"] = key.kid or "k1"
    return server, {"keys": [{**public, "use": "sig", "alg": "RS256"}]}


# OAuth2Request.form is read by the token endpoint's code and client authentication.
OAuth2Request.form = property(lambda self: getattr(self, "_form", {}))  # type: ignore[method-assign,assignment]

FORM = """<!doctype html><title>Test identity provider</title><form method="post" action="/authorize">
<input type="hidden" name="query" value="{query}"><input name="username"><input name="password" type="password">
<button>Sign in</button></form><p>{error}</p>"""


def application(config: dict[str, Any], issuer: str) -> Any:
    server, jwks = build(config, issuer)

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
        query = environ.get("QUERY_STRING", "")
        size = int(environ.get("CONTENT_LENGTH") or 0)
        form = dict(urllib.parse.parse_qsl(environ["wsgi.input"].read(size).decode())) if size else {}
        headers = {key[5:].replace("_", "-").title(): value for key, value in environ.items()
                   if key.startswith("HTTP_")}
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]

        def send(status: int, body: Any, extra: Any = ()) -> list[bytes]:
            data = body if isinstance(body, bytes) else (body if isinstance(body, str) else json.dumps(body)).encode()
            reason = {200: "OK", 302: "Found", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found"}
            start_response(f"{status} {reason.get(status, 'Status')}", list(extra) + [("Content-Length", str(len(data)))])
            return [data]

        if path == "/.well-known/openid-configuration":
            return send(200, {"issuer": issuer, "authorization_endpoint": issuer + "/authorize",
                              "token_endpoint": issuer + "/token", "jwks_uri": issuer + "/jwks",
                              "response_types_supported": ["code"], "subject_types_supported": ["public"],
                              "id_token_signing_alg_values_supported": ["RS256"],
                              "scopes_supported": ["openid", "profile", "email"],
                              "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"]},
                        [("Content-Type", "application/json")])
        if path == "/jwks":
            return send(200, jwks, [("Content-Type", "application/json")])
        if path == "/authorize" and method == "GET":
            return send(200, FORM.format(query=html.escape(query), error=""), [("Content-Type", "text/html")])
        if path == "/authorize" and method == "POST":
            params = dict(urllib.parse.parse_qsl(form.get("query", "")))
            user = config["users"].get(form.get("username", ""))
            if user is None or user["password"] != form.get("password"):
                return send(401, FORM.format(query=html.escape(form.get("query", "")), error="wrong password"),
                            [("Content-Type", "text/html")])
            request = {"method": "GET", "uri": f"{issuer}/authorize?{form.get('query', '')}", "headers": headers,
                       "data": params, "form": {}}
            status, body, extra = server.create_authorization_response(request, grant_user=user)
            return send(status, body or b"", extra)
        if path == "/token" and method == "POST":
            request = {"method": "POST", "uri": f"{issuer}/token", "headers": headers, "data": form, "form": form}
            status, body, extra = server.create_token_response(request)
            return send(status, body, extra)
        return send(404, {"error": "not found"})

    return app


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def main() -> None:
    config = json.loads(open(sys.argv[1], encoding="utf-8").read())
    httpd = make_server("127.0.0.1", 0, lambda e, s: [], handler_class=QuietHandler)
    issuer = f"http://127.0.0.1:{httpd.server_port}"
    httpd.set_app(application(config, issuer))
    print(f"READY {issuer}", flush=True)
    httpd.serve_forever()


if __name__ == "__main__":
    main()
