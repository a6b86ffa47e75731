"""Identity: how people get into Trainer from the organisation's identity systems.

Sign-in through an identity provider (oidc.py, saml.py), finding or creating the person from
verified claims (claims.py, matching.py), one-time use of tokens (replay.py), the password
sign-in policy (policy.py); provisioning by the identity provider over SCIM 2.0 (scim/) and
invitations for people who have never signed in. Plain modules over a session and settings;
no Flask here.
"""
