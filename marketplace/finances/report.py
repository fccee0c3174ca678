"""The board's annual report (PDF) and the finances pages' tables as CSV files, in frozen French."""

from __future__ import annotations

from ..core.money import decimal_comma, format_eur_fr
from ..core.spreadsheet import spreadsheet_csv
from ..invoicing.pdf import PdfDocument
from .actions import CATEGORY_WORDS, ActionResult
from .origins import GROUP_WORDS, ORIGINS, RESOURCE_GROUPS
from .ratios import TARGET
from .services import HistoryPoint, YearView

SCENARIO_WORDS = {"forecast": "Prévu", "actual": "Réalisé"}


def ratio_words(per_mille: int | None) -> str:
    if per_mille is None:
        return "—"
    return f"{per_mille // 10},{per_mille % 10} %"


def ratio_cell(per_mille: int | None) -> str:
    return "" if per_mille is None else f"{per_mille // 10},{per_mille % 10}"


def history_csv(points: list[HistoryPoint]) -> bytes:
    return spreadsheet_csv([
        ["annee", "adherents", "budget", "autofinancement_publie_pct", "autofinancement_calcule_pct", "concorde"],
        *([p.year, "" if p.members is None else p.members,
           "" if p.total_cents is None else decimal_comma(p.total_cents), ratio_cell(p.declared),
           ratio_cell(p.computed), {True: "oui", False: "non", None: ""}[p.reconciles]] for p in points)])


def federation_csv(rows: list[YearView], year: int) -> bytes:
    return spreadsheet_csv([
        ["cluster", "annee", "adherents", "budget_prevu", "autofinancement_brut_prevu_pct", "ressources_realisees",
         "autofinancement_brut_realise_pct", "recettes_place_de_marche"],
        *([row.cluster.name, year, "" if row.members is None else row.members, decimal_comma(row.forecast.resources),
           ratio_cell(row.forecast.gross_ratio), decimal_comma(row.actual.resources),
           ratio_cell(row.actual.gross_ratio if row.entered_actual else None), decimal_comma(row.marketplace_cents)] for row in rows)])


def actions_csv(results: list[ActionResult]) -> bytes:
    return spreadsheet_csv([
        ["action", "categorie", "heures", "cout_equipe", "couts_directs", "cout_total", "ventes", "subvention",
         "marge", "part_publique_pct", "plafond_pct", "plafond_depasse", "prix_participant", "point_mort_participants",
         "participants"],
        *([r.action.name, r.action.category, decimal_comma(r.action.staff_hundredths), decimal_comma(r.staff_cost_cents),
           decimal_comma(r.action.direct_costs_cents), decimal_comma(r.cost_cents), decimal_comma(r.sales_cents),
           decimal_comma(r.action.subsidy_cents), decimal_comma(r.margin_cents), ratio_cell(r.public_share),
           ratio_cell(r.cap), "oui" if r.over_cap else "non",
           "" if r.price_cents is None else decimal_comma(r.price_cents),
           "" if r.break_even is None else r.break_even, "" if r.participants is None else r.participants]
          for r in results)])


def annual_report(view: YearView, points: list[HistoryPoint], results: list[ActionResult], federation: str) -> bytes:
    """For the cluster's board (assemblée générale): resources by origin, ratios and history, alarms, actions."""
    pdf = PdfDocument()
    pdf.set_title(f"Rapport financier {view.year} — {view.cluster.name}")
    pdf.add_page()
    pdf.text_line(view.cluster.legal_name or view.cluster.name, 13, bold=True, height=7)
    pdf.text_line(f"Rapport financier {view.year} pour l'assemblée générale", 15, bold=True, height=8)
    pdf.text_line(f"Autofinancement, ressources par origine et résultats des actions · {federation}")
    pdf.ln(3)
    _figures_table(pdf, view)
    pdf.ln(3)
    _ratios(pdf, view)
    pdf.ln(3)
    _history(pdf, points)
    pdf.ln(3)
    _actions(pdf, results)
    if view.included:
        pdf.ln(3)
        pdf.text_line("Services inclus dans les cotisations (leur coût réel)", 11, bold=True, height=6)
        for row in view.included:
            pdf.text_line(f"{row.tier.name_fr} : {row.members} adhérent{'s' if row.members > 1 else ''} × "
                          f"{format_eur_fr(row.value_per_member_cents)}"
                          f" HT = {format_eur_fr(row.total_cents)}")
    return bytes(pdf.output())


def _figures_table(pdf: PdfDocument, view: YearView) -> None:
    pdf.text_line("Ressources et dépenses", 11, bold=True, height=6)
    widths = (92, 32, 32, 30)
    pdf.font(8, bold=True)
    for width, title in zip(widths, ("Origine", *SCENARIO_WORDS.values(), "dont grand livre"), strict=True):
        pdf.cell(width, 6, title, border="B", align="L" if title == "Origine" else "R")
    pdf.ln()
    forecast, actual, ledger = view.forecast, view.actual, view.ledger.by_origin
    for group in (*RESOURCE_GROUPS, "expense"):
        pdf.font(8, bold=True)
        pdf.cell(widths[0], 5, pdf.clean(GROUP_WORDS[group]))
        pdf.cell(widths[1], 5, pdf.clean(format_eur_fr(forecast.group(group))), align="R")
        pdf.cell(widths[2], 5, pdf.clean(format_eur_fr(actual.group(group))), align="R")
        pdf.ln()
        pdf.font(8)
        for origin in ORIGINS:
            values = (forecast.amounts.get(origin.code, 0), actual.amounts.get(origin.code, 0), ledger.get(origin.code, 0))
            if origin.group == group and any(values):
                pdf.cell(widths[0], 5, pdf.clean("   " + origin.words))
                for width, cents in zip(widths[1:], values, strict=True):
                    pdf.cell(width, 5, pdf.clean(format_eur_fr(cents) if cents else ""), align="R")
                pdf.ln()


def _ratios(pdf: PdfDocument, view: YearView) -> None:
    pdf.text_line("Autofinancement", 11, bold=True, height=6)
    if not view.judged:
        pdf.text_line("Aucun budget saisi pour l'année : le taux ne peut être calculé.")
    for scenario, figures in view.judged:
        pdf.text_line(f"{SCENARIO_WORDS[scenario]} : {ratio_words(figures.gross_ratio)} brut (temps valorisé compris), "
                      f"{ratio_words(figures.net_ratio)} net ; part publique {ratio_words(figures.public_share)} "
                      f"(objectif {ratio_words(TARGET)} / {ratio_words(1000 - TARGET)}).")
        if scenario == "forecast" and figures.expenses and not figures.balances:
            pdf.text_line(f"Budget déséquilibré : ressources {format_eur_fr(figures.resources)}, dépenses "
                          f"{format_eur_fr(figures.expenses)} (écart {format_eur_fr(figures.balance_cents)}).",
                          bold=True)
        for alarm, share in figures.alarms():
            pdf.text_line(f"Point de vigilance ({SCENARIO_WORDS[scenario].lower()}) — {alarm.words} "
                          f"({ratio_words(share)})")
    if view.declared_ratio is not None:
        agreement = "concorde avec les chiffres" if view.reconciles else "NON CONCILIABLE avec les chiffres"
        pdf.text_line(f"Taux publié : {ratio_words(view.declared_ratio)}, {agreement} "
                      f"({ratio_words(view.headline.gross_ratio if view.headline else None)} calculé).",
                      bold=not view.reconciles)


def _history(pdf: PdfDocument, points: list[HistoryPoint]) -> None:
    pdf.text_line("Historique (taux publié, sinon calculé ; trait : objectif de 50 %)", 11, bold=True, height=6)
    for point in points:
        flag = " — non conciliable" if point.reconciles is False else ""
        members = "" if point.members is None else f", {point.members} adhérents"
        total = "" if point.total_cents is None else f", budget {format_eur_fr(point.total_cents)}"
        pdf.font(8)
        pdf.cell(14, 5, str(point.year))
        x, y = pdf.get_x(), pdf.get_y() + 1
        pdf.set_fill_color(201, 42, 42) if point.reconciles is False else pdf.set_fill_color(43, 138, 62)
        pdf.rect(x, y, 50 * min(point.ratio or 0, 1000) / 1000, 3, style="F")
        pdf.set_draw_color(80, 80, 80)
        pdf.line(x + 50 * TARGET / 1000, y - 1, x + 50 * TARGET / 1000, y + 4)  # the 50 % target
        pdf.set_x(x + 53)
        pdf.multi_cell(0, 5, pdf.clean(f"{ratio_words(point.ratio)}{members}{total}{flag}"), new_x="LMARGIN",
                       new_y="NEXT")


def _actions(pdf: PdfDocument, results: list[ActionResult]) -> None:
    pdf.text_line("Résultats des actions", 11, bold=True, height=6)
    if not results:
        pdf.text_line("Aucune action suivie cette année.")
    for r in results:
        verdict = f"marge {format_eur_fr(r.margin_cents)}" if r.margin_cents >= 0 else \
            f"coût net {format_eur_fr(-r.margin_cents)}"
        pdf.text_line(f"{r.action.name} ({CATEGORY_WORDS[r.action.category]}) : coût {format_eur_fr(r.cost_cents)}, "
                      f"ventes {format_eur_fr(r.sales_cents)}, subvention {format_eur_fr(r.action.subsidy_cents)}, "
                      f"{verdict}" + (f" ; point mort à {r.break_even} participants" if r.break_even is not None else "")
                      + (f" ; part publique {ratio_words(r.public_share)} au-delà du plafond de {ratio_words(r.cap)}"
                         if r.over_cap else ""))
