"""Passwords (argon2id), sign-in sessions, password reset by signed token, user creation."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, g, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import bindparam
from sqlmodel import Session, col, select
from zxcvbn import zxcvbn

from ..config import signing_keys
from ..core.errors import Conflict, Invalid
from ..core.timeutil import utcnow
from ..db import get_db, get_owned
from ..mail.services import queue_email
from .models import ApiToken, LoginSession, PasswordResetRequest, StaffRole, User

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 200
# zxcvbn scores 0-4; 3 is "safely unguessable" (its dictionaries hold the 30 000 most common leaked passwords).
MIN_PASSWORD_SCORE = 3
# Words a password must not lean on: the product's own and the account's.
_SITE_WORDS = ("cluster", "clusters", "marketplace", "federation", "fédération", "place de marché")
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


def password_problem(password: str, email: str = "", full_name: str = "") -> str | None:
    """Why a new password is refused (too short, too long, common or guessable), or None (ASVS 2.1)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("Le mot de passe doit compter au moins %(n)d caractères.", n=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return _("Le mot de passe doit compter au plus %(n)d caractères.", n=MAX_PASSWORD_LENGTH)
    hints = [*_SITE_WORDS, email.lower(), *email.lower().replace("@", " ").replace(".", " ").split(),
             *full_name.lower().split()]
    if zxcvbn(password[:100], user_inputs=hints)["score"] < MIN_PASSWORD_SCORE:
        return _("Ce mot de passe est trop courant ou trop facile à deviner : choisissez par exemple "
                 "plusieurs mots sans lien entre eux.")
    return None


def check_new_password(password: str, email: str = "", full_name: str = "") -> None:
    problem = password_problem(password, email, full_name)
    if problem:
        raise Invalid(problem, field="password")


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def start_login_session(db: Session, user: User) -> str:
    """Open a server-side session for `user`; returns the token for the cookie (only its hash is kept)."""
    raw = secrets.token_urlsafe(32)
    db.add(LoginSession(user_id=user.id, token_hash=_token_hash(raw)))
    db.flush()
    return raw


def end_login_sessions(db: Session, user_id: int, *, token: str | None = None, keep: str | None = None) -> None:
    """End one session (by its token) or every session of the user but `keep`."""
    query = select(LoginSession).where(LoginSession.user_id == user_id, col(LoginSession.ended_at).is_(None))
    if token is not None:
        query = query.where(LoginSession.token_hash == _token_hash(token))
    if keep is not None:
        query = query.where(LoginSession.token_hash != _token_hash(keep))
    now = utcnow()
    for login_session in db.exec(query).all():
        login_session.ended_at = now
        db.add(login_session)
    db.flush()


# Built once (every signed-in request runs it); the staff roles come in the same statement, as every page's header
# asks for them (permissions.staff_roles).
_SESSION_USER = (select(User, LoginSession.created_at, StaffRole.cluster_id, StaffRole.role)
                 .join(LoginSession, LoginSession.user_id == User.id)
                 .outerjoin(StaffRole, StaffRole.user_id == User.id)
                 .where(LoginSession.token_hash == bindparam("token_hash"), col(LoginSession.ended_at).is_(None)))


def load_user_from_session_id(value: str) -> User | None:
    """The active user of an open, unexpired login session named by its cookie token, or None."""
    if not value or len(value) > 100:
        return None
    max_age = timedelta(hours=current_app.config["SESSION_MAX_HOURS"])
    rows = get_db().exec(_SESSION_USER, params={"token_hash": _token_hash(value)}).all()
    if not rows:
        return None
    user, created_at = rows[0][:2]
    if not user.is_active or created_at + max_age < utcnow():
        return None
    g.staff_roles = user.id, {cluster_id: role for _u, _c, cluster_id, role in rows if cluster_id is not None}
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
    """Create a user; refuses a duplicate email and a weak password."""
    email = normalize_email(email)
    check_new_password(password, email, full_name)
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
    return URLSafeTimedSerializer(signing_keys(current_app.config), salt="password-reset")


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


def set_new_password(db: Session, user: User, new_password: str, keep_session: str | None = None) -> User:
    """Set a new password (checked) and end the user's other sessions."""
    check_new_password(new_password, user.email, user.full_name)
    user.password_hash = hash_password(new_password)
    db.add(user)
    end_login_sessions(db, user.id, keep=keep_session)
    return user


def reset_password(db: Session, token: str, new_password: str) -> User:
    """Set the password from a reset or invitation link; every session of the user ends."""
    return set_new_password(db, user_from_reset_token(db, token), new_password)


def request_password_reset(db: Session, email: str) -> None:
    """Note a reset request; the worker answers it, so the page takes the same time for any address."""
    db.add(PasswordResetRequest(email=normalize_email(email)))
    db.flush()


def answer_reset_requests(db: Session, limit: int = 100) -> int:
    """Email a reset link for each pending request naming an active account; returns how many were handled.

    Requests are locked while handled (SKIP LOCKED), so two workers never answer one twice.
    """
    rows = db.exec(select(PasswordResetRequest, User)
                   .outerjoin(User, (User.email == PasswordResetRequest.email) & col(User.is_active))
                   .where(col(PasswordResetRequest.handled_at).is_(None))
                   .order_by(PasswordResetRequest.id).limit(limit)
                   .with_for_update(skip_locked=True, of=PasswordResetRequest)).all()
    now = utcnow()
    for reset_request, user in rows:
        if user is not None:
            _queue_reset_email(db, user)
        reset_request.handled_at = now
        db.add(reset_request)
    db.flush()
    return len(rows)


def forget_old_sign_in_records(db: Session, keep_days: int = 30) -> int:
    """Delete login sessions and answered reset requests over `keep_days` past their end; returns how many."""
    cutoff = utcnow() - timedelta(days=keep_days)
    expired = cutoff - timedelta(hours=current_app.config["SESSION_MAX_HOURS"])  # never ended, long expired
    stale = db.exec(select(LoginSession).where((col(LoginSession.ended_at) < cutoff)
                                               | (col(LoginSession.created_at) < expired))).all()
    answered = db.exec(select(PasswordResetRequest).where(col(PasswordResetRequest.handled_at) < cutoff)).all()
    for record in [*stale, *answered]:
        db.delete(record)
    db.flush()
    return len(stale) + len(answered)


def _queue_reset_email(db: Session, user: User) -> None:
    link = current_app.config["BASE_URL"].rstrip("/") + url_for("auth.reset_password_form",
                                                                 token=make_reset_token(user))
    minutes = current_app.config["RESET_TOKEN_MAX_AGE"] // 60
    with force_locale(user.language):
        queue_email(db, user.email, _("Réinitialisation de votre mot de passe"),
                    _("Bonjour,\n\nPour choisir un nouveau mot de passe, ouvrez ce lien "
                      "(valable %(minutes)d minutes, une seule fois) :\n%(link)s\n\n"
                      "Si vous n'avez rien demandé, ignorez ce message.", minutes=minutes, link=link))


TOKEN_PREFIX = "mkt_"


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


def api_tokens_of(db: Session, user_id: int) -> list[ApiToken]:
    """A user's API tokens, revoked ones included, newest first."""
    return list(db.exec(select(ApiToken).where(ApiToken.user_id == user_id).order_by(col(ApiToken.id).desc())))


def revoke_api_token(db: Session, user: User, token_id: int) -> None:
    token = get_owned(db, ApiToken, token_id, _("Jeton introuvable."), user_id=user.id)
    token.revoked_at = utcnow()
    db.add(token)
