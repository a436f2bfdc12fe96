"""The public disclosure site (公开公示) at the root of the site: the list of published issues
with filters and search, an issue's page, the figures, the Atom feed, tracking one's own issue
and raising a new one.

Light and mobile-first (WeChat's in-app browser on a phone): server-rendered pages with the
local Bootstrap CSS and no script. Every page reads through service.disclosure.public (the one public
query and the one masking view); a handler parses, makes one service call and renders.
Read pages carry ETag and Last-Modified and answer 304; the two form pages are never cached.
"""
from flask import Flask

# Each page module adds its routes to the blueprint (web/public/site.py).
from . import batches, pages, plan, rating, reporter
from .site import FILTERS, bp

PAGES = (batches, pages, plan, rating, reporter)


def register(app: Flask) -> None:
    app.jinja_env.filters.update(FILTERS)
    app.register_blueprint(bp)
