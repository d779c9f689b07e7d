"""The Jinja2 environments of the site pages and the prints, made in one place.

Both autoescape (text from the data is escaped once, by the template), fail on an undefined
name, and share the filters a template needs: `cn_date` (2026年11月26日), `tel` (a phone's tel:
link) and `markdown` (a clerk's Markdown as HTML cleaned by the allowlist of `generator.markup`).
"""

from __future__ import annotations

import datetime as dt

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from .markup import render_markdown
from .publication import period_phase


def cn_date(day: dt.date | None) -> str:
    """A date as Chinese readers write it: 2026年11月26日 (empty for none)."""
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def tel_uri(phone: str) -> str:
    """The tel: address of a phone number as the contract allows it (digits, spaces, hyphens,
    parentheses, a leading +, an extension after 转): the same digits the page shows, the
    extension as RFC 3966's `;ext=`."""
    number, _, extension = phone.partition("转")
    digits = "".join(c for c in number if c.isascii() and (c.isdigit() or c == "+"))
    extension = "".join(c for c in extension if c.isascii() and c.isdigit())
    return f"tel:{digits}" + (f";ext={extension}" if extension else "")


def cn_start(day: dt.date, today: dt.date) -> str:
    """When a notice that has not started starts: "将于 11月30日 开始公示", with the year when it is
    not this year's (assets/party365.js writes the same on the day the page is read)."""
    when = f"{day.month}月{day.day}日" if day.year == today.year else cn_date(day)
    return f"将于 {when} 开始公示"


def countdown_text(start: dt.date, end: dt.date, today: dt.date) -> str:
    """What a notice's countdown says on `today`: 剩余 N 天, 将于…开始公示 or 已结束 (the same text
    assets/party365.js `countdownText` writes on the day the page is read)."""
    phase = period_phase(start, end, today)
    if phase == "closed":
        return "已结束"
    if phase == "upcoming":
        return cn_start(start, today)
    return f"剩余 {(end - today).days + 1} 天"


def html_environment(templates: str, *, keep_trailing_newline: bool = False) -> Environment:
    """An autoescaping environment over `generator/templates/<templates>`."""
    env = Environment(
        loader=PackageLoader("generator", f"templates/{templates}"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=keep_trailing_newline,
    )
    env.filters["cn_date"] = cn_date
    env.filters["tel"] = tel_uri
    env.filters["cn_start"] = cn_start
    env.globals["countdown_text"] = countdown_text
    env.filters["markdown"] = lambda text: Markup(render_markdown(text))  # cleaned by an allowlist
    return env
