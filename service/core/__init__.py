"""Plumbing every feature stands on: errors, the database and its migrations, paging, spreadsheets,
the scheduler lock, idempotent requests, text rules."""
