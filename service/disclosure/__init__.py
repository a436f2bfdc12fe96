"""公开公示: the public listing, tracking, figures, search and Open311."""
