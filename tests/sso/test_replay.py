"""Several worker processes given the same assertions at once accept each exactly once."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time

from sqlalchemy import func, select

from trainer import clock
from trainer.identity.replay import use_once
from trainer.models import UsedSsoToken

WORKERS = 4
IDS = 40
# Each process waits for the same moment, then offers every id, committing each as a request would.
SCRIPT = """
import sys, time
from trainer import create_app, clock
from trainer.extensions import db
from trainer.identity.replay import use_once
import datetime as dt
app = create_app()
with app.app_context():
    db.session.execute(db.text("SELECT 1")); db.session.commit()
    time.sleep(max(0, float(sys.argv[1]) - time.time()))
    accepted = 0
    for n in range(int(sys.argv[2])):
        accepted += use_once(db.session, "saml", "https://idp.test", f"assertion-{n}",
                             clock.now() + dt.timedelta(minutes=10))
        db.session.commit()
    print(accepted)
"""


def test_each_id_is_accepted_by_exactly_one_of_several_processes(session, tmp_path, test_database_url):
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TRAINER_")},
        "TRAINER_DATABASE_URL": test_database_url,
        "TRAINER_INSTANCE_PATH": str(tmp_path),
        "TRAINER_SECRET_KEY": "replay-test-secret-key-long-enough-0123456789",
    }
    start_at = str(time.time() + 4)
    runs = [subprocess.Popen([sys.executable, "-c", SCRIPT, start_at, str(IDS)], env=environment,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(WORKERS)]
    outputs = [run.communicate(timeout=120) for run in runs]
    for run, (out, err) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, out + err
    assert sum(int(out.strip()) for out, _ in outputs) == IDS
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(UsedSsoToken)) == IDS


def test_ids_are_forgotten_only_after_they_expire(session):
    issuer, soon = "https://idp.test", clock.now() + dt.timedelta(minutes=5)
    assert use_once(session, "oidc", issuer, "nonce-1", soon)
    assert not use_once(session, "oidc", issuer, "nonce-1", soon)
    assert use_once(session, "saml", issuer, "nonce-1", soon)  # another protocol's id space
    with clock.frozen(soon):
        assert not use_once(session, "oidc", issuer, "nonce-1", soon)  # expiry is exclusive
    with clock.frozen(soon + dt.timedelta(seconds=1)):
        assert use_once(session, "oidc", issuer, "nonce-1", soon + dt.timedelta(minutes=5))
