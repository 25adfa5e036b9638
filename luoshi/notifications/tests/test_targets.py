"""Webhook URLs (SSRF): HTTPS only, no address inside the server's network unless allow-listed,
checked when saved and again, on the address actually connected to, at every send."""

from __future__ import annotations

import socket

import pytest
from django.urls import reverse
from django.utils import translation

from luoshi.audit.models import AuditEvent
from luoshi.notifications import delivery, services, targets
from luoshi.notifications.models import Delivery, WebhookEndpoint
from luoshi.notifications.tests.servers import http_receiver
from luoshi.tasks import services as task_services
from luoshi.testing.fixtures import Province

from .test_views import client_for


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    """These tests read the refusal messages in English."""
    with translation.override("en"):
        yield

REFUSED = [
    ("https://127.0.0.1/hook", "loopback"),
    ("https://127.8.9.10:8443/hook", "loopback"),
    ("https://localhost/hook", "loopback"),
    ("https://2130706433/hook", "loopback"),  # 127.0.0.1 written as one number
    ("https://[::1]/hook", "loopback"),
    ("https://[::ffff:127.0.0.1]/hook", "loopback"),
    ("https://10.1.2.3/hook", "private network"),
    ("https://172.16.0.1/hook", "private network"),
    ("https://192.168.1.1/hook", "private network"),
    ("https://[fc00::1]/hook", "private network"),
    ("https://169.254.169.254/latest/meta-data/", "cloud metadata"),
    ("https://169.254.10.20/hook", "link-local"),
    ("https://[fe80::1]/hook", "link-local"),
    ("https://224.0.0.1/hook", "multicast"),
    ("https://[ff02::1]/hook", "multicast"),
    ("https://240.0.0.1/hook", "reserved"),
    ("https://0.0.0.0/hook", "unspecified"),
    ("https://100.64.0.1/hook", "not a public address"),  # carrier-grade NAT
]


@pytest.fixture(autouse=True)
def production_rules(settings):  # type: ignore[no-untyped-def]
    """These tests start from the production rules: https only, nothing allow-listed."""
    settings.LUOSHI_WEBHOOK_ALLOW_HTTP = False
    settings.LUOSHI_WEBHOOK_ALLOWED_HOSTS = []


def create(province: Province, url: str, kind: str = "generic") -> WebhookEndpoint:
    return services.create_endpoint(province.sysadmin, name="robot", kind=kind, url=url)


@pytest.mark.parametrize(("url", "reason"), REFUSED)
def test_it_refuses_an_internal_address_when_saving(province: Province, url: str, reason: str):
    """Every internal class of address is refused by the service with its reason; nothing is saved."""
    before = AuditEvent.objects.count()
    with pytest.raises(targets.UnsafeTarget, match=reason):
        create(province, url)
    assert not WebhookEndpoint.objects.exists() and AuditEvent.objects.count() == before


@pytest.mark.parametrize(("url", "reason"), [REFUSED[0], REFUSED[10], REFUSED[6]])
def test_the_form_explains_the_refusal_next_to_the_url(province: Province, url: str, reason: str):
    """The system administrator's form shows why, keeps what was typed, and saves nothing."""
    response = client_for(province.sysadmin).post(reverse("webhooks"), {"name": "x", "kind": "generic", "url": url},
                                                  HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    errors = response.context["form"].errors["url"]
    assert reason in errors[0] and "LUOSHI_WEBHOOK_ALLOWED_HOSTS" in errors[0]
    assert not WebhookEndpoint.objects.exists()


def test_it_refuses_plain_http_unless_allowed(province: Province, settings):
    """http:// is refused in production; LUOSHI_WEBHOOK_ALLOW_HTTP=True admits it."""
    with pytest.raises(targets.UnsafeTarget, match="must start with https://"):
        create(province, "http://hooks.example/x")
    settings.LUOSHI_WEBHOOK_ALLOW_HTTP = True
    assert create(province, "http://hooks.example/x").url == "http://hooks.example/x"


@pytest.mark.parametrize("url", ["https://user:pw@hooks.example/x", "https://127.0.0.1@hooks.example/x",
                                 "https:///nohost", "https://hooks.example:99999/x", "javascript:alert(1)"])
def test_it_refuses_urls_of_a_doubtful_form(province: Province, url: str):
    """A user name or password before the host, no host, a bad port, another scheme: refused."""
    with pytest.raises(targets.UnsafeTarget):
        create(province, url)


def test_an_allow_listed_host_may_be_internal(province: Province, settings):
    """LUOSHI_WEBHOOK_ALLOWED_HOSTS admits that host, and only that one."""
    settings.LUOSHI_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1", "hooks.internal"]
    assert create(province, "https://127.0.0.1:8443/hook").pk
    with pytest.raises(targets.UnsafeTarget, match="loopback"):
        create(province, "https://127.0.0.2/hook")
    with pytest.raises(targets.UnsafeTarget, match="169.254.169.254"):
        create(province, "https://169.254.169.254/")


def test_a_public_address_is_accepted(province: Province):
    """An address on the internet passes (nothing is sent when saving)."""
    assert create(province, "https://93.184.216.34/hook").pk
    assert create(province, "https://[2606:4700:4700::1111]/hook").pk


# --- at send time -----------------------------------------------------------------------------------


def fake_dns(monkeypatch: pytest.MonkeyPatch, answers: dict[str, list[str]]) -> None:
    """Make `socket.getaddrinfo` answer for the names given (DNS "changing" after the save)."""
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):  # type: ignore[no-untyped-def]
        if host in answers:
            return [(socket.AF_INET6 if ":" in ip else socket.AF_INET, socket.SOCK_STREAM, 6, "",
                     (ip, port)) for ip in answers[host]]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def send_one(province: Province, django_capture_on_commit_callbacks, url: str,  # type: ignore[no-untyped-def]
             then_dns: dict[str, list[str]] | None = None, monkeypatch: pytest.MonkeyPatch | None = None) -> Delivery:
    """Save an endpoint for `url`, then (DNS having changed to `then_dns`) urge a task, which sends."""
    task = province.in_progress()  # before the endpoint, so that only the urge is sent
    create(province, url)
    if then_dns:
        assert monkeypatch is not None
        fake_dns(monkeypatch, then_dns)
    with django_capture_on_commit_callbacks(execute=True):
        task_services.urge_task(province.supervisor, task, text="Please hurry up")
    return Delivery.objects.get(channel=Delivery.Channel.WEBHOOK)


def test_it_checks_again_at_send_time_when_dns_changed(province, settings, monkeypatch,
                                                       django_capture_on_commit_callbacks):
    """A name that did not resolve when saved, and resolves to loopback now, is not sent to."""
    settings.LUOSHI_WEBHOOK_ALLOW_HTTP = True
    with http_receiver() as receiver:
        port = receiver.url.split(":")[2].split("/")[0]
        url = f"http://hooks.example:{port}/hook"
        sent = send_one(province, django_capture_on_commit_callbacks, url, {"hooks.example": ["127.0.0.1"]}, monkeypatch)
    assert receiver.requests == []
    assert sent.state == Delivery.State.PENDING and "refused" in sent.last_error and "loopback" in sent.last_error


def test_one_internal_address_among_public_ones_refuses_the_send(province, monkeypatch,
                                                                 django_capture_on_commit_callbacks):
    """If any address the name has is internal, nothing is sent (no connection is even tried)."""
    connected: list[object] = []
    monkeypatch.setattr(socket, "create_connection", lambda *args, **kwargs: connected.append(args))
    sent = send_one(province, django_capture_on_commit_callbacks, "https://hooks.example/hook",
                    {"hooks.example": ["93.184.216.34", "169.254.169.254"]}, monkeypatch)
    assert "cloud metadata" in sent.last_error and connected == []


def test_it_connects_to_the_address_it_checked(province, settings, monkeypatch,
                                               django_capture_on_commit_callbacks):
    """An allow-listed name is sent to at the address just resolved and checked, with its own Host header."""
    settings.LUOSHI_WEBHOOK_ALLOW_HTTP = True
    settings.LUOSHI_WEBHOOK_ALLOWED_HOSTS = ["hooks.internal"]
    with http_receiver() as receiver:
        port = receiver.url.split(":")[2].split("/")[0]
        sent = send_one(province, django_capture_on_commit_callbacks, f"http://hooks.internal:{port}/hook?k=1",
                        {"hooks.internal": ["127.0.0.1"]}, monkeypatch)
    sent.refresh_from_db()
    assert sent.state == Delivery.State.SENT
    (request,) = receiver.requests
    assert request.path == "/hook?k=1" and request.headers["Host"] == f"hooks.internal:{port}"


def test_it_does_not_follow_redirects(province, settings, django_capture_on_commit_callbacks):
    """A receiver that answers 302 gets one request; the delivery waits with the reason."""
    settings.LUOSHI_WEBHOOK_ALLOW_HTTP = True
    settings.LUOSHI_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    with http_receiver(script=[302]) as receiver:
        sent = send_one(province, django_capture_on_commit_callbacks, receiver.url)
    assert len(receiver.requests) == 1
    assert sent.state == Delivery.State.PENDING and "does not follow redirects" in sent.last_error


def test_an_endpoint_saved_before_the_rules_is_refused_at_send_time(db):
    """A URL already in the database (saved under older rules) is checked again when sending."""
    endpoint = WebhookEndpoint(name="old", kind="generic", url="https://169.254.169.254/latest")
    with pytest.raises(delivery.DeliveryError, match="cloud metadata"):
        delivery.post_webhook(endpoint, {"kind": "urge", "task": 1, "title": "t", "url": "u", "text": "x",
                                         "recipients": []})


def _certificate(tmp_path, host: str):  # type: ignore[no-untyped-def]
    """A self-signed certificate for `host`, written as PEM files."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                         serialization.NoEncryption()))
    return tmp_path / "cert.pem", tmp_path / "key.pem"


def test_https_verifies_the_certificate_for_the_host_name_at_the_checked_address(db, settings, tmp_path, monkeypatch):
    """Connecting to the checked address keeps TLS honest: an untrusted certificate is refused, and a
    trusted one for the host name (not for the address connected to) is accepted."""
    settings.LUOSHI_WEBHOOK_ALLOWED_HOSTS = ["hooks.internal"]
    cert, key = _certificate(tmp_path, "hooks.internal")
    message = {"kind": "urge", "task": 1, "title": "t", "url": "u", "text": "x", "recipients": []}
    with http_receiver(tls=(cert, key)) as receiver:
        port = receiver.url.split(":")[2].split("/")[0]
        fake_dns(monkeypatch, {"hooks.internal": ["127.0.0.1"]})
        endpoint = WebhookEndpoint(name="tls", kind="generic", url=f"https://hooks.internal:{port}/hook")
        with pytest.raises(delivery.DeliveryError, match="CERTIFICATE_VERIFY_FAILED"):
            delivery.post_webhook(endpoint, message)
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))
        delivery.post_webhook(endpoint, message)
    (request,) = receiver.requests
    assert request.headers["Host"] == f"hooks.internal:{port}"
