"""The signed-in person, typed for the views: `from trainer.web.current import current_user`.

Flask-Login's `current_user` is an untyped proxy. It stands for a `User` whenever someone
is signed in, and for an anonymous user otherwise; views read a person's attributes only
behind `access.roles_required` (or after checking `is_authenticated`), where it is a User.
"""

from typing import cast

from flask_login import current_user as _current_user

from trainer.models import User

current_user = cast(User, _current_user)


def signed_in_user() -> User:
    """The signed-in User itself rather than the proxy: to record, store or compare it."""
    user: User = _current_user._get_current_object()
    return user
