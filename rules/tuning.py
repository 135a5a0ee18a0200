"""placeholder, replaced in this change."""

RULES: tuple[type, ...] = ()
