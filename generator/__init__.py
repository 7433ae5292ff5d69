"""vaultsite: an Obsidian vault becomes a linked static site."""

__version__ = "0.1.0"
