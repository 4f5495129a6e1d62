"""A user as the pages and the actor checks need them."""
from __future__ import annotations

import hashlib

from sqlmodel import Session

from makernet.models import Organisation, User
from makernet.services.access import Actor


def actor_of_user(user: User, organisation: Organisation) -> Actor:
    return Actor(user.id, user.role, user.organisation_id, tuple(organisation.territory or ()))


def session_user_view(s: Session, user: User) -> dict:
    """A user as the pages need it; the fingerprint changes with the password and at every sign-out,
    ending the sessions signed before."""
    organisation = s.get(Organisation, user.organisation_id)
    return {"id": user.id, "email": user.email, "name": user.name, "role": user.role,
            "organisation_id": user.organisation_id, "organisation_name": organisation.name,
            "territory": list(organisation.territory or ()), "locale": user.locale,
            "fingerprint": hashlib.sha256(f"{user.password_hash or ''}:{user.session_epoch}".encode()).hexdigest()[:16]}


def actor_for(user: dict) -> Actor:
    """The actor of a session user."""
    return Actor(user["id"], user["role"], user["organisation_id"], tuple(user["territory"]))
