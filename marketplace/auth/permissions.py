"""Authorisation in one place: who may see and change what."""

from __future__ import annotations

from functools import wraps

from flask import abort, g
from flask_login import current_user, login_required
from sqlmodel import select

from ..db import get_db
from .models import StaffRole


def staff_roles() -> dict[int, str]:
    """The current user's staff roles as {cluster_id: role}, read once per request."""
    if not current_user.is_authenticated:
        return {}
    user_id, roles = g.get("staff_roles", (None, None))  # the session's loader reads them with the user
    if user_id != current_user.id:
        rows = get_db().exec(select(StaffRole).where(StaffRole.user_id == current_user.id)).all()
        roles = {row.cluster_id: row.role for row in rows}
        g.staff_roles = current_user.id, roles
    return roles


def is_platform_admin() -> bool:
    return bool(current_user.is_authenticated and current_user.is_platform_admin)


def can_view_cluster_console(cluster_id: int) -> bool:
    """Platform admins and any staff member of this cluster."""
    return is_platform_admin() or cluster_id in staff_roles()


def can_administer_cluster(cluster_id: int) -> bool:
    """Platform admins and this cluster's admins (settings, fee grid, staff, partnerships)."""
    return is_platform_admin() or staff_roles().get(cluster_id) == "admin"


def is_staff() -> bool:
    return is_platform_admin() or bool(staff_roles())


def require(allowed: bool) -> None:
    if not allowed:
        abort(403)


def staff_required(view):
    """Signed-in cluster staff or platform admin; anonymous visitors are sent to the login page."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        require(is_staff())
        return view(*args, **kwargs)

    return wrapped


def platform_admin_required(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        require(is_platform_admin())
        return view(*args, **kwargs)

    return wrapped


def init_app(app) -> None:
    app.jinja_env.globals.update(
        is_staff=is_staff,
        is_platform_admin=is_platform_admin,
        can_administer_cluster=can_administer_cluster,
    )
