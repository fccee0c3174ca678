"""Marketplace of a federation of French business clusters."""

from __future__ import annotations

from flask import Flask

from . import db
from .config import PROJECT_ROOT, check_secret_key, load_config


def create_app(overrides: dict[str, object] | None = None) -> Flask:
    """Build the application: configuration, database, extensions, blueprints, error handlers."""
    config = load_config()
    if overrides:
        config.update(overrides)
    check_secret_key(str(config["SECRET_KEY"]))
    app = Flask(
        __name__,
        instance_path=str(config["INSTANCE_PATH"]),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.update(config)

    db.init_app(app)

    from .auth import permissions, signin
    from .web import errors, extensions, i18n, pagecache, security

    extensions.init_app(app)
    i18n.init_app(app)
    errors.init_app(app)
    signin.init_app(app)
    permissions.init_app(app)
    pagecache.init_app(app)
    security.init_app(app)

    from .admin import agreements as _admin_agreements  # noqa: F401
    from .admin import orders as _admin_orders  # noqa: F401  (routes of the admin blueprint)
    from .admin import pools as _admin_pools  # noqa: F401
    from .admin import settlements as _admin_settlements  # noqa: F401
    from .admin.views import bp as admin_bp
    from .api import money as _api_money  # noqa: F401
    from .api import orders as _api_orders  # noqa: F401  (routes of the api blueprint)
    from .api.views import bp as api_bp
    from .auth.views import bp as auth_bp
    from .checkout.views import bp as checkout_bp
    from .clusters.views import bp as clusters_bp
    from .invoicing.views import bp as invoicing_bp
    from .payments.views import bp as payments_bp
    from .shop.views import bp as shop_bp
    from .web.views import bp as site_bp

    for blueprint in (site_bp, shop_bp, checkout_bp, invoicing_bp, payments_bp, auth_bp, clusters_bp, admin_bp, api_bp):
        app.register_blueprint(blueprint)

    from .cli import register_commands

    register_commands(app)
    return app
