"""The email outbox: written with the change it tells of, sent by the worker over SMTP or as .eml files."""
