"""Site configuration: defaults in one place, `vaultsite.toml` at the vault root, unknown keys are errors."""

from __future__ import annotations

import dataclasses
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CONFIG_NAME = "vaultsite.toml"

DEFAULT_HEADER_DATE_FORMATS = (
    "%d-%m-%y", "%d-%m-%Y", "%d/%m/%y", "%d/%m/%Y", "%d.%m.%y", "%d.%m.%Y", "%Y-%m-%d",
    "%d %B %Y", "%d %b %Y", "%B %d, %Y",
)


class ConfigError(Exception):
    """A configuration problem the user must fix; the message names the file and key."""


@dataclass(frozen=True)
class ExecSettings:
    """The ``[execute]`` table; turned into the executor's own config by the pipeline."""

    enabled: bool = True
    run_plain_python: bool = False
    timeout: float = 30.0
    workers: int = 0  # 0 = one per core
    cache_dir: str = ""  # "" = <output>.vaultsite-cache/exec beside the output folder
    defaults: dict[str, Any] = field(default_factory=dict)  # default cell options (fig-dpi, ...)


@dataclass(frozen=True)
class SiteConfig:
    vault: Path
    title: str = "My notes"
    description: str = ""
    language: str = "en"
    site_url: str = ""
    cname: str = ""
    mounts: tuple[tuple[str, Path], ...] = ()  # (vault-relative folder, real folder)
    ignore: tuple[str, ...] = ()
    templates_dir: str = "_templates"
    header_date_formats: tuple[str, ...] = DEFAULT_HEADER_DATE_FORMATS
    date_display: str = ""  # how pages show dates, strftime-like; "" = "11 Apr 2025"
    home: str = ""  # note to use as the home page; "" = index.md / Home.md / README.md if present
    recent_notes: int = 10
    graph_depth: int = 1
    graph_tags: bool = False
    feed_entries: int = 20
    remote_images: str = "link"  # "link": remote images become links (offline, no requests); "load"
    strict_line_breaks: bool = False  # False: a single newline is a line break, as in Obsidian
    strict: bool = False
    execute: ExecSettings = field(default_factory=ExecSettings)
    config_file: Path | None = None

    def with_overrides(self, **changes: Any) -> SiteConfig:
        return dataclasses.replace(self, **changes)


_TOP_KEYS = {
    "title", "description", "language", "site_url", "cname", "mounts", "ignore", "templates_dir",
    "header_date_formats", "date_display", "home", "recent_notes", "graph_depth", "graph_tags",
    "feed_entries", "remote_images", "strict_line_breaks", "execute",
}
_EXEC_KEYS = {f.name for f in dataclasses.fields(ExecSettings)}


def _expect(value: Any, kind: type | tuple[type, ...], where: str, key: str) -> Any:
    if isinstance(value, bool) and kind in (int, float, (int, float)):
        raise ConfigError(f"{where}: `{key}` must be a number, not {value!r}")
    if not isinstance(value, kind):
        want = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise ConfigError(f"{where}: `{key}` must be {want}, not {type(value).__name__} {value!r}")
    return value


def load_config(vault: Path, overrides: dict[str, Any] | None = None) -> SiteConfig:
    """Read ``vaultsite.toml`` from the vault root if there is one and apply CLI overrides."""
    vault = Path(vault)
    if not vault.is_dir():
        raise ConfigError(f"{vault}: the vault folder does not exist")
    path = vault / CONFIG_NAME
    raw: dict[str, Any] = {}
    if path.is_file():
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{CONFIG_NAME}: {exc}") from exc
    cfg = _from_table(vault, raw, path if path.is_file() else None)
    if overrides:
        cfg = cfg.with_overrides(**overrides)
    return cfg


def _obsidian_strict_line_breaks(vault: Path) -> bool:
    """The vault's own Obsidian setting (Settings → Editor → Strict line breaks, off unless turned
    on), from ``.obsidian/app.json``; off when there is none or it cannot be read."""
    try:
        app = json.loads((vault / ".obsidian" / "app.json").read_text(encoding="utf-8-sig"))
    except (OSError, ValueError):
        return False
    return isinstance(app, dict) and app.get("strictLineBreaks") is True


def _from_table(vault: Path, raw: dict[str, Any], path: Path | None) -> SiteConfig:
    where = CONFIG_NAME
    unknown = sorted(set(raw) - _TOP_KEYS)
    if unknown:
        raise ConfigError(
            f"{where}: unknown key `{unknown[0]}` (known keys: {', '.join(sorted(_TOP_KEYS))})"
        )
    kw: dict[str, Any] = {}
    for key in ("title", "description", "language", "site_url", "cname", "templates_dir",
                "date_display", "home"):
        if key in raw:
            kw[key] = _expect(raw[key], str, where, key)
    for key in ("recent_notes", "graph_depth", "feed_entries"):
        if key in raw:
            kw[key] = _expect(raw[key], int, where, key)
    if "remote_images" in raw:
        value = _expect(raw["remote_images"], str, where, "remote_images")
        if value not in ("link", "load"):
            raise ConfigError(f"{where}: `remote_images` must be \"link\" or \"load\", not {value!r}")
        kw["remote_images"] = value
    for key in ("graph_tags", "strict_line_breaks"):
        if key in raw:
            kw[key] = _expect(raw[key], bool, where, key)
    if "strict_line_breaks" not in raw:
        kw["strict_line_breaks"] = _obsidian_strict_line_breaks(vault)
    for key in ("ignore", "header_date_formats"):
        if key in raw:
            items = _expect(raw[key], list, where, key)
            kw[key] = tuple(_expect(i, str, where, key) for i in items)
    if "site_url" in kw:
        kw["site_url"] = kw["site_url"].rstrip("/")
    if "mounts" in raw:
        table = _expect(raw["mounts"], dict, where, "mounts")
        mounts = []
        for name, folder in sorted(table.items()):
            _expect(folder, str, where, f"mounts.{name}")
            real = (vault / folder).resolve()
            if not real.is_dir():
                raise ConfigError(f"{where}: `mounts.{name}` points to {folder!r}, not a folder")
            mounts.append((name.strip("/"), real))
        kw["mounts"] = tuple(mounts)
    if "execute" in raw:
        table = _expect(raw["execute"], dict, where, "execute")
        bad = sorted(set(table) - _EXEC_KEYS)
        if bad:
            raise ConfigError(f"{where}: unknown key `execute.{bad[0]}` "
                              f"(known: {', '.join(sorted(_EXEC_KEYS))})")
        ekw: dict[str, Any] = {}
        for key in ("enabled", "run_plain_python"):
            if key in table:
                ekw[key] = _expect(table[key], bool, where, f"execute.{key}")
        if "timeout" in table:
            ekw["timeout"] = float(_expect(table["timeout"], (int, float), where, "execute.timeout"))
        if "workers" in table:
            ekw["workers"] = _expect(table["workers"], int, where, "execute.workers")
        if "cache_dir" in table:
            ekw["cache_dir"] = _expect(table["cache_dir"], str, where, "execute.cache_dir")
        if "defaults" in table:
            ekw["defaults"] = dict(_expect(table["defaults"], dict, where, "execute.defaults"))
        kw["execute"] = ExecSettings(**ekw)
    return SiteConfig(vault=vault.resolve(), config_file=path, **kw)
