"""The package's Jinja templates (``report/templates/``, autoescaped) and the HTML fragments
several pages share (``_fragments.html.j2``: a status badge, the index's hearing-pack links,
"what changed"). Modules build a fragment's *data*; its markup lives in the template, so text
is escaped by Jinja and never glued into HTML with f-strings."""

from __future__ import annotations

from functools import cache
from typing import Any

FRAGMENTS = "_fragments.html.j2"  # in ntm_analysis/report/templates/

__all__ = ["FRAGMENTS", "environment", "render"]


@cache
def environment() -> Any:
    """One Jinja environment over ``ntm_analysis/report/templates`` (autoescaped)."""
    from jinja2 import Environment, PackageLoader

    return Environment(
        loader=PackageLoader("ntm_analysis.report", "templates"),
        autoescape=True,
        keep_trailing_newline=True,
    )


def render(macro: str, *args: Any, template: str = FRAGMENTS) -> str:
    """The HTML of ``template``'s (default ``_fragments.html.j2``) ``macro`` called with
    ``args`` (its data)."""
    return str(getattr(environment().get_template(template).module, macro)(*args))
