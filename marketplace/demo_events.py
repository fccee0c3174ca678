"""The demo's events: VS Pack (Atlanpack with Neopolia, three days, visitor passes sharing the show's
capacity, 110 stands of three sizes, three sponsorship packages), a free Silicon Sentier meetup, and an EMC2
congress with an early-bird price."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from .catalogue.models import Offer, OfferCoOwner
from .clusters.models import Cluster
from .events.invitations import create_invitation
from .events.kind import EVENT_TICKET, SPONSORSHIP, STAND
from .events.models import Event, SponsorPackage
from .events.services import EventInput, attach_offer, change_status, save_event, set_days

PARIS = ZoneInfo("Europe/Paris")


def _at(day: date, hour: int = 9) -> datetime:
    """A Paris wall-clock hour of a day, as the aware UTC moment stored."""
    return datetime.combine(day, time(hour), tzinfo=PARIS).astimezone(UTC)


def _events(year: int, today: date) -> list[dict]:
    nxt = year + 1
    meetup = today + timedelta(days=(3 - today.weekday()) % 7 + 14)  # a Thursday in two to three weeks
    show = [date(nxt, 3, 16) + timedelta(days=n) for n in range(3)]
    return [
        dict(cluster="atlanpack", slug=f"vs-pack-{nxt}", title_fr=f"VS Pack {nxt}", title_en=f"VS Pack {nxt}",
             summary_fr="Le salon biennal de l'emballage du Grand Ouest : 3 jours, 3 000 visiteurs, 110 exposants.",
             summary_en="The biennial packaging trade show of western France: 3 days, 3,000 visitors, 110 exhibitors.",
             description_fr="Coorganisé par Atlanpack et Neopolia. Conférences, démonstrations de lignes de "
                            "conditionnement, rendez-vous d'affaires et remise des trophées de l'emballage.",
             description_en="Co-organised by Atlanpack and Neopolia. Talks, packaging line demonstrations, "
                            "business meetings and the packaging awards.",
             venue="Parc des expositions de la Beaujoire", city="Nantes", capacity=3000,
             days=[(d, time(9), time(18)) for d in show], coowners=[("neopolia", 2000)],
             attach=["vs-pack-visiteur", "vs-pack-stand-9m2", "vs-pack-parrainage-or"],
             offers=[
                 dict(slug="vs-pack-jour", kind=EVENT_TICKET.code, title_fr=f"VS Pack {nxt} : pass 1 jour",
                      title_en=f"VS Pack {nxt}: one-day pass", summary_fr="L'entrée au salon pour une journée.",
                      summary_en="Entry to the show for one day.", list_price_cents=2500, member_price_cents=0),
                 dict(slug="vs-pack-stand-18m2", kind=STAND.code, title_fr=f"VS Pack {nxt} : stand 18 m²",
                      title_en=f"VS Pack {nxt}: 18 m² stand", summary_fr="Stand d'angle équipé, réserve fermée.",
                      summary_en="Equipped corner stand with a closed storeroom.", list_price_cents=520000,
                      member_discount_bps=2000, capacity=35),
                 dict(slug="vs-pack-stand-36m2", kind=STAND.code, title_fr=f"VS Pack {nxt} : îlot 36 m²",
                      title_en=f"VS Pack {nxt}: 36 m² island", summary_fr="Îlot ouvert sur quatre allées.",
                      summary_en="An island open on four aisles.", list_price_cents=980000,
                      member_discount_bps=2000, capacity=15),
                 dict(slug="vs-pack-parrainage-argent", kind=SPONSORSHIP.code,
                      title_fr=f"VS Pack {nxt} : parrainage Argent", title_en=f"VS Pack {nxt}: Silver sponsorship",
                      summary_fr="Logo sur le site et le plan du salon, 10 invitations.",
                      summary_en="Logo on the website and the floor plan, 10 invitations.",
                      list_price_cents=800000, capacity=4),
                 dict(slug="vs-pack-parrainage-bronze", kind=SPONSORSHIP.code,
                      title_fr=f"VS Pack {nxt} : parrainage Bronze", title_en=f"VS Pack {nxt}: Bronze sponsorship",
                      summary_fr="Logo sur le plan du salon, 4 invitations.",
                      summary_en="Logo on the floor plan, 4 invitations.", list_price_cents=350000, capacity=8),
             ], stand_capacity={"vs-pack-stand-9m2": 60},
             packages={"vs-pack-parrainage-or": (20, 1), "vs-pack-parrainage-argent": (10, 0),
                       "vs-pack-parrainage-bronze": (4, 0)},  # (invitations, stands)
             invitations=[("vs-pack-visiteur", f"PRESSE-VSPACK-{nxt}", "Presse", 10)]),
        dict(cluster="silicon-sentier", slug=f"meetup-cantine-{meetup:%Y%m%d}", title_fr="Meetup de La Cantine",
             title_en="La Cantine meetup", summary_fr="Rencontre mensuelle des start-up du Sentier, entrée libre "
             "sur inscription.", summary_en="Monthly meetup of the Sentier start-ups, free on registration.",
             venue="La Cantine", city="Paris 2e", capacity=80, days=[(meetup, time(18, 30), time(21))],
             attach=[], coowners=[], stand_capacity={},
             offers=[dict(slug=f"meetup-{meetup:%Y%m%d}", kind=EVENT_TICKET.code, title_fr="Inscription au meetup",
                          title_en="Meetup registration", summary_fr="Gratuit, sur inscription.",
                          summary_en="Free, on registration.", list_price_cents=0, vat_rate_bps=None,
                          vat_exempt_mention="Entrée gratuite")]),
        dict(cluster="emc2", slug=f"congres-emc2-{nxt}", title_fr=f"Congrès EMC2 {nxt}",
             title_en=f"EMC2 congress {nxt}", summary_fr="La journée annuelle des technologies avancées de "
             "production.", summary_en="The yearly day of advanced manufacturing technologies.",
             venue="Cité des congrès", city="Nantes", capacity=400, days=[(date(nxt, 6, 11), time(8, 30), time(18))],
             attach=[], coowners=[], stand_capacity={},
             offers=[dict(slug=f"congres-emc2-{nxt}-billet", kind=EVENT_TICKET.code, title_fr="Billet congressiste",
                          title_en="Delegate ticket", summary_fr="Conférences, ateliers et déjeuner.",
                          summary_en="Talks, workshops and lunch.", list_price_cents=35000,
                          member_price_cents=25000, early_bird_until=_at(date(nxt, 3, 31), 22),
                          early_bird_discount_bps=2000)]),
    ]


def load_demo_events(db: Session, clusters: dict[str, Cluster], year: int, today: date) -> int:
    """Create the missing demo events (by address) with their offers; existing ones are left as they are."""
    created = 0
    for data in _events(year, today):
        if db.exec(select(Event).where(Event.slug == data["slug"])).first() is not None:
            continue
        cluster = clusters[data["cluster"]]
        days = data["days"]
        event = save_event(db, cluster, Event(), EventInput(
            data["slug"], data["title_fr"], data["title_en"], data["summary_fr"], data["summary_en"],
            data.get("description_fr", ""), data.get("description_en", ""), data["venue"], data["city"],
            _at(days[0][0], days[0][1].hour), _at(days[-1][0], days[-1][2].hour), data["capacity"]))
        set_days(db, event, days)
        offers = [db.exec(select(Offer).where(Offer.cluster_id == cluster.id, Offer.slug == slug)).one()
                  for slug in data["attach"]]
        for values in data["offers"]:
            offer = Offer(cluster_id=cluster.id, starts_at=event.starts_at, ends_at=event.ends_at,
                          location=", ".join(filter(None, (event.venue, event.city))), **values)
            db.add(offer)
            db.flush()
            db.add_all([OfferCoOwner(offer_id=offer.id, cluster_id=clusters[slug].id, share_bps=share)
                        for slug, share in data["coowners"]])
            offers.append(offer)
        for offer in offers:
            offer.capacity = data["stand_capacity"].get(offer.slug, offer.capacity)
            attach_offer(db, event, offer)
            if offer.slug in data.get("packages", {}):
                invitations, stands = data["packages"][offer.slug]
                db.add(SponsorPackage(offer_id=offer.id, invitations=invitations, stands=stands))
        by_slug = {offer.slug: offer for offer in offers}
        for slug, code, label, uses in data.get("invitations", []):
            create_invitation(db, event, by_slug[slug].id, label, uses, code)
        change_status(db, event, "published")
        created += 1
    db.flush()
    return created
