"""The closed loop: the one transition enforcer, who sees which issue, the issue page and
lists, an issue's files, the reporter's rating by SMS, meetings and the meeting desk."""
