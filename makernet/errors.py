"""The small error vocabulary every surface maps once (JSON, pages, CLI).

A refusal carries a stable code (dotted, area first: `demand.needed_by_past`) and the plain
values its sentence needs; the sentence itself, in French and English, is in `makernet.messages`.
"""


class MakerNetError(Exception):
    """A refusal: a code from the catalogue of messages, the field it is about, and its parameters."""

    status = 400

    def __init__(self, code: str, /, *, field: str | None = None, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.field = field
        self.params = params

    def __str__(self) -> str:
        """The code and its parameters, for logs (people read `makernet.messages.render_error`)."""
        return f"{self.code} {self.params}" if self.params else self.code


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
