"""Passwords (argon2id), sign-in, password reset by signed token, user creation."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlmodel import Session, col, select

from ..core.errors import Conflict, Invalid, NotFound
from ..core.timeutil import utcnow
from ..db import get_db
from .models import ApiToken, StaffRole, User

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 10
# A real hash to verify against when the email is unknown, so both failures take the same time.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    """An argon2id hash; the clear password is never stored."""
    return _hasher.hash(password)


def verify_password(user: User, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def normalize_email(email: str) -> str:
    return email.strip().lower()


def load_user_from_session_id(value: str) -> User | None:
    user_id = value.partition(".")[0]
    if not user_id.isdigit():
        return None
    user = get_db().get(User, int(user_id))
    if user is None or not user.is_active or user.get_id() != value:
        return None
    return user


def authenticate(db: Session, email: str, password: str) -> User | None:
    """The active user with this email and password, or None (same answer for both mistakes)."""
    user = db.exec(select(User).where(User.email == normalize_email(email))).first()
    if user is None:
        _hasher.verify(_DUMMY_HASH, "not-a-real-password")
        return None
    if not user.is_active or not verify_password(user, password):
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    db.add(user)
    return user


def create_user(db: Session, email: str, password: str, *, full_name: str = "", language: str = "fr",
                is_platform_admin: bool = False, organization_id: int | None = None) -> User:
    """Create a user; refuses a duplicate email and a short password."""
    email = normalize_email(email)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(_("Le mot de passe doit compter au moins %(n)d caractères.", n=MIN_PASSWORD_LENGTH), field="password")
    if db.exec(select(User).where(User.email == email)).first():
        raise Conflict(_("Un compte existe déjà avec cette adresse email."), field="email")
    user = User(email=email, password_hash=hash_password(password), full_name=full_name, language=language,
                is_platform_admin=is_platform_admin, organization_id=organization_id)
    db.add(user)
    db.flush()
    return user


def grant_staff_role(db: Session, user: User, cluster_id: int, role: str) -> StaffRole:
    """Give `user` a role in a cluster's staff (one role per user and cluster)."""
    existing = db.exec(select(StaffRole).where(StaffRole.user_id == user.id,
                                               StaffRole.cluster_id == cluster_id)).first()
    if existing:
        existing.role = role
        db.add(existing)
        return existing
    staff = StaffRole(user_id=user.id, cluster_id=cluster_id, role=role)
    db.add(staff)
    db.flush()
    return staff


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def make_reset_token(user: User, invitation: bool = False) -> str:
    """A signed token naming the user and a fingerprint of the current hash: single use by design.

    An invitation (a new staff member choosing a first password) lives INVITATION_MAX_AGE seconds,
    a password reset RESET_TOKEN_MAX_AGE.
    """
    return _serializer().dumps({"u": user.id, "h": user.password_hash[-16:], **({"i": 1} if invitation else {})})


def user_from_reset_token(db: Session, token: str) -> User:
    """The user a valid, unexpired, unused reset or invitation token belongs to; Invalid otherwise."""
    config = current_app.config
    try:
        data = _serializer().loads(token, max_age=max(config["RESET_TOKEN_MAX_AGE"], config["INVITATION_MAX_AGE"]))
        if not (isinstance(data, dict) and data.get("i")):
            data = _serializer().loads(token, max_age=config["RESET_TOKEN_MAX_AGE"])
    except SignatureExpired as exc:
        raise Invalid(_("Ce lien de réinitialisation a expiré. Demandez-en un nouveau.")) from exc
    except BadSignature as exc:
        raise Invalid(_("Ce lien de réinitialisation n'est pas valide.")) from exc
    user = db.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or not user.is_active or user.password_hash[-16:] != data.get("h"):
        raise Invalid(_("Ce lien de réinitialisation a déjà servi ou n'est plus valide."))
    return user


def reset_password(db: Session, token: str, new_password: str) -> User:
    user = user_from_reset_token(db, token)
    if len(new_password) < MIN_PASSWORD_LENGTH:
        raise Invalid(_("Le mot de passe doit compter au moins %(n)d caractères.", n=MIN_PASSWORD_LENGTH), field="password")
    user.password_hash = hash_password(new_password)
    db.add(user)
    return user


TOKEN_PREFIX = "mkt_"


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_api_token(db: Session, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`; returns the record and the token itself, which is never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name.strip()[:80] or "API", prefix=raw[:12], token_hash=_token_hash(raw))
    db.add(token)
    db.flush()
    return token, raw


def user_from_api_token(db: Session, raw: str) -> User | None:
    """The active user owning this unrevoked token, or None."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = db.exec(select(ApiToken).where(ApiToken.token_hash == _token_hash(raw),
                                           col(ApiToken.revoked_at).is_(None))).first()
    if token is None:
        return None
    user = db.get(User, token.user_id)
    return user if user is not None and user.is_active else None


def revoke_api_token(db: Session, user: User, token_id: int) -> None:
    token = db.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound(_("Jeton introuvable."))
    token.revoked_at = utcnow()
    db.add(token)
