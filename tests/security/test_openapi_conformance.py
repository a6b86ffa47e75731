"""schemathesis against docs/openapi.yaml and the running API: every check, a fixed seed,
a bounded number of examples per operation, and no failure allowed.

The API runs on a real HTTP server (127.0.0.1) over the test database with a few people
and a course, and is called with a token holding both scopes; schemathesis's own negative
and stateful phases run too. Its run is bounded (examples per operation) to keep make test
quick; SCHEMATHESIS_MAX_EXAMPLES raises it for a deeper run.

Two answers to schema-valid requests are right although the schema cannot say so, and the
configuration below names them (and nothing else): a cursor string the API did not give
out is a 400 (cursors are opaque), and a sync whose records break the import's rules (an
e-mail domain reserved for testing, an empty name) is a 422 listing them, and a body holding
a control character anywhere (even in a key the schema lets through) is a 400 (reliability
rule, trainer/textcheck.py). And one answer to
a schema-violating request is right: with skip_bad_rows the API skips records that break
the rules, lists them in `errors` and applies the rest (200), as docs/api.md says; the
request's own fields (the flags, the list) are still refused when wrong.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.compliance.helpers import require, sync
from tests.factories import make_course, make_user
from tests.fixtures.live import live_server  # noqa: F401  (fixture)
from tests.web.test_api import bearer
from trainer import clock

SPEC = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
SEED = 20261130
CONFIG = """
[[operations]]
include-path-regex = "^/(employees|courses/[^/]+/completion|changes/[a-z]+)$"
include-method = "GET"
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "403", "404"]

[[operations]]
include-path = "/employees/sync"
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "403", "422"]
checks.negative_data_rejection.expected-statuses = ["200", "400", "401", "403", "422"]
"""
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "25"))


def test_the_api_conforms_to_its_openapi_file(app, session, live_server, tmp_path):  # noqa: F811
    manager = make_user(session, email="manager@shop.example", department="Sales")
    for n in range(3):
        make_user(session, email=f"person{n}@shop.example", department="Sales", manager=manager)
    course = make_course(session, modules=1)
    require(session, course)
    sync(session, clock.today())
    session.commit()
    token = bearer(session, "read", "sync")["Authorization"]
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG + f"""
[parameters]
"path.ref" = "{manager.id}"
"path.slug" = "{course.slug}"
""")
    schemathesis = Path(sys.executable).parent / "schemathesis"
    result = subprocess.run(
        [str(schemathesis), "--config-file", str(config), "run", str(SPEC), "--url", f"{live_server}/api/v1",
         "--checks", "all", "--seed", str(SEED), "--max-examples", str(MAX_EXAMPLES),
         "--workers", "1", "--no-color",
         "--header", f"Authorization: {token}", "--report-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=600, check=False, cwd=tmp_path,  # its cache goes there
        env={**os.environ, "HOME": str(tmp_path)})
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
