"""The security administrator's account pages: list, create, detail with role, and the actions."""

from __future__ import annotations

import pytest
from django.test import Client

from luoshi.accounts.models import User
from luoshi.accounts.services import create_user, record_login_failure
from luoshi.audit.models import AuditEvent
from luoshi.testing.fixtures import PASSWORD, Province

from .helpers import client_for, login, with_totp

OTHERS = ["supervisor", "liaison", "leader", "secretary", "sysadmin", "auditadmin"]


def secadmin(province: Province, **kwargs: object) -> Client:
    return client_for(province.secadmin, **kwargs)


@pytest.mark.parametrize("persona", OTHERS)
def test_it_hides_every_account_page_from_everyone_else(province: Province, persona: str):
    """Every role but the security administrator gets 404 on every page and action."""
    client = client_for(getattr(province, persona))
    pk = province.leader.pk
    assert client.get("/security/accounts/").status_code == 404
    assert client.get("/security/accounts/new/").status_code == 404
    assert client.post("/security/accounts/new/", {"username": "x", "name": "x", "role": "leader"}).status_code == 404
    assert client.get(f"/security/accounts/{pk}/").status_code == 404
    assert client.post(f"/security/accounts/{pk}/", {"role": "supervisor"}).status_code == 404
    for action in ("deactivate", "reactivate", "unlock", "reset_totp", "reset_password"):
        assert client.post(f"/security/accounts/{pk}/{action}/").status_code == 404
    assert User.objects.get(pk=pk).role == User.Role.LEADER and User.objects.get(pk=pk).is_active


def test_it_sends_anonymous_visitors_to_the_login_page(db: None):
    """The account pages require a login."""
    for path in ("/security/accounts/", "/security/accounts/new/", "/security/accounts/1/"):
        assert Client().get(path)["Location"].startswith("/login/")


def test_it_refuses_the_wrong_method(province: Province):
    """The list is read-only; actions take POST only."""
    client = secadmin(province)
    assert client.post("/security/accounts/").status_code == 405
    assert client.get(f"/security/accounts/{province.leader.pk}/unlock/").status_code == 405


def test_it_lists_and_filters_accounts(province: Province):
    """The list shows every account and narrows by role, unit, state and name."""
    client = secadmin(province)
    record_login_failure("leader")
    for _i in range(4):
        record_login_failure("leader")
    names = lambda response: [a.username for a in response.context["page"].object_list]  # noqa: E731
    assert "leader" in names(client.get("/security/accounts/"))
    assert names(client.get("/security/accounts/?role=liaison")) == ["city", "county", "liaison", "other"]
    assert names(client.get(f"/security/accounts/?unit={province.health.pk}")) == ["other"]
    assert names(client.get("/security/accounts/?state=locked")) == ["leader"]
    assert names(client.get("/security/accounts/?state=inactive")) == ["outsider"]
    assert names(client.get("/security/accounts/?q=secad")) == ["secadmin"]
    assert "locked" in client.get("/security/accounts/?state=locked").content.decode()


def test_it_lists_in_the_same_number_of_queries_for_1_and_50_accounts(province: Province,
                                                                       django_assert_num_queries):
    """The list's query count does not grow with the accounts shown."""
    client = secadmin(province)
    client.get("/security/accounts/?q=zz")  # warm the session
    create_user(None, username="zz0", password=PASSWORD, role="leader", check_password=False)
    with django_assert_num_queries(6) as one:
        client.get("/security/accounts/?q=zz")
    for i in range(1, 50):
        create_user(None, username=f"zz{i}", password=PASSWORD, role="liaison", unit=province.health,
                    check_password=False)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get("/security/accounts/?q=zz")
    assert len(response.context["page"].object_list) == 50


def test_it_creates_an_account_with_a_one_time_password(province: Province):
    """The new account has the role and unit, must change its password, and the password is shown once."""
    client = secadmin(province)
    assert client.get("/security/accounts/new/").status_code == 200
    response = client.post("/security/accounts/new/", {
        "username": "zhao.min", "name": "赵敏", "role": "liaison", "unit": province.health.pk})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    password = response.context["password"]
    user = User.objects.get(username="zhao.min")
    assert (user.role, user.unit, user.first_name, user.must_change_password) == ("liaison", province.health, "赵敏", True)
    assert user.check_password(password) and password not in str(AuditEvent.objects.get(verb="create_user", object_id=str(user.pk)).after)
    fresh = Client()
    assert login(fresh, "zhao.min", password)["Location"] == "/"
    assert fresh.get("/")["Location"] == "/account/password/"


@pytest.mark.parametrize(("data", "text"), [
    ({"username": "", "name": "x", "role": "leader"}, "This field is required"),
    ({"username": "leader", "name": "x", "role": "leader"}, "is taken"),
    ({"username": "new.one", "name": "x", "role": "liaison"}, "must belong to a unit"),
], ids=["missing", "duplicate", "liaison-without-unit"])
def test_it_refuses_bad_input_on_create(province: Province, data: dict[str, object], text: str):
    """Missing fields, a taken username or a liaison without a unit give a clear message and create nothing."""
    before = User.objects.count()
    response = secadmin(province).post("/security/accounts/new/", data, follow=True)
    assert response.status_code == 400 and text in response.content.decode()
    assert User.objects.count() == before


def test_it_changes_a_role_audited(province: Province):
    """The role form calls set_role; the change is audited."""
    client = secadmin(province)
    assert client.get(f"/security/accounts/{province.leader.pk}/").status_code == 200
    response = client.post(f"/security/accounts/{province.leader.pk}/", {"role": "liaison", "unit": province.city.pk})
    assert response.status_code == 302
    province.leader.refresh_from_db()
    assert (province.leader.role, province.leader.unit) == ("liaison", province.city)
    assert AuditEvent.objects.get(verb="set_role").actor == province.secadmin


def test_it_lets_nobody_change_their_own_account(province: Province):
    """On their own account the security administrator sees no forms, and a forged POST is 404."""
    client = secadmin(province)
    page = client.get(f"/security/accounts/{province.secadmin.pk}/").content.decode()
    assert "This is your own account" in page and "Save role" not in page
    assert client.post(f"/security/accounts/{province.secadmin.pk}/", {"role": "supervisor"}).status_code == 404
    assert client.post(f"/security/accounts/{province.secadmin.pk}/deactivate/").status_code == 404
    province.secadmin.refresh_from_db()
    assert province.secadmin.role == "secadmin" and province.secadmin.is_active


def test_it_deactivates_and_reactivates_audited(province: Province):
    """A deactivated user is signed out and cannot sign in; reactivation restores it; both are audited."""
    leader = client_for(province.leader)
    client = secadmin(province)
    client.post(f"/security/accounts/{province.leader.pk}/deactivate/")
    assert leader.get("/")["Location"].startswith("/login/")
    assert not Client().login(username="leader", password=PASSWORD)
    client.post(f"/security/accounts/{province.leader.pk}/reactivate/")
    assert Client().login(username="leader", password=PASSWORD)
    assert list(AuditEvent.objects.filter(verb__in=["deactivate_user", "reactivate_user"])
                .values_list("verb", flat=True).order_by("id")) == ["deactivate_user", "reactivate_user"]


def test_it_refuses_to_deactivate_twice(province: Province):
    """A second deactivation is a clear message, not a second audit row."""
    client = secadmin(province)
    client.post(f"/security/accounts/{province.leader.pk}/deactivate/")
    response = client.post(f"/security/accounts/{province.leader.pk}/deactivate/", follow=True)
    assert "already deactivated" in response.content.decode()
    assert AuditEvent.objects.filter(verb="deactivate_user").count() == 1


def test_it_unlocks_from_the_page(province: Province):
    """A locked account shows the unlock button; pressing it lets the user sign in."""
    for _i in range(5):
        record_login_failure("leader")
    client = secadmin(province)
    assert "Unlock" in client.get(f"/security/accounts/{province.leader.pk}/").content.decode()
    client.post(f"/security/accounts/{province.leader.pk}/unlock/")
    assert Client().login(username="leader", password=PASSWORD)


def test_it_resets_totp_from_the_page(province: Province):
    """The reset button turns the user's TOTP off."""
    with_totp(province.leader)
    secadmin(province).post(f"/security/accounts/{province.leader.pk}/reset_totp/")
    assert not User.objects.get(pk=province.leader.pk).has_totp


def test_it_resets_a_password_to_a_one_time_one(province: Province):
    """The reset shows a one-time password once; the old password stops working and a change is due."""
    response = secadmin(province).post(f"/security/accounts/{province.leader.pk}/reset_password/")
    password = response.context["password"]
    province.leader.refresh_from_db()
    assert province.leader.check_password(password) and province.leader.must_change_password
    assert not Client().login(username="leader", password=PASSWORD)
    assert AuditEvent.objects.get(verb="reset_password").actor == province.secadmin


def test_it_answers_404_for_an_unknown_action_or_account(province: Province):
    """Unknown actions and accounts look the same: not there."""
    client = secadmin(province)
    assert client.post(f"/security/accounts/{province.leader.pk}/promote/").status_code == 404
    assert client.get("/security/accounts/999999/").status_code == 404


@pytest.mark.parametrize(("path", "data"), [
    ("/security/accounts/new/", {"username": "csrf.test", "name": "x", "role": "leader"}),
    ("/security/accounts/{pk}/", {"role": "supervisor"}),
    ("/security/accounts/{pk}/deactivate/", {}),
    ("/security/accounts/{pk}/reset_password/", {}),
    ("/security/accounts/{pk}/unlock/", {}),
    ("/security/accounts/{pk}/reset_totp/", {}),
])
def test_it_requires_the_csrf_token(province: Province, path: str, data: dict[str, object]):
    """Every account form is CSRF-protected."""
    client = secadmin(province, enforce_csrf_checks=True)
    response = client.post(path.format(pk=province.leader.pk), data)
    assert response.status_code == 403
    assert User.objects.get(pk=province.leader.pk).role == "leader"


def test_the_login_and_code_forms_require_the_csrf_token(province: Province):
    """The login page and the code page refuse a POST without the token."""
    client = Client(enforce_csrf_checks=True)
    assert client.post("/login/", {"username": "leader", "password": PASSWORD}).status_code == 403
    assert client_for(province.leader, enforce_csrf_checks=True).post(
        "/account/two-step/", {"code": "123456"}).status_code == 403
