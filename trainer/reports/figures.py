"""Counts of assignments by status, and what HR reads from them."""

from __future__ import annotations

import dataclasses

from trainer.compliance.status import COMPLIANT, URGENCY
from trainer.percent import percent


@dataclasses.dataclass(frozen=True)
class Figures:
    """Counts of current assignments by status (of everyone, a department, one person...)."""

    by_status: dict[str, int]

    @property
    def assigned(self) -> int:
        return sum(self.by_status.values())

    @property
    def compliant(self) -> int:
        return sum(self.by_status.get(s, 0) for s in COMPLIANT)

    @property
    def not_compliant(self) -> int:
        return self.assigned - self.compliant

    @property
    def percent(self) -> int | None:
        """Whole-number percentage compliant (trainer.percent: 99.6% never reads 100%)."""
        return percent(self.compliant, self.assigned) if self.assigned else None

    @property
    def most_urgent(self) -> str | None:
        return next((s for s in URGENCY if self.by_status.get(s)), None)

    def __getitem__(self, status: str) -> int:
        return self.by_status.get(status, 0)
