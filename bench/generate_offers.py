"""Bulk-insert synthetic catalogue offers for the benchmark (bench/catalogue.sh).

Usage: python bench/generate_offers.py [--count 2000] [--seed 42]

Reads MARKETPLACE_DATABASE_URL (the demo federation must already be loaded: the offers are spread
over its clusters). Every offer is public, published and on sale; titles and summaries are built
from French word lists, so a search such as `q=robotique` matches a subset (the count is printed).
Themes go to the `offertheme` table. Only SQLAlchemy Core bulk inserts: a few seconds for 2 000 rows;
then ANALYZE, so the planner sees the real table sizes from the first request.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import unicodedata
from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine, func, insert, select, text

from marketplace.catalogue.models import Offer, OfferTheme
from marketplace.clusters.models import Cluster

KINDS = ("service", "event_ticket", "stand", "sponsorship", "coworking", "shared_function", "collective_action")
DATED_KINDS = {"event_ticket", "stand", "sponsorship", "collective_action"}

# (French topic, English topic, theme)
TOPICS = [
    ("cybersécurité", "cybersecurity", "numérique"),
    ("robotique", "robotics", "industrie"),
    ("transition énergétique", "energy transition", "énergie"),
    ("export", "export", "international"),
    ("recrutement", "recruitment", "ressources humaines"),
    ("RSE", "CSR", "RSE"),
    ("intelligence artificielle", "artificial intelligence", "numérique"),
    ("achats", "purchasing", "achats"),
    ("qualité", "quality", "qualité"),
    ("logistique", "logistics", "logistique"),
    ("éco-conception", "eco-design", "environnement"),
    ("emballage durable", "sustainable packaging", "emballage"),
    ("financement de l'innovation", "innovation funding", "innovation"),
    ("lean management", "lean management", "industrie"),
    ("marchés publics", "public procurement", "marchés"),
    ("propriété industrielle", "intellectual property", "innovation"),
    ("impression 3D", "3D printing", "industrie"),
    ("cosmétique bio", "organic cosmetics", "cosmétique"),
]

FORMATS = {
    "service": [("Diagnostic", "Assessment"), ("Accompagnement", "Coaching"), ("Formation", "Training"),
                ("Audit", "Audit"), ("Atelier", "Workshop"), ("Conseil", "Consulting")],
    "event_ticket": [("Conférence", "Conference"), ("Webinaire", "Webinar"), ("Rencontre d'affaires", "Business meeting"),
                     ("Petit-déjeuner thématique", "Themed breakfast"), ("Visite d'usine", "Factory tour")],
    "stand": [("Stand exposant 6 m²", "6 m² exhibitor stand"), ("Stand exposant 9 m²", "9 m² exhibitor stand"),
              ("Stand exposant 12 m²", "12 m² exhibitor stand")],
    "sponsorship": [("Parrainage Bronze", "Bronze sponsorship"), ("Parrainage Argent", "Silver sponsorship"),
                    ("Parrainage Or", "Gold sponsorship")],
    "coworking": [("Pass coworking", "Coworking pass"), ("Bureau partagé", "Shared office"),
                  ("Poste nomade", "Hot desk")],
    "shared_function": [("Responsable mutualisé", "Shared manager"), ("Veille mutualisée", "Pooled monitoring"),
                        ("Service juridique partagé", "Shared legal service")],
    "collective_action": [("Pavillon collectif", "Collective pavilion"), ("Mission collective", "Collective mission"),
                          ("Programme collectif", "Collective programme")],
}

AUDIENCES = [("pour les PME industrielles", "for industrial SMEs"), ("pour les start-up", "for start-ups"),
             ("pour les ETI", "for mid-sized companies"), ("pour les sous-traitants", "for subcontractors"),
             ("pour les dirigeants", "for managers"), ("pour les équipes achats", "for purchasing teams")]
PLACES = ["Nantes", "Saint-Nazaire", "Bourg-en-Bresse", "Chartres", "Paris 2e", "Limoges", "Metz", "Lyon",
          "Bouguenais", "Villeurbanne", "Angers", "Rennes"]
BENEFITS = [("un plan d'action concret", "a concrete action plan"),
            ("des retours d'expérience d'adhérents", "members' lessons learned"),
            ("une mise en relation ciblée", "targeted introductions"),
            ("un suivi à trois mois", "a three-month follow-up"),
            ("des outils prêts à l'emploi", "ready-to-use tools")]
PRICE_STEPS = {"service": (15000, 600000), "event_ticket": (0, 30000), "stand": (90000, 450000),
               "sponsorship": (200000, 2500000), "coworking": (500, 30000), "shared_function": (60000, 900000),
               "collective_action": (40000, 300000)}


def _slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "-".join("".join(c if c.isalnum() else " " for c in ascii_text).split())[:60]


def build_offers(clusters: list[int], count: int, rng: random.Random, now: datetime) -> tuple[list[dict], list[list[str]]]:
    """The offer rows (every column filled, as Core inserts apply no model defaults) and their themes."""
    defaults = Offer(cluster_id=0, kind="service", slug="x", title_fr="x", title_en="x").model_dump(exclude={"id"})
    rows, themes = [], []
    for i in range(count):
        kind = KINDS[i % len(KINDS)] if i < len(KINDS) else rng.choice(KINDS)
        (fmt_fr, fmt_en), (topic_fr, topic_en, theme) = rng.choice(FORMATS[kind]), rng.choice(TOPICS)
        aud_fr, aud_en = rng.choice(AUDIENCES)
        ben_fr, ben_en = rng.choice(BENEFITS)
        other_fr, other_en, other_theme = rng.choice(TOPICS)
        title_fr = f"{fmt_fr} {topic_fr} {aud_fr}"
        title_en = f"{fmt_en}: {topic_en} {aud_en}"
        summary_fr = f"{fmt_fr} consacré(e) à {topic_fr} et {other_fr}, avec {ben_fr}."
        summary_en = f"{fmt_en} on {topic_en} and {other_en}, with {ben_en}."
        low, high = PRICE_STEPS[kind]
        price = rng.randrange(low, high + 1, 500) if high > low else low
        row = dict(defaults, cluster_id=rng.choice(clusters), kind=kind, slug=f"bench-{i:05d}-{_slugify(title_fr)}",
                   title_fr=title_fr[:200], title_en=title_en[:200], summary_fr=summary_fr[:300],
                   summary_en=summary_en[:300], description_fr=f"{summary_fr}\n\n{title_fr}.",
                   description_en=f"{summary_en}\n\n{title_en}.", visibility="public", is_published=True,
                   list_price_cents=price, created_at=now, location=rng.choice(PLACES))
        # member prices: a fixed price, a discount or nothing (never both: ck_offer_member_rule)
        rule = rng.random()
        if rule < 0.35:
            row["member_price_cents"] = (price * rng.choice((0, 50, 60, 70, 80))) // 100
        elif rule < 0.7:
            row["member_discount_bps"] = rng.choice((1000, 1500, 2000, 2500, 3000))
        if kind == "coworking":
            row["prices_include_vat"] = True
        if kind in DATED_KINDS or (kind == "service" and rng.random() < 0.3):
            start = (now + timedelta(days=rng.randint(7, 360))).replace(hour=rng.choice((9, 14)), minute=0,
                                                                          second=0, microsecond=0)
            row.update(starts_at=start, ends_at=start + timedelta(hours=rng.choice((3, 8, 32, 56))),
                       capacity=rng.choice((12, 20, 30, 50, 100, 300)))
            if rng.random() < 0.25:
                row.update(early_bird_until=start - timedelta(days=5), early_bird_discount_bps=1000)
        rows.append(row)
        themes.append(sorted({theme, other_theme} | ({rng.choice(TOPICS)[2]} if rng.random() < 0.3 else set())))
    return rows, themes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--probe", default="robotique", help="word whose matches are counted (service kind)")
    args = parser.parse_args(argv)
    url = os.environ.get("MARKETPLACE_DATABASE_URL")
    if not url:
        print("MARKETPLACE_DATABASE_URL is not set", file=sys.stderr)
        return 2
    engine = create_engine(url)
    offer, offer_theme = Offer.__table__, OfferTheme.__table__
    with engine.begin() as conn:
        clusters = list(conn.execute(select(Cluster.__table__.c.id).order_by(Cluster.__table__.c.id)).scalars())
        if not clusters:
            print("no cluster: run `marketplace load-demo` first", file=sys.stderr)
            return 2
        rows, themes = build_offers(clusters, args.count, random.Random(args.seed), datetime.now(UTC))
        ids = conn.execute(insert(offer).returning(offer.c.id, sort_by_parameter_order=True), rows).scalars().all()
        conn.execute(insert(offer_theme), [{"offer_id": oid, "theme": t} for oid, ts in zip(ids, themes, strict=True) for t in ts])
        total = conn.execute(select(func.count()).select_from(offer)).scalar_one()
        like = f"%{args.probe.lower()}%"
        probe = conn.execute(select(func.count()).select_from(offer).where(
            offer.c.kind == "service",
            func.lower(offer.c.title_fr).like(like) | func.lower(offer.c.summary_fr).like(like)
            | func.lower(offer.c.title_en).like(like) | func.lower(offer.c.summary_en).like(like))).scalar_one()
        theme_rows = conn.execute(select(func.count()).select_from(offer_theme)).scalar_one()
        conn.execute(text("ANALYZE"))  # planner statistics now, as a live database has them (autovacuum lags)
    engine.dispose()
    print(f"generated {len(ids)} offers over {len(clusters)} clusters; {total} offers, {theme_rows} theme rows "
          f"in the database; q={args.probe}&kind=service matches {probe}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
