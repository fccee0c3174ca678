"""Pooled costs: support functions and strategic purchases shared by clusters by an explicit key."""
