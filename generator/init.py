"""``vaultsite init``: a starter ``vaultsite.toml`` and a GitHub Pages workflow for a vault repo.

The workflow is rendered from one template, also used for this repository's own
``.github/workflows/pages.yml`` (a test checks that the two stay the same).  Actions are pinned by
full commit SHA, with the release tag in a comment, so that a moved tag cannot change what runs.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from generator import __version__

WORKFLOW_PATH = ".github/workflows/pages.yml"
CONFIG_PATH = "vaultsite.toml"
GITIGNORE_PATH = ".gitignore"

# Official actions, pinned by commit.  To update: look up the commit a release tag points to
# (`git ls-remote https://github.com/actions/checkout refs/tags/v4.2.2`) and change both columns.
PINNED_ACTIONS: dict[str, tuple[str, str, str]] = {  # key: (action, commit, tag)
    "checkout": ("actions/checkout", "11bd71901bbe5b1630ceea73d27597364c9af683", "v4.2.2"),
    "setup-python": ("actions/setup-python", "a26af69be951a213d495a4c3e4e4022e16d87065", "v5.6.0"),
    "configure-pages": ("actions/configure-pages", "983d7736d9b0ae728b81ab479565c72886d7745b",
                        "v5.0.0"),
    # v3 rather than v4: v4 leaves dot-files (.nojekyll) out of the artifact.
    "upload-pages-artifact": ("actions/upload-pages-artifact",
                              "56afc609e74202658d3ffba0e8f6dda462b719fa", "v3.0.1"),
    "deploy-pages": ("actions/deploy-pages", "d6db90164ac5ed86f2b6aed7e0febac5b3c0c03e", "v4.0.5"),
}


def _uses(key: str) -> str:
    repo, sha, tag = PINNED_ACTIONS[key]
    return f"{repo}@{sha}  # {tag}"


_WORKFLOW = """\
# {title}
# Builds the site with vaultsite and publishes it with GitHub's own Pages actions.
# One-time setup: Settings -> Pages -> Build and deployment -> Source: "GitHub Actions".
name: Publish to GitHub Pages

on:
  push:
    branches: [main]
  workflow_dispatch:

# Nothing by default; each job asks for what it needs.
permissions: {{}}

# One deployment at a time; a newer push waits instead of cancelling a deployment in progress.
concurrency:
  group: pages
  cancel-in-progress: false

jobs:
  build:
    name: Build the site
    runs-on: ubuntu-latest
    permissions:
      contents: read  # check out the repository
      pages: read  # configure-pages reads the Pages settings
    steps:
      - name: Check out
        uses: {checkout}
        with:
          persist-credentials: false
      - name: Set up Python
        uses: {setup_python}
        with:
          python-version: "{python}"
      - name: Configure Pages
        id: pages
        uses: {configure_pages}
      - name: Install vaultsite
        run: python -m pip install {install}
      - name: Build the site
        env:
          # the Pages URL: canonical links, sitemap, feed, and a 404 page that works at any depth
          PAGES_URL: ${{{{ steps.pages.outputs.base_url }}}}
        run: vaultsite build {vault}-o {out} --site-url "$PAGES_URL"
      - name: Upload the site
        uses: {upload_pages_artifact}
        with:
          path: {out}

  deploy:
    name: Deploy to GitHub Pages
    needs: build
    runs-on: ubuntu-latest
    permissions:
      pages: write  # deploy to GitHub Pages
      id-token: write  # prove the deployment comes from this workflow
    environment:
      name: github-pages
      url: ${{{{ steps.deployment.outputs.page_url }}}}
    steps:
      - name: Deploy
        id: deployment
        uses: {deploy_pages}
"""


def default_install_spec() -> str:
    """What a vault repository's workflow installs: this version of vaultsite from PyPI."""
    return f"vaultsite=={__version__}"


def render_workflow(*, install: str | None = None, vault: str = ".", out: str = "site",
                    python: str = "3.11",
                    title: str = "Publish the vault as a website") -> str:
    """The Pages workflow.

    ``install`` is what ``pip install`` gets: ``"."`` (the repository itself), a PyPI requirement
    (``"vaultsite==0.1.0"``, the default) or a git URL (``"git+https://github.com/o/vaultsite@v0.1.0"``).
    ``vault`` is the vault folder inside the repository and ``out`` the output folder.
    """
    spec = default_install_spec() if install is None else install
    vault_arg = "" if vault in ("", ".") else f"{shlex.quote(vault)} "
    return _WORKFLOW.format(
        title=title,
        install=shlex.quote(spec),
        vault=vault_arg,
        out=shlex.quote(out),
        python=python,
        checkout=_uses("checkout"),
        setup_python=_uses("setup-python"),
        configure_pages=_uses("configure-pages"),
        upload_pages_artifact=_uses("upload-pages-artifact"),
        deploy_pages=_uses("deploy-pages"),
    )


_CONFIG = """\
# vaultsite.toml: how `vaultsite build` turns this vault into a website.
# Every key is optional.  A commented-out line shows the default (or an example); remove the "# "
# to change it.  Unknown keys are errors, so a typo does not pass silently.

title = {title}
# description = ""  # one line about the site: home page, feed and Open Graph tags
# language = "en"  # the pages' <html lang>

# Publishing.  With site_url set, the build also writes sitemap.xml, feed.xml (Atom), canonical
# links and Open Graph tags.  For GitHub Pages it is https://USER.github.io/REPO
# site_url = "https://USER.github.io/REPO"
# cname = "notes.example.org"  # a custom domain: written to the CNAME file
# feed_entries = 20  # how many recent notes the feed lists

# Images on other sites: "link" shows them as links, so pages make no requests elsewhere and work
# offline; "load" shows them inline.
# remote_images = "link"

# A single newline in a paragraph is a line break, as Obsidian shows it by default.  Unset, this
# follows the vault's own "Strict line breaks" setting (.obsidian/app.json).
# strict_line_breaks = false

# What is published.  Dot-folders (.obsidian, .git, .trash) are never published.
# ignore = ["Private/*", "*.excalidraw.md"]  # glob patterns of vault paths to leave out
# templates_dir = "_templates"  # Jinja2 templates here override the built-in ones; not published
# publish_templates = false  # true: publish the notes in Obsidian's template folders (its Templates
#                            # and Templater settings name them), left out by default
# home = ""  # the note used as the home page; "" = index.md, Home.md or README.md if present
# vault_name = ""  # the vault's name in obsidian://open?vault=… links ("" = this folder's name):
#                  # such a link to a note of this vault leads to that note's page

# Dates: the formats tried for a "DATE:" header line, and how dates are shown.
# header_date_formats = [{date_formats}]
# date_display = "%d/%m/%Y"  # how pages show dates ("" = 11 Apr 2025); %Y %y %m %d %-d %-m %e %b %B %a %A %j

# Pages.
# recent_notes = 10  # notes listed as recent on the home page
# graph_depth = 1  # link hops shown in a page's local graph
# graph_tags = false  # show tags as nodes in the graph

# Folders outside the vault published as if they were inside it: vault folder = real folder.
# [mounts]
# "Shared" = "../shared-notes"

# Running the Python code blocks in notes.  Results are cached; a cell re-runs only when its code
# (or a cell before it), the files it read or the Python packages change.
# [execute]
# enabled = true
# run_plain_python = false  # also run plain ```python blocks, not only the ones marked to run
# timeout = 30.0  # seconds a cell may run (#| timeout: overrides it per cell)
# workers = 0  # worker processes; 0 = one per CPU core
# cache_dir = ""  # "" = OUT.vaultsite-cache beside the output folder; keep it out of the vault
# defaults = {{}}  # default cell options
"""

_GITIGNORE = """\
# vaultsite output and its cache
/site/
/site.vaultsite-cache/
"""


def _toml_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def render_config(title: str) -> str:
    """The starter ``vaultsite.toml``: every key, commented, with what it does."""
    from generator.config import DEFAULT_HEADER_DATE_FORMATS

    formats = ", ".join(_toml_string(f) for f in DEFAULT_HEADER_DATE_FORMATS)
    return _CONFIG.format(title=_toml_string(title), date_formats=formats)


def starter_files(vault: Path, *, install: str | None = None) -> dict[str, str]:
    """The files ``init_vault`` writes, by vault-relative path."""
    title = Path(vault).resolve().name or "My notes"
    return {
        CONFIG_PATH: render_config(title),
        WORKFLOW_PATH: render_workflow(install=install),
        GITIGNORE_PATH: _GITIGNORE,
    }


def init_vault(vault: Path, *, force: bool = False, install: str | None = None) -> list[Path]:
    """Write the starter files into ``vault``; return the paths written.

    An existing file is left alone (and not returned) unless ``force`` is set; ``.gitignore`` is
    never overwritten, even with ``force``, since it is the user's own.
    """
    vault = Path(vault)
    vault.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for rel, text in starter_files(vault, install=install).items():
        path = vault / rel
        if path.exists() and (not force or rel == GITIGNORE_PATH):
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)
    return written


def existing_files(vault: Path) -> list[Path]:
    """The starter files already present in ``vault`` (what ``init_vault`` would skip)."""
    return [Path(vault) / rel for rel in starter_files(vault) if (Path(vault) / rel).exists()]
