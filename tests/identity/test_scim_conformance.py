"""scim2-tester, a third-party SCIM conformance checker, against /scim/v2 over real HTTP.

It discovers what Trainer publishes (/ServiceProviderConfig, /ResourceTypes, /Schemas),
then creates, reads, lists, searches, replaces, patches (add, remove and replace of every
published attribute) and deletes Users with random values, and checks each answer against
RFC 7643/7644. ERROR, CRITICAL and DEVIATION are failures; nothing may be SKIPPED either
(a skip would hide a check that did not run).
"""

from __future__ import annotations

import collections

import httpx2
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server

from trainer.audit import Actor
from trainer.people.api_tokens import create_token

# Checks in scim2-tester 0.5.2 for Trainer's one resource type and its published attributes.
MINIMUM_CHECKS = 55


def test_scim2_tester_reports_no_failure(session, live_server):
    token = create_token(session, Actor.cli(), name="conformance", scopes=["scim"], expires_in_days=None)
    session.commit()
    http = httpx2.Client(base_url=f"{live_server}/scim/v2",
                         headers={"Authorization": f"Bearer {token.plain}"})
    results = check_server(SyncSCIMClient(http))
    counts = collections.Counter(r.status for r in results)
    problems = [f"{r.status.name} {r.title}: {r.reason}" for r in results
                if r.status not in (Status.SUCCESS, Status.COMPLIANT, Status.ACCEPTABLE)]
    assert problems == []
    assert sum(counts.values()) >= MINIMUM_CHECKS, counts
    checked = {r.title for r in results}
    assert {"object_creation", "object_replacement", "object_deletion", "check_replace_attribute",
            "check_remove_attribute", "check_add_attribute", "search_with_attributes"} <= checked
