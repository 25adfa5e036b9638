"""E-mail and mobile number: the user's own page (confirmed with the password), the security
administrator's page, the service, validation and masking."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from luoshi.accounts.models import User
from luoshi.accounts.services import change_contact
from luoshi.accounts.validators import mask_mobile, normalise_mobile
from luoshi.audit.models import AuditEvent
from luoshi.lib import Forbidden, InvalidInput
from luoshi.testing.fixtures import PASSWORD, Province

from .helpers import client_for

OWN = reverse("account_contact")


def edit_url(user: User) -> str:
    return reverse("account_contact_edit", args=[user.pk])


# --- validation and masking -----------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "stored"), [
    ("13800000000", "13800000000"), ("138 0000 0000", "13800000000"), ("+86 138-0000-0000", "13800000000"),
    ("+85291234567", "+85291234567"), ("+44 7911 123456", "+447911123456"),
])
def test_it_accepts_mainland_and_international_mobile_numbers(typed: str, stored: str):
    assert normalise_mobile(typed) == stored


@pytest.mark.parametrize("typed", ["12800000000", "1380000000", "138000000000", "024-12345678", "+0123456789",
                                   "+1234567890123456", "138O0000000", "call me"])
def test_it_refuses_what_is_not_a_mobile_number(typed: str):
    with pytest.raises(ValidationError):
        normalise_mobile(typed)


@pytest.mark.parametrize(("number", "shown"), [("13800000000", "138****0000"), ("+85291234567", "+852****4567"),
                                               ("", "")])
def test_it_masks_numbers(number: str, shown: str):
    assert mask_mobile(number) == shown


# --- the service --------------------------------------------------------------------------------


def test_the_user_changes_their_own_with_their_password(province: Province):
    """With the right password the change is saved and audited by the user, the number masked."""
    change_contact(province.liaison, province.liaison, email="li@example.gov.cn", phone="+86 138 0000 0000",
                   current_password=PASSWORD)
    stored = User.objects.get(pk=province.liaison.pk)
    assert (stored.email, stored.phone) == ("li@example.gov.cn", "13800000000")
    event = AuditEvent.objects.get(verb="change_contact")
    assert event.actor == province.liaison and event.object_id == str(province.liaison.pk)
    no_ids = {"wecom_userid": "", "dingtalk_userid": "", "feishu_user_id": ""}
    assert event.before == {"email": "", "phone": "", **no_ids}
    assert event.after == {"email": "li@example.gov.cn", "phone": "138****0000", **no_ids}


def test_a_wrong_password_changes_nothing(province: Province):
    with pytest.raises(InvalidInput, match="current password is not right"):
        change_contact(province.liaison, province.liaison, email="x@example.com", phone="", current_password="nope")
    assert User.objects.get(pk=province.liaison.pk).email == ""
    assert not AuditEvent.objects.filter(verb="change_contact").exists()


def test_the_security_administrator_changes_anyones(province: Province):
    """No password needed from the security administrator; the event is hers."""
    change_contact(province.secadmin, province.leader, email="leader@example.gov.cn", phone="13912345678")
    assert User.objects.get(pk=province.leader.pk).phone == "13912345678"
    assert AuditEvent.objects.get(verb="change_contact").actor == province.secadmin


@pytest.mark.parametrize("persona", ["supervisor", "sysadmin", "auditadmin", "liaison"])
def test_nobody_else_changes_another_accounts(province: Province, persona: str):
    with pytest.raises(Forbidden):
        change_contact(getattr(province, persona), province.leader, email="x@example.com", phone="")
    assert User.objects.get(pk=province.leader.pk).email == ""


@pytest.mark.parametrize(("email", "phone", "message"), [
    ("not-an-address", "", "not an e-mail address"), ("", "12345", "not a mobile number"),
])
def test_it_refuses_bad_values(province: Province, email: str, phone: str, message: str):
    with pytest.raises(InvalidInput, match=message):
        change_contact(province.secadmin, province.leader, email=email, phone=phone)
    assert not AuditEvent.objects.filter(verb="change_contact").exists()


def test_an_unchanged_form_writes_nothing(province: Province):
    change_contact(province.secadmin, province.leader, email="", phone="")
    assert not AuditEvent.objects.filter(verb="change_contact").exists()


# --- the user's own page ------------------------------------------------------------------------


def test_the_own_page_shows_the_number_masked(province: Province):
    """The page shows 138****0000 and never the whole number, not even in the form."""
    change_contact(None, province.liaison, email="li@example.gov.cn", phone="13800001234")
    body = client_for(province.liaison).get(OWN).content.decode()
    assert "138****1234" in body and "13800001234" not in body and "li@example.gov.cn" in body


def test_the_own_page_saves_with_the_password(province: Province):
    client = client_for(province.liaison)
    response = client.post(OWN, {"email": "li@example.gov.cn", "phone": "13800001234", "current_password": PASSWORD})
    assert response.status_code == 302
    assert User.objects.get(pk=province.liaison.pk).phone == "13800001234"


def test_the_own_page_refuses_a_wrong_password_and_keeps_the_typing(province: Province):
    client = client_for(province.liaison)
    response = client.post(OWN, {"email": "li@example.gov.cn", "phone": "13800001234", "current_password": "nope"})
    body = response.content.decode()
    assert response.status_code == 400 and "current password is not right" in body
    assert 'value="li@example.gov.cn"' in body and 'value="13800001234"' in body
    assert User.objects.get(pk=province.liaison.pk).email == ""


def test_the_own_page_refuses_a_bad_mobile_number(province: Province):
    client = client_for(province.liaison)
    response = client.post(OWN, {"email": "", "phone": "12345", "current_password": PASSWORD})
    assert response.status_code == 400 and "is not a mobile number" in response.content.decode()
    assert User.objects.get(pk=province.liaison.pk).phone == ""


def test_the_own_page_keeps_or_removes_the_number(province: Province):
    """An empty number field keeps the number on file; "remove" clears it; both at once is an error."""
    change_contact(None, province.liaison, email="", phone="13800001234")
    client = client_for(province.liaison)
    assert client.post(OWN, {"email": "a@example.com", "current_password": PASSWORD}).status_code == 302
    assert User.objects.get(pk=province.liaison.pk).phone == "13800001234"
    both = client.post(OWN, {"email": "a@example.com", "phone": "13900000000", "remove_phone": "on",
                             "current_password": PASSWORD})
    assert both.status_code == 400
    assert client.post(OWN, {"email": "a@example.com", "remove_phone": "on",
                             "current_password": PASSWORD}).status_code == 302
    assert User.objects.get(pk=province.liaison.pk).phone == ""


def test_the_own_page_requires_login_and_refuses_other_methods(province: Province):
    assert Client().get(OWN).status_code == 302
    assert client_for(province.liaison).put(OWN).status_code == 405


# --- the security administrator's page -------------------------------------------------------------


def test_the_security_administrator_edits_on_the_accounts_page(province: Province):
    client = client_for(province.secadmin)
    detail = client.get(reverse("account_detail", args=[province.leader.pk])).content.decode()
    assert edit_url(province.leader) in detail
    response = client.post(edit_url(province.leader), {"email": "leader@example.gov.cn", "phone": "13912345678"})
    assert response.status_code == 302 and response["Location"] == reverse("account_detail", args=[province.leader.pk])
    assert User.objects.get(pk=province.leader.pk).email == "leader@example.gov.cn"
    detail = client.get(reverse("account_detail", args=[province.leader.pk])).content.decode()
    assert "139****5678" in detail and "13912345678" not in detail
    assert AuditEvent.objects.get(verb="change_contact").actor == province.secadmin


def test_the_security_administrator_gets_a_clear_error_for_a_bad_number(province: Province):
    response = client_for(province.secadmin).post(edit_url(province.leader), {"email": "", "phone": "0241234"})
    assert response.status_code == 400 and "is not a mobile number" in response.content.decode()


@pytest.mark.parametrize("persona", ["supervisor", "liaison", "leader", "sysadmin", "auditadmin"])
def test_the_accounts_page_is_404_for_everyone_else(province: Province, persona: str):
    client = client_for(getattr(province, persona))
    assert client.get(edit_url(province.leader)).status_code == 404
    assert client.post(edit_url(province.leader), {"email": "x@example.com"}).status_code == 404
    assert User.objects.get(pk=province.leader.pk).email == ""


def test_the_security_administrators_own_account_goes_to_her_own_page(province: Province):
    response = client_for(province.secadmin).get(edit_url(province.secadmin))
    assert response.status_code == 302 and response["Location"] == OWN


# --- work platform ids (WeCom, DingTalk, Feishu) ---------------------------------------------------


def test_the_user_sets_their_own_platform_ids(province: Province):
    """The own page saves the WeCom, DingTalk and Feishu ids with the password, audited, and shows them."""
    client = client_for(province.liaison)
    response = client.post(OWN, {"email": "li@example.gov.cn", "wecom_userid": "LiSi", "dingtalk_userid": "manager4220",
                                 "feishu_user_id": "e8e2f7c1", "current_password": PASSWORD})
    assert response.status_code == 302
    stored = User.objects.get(pk=province.liaison.pk)
    assert (stored.wecom_userid, stored.dingtalk_userid, stored.feishu_user_id) == ("LiSi", "manager4220", "e8e2f7c1")
    event = AuditEvent.objects.get(verb="change_contact")
    assert event.after["wecom_userid"] == "LiSi" and event.before["wecom_userid"] == ""
    body = client.get(OWN).content.decode()
    assert 'value="manager4220"' in body


def test_a_malformed_platform_id_is_refused_and_nothing_changes(province: Province):
    client = client_for(province.liaison)
    response = client.post(OWN, {"email": "li@example.gov.cn", "wecom_userid": "li si; drop",
                                 "current_password": PASSWORD})
    assert response.status_code == 400 and "li si; drop" in response.content.decode()
    stored = User.objects.get(pk=province.liaison.pk)
    assert (stored.email, stored.wecom_userid) == ("", "")


def test_the_security_administrator_sets_someones_platform_id(province: Province):
    response = client_for(province.secadmin).post(edit_url(province.leader), {"email": "", "feishu_user_id": "ou_7d8a"})
    assert response.status_code == 302
    assert User.objects.get(pk=province.leader.pk).feishu_user_id == "ou_7d8a"
    assert AuditEvent.objects.get(verb="change_contact").actor == province.secadmin


def test_an_account_without_a_password_saves_without_one(province: Province):
    """A single-sign-on account has no password to confirm with: the field is not asked."""
    province.liaison.set_unusable_password()
    province.liaison.save()
    client = client_for(province.liaison)
    assert "current_password" not in client.get(OWN).content.decode()
    assert client.post(OWN, {"email": "li@example.gov.cn", "dingtalk_userid": "li"}).status_code == 302
    assert User.objects.get(pk=province.liaison.pk).dingtalk_userid == "li"


def test_the_django_admin_shows_the_number_masked(province: Province, settings):  # type: ignore[no-untyped-def]
    """Even the superuser's read-only admin page (when LUOSHI_ADMIN opens it) shows 138****1234."""
    from luoshi.accounts.services import create_user

    settings.LUOSHI_ADMIN = True
    root = create_user(None, username="root", password=PASSWORD, role=User.Role.SYSTEM_ADMIN, superuser=True,
                       check_password=False, must_change_password=False)
    change_contact(None, province.liaison, email="", phone="13800001234")
    page = client_for(root).get(reverse("admin:accounts_user_change", args=[province.liaison.pk]))
    body = page.content.decode()
    assert page.status_code == 200 and "138****1234" in body and "13800001234" not in body
