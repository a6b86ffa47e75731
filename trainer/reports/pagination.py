"""Page-numbered listing of a query, for HR and admin lists."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")


@dataclasses.dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    number: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def paginate(session: Session, query: Select[*tuple[Any, ...]], number: int, per_page: int = 50) -> Page[Any]:
    """Run `query` for one page; `number` outside the range is clamped."""
    return _page(session, query, number, per_page, lambda q: list(session.scalars(q)))


def paginate_rows(
    session: Session, query: Select[*tuple[Any, ...]], number: int, per_page: int = 50
) -> Page[Any]:
    """Like `paginate`, for queries of several columns: items are result rows."""
    return _page(session, query, number, per_page, lambda q: list(session.execute(q)))


def _page(
    session: Session, query: Select[*tuple[Any, ...]], number: int, per_page: int,
    fetch: Callable[[Select[*tuple[Any, ...]]], list[Any]],
) -> Page[Any]:
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    pages = max(1, math.ceil(total / per_page))
    number = min(max(1, number), pages)
    items = fetch(query.limit(per_page).offset((number - 1) * per_page))
    return Page(items=items, total=total, number=number, per_page=per_page)
