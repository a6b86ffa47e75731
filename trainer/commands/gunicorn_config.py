"""gunicorn settings for `trainer serve` (and the benchmark's servers, which serve as it does),
loaded with `--config python:trainer.commands.gunicorn_config`.

After a worker has built the app, the objects made at start-up (imported modules, the app,
its compiled templates, SQLAlchemy's mappers: about 230,000 of them) live as long as the
worker. Python's full garbage collection walks every tracked object, so while they are
tracked each full collection costs a request 120-470 ms (measured in the benchmark, where
such collections were the single stalls in the HR pages' p95). Freezing them takes them out
of the collector's reach; a full collection then walks only what requests made.
"""

from __future__ import annotations

import gc
from typing import Any


def freeze_start_up_objects() -> int:
    """Collect what start-up left over, then exempt every surviving object from collection;
    returns how many were frozen."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def post_worker_init(worker: Any) -> None:
    """gunicorn's hook, called in each worker once it has loaded the app."""
    worker.log.info("Froze %d start-up objects out of garbage collection", freeze_start_up_objects())
