"""The demo federation: nine real clusters with their published fee grids, staff, members, partnerships.

Fee figures come from the France Clusters guide "Les modèles économiques des clusters". Where the
guide gives only a range or a few points of a grid, the bands in between are illustrative (marked
`published=False` below; Silicon Sentier's turnover bands are all illustrative: the guide only says its
company fees follow turnover). SIRET, VAT numbers and IBANs are fictitious but valid (checksums hold).
Loading is idempotent: every record is found by its natural key and created only when missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from sqlmodel import Session, select

from .auth.models import StaffRole, User
from .auth.services import grant_staff_role, hash_password
from .clusters.models import Cluster, Organization, Partnership
from .memberships.models import Membership, MembershipTier

DEMO_PASSWORD = "demo-clusters-2026"
ADMIN_EMAIL = "admin@federation-clusters.fr"


@dataclass(frozen=True)
class Tier:
    code: str
    name_fr: str
    name_en: str
    fee_euros: int
    min_headcount: int = 0
    max_headcount: int | None = None
    category: str = "classic"
    max_years: int | None = None
    description_fr: str = ""
    basis: str = "headcount"
    min_turnover_euros: int = 0
    max_turnover_euros: int | None = None


def _grid(*bands: tuple[int, int | None, int, bool]) -> list[Tier]:
    """Classic headcount bands: (min, max, fee in euros, published in the guide or illustrative)."""
    tiers = []
    for low, high, fee, _published in bands:
        label = f"{low} à {high} salariés" if high is not None else f"{low} salariés et plus"
        label_en = f"{low} to {high} employees" if high is not None else f"{low} employees and more"
        if low == 0:
            label, label_en = f"moins de {high + 1} salariés", f"under {high + 1} employees"
        tiers.append(Tier(f"classic-{low}", f"Adhésion {label}", f"Membership, {label_en}", fee, low, high))
    return tiers


CLUSTERS: list[dict] = [
    dict(slug="neopolia", name="Neopolia", legal_name="Association Neopolia", city="Saint-Nazaire",
         region="Pays de la Loire", sector="Sous-traitance industrielle (naval, aéronautique, énergies marines)",
         staff_fte=10, siret="41230000600019", vat_number="FR68412300006", iban="FR7630004000010000001234558",
         description_fr="Réseau de 200 entreprises industrielles ligériennes qui répondent ensemble aux grands "
                        "marchés. Commission d'environ 1 % du chiffre d'affaires généré pour les membres.",
         description_en="Network of 200 industrial companies of the Loire region answering large tenders together.",
         tiers=[Tier("basic", "Cotisation basique", "Basic membership", 500, category="basic"),
                Tier("sector", "Ticket d'entrée filière", "Sector entry ticket", 1500, category="sector",
                     description_fr="Accès aux appels d'offres de deux des cinq marchés.")]),
    dict(slug="mecabourg", name="Mecabourg", legal_name="Mecabourg Cluster", city="Bourg-en-Bresse",
         region="Auvergne-Rhône-Alpes", sector="Mécanique et sous-traitance industrielle de l'Ain", staff_fte=2,
         siret="41237919000017", vat_number="FR67412379190", iban="FR7630004000020000001234640",
         description_fr="60 entreprises mécaniciennes de l'Ain. Cotisation indexée sur l'effectif, "
                        "actions collectives et achats groupés avec remise de fin d'année.",
         description_en="60 mechanical engineering companies of the Ain; fee indexed on headcount.",
         tiers=_grid((0, 4, 695, True), (5, 10, 995, False), (11, 20, 1295, False), (21, 30, 1595, False),
                     (31, 40, 1893, True), (41, 100, 2990, False), (101, 250, 4490, False),
                     (251, 1000, 6990, False), (1001, None, 9698, True))),
    dict(slug="cosmetic-valley", name="Cosmetic Valley", legal_name="Association Cosmetic Valley",
         city="Chartres", region="Centre-Val de Loire", sector="Parfumerie et cosmétique", staff_fte=8,
         siret="41245838200014", vat_number="FR90412458382", iban="FR7630004000030000001234722",
         description_fr="Pôle de compétitivité de la parfumerie-cosmétique : 290 membres, dont 80 % de PME.",
         description_en="Competitiveness cluster of perfume and cosmetics: 290 members, 80% SMEs.",
         tiers=_grid((0, 9, 300, True), (10, 49, 900, False), (50, 249, 1800, False), (250, None, 3500, True))),
    dict(slug="silicon-sentier", name="Silicon Sentier", legal_name="Association Silicon Sentier",
         city="Paris", region="Île-de-France", sector="Innovation numérique", staff_fte=17,
         siret="41253757300013", vat_number="FR13412537573", iban="FR7630004000040000001234804",
         description_fr="Association des entreprises innovantes du numérique, gestionnaire de La Cantine : "
                        "450 événements par an, 18 000 visiteurs.",
         description_en="Association of innovative digital companies, running La Cantine: 450 events a year.",
         tiers=[Tier("individual", "Adhésion individuelle", "Individual membership", 10, category="individual",
                     description_fr="Pour les personnes physiques : programme des événements et tarif adhérent "
                                    "à La Cantine."),
                *[Tier(code, f"Entreprise, {label}", f"Company, {label_en}", fee, basis="turnover",
                       min_turnover_euros=low, max_turnover_euros=high)
                  for code, label, label_en, low, high, fee in (
                      ("ca-1m", "CA jusqu'à 1 M€", "turnover up to €1M", 0, 999_999, 150),
                      ("ca-10m", "CA de 1 à 10 M€", "turnover €1M to €10M", 1_000_000, 9_999_999, 600),
                      ("ca-plus", "CA de 10 M€ et plus", "turnover €10M and more", 10_000_000, None, 1500))]]),
    dict(slug="atlanpack", name="Atlanpack", legal_name="Association Atlanpack", city="Nantes",
         region="Pays de la Loire", sector="Emballage et conditionnement", staff_fte=4,
         siret="41261676500019", vat_number="FR36412616765", iban="FR7630004000050000001234983",
         description_fr="Cluster de l'emballage du Grand Ouest, organisateur du salon biennal VS Pack "
                        "(3 jours, 3 000 visiteurs, 110 exposants).",
         description_en="Packaging cluster of western France, organiser of the VS Pack trade show.",
         tiers=_grid((0, 49, 500, True), (50, 249, 750, False), (250, None, 1000, True))),
    dict(slug="soliage", name="Soliage", legal_name="Association Soliage", city="Limoges",
         region="Nouvelle-Aquitaine", sector="Silver économie et autonomie", staff_fte=3,
         siret="41269595900012", vat_number="FR65412695959", iban="FR7630004000060000001235065",
         description_fr="Cluster de l'innovation pour le bien vieillir ; pilote de la Bourse Charles Foix "
                        "(15 k€ + 5 k€ d'accompagnement + 2 ans d'adhésion offerts).",
         description_en="Cluster of innovation for healthy ageing; runs the Charles Foix prize.",
         tiers=_grid((0, 9, 250, True), (10, 49, 700, False), (50, 249, 1200, False), (250, None, 2000, True))),
    dict(slug="plab", name="PLAB", legal_name="PLAB - Pôle Lorrain d'Affaires et de Business", city="Metz",
         region="Grand Est", sector="Électronique et sous-traitance", staff_fte=3,
         siret="41277514000012", vat_number="FR55412775140", iban="FR7630004000070000001235147",
         description_fr="Actions collectives réservées aux membres de l'année, au même prix pour tous, "
                        "subvention déduite, avec une comptabilité analytique par action.",
         description_en="Collective actions for current members, same price for all, subsidy deducted.",
         tiers=_grid((0, 9, 130, True), (10, 49, 350, False), (50, 249, 550, False), (250, None, 770, True))),
    dict(slug="emc2", name="EMC2", legal_name="Pôle de compétitivité EMC2", city="Nantes",
         region="Pays de la Loire", sector="Technologies avancées de production", staff_fte=15,
         siret="41285433300017", vat_number="FR81412854333", iban="FR7630004000080000001235229",
         description_fr="Pôle de compétitivité des technologies avancées de production. Politique de "
                        "cotisation 2014 : partenaire, découverte et classique.",
         description_en="Competitiveness cluster of advanced manufacturing; 2014 fee policy.",
         tiers=[Tier("partner", "Cotisation partenaire", "Partner membership", 550, category="partner",
                     description_fr="Prestataires utiles dans l'écosystème du pôle."),
                Tier("discovery", "Cotisation découverte", "Discovery membership", 190, category="discovery",
                     max_years=1, description_fr="Valable un an au maximum, gamme de services restreinte."),
                *_grid((0, 19, 190, True), (20, 49, 590, False), (50, 999, 1490, False),
                       (1000, 4999, 3490, False), (5000, None, 5990, True))]),
    dict(slug="eco-energies", name="Cluster Eco-Énergies", legal_name="Cluster Rhône-Alpes Eco-Énergies",
         city="Lyon", region="Auvergne-Rhône-Alpes", sector="Efficacité énergétique du bâtiment", staff_fte=3,
         siret="41293352500013", vat_number="FR07412933525", iban="FR7630004000090000001235311",
         description_fr="220 membres de l'éco-construction et de l'efficacité énergétique ; "
                        "35 % d'autofinancement en 2013.",
         description_en="220 members in eco-building and energy efficiency.",
         tiers=_grid((0, 9, 150, True), (10, 49, 600, False), (50, 249, 1200, False), (250, None, 2400, True))),
]

# (cluster, cluster, reciprocity discount %, share of the first cluster on joint sales %)
PARTNERSHIPS = [
    ("neopolia", "emc2", 15, 50),
    ("atlanpack", "neopolia", 10, 60, 300),  # the platform keeps 3 % of their co-produced trade show
    ("cosmetic-valley", "atlanpack", 10, 50),
    ("silicon-sentier", "cosmetic-valley", 20, 50),
    ("mecabourg", "eco-energies", 10, 50),
    ("emc2", "atlanpack", 10, 50),  # with Neopolia: the three clusters pooling the composites veille
]

ORGANIZATIONS = [
    # name, kind, siret, vat, headcount, city, contact email[, yearly turnover in euros]
    ("Chantiers Navals de l'Estuaire", "company", "41309190100012", "FR29413091901", 850, "Saint-Nazaire",
     "achats@chantiers-estuaire.fr"),
    ("Usinage Bressan", "company", "41317109100015", "FR46413171091", 35, "Bourg-en-Bresse",
     "contact@usinage-bressan.fr"),
    ("Décolletage de l'Ain", "company", "41325028300012", "FR69413250283", 3, "Oyonnax", "direction@decolletage-ain.fr"),
    ("Laboratoires Lumière de Loire", "company", "41332947500011", "FR92413329475", 120, "Orléans",
     "rd@lumiere-loire.fr"),
    ("Flacons & Cie", "company", "41340866700017", "FR18413408667", 45, "Nantes", "commercial@flacons-cie.fr"),
    ("Studio Pixel Sentier", "company", "41348785100011", "FR17413487851", 8, "Paris", "hello@pixel-sentier.fr",
     650_000),
    ("Domotique Seniors", "company", "41356704100012", "FR34413567041", 12, "Limoges", "contact@domotique-seniors.fr"),
    ("Cartes Électroniques de Lorraine", "company", "41364623300010", "FR57413646233", 60, "Metz",
     "achats@cel-lorraine.fr"),
    ("Composites Atlantique", "company", "41372542500016", "FR80413725425", 1200, "Bouguenais",
     "innovation@composites-atlantique.fr"),
    ("Cabinet Veille & Marchés", "service_provider", "41380461800010", "FR09413804618", 6, "Nantes",
     "contact@veille-marches.fr"),
    ("Isolation Rhône Habitat", "company", "41388380200014", "FR08413883802", 25, "Villeurbanne",
     "contact@isolation-rhone.fr"),
    ("Camille Martin", "individual", None, None, 0, "Paris", "camille.martin@exemple.fr"),
]

# organization index, cluster, tier code, year offset (0 = this year), status
MEMBERSHIPS = [
    (0, "neopolia", "sector", 0, "active"),
    (0, "emc2", "classic-50", 0, "active"),
    (1, "mecabourg", "classic-31", 0, "active"),
    (1, "mecabourg", "classic-31", -1, "expired"),
    (2, "mecabourg", "classic-0", 0, "active"),
    (3, "cosmetic-valley", "classic-50", 0, "active"),
    (4, "atlanpack", "classic-0", 0, "active"),
    (4, "cosmetic-valley", "classic-10", 0, "pending"),
    (5, "silicon-sentier", "ca-1m", 0, "active"),
    (6, "soliage", "classic-10", 0, "active"),
    (7, "plab", "classic-50", 0, "active"),
    (7, "plab", "classic-50", -1, "expired"),
    (8, "emc2", "classic-1000", 0, "active"),
    (8, "neopolia", "basic", 0, "excluded"),
    (9, "emc2", "partner", 0, "active"),
    (9, "atlanpack", "classic-0", -1, "expired"),
    (10, "eco-energies", "classic-10", 0, "active"),
    (10, "emc2", "discovery", 0, "active"),
    (11, "silicon-sentier", "individual", 0, "active"),
]

# email, name, cluster, role
STAFF = [
    ("direction@neopolia.fr", "Direction Neopolia", "neopolia", "admin"),
    ("animation@mecabourg.fr", "Animation Mecabourg", "mecabourg", "admin"),
    ("equipe@cosmetic-valley.fr", "Équipe Cosmetic Valley", "cosmetic-valley", "admin"),
    ("lacantine@silicon-sentier.fr", "La Cantine", "silicon-sentier", "admin"),
    ("salon@atlanpack.fr", "Équipe VS Pack", "atlanpack", "admin"),
    ("coordination@soliage.fr", "Coordination Soliage", "soliage", "admin"),
    ("actions@plab.fr", "Actions collectives PLAB", "plab", "admin"),
    ("adherents@emc2.fr", "Service adhérents EMC2", "emc2", "admin"),
    ("gestion@emc2.fr", "Gestion EMC2", "emc2", "manager"),
    ("contact@eco-energies.fr", "Cluster Eco-Énergies", "eco-energies", "admin"),
]


def _get_or_create(db: Session, model, lookup: dict, **values):
    """Find a record by `lookup`, or create it with `values`; existing records are left as they are."""
    query = select(model)
    for field, value in lookup.items():
        query = query.where(getattr(model, field) == value)
    record = db.exec(query).first()
    if record is None:
        record = model(**lookup, **values)
        db.add(record)
        db.flush()
    return record


@lru_cache(maxsize=1)
def _demo_password_hash() -> str:
    return hash_password(DEMO_PASSWORD)


def _user(db: Session, email: str, **values) -> User:
    """The demo user with this email, created with the demo password (hashed once for all)."""
    user = db.exec(select(User).where(User.email == email)).first()
    if user is None:
        user = User(email=email, password_hash=_demo_password_hash(), **values)
        db.add(user)
        db.flush()
    return user


def load_demo(db: Session, today: date | None = None, with_money: bool = True,
              hold_minutes: int = 30) -> dict[str, int]:
    """Create whatever part of the demo federation is missing; returns counts of what exists."""
    year = (today or date.today()).year
    clusters: dict[str, Cluster] = {}
    for data in CLUSTERS:
        fields = {k: v for k, v in data.items() if k not in ("slug", "tiers")}
        cluster = _get_or_create(db, Cluster, {"slug": data["slug"]}, **fields)
        clusters[cluster.slug] = cluster
        for position, tier in enumerate(data["tiers"]):
            _get_or_create(
                db, MembershipTier, {"cluster_id": cluster.id, "code": tier.code},
                category=tier.category, name_fr=tier.name_fr, name_en=tier.name_en,
                min_headcount=tier.min_headcount, max_headcount=tier.max_headcount,
                fee_cents=tier.fee_euros * 100, max_years=tier.max_years, basis=tier.basis,
                min_turnover_euros=tier.min_turnover_euros, max_turnover_euros=tier.max_turnover_euros,
                description_fr=tier.description_fr, position=position)
    for a, b, discount, share_a, *fee in PARTNERSHIPS:
        first, second = sorted((clusters[a], clusters[b]), key=lambda c: c.id)
        share_first = share_a if first.slug == a else 100 - share_a
        _get_or_create(db, Partnership, {"cluster_a_id": first.id, "cluster_b_id": second.id},
                       reciprocity_discount_bps=discount * 100, share_a_bps=share_first * 100,
                       share_b_bps=(100 - share_first) * 100, platform_fee_bps=fee[0] if fee else None)
    organizations = []
    for name, kind, siret, vat, headcount, city, email, *turnover in ORGANIZATIONS:
        lookup = {"siret": siret} if siret else {"name": name}
        values = {"name": name} if siret else {}
        organization = _get_or_create(db, Organization, lookup, kind=kind, vat_number=vat, headcount=headcount,
                                      city=city, email=email, turnover_euros=turnover[0] if turnover else None,
                                      **values)
        organizations.append(organization)
        _user(db, email, full_name=name, organization_id=organization.id)
    for index, slug, tier_code, offset, status in MEMBERSHIPS:
        tier = db.exec(select(MembershipTier).where(MembershipTier.cluster_id == clusters[slug].id,
                                                    MembershipTier.code == tier_code)).one()
        _get_or_create(db, Membership, {"organization_id": organizations[index].id,
                                        "cluster_id": clusters[slug].id, "year": year + offset},
                       tier_id=tier.id, status=status, fee_cents=tier.fee_cents)
    admin = _user(db, ADMIN_EMAIL, full_name="Administration de la fédération", is_platform_admin=True)
    for email, name, slug, role in STAFF:
        user = _user(db, email, full_name=name)
        if not db.exec(select(StaffRole).where(StaffRole.user_id == user.id,
                                               StaffRole.cluster_id == clusters[slug].id)).first():
            grant_staff_role(db, user, clusters[slug].id, role)
    from .demo_offers import load_demo_offers

    load_demo_offers(db, clusters, year)
    from .demo_events import load_demo_events

    load_demo_events(db, clusters, year, today or date.today())
    db.flush()
    if with_money:
        from .demo_money import load_demo_money

        load_demo_money(db, clusters, admin.id, today or date.today(), hold_minutes)
        from .demo_members import load_demo_passes, load_demo_renewals

        load_demo_renewals(db, clusters, admin.id, today or date.today())
        load_demo_passes(db, clusters, today or date.today())
        from .demo_rooms import load_demo_rooms

        load_demo_rooms(db, clusters, today or date.today())
        db.flush()
    from .demo_finances import load_demo_finances

    load_demo_finances(db, clusters, year)
    db.flush()
    return {"clusters": len(clusters), "organizations": len(organizations), "admin": admin.id}


def demo_logins() -> list[tuple[str, str]]:
    """(email, what the account shows) for the demo's welcome message."""
    logins = [(ADMIN_EMAIL, "administration de la fédération")]
    names = {cluster["slug"]: cluster["name"] for cluster in CLUSTERS}
    roles = {"admin": "administration", "manager": "gestion"}
    logins += [(email, f"équipe de {names[slug]} ({roles[role]})") for email, _name, slug, role in STAFF[:3]]
    logins += [(ORGANIZATIONS[i][6], f"membre {ORGANIZATIONS[i][0]}") for i in (1, 9)]
    return logins
