"""Buying: the cart (cart.py), orders holding their stock (orders.py), the review of held orders (review.py)."""
