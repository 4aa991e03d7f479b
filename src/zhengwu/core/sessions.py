"""Sessions in the database as Django keeps them, read by a statement compiled once per connection (issue 20).

Every signed-in request reads its session first; Django's store builds and compiles that read anew each time (about
as much CPU as the rest of a small request's reads). This store reads the row by its key with a `core.prepared`
statement and leaves out a session that has expired, as Django's read does in its SQL
(`expire_date > now`); everything else (writing, rotating, clearing) is Django's.
"""

from __future__ import annotations

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from zhengwu.core.prepared import Prepared

_BY_KEY = Prepared(lambda key: Session.objects.filter(session_key=key)[:1], str)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        key = self.session_key
        found = _BY_KEY.first(key) if key else None
        # Django's real time, not core.clock's: Django wrote expire_date from it (SessionBase.get_expiry_date), and
        # a session is valid as long as its row says in that time — a clock the tests move would expire every one
        if found is None or found.expire_date <= timezone.now():
            self._session_key = None
            return None
        return found
