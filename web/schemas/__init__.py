"""marshmallow schemas of the JSON API: what comes in is checked here, at the edge."""
