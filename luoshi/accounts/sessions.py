"""Django's database sessions, read with a lookup compiled once per process (luoshi/prepared.py):
every request reads its session, and building that query cost more than running it."""

from __future__ import annotations

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from luoshi.prepared import KeyLookup

SESSION_BY_KEY = KeyLookup(lambda key: Session.objects.filter(session_key=key), sample="")


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Session | None:
        """The unexpired session of this key, as Django's store reads it (expiry compared here
        rather than in SQL, so that the lookup has the key as its only value)."""
        session = SESSION_BY_KEY.get(self.session_key)
        if session is None or session.expire_date <= timezone.now():
            self._session_key = None
            return None
        return session
