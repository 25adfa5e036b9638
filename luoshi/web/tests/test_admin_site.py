"""Only a deliberately created superuser reaches the Django admin; no demo user is staff."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from luoshi.accounts.models import User
from luoshi.extraction import load_directory
from luoshi.testing.fixtures import PASSWORD, Province
from luoshi.web.demo import load_units, load_users


@pytest.fixture(autouse=True)
def _admin_on(settings):  # type: ignore[no-untyped-def]
    """main's admin is closed unless LUOSHI_ADMIN=True (issue 16); these tests are about who
    gets in when it is open."""
    settings.LUOSHI_ADMIN = True


def _admin_index(user: User) -> int:
    client = Client()
    client.force_login(user)
    return client.get("/admin/").status_code


def test_no_demo_user_is_staff(db: None):
    """The demo supervisor (and everyone else of the demo) has no way into the admin."""
    load_units(load_directory())
    load_users()
    assert User.objects.filter(role=User.Role.SUPERVISOR).exists()
    assert not User.objects.filter(is_staff=True).exists() and not User.objects.filter(is_superuser=True).exists()


def test_a_staff_account_that_is_not_a_superuser_is_sent_to_the_admin_login(province: Province):
    """is_staff alone, Django's own rule, is not enough."""
    User.objects.filter(pk=province.supervisor.pk).update(is_staff=True)
    province.supervisor.refresh_from_db()
    assert _admin_index(province.supervisor) == 302


def test_a_superuser_reaches_the_admin(db: None):
    superuser = get_user_model().objects.create_superuser("root", password=PASSWORD, role="sysadmin")
    assert _admin_index(superuser) == 200


def test_a_deactivated_superuser_does_not(db: None):
    superuser = get_user_model().objects.create_superuser("root", password=PASSWORD, role="sysadmin")
    User.objects.filter(pk=superuser.pk).update(is_active=False)
    client = Client()
    client.force_login(superuser)
    assert client.get("/admin/").status_code == 302
