"""Luoshi's settings: everything comes from the environment, parsed strictly.

With nothing set, Luoshi runs on SQLite in a per-user data directory
(LUOSHI_DATA_DIR, default ~/.local/share/luoshi) and keeps a generated secret key there.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _

from luoshi.lib import ConfigError, default_data_dir, envbool, envint, envlist, envsecret

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = default_data_dir()


def _secret_key() -> str:
    key = envsecret("LUOSHI_SECRET_KEY")
    if key:
        return key
    # The embedded default: generated once, kept beside the database, never in the repo.
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
DEBUG = envbool("LUOSHI_DEBUG", "False")
ALLOWED_HOSTS = envlist("LUOSHI_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = envlist("LUOSHI_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "luoshi.web.admin_apps.LuoshiAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "luoshi.audit",
    "luoshi.units",
    "luoshi.accounts",
    "luoshi.meetings",
    "luoshi.tasks",
    "luoshi.taskrequests",
    "luoshi.leaders",
    "luoshi.web",
    "luoshi.notifications",
    "luoshi.supervision",
    "luoshi.ledgers",
    "luoshi.scoring",
    "luoshi.documents",
    "luoshi.notices",
    "luoshi.commitments",
    "luoshi.calendars",
    "luoshi.portal",
    "luoshi.api",
    "luoshi.testing",  # no models: the `generate` command (test data for benchmarks)
    "luoshi.search",
    "luoshi.checks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "luoshi.urls"
WSGI_APPLICATION = "luoshi.wsgi.application"

TEMPLATES: list[dict[str, Any]] = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]


def _databases() -> dict[str, Any]:
    url = envsecret("DATABASE_URL")
    if url:
        # Persistent connections by default (issue 24): opening one per request is slow on
        # PostgreSQL (bench/FIGURES.md). The health check replaces a connection that died while it was idle.
        default = dj_database_url.parse(url, conn_max_age=envint("LUOSHI_CONN_MAX_AGE", "60"),
                                        conn_health_checks=True)
        # Behind PgBouncer in transaction pooling, a server-side cursor may outlive its
        # transaction's server connection: Django must not use them (docs/deployment.md).
        default["DISABLE_SERVER_SIDE_CURSORS"] = envbool("LUOSHI_PGBOUNCER", "False")
        return {"default": default}
    return {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "luoshi.sqlite3",
            "OPTIONS": {
                # IMMEDIATE makes every transaction take the write lock up front, so two
                # writers queue instead of failing half-way with "database is locked".
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            "TEST": {"NAME": str(DATA_DIR / "test.sqlite3")},
        }
    }


DATABASES = _databases()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = Path(envsecret("LUOSHI_MEDIA_ROOT") or DATA_DIR / "files")
# Never routed: files are served only through permission-checked views (Django needs a value).
MEDIA_URL = "/protected-files/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Supervision rules (see luoshi/tasks/lights.py).
LUOSHI_AMBER_DAYS = envint("LUOSHI_AMBER_DAYS", "7")
LUOSHI_CADENCE_GRACE_DAYS = envint("LUOSHI_CADENCE_GRACE_DAYS", "0")
# Points behind the straight line from assignment to deadline that turn a task amber at any time.
# Feedback-node templates beyond the built-in ones (luoshi/tasks/nodes.py), as JSON.
def _node_templates() -> dict:
    from luoshi.tasks.nodes import parse

    text = os.environ.get("LUOSHI_NODE_TEMPLATES", "")
    return parse(text) if text.strip() else {}


LUOSHI_NODE_TEMPLATES = _node_templates()
# How many days after its deadline the lead unit may still ask for an extension (申请延期).
LUOSHI_EXTENSION_GRACE_DAYS = envint("LUOSHI_EXTENSION_GRACE_DAYS", "3")
# An extension that moves a top-level task's deadline by more than this many days is decided by
# the leader in charge (docs/instructions.md), not the office.
LUOSHI_EXTENSION_LEADER_DAYS = envint("LUOSHI_EXTENSION_LEADER_DAYS", "60")
if not 1 <= LUOSHI_EXTENSION_LEADER_DAYS <= 3650:
    raise ConfigError(f"LUOSHI_EXTENSION_LEADER_DAYS must be a whole number from 1 to 3650, not {LUOSHI_EXTENSION_LEADER_DAYS}")
if not 0 <= LUOSHI_EXTENSION_GRACE_DAYS <= 365:
    raise ConfigError(f"LUOSHI_EXTENSION_GRACE_DAYS must be a whole number from 0 to 365, not {LUOSHI_EXTENSION_GRACE_DAYS}")
LUOSHI_BEHIND_TOLERANCE = envint("LUOSHI_BEHIND_TOLERANCE", "20")
if not 0 <= LUOSHI_BEHIND_TOLERANCE <= 100:
    raise ConfigError(f"LUOSHI_BEHIND_TOLERANCE must be a whole number from 0 to 100, not {LUOSHI_BEHIND_TOLERANCE}")
# Outcome indicators (docs/indicators.md): an actual more than this many percent behind its
# planned trajectory turns the task's light amber / red.
LUOSHI_INDICATOR_AMBER = envint("LUOSHI_INDICATOR_AMBER", "10")
LUOSHI_INDICATOR_RED = envint("LUOSHI_INDICATOR_RED", "25")
if not 0 <= LUOSHI_INDICATOR_AMBER <= LUOSHI_INDICATOR_RED <= 100:
    raise ConfigError("LUOSHI_INDICATOR_AMBER and LUOSHI_INDICATOR_RED must be whole numbers with "
                      f"0 ≤ amber ≤ red ≤ 100, not {LUOSHI_INDICATOR_AMBER} and {LUOSHI_INDICATOR_RED}")
LUOSHI_MAX_UPLOAD_MB = envint("LUOSHI_MAX_UPLOAD_MB", "20")
# Evidence quotas: files and megabytes in one report, megabytes one person uploads in all.
LUOSHI_MAX_REPORT_FILES = envint("LUOSHI_MAX_REPORT_FILES", "10")
LUOSHI_MAX_REPORT_MB = envint("LUOSHI_MAX_REPORT_MB", "50")
LUOSHI_USER_QUOTA_MB = envint("LUOSHI_USER_QUOTA_MB", "2000")

# Sessions live in the database (Django's store).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("LUOSHI_SECURE_COOKIES", "False")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}


# --- Background work and notifications (luoshi/supervision, luoshi/notifications) ---------------
# The task queue (huey): SQLite beside the database by default, Redis when LUOSHI_REDIS_URL
# is set. LUOSHI_QUEUE_IMMEDIATE=True runs every job at once, in-process (tests, demos).
LUOSHI_REDIS_URL = envsecret("LUOSHI_REDIS_URL")
HUEY = {
    "name": "luoshi",
    "huey_class": "huey.RedisHuey" if LUOSHI_REDIS_URL else "huey.SqliteHuey",
    "immediate": envbool("LUOSHI_QUEUE_IMMEDIATE", "False"),
    "results": False,
    "utc": True,
    "connection": {"url": LUOSHI_REDIS_URL} if LUOSHI_REDIS_URL else {"filename": str(DATA_DIR / "queue.sqlite3")},
    "consumer": {"workers": envint("LUOSHI_WORKERS", "2"), "worker_type": "thread"},
}


# --- The audit trail (luoshi/audit/chain.py, docs/security.md "The audit trail") ------------------
# The key that MACs the chain, kept outside the database: LUOSHI_AUDIT_KEY or LUOSHI_AUDIT_KEY_FILE,
# else generated once into DATA_DIR/audit_key by the first process that needs it.
LUOSHI_AUDIT_KEY = envsecret("LUOSHI_AUDIT_KEY")
# The sealer's own newest signed head, outside the database (a wiped or cut trail is caught by it).
LUOSHI_AUDIT_ANCHOR_FILE = os.environ.get("LUOSHI_AUDIT_ANCHOR_FILE", str(DATA_DIR / "audit_anchor.json"))
# Who seals: the worker every LUOSHI_AUDIT_SEAL_SECONDS, or each writing transaction right after
# it commits (the default on SQLite, where writers queue anyway, and with an in-process queue).
LUOSHI_AUDIT_SEAL_SECONDS = envint("LUOSHI_AUDIT_SEAL_SECONDS", "1")
# Where the worker POSTs the signed head every day at 00:10 UTC (a receiver kept off-site); empty: nowhere.
LUOSHI_AUDIT_ANCHOR_URL = envsecret("LUOSHI_AUDIT_ANCHOR_URL")
LUOSHI_AUDIT_SEAL_ON_COMMIT = envbool(
    "LUOSHI_AUDIT_SEAL_ON_COMMIT",
    str(HUEY["immediate"] or DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"))


def _daily_pass_at(name: str, default: str) -> tuple[int, int]:
    value = os.environ.get(name, default)
    hour, _sep, minute = value.partition(":")
    if not (hour.isdigit() and minute.isdigit() and int(hour) < 24 and int(minute) < 60):
        raise ConfigError(f"{name} must be a time of day like 07:30, not {value!r}")
    return int(hour), int(minute)


def _escalation_days(name: str, default: str) -> tuple[int, ...]:
    value = os.environ.get(name, default)
    try:
        days = tuple(int(day) for day in value.split(","))
    except ValueError:
        raise ConfigError(f"{name} must be three whole numbers like 1,7,30, not {value!r}") from None
    if len(days) != 3 or days[0] < 1 or list(days) != sorted(set(days)):
        raise ConfigError(f"{name} must be three increasing whole numbers like 1,7,30, not {value!r}")
    return days


# The daily supervision pass (luoshi/supervision/services.py), in TIME_ZONE.
LUOSHI_DAILY_PASS_AT = _daily_pass_at("LUOSHI_DAILY_PASS_AT", "07:30")
LUOSHI_REMINDER_DAYS = envint("LUOSHI_REMINDER_DAYS", "3")
LUOSHI_URGE_EVERY_DAYS = envint("LUOSHI_URGE_EVERY_DAYS", "7")
# Milestones (feedback nodes) and requests for input are days apart, not weeks: remind this
# many days before one falls due (and once more when it is missed).
LUOSHI_MILESTONE_REMINDER_DAYS = envint("LUOSHI_MILESTONE_REMINDER_DAYS", "1")
# Sign-for time limit (签收时限), in working days of the official holiday calendar.
LUOSHI_SIGN_WORKING_DAYS = envint("LUOSHI_SIGN_WORKING_DAYS", "1")
# Days overdue at which a task is escalated to level 1 (unit liaison), 2 (unit head and
# supervision office) and 3 (leader).
LUOSHI_ESCALATION_DAYS = _escalation_days("LUOSHI_ESCALATION_DAYS", "1,7,30")

# Links in e-mails and webhook messages point here.
LUOSHI_SITE_URL = os.environ.get("LUOSHI_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# E-mail through Django's backends: smtp, console, locmem, dummy or a dotted path. Without
# EMAIL_HOST the default is the console, so nothing leaves a developer's machine.
_EMAIL_BACKENDS = {name: f"django.core.mail.backends.{name}.EmailBackend" for name in ("smtp", "console", "locmem", "dummy")}
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
_email_backend = os.environ.get("LUOSHI_EMAIL_BACKEND", "smtp" if EMAIL_HOST else "console")
if "." not in _email_backend and _email_backend not in _EMAIL_BACKENDS:
    raise ConfigError(f"LUOSHI_EMAIL_BACKEND must be one of {', '.join(_EMAIL_BACKENDS)} or a dotted path, not {_email_backend!r}")
EMAIL_BACKEND = _EMAIL_BACKENDS.get(_email_backend, _email_backend)
EMAIL_PORT = envint("EMAIL_PORT", "587")
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envsecret("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "True")
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", "20")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "luoshi@localhost")

# Outgoing e-mail and webhook messages: tries, and the first wait (doubled after each failure).
LUOSHI_DELIVERY_ATTEMPTS = envint("LUOSHI_DELIVERY_ATTEMPTS", "6")
LUOSHI_DELIVERY_RETRY_SECONDS = envint("LUOSHI_DELIVERY_RETRY_SECONDS", "60")
LUOSHI_WEBHOOK_TIMEOUT = envint("LUOSHI_WEBHOOK_TIMEOUT", "10")
# Webhook targets (luoshi/notifications/targets.py, docs/security.md): HTTPS only unless
# LUOSHI_WEBHOOK_ALLOW_HTTP=True, and no loopback, private, link-local, metadata, multicast or
# reserved address unless the host is listed in LUOSHI_WEBHOOK_ALLOWED_HOSTS (comma-separated).
LUOSHI_WEBHOOK_ALLOW_HTTP = envbool("LUOSHI_WEBHOOK_ALLOW_HTTP", "False")
# Data protection: webhook messages carry the task's title and text only when this is True;
# otherwise a number, a link and "sign in to read" (docs/security.md).
LUOSHI_WEBHOOK_TASK_TEXT = envbool("LUOSHI_WEBHOOK_TASK_TEXT", "False")
LUOSHI_WEBHOOK_ALLOWED_HOSTS = envlist("LUOSHI_WEBHOOK_ALLOWED_HOSTS")
# Person-to-person work notifications (luoshi/notifications/workapps.py, README "Channels"):
# each platform is on when its ids and secret are set. The base URLs are the public APIs;
# a private deployment (政务微信, 浙政钉, 飞书私有化) or a test server sets its own.
LUOSHI_WECOM_CORP_ID = os.environ.get("LUOSHI_WECOM_CORP_ID", "")
LUOSHI_WECOM_AGENT_ID = envint("LUOSHI_WECOM_AGENT_ID", "0")  # the application's AgentId
LUOSHI_WECOM_SECRET = envsecret("LUOSHI_WECOM_SECRET")
LUOSHI_WECOM_BASE_URL = os.environ.get("LUOSHI_WECOM_BASE_URL", "https://qyapi.weixin.qq.com").rstrip("/")
LUOSHI_DINGTALK_APP_KEY = os.environ.get("LUOSHI_DINGTALK_APP_KEY", "")
LUOSHI_DINGTALK_AGENT_ID = envint("LUOSHI_DINGTALK_AGENT_ID", "0")
LUOSHI_DINGTALK_APP_SECRET = envsecret("LUOSHI_DINGTALK_APP_SECRET")
LUOSHI_DINGTALK_BASE_URL = os.environ.get("LUOSHI_DINGTALK_BASE_URL", "https://oapi.dingtalk.com").rstrip("/")
LUOSHI_FEISHU_APP_ID = os.environ.get("LUOSHI_FEISHU_APP_ID", "")
LUOSHI_FEISHU_APP_SECRET = envsecret("LUOSHI_FEISHU_APP_SECRET")
LUOSHI_FEISHU_BASE_URL = os.environ.get("LUOSHI_FEISHU_BASE_URL", "https://open.feishu.cn").rstrip("/")
# Work notifications carry the task's title and text only when this is True (as for webhooks).
LUOSHI_WORK_APP_TASK_TEXT = envbool("LUOSHI_WORK_APP_TASK_TEXT", "False")
# SMS through Tencent Cloud SMS (API 3.0, TC3-HMAC-SHA256): off unless the ids, the key, the
# signature name and the template are set. The template takes two parameters: the kind of
# notification and the task's number (never its text). Limits count per number and per day.
LUOSHI_SMS_SECRET_ID = os.environ.get("LUOSHI_SMS_SECRET_ID", "")
LUOSHI_SMS_SECRET_KEY = envsecret("LUOSHI_SMS_SECRET_KEY")
LUOSHI_SMS_SDK_APP_ID = os.environ.get("LUOSHI_SMS_SDK_APP_ID", "")
LUOSHI_SMS_SIGN_NAME = os.environ.get("LUOSHI_SMS_SIGN_NAME", "")
LUOSHI_SMS_TEMPLATE_ID = os.environ.get("LUOSHI_SMS_TEMPLATE_ID", "")
LUOSHI_SMS_REGION = os.environ.get("LUOSHI_SMS_REGION", "ap-guangzhou")
LUOSHI_SMS_BASE_URL = os.environ.get("LUOSHI_SMS_BASE_URL", "https://sms.tencentcloudapi.com").rstrip("/")
LUOSHI_SMS_PER_NUMBER_PER_DAY = envint("LUOSHI_SMS_PER_NUMBER_PER_DAY", "5")
LUOSHI_SMS_PER_DAY = envint("LUOSHI_SMS_PER_DAY", "500")
# The kinds of notification that also go by SMS (the others reach the inbox and the other channels).
LUOSHI_SMS_KINDS = envlist("LUOSHI_SMS_KINDS", "assignment,urge,escalation,return")
TEMPLATES[0]["OPTIONS"]["context_processors"].append(
    "luoshi.notifications.context_processors.unread")  # the unread count in the header
TEMPLATES[0]["OPTIONS"]["context_processors"].append(
    "luoshi.web.context_processors.navigation")  # the header's links for the user's role


# --- Ledgers and scoring (luoshi/ledgers, luoshi/scoring) ------------------------------------------
# Excel ledger import (luoshi/ledgers): the largest file and the most rows one import takes.
LUOSHI_LEDGER_MAX_MB = envint("LUOSHI_LEDGER_MAX_MB", "10")
LUOSHI_LEDGER_MAX_ROWS = envint("LUOSHI_LEDGER_MAX_ROWS", "20000")


def _score_pairs(name: str, default: str, keys: set[str]) -> dict[str, int]:
    """"ontime:40,punctuality:30" → {"ontime": 40, …}; anything else is refused at start-up."""
    from luoshi.lib import ConfigError

    pairs: dict[str, int] = {}
    for item in envlist(name, default):
        key, _sep, value = item.partition(":")
        key = key.strip()
        if key not in keys or not value.strip().isdigit():
            raise ConfigError(f"{name}: {item!r} is not one of {sorted(keys)} followed by :whole number")
        pairs[key] = int(value)
    return pairs


# Unit scoring (luoshi/scoring/ranking.py explains the formula): weights of the five
# components, and the caps at which days overdue and returned reports score nothing.
LUOSHI_SCORE_WEIGHTS = _score_pairs("LUOSHI_SCORE_WEIGHTS", "ontime:40,punctuality:30,overdue:20,returned:10,grade:20",
                                    {"ontime", "punctuality", "overdue", "returned", "grade"})
LUOSHI_SCORE_CAPS = _score_pairs("LUOSHI_SCORE_CAPS", "overdue:30,returned:5", {"overdue", "returned"})
# What each closure grade (办结评价) is worth in the grade part of the score, out of 100.
LUOSHI_SCORE_GRADE_POINTS = _score_pairs("LUOSHI_SCORE_GRADE_POINTS", "excellent:100,good:85,pass:60,fail:0",
                                         {"excellent", "good", "pass", "fail"})

# --- Documents, calendars and the public portal (luoshi/documents, calendars, portal) ------------
# The issuing office printed in red at the head of the office's Word documents, and the
# prefix of a bulletin's number (督查通报〔2026〕12号 / Supervision Bulletin [2026] No. 12).
LUOSHI_DOCUMENT_OFFICE_ZH = envsecret("LUOSHI_DOCUMENT_OFFICE_ZH", "省政府办公厅督查室")
LUOSHI_DOCUMENT_OFFICE_EN = envsecret(
    "LUOSHI_DOCUMENT_OFFICE_EN", "Supervision Office, General Office of the Provincial Government")
LUOSHI_BULLETIN_PREFIX_ZH = envsecret("LUOSHI_BULLETIN_PREFIX_ZH", "督查通报")
LUOSHI_BULLETIN_PREFIX_EN = envsecret("LUOSHI_BULLETIN_PREFIX_EN", "Supervision Bulletin")
# Numbered notices (luoshi/notices): 辽督交〔2026〕1号 (assignment), 辽督办 (supervision), 辽督催 (urging).
LUOSHI_NOTICE_PREFIX_ZH = envsecret("LUOSHI_NOTICE_PREFIX_ZH", "辽督")
LUOSHI_NOTICE_PREFIX_EN = envsecret("LUOSHI_NOTICE_PREFIX_EN", "LN")
LUOSHI_BULLETIN_RECIPIENTS_ZH = envsecret("LUOSHI_BULLETIN_RECIPIENTS_ZH", "各市人民政府，省政府各厅委、各直属机构：")
LUOSHI_BULLETIN_RECIPIENTS_EN = envsecret(
    "LUOSHI_BULLETIN_RECIPIENTS_EN", "To the city governments and the departments of the Provincial Government:")
# Calendar feeds list at most this many deadlines (the nearest first, overdue ones included).
LUOSHI_CALENDAR_MAX_EVENTS = envint("LUOSHI_CALENDAR_MAX_EVENTS", "2000")
# The read-only public portal at /public/: off unless a deployment switches it on.
LUOSHI_PUBLIC_PORTAL = envbool("LUOSHI_PUBLIC_PORTAL", "False")
# The Django admin (read-only tables) for superusers, behind Luoshi's two-step sign-in.
LUOSHI_ADMIN = envbool("LUOSHI_ADMIN", "False")


# --- API (luoshi/api) -------------------------------------------------------------------------
# The JSON API at /api/ (luoshi/api, docs/api.md). "ninja" serves the docs page's
# Swagger UI from its own wheel, so the page needs no internet.
INSTALLED_APPS += ["ninja"]


def _api_rate(name: str, default: str) -> str:
    from luoshi.api.rates import parse_rate

    value = os.environ.get(name, default)
    try:
        parse_rate(value)
    except ValueError as error:
        raise ConfigError(f"{name}: {error}") from None
    return value


# Requests per token and period (s, min, hour, day); more get 429 with Retry-After. Counted
# in Django's cache, so app servers share the count once the cache is shared (Redis).
LUOSHI_API_RATE = _api_rate("LUOSHI_API_RATE", "120/min")
# A token's last-used time is written at most this often (seconds), not on every request.
LUOSHI_API_TOKEN_TOUCH_SECONDS = envint("LUOSHI_API_TOKEN_TOUCH_SECONDS", "60")

# --- Search (luoshi/search) -----------------------------------------------------------------------
# Hits per page of /search/ (counts per kind are always exact; see docs/search.md).
LUOSHI_SEARCH_PAGE_SIZE = envint("LUOSHI_SEARCH_PAGE_SIZE", "20")
# Beyond this many matches a search is not counted to the end: it shows the best among the
# newest this many (luoshi/search/results.py), so a common word costs what a rare one does.
LUOSHI_SEARCH_MAX_COUNTED = envint("LUOSHI_SEARCH_MAX_COUNTED", "1000")

# --- Scale and deployment: database router, cache, file storage -----------------------------------
# Several stateless app servers (gunicorn) share one PostgreSQL primary, optional read
# replicas and Redis (docs/deployment.md). LUOSHI_DATABASE_REPLICA_URL adds the database
# alias "replica": the GET requests of the views named in LUOSHI_REPLICA_VIEWS (dashboards,
# the ledger, search) read from it; every write, and every read of sessions and users, goes
# to the primary (luoshi/lib/dbrouter.py). In tests the replica mirrors the primary.
DATABASE_ROUTERS = ["luoshi.lib.dbrouter.PrimaryReplicaRouter"]
LUOSHI_REPLICA_VIEWS = envlist("LUOSHI_REPLICA_VIEWS", "home,ledger,search,list_tasks")
_replica_url = envsecret("LUOSHI_DATABASE_REPLICA_URL")
if _replica_url:
    DATABASES["replica"] = dj_database_url.parse(_replica_url, conn_max_age=envint("LUOSHI_CONN_MAX_AGE", "60"),
                                                 conn_health_checks=True)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    MIDDLEWARE.append("luoshi.lib.dbrouter.ReplicaReadsMiddleware")

# LUOSHI_CACHE_URL=redis://host:6379/1 shares Django's cache (API rate limits, …) between
# app servers through Redis; without it each process keeps its own in memory.
LUOSHI_CACHE_URL = envsecret("LUOSHI_CACHE_URL")
if LUOSHI_CACHE_URL:
    if not LUOSHI_CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError(f"LUOSHI_CACHE_URL must be a redis://, rediss:// or unix:// URL, not {LUOSHI_CACHE_URL!r}")
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": LUOSHI_CACHE_URL,
                          "KEY_PREFIX": "luoshi"}}
# Files (evidence, ledger uploads) are private: no URL serves them; permission-checked views
# stream them through Django's storage API (luoshi/lib/files.py). LUOSHI_STORAGE=local, the
# default, keeps them under LUOSHI_MEDIA_ROOT, which several app servers must then share
# (NFS or similar). LUOSHI_STORAGE=s3 keeps them in a private bucket of an S3-compatible
# store (AWS S3, MinIO, Ceph RGW, SeaweedFS, …) through django-storages and boto3
# (`pip install 'luoshi[s3]'`); see docs/deployment.md.
LUOSHI_STORAGE = os.environ.get("LUOSHI_STORAGE", "local")
if LUOSHI_STORAGE not in ("local", "s3"):
    raise ConfigError(f"LUOSHI_STORAGE must be local or s3, not {LUOSHI_STORAGE!r}")


def s3_storage() -> dict[str, object]:
    """The STORAGES entry for LUOSHI_STORAGE=s3, read from the LUOSHI_S3_* variables."""
    try:
        import storages  # noqa: F401 # django-storages, named by BACKEND below
        from botocore.config import Config
    except ImportError:
        raise ConfigError("LUOSHI_STORAGE=s3 needs django-storages and boto3: pip install 'luoshi[s3]'") from None
    bucket = os.environ.get("LUOSHI_S3_BUCKET", "")
    if not bucket:
        raise ConfigError("LUOSHI_STORAGE=s3 needs LUOSHI_S3_BUCKET, the name of a private bucket")
    endpoint = os.environ.get("LUOSHI_S3_ENDPOINT_URL") or None
    # Path style (https://host/bucket/key) suits MinIO, Ceph and SeaweedFS; a store that
    # wants the bucket in the host name (Aliyun OSS) takes LUOSHI_S3_ADDRESSING_STYLE=virtual.
    style = os.environ.get("LUOSHI_S3_ADDRESSING_STYLE", "path" if endpoint else "auto")
    if style not in ("path", "virtual", "auto"):
        raise ConfigError(f"LUOSHI_S3_ADDRESSING_STYLE must be path, virtual or auto, not {style!r}")
    # Files are never public. A bucket with ACLs disabled (AWS's "bucket owner enforced",
    # private by construction) may refuse any ACL header: LUOSHI_S3_ACL= sends none.
    acl = os.environ.get("LUOSHI_S3_ACL", "private")
    if acl not in ("private", "bucket-owner-full-control", ""):
        raise ConfigError(f"LUOSHI_S3_ACL must be private, bucket-owner-full-control or empty, not {acl!r}: "
                          "files are never public")
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": bucket,
        "endpoint_url": endpoint,
        "region_name": os.environ.get("LUOSHI_S3_REGION") or None,
        # Without keys boto3 looks for its own (an instance role, AWS_* variables).
        "access_key": envsecret("LUOSHI_S3_ACCESS_KEY_ID") or None,
        "secret_key": envsecret("LUOSHI_S3_SECRET_ACCESS_KEY") or None,
        "location": os.environ.get("LUOSHI_S3_PREFIX", "").strip("/"),
        # Private objects under the random names the services give them; never overwritten.
        "default_acl": acl or None,
        "file_overwrite": False,
        "querystring_auth": True,
        "querystring_expire": 60,
        # A download larger than an upload kept in memory goes to a temporary file.
        "max_memory_size": FILE_UPLOAD_MAX_MEMORY_SIZE,
        # An unreachable store fails in seconds with a clear message, not after minutes.
        "client_config": Config(
            s3={"addressing_style": style}, signature_version="s3v4",
            connect_timeout=envint("LUOSHI_S3_CONNECT_TIMEOUT", "5"),
            read_timeout=envint("LUOSHI_S3_READ_TIMEOUT", "60"),
            retries={"max_attempts": 3, "mode": "standard"},
        ),
    }}


STORAGES: dict[str, dict[str, Any]] = {
    "default": s3_storage() if LUOSHI_STORAGE == "s3" else {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


# --- Security: authentication, sessions, HTTP hardening, uploads, backups ------------------------
# HTTP hardening (docs/security.md): LUOSHI_SECURE=True, for production served over HTTPS,
# turns on secure cookies, HSTS and the redirect to HTTPS. Behind a proxy that ends TLS, set
# LUOSHI_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO (the header the proxy sets to "https"), and
# LUOSHI_SSL_REDIRECT=False if the proxy already redirects plain HTTP.
LUOSHI_SECURE = envbool("LUOSHI_SECURE", "False")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LUOSHI_SECURE or (not DEBUG and envbool("LUOSHI_SECURE_COOKIES", "False"))
SECURE_HSTS_SECONDS = envint("LUOSHI_HSTS_SECONDS", "31536000") if LUOSHI_SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("LUOSHI_HSTS_INCLUDE_SUBDOMAINS", "True")
SECURE_HSTS_PRELOAD = envbool("LUOSHI_HSTS_PRELOAD", "True")
SECURE_SSL_REDIRECT = LUOSHI_SECURE and envbool("LUOSHI_SSL_REDIRECT", "True")
SECURE_PROXY_SSL_HEADER = (
    (os.environ["LUOSHI_PROXY_SSL_HEADER"], "https") if os.environ.get("LUOSHI_PROXY_SSL_HEADER") else None)
# HTTP hardening: no inline script or style and nothing from another origin (luoshi/security.py).
LUOSHI_CSP = os.environ.get("LUOSHI_CSP", (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"))
MIDDLEWARE.insert(1, "luoshi.security.ContentSecurityPolicyMiddleware")
MIDDLEWARE.insert(2, "luoshi.security.NoStoreMiddleware")
# authentication (docs/security.md): the password profile is "default" (12 characters, not a
# common password, not like the username) or "strict" (also three kinds of character, and a
# change every LUOSHI_PASSWORD_MAX_AGE_DAYS, 90 unless set; 0 turns rotation off).
LUOSHI_PASSWORD_PROFILE = os.environ.get("LUOSHI_PASSWORD_PROFILE", "default")
if LUOSHI_PASSWORD_PROFILE not in ("default", "strict"):  # nosec B105 # a profile's name, not a password
    raise ConfigError(f"LUOSHI_PASSWORD_PROFILE must be default or strict, not {LUOSHI_PASSWORD_PROFILE!r}")
if LUOSHI_PASSWORD_PROFILE == "strict":  # nosec B105 # a profile's name, not a password
    AUTH_PASSWORD_VALIDATORS = [*AUTH_PASSWORD_VALIDATORS, {
        "NAME": "luoshi.accounts.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}}]
LUOSHI_PASSWORD_MAX_AGE_DAYS = envint("LUOSHI_PASSWORD_MAX_AGE_DAYS", "90" if LUOSHI_PASSWORD_PROFILE == "strict" else "0")  # nosec B105 # a profile's name, not a password
# authentication: Argon2 first; a login with an older PBKDF2 hash re-hashes it with Argon2.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# authentication: LUOSHI_LOCKOUT_ATTEMPTS failures within the window lock a username for
# LUOSHI_LOCKOUT_MINUTES (0: until the security administrator unlocks it; she can always unlock
# earlier). Counted in the database, so every app server agrees.
AUTHENTICATION_BACKENDS = ["luoshi.accounts.backends.LockoutBackend"]
# authentication: single sign-on through an OpenID Connect provider (luoshi/accounts/oidc.py,
# README "Single sign-on"), on when the issuer and the client id are set. Accounts are matched by
# the provider's issuer and subject id, which the security administrator links; with
# LUOSHI_OIDC_CREATE_USERS=True an unknown person gets a new account with no role instead.
LUOSHI_OIDC_ISSUER = os.environ.get("LUOSHI_OIDC_ISSUER", "").rstrip("/")
LUOSHI_OIDC_CLIENT_ID = os.environ.get("LUOSHI_OIDC_CLIENT_ID", "")
LUOSHI_OIDC_CLIENT_SECRET = envsecret("LUOSHI_OIDC_CLIENT_SECRET")
LUOSHI_OIDC_SCOPES = os.environ.get("LUOSHI_OIDC_SCOPES", "openid profile email")
LUOSHI_OIDC_LABEL = os.environ.get("LUOSHI_OIDC_LABEL", "")  # the button's words, e.g. 浙政钉
LUOSHI_OIDC_CREATE_USERS = envbool("LUOSHI_OIDC_CREATE_USERS", "False")
# Who may sign in with a password: everyone, or only the three administrators (the others then
# sign in through the OpenID Connect provider).
LUOSHI_PASSWORD_LOGIN = os.environ.get("LUOSHI_PASSWORD_LOGIN", "everyone")
if LUOSHI_PASSWORD_LOGIN not in ("everyone", "administrators"):  # nosec B105 # a setting's value, not a password
    raise ConfigError(f"LUOSHI_PASSWORD_LOGIN must be everyone or administrators, not {LUOSHI_PASSWORD_LOGIN!r}")
LUOSHI_LOCKOUT_ATTEMPTS = envint("LUOSHI_LOCKOUT_ATTEMPTS", "5")
LUOSHI_LOCKOUT_WINDOW_MINUTES = envint("LUOSHI_LOCKOUT_WINDOW_MINUTES", "15")
LUOSHI_LOCKOUT_MINUTES = envint("LUOSHI_LOCKOUT_MINUTES", "30")
if LUOSHI_LOCKOUT_MINUTES < 0:
    raise ConfigError(f"LUOSHI_LOCKOUT_MINUTES must be 0 (no timed unlock) or more, not {LUOSHI_LOCKOUT_MINUTES}")
# authentication: a session ends after this long without a request, and this long after sign-in.
LUOSHI_SESSION_IDLE_MINUTES = envint("LUOSHI_SESSION_IDLE_MINUTES", "30")
LUOSHI_SESSION_MAX_HOURS = envint("LUOSHI_SESSION_MAX_HOURS", "12")
SESSION_COOKIE_AGE = LUOSHI_SESSION_MAX_HOURS * 3600
# authentication: optional TOTP second factor; roles listed here must set it up (e.g.
# secadmin,sysadmin,auditadmin). Secrets are encrypted with LUOSHI_TOTP_KEY (default SECRET_KEY;
# changing the key turns everyone's TOTP off until they enrol again).
LUOSHI_TOTP_REQUIRED_ROLES = envlist("LUOSHI_TOTP_REQUIRED_ROLES")
LUOSHI_TOTP_ISSUER = os.environ.get("LUOSHI_TOTP_ISSUER", "Luoshi")
LUOSHI_TOTP_KEY = envsecret("LUOSHI_TOTP_KEY")
# authentication: session timeout, then the forced password change and TOTP set-up, once the user
# is known and messages can be queued.
MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1,
                  "luoshi.accounts.middleware.SessionTimeoutMiddleware")
MIDDLEWARE.insert(MIDDLEWARE.index("luoshi.accounts.middleware.SessionTimeoutMiddleware") + 1,
                  "luoshi.accounts.middleware.AccountGateMiddleware")
# After the sign-in, so that a refused request renders the site's 400 page with its menu.
MIDDLEWARE.insert(MIDDLEWARE.index("luoshi.accounts.middleware.AccountGateMiddleware") + 1,
                  "luoshi.security.ControlCharacterMiddleware")

# --- Checks (luoshi/checks, docs/checks.md) -----------------------------------------------------------
# A progress report is marked as a repeat of the unit's previous report on the task when the
# two texts share at least this share (in per cent) of their three-character pieces.
LUOSHI_REPORT_REPEAT_PERCENT = envint("LUOSHI_REPORT_REPEAT_PERCENT", "80")
