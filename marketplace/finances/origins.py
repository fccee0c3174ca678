"""Where a cluster's money comes from and where it goes: the budget's lines, grouped as the seed groups them.

Resources are public (funders), private (what members and companies pay) or in kind (valued time);
expenses are what the cluster spends. Lines marked `ledger` are also known to the marketplace: their
actual figure adds what the ledger recorded to what staff entered for sales made outside it.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

PUBLIC, PRIVATE, IN_KIND, EXPENSE = "public", "private", "in_kind", "expense"
GROUPS = {PUBLIC: _l("Ressources publiques"), PRIVATE: _l("Ressources privées"), IN_KIND: _l("Contributions en nature"),
          EXPENSE: _l("Dépenses")}
GROUP_WORDS = {PUBLIC: "Ressources publiques", PRIVATE: "Ressources privées", IN_KIND: "Contributions en nature",
               EXPENSE: "Dépenses"}  # frozen French words for CSV files and the board's report


@dataclass(frozen=True)
class Origin:
    code: str
    group: str
    label: object  # lazy translation, for pages
    words: str  # frozen French, for files
    ledger: bool = False  # the marketplace's ledger feeds its actual figure
    sales: bool = False  # counts as invoiced sales (the seed's "what added value?")


ORIGINS = (
    Origin("eu", PUBLIC, _l("Fonds européens"), "Fonds européens"),
    Origin("state", PUBLIC, _l("État"), "État"),
    Origin("region", PUBLIC, _l("Région"), "Région"),
    Origin("department", PUBLIC, _l("Département"), "Département"),
    Origin("intercommunality", PUBLIC, _l("Intercommunalités et agglomérations"), "Intercommunalités et agglomérations"),
    Origin("chambers", PUBLIC, _l("Chambres consulaires"), "Chambres consulaires"),
    Origin("other_public", PUBLIC, _l("Autres recettes publiques"), "Autres recettes publiques"),
    Origin("membership_fees", PRIVATE, _l("Cotisations"), "Cotisations", ledger=True),
    Origin("services", PRIVATE, _l("Prestations"), "Prestations", ledger=True, sales=True),
    Origin("events", PRIVATE, _l("Événements"), "Événements", ledger=True, sales=True),
    Origin("sponsorship", PRIVATE, _l("Sponsoring et mécénat"), "Sponsoring et mécénat", ledger=True, sales=True),
    Origin("success_fees", PRIVATE, _l("Success fees"), "Success fees", ledger=True, sales=True),
    Origin("collective_actions", PRIVATE, _l("Participations aux actions collectives"),
           "Participations aux actions collectives", ledger=True, sales=True),
    Origin("pooled_costs_received", PRIVATE, _l("Coûts mutualisés refacturés"), "Coûts mutualisés refacturés",
           ledger=True, sales=True),
    Origin("rebates", PRIVATE, _l("Ristournes fournisseurs"), "Ristournes fournisseurs", ledger=True),
    Origin("other_private", PRIVATE, _l("Autres recettes privées"), "Autres recettes privées"),
    Origin("company_time", IN_KIND, _l("Temps des entreprises valorisé"), "Temps des entreprises valorisé"),
    Origin("staff_provided", IN_KIND, _l("Personnel mis à disposition"), "Personnel mis à disposition"),
    Origin("staff", EXPENSE, _l("Personnel"), "Personnel"),
    Origin("operations", EXPENSE, _l("Fonctionnement et animation"), "Fonctionnement et animation"),
    Origin("actions", EXPENSE, _l("Actions et programmes"), "Actions et programmes"),
    Origin("pooled_costs_paid", EXPENSE, _l("Coûts mutualisés payés"), "Coûts mutualisés payés", ledger=True),
    Origin("commissions", EXPENSE, _l("Commissions et frais de paiement"), "Commissions et frais de paiement",
           ledger=True),
    Origin("rebates_returned", EXPENSE, _l("Ristournes reversées aux membres"), "Ristournes reversées aux membres",
           ledger=True),
    Origin("in_kind_use", EXPENSE, _l("Emploi des contributions en nature"), "Emploi des contributions en nature"),
    Origin("other_expenses", EXPENSE, _l("Autres dépenses"), "Autres dépenses"),
)
BY_CODE = {origin.code: origin for origin in ORIGINS}
RESOURCE_GROUPS = (PUBLIC, PRIVATE, IN_KIND)

# What an offer of each kind brings in (a kind not listed is a service).
ORIGIN_OF_KIND = {"membership": "membership_fees", "event_ticket": "events", "stand": "events",
                  "sponsorship": "sponsorship", "patronage": "sponsorship", "collective_action": "collective_actions"}
# Ledger accounts (cluster side) read as a budget line: (origin, sign) where sign 1 reads credits - debits.
ACCOUNT_ORIGINS = {"708": ("pooled_costs_received", 1), "609": ("rebates", 1), "604": ("pooled_costs_paid", -1),
                   "622": ("commissions", -1), "627": ("commissions", -1), "709": ("rebates_returned", -1)}
REVENUE_ACCOUNTS = ("706", "7543")


def origin_of_kind(kind: str) -> str:
    return ORIGIN_OF_KIND.get(kind, "services")

