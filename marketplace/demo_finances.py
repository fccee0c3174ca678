"""The demo's budgets: the seed's 2013 budgets (Cosmetic Valley, Mecabourg, Neopolia, Cluster Eco-Énergies and
its 2010–2012 history) and this year's budgets of Atlanpack and Mecabourg, whose actual side the demo's ledger
feeds, with actions to follow (PLAB's collective action at one price, 75 % publicly funded)."""

from __future__ import annotations

from sqlmodel import Session, select

from .catalogue.models import Offer
from .clusters.models import Cluster
from .finances.actions import ActionInput, add_action
from .finances.models import BudgetAction
from .finances.services import budget_for, get_budget, set_lines

K = 100_000  # a thousand euros, in cents

# cluster: (members, published ratio per mille, forecast lines in k€)
SEED_2013 = {
    "cosmetic-valley": (290, 500, {
        "state": 200, "region": 250, "department": 267, "intercommunality": 282.5, "chambers": 30, "other_public": 60,
        "membership_fees": 200, "collective_actions": 319, "services": 53, "events": 403, "sponsorship": 40,
        "other_private": 65, "operations": 840.965, "actions": 1328.535}),
    "mecabourg": (60, 450, {
        "region": 50, "intercommunality": 50, "department": 60, "membership_fees": 95, "collective_actions": 35,
        "operations": 135, "actions": 155}),
    "neopolia": (170, 500, {
        "membership_fees": 380, "company_time": 250, "other_public": 597, "operations": 977, "in_kind_use": 250}),
    # The seed's table: 550 000 + 170 000 of resources against 620 000 of expenses, published as 35 %.
    "eco-energies": (220, 350, {"region": 550, "other_private": 170, "operations": 200, "actions": 420}),
}
# Cluster Eco-Énergies before 2013, kept as published: (year, budget k€, ratio per mille, members)
ECO_ENERGIES_HISTORY = [(2010, 560, 250, 170), (2011, 600, 250, 200), (2012, 550, 300, 210)]

# This year's forecast (k€) and what was entered as actual so far (public funding received, costs paid);
# the ledger adds the marketplace's sales, success fees, pooled costs, rebates and commissions.
THIS_YEAR = {
    "atlanpack": (55_00, {
        "forecast": {"region": 180, "department": 60, "intercommunality": 40, "membership_fees": 90, "events": 160,
                     "sponsorship": 60, "services": 20, "company_time": 30, "staff": 320, "operations": 80,
                     "actions": 240},
        "actual": {"region": 180, "department": 45, "membership_fees": 84, "company_time": 26, "staff": 290,
                   "operations": 71, "actions": 96}}),
    "mecabourg": (48_00, {
        "forecast": {"region": 50, "intercommunality": 50, "department": 60, "membership_fees": 105,
                     "collective_actions": 20, "services": 25, "rebates": 5, "operations": 140, "actions": 175},
        "actual": {"region": 50, "intercommunality": 50, "department": 30, "membership_fees": 98, "operations": 128,
                   "actions": 121}}),
    "plab": (50_00, {}),
}
# cluster, offer slug or None, name, category, cap ‰, staff hours, direct costs €, subsidy €, outside sales €
ACTIONS = [
    ("plab", "action-collective-salon-electronique", "Stand collectif au salon de l'électronique", "C", 750, 40,
     18_000, 15_000, 0),
    ("atlanpack", "vs-pack-stand-9m2", "VS Pack : salon biennal", "D", None, 600, 120_000, 0, 0),
    ("mecabourg", "achats-groupes-energie", "Achats groupés d'énergie", "D", None, 80, 1_500, 0, 0),
    ("mecabourg", None, "Mission collective Global Industrie", "C", 500, 60, 24_000, 18_000, 4_800),
]


def _cents(thousands: float) -> int:
    return round(thousands * K)


def load_demo_finances(db: Session, clusters: dict[str, Cluster], year: int) -> None:
    """Create the budgets and actions that are missing (a budget already there is left as staff changed it)."""
    for slug, (members, ratio, lines) in SEED_2013.items():
        _budget(db, clusters[slug], 2013, {("forecast", code): _cents(k) for code, k in lines.items()},
                members=members, declared_ratio_permille=ratio)
    for past, total, ratio, members in ECO_ENERGIES_HISTORY:
        _budget(db, clusters["eco-energies"], past, {}, members=members, declared_ratio_permille=ratio,
                declared_total_cents=total * K)
    for slug, (hourly, scenarios) in THIS_YEAR.items():
        _budget(db, clusters[slug], year, {(scenario, code): _cents(k) for scenario, lines in scenarios.items()
                                           for code, k in lines.items()}, hourly_cost_cents=hourly)
    for slug, offer_slug, name, category, cap, hours, costs, subsidy, outside in ACTIONS:
        budget = get_budget(db, clusters[slug].id, year)
        if db.exec(select(BudgetAction).where(BudgetAction.budget_id == budget.id, BudgetAction.name == name)).first():
            continue
        offer = db.exec(select(Offer).where(Offer.cluster_id == clusters[slug].id, Offer.slug == offer_slug)).first() \
            if offer_slug else None
        add_action(db, budget, ActionInput(name, category, cap, offer.id if offer else None, hours * 100,
                                           costs * 100, subsidy * 100, outside * 100, None if offer else 40_000))


def _budget(db: Session, cluster: Cluster, year: int, lines: dict, **published) -> None:
    if get_budget(db, cluster.id, year) is not None:
        return
    budget = budget_for(db, cluster, year)
    for name, value in published.items():
        setattr(budget, name, value)
    set_lines(db, budget, lines)
