"""站内通知: the console's notices, stored per user (the bell and its list).

`send` writes notices in the caller's transaction, next to the event that causes them, so a
step refused or rolled back leaves none; a unique key per (user, cause) makes a repeat harmless.
`inbox` reads them and marks them read, each user only their own.
"""
