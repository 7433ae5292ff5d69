"""A link to a file that an ``ignore`` pattern leaves out says so, and names the pattern.

Such a link stays unresolved (the file is never read), but "does not exist in the vault" sent the
user looking for a file that is right there; the warning now names the file and the pattern."""

from __future__ import annotations

from conftest import build_notes, build_vault

HOME = ("See [[Secret]], [[Private/Secret.md]], [[./Private/Secret]], ![[art.psd]] and "
        "[[Nowhere]].\n")


def _vault(tmp_path, toml='ignore = ["Private/**"]\n'):
    return build_notes(tmp_path, {
        "vaultsite.toml": toml,
        "Home.md": HOME,
        "Private/Secret.md": "secret\n",
        "Private/art.psd": b"\x00psd",
        "_templates/page.html.md": "not a template\n",
    })


def test_links_to_ignored_files_name_the_pattern(tmp_path):
    site = _vault(tmp_path)
    messages = site.messages("link-unresolved")
    assert messages == [
        "Home.md:1:5: warning[link-unresolved]: link target 'Secret' is the note Private/Secret.md, "
        "which the ignore pattern 'Private/**' of vaultsite.toml leaves out of the site (remove the "
        "link, or take Private/Secret.md out of `ignore`; to keep the note unpublished with links "
        "to it shown as plain text, give it `publish: false` instead)",
        "Home.md:1:17: warning[link-unresolved]: link target 'Private/Secret.md' is the note "
        "Private/Secret.md, which the ignore pattern 'Private/**' of vaultsite.toml leaves out of "
        "the site (remove the link, or take Private/Secret.md out of `ignore`; to keep the note "
        "unpublished with links to it shown as plain text, give it `publish: false` instead)",
        "Home.md:1:40: warning[link-unresolved]: link target './Private/Secret' is the note "
        "Private/Secret.md, which the ignore pattern 'Private/**' of vaultsite.toml leaves out of "
        "the site (remove the link, or take Private/Secret.md out of `ignore`; to keep the note "
        "unpublished with links to it shown as plain text, give it `publish: false` instead)",
        "Home.md:1:62: warning[link-unresolved]: embed target 'art.psd' is the file Private/art.psd, "
        "which the ignore pattern 'Private/**' of vaultsite.toml leaves out of the site (remove the "
        "embed, or take Private/art.psd out of `ignore`)",
        "Home.md:1:79: warning[link-unresolved]: link target 'Nowhere' does not exist in the vault "
        "(create the note or fix the name)",
    ]
    # still unresolved in the page: the file is not in the site
    content = site.content("Home.md")
    assert len(content.select(".broken")) == 5
    assert not list(site.out.rglob("*Secret*")) and not list(site.out.rglob("*.psd"))


def test_taking_the_pattern_out_resolves_the_links_on_the_next_build(tmp_path):
    site = _vault(tmp_path)
    assert len(site.messages("link-unresolved")) == 5
    (tmp_path / "src" / "vaultsite.toml").write_text("ignore = []\n", encoding="utf-8")
    again = build_vault(tmp_path / "src", tmp_path, copy=False)  # the kept state is reused
    assert again.messages("link-unresolved") == [
        "Home.md:1:79: warning[link-unresolved]: link target 'Nowhere' does not exist in the vault "
        "(create the note or fix the name)"]
    assert len(again.content("Home.md").select(".broken")) == 1
