"""Who is who: passwords, login and its budgets, tokens and sessions, two-factor login, users and
departments."""
