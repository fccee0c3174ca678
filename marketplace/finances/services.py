"""A cluster's budget year: lines entered or imported, figures the ledger adds, ratios, alarms and history; and
the federation's side-by-side view."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func
from sqlmodel import Session, col, select

from ..catalogue.models import Offer
from ..clusters.models import Cluster
from ..core.errors import Invalid
from ..core.money import split_inclusive
from ..core.timeutil import utcnow
from ..memberships.documents import tier_codes
from ..memberships.models import Membership, MembershipTier
from .ledger_feed import LedgerFigures, ledger_year
from .models import SCENARIOS, Budget, BudgetLine
from .origins import BY_CODE
from .ratios import Figures, reconciles

FIRST_YEAR, LAST_YEAR = 1990, 2100
MAX_CENTS = 10_000_000_000  # 100 M€ for one line: far above any cluster's budget


@dataclass(frozen=True)
class IncludedCost:
    """Services a membership tier includes: free for the member, a real cost for the cluster."""

    tier: MembershipTier
    members: int
    value_per_member_cents: int

    @property
    def total_cents(self) -> int:
        return self.members * self.value_per_member_cents


@dataclass
class YearView:
    cluster: Cluster
    year: int
    budget: Budget | None
    entered: dict[str, dict[str, int]]  # scenario -> origin -> cents, as staff entered them
    ledger: LedgerFigures
    members: int | None
    included: list[IncludedCost] = field(default_factory=list)

    @property
    def forecast(self) -> Figures:
        return Figures(self.entered["forecast"])

    @property
    def actual(self) -> Figures:
        return actual_figures(self.entered["actual"], self.ledger)

    @property
    def entered_actual(self) -> bool:
        return any(self.entered["actual"].values())

    @property
    def judged(self) -> list[tuple[str, Figures]]:
        """The scenarios ratios and alarms are given for: those staff entered (the ledger alone knows only the
        marketplace's sales: its ratio would say 100 %)."""
        return [(scenario, figures) for scenario, figures in (("forecast", self.forecast), ("actual", self.actual))
                if any(self.entered[scenario].values())]

    @property
    def headline(self) -> Figures | None:
        """The figures the year is judged on: the voted budget, else what happened. None without a budget."""
        return self.judged[0][1] if self.judged else None

    @property
    def marketplace_cents(self) -> int:
        """Private resources the ledger recorded (sales through the marketplace)."""
        return sum(cents for code, cents in self.ledger.by_origin.items() if BY_CODE[code].group == "private")

    @property
    def declared_ratio(self) -> int | None:
        return self.budget.declared_ratio_permille if self.budget else None

    @property
    def reconciles(self) -> bool | None:
        return reconciles(self.declared_ratio, self.headline.gross_ratio if self.headline else None)

    @property
    def included_cents(self) -> int:
        return sum(row.total_cents for row in self.included)


def actual_figures(entered: Mapping[str, int], ledger: LedgerFigures) -> Figures:
    """What happened: amounts staff entered (sales outside the marketplace, funding, costs) plus the ledger's."""
    amounts = dict(entered)
    for code, cents in ledger.by_origin.items():
        amounts[code] = amounts.get(code, 0) + cents
    return Figures(amounts)


def get_budget(db: Session, cluster_id: int, year: int) -> Budget | None:
    return db.exec(select(Budget).where(Budget.cluster_id == cluster_id, Budget.year == year)).first()


def check_year(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Invalid(_("Année invalide : entre %(low)d et %(high)d.", low=FIRST_YEAR, high=LAST_YEAR), field="year")
    return year


def entered_lines(db: Session, budget_ids: list[int]) -> dict[int, dict[str, dict[str, int]]]:
    """Lines of several budgets: budget id -> scenario -> origin -> cents."""
    out: dict[int, dict[str, dict[str, int]]] = {i: {s: {} for s in SCENARIOS} for i in budget_ids}
    if budget_ids:
        for line in db.exec(select(BudgetLine).where(col(BudgetLine.budget_id).in_(budget_ids))):
            if line.origin in BY_CODE:
                out[line.budget_id][line.scenario][line.origin] = line.amount_cents
    return out


def counted_members(db: Session, cluster_id: int, year: int) -> int:
    """Active memberships of the cluster for the year, as the register knows them."""
    return db.exec(select(func.count()).select_from(Membership).where(
        Membership.cluster_id == cluster_id, Membership.year == year, Membership.status == "active")).one()


def included_costs(db: Session, cluster_id: int, year: int) -> list[IncludedCost]:
    """Per tier: its members of the year and the list value (excl. VAT) of the services it includes."""
    offers = db.exec(select(Offer).where(Offer.cluster_id == cluster_id, Offer.included_in_tiers != "")).all()
    if not offers:
        return []
    value: dict[str, int] = {}
    for offer in offers:
        excl = offer.list_price_cents
        if offer.prices_include_vat and offer.vat_rate_bps:
            excl = split_inclusive(excl, offer.vat_rate_bps)[0]
        for code in tier_codes(offer.included_in_tiers):
            value[code] = value.get(code, 0) + excl
    counts = dict(db.exec(select(Membership.tier_id, func.count()).where(
        Membership.cluster_id == cluster_id, Membership.year == year, Membership.status == "active")
        .group_by(Membership.tier_id)).all())
    tiers = db.exec(select(MembershipTier).where(MembershipTier.cluster_id == cluster_id)
                    .order_by(MembershipTier.code)).all()
    return [IncludedCost(tier, counts.get(tier.id, 0), value[tier.code]) for tier in tiers if tier.code in value]


def year_view(db: Session, cluster: Cluster, year: int) -> YearView:
    budget = get_budget(db, cluster.id, year)
    entered = entered_lines(db, [budget.id])[budget.id] if budget else {s: {} for s in SCENARIOS}
    members = budget.members if budget and budget.members is not None else \
        (counted_members(db, cluster.id, year) or None)
    return YearView(cluster, year, budget, entered, ledger_year(db, cluster.id, year), members,
                    included_costs(db, cluster.id, year))


@dataclass(frozen=True)
class HistoryPoint:
    year: int
    members: int | None
    total_cents: int | None
    computed: int | None  # gross ratio from the figures
    declared: int | None

    @property
    def ratio(self) -> int | None:
        """What the history shows: the ratio published, else the one computed."""
        return self.declared if self.declared is not None else self.computed

    @property
    def reconciles(self) -> bool | None:
        return reconciles(self.declared, self.computed)


def history(db: Session, cluster: Cluster) -> list[HistoryPoint]:
    """Every budget year of the cluster, oldest first."""
    budgets = list(db.exec(select(Budget).where(Budget.cluster_id == cluster.id).order_by(Budget.year)))
    lines = entered_lines(db, [b.id for b in budgets])
    points = []
    for budget in budgets:
        figures = Figures(lines[budget.id]["forecast"])
        if figures.is_empty:
            figures = Figures(lines[budget.id]["actual"])
        total = figures.resources or budget.declared_total_cents
        points.append(HistoryPoint(budget.year, budget.members, total, figures.gross_ratio,
                                   budget.declared_ratio_permille))
    return points


@dataclass(frozen=True)
class BudgetInput:
    """What the budget form (or an import) says of a year: amounts by scenario and origin, published figures."""

    amounts: Mapping[tuple[str, str], int | None]  # (scenario, origin) -> cents; None clears the line
    members: int | None = None
    declared_ratio_permille: int | None = None
    hourly_cost_cents: int = 0
    note: str = ""


def budget_for(db: Session, cluster: Cluster, year: int) -> Budget:
    """The cluster's budget of the year, created empty on first use."""
    budget = get_budget(db, cluster.id, check_year(year))
    if budget is None:
        budget = Budget(cluster_id=cluster.id, year=year)
        db.add(budget)
        db.flush()
    return budget


def set_lines(db: Session, budget: Budget, amounts: Mapping[tuple[str, str], int | None]) -> None:
    """Write the given lines (others untouched); an amount of None or 0 removes its line."""
    existing = {(line.scenario, line.origin): line
                for line in db.exec(select(BudgetLine).where(BudgetLine.budget_id == budget.id))}
    for (scenario, origin), cents in amounts.items():
        if scenario not in SCENARIOS or origin not in BY_CODE:
            raise Invalid(_("Ligne de budget inconnue : %(origin)s.", origin=origin))
        if cents is not None and not 0 <= cents <= MAX_CENTS:
            raise Invalid(_("Montant hors limites (de 0 à 100 000 000 €)."))
        line = existing.get((scenario, origin))
        if not cents:
            if line is not None:
                db.delete(line)
        elif line is None:
            db.add(BudgetLine(budget_id=budget.id, scenario=scenario, origin=origin, amount_cents=cents))
        else:
            line.amount_cents = cents
            db.add(line)
    budget.updated_at = utcnow()
    db.add(budget)
    db.flush()


def save_budget(db: Session, cluster: Cluster, year: int, data: BudgetInput) -> Budget:
    budget = budget_for(db, cluster, year)
    budget.members, budget.declared_ratio_permille = data.members, data.declared_ratio_permille
    budget.hourly_cost_cents, budget.note = data.hourly_cost_cents, data.note[:500]
    set_lines(db, budget, data.amounts)
    return budget


def federation_rows(db: Session, year: int) -> list[YearView]:
    """Every cluster's year side by side, by name (without the services memberships include)."""
    clusters = list(db.exec(select(Cluster).order_by(Cluster.name)))
    budgets = {b.cluster_id: b for b in db.exec(select(Budget).where(Budget.year == year))}
    lines = entered_lines(db, [b.id for b in budgets.values()])
    counts = dict(db.exec(select(Membership.cluster_id, func.count()).where(
        Membership.year == year, Membership.status == "active").group_by(Membership.cluster_id)).all())
    rows = []
    for cluster in clusters:
        budget = budgets.get(cluster.id)
        entered = lines[budget.id] if budget else {s: {} for s in SCENARIOS}
        members = budget.members if budget and budget.members is not None else counts.get(cluster.id)
        rows.append(YearView(cluster, year, budget, entered, ledger_year(db, cluster.id, year), members))
    return rows
