"""The small error vocabulary every surface maps once (JSON, pages, CLI)."""


class MakerNetError(Exception):
    """An error whose message can be shown to the user as it is."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(MakerNetError):
    """The input is malformed or breaks a rule; nothing was changed."""

    status = 422


class NotFound(MakerNetError):
    """No such thing, or not visible to this user."""

    status = 404


class Forbidden(MakerNetError):
    """This user's role may not do this."""

    status = 403


class Unauthorized(MakerNetError):
    """No valid credentials were given."""

    status = 401


class Conflict(MakerNetError):
    """The thing is not in a state that allows this (already done, already taken)."""

    status = 409
