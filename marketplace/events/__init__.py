"""Events: an event groups its days, its ticket types with shared quotas, its stands and its sponsorships.

models.py   Event, EventDay, EventQuota (seats ticket types share), EventQuotaOffer
stock.py    holding an event offer's capacity and quotas; kind.py the kinds sold for an event
services.py events, their days, quotas and offers; views.py the public event pages and the agenda
console.py  the console's event pages
"""

from . import kind as _kind  # noqa: F401  (declares the ticket, stand and sponsorship kinds)
