"""Accounts, log-ins and what each user may see.

Passwords are hashed with argon2id. A log-in is a random token in an HttpOnly cookie; the database
keeps only its SHA-256 and the session's CSRF token. Scope: a supervisor or reviewer sees every unit
below their own, a unit administrator only their own unit.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from jianfu.errors import Forbidden
from jianfu.store import platform as repo
from jianfu.store.db import Store
from jianfu.store.platform import User

SESSION_HOURS = 12
ROLE_NAME = {"supervisor": "监督管理", "unit_admin": "单位管理员", "reviewer": "审核人员"}
_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# A hash of a random password: verifying against it when the user is unknown keeps timing equal.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class LoggedIn:
    user: User
    token: str
    csrf_token: str


@dataclass(frozen=True, slots=True)
class Access:
    """The user of a request and the units they may see (None = all)."""

    user: User
    scope: frozenset[str] | None
    csrf_token: str

    def require(self, *roles: str) -> None:
        if self.user.role not in roles:
            names = "、".join(ROLE_NAME[r] for r in roles)
            raise Forbidden(f"此操作需要{names}权限")

    def can_see(self, *unit_ids: str | None) -> bool:
        return self.scope is None or any(u in self.scope for u in unit_ids if u)

    def check_unit(self, *unit_ids: str | None) -> None:
        if not self.can_see(*unit_ids):
            raise Forbidden("无权访问其他单位的数据")


class UnitDirectory:
    """The unit tree, read once and kept for a short time: every request needs it for its scope, and units
    change only when a 台账 is imported (which calls `invalidate`)."""

    def __init__(self, store: Store, ttl_seconds: float = 60.0) -> None:
        self.store = store
        self.ttl = ttl_seconds
        self._tree: repo.UnitTree | None = None
        self._at = 0.0
        self._scopes: dict[tuple[str, str], frozenset[str] | None] = {}
        self._lock = threading.Lock()

    def tree(self) -> repo.UnitTree:
        with self._lock:
            if self._tree is None or time.monotonic() - self._at > self.ttl:
                with self.store.session() as s:
                    self._tree = repo.unit_tree(s)
                self._at = time.monotonic()
                self._scopes.clear()
            return self._tree

    def scope(self, user: User) -> frozenset[str] | None:
        tree = self.tree()
        key = (user.role, user.unit_id)
        with self._lock:
            if key not in self._scopes:
                self._scopes[key] = scope_for(user, tree)
            return self._scopes[key]

    def invalidate(self) -> None:
        with self._lock:
            self._tree = None


class AccountService:
    def __init__(self, store: Store, now: Callable[[], datetime] | None = None,
                 units: UnitDirectory | None = None) -> None:
        self.store = store
        self.now = now or (lambda: datetime.now(UTC))
        self.units = units or UnitDirectory(store)

    def create_user(self, username: str, password: str, *, role: str, unit_id: str, display_name: str | None = None,
                    actor: str = "system") -> User:
        if len(password) < 8:
            raise ValueError("密码至少 8 位")
        now = self.now()
        with self.store.session() as s:
            user = repo.create_user(s, username=username, display_name=display_name or username,
                                    password_hash=_hasher.hash(password), role=role, unit_id=unit_id, now=now)
            repo.record_change(s, actor=actor, subject_type="user", subject_id=user.id, action="create", now=now,
                               details={"username": username, "role": role, "unit_id": unit_id})
        return user

    def login(self, username: str, password: str) -> LoggedIn | None:
        """A new session for correct credentials, else None (same work either way)."""
        with self.store.session() as s:
            found = repo.user_credentials(s, username.strip())
            stored = found[1] if found else _DUMMY_HASH
            try:
                _hasher.verify(stored, password)
            except (VerificationError, InvalidHashError):
                return None
            if found is None or not found[0].active:
                return None
            user = found[0]
            if _hasher.check_needs_rehash(stored):
                repo.set_password_hash(s, user.id, _hasher.hash(password))
            token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
            now = self.now()
            repo.create_session(s, user_id=user.id, token_hash=token_hash(token), csrf_token=csrf, now=now,
                                expires_at=now + timedelta(hours=SESSION_HOURS))
            repo.record_change(s, actor=user.username, subject_type="user", subject_id=user.id, action="login", now=now)
        return LoggedIn(user, token, csrf)

    def unit_tree(self) -> repo.UnitTree:
        return self.units.tree()

    def selectable_units(self, access: Access) -> list[tuple[str, str]]:
        """(id, name) of the units the user may choose in a form: their scope, sorted by id."""
        names = self.units.tree().names
        return sorted((uid, name) for uid, name in names.items() if access.scope is None or uid in access.scope)

    def logout(self, token: str) -> None:
        with self.store.session() as s:
            repo.end_session(s, token_hash(token))

    def access(self, token: str | None) -> Access | None:
        if not token:
            return None
        with self.store.session() as s:
            found = repo.session_user(s, token_hash(token), self.now())
            if found is None:
                return None
            user, csrf = found
        return Access(user, self.units.scope(user), csrf)


def scope_for(user: User, tree: repo.UnitTree) -> frozenset[str] | None:
    if user.role == "unit_admin":
        return frozenset({user.unit_id})
    below = tree.subtree(user.unit_id)
    return None if len(below) >= len(tree.names) else frozenset(below)
