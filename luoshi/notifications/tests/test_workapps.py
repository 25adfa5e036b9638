"""Work notifications to one person in WeCom, DingTalk and Feishu, against a local fake of each API."""

import datetime as dt

import pytest
from django.core.cache import cache

from luoshi import lib
from luoshi.accounts.models import User
from luoshi.notifications import delivery, services
from luoshi.notifications.models import Delivery
from luoshi.notifications.tests import platforms
from luoshi.notifications.tests.platforms import fake_platform
from luoshi.tasks import services as task_services

IDS = {"wecom": ("wecom_userid", "zhangsan"), "dingtalk": ("dingtalk_userid", "manager4220"),
       "feishu": ("feishu_user_id", "e8e2f7c1")}


@pytest.fixture(autouse=True)
def fresh_tokens():  # type: ignore[no-untyped-def]
    """Access tokens are cached; each test's fake platform issues its own."""
    cache.clear()
    yield
    cache.clear()


def urge(province, capture, task, text="Please hurry up"):  # type: ignore[no-untyped-def]
    with capture(execute=True):
        task_services.urge_task(province.supervisor, task, text=text)


def give_ids(user: User, **ids: str) -> None:
    User.objects.filter(pk=user.pk).update(**ids)


@pytest.mark.parametrize("channel", ["wecom", "dingtalk", "feishu"])
def test_it_sends_a_work_notification_to_the_person(province, settings, channel, django_capture_on_commit_callbacks):
    """An urge reaches the liaison's own WeCom / DingTalk / Feishu id, with a token from the right
    secret, in the shape each API requires; the delivery is sent."""
    settings.LUOSHI_WORK_APP_TASK_TEXT = True
    field, person = IDS[channel]
    give_ids(province.liaison, **{field: person})
    task = province.in_progress()
    with fake_platform() as platform:
        platforms.configure(settings, platform.url)
        urge(province, django_capture_on_commit_callbacks, task)
    [(name, body, headers)] = platform.messages
    assert name == channel
    row = Delivery.objects.get(channel=channel)
    assert row.state == Delivery.State.SENT and row.notification.recipient == province.liaison
    if channel == "wecom":
        assert body["touser"] == person and body["agentid"] == platforms.AGENT_ID
        assert "Please hurry up" in body["textcard"]["description"]
        assert body["textcard"]["url"].endswith(f"/tasks/{task.pk}/")
    elif channel == "dingtalk":
        assert body["userid_list"] == person and body["agent_id"] == platforms.DING_AGENT
        assert "Please hurry up" in body["msg"]["action_card"]["markdown"]
    else:
        assert body["receive_id"] == person and headers["Authorization"].startswith("Bearer feishu-")
        assert "Please hurry up" in body["content"]


def test_each_platform_gets_its_own_message_and_the_token_is_reused(province, settings,
                                                                    django_capture_on_commit_callbacks):
    """A person on all three platforms gets three messages; a second urge reuses the cached tokens."""
    give_ids(province.liaison, wecom_userid="zs", dingtalk_userid="zs", feishu_user_id="zs")
    task = province.in_progress()
    with fake_platform() as platform:
        platforms.configure(settings, platform.url)
        urge(province, django_capture_on_commit_callbacks, task)
        urge(province, django_capture_on_commit_callbacks, task, text="Again")
    assert sorted(name for name, _body, _headers in platform.messages) == ["dingtalk", "dingtalk", "feishu",
                                                                            "feishu", "wecom", "wecom"]
    assert platform.token_calls == 3


def test_task_text_stays_out_unless_allowed(province, settings, django_capture_on_commit_callbacks):
    """By default the message says only that there is news on task #n, with the link."""
    give_ids(province.liaison, wecom_userid="zs")
    task = province.in_progress()
    with fake_platform() as platform:
        platforms.configure(settings, platform.url)
        urge(province, django_capture_on_commit_callbacks, task, text="Secret budget figures")
    [(_name, body, _headers)] = platform.messages
    sent = str(body)
    assert "Secret budget figures" not in sent and task.title not in sent
    assert f"#{task.pk}" in body["textcard"]["title"] and body["textcard"]["url"].endswith(f"/tasks/{task.pk}/")
    assert "Secret budget figures" not in str(Delivery.objects.get(channel="wecom").message)


def test_nothing_goes_without_an_id_a_configuration_or_the_users_consent(province, settings,
                                                                         django_capture_on_commit_callbacks):
    """No id on the account, a platform not configured, or the user's choice off: no delivery."""
    task = province.in_progress()
    with fake_platform() as platform:
        platforms.configure(settings, platform.url)
        urge(province, django_capture_on_commit_callbacks, task)  # no ids yet
        give_ids(province.liaison, dingtalk_userid="zs", feishu_user_id="zs")
        settings.LUOSHI_FEISHU_APP_SECRET = ""  # Feishu not configured
        services.save_preferences(province.liaison, email=True, webhook=True, work_app=True)
        urge(province, django_capture_on_commit_callbacks, task)
        services.save_preferences(province.liaison, email=True, webhook=True, work_app=False)
        urge(province, django_capture_on_commit_callbacks, task)
    assert [name for name, _b, _h in platform.messages] == ["dingtalk"]
    assert list(Delivery.objects.values_list("channel", flat=True)) == ["dingtalk"]


def test_a_wrong_secret_is_retried_then_listed_as_failed(province, settings, django_capture_on_commit_callbacks):
    """The platform refuses the token: the delivery waits, then fails with the platform's answer."""
    settings.LUOSHI_DELIVERY_ATTEMPTS = 2
    give_ids(province.liaison, wecom_userid="zs")
    task = province.in_progress()
    with fake_platform() as platform:
        platforms.configure(settings, platform.url)
        settings.LUOSHI_WECOM_SECRET = "wrong"
        urge(province, django_capture_on_commit_callbacks, task)
        row = Delivery.objects.get(channel="wecom")
        assert row.state == Delivery.State.PENDING and "invalid credential" in row.last_error
        with lib.clock_at(lib.now() + dt.timedelta(hours=1)):
            delivery.send_due()
    row.refresh_from_db()
    assert (row.state, row.attempts) == (Delivery.State.FAILED, 2)
    assert "WeCom gettoken refused" in row.last_error and not platform.messages


@pytest.mark.parametrize(("channel", "code"), [("dingtalk", "40014"), ("feishu", "99991663")])
def test_an_expired_token_is_dropped_and_the_retry_gets_a_new_one(province, settings, channel, code,
                                                                  django_capture_on_commit_callbacks):
    """DingTalk answers 40014, Feishu HTTP 400 with 99991663 (token no longer valid): the next
    attempt fetches a new token and succeeds."""
    give_ids(province.liaison, **{IDS[channel][0]: "zs"})
    task = province.in_progress()
    with fake_platform() as platform:
        platforms.configure(settings, platform.url)
        urge(province, django_capture_on_commit_callbacks, task)
        platform.expire_tokens = True
        urge(province, django_capture_on_commit_callbacks, task, text="Again")
        second = Delivery.objects.filter(channel=channel).order_by("pk").last()
        assert second.state == Delivery.State.PENDING and code in second.last_error
        platform.expire_tokens, platform.tokens = False, {}  # the old token is gone for good
        with lib.clock_at(lib.now() + dt.timedelta(hours=1)):
            assert delivery.send_due() == 1
    second.refresh_from_db()
    assert second.state == Delivery.State.SENT and platform.token_calls == 2


def test_an_unknown_user_id_is_a_failure_with_the_reason(province, settings, django_capture_on_commit_callbacks):
    """WeCom accepts the call but names the id it does not know: that is not a success."""
    give_ids(province.liaison, wecom_userid="nobody")
    task = province.in_progress()
    with fake_platform() as platform:
        platforms.configure(settings, platform.url)
        urge(province, django_capture_on_commit_callbacks, task)
    row = Delivery.objects.get(channel="wecom")
    assert row.state == Delivery.State.PENDING and "does not know the user id nobody" in row.last_error


def test_the_daily_digest_goes_as_one_work_notification(province, settings, django_capture_on_commit_callbacks):
    """During the daily pass the person gets one Feishu message for the day, not one per task."""
    give_ids(province.liaison, feishu_user_id="zs")
    first, second = province.in_progress(), province.in_progress()
    day = lib.today()
    with fake_platform() as platform:
        platforms.configure(settings, platform.url)
        with django_capture_on_commit_callbacks(execute=True):
            with services.digesting(day):
                task_services.urge_task(province.supervisor, first, text="one")
                task_services.urge_task(province.supervisor, second, text="two")
            services.send_digests(day)
        with django_capture_on_commit_callbacks(execute=True):
            services.send_digests(day)  # a second run sends nothing more
    [(name, body, _headers)] = platform.messages
    assert name == "feishu" and "/notifications/" in body["content"]


def test_an_http_error_without_a_platform_code_is_a_failure(province, settings, django_capture_on_commit_callbacks):
    """A 503 with a JSON body that holds no error code is not mistaken for success."""
    give_ids(province.liaison, feishu_user_id="zs")
    task = province.in_progress()
    with fake_platform() as platform:
        platforms.configure(settings, platform.url)
        platform.outage = 503
        urge(province, django_capture_on_commit_callbacks, task)
    row = Delivery.objects.get(channel="feishu")
    assert row.state == Delivery.State.PENDING and "HTTP 503" in row.last_error
