"""Flask extensions, created unbound here and bound to the app in create_app."""

from flask_limiter import Limiter as FlaskLimiter
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


class Limiter(FlaskLimiter):
    """Flask-Limiter without its per-request check when no limit applies to every request.

    Trainer's limits are decorators on the views they protect (sign-in, password reset and
    change, single sign-on), and the decorator checks them when the view runs. Flask-Limiter
    also checks before every request, for default, application-wide, blueprint and meta limits
    and its in-memory fallback: none of which Trainer sets, so that check found nothing to
    count on every page and cost about 5% of one. It still runs as soon as any of them is
    configured (e.g. TRAINER_RATELIMIT_DEFAULT).
    """

    def _check_request_limit(self, callable_name: str | None = None, in_middleware: bool = True) -> None:
        if in_middleware and not self.limits_every_request():
            return
        super()._check_request_limit(callable_name=callable_name, in_middleware=in_middleware)

    def limits_every_request(self) -> bool:
        """Whether any limit is counted outside the decorated views (read per request: cheap)."""
        manager = self.limit_manager
        return bool(manager._default_limits or manager._application_limits or manager._blueprint_limits
                    or self._meta_limits or self._in_memory_fallback_enabled)


# Per-IP limits count per client network: an IPv4 address, or an IPv6 /64.
limiter = Limiter(key_func=_client_network, default_limits=[])
