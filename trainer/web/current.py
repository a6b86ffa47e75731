"""The signed-in person, typed for the views: `from trainer.web.current import current_user`.

Flask-Login's `current_user` is an untyped proxy. It stands for the signed-in person
(trainer.people.signed_in.SignedIn: id, name, roles) whenever someone is signed in, and for
an anonymous user otherwise; views read a person's attributes only behind
`access.roles_required` (or after checking `is_authenticated`). A view that changes or
records the person loads the User row with signed_in_user().
"""

from typing import cast

from flask_login import current_user as _current_user

from trainer.extensions import db
from trainer.models import User
from trainer.people.signed_in import SignedIn

current_user = cast(SignedIn, _current_user)


def signed_in_user() -> User:
    """The signed-in person's User row (loaded on first use in the request): to change,
    record or compare it."""
    person = _current_user._get_current_object()
    if isinstance(person, User):  # the request that signed in holds the row itself
        return person
    user = db.session.get(User, person.id)
    assert user is not None, "load_user found this person in this request"
    return user
