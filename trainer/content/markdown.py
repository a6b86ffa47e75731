"""Markdown to sanitised HTML: the one pipeline for every piece of Markdown a person wrote.

Course modules, quiz text, regulation update summaries and admin previews all go through
`render_markdown` (blocks) or `render_inline` (one line: question and choice text). The
Markdown is rendered first and the resulting HTML is then cleaned by nh3 with an explicit
allowlist, so raw HTML in the source is allowed but only the allowlisted parts survive.
"""

from __future__ import annotations

import re
from typing import Any

import markdown
import nh3
from markdown.extensions.toc import slugify

# Heading ids carry a prefix so an author's heading can never take the id of an element of the
# page around it (DOM clobbering); nh3 adds the same prefix to any id written in raw HTML.
HEADING_ID_PREFIX = "section-"
ADMONITION_TYPES = ("note", "tip", "info", "warning", "danger")
# Code block languages that keep their `language-…` class (for styling only; no highlighter runs).
CODE_LANGUAGES = ("bash", "console", "csv", "html", "http", "javascript", "json", "python", "shell",
                  "sql", "text", "toml", "xml", "yaml")

EXTENSIONS = ["tables", "pymdownx.superfences", "pymdownx.highlight", "toc", "admonition", "sane_lists"]
EXTENSION_CONFIGS: dict[str, dict[str, Any]] = {
    "pymdownx.highlight": {"use_pygments": False},
    # align="…" instead of style="text-align: …": style attributes do not survive sanitising.
    "tables": {"use_align_attribute": True},
    "toc": {"slugify": lambda value, separator: HEADING_ID_PREFIX + slugify(value, separator)},
}

INLINE_TAGS = {"a", "abbr", "b", "br", "cite", "code", "del", "em", "i", "kbd", "mark", "q", "s",
               "small", "strong", "sub", "sup", "u"}
BLOCK_TAGS = INLINE_TAGS | {
    "blockquote", "caption", "dd", "details", "div", "dl", "dt", "figcaption", "figure", "h2", "h3",
    "h4", "h5", "h6", "hr", "img", "li", "ol", "p", "pre", "summary", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "ul",
}
INLINE_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
BLOCK_ATTRIBUTES = {
    **INLINE_ATTRIBUTES,
    **{heading: {"id"} for heading in ("h2", "h3", "h4", "h5", "h6")},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "td": {"align"},
    "th": {"align"},
}
ALLOWED_CLASSES = {
    "div": {"admonition", *ADMONITION_TYPES},
    "p": {"admonition-title"},
    "pre": {"highlight"},
    "code": {f"language-{language}" for language in CODE_LANGUAGES},
}
URL_SCHEMES = {"http", "https", "mailto"}
# Content of these tags is dropped with the tag; other disallowed tags keep their text.
DROP_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "noscript", "template", "textarea",
                     "select", "svg", "math"}


def _only_local_images(element: str, attribute: str, value: str) -> str | None:
    """Images from other sites would tell them who read what (and CSP blocks them anyway)."""
    if element == "img" and attribute == "src" and (":" in value or value.startswith("//")):
        return None
    return value


# What both cleaners share: dangerous content dropped, comments stripped, safe links only.
_CLEANER_BASICS: dict[str, Any] = {
    "clean_content_tags": DROP_WITH_CONTENT,
    "strip_comments": True,
    "link_rel": "noopener noreferrer",
    "url_schemes": URL_SCHEMES,
}
_BLOCK_CLEANER = nh3.Cleaner(
    tags=BLOCK_TAGS, attributes=BLOCK_ATTRIBUTES, attribute_filter=_only_local_images,
    allowed_classes=ALLOWED_CLASSES, id_prefix=HEADING_ID_PREFIX, **_CLEANER_BASICS,
)
_INLINE_CLEANER = nh3.Cleaner(tags=INLINE_TAGS, attributes=INLINE_ATTRIBUTES, **_CLEANER_BASICS)
# A line that Markdown would read as a block (heading, quote, list, admonition, fence, rule).
_BLOCK_START = re.compile(r"^(\s*)(#|>|[-+*](?=\s|$)|(?:[-*_]\s*){3,}$|!!!|```|~~~|=+\s*$|\||\d+(?=[.)]))")


def render_markdown(source: str) -> str:
    """Markdown (blocks) to sanitised HTML. Safe for anything anybody typed."""
    if not source.strip():
        return ""
    return _BLOCK_CLEANER.clean(_converter().convert(source)).strip()


def render_inline(source: str) -> str:
    """One line of Markdown to sanitised inline HTML (emphasis, code, links), without a <p>."""
    line = " ".join(source.split())
    if not line:
        return ""
    html = _converter().convert(_BLOCK_START.sub(_escape_marker, line, count=1))
    return _INLINE_CLEANER.clean(html).strip()


def _escape_marker(match: re.Match[str]) -> str:
    indent, marker = match.groups()
    if marker[0].isdigit():  # "1984. was a year": escape the dot, not the number
        return f"{indent}{marker}\\"
    return f"{indent}\\{marker}"


def _converter() -> markdown.Markdown:
    # A new instance per call: Markdown objects keep state (toc ids, references) between
    # conversions and are not thread-safe; rendering happens at import and preview time only.
    return markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS,
                             output_format="html")
