"""Every kind of change diff reports, by its id, with a one-line summary (for SARIF's rules)."""

from __future__ import annotations

from .package import PACKAGE_RULES
from .spec import WIRE_RULES, schema_rules

RULES: dict[str, str] = {**WIRE_RULES, **dict(schema_rules()), **PACKAGE_RULES}
