"""Clusters, their partnerships and staff, organizations and who acts for them (contacts.py)."""
