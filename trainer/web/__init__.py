"""The web layer: blueprints per audience, plus what every request shares."""

from __future__ import annotations

from flask import Flask

from trainer.web import errors, headers, hygiene, ops, session


def init_web(app: Flask) -> None:
    from trainer.extensions import csrf
    from trainer.web.admin import bp as admin_bp
    from trainer.web.api import bp as api_bp
    from trainer.web.auth import bp as auth_bp
    from trainer.web.hr import bp as hr_bp
    from trainer.web.learn import bp as learn_bp
    from trainer.web.public import bp as public_bp
    from trainer.web.scim import bp as scim_bp
    from trainer.web.sso import bp as sso_bp

    for blueprint in (auth_bp, sso_bp, learn_bp, hr_bp, admin_bp, public_bp, api_bp, scim_bp):
        app.register_blueprint(blueprint)
    ops.init_ops(app)
    hygiene.init_hygiene(app)
    # Bearer tokens, not cookies: a cross-site request cannot borrow the caller's identity.
    csrf.exempt(api_bp)
    csrf.exempt(scim_bp)
    session.init_sessions(app)
    errors.init_errors(app)
    headers.init_headers(app)
    _init_templates(app)


def _init_templates(app: Flask) -> None:
    from trainer.web import templating

    templating.init_templating(app)
