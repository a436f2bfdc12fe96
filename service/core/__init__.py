"""Plumbing every feature stands on: the settings, errors, the database and its migrations, paging,
spreadsheets, the scheduler lock, idempotent requests, text rules, and the masking of personal
data (the one set of rules for the public pages, exports, logs and SMS)."""
