"""Messages: planning deadline reminders, the outbox and its delivery reports, the SMS wordings."""
