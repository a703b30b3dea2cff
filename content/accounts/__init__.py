"""Accounts and access: passwords, bearer tokens, login throttling, users, offices, permissions."""

from __future__ import annotations

from content.accounts.demo import DemoAccount, ensure_demo_accounts
from content.accounts.login import SignedIn, login, logout
from content.accounts.offices import NewOffice, Office, create_office, get_office, list_offices
from content.accounts.principal import ROLES, Principal, Role
from content.accounts.tokens import authenticate
from content.accounts.user_changes import NewUser, UserChanges, change_user, create_user
from content.accounts.users import User, get_user, list_users, user_etag

__all__ = [
    "ROLES",
    "DemoAccount",
    "NewOffice",
    "NewUser",
    "Office",
    "Principal",
    "Role",
    "SignedIn",
    "User",
    "UserChanges",
    "authenticate",
    "change_user",
    "create_office",
    "create_user",
    "ensure_demo_accounts",
    "get_office",
    "get_user",
    "list_offices",
    "list_users",
    "login",
    "logout",
    "user_etag",
]
