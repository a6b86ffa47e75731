"""Flask extensions, created unbound here and bound to the app in create_app."""

from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import Session

from trainer.models.base import Base


class TypedSQLAlchemy(SQLAlchemy):
    """Flask-SQLAlchemy whose `db.session` type-checks as the Session it stands for.

    At run time `db.session` is a scoped_session: it forwards every Session method to the
    current app context's session. Domain functions take a plain `Session`, so the views
    may hand them `db.session` as it is.
    """

    session: Session  # type: ignore[assignment]  # a scoped_session proxies every Session method


db = TypedSQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()


def _client_network() -> str:
    from trainer.web.ratelimits import client_network  # web/ imports this module

    return client_network()


# Per-IP limits count per client network: an IPv4 address, or an IPv6 /64.
limiter = Limiter(key_func=_client_network, default_limits=[])
