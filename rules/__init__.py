"""tunelint's built-in rules, one module per family.

Each module exports ``RULES``, a tuple of rule classes; ``pyproject.toml`` registers every module in
the ``tunelint.rules`` entry-point group under its code prefix, exactly as a third-party plugin would.
Rules import only :mod:`validator.api`.
"""
