"""Working days, deadline policies and rules, the three colours."""
