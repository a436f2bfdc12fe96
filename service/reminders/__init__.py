"""Messages: planning reminders, the outbox and its delivery, replies received by SMS, SMS
wordings."""
