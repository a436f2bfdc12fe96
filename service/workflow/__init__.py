"""The closed loop: the one transition enforcer, who sees which issue, the issue page and lists,
meetings and the meeting desk."""
