"""The signed-in person as a request needs them: a few columns, not the User row.

Every signed-in request loads who is asking. A User row is forty columns, an ORM object
and a department; what pages read is the id, the name and the roles. The web layer loads
this (trainer.web.session.load_user) and Flask-Login holds it as `current_user`; a view
that needs the whole row (to change it, or to record it) loads it by id
(trainer.web.current.signed_in_user).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from trainer.models.user import roles_of


@dataclasses.dataclass(frozen=True, slots=True)
class SignedIn:
    id: int
    name: str
    session_version: int
    is_hr: bool
    hr_all_departments: bool
    is_admin: bool
    is_auditor: bool
    auditor_until: dt.date | None

    # What Flask-Login asks of a user object (the session loader returns only active people).
    is_authenticated = True
    is_active = True
    is_anonymous = False

    @property
    def roles(self) -> set[str]:
        return roles_of(self.is_hr, self.is_admin, self.is_auditor, self.auditor_until)

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def get_id(self) -> str:
        # As User.get_id: the session version is part of the id.
        return f"{self.id}:{self.session_version}"
