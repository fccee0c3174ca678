"""In a real browser: the treasurer is asked before a payout file is prepared, and its settlements are paid only
when the bank's execution is confirmed."""

from __future__ import annotations

from sqlmodel import select

from marketplace.settlements.models import PayoutFile, Settlement
from tests.browser.test_live_pages import CHROMIUM, page, playwright_api, pytestmark, server, sign_in  # noqa: F401

expect = playwright_api.expect


def test_a_sepa_file_is_asked_for_then_paid_when_the_bank_executed_it(server, page, db):  # noqa: F811
    sign_in(page, server, "admin@federation-clusters.fr")
    page.goto(f"{server}/console/settlements")
    prepare = page.locator("button", has_text="Préparer le fichier de virements SEPA")
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    prepare.click()
    page.wait_for_timeout(300)
    assert questions and "resteront à payer" in questions[0]
    db.rollback()
    assert db.exec(select(PayoutFile)).first() is None  # said no: nothing was sent

    page.once("dialog", lambda dialog: dialog.accept())
    prepare.click()
    expect(page.locator("main")).to_contain_text("Envoyez-le à la banque", timeout=5000)
    db.rollback()
    waiting = db.exec(select(Settlement).where(Settlement.payout_status == "prepared")).all()
    assert waiting and not db.exec(select(Settlement).where(Settlement.payout_status == "paid")).all()

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("button", has_text="Confirmer l'exécution").click()
    expect(page.locator("main")).to_contain_text("exécuté :", timeout=5000)
    expect(page.locator("main")).to_contain_text("Exécuté le")
    db.rollback()
    assert {s.payout_status for s in db.exec(select(Settlement).where(
        Settlement.id.in_([s.id for s in waiting])))} == {"paid"}
