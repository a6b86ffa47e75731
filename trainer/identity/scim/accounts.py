"""Carrying out what a SCIM client asks: create (or take over) a person, change them, let go.

Every write first asks the one rule on privileged accounts (people/privileged.py): SCIM
never creates, changes, deactivates or deletes an HR or admin account. A creation whose
employee number or e-mail address belongs to a person Trainer already has (from a staff
import, say) takes that person over instead of failing, so switching an organisation to
SCIM keeps everyone's history. Deleting the resource deactivates the person and keeps
every training record. Audit events name people by id; `touched` and `created` tell the
caller whose assignments to bring in line and who is new.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

from scim2_models import ForbiddenException, InvalidValueException, UniquenessException
from sqlalchemy import select
from sqlalchemy.orm import Session

from trainer import audit, clock
from trainer.audit import Actor
from trainer.compliance.sync import sync_assignments
from trainer.identity.scim.mapping import Wanted, user_name_key
from trainer.models import ScimLink, User
from trainer.people.account_changes import refuse_manager_loop
from trainer.people.accounts import (
    AccountError,
    NewUser,
    create_user,
    deactivate_user,
    find_by_email,
    get_or_create_department,
    reactivate_user,
)
from trainer.people.privileged import Authority, refusal


@dataclasses.dataclass
class Provisioner:
    """One SCIM request's writes, in the caller's transaction (it flushes, never commits)."""

    session: Session
    actor: Actor
    authority: Authority
    touched: set[int] = dataclasses.field(default_factory=set)
    created: set[int] = dataclasses.field(default_factory=set)

    def create(self, wanted: Wanted) -> ScimLink:
        """A new resource for `wanted`: a new person, or the one Trainer already has."""
        self._refuse_taken_user_name(wanted.user_name, None)
        person = self._existing_person(wanted)
        if person is None:
            person = self._new_person(wanted)
        else:
            self._guard(person)
            linked = self._scim_id(person.id)
            if linked:
                raise UniquenessException(detail=f"This person is already provisioned as User {linked}.")
        now = clock.now()
        link = ScimLink(id=uuid.uuid4().hex, user=person, user_name=wanted.user_name,
                        user_name_key=user_name_key(wanted.user_name), created_at=now, updated_at=now)
        self.session.add(link)
        self._apply(link, wanted, audited=person.id not in self.created)
        audit.record(self.session, self.actor, "scim.user_provisioned", person, scim_id=link.id,
                     taken_over=person.id not in self.created)
        return link

    def update(self, link: ScimLink, wanted: Wanted) -> ScimLink:
        """Bring the person in line with the resource the client replaced or patched."""
        self._guard(link.user)
        self._refuse_taken_user_name(wanted.user_name, link)
        self._apply(link, wanted, audited=True)
        return link

    def delete(self, link: ScimLink) -> None:
        """The resource goes (its id answers 404); the person is deactivated, records kept."""
        person = link.user
        self._guard(person)
        deactivate_user(self.session, self.actor, person)
        self.session.delete(link)
        self.session.flush()
        audit.record(self.session, self.actor, "scim.user_deleted", person, scim_id=link.id)
        self.touched.add(person.id)

    def _guard(self, person: User) -> None:
        reason = refusal(self.authority, person)
        if reason:
            raise ForbiddenException(detail=f"This person {reason}.")

    def _refuse_taken_user_name(self, user_name: str, link: ScimLink | None) -> None:
        holder = self.session.scalar(select(ScimLink.id).where(
            ScimLink.user_name_key == user_name_key(user_name)))
        if holder and (link is None or holder != link.id):
            raise UniquenessException(detail=f"userName {user_name!r} is taken by User {holder}.")

    def _existing_person(self, wanted: Wanted) -> User | None:
        """The person with this employee number, else with this address (as the staff import)."""
        by_number = self._with_employee_id(wanted.employee_id) if wanted.employee_id else None
        by_email = find_by_email(self.session, wanted.email)
        if by_number and by_email and by_number.id != by_email.id:
            raise UniquenessException(detail=f"employeeNumber {wanted.employee_id!r} and e-mail address "
                                             f"{wanted.email} belong to two different people.")
        if by_number is None and by_email is not None and by_email.employee_id and wanted.employee_id:
            raise UniquenessException(detail=f"{wanted.email} belongs to a person with another "
                                             "employeeNumber.")
        return by_number or by_email

    def _new_person(self, wanted: Wanted) -> User:
        try:
            person = create_user(self.session, self.actor, NewUser(
                email=wanted.email, name=wanted.name, job_role=wanted.job_role,
                department=wanted.department))
        except AccountError as error:
            raise InvalidValueException(detail=str(error)) from None
        self.created.add(person.id)
        return person

    def _with_employee_id(self, employee_id: str) -> User | None:
        return self.session.scalar(select(User).where(User.employee_id == employee_id))

    def _apply(self, link: ScimLink, wanted: Wanted, *, audited: bool) -> None:
        """Write the differences; audit changed fields by name (values only for ids)."""
        person = link.user
        before = {"department_id": person.department_id, "manager_id": person.manager_id}
        changed = self._write_details(person, wanted)
        self._write_manager(person, wanted.manager_scim_id)
        self.session.flush()
        after = {"department_id": person.department_id, "manager_id": person.manager_id}
        moved = [key for key in after if before[key] != after[key]]
        if audited and (changed or moved):
            audit.record(self.session, self.actor, "user.updated", person, changed=changed + moved,
                         before={k: before[k] for k in moved}, after={k: after[k] for k in moved})
        self._write_active(person, wanted.active)
        link_fields = (wanted.user_name, user_name_key(wanted.user_name), wanted.external_id)
        if changed or moved or link_fields != (link.user_name, link.user_name_key, link.external_id):
            link.user_name, link.user_name_key, link.external_id = link_fields
            link.updated_at = clock.now()
        self.session.flush()
        self.touched.add(person.id)

    def _write_details(self, person: User, wanted: Wanted) -> list[str]:
        if wanted.email != person.email:
            other = find_by_email(self.session, wanted.email)
            if other is not None and other.id != person.id:
                raise UniquenessException(detail=f"{wanted.email} is the address of another person.")
        if wanted.employee_id and wanted.employee_id != person.employee_id:
            other = self._with_employee_id(wanted.employee_id)
            if other is not None and other.id != person.id:
                raise UniquenessException(detail=f"employeeNumber {wanted.employee_id!r} belongs to "
                                                 "another person.")
        changed = [name for name, old, new in (
            ("email", person.email, wanted.email), ("name", person.name, wanted.name),
            ("job_role", person.job_role, wanted.job_role),
            ("employee_id", person.employee_id, wanted.employee_id)) if old != new]
        person.email, person.name = wanted.email, wanted.name
        person.job_role, person.employee_id = wanted.job_role, wanted.employee_id
        current = person.department.name if person.department else None
        if wanted.department != current:
            person.department = (get_or_create_department(self.session, wanted.department)
                                  if wanted.department else None)
        return changed

    def _write_manager(self, person: User, manager_scim_id: str | None) -> None:
        if manager_scim_id is None:
            if person.manager_id is not None and self._scim_id(person.manager_id) is None:
                return  # a manager set in Trainer whom SCIM cannot name: the client never saw them
            person.manager = None
            return
        manager = self.session.scalar(select(User).join(ScimLink, ScimLink.user_id == User.id)
                                      .where(ScimLink.id == manager_scim_id))
        if manager is None:
            raise InvalidValueException(detail=f"manager: there is no User {manager_scim_id!r}.")
        try:
            refuse_manager_loop(person, manager)
        except AccountError as error:
            raise InvalidValueException(detail=f"manager: {error}") from None
        person.manager = manager

    def _scim_id(self, user_id: int) -> str | None:
        return self.session.scalar(select(ScimLink.id).where(ScimLink.user_id == user_id))

    def _write_active(self, person: User, active: bool) -> None:
        if active == person.active:
            return
        if not active:
            deactivate_user(self.session, self.actor, person)
            return
        try:
            reactivate_user(self.session, self.actor, person)
        except AccountError as error:
            raise InvalidValueException(detail=str(error)) from None


def follow_up(session: Session, provisioner: Provisioner, today: dt.date, *,
              refresher_window_days: int) -> None:
    """After a SCIM change, as after a staff import: the changed people's assignments follow."""
    if provisioner.touched:
        sync_assignments(session, today, actor=provisioner.actor,
                         refresher_window_days=refresher_window_days, user_ids=sorted(provisioner.touched))
