"""Every rule of Spectral's `oas` set and Redocly's `recommended` set has a counterpart here or a
reason, and the README's table is the one the registry makes."""

from __future__ import annotations

from generator.lint import RULES, peers
from tests.conftest import ROOT


def test_every_peer_rule_has_a_counterpart_or_a_reason() -> None:
    stood_for = peers.covered()
    for tool, rules in (("spectral", peers.SPECTRAL_OAS), ("redocly", peers.REDOCLY_RECOMMENDED)):
        for rule_id in rules:
            name = f"{tool}:{rule_id}"
            assert (name in stood_for) != (name in peers.NOT_COVERED), name


def test_rules_name_only_peer_rules_that_exist() -> None:
    known = {f"spectral:{r}" for r in peers.SPECTRAL_OAS} | {
        f"redocly:{r}" for r in peers.REDOCLY_RECOMMENDED
    }
    for registered in RULES.values():
        assert set(registered.peers) <= known, registered.id


def test_the_readme_has_the_table() -> None:
    assert peers.markdown() in (ROOT / "README.md").read_text()
