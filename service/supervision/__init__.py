"""督办: the supervision board, the office's work lists, the half-monthly bulletin."""
