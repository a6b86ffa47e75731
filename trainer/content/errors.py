"""Errors in course files: each names the file, the line and what is wrong."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence


@dataclasses.dataclass(frozen=True)
class ContentError:
    """One problem in a course file. `line` is 1-based; 0 means the file or folder as a whole."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}: {self.message}"
        return f"{self.path}: {self.message}"


class ValidationFailed(Exception):
    """Course files did not validate; `errors` lists every problem found, in file order."""

    def __init__(self, errors: Sequence[ContentError]) -> None:
        self.errors = list(errors)
        super().__init__(f"{len(self.errors)} error(s) in course files")

    def __str__(self) -> str:
        return "\n".join(str(error) for error in self.errors)


class Problems:
    """Collects the errors of one file, so checking goes on after the first."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.errors: list[ContentError] = []

    def add(self, line: int, message: str) -> None:
        self.errors.append(ContentError(self.path, line, message))

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)
