"""SCIM 2.0 provisioning (RFC 7643/7644) of Trainer's people by an identity provider.

scim2-server runs the protocol (routing, validation, PATCH and PUT semantics, errors);
Trainer supplies what it serves (resources.py), how a resource maps onto a person
(mapping.py), how changes are written (accounts.py) and the storage tying them together
(storage.py).
"""
