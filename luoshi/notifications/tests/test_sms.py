"""SMS through Tencent Cloud SMS (API 3.0): the TC3-HMAC-SHA256 signature, the limits, and masking."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from luoshi import lib
from luoshi.accounts.models import User
from luoshi.notifications import services, workapps
from luoshi.notifications.models import Delivery
from luoshi.notifications.tests import platforms
from luoshi.notifications.tests.platforms import fake_platform
from luoshi.tasks import services as task_services


def urge(province, capture, task):  # type: ignore[no-untyped-def]
    with capture(execute=True):
        task_services.urge_task(province.supervisor, task, text="Please hurry up")


def test_the_signature_matches_tencent_clouds_published_example():
    """The documented example (cvm DescribeInstances, 2019-02-25) gives the documented Authorization."""
    body = rb'{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}'
    signed = workapps.tc3_request(base_url="https://cvm.tencentcloudapi.com", service="cvm",
                                  action="DescribeInstances", version="2017-03-12", region="ap-guangzhou", body=body,
                                  secret_id="AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******",
                                  secret_key="Gu5t9xGARNpq86cd98joQYCN3*******", timestamp=1551113065)
    assert signed.headers["Authorization"] == (
        "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******/2019-02-25/cvm/tc3_request, "
        "SignedHeaders=content-type;host, Signature=2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c")
    assert signed.headers["Host"] == "cvm.tencentcloudapi.com" and signed.body == body


def test_an_urge_goes_by_sms_signed_and_templated(province, settings, django_capture_on_commit_callbacks):
    """The fake API recomputes the signature and accepts it; the template gets the kind and the task number."""
    User.objects.filter(pk=province.liaison.pk).update(phone="13800001234")
    task = province.in_progress()
    with fake_platform() as platform:
        platforms.configure(settings, platform.url)
        urge(province, django_capture_on_commit_callbacks, task)
    [(name, body, headers)] = platform.messages
    assert name == "sms" and body["PhoneNumberSet"] == ["+8613800001234"]
    assert body["TemplateId"] == "1234567" and body["SignName"] == "落实" and body["SmsSdkAppId"] == platforms.SMS_APP
    assert body["TemplateParamSet"] == ["催办", f"#{task.pk}"]  # the label in the site's language
    assert headers["X-TC-Action"] == "SendSms"
    assert Delivery.objects.get(channel="sms").state == Delivery.State.SENT


def test_a_wrong_key_is_refused_by_the_signature_check(province, settings, django_capture_on_commit_callbacks):
    """Signed with another key, the request fails the server's check; the reason is kept for the admin."""
    User.objects.filter(pk=province.liaison.pk).update(phone="+85291234567")
    task = province.in_progress()
    with fake_platform() as platform:
        platforms.configure(settings, platform.url)
        settings.LUOSHI_SMS_SECRET_KEY = "not-the-key"
        urge(province, django_capture_on_commit_callbacks, task)
    row = Delivery.objects.get(channel="sms")
    assert row.state == Delivery.State.PENDING and "AuthFailure.SignatureFailure" in row.last_error
    assert not platform.messages
    assert "91234567" not in row.last_error


def test_it_is_limited_per_number_and_per_day(province, settings, django_capture_on_commit_callbacks):
    """Two a day to one number; five a day for everyone; the next day counts afresh."""
    settings.LUOSHI_SMS_PER_NUMBER_PER_DAY, settings.LUOSHI_SMS_PER_DAY = 2, 3
    User.objects.filter(pk=province.liaison.pk).update(phone="13800001234")
    User.objects.filter(pk=province.other_liaison.pk).update(phone="13900005678")
    mine, theirs = province.in_progress(), province.in_progress(lead=province.health)
    start = lib.now()
    with fake_platform() as platform:
        platforms.configure(settings, platform.url)
        with lib.clock_at(start):
            for _ in range(3):
                urge(province, django_capture_on_commit_callbacks, mine)
            assert len(platform.messages) == 2  # the number's limit
            for _ in range(2):
                urge(province, django_capture_on_commit_callbacks, theirs)
            assert len(platform.messages) == 3  # everyone's limit
        with lib.clock_at(start + dt.timedelta(days=1)):
            urge(province, django_capture_on_commit_callbacks, mine)
    numbers = [body["PhoneNumberSet"][0] for _name, body, _h in platform.messages]
    assert numbers == ["+8613800001234", "+8613800001234", "+8613900005678", "+8613800001234"]


def test_it_is_off_unless_configured_and_follows_the_users_choice(province, settings,
                                                                  django_capture_on_commit_callbacks):
    """No template set, a kind not listed, or the user's choice off: no SMS, the inbox still has it."""
    User.objects.filter(pk=province.liaison.pk).update(phone="13800001234")
    task = province.in_progress()
    with fake_platform() as platform:
        platforms.configure(settings, platform.url)
        settings.LUOSHI_SMS_TEMPLATE_ID = ""
        urge(province, django_capture_on_commit_callbacks, task)
        settings.LUOSHI_SMS_TEMPLATE_ID = "1234567"
        settings.LUOSHI_SMS_KINDS = ["escalation"]
        urge(province, django_capture_on_commit_callbacks, task)
        settings.LUOSHI_SMS_KINDS = ["urge"]
        services.save_preferences(province.liaison, email=True, webhook=True, sms=False)
        urge(province, django_capture_on_commit_callbacks, task)
    assert not platform.messages and not Delivery.objects.filter(channel="sms").exists()
    assert province.liaison.notifications.filter(kind="urge").count() == 3


@pytest.mark.parametrize("page", ["account_contact", "account_detail", "account_contact_edit"])
def test_numbers_are_masked_on_every_page(province, page):
    """The contact page and the security administrator's pages show 138****1234, never the number."""
    User.objects.filter(pk=province.liaison.pk).update(phone="13800001234")
    client = Client()
    if page == "account_contact":
        client.force_login(province.liaison)
        url = reverse(page)
    else:
        client.force_login(province.secadmin)
        url = reverse(page, args=[province.liaison.pk])
    html = client.get(url).content.decode()
    assert "138****1234" in html and "13800001234" not in html
