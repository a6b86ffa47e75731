"""SAML 2.0 sign-in against a real IdP (pysaml2's saml2.server.Server): journeys and refusals."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from saml2 import BINDING_HTTP_POST
from saml2.config import SPConfig
from saml2.metadata import create_metadata_string
from sqlalchemy import select

from tests.factories import make_user
from tests.fixtures.saml_idp import IDP_ENTITY_ID, SamlIdp, key_pair
from trainer.identity import saml as saml_module
from trainer.models import AuditEvent, SsoIdentity, User

BASE = "http://trainer.test"
SP_ENTITY_ID = f"{BASE}/sso/saml/metadata"
ACS = f"{BASE}/sso/saml/acs"
ADA = {"email": ["ada@example.com"], "name": ["Ada Lovelace"], "department": ["Engineering"],
       "title": ["Analyst"], "employeeNumber": ["E-100"], "groups": ["staff"]}


@pytest.fixture(scope="session")
def idp_keys(tmp_path_factory):
    return key_pair(tmp_path_factory.mktemp("saml-keys"), "idp")


@pytest.fixture(scope="session")
def other_keys(tmp_path_factory):
    return key_pair(tmp_path_factory.mktemp("saml-other-keys"), "impostor")


def other_sp_metadata():
    config = SPConfig()
    config.load({"entityid": "https://other.test/sp", "service": {"sp": {"endpoints": {
        "assertion_consumer_service": [("https://other.test/acs", BINDING_HTTP_POST)]}}}})
    return create_metadata_string(None, config=config, valid=None, sign=False).decode()


class Saml:
    """Trainer configured for the IdP, and the IdP knowing Trainer from its metadata URL."""

    def __init__(self, app, client, folder, keys):
        metadata_file = folder / "idp-metadata.xml"
        metadata_file.write_text(SamlIdp(folder, keys, []).metadata_xml())
        app.config.update(
            SAML_IDP_METADATA=str(metadata_file), SAML_NAME="Example SAML",
            SAML_ATTRIBUTES='{"department": "department", "job_role": "title", '
                            '"employee_id": "employeeNumber", "email_verified": "email_verified"}')
        saml_module.clear_cache()
        self.client, self.folder = client, folder
        self.sp_metadata = client.get("/sso/saml/metadata").get_data(as_text=True)
        self.idp = self.make_idp(keys)

    def make_idp(self, keys, **options):
        return SamlIdp(self.folder, keys, [self.sp_metadata, other_sp_metadata()], **options)

    def begin(self, next_url=None):
        response = self.client.get("/sso/saml/start", query_string={"next": next_url} if next_url else None)
        assert response.status_code == 302, response.get_data(as_text=True)
        return response.location

    def post(self, saml_response, relay_state=None):
        data = {"SAMLResponse": saml_response} | ({"RelayState": relay_state} if relay_state else {})
        return self.client.post("/sso/saml/acs", data=data)

    def sign_in(self, attributes=ADA, subject="ada-1", idp=None, **answer):
        """Start at Trainer, let the IdP read the request, and post back what `idp` answers."""
        request = self.idp.read_request(self.begin())
        return self.post((idp or self.idp).answer(request, attributes, subject, **answer))


@pytest.fixture
def saml(app, client, tmp_path, idp_keys):
    return Saml(app, client, tmp_path, idp_keys)


def refusals(session):
    return [e.details["reason"] for e in session.scalars(
        select(AuditEvent).where(AuditEvent.action == "auth.failed").order_by(AuditEvent.id))]


def signed_in(client):
    page = client.get("/")
    return page.status_code == 200 and "Sign out" in page.get_data(as_text=True)


def test_metadata_at_a_stable_url(saml, client):
    response = client.get("/sso/saml/metadata")
    assert response.mimetype == "application/samlmetadata+xml"
    xml = response.get_data(as_text=True)
    assert f'entityID="{SP_ENTITY_ID}"' in xml
    assert f'Location="{ACS}"' in xml and BINDING_HTTP_POST in xml
    assert 'WantAssertionsSigned="true"' in xml


def test_with_a_key_requests_are_signed_and_the_certificate_published(app, saml, session, tmp_path,
                                                                      idp_keys):
    key, cert = key_pair(tmp_path, "trainer-sp")
    app.config.update(SAML_SP_KEY_FILE=key, SAML_SP_CERT_FILE=cert)
    saml_module.clear_cache()
    xml = saml.client.get("/sso/saml/metadata").get_data(as_text=True)
    assert 'AuthnRequestsSigned="true"' in xml and "<ds:X509Certificate>" in xml.replace("ns1:", "ds:")
    location = saml.begin()
    assert "Signature=" in location and "SigAlg=" in location
    make_user(session, email="ada@example.com")
    session.commit()
    saml.sp_metadata = xml
    idp = saml.make_idp(idp_keys)  # knowing Trainer's new metadata
    assert saml.post(idp.answer(idp.read_request(location), ADA, "ada-1")).status_code == 302


def test_sign_in_page_offers_saml(saml, client):
    page = client.get("/login").get_data(as_text=True)
    assert "Sign in with Example SAML" in page and 'href="/sso/saml/start"' in page


def test_authn_request_names_trainer_and_its_acs(saml):
    request = saml.idp.read_request(saml.begin())
    assert request["destination"] == ACS and request["sp_entity_id"] == SP_ENTITY_ID
    assert request["in_response_to"].startswith("id-")


def test_person_signs_in_and_attributes_are_mapped(saml, session, client):
    ada = make_user(session, email="ada@example.com", name="A. L.", department="Sales")
    session.commit()
    response = saml.sign_in()
    assert (response.status_code, response.location) == (302, "/"), response.get_data(as_text=True)
    assert signed_in(client)
    session.expire_all()
    ada = session.get(User, ada.id)
    assert (ada.name, ada.department.name, ada.job_role, ada.employee_id) == (
        "Ada Lovelace", "Engineering", "Analyst", "E-100")
    link = session.scalar(select(SsoIdentity))
    assert (link.user_id, link.protocol, link.issuer, link.subject) == (
        ada.id, "saml", IDP_ENTITY_ID, "ada-1")
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "auth.signed_in"))
    assert event.details == {"method": "saml"}


def test_next_page_survives_the_trip(saml, session):
    make_user(session, email="ada@example.com")
    session.commit()
    request = saml.idp.read_request(saml.begin(next_url="/me/transcript"))
    assert saml.post(saml.idp.answer(request, ADA, "ada-1")).location == "/me/transcript"


def test_session_is_rotated(saml, session, client):
    make_user(session, email="ada@example.com")
    session.commit()
    request = saml.idp.read_request(saml.begin())
    with client.session_transaction() as before:
        before["planted"] = "x"
    saml.post(saml.idp.answer(request, ADA, "ada-1"))
    with client.session_transaction() as after:
        assert "planted" not in after and after.permanent and "last_seen" in after


def test_unknown_person_without_account_creation_is_refused(saml, session):
    response = saml.sign_in({**ADA, "email": ["nobody@example.com"]})
    assert response.status_code == 400
    assert refusals(session) == ["no_account"] and session.scalar(select(User)) is None


def test_accounts_created_for_allowed_domains_only(app, saml, session):
    app.config.update(SSO_CREATE_ACCOUNTS=True, SSO_ALLOWED_DOMAINS=["example.com"])
    assert saml.sign_in({**ADA, "email": ["x@elsewhere.test"]}, subject="x").status_code == 400
    assert refusals(session) == ["no_account"]
    assert saml.sign_in(subject="ada-1").status_code == 302
    assert session.scalar(select(User.email)) == "ada@example.com"


def test_unverified_email_is_refused(saml, session):
    make_user(session, email="ada@example.com")
    session.commit()
    assert saml.sign_in({**ADA, "email_verified": ["false"]}).status_code == 400
    assert refusals(session) == ["email_unverified"]


def test_mapped_group_grants_the_role(app, saml, session):
    app.config.update(SSO_GROUP_ROLES={"trainer-hr": "hr"})
    make_user(session, email="ada@example.com")
    session.commit()
    saml.sign_in({**ADA, "groups": ["staff", "trainer-hr"]})
    assert session.scalar(select(User)).is_hr


# Answers wrong in one way each, from a real IdP.

def test_wrong_audience_is_refused(saml, session, client):
    make_user(session, email="ada@example.com")
    session.commit()
    assert saml.sign_in(audience="https://other.test/sp").status_code == 400
    assert refusals(session) == ["wrong_audience"]
    assert not signed_in(client)


def test_wrong_recipient_is_refused(saml, session):
    make_user(session, email="ada@example.com")
    session.commit()
    assert saml.sign_in(destination="https://other.test/acs").status_code == 400
    assert refusals(session) == ["bad_response"]


def test_expired_assertion_is_refused(saml, session):
    """An IdP whose clock is half an hour behind: its 15-minute assertion ended before it came."""
    make_user(session, email="ada@example.com")
    session.commit()
    assert saml.sign_in(clock_offset=dt.timedelta(minutes=-30)).status_code == 400
    assert refusals(session) == ["expired"]


def test_assertion_from_a_clock_inside_the_allowed_skew_is_accepted(saml, session):
    make_user(session, email="ada@example.com")
    session.commit()
    assert saml.sign_in(clock_offset=dt.timedelta(seconds=90)).status_code == 302


def test_assertion_from_a_clock_ahead_of_the_skew_is_refused(saml, session):
    make_user(session, email="ada@example.com")
    session.commit()
    assert saml.sign_in(clock_offset=dt.timedelta(minutes=5)).status_code == 400
    assert refusals(session) == ["expired"]


def test_assertion_signed_with_another_key_is_refused(saml, session, other_keys):
    make_user(session, email="ada@example.com")
    session.commit()
    assert saml.sign_in(idp=saml.make_idp(other_keys)).status_code == 400
    assert refusals(session) == ["bad_signature"]


def test_wrong_issuer_is_refused(saml, session, idp_keys):
    make_user(session, email="ada@example.com")
    session.commit()
    impostor = saml.make_idp(idp_keys, entity_id="https://impostor.test/saml/metadata")
    assert saml.sign_in(idp=impostor).status_code == 400
    assert refusals(session) == ["bad_signature"]


def test_unsigned_assertion_is_refused(saml, session):
    make_user(session, email="ada@example.com")
    session.commit()
    assert saml.sign_in(sign_assertion=False).status_code == 400
    assert refusals(session) == ["bad_signature"]


def test_altered_signed_assertion_is_refused(saml, session, client):
    make_user(session, email="ada@example.com")
    make_user(session, email="grace@example.com", roles=("admin",))
    session.commit()
    request = saml.idp.read_request(saml.begin())
    xml = base64.b64decode(saml.idp.answer(request, ADA, "ada-1")).decode()
    assert xml.count("ada@example.com") == 1
    forged = base64.b64encode(xml.replace("ada@example.com", "grace@example.com").encode()).decode()
    assert saml.post(forged).status_code == 400
    assert refusals(session) == ["bad_signature"]
    assert not signed_in(client)


def test_replayed_assertion_is_refused(saml, session, client):
    make_user(session, email="ada@example.com")
    session.commit()
    request = saml.idp.read_request(saml.begin())
    request_cookie = client.get_cookie("trainer_saml_request", path="/sso/saml/acs").value
    answer = saml.idp.answer(request, ADA, "ada-1")
    assert saml.post(answer).status_code == 302
    client.delete_cookie("session")
    client.set_cookie("trainer_saml_request", request_cookie, path="/sso/saml/acs")
    assert saml.post(answer).status_code == 400
    assert refusals(session) == ["replayed"]
    assert not signed_in(client)


def test_answer_to_another_browsers_request_is_refused(saml, session):
    make_user(session, email="ada@example.com")
    session.commit()
    theirs = saml.idp.read_request(saml.begin())
    saml.begin()  # this browser's own, later request
    assert saml.post(saml.idp.answer(theirs, ADA, "ada-1")).status_code == 400
    assert refusals(session) == ["state_mismatch"]


def test_idp_initiated_sign_in_is_off_by_default(saml, session):
    make_user(session, email="ada@example.com")
    session.commit()
    unsolicited = saml.idp.answer(None, ADA, "ada-1", destination=ACS, sp_entity_id=SP_ENTITY_ID)
    assert saml.post(unsolicited).status_code == 400
    assert refusals(session) == ["state_mismatch"]


def test_idp_initiated_sign_in_when_turned_on(app, saml, session):
    app.config.update(SAML_IDP_INITIATED=True)
    saml_module.clear_cache()
    make_user(session, email="ada@example.com")
    session.commit()
    unsolicited = saml.idp.answer(None, ADA, "ada-1", destination=ACS, sp_entity_id=SP_ENTITY_ID)
    response = saml.post(unsolicited, relay_state="/me/transcript")
    assert (response.status_code, response.location) == (302, "/me/transcript")
    saml.client.delete_cookie("session")
    assert saml.post(unsolicited).status_code == 400  # and still only once
    assert refusals(session) == ["replayed"]


def test_garbage_is_refused_with_a_page(saml, session):
    for body in ("", "not base64!", base64.b64encode(b"<xml/>").decode()):
        assert saml.post(body).status_code == 400
