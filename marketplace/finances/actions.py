"""The cost of an action: staff time at the cluster's hourly cost plus direct costs, against what it sold (the
ledger, and sales outside the marketplace) and its subsidy; its public share against its mission category's
cap, and the participants it needs to break even at one price for every member (PLAB)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from ..catalogue.models import Offer
from ..core.errors import Invalid
from ..core.money import round_div, split_inclusive
from .ledger_feed import LedgerFigures
from .models import Budget, BudgetAction
from .ratios import break_even, per_mille

# Public funding caps of the pôles de compétitivité guide, per mille of an action's cost (C: per aid scheme).
CATEGORIES = {"A": _l("A — missions pour l'État, stratégie, labellisation"),
              "B": _l("B — animation de la R&D collaborative"),
              "C": _l("C — accompagnement des entreprises (selon le dispositif d'aide)"),
              "D": _l("D — prestations commerciales")}
CATEGORY_WORDS = {"A": "A — missions pour l'État", "B": "B — R&D collaborative", "C": "C — accompagnement",
                  "D": "D — prestations commerciales"}
CAPS = {"A": 1000, "B": 500, "D": 0}
DEFAULT_C_CAP = 500


@dataclass(frozen=True)
class ActionResult:
    action: BudgetAction
    offer: Offer | None
    staff_cost_cents: int
    sales_cents: int
    participants: int | None  # units invoiced through the marketplace (None: no offer linked)
    price_cents: int | None

    @property
    def cost_cents(self) -> int:
        return self.staff_cost_cents + self.action.direct_costs_cents

    @property
    def margin_cents(self) -> int:
        """Sales and subsidy minus cost: positive a margin, negative a net cost."""
        return self.sales_cents + self.action.subsidy_cents - self.cost_cents

    @property
    def cap(self) -> int:
        if self.action.category == "C":
            return self.action.public_cap_permille if self.action.public_cap_permille is not None else DEFAULT_C_CAP
        return CAPS[self.action.category]

    @property
    def public_share(self) -> int | None:
        return per_mille(self.action.subsidy_cents, self.cost_cents)

    @property
    def over_cap(self) -> bool:
        return self.action.subsidy_cents > 0 and (self.public_share is None or self.public_share > self.cap)

    @property
    def break_even(self) -> int | None:
        return break_even(self.cost_cents, self.action.subsidy_cents, self.price_cents)


def offer_price_excl(offer: Offer) -> int:
    """The member price of an offer excl. VAT (the one price every member pays for a collective action)."""
    cents = offer.member_price_cents if offer.member_price_cents is not None else offer.list_price_cents
    if offer.prices_include_vat and offer.vat_rate_bps:
        cents = split_inclusive(cents, offer.vat_rate_bps)[0]
    return cents


def action_results(db: Session, budget: Budget | None, ledger: LedgerFigures) -> list[ActionResult]:
    if budget is None:
        return []
    actions = list(db.exec(select(BudgetAction).where(BudgetAction.budget_id == budget.id).order_by(BudgetAction.id)))
    offers = {o.id: o for o in db.exec(select(Offer).where(Offer.cluster_id == budget.cluster_id))}
    results = []
    for action in actions:
        offer = offers.get(action.offer_id)
        price = action.price_cents if action.price_cents is not None else (offer_price_excl(offer) if offer else None)
        results.append(ActionResult(
            action, offer, round_div(action.staff_hundredths * budget.hourly_cost_cents, 100),
            ledger.by_offer.get(action.offer_id, 0) + action.other_revenue_cents,
            ledger.units_by_offer.get(action.offer_id, 0) if offer else None, price))
    return results


@dataclass(frozen=True)
class ActionInput:
    name: str
    category: str
    public_cap_permille: int | None
    offer_id: int | None
    staff_hundredths: int
    direct_costs_cents: int
    subsidy_cents: int
    other_revenue_cents: int
    price_cents: int | None


def add_action(db: Session, budget: Budget, data: ActionInput) -> BudgetAction:
    if data.category not in CATEGORIES:
        raise Invalid(_("Catégorie de mission inconnue."), field="category")
    if data.offer_id is not None:
        offer = db.get(Offer, data.offer_id)
        if offer is None or offer.cluster_id != budget.cluster_id:
            raise Invalid(_("Choisissez une offre du cluster."), field="offer_id")
    action = BudgetAction(budget_id=budget.id, name=data.name.strip()[:160], category=data.category,
                          public_cap_permille=data.public_cap_permille if data.category == "C" else None,
                          offer_id=data.offer_id, staff_hundredths=data.staff_hundredths,
                          direct_costs_cents=data.direct_costs_cents, subsidy_cents=data.subsidy_cents,
                          other_revenue_cents=data.other_revenue_cents, price_cents=data.price_cents)
    db.add(action)
    db.flush()
    return action


def delete_action(db: Session, action: BudgetAction) -> None:
    db.delete(action)
    db.flush()
