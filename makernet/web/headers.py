"""Security headers on every answer, pages and API alike."""
from __future__ import annotations

from flask import Response

# no inline script or style anywhere: every script and stylesheet is a vendored file of ours
POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
          "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HSTS = "max-age=31536000; includeSubDomains"


def secure(answer: Response, *, hsts: bool) -> Response:
    """Forbid framing, sniffing, foreign scripts and leaking addresses; pin https once it is the public scheme."""
    answer.headers.setdefault("Content-Security-Policy", POLICY)
    answer.headers.setdefault("X-Content-Type-Options", "nosniff")
    answer.headers.setdefault("X-Frame-Options", "DENY")
    answer.headers.setdefault("Referrer-Policy", "same-origin")
    if hsts:
        answer.headers.setdefault("Strict-Transport-Security", HSTS)
    return answer
