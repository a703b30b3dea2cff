"""Password hashing with argon2id (argon2-cffi's recommended parameters).

Hashing is deliberately slow and memory-hungry (64 MiB each), so it runs on a small dedicated pool:
off the event loop, and bounded so that a burst of logins cannot take all the memory or starve the
shared worker threads that media processing uses.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from content.core.errors import InvalidInput

__all__ = [
    "MAX_PASSWORD_LENGTH",
    "MIN_PASSWORD_LENGTH",
    "PasswordCheck",
    "hash_password",
    "validate_password",
    "verify_password",
]

MIN_PASSWORD_LENGTH = 10
# argon2 pre-hashes any length, but an upper bound keeps request bodies and work predictable.
MAX_PASSWORD_LENGTH = 1024

log = logging.getLogger("odyssee.accounts")
_hasher = PasswordHasher()
_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="argon2")
_dummy_hash: str | None = None


@dataclass(frozen=True)
class PasswordCheck:
    """``ok`` when the password matched; ``new_hash`` when the stored hash should be replaced
    because the hashing parameters have changed since it was made."""

    ok: bool
    new_hash: str | None = None


def validate_password(password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput.field(field, f"must be at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput.field(field, f"must be at most {MAX_PASSWORD_LENGTH} characters")
    if not password.strip():
        raise InvalidInput.field(field, "must not be only spaces")


async def hash_password(password: str) -> str:
    return await asyncio.get_running_loop().run_in_executor(_pool, _hasher.hash, password)


async def verify_password(stored_hash: str | None, password: str) -> PasswordCheck:
    """Check ``password`` against ``stored_hash``.

    With no hash (unknown email, disabled account) it verifies against a dummy hash anyway, so the
    answer takes as long as for a real account and timing does not reveal which emails exist.
    """
    if stored_hash is None:
        await _verify(await _dummy(), password)
        return PasswordCheck(ok=False)
    if not await _verify(stored_hash, password):
        return PasswordCheck(ok=False)
    if _hasher.check_needs_rehash(stored_hash):
        return PasswordCheck(ok=True, new_hash=await hash_password(password))
    return PasswordCheck(ok=True)


def _verify_blocking(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except VerifyMismatchError:
        return False
    except (VerificationError, InvalidHashError):
        log.warning("a stored password hash could not be read; the account cannot sign in")
        return False


async def _verify(stored_hash: str, password: str) -> bool:
    return await asyncio.get_running_loop().run_in_executor(_pool, _verify_blocking, stored_hash, password)


async def _dummy() -> str:
    global _dummy_hash  # computed once per process: the first unknown-email login pays for it
    if _dummy_hash is None:
        _dummy_hash = await hash_password(secrets.token_urlsafe(24))
    return _dummy_hash
