"""Rooms: rental by slots of a day, priced by a grid, booked without ever being booked twice.

models.py   RoomRate (a line of a room's grid), RoomBooking (a block of a day held by an order line)
rules.py    day types, slots and their blocks, the grid and the price (pure)
services.py the grid, checking and holding slots; kind.py the "room" kind of offer
console.py  the grid's console routes (a section of the offer's console page)
"""

from . import kind as _kind  # noqa: F401  (declares the room kind)
