"""Ordinary Markdown links and images: the render context may rewrite ``href`` / ``src``.

``[x](Other%20Note.md)`` is a link to a note; the context knows where that note's page lives
(``ctx.render_md_href``), and where an image attachment ends up (``ctx.render_md_src``).  Tokens
are never modified, so the same token list can be rendered twice.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import parse_qs, urlsplit

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

from generator.markdown._util import alt_size, plain_text
from generator.markdown.wikilinks import IN_LINK

#: What ``ctx.render_md_href`` returns for a note that is not published (``publish: false``,
#: ``draft: true``): the link is plain text, as a wikilink to it is, not a broken link.
UNPUBLISHED = "\0unpublished"
#: Key in ``env``: for each link being rendered, whether it was opened as a ``<span>``.
_AS_SPAN = "_vs_link_spans"


def render_link_open(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    token = tokens[idx]
    if token.meta.get(IN_LINK) and env is not None:  # inside a raw <a>: words of that link
        env.setdefault(_AS_SPAN, []).append(True)
        return '<span class="in-link">'
    ctx = env.get("ctx") if env else None
    if ctx is not None:
        href = token.attrGet("href")
        extra: dict[str, str] = {}
        if href is None:
            new = None
        elif hasattr(ctx, "render_md_link"):  # with the classes a wikilink to it has
            new, extra = ctx.render_md_link(str(href), token)
        else:
            new = ctx.render_md_href(str(href), token)
        env.setdefault(_AS_SPAN, []).append(new == UNPUBLISHED)
        if new == UNPUBLISHED:
            return '<span class="internal-link unpublished">'
        if new == "":  # a local target that does not exist: unresolved, with no href
            attrs = {k: v for k, v in token.attrs.items() if k != "href"}
            attrs["class"] = "internal-link broken"
            attrs["title"] = f"Not found: {href}"
            token = token.copy(attrs=attrs)
        elif new is not None:
            token = token.copy(attrs={**token.attrs, "href": new, **extra})
        if token.markup in ("linkify", "autolink") and "class" not in token.attrs:
            # a bare address, shown as itself (a printed page does not repeat it after it)
            token = token.copy(attrs={**token.attrs, "class": "bare-url"})
    return self.renderToken([token], 0, options, env)




def _size(alt: str, attrs: dict) -> str:
    """Obsidian's ``![alt|300](x.png)`` / ``![300x200](x.png)``: the size goes to width/height."""
    shown, width, height = alt_size(alt)
    if width:
        attrs["width"] = width
    if height:
        attrs["height"] = height
    return shown


def render_link_close(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    spans = env.get(_AS_SPAN) if env else None
    if spans and spans.pop():
        return "</span>"
    return self.renderToken(tokens, idx, options, env)


def render_image(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    token = tokens[idx]
    attrs = dict(token.attrs)
    # as a reader sees it: a tag or a link written there stays its words (``renderInlineAsText``
    # keeps text tokens only)
    alt = plain_text(token.children)
    ctx = env.get("ctx") if env else None
    src = str(token.attrGet("src") or "")
    if ctx is not None and hasattr(ctx, "render_md_embed"):
        embedded = ctx.render_md_embed(src, alt, token)  # a note, audio, video, PDF, or missing
        if embedded is not None:
            return embedded
    attrs["alt"] = _size(alt, attrs)
    remote = is_remote(src)
    web = _web_embed(src) if remote else None
    if web is not None:
        kind, video = web
        load = ctx is None or getattr(ctx, "load_remote_images", True)
        if video and load:  # asked for: the player, from YouTube's cookie-less host
            return (f'<iframe class="embed-web" src="https://www.youtube-nocookie.com/embed/'
                    f'{escapeHtml(video)}" title="{escapeHtml(attrs["alt"] or kind)}" '
                    'loading="lazy" allowfullscreen></iframe>')
        label = attrs["alt"] or src
        return (f'<a class="embed-link embed-web" href="{escapeHtml(src)}" rel="noopener">'
                f'{escapeHtml(kind)}: {escapeHtml(label)}</a>')
    if ctx is not None and remote and not getattr(ctx, "load_remote_images", True):
        # The site must browse offline without calling out: a remote image becomes a link to it,
        # or, inside a link (a badge), a chip of that link: a link in a link is split by browsers
        if token.meta.get(IN_LINK) or _inside_link(tokens, idx):
            return remote_image_link(src, attrs["alt"], tag="span")
        return remote_image_link(src, attrs["alt"])
    if ctx is not None:
        src = token.attrGet("src")
        if src is not None and hasattr(ctx, "render_md_image"):
            # and the picture's size, so the page keeps its place before it arrives
            new, sized = ctx.render_md_image(str(src), attrs.get("width", ""), attrs.get("height", ""))
            attrs.update(sized)
        else:
            new = ctx.render_md_src(str(src), token) if src is not None else None
        if new is not None:
            attrs["src"] = new
    ordered = {"src": attrs.pop("src", ""), "alt": attrs.pop("alt"), **attrs}
    return self.renderToken([token.copy(attrs=ordered)], 0, options, env)


#: A web address as a browser reads it: ``http:``/``https:`` in any case, whatever follows (slashes,
#: backslashes or none: ``https:\\host\x`` and ``https:host/x`` are ``https://host/x``), or a
#: scheme-relative ``//host/…`` written with either slash (https: on a hosted site).
_REMOTE = re.compile(r"https?:|[/\\]{2}", re.IGNORECASE)
#: What a browser drops from a URL before reading it: C0 controls and spaces around it, tabs and
#: line breaks anywhere.
_URL_SPACE = "".join(map(chr, range(0x21)))
_URL_BREAKS = re.compile(r"[\t\n\r]")


def is_remote(url: str) -> bool:
    """Whether an image or media URL would be fetched from another machine."""
    return _REMOTE.match(_URL_BREAKS.sub("", url).strip(_URL_SPACE)) is not None


_SRCSET_SPACE = " \t\n\r\f"


def srcset_candidates(value: str) -> list[tuple[int, str, str]]:
    """The candidates of a ``srcset`` (``a.png 1x, b.png 2x``) as the HTML standard splits them:
    (offset of the URL in ``value``, URL as written, its descriptors), in order.  A URL runs to
    the next space (commas at its end are separators); descriptors run to the next comma outside
    parentheses."""
    out: list[tuple[int, str, str]] = []
    pos, end = 0, len(value)
    while True:
        while pos < end and (value[pos] in _SRCSET_SPACE or value[pos] == ","):
            pos += 1
        if pos >= end:
            return out
        start = pos
        while pos < end and value[pos] not in _SRCSET_SPACE:
            pos += 1
        url, descriptors = value[start:pos], ""
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            first, depth = pos, 0
            while pos < end and (value[pos] != "," or depth):
                depth += (value[pos] == "(") - (value[pos] == ")" and depth > 0)
                pos += 1
            descriptors = value[first:pos].strip()
        out.append((start, url, descriptors))


def remote_image_link(src: str, alt: str, tag: str = "a") -> str:
    """A link in place of an image with a web address (``remote_images = "link"``), named by its
    alt text or file name; for Markdown images and raw HTML ``<img>`` alike.  ``tag="span"``: the
    same chip without a link of its own, for an image inside a link."""
    label = alt or re.split(r"[/\\]", src)[-1]
    href = f' href="{escapeHtml(src)}"' if tag == "a" else ""
    return (f'<{tag} class="remote-image"{href} '
            f'title="Remote image (not loaded, so the page works offline)">{escapeHtml(label)}</{tag}>')


def _inside_link(tokens: Sequence[Token], idx: int) -> bool:
    """Whether the inline token at ``idx`` stands between a ``link_open`` and its close."""
    depth = 0
    for token in tokens[:idx]:
        if token.type == "link_open":
            depth += 1
        elif token.type == "link_close":
            depth -= 1
    return depth > 0


_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{6,20}")


def _web_embed(src: str) -> tuple[str, str | None] | None:
    """``![](https://www.youtube.com/watch?v=…)`` and ``![](https://x.com/…/status/…)``: Obsidian
    embeds the video or the post.  (kind, YouTube video id or None), or None for anything else."""
    parts = urlsplit(src)
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    if host in ("youtube.com", "youtube-nocookie.com"):
        if parts.path == "/watch":
            video = parse_qs(parts.query).get("v", [""])[0]
        elif parts.path.startswith(("/embed/", "/shorts/", "/live/")):
            video = parts.path.split("/")[2]
        else:
            return None
        return ("YouTube video", video if _YOUTUBE_ID.fullmatch(video) else None)
    if host == "youtu.be":
        video = parts.path.strip("/")
        return ("YouTube video", video if _YOUTUBE_ID.fullmatch(video) else None)
    if host in ("twitter.com", "x.com") and "/status/" in parts.path:
        return ("Post on X", None)
    return None


def links_plugin(md: MarkdownIt) -> None:
    """Register the ``link_open``, ``link_close`` and ``image`` render rules."""
    md.add_render_rule("link_open", render_link_open)
    md.add_render_rule("link_close", render_link_close)
    md.add_render_rule("image", render_image)
