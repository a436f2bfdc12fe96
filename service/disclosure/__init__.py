"""公开公示: the public listing, tracking, figures, search, masking and Open311."""
