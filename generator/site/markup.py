"""The site's Markdown renderer lives in `generator.markup` (the validator uses it too, and
importing this package would import the validator); this name stays for the site's modules."""

from __future__ import annotations

from ..markup import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, URL_SCHEMES, render_markdown

__all__ = ["ALLOWED_ATTRIBUTES", "ALLOWED_TAGS", "URL_SCHEMES", "render_markdown"]
