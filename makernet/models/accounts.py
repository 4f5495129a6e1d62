"""Organisations, their users and the users' API tokens."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from makernet.models.base import json_column, utcnow


class Organisation(SQLModel, table=True):
    """A municipality, care or health facility, fab-lab, sewing workshop or coordination."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    kind: str = Field(max_length=30)  # OrganisationKind
    commune: str = Field(default="", max_length=120)
    departement: str = Field(default="", max_length=3, index=True)
    latitude: float | None = None
    longitude: float | None = None
    territory: list[str] = Field(default_factory=list, sa_column=json_column())  # coordination: départements
    # its requests counted commune by commune in the open data; if not (and for private persons), only in a
    # commune's figures that gather at least OPEN_DATA_THRESHOLD such requesters, else in the département's
    open_data: bool = True
    created_at: datetime = Field(default_factory=utcnow)


class User(SQLModel, table=True):
    """A person who signs in; belongs to one organisation and has one role."""

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)
    name: str = Field(max_length=200)
    role: str = Field(max_length=20)  # Role
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    password_hash: str = Field(default="", max_length=300)
    locale: str = Field(default="fr", max_length=5)
    active: bool = True
    # a one-time link an admin hands over to set (or reset) the password; only its hash is kept
    invitation_hash: str | None = Field(default=None, max_length=64, unique=True)
    invitation_expires_at: datetime | None = None
    digest_hour: int = 7      # the hour (French time) of the user's daily e-mails: their digest, a coordinator's summary
    session_epoch: int = 0   # raised at every sign-out: every session signed before it stops working
    created_at: datetime = Field(default_factory=utcnow)


class ApiToken(SQLModel, table=True):
    """A per-user API token; only its hash is kept."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    name: str = Field(max_length=100)
    token_hash: str = Field(max_length=64, unique=True)
    prefix: str = Field(max_length=12)
    created_at: datetime = Field(default_factory=utcnow)
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None
    expires_at: datetime | None = None   # refused from then on; None: until revoked (chosen by an administrator)


class LoginAttempt(SQLModel, table=True):
    """One sign-in attempt on the web pages, kept to slow down password guessing."""

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, index=True)
    address: str = Field(default="", max_length=45, index=True)   # the client's IP address
    succeeded: bool = False
    at: datetime = Field(default_factory=utcnow, index=True)
