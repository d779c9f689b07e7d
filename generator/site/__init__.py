"""The public site, without MkDocs: validate a town and render every generated file.

`generate(root)` is the whole of it (see `generation.py`); `read_town(root)` gives the site's
identity for a host adapter before the build.
"""

from .build import SiteOptions
from .generation import CACHE_DIR, Generated, generate, read_town, town_problems

__all__ = ["CACHE_DIR", "Generated", "SiteOptions", "generate", "read_town", "town_problems"]
