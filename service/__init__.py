"""Use cases of the closed loop. Each takes a session and `now`; none touches Flask or an SMS provider."""
