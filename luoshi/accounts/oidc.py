"""Single sign-on with an OpenID Connect provider, through Authlib's Django client.

The flow is the authorization code flow with a nonce and a state kept in the session: Authlib
reads the provider's discovery document, sends the browser to its authorization endpoint,
exchanges the code at the token endpoint (client secret), and verifies the ID token: its
signature against the provider's published keys (JWKS), its issuer, audience, expiry and nonce.
Accounts are then found by (issuer, subject) only (services.account_for_oidc): never by a name
or an e-mail address, which a person may change or share.
"""

from __future__ import annotations

import functools
from typing import Any

from authlib.integrations.django_client import OAuth  # type: ignore[import-untyped]  # Authlib ships no types; types-Authlib would be one more pin for one call
from django.conf import settings


def enabled() -> bool:
    return bool(settings.LUOSHI_OIDC_ISSUER and settings.LUOSHI_OIDC_CLIENT_ID)


@functools.cache
def _client(issuer: str, client_id: str, client_secret: str, scopes: str) -> Any:
    # One client per configuration: it caches the discovery document and the provider's keys.
    oauth = OAuth()
    return oauth.register(
        name="luoshi_oidc", client_id=client_id, client_secret=client_secret,
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": scopes, "timeout": settings.LUOSHI_WEBHOOK_TIMEOUT},
    )


def client() -> Any:
    return _client(settings.LUOSHI_OIDC_ISSUER, settings.LUOSHI_OIDC_CLIENT_ID, settings.LUOSHI_OIDC_CLIENT_SECRET,
                   settings.LUOSHI_OIDC_SCOPES)


def redirect_uri() -> str:
    """The callback the provider must have registered for this client."""
    return settings.LUOSHI_SITE_URL + "/login/oidc/callback/"
