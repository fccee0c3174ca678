"""The catalogue: offers, who may see them, their stock, and the plain kinds of offer.

models.py   Offer, its themes, variants (packs), co-owners and stock rows
kinds.py    the catalogue's own kinds (services, actions, patronage, coworking...)
units.py    what one unit of a plain offer is (pure); stock.py how capacities are held
search.py   visibility, filters, search; services.py managing offers; console.py their console pages
freshness.py the catalogue's version, moved on by every write to what its pages show
"""

from . import freshness as _freshness  # noqa: F401  (moves the catalogue's version on with every write to it)
from . import kinds as _kinds  # noqa: F401  (declares the catalogue's kinds)
