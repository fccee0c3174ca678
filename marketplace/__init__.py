"""Marketplace of a federation of French business clusters."""

from __future__ import annotations

import gc

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
    from .web.security import RowIdConverter

    app.url_map.converters["int"] = RowIdConverter  # before any route is added
    db.init_app(app)

    from .auth import permissions, signin
    from .web import errors, extensions, fragments, i18n, pagecache, requestlog, security

    requestlog.init_app(app)
    extensions.init_app(app)
    i18n.init_app(app)
    errors.init_app(app)
    signin.init_app(app)
    permissions.init_app(app)
    pagecache.init_app(app)
    fragments.init_app(app)
    security.init_app(app)

    from .audit import recorder

    recorder.init_app(app)

    register_blueprints(app)
    from . import ops

    ops.init_app(app)

    from .cli import register_commands

    register_commands(app)
    if not app.testing:
        # What start-up built (models, routes, translations) lives as long as the process: collections no longer
        # walk it. Without this, the first full collections under load pause every thread of a worker (~100 ms).
        gc.collect()
        gc.freeze()
    return app


def register_blueprints(app: Flask) -> None:
    """Every page of the product, in one explicit list: the public site, the API, then the console by feature."""
    from .admin.views import bp as console_home
    from .agreements.console import bp as agreements_console
    from .api import money as _api_money  # noqa: F401  (routes of the api blueprint)
    from .api import orders as _api_orders  # noqa: F401
    from .api.views import bp as api
    from .audit.console import bp as audit_console
    from .auth.console import bp as auth_console
    from .auth.views import bp as auth
    from .catalogue.console import bp as catalogue_console
    from .checkout.console import bp as checkout_console
    from .checkout.views import bp as checkout
    from .clusters.console import bp as clusters_console
    from .clusters.views import bp as clusters
    from .events.checkin import bp as checkin_console
    from .events.console import bp as events_console
    from .events.partners_console import bp as event_partners_console
    from .events.views import bp as events
    from .finances import files as _finances_files  # noqa: F401  (routes of the finances blueprint)
    from .finances.console import bp as finances_console
    from .invoicing.console import bp as invoicing_console
    from .invoicing.views import bp as invoicing
    from .ledger.console import bp as ledger_console
    from .memberships.console import bp as memberships_console
    from .memberships.join import bp as join
    from .memberships.register_console import bp as memberships_register
    from .memberships.renewals_console import bp as renewals_console
    from .memberships.views import bp as memberships
    from .passes.console import bp as passes_console
    from .passes.views import bp as passes
    from .payments.console import bp as payments_console
    from .payments.views import bp as payments
    from .pools.console import bp as pools_console
    from .rooms.console import bp as rooms_console
    from .rooms.space_console import bp as room_space_console
    from .rooms.views import bp as rooms
    from .settlements.console import bp as settlements_console
    from .shop.views import bp as shop
    from .web.views import bp as site

    for blueprint in (site, shop, checkout, invoicing, payments, auth, clusters, memberships, join, events, passes,
                      rooms, api, console_home, clusters_console, memberships_console, memberships_register,
                      renewals_console, events_console, checkin_console, event_partners_console, catalogue_console,
                      rooms_console, room_space_console, passes_console, checkout_console, payments_console,
                      invoicing_console, ledger_console, pools_console, agreements_console, settlements_console,
                      auth_console, audit_console, finances_console):
        app.register_blueprint(blueprint)
