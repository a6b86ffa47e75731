from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import text

from tests.security.world import World, build_world
from trainer.extensions import db


@pytest.fixture
def world(session) -> World:
    return build_world(session)


def fingerprint() -> str:
    """A digest of every row of every table: equal before and after means nothing changed."""
    digest = hashlib.sha256()
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            rows = connection.execute(text(f'SELECT * FROM "{table.name}" ORDER BY 1')).all()
            digest.update(repr((table.name, rows)).encode())
    return digest.hexdigest()
