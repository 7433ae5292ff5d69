"""``obsidian://open?vault=…&file=…`` links: the note of this vault such a link opens in Obsidian.

On the web an ``obsidian://`` address opens nothing (or the Obsidian app, on the author's own
machine); one that opens a note of the vault being published is that note's link.  Formats, as
'Obsidian URI' in Obsidian's Help has them: ``open?vault=V&file=F`` (``F`` a name or a path from
the vault root, ``.md`` optional, ``%23`` for a heading or block; with no ``vault``, the one
open), ``open?path=/abs/V/F`` (the part of the path after the vault's folder), and the
shorthands ``obsidian://vault/V/F`` and ``obsidian:///abs/V/F``.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit


def is_obsidian_uri(href: str) -> bool:
    return href[:11].lower() == "obsidian://"


def _params(query: str) -> dict[str, str]:
    """The query's parameters, each decoded once (``+`` stays a plus: Obsidian writes spaces as
    ``%20``, and ``C++ notes`` is a name)."""
    out: dict[str, str] = {}
    for pair in query.split("&"):
        key, _, value = pair.partition("=")
        out.setdefault(unquote(key).lower(), unquote(value))
    return out


def _after_vault(path: str, vault: str) -> str | None:
    """The part of an absolute path after the folder named ``vault``."""
    parts = path.replace("\\", "/").split("/")
    for i, part in enumerate(parts[:-1]):
        if part.casefold() == vault.casefold():
            return "/".join(parts[i + 1:])
    return None


def linked_note(href: str, vault: str) -> str | None:
    """The link text (``Folder/Note#Heading``, as in ``[[…]]``) of the note of the vault named
    ``vault`` that ``href`` opens; None when it is no such link (another vault, another action,
    no file)."""
    if not is_obsidian_uri(href) or not vault:
        return None
    parts = urlsplit(href)
    action = parts.netloc.lower()
    if action == "open":
        params = _params(parts.query)
        if params.get("path"):
            found = _after_vault(params["path"], vault)
        elif params.get("vault", vault).casefold() == vault.casefold():
            found = params.get("file")  # without a vault, Obsidian's open one: the author's
        else:
            found = None
    elif action == "vault":  # obsidian://vault/my vault/my note
        name, _, rest = unquote(parts.path).lstrip("/").partition("/")
        found = rest if name.casefold() == vault.casefold() else None
    elif action == "" and parts.path.startswith("/"):  # obsidian:///absolute/path/to/my note
        found = _after_vault(unquote(parts.path), vault)
    else:
        found = None
    if found and parts.fragment:  # a "#" written as such, not as %23: the heading still
        found += "#" + unquote(parts.fragment)
    return found.strip().lstrip("/") or None if found else None
