"""Security headers on every response."""

from __future__ import annotations

from flask import Flask, Response, current_app, request

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"


def init_headers(app: Flask) -> None:
    app.after_request(add_security_headers)


# Set on every response, replacing whatever a view set (worked out once, not per response).
ALWAYS = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Permissions-Policy", PERMISSIONS_POLICY),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)
HSTS = ("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
_ALWAYS = tuple((name, name.lower(), value) for name, value in ALWAYS)
_ALWAYS_IN_PRODUCTION = tuple((name, name.lower(), value) for name, value in (*ALWAYS, HSTS))


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    # One pass over the few headers a view set, instead of a search of them per header
    # below; a header only appended when the view did not set it (most responses).
    present = {name.lower() for name, _ in headers.items()}
    if "content-security-policy" not in present:  # a view may set its own (the default otherwise)
        headers.add("Content-Security-Policy", CSP)
    always = _ALWAYS_IN_PRODUCTION if current_app.config["ENV"] == "production" else _ALWAYS
    for name, lower, value in always:
        if lower in present:
            headers[name] = value
        else:
            headers.add(name, value)
    machine = request.path.startswith(("/api/", "/scim/"))
    if machine or ("cache-control" not in present and response.mimetype == "text/html"):
        # Pages and API answers carry personal data: keep them out of shared caches and the
        # back-button cache (API JSON included, whatever a view set).
        headers["Cache-Control"] = "no-store"
    return response
