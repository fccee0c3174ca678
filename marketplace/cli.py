"""The `marketplace` command: demo, database upgrade, administrators, the background worker."""

from __future__ import annotations

import time

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlmodel import Session

from .db import get_engine


def _s(count: int) -> str:
    """The French plural mark of a count the command prints (0 and 1 are singular)."""
    return "s" if count > 1 else ""


def _session() -> Session:
    return Session(get_engine(current_app.config["DATABASE_URL"]), expire_on_commit=False)


def _upgrade() -> None:
    from .migrate import upgrade

    upgrade(current_app.config["DATABASE_URL"])


def _load_demo() -> dict[str, int]:
    from .demo import load_demo

    with _session() as db, current_app.test_request_context():
        counts = load_demo(db, hold_minutes=current_app.config["HOLD_MINUTES"])
        db.commit()
    return counts


def register_commands(app: Flask) -> None:
    @app.cli.group("db")
    def db_group():
        """Database schema."""

    @db_group.command("upgrade")
    @with_appcontext
    def db_upgrade():
        """Create or upgrade the database schema to the latest migration."""
        _upgrade()
        click.echo("Base de données à jour.")

    @app.cli.command("load-demo")
    @with_appcontext
    def load_demo_command():
        """Load the demo federation (idempotent: a second run changes nothing)."""
        counts = _load_demo()
        click.echo(f"Fédération de démonstration : {counts['clusters']} clusters, "
                   f"{counts['organizations']} organisations membres.")

    @app.cli.command("demo")
    @click.option("--host", default="127.0.0.1", show_default=True)
    @click.option("--port", default=5000, show_default=True, type=int)
    @with_appcontext
    def demo_command(host: str, port: int):
        """Upgrade the database, load the demo federation and serve it."""
        from .demo import DEMO_PASSWORD, demo_logins

        _upgrade()
        counts = _load_demo()
        url = f"http://{host}:{port}/"
        click.echo(f"\nFédération de démonstration prête : {counts['clusters']} clusters.")
        click.echo(f"Ouvrez {url}")
        click.echo(f"Comptes de démonstration (mot de passe pour tous : {DEMO_PASSWORD}) :")
        for email, role in demo_logins():
            click.echo(f"  {email:<40} {role}")
        click.echo("Emails envoyés : fichiers .eml sous " + current_app.config["MAIL_DIR"])
        click.echo("")
        current_app.config["BASE_URL"] = url.rstrip("/")
        from werkzeug.serving import run_simple

        run_simple(host, port, current_app._get_current_object(), threaded=True)

    @app.cli.command("create-admin")
    @click.option("--email", prompt="Email")
    @click.password_option("--password", prompt="Mot de passe", confirmation_prompt=True)
    @click.option("--name", default="", help="Full name")
    @with_appcontext
    def create_admin(email: str, password: str, name: str):
        """Create a platform administrator."""
        from .auth.services import create_user
        from .core.errors import DomainError

        with _session() as db:
            try:
                user = create_user(db, email, password, full_name=name, is_platform_admin=True)
            except DomainError as exc:
                raise click.ClickException(exc.message) from exc
            db.commit()
            click.echo(f"Administrateur créé : {user.email}")

    @app.cli.command("demo-statement")
    @click.argument("number")
    @with_appcontext
    def demo_statement(number: str):
        """Print a camt.053 statement in which the buyer of order NUMBER pays it in full."""
        from datetime import date

        from sqlmodel import select

        from .checkout.models import Order
        from .payments.camt import build_camt053, credit_entry

        with _session() as db:
            order = db.exec(select(Order).where(Order.number == number.upper())).first()
            if order is None:
                raise click.ClickException(f"Aucune commande {number}.")
            entry = credit_entry(f"DEMO-{order.number}", order.total_incl_cents, order.payment_reference,
                                 order.billing_name, date.today())
            click.echo(build_camt053([entry], current_app.config["FEDERATION_IBAN"], f"DEMO-{order.number}")
                       .decode())

    @app.cli.command("expire-orders")
    @with_appcontext
    def expire_orders_command():
        """Expire unpaid orders whose hold has run out and give their stock back."""
        from .checkout.orders import expire_orders

        with _session() as db, current_app.test_request_context():
            count = expire_orders(db)
            db.commit()
        click.echo(f"{count} commande{_s(count)} expirée{_s(count)}.")

    @app.cli.command("worker")
    @click.option("--once", is_flag=True, help="Run one round and exit.")
    @click.option("--interval", default=10, show_default=True, help="Seconds between rounds.")
    @with_appcontext
    def worker(once: bool, interval: int):
        """Background jobs: expire unpaid orders (a renewal unpaid past its grace lapses), remind unpaid renewals,
        offer places that came back to waiting lists, answer password reset requests, send the email outbox."""
        from .auth.services import answer_reset_requests, forget_old_sign_in_records
        from .checkout.orders import expire_orders
        from .core.timeutil import paris_today, utcnow
        from .events.waitlist import serve_waitlists
        from .mail.services import deliver_pending, transport_from_config
        from .memberships.renewals import send_reminders

        transport = transport_from_config(current_app.config)
        while True:
            with _session() as db, current_app.test_request_context():
                expired = expire_orders(db)
                db.commit()
                if expired:
                    click.echo(f"{expired} commande{_s(expired)} expirée{_s(expired)}")
                reminded = send_reminders(db, paris_today(), current_app.config["MEMBERSHIP_REMINDER_DAYS"],
                                          current_app.config)
                db.commit()
                if reminded:
                    click.echo(f"{reminded} relance{_s(reminded)} de cotisation")
                offered = serve_waitlists(db, utcnow(), current_app.config["WAITLIST_HOLD_HOURS"])
                db.commit()
                if offered:
                    click.echo(f"{offered} place{_s(offered)} proposée{_s(offered)} sur liste d'attente")
                answer_reset_requests(db)
                forget_old_sign_in_records(db)
                db.commit()
                sent, failed = deliver_pending(db, transport, current_app.config["MAIL_FROM"])
            if sent or failed:
                click.echo(f"emails : {sent} envoyés, {failed} en échec (réessayés plus tard, sauf refus définitif)")
            if once:
                return
            time.sleep(interval)


def main() -> None:
    from . import create_app

    cli = FlaskGroup(create_app=lambda: create_app(), add_default_commands=False,
                     help="Marketplace of a federation of business clusters.")
    cli.main(prog_name="marketplace")
