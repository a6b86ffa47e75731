"""Where scim2-server reads and writes Users: Trainer's people with a SCIM link.

Only provisioned people (with a ScimLink) are SCIM resources; the rest of Trainer's staff
is invisible to the client until a creation takes them over (accounts.py). Lists are
paged in SQL, in the order the resources were created. Filters comparing userName,
externalId, id, emails.value or employeeNumber with "eq" (what Entra ID and Okta send)
run in SQL; any other filter is evaluated by scim2-models over every resource, which is
refused with tooMany above PYTHON_FILTER_LIMIT resources.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from scim2_models import (
    NotFoundException,
    Resource,
    ResourceType,
    ResponseParameters,
    ScimFilter,
    SearchRequest,
    TooManyException,
)
from scim2_models.path import CompareOperator, Comparison
from scim2_server.storage import ScimStorage, SearchPage
from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from trainer.identity.scim.accounts import Provisioner
from trainer.identity.scim.mapping import resource_of, user_name_key, wanted_from
from trainer.identity.scim.resources import ENTERPRISE_SCHEMA, USER_SCHEMA, UserResource
from trainer.models import ScimLink, User

PYTHON_FILTER_LIMIT = 5000

# (attribute, sub-attribute) as a filter names them, lower-cased -> the SQL comparison.
_EQUALITY: dict[tuple[str, str | None], Callable[[str], ColumnElement[bool]]] = {
    ("id", None): lambda v: ScimLink.id == v,
    ("username", None): lambda v: ScimLink.user_name_key == user_name_key(v),
    ("externalid", None): lambda v: ScimLink.external_id == v,
    ("emails", None): lambda v: User.email == v.strip().lower(),
    ("emails", "value"): lambda v: User.email == v.strip().lower(),
    ("employeenumber", None): lambda v: func.lower(User.employee_id) == v.lower(),
}


class TrainerStorage(ScimStorage):
    """SCIM Users over Trainer's database, for one request.

    `lock` (PUT, PATCH, DELETE) locks the resource's row while it is read, so two
    concurrent changes to one person apply one after the other.
    """

    def __init__(self, session: Session, provisioner: Provisioner, *, lock: bool = False) -> None:
        self.session = session
        self.provisioner = provisioner
        self.lock = lock

    def get(self, resource_type: ResourceType, resource_id: str, *,
            response_parameters: ResponseParameters[Any] | None = None) -> Resource[Any]:
        return self._resources([self._link(resource_id)])[0]

    def search(self, resource_types: list[ResourceType], search_request: SearchRequest[Any], *,
               position: Any = None) -> SearchPage:
        query = select(ScimLink).join(User, User.id == ScimLink.user_id)
        scim_filter = search_request.filter
        if scim_filter is not None:
            condition = _sql_equality(scim_filter)
            if condition is None:
                return self._search_in_python(scim_filter, search_request)
            query = query.where(condition)
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        links = self.session.scalars(_page(query.order_by(ScimLink.created_at, ScimLink.id),
                                           search_request)).all()
        return SearchPage(total, self._resources(list(links)))

    def create(self, resource_type: ResourceType, resource: Resource[Any]) -> Resource[Any]:
        link = self.provisioner.create(wanted_from(resource))
        return self._resources([link])[0]

    def update(self, resource_type: ResourceType, resource: Resource[Any], *,
               expected_version: str | None = None) -> Resource[Any]:
        link = self._link(str(resource.id))
        self.provisioner.update(link, wanted_from(resource))
        return self._resources([link])[0]

    def delete(self, resource_type: ResourceType, resource_id: str, *,
               expected_version: str | None = None) -> None:
        self.provisioner.delete(self._link(resource_id))

    def _link(self, resource_id: str) -> ScimLink:
        query = select(ScimLink).where(ScimLink.id == resource_id)
        link = self.session.scalar(query.with_for_update(of=ScimLink) if self.lock else query)
        if link is None:
            raise NotFoundException(detail=f"There is no User {resource_id!r}.")
        return link

    def _resources(self, links: list[ScimLink]) -> list[Resource[Any]]:
        """The resources of these links; their managers' SCIM ids in one query."""
        manager_ids = {link.user.manager_id for link in links if link.user.manager_id}
        scim_ids = dict(self.session.execute(
            select(ScimLink.user_id, ScimLink.id).where(ScimLink.user_id.in_(manager_ids))).all()
        ) if manager_ids else {}
        return [resource_of(link, scim_ids.get(link.user.manager_id or 0)) for link in links]

    def _search_in_python(self, scim_filter: ScimFilter[Any],
                          search_request: SearchRequest[Any]) -> SearchPage:
        if (self.session.scalar(select(func.count()).select_from(ScimLink)) or 0) > PYTHON_FILTER_LIMIT:
            raise TooManyException(detail=(
                f"More than {PYTHON_FILTER_LIMIT} people are provisioned: filter with eq on userName, "
                "externalId, id, emails.value or employeeNumber."))
        bound = ScimFilter[UserResource](str(scim_filter))
        links = self.session.scalars(select(ScimLink).order_by(ScimLink.created_at, ScimLink.id)).all()
        found = [r for r in self._resources(list(links)) if bound.match(cast(UserResource, r))]
        start = search_request.start_index_0 or 0
        stop = None if search_request.count is None else start + search_request.count
        return SearchPage(len(found), found[start:stop])


def _sql_equality(scim_filter: ScimFilter[Any]) -> ColumnElement[bool] | None:
    """The SQL condition of `attribute eq "value"` on an attribute kept in a column, else None."""
    node = scim_filter.ast
    if not isinstance(node, Comparison) or node.op != CompareOperator.eq or not isinstance(node.value, str):
        return None
    path = node.attr_path
    uri = (path.uri or "").lower()
    if uri and uri not in (USER_SCHEMA.lower(), ENTERPRISE_SCHEMA.lower()):
        return None
    condition = _EQUALITY.get((path.attr.lower(), path.sub_attr.lower() if path.sub_attr else None))
    return condition(node.value) if condition else None


def _page(query: Select[Any], search_request: SearchRequest[Any]) -> Select[Any]:
    query = query.offset(search_request.start_index_0 or 0)
    return query if search_request.count is None else query.limit(search_request.count)
