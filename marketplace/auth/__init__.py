"""Accounts: sign-in and server-side sessions (signin.py), passwords and reset links, API tokens, permissions.py."""
