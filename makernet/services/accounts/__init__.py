"""Accounts: who signs in, with which role and organisation, and their API tokens.

The area's front door: the use cases entry points (pages, API, CLI, tasks) call.
"""
from makernet.services.accounts.commands import (LOCALES, ORGANISATION_KINDS, TOKEN_DAYS, TOKEN_MOST_DAYS,
                                                 accept_invitation, actor_from_token, change_password, create_admin,
                                                 end_sessions, invite_user, issue_token, new_token, reset_password,
                                                 revoke_token, save_organisation, set_locale, set_user_active,
                                                 sign_in, token_for_email)
from makernet.services.accounts.operations import PUBLISHED_PASSWORD_HASH, Throttled, check_new_password, hash_password
from makernet.services.accounts.queries import invited_user, list_organisations, list_tokens, list_users, session_user
from makernet.services.accounts.views import actor_for

__all__ = ["LOCALES", "ORGANISATION_KINDS", "PUBLISHED_PASSWORD_HASH", "TOKEN_DAYS", "TOKEN_MOST_DAYS", "Throttled",
           "accept_invitation", "actor_for", "actor_from_token", "change_password", "check_new_password",
           "create_admin", "end_sessions", "hash_password", "invite_user", "invited_user", "issue_token",
           "list_organisations", "list_tokens", "list_users", "new_token", "reset_password", "revoke_token",
           "save_organisation", "session_user", "set_locale", "set_user_active", "sign_in", "token_for_email"]
