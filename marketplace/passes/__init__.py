"""Coworking passes: single passes for a date (a desk of that day) and books of tickets with a balance.

models.py   PassBook (a book, its holder, balance, code and expiry), PassRedemption (a ticket used),
            PassDesk (a space's book validity and today's desk code)
kind.py     the "coworking" kind; services.py books issued when paid, tickets used once
views.py    the holder's passes; console.py the desk (search a holder, use a ticket)
"""

from . import kind as _kind  # noqa: F401  (declares the coworking kind)
