"""The `marketplace` command: demo, database upgrade, administrators, the background worker."""

from __future__ import annotations

import logging
import signal
import threading
import zlib

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import text
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
        current_app.config["BASE_URL"] = url.rstrip("/")
        where = (f"serveur SMTP {current_app.config['SMTP_HOST']}" if current_app.config["SMTP_HOST"]
                 else "fichiers .eml sous " + current_app.config["MAIL_DIR"])
        click.echo(f"Emails envoyés toutes les quelques secondes ({where}), par les tâches de fond de la démo "
                   "(expiration des commandes, rappels, listes d'attente).")
        click.echo("")
        from werkzeug.serving import is_running_from_reloader, run_simple

        if not is_running_from_reloader():
            jobs_in_background(current_app._get_current_object())
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

        from sqlmodel import select

        from .checkout.models import Order
        from .core.timeutil import paris_today
        from .payments.camt import build_camt053, credit_entry

        with _session() as db:
            order = db.exec(select(Order).where(Order.number == number.upper())).first()
            if order is None:
                raise click.ClickException(f"Aucune commande {number}.")
            entry = credit_entry(f"DEMO-{order.number}", order.total_incl_cents, order.payment_reference,
                                 order.billing_name, paris_today())
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

    @app.cli.command("clear-cache")
    @with_appcontext
    def clear_cache_command():
        """After rows were changed by hand in the database: every worker and node reads the catalogue again."""
        from .catalogue.freshness import bump
        from .web.pagecache import invalidate_public_pages

        with _session() as db:
            bump(db)
            db.commit()
        invalidate_public_pages()
        click.echo("Pages et fragments du catalogue : relus partout à la prochaine visite.")

    @app.cli.command("worker")
    @click.option("--once", is_flag=True, help="Run one round and exit.")
    @click.option("--interval", default=10, show_default=True, help="Seconds between rounds.")
    @with_appcontext
    def worker(once: bool, interval: int):
        """Background jobs: expire unpaid orders (a renewal unpaid past its grace lapses), remind unpaid renewals
        and unpaid orders before their deadline, offer places that came back to waiting lists, answer password
        reset requests, send the email outbox."""
        from .mail.services import transport_from_config

        app = current_app._get_current_object()
        transport, stop = transport_from_config(app.config), threading.Event()

        def _stop(signum, _frame):
            click.echo(f"Arrêt demandé ({signal.Signals(signum).name}) : la tournée en cours se termine.")
            stop.set()

        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, _stop)
        while not stop.is_set():
            run_jobs(app, transport, click.echo)
            if once:
                return
            stop.wait(interval)
        click.echo("Worker arrêté proprement.")


def run_jobs(app: Flask, transport, echo) -> None:
    """One round of the background jobs (see `marketplace worker`); `echo` tells what was done."""
    from .checkout.deadlines import remind_unpaid
    from .checkout.orders import expire_orders
    from .core.timeutil import paris_today, utcnow
    from .events.waitlist import serve_waitlists
    from .mail.services import deliver_pending
    from .memberships.renewals import send_reminders

    config = app.config
    with app.test_request_context(), _session() as db:
        done = []
        for name, job, singular, plural in (
                ("expire_orders", lambda: expire_orders(db), "commande expirée", "commandes expirées"),
                ("membership_reminders", lambda: send_reminders(db, paris_today(), config["MEMBERSHIP_REMINDER_DAYS"],
                                                                config),
                 "relance de cotisation", "relances de cotisation"),
                ("payment_reminders", lambda: remind_unpaid(db, utcnow(), config), "rappel de paiement",
                 "rappels de paiement"),
                ("waitlists", lambda: serve_waitlists(db, utcnow(), config["WAITLIST_HOLD_HOURS"]),
                 "place proposée sur liste d'attente", "places proposées sur liste d'attente"),
                ("accounts", lambda: _accounts(db), "", "")):
            count = job() if job_lock(db, name) else 0
            db.commit()  # each job's work is kept even if a later one fails; its lock ends with it
            if count:
                done.append(f"{count} {plural if count > 1 else singular}")
        sent, failed = deliver_pending(db, transport, config["MAIL_FROM"])  # rows claimed with SKIP LOCKED
    for line in done:
        echo(line)
    if sent or failed:
        echo(f"emails : {sent} envoyés, {failed} en échec (réessayés plus tard, sauf refus définitif)")


def _accounts(db: Session) -> int:
    """Answer password reset requests and forget old sign-in records (nothing to tell)."""
    from .auth.services import answer_reset_requests, forget_old_sign_in_records

    answer_reset_requests(db)
    forget_old_sign_in_records(db)
    return 0


def job_lock(db: Session, name: str) -> bool:
    """One worker node at a time runs a scheduled job: on PostgreSQL a transaction-level advisory lock, held
    until the job commits; a node that finds it taken skips the job this round (SQLite has a single worker)."""
    if db.get_bind().dialect.name != "postgresql":
        return True
    key = zlib.crc32(f"marketplace:job:{name}".encode())
    return bool(db.execute(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": key}).scalar())


def jobs_in_background(app: Flask, interval: float = 5) -> tuple[threading.Event, threading.Thread]:
    """The demo runs the worker's jobs itself, in a thread of the same process, so its emails are written and
    unpaid orders expire without a second command; setting the returned event stops the returned thread."""
    from .mail.services import transport_from_config

    transport, stop = transport_from_config(app.config), threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                run_jobs(app, transport, lambda line: click.echo(f"[tâches] {line}"))
            except Exception:  # noqa: BLE001 - a failed round is logged; the next one runs anyway
                logging.getLogger(__name__).exception("background jobs failed")
            stop.wait(interval)

    thread = threading.Thread(target=loop, name="demo-jobs", daemon=True)
    thread.start()
    return stop, thread


def main() -> None:
    from . import create_app

    cli = FlaskGroup(create_app=lambda: create_app(), add_default_commands=False,
                     help="Marketplace of a federation of business clusters.")
    cli.main(prog_name="marketplace")
