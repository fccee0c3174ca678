"""The demo federation's offers: La Cantine's rooms and passes, VS Pack, pooled veille, training, actions."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import Session, select

from .catalogue.kinds import COLLECTIVE_ACTION, PATRONAGE, SERVICE, SHARED_FUNCTION
from .catalogue.models import Offer, OfferCoOwner, OfferTheme, OfferVariant
from .clusters.models import Cluster
from .events.kind import EVENT_TICKET, SPONSORSHIP, STAND
from .memberships.services import membership_offer
from .passes.kind import COWORKING
from .rooms.kind import ROOM
from .rooms.models import RoomRate

# La Cantine (Silicon Sentier), € excl. VAT; members get 30 % off. People bands of a slot never overlap.
CANTINE_RATES = [
    ("weekday", "full_day", 50, 100, 2400), ("saturday", "full_day", 50, 100, 3000),
    ("sunday", "full_day", 50, 100, 4000),
    ("weekday", "half_day", 51, 100, 1400), ("weekend", "half_day", 51, 100, 1800),
    ("weekday", "half_day", 20, 50, 1000), ("weekend", "half_day", 20, 50, 1500),
    ("any", "breakfast", 1, 20, 250), ("any", "meeting", 1, 20, 220),
    ("any", "evening", 51, 100, 1500), ("any", "evening", 21, 50, 800), ("any", "evening", 1, 20, 400),
]
# Mecabourg's meeting room, € excl. VAT, open to its partner clusters' members (reciprocity discount).
MECABOURG_RATES = [("weekday", "half_day", 1, 12, 180), ("weekday", "full_day", 1, 12, 300)]
ROOM_RATES = {"la-cantine-salle": CANTINE_RATES, "salle-reunion-mecabourg": MECABOURG_RATES}


def _at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def offers_for(year: int) -> list[dict]:
    """The demo offers, dated in the coming year so the agenda is never empty."""
    nxt = year + 1
    return [
        dict(cluster="silicon-sentier", slug="la-cantine-salle", kind=ROOM.code,
             title_fr="La Cantine : location de salle", title_en="La Cantine: room rental",
             summary_fr="Grand espace événementiel au cœur du Sentier, de 1 à 100 personnes.",
             summary_en="Event space in the heart of Paris, 1 to 100 people.",
             includes_fr="Vidéoprojecteur, sonorisation, wifi. Traiteur en supplément.",
             includes_en="Projector, sound system, wifi. Catering is extra.",
             location="La Cantine, Paris 2e", list_price_cents=22000, member_discount_bps=3000,
             room_quote_above=100, room_quote_minimum_cents=250000, themes=["numérique", "événementiel"]),
        dict(cluster="mecabourg", slug="salle-reunion-mecabourg", kind=ROOM.code,
             title_fr="Salle de réunion Mecabourg", title_en="Mecabourg meeting room",
             summary_fr="Salle de 12 places équipée pour la visioconférence, ouverte aux adhérents des clusters partenaires.",
             summary_en="A 12-seat room equipped for video calls, open to partner clusters' members.",
             includes_fr="Écran, visioconférence, café d'accueil.", includes_en="Screen, video conferencing, welcome coffee.",
             location="Bourg-en-Bresse", list_price_cents=18000, member_discount_bps=2000, visibility="partners",
             themes=["industrie"]),
        dict(cluster="silicon-sentier", slug="coworking", kind=COWORKING.code,
             title_fr="Coworking à La Cantine", title_en="Coworking at La Cantine",
             summary_fr="Poste de travail à la demi-journée, à la journée ou en carnet de 10.",
             summary_en="A desk by the half day, the day or in books of 10.",
             location="La Cantine, Paris 2e", list_price_cents=700, prices_include_vat=True,
             variants=[("half_day", "Demi-journée", "Half day", 700, 1), ("day", "Journée", "Day", 1000, 1),
                       ("book10_half", "Carnet de 10 demi-journées", "Book of 10 half days", 6300, 10),
                       ("book10_day", "Carnet de 10 journées", "Book of 10 days", 9000, 10)],
             capacity=40, themes=["numérique"]),
        dict(cluster="atlanpack", slug="vs-pack-visiteur", kind=EVENT_TICKET.code,
             title_fr=f"VS Pack {nxt} : billet visiteur", title_en=f"VS Pack {nxt}: visitor ticket",
             summary_fr="Le salon biennal de l'emballage : 3 jours, 3 000 visiteurs, 110 exposants.",
             summary_en="The biennial packaging trade show: 3 days, 3,000 visitors, 110 exhibitors.",
             starts_at=_at(date(nxt, 3, 16)), ends_at=_at(date(nxt, 3, 18), 18), location="Parc des expositions, Nantes",
             list_price_cents=4500, member_price_cents=0, capacity=3000, coowners=[("neopolia", 2000)],
             themes=["emballage", "salon"]),
        dict(cluster="atlanpack", slug="vs-pack-stand-9m2", kind=STAND.code,
             title_fr=f"VS Pack {nxt} : stand exposant 9 m²", title_en=f"VS Pack {nxt}: 9 m² exhibitor stand",
             summary_fr="Stand équipé (cloisons, enseigne, mobilier, électricité) pour les 3 jours.",
             summary_en="Equipped stand (walls, sign, furniture, power) for the 3 days.",
             starts_at=_at(date(nxt, 3, 16)), ends_at=_at(date(nxt, 3, 18), 18), location="Parc des expositions, Nantes",
             list_price_cents=290000, member_discount_bps=2000, capacity=110, coowners=[("neopolia", 2000)],
             early_bird_until=_at(date(nxt, 1, 15)), early_bird_discount_bps=1000,
             themes=["emballage", "salon"]),
        dict(cluster="atlanpack", slug="vs-pack-parrainage-or", kind=SPONSORSHIP.code,
             title_fr=f"VS Pack {nxt} : parrainage Or", title_en=f"VS Pack {nxt}: Gold sponsorship",
             summary_fr="Logo sur tous les supports, stand de 18 m², prise de parole en plénière.",
             summary_en="Logo on every medium, 18 m² stand, a plenary talk.",
             starts_at=_at(date(nxt, 3, 16)), location="Parc des expositions, Nantes",
             list_price_cents=1500000, capacity=2, themes=["emballage", "salon", "parrainage"]),
        dict(cluster="emc2", slug="veille-composites", kind=SHARED_FUNCTION.code,
             title_fr="Veille marchés composites (abonnement annuel)",
             title_en="Composites market monitoring (yearly subscription)",
             summary_fr="Veille mutualisée par EMC2, Neopolia et Atlanpack : 12 bulletins et 4 notes d'analyse.",
             summary_en="Monitoring pooled by EMC2, Neopolia and Atlanpack: 12 bulletins and 4 analysis notes.",
             list_price_cents=120000, member_price_cents=45000, included_in_tiers="classic-1000,classic-5000",
             coowners=[("neopolia", 3000), ("atlanpack", 2000)], themes=["veille", "composites"]),
        dict(cluster="neopolia", slug="accompagnement-appels-offres", kind=SERVICE.code,
             title_fr="Accompagnement aux appels d'offres", title_en="Tender response support",
             summary_fr="Repérage des marchés, montage du groupement et relecture de l'offre ; "
                        "forfait plus 1 % du marché remporté (success fee plafonnée).",
             summary_en="Tender watch, consortium building and review of the bid; "
                        "a fixed fee plus 1% of the contract won (capped success fee).",
             list_price_cents=250000, member_price_cents=150000, themes=["marchés", "industrie"]),
        dict(cluster="emc2", slug="formation-lean", kind=SERVICE.code,
             title_fr=f"Formation lean manufacturing ({nxt})", title_en=f"Lean manufacturing training ({nxt})",
             summary_fr="Deux jours pour les responsables de production, en inter-entreprises.",
             summary_en="Two days for production managers, inter-company session.",
             starts_at=_at(date(nxt, 2, 9)), location="Technocampus, Bouguenais", list_price_cents=95000,
             member_price_cents=69000, capacity=12, discovery_scope=False, themes=["formation", "industrie"]),
        dict(cluster="soliage", slug="coaching-innovation", kind=SERVICE.code,
             title_fr="Accompagnement innovation (5 jours)", title_en="Innovation coaching (5 days)",
             summary_fr="Du concept au prototype : l'accompagnement des lauréats de la Bourse Charles Foix.",
             summary_en="From concept to prototype: the coaching given to Charles Foix prize winners.",
             list_price_cents=500000, member_discount_bps=2500, themes=["innovation", "silver économie"]),
        dict(cluster="soliage", slug="mecenat-bourse-charles-foix", kind=PATRONAGE.code,
             title_fr="Mécénat de la Bourse Charles Foix", title_en="Patronage of the Charles Foix prize",
             summary_fr="Un don pour le prix de l'innovation au service du bien vieillir : reçu fiscal de mécénat.",
             summary_en="A gift to the innovation prize for healthy ageing: a patronage tax receipt.",
             list_price_cents=500000, vat_rate_bps=None, vat_exempt_mention="Don hors champ de la TVA (mécénat)",
             themes=["innovation", "mécénat"]),
        dict(cluster="plab", slug="action-collective-salon-electronique", kind=COLLECTIVE_ACTION.code,
             title_fr=f"Pavillon collectif PLAB au salon de l'électronique {nxt}",
             title_en=f"PLAB collective pavilion at the {nxt} electronics show",
             summary_fr="Réservé aux adhérents de l'année, même prix pour tous, subvention régionale déduite (75 %).",
             summary_en="Current members only, same price for all, regional subsidy (75%) deducted.",
             starts_at=_at(date(nxt, 4, 7)), location="Paris Nord Villepinte", list_price_cents=120000,
             members_only=True, capacity=8, themes=["électronique", "salon", "action collective"]),
        dict(cluster="mecabourg", slug="achats-groupes-energie", kind=SERVICE.code,
             title_fr="Achats groupés d'énergie", title_en="Group purchasing of energy",
             summary_fr="Adhésion au groupement d'achat ; remise de fin d'année reversée au prorata du chiffre d'affaires.",
             summary_en="Join the purchasing group; a year-end rebate is paid back pro rata of turnover.",
             list_price_cents=15000, member_price_cents=0, themes=["achats", "énergie"]),
        dict(cluster="cosmetic-valley", slug="veille-reglementaire", kind=SERVICE.code,
             title_fr="Veille réglementaire cosmétique", title_en="Cosmetics regulatory monitoring",
             summary_fr="Bulletin mensuel sur la réglementation européenne des cosmétiques.",
             summary_en="Monthly bulletin on EU cosmetics regulation.",
             list_price_cents=90000, member_discount_bps=4000, themes=["veille", "réglementaire"]),
        dict(cluster="eco-energies", slug="visite-batiment-passif", kind=EVENT_TICKET.code,
             title_fr="Visite d'un bâtiment passif", title_en="Tour of a passive building",
             summary_fr="Demi-journée de visite technique et d'échanges entre adhérents.",
             summary_en="Half-day technical tour and exchange between members.",
             starts_at=_at(date(nxt, 1, 21), 14), location="Villeurbanne", list_price_cents=3000,
             member_price_cents=0, capacity=30, visibility="partners", themes=["bâtiment", "énergie"]),
    ]


def load_demo_offers(db: Session, clusters: dict[str, Cluster], year: int) -> int:
    """Create the missing demo offers (by cluster and slug); existing ones are left as they are."""
    created = 0
    for data in offers_for(year):
        data = dict(data)
        cluster = clusters[data.pop("cluster")]
        if db.exec(select(Offer).where(Offer.cluster_id == cluster.id, Offer.slug == data["slug"])).first():
            continue
        variants = data.pop("variants", [])
        themes = data.pop("themes", [])
        coowners = data.pop("coowners", [])
        offer = Offer(cluster_id=cluster.id, **data)
        db.add(offer)
        db.flush()
        created += 1
        for position, (code, fr, en, price, units) in enumerate(variants):
            db.add(OfferVariant(offer_id=offer.id, code=code, label_fr=fr, label_en=en, list_price_cents=price,
                                units=units, position=position))
        for theme in themes:
            db.add(OfferTheme(offer_id=offer.id, theme=theme))
        for slug, share in coowners:
            db.add(OfferCoOwner(offer_id=offer.id, cluster_id=clusters[slug].id, share_bps=share))
        for day, slot, low, high, euros in ROOM_RATES.get(data["slug"], []):
            db.add(RoomRate(offer_id=offer.id, day_type=day, slot=slot, min_people=low, max_people=high,
                            list_price_cents=euros * 100))
    for cluster in clusters.values():
        membership_offer(db, cluster)  # every cluster's join page
    db.flush()
    return created
