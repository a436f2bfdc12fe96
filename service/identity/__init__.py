"""Who is who: passwords, logging in within its budgets, the sessions on the server (tokens and
console logins), two-factor login, users and departments."""
