"""Detection: position rules (where a value sits) and value rules (what a value looks like)."""
