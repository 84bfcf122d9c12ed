"""A few dozen mutants of bench/mutate.py through lint and generate, as a regression guard: no
traceback, no internal error, no timeout, whatever one small change does to a spec. The full
run (500 mutants and more) is the bench's, outside CI."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bench.mutate import check_mutant, load_seed, mutants
from tests.conftest import SPECS

# OpenAI's spec is a seed of the bench's too; here only the small ones, for time.
SEEDS = (
    SPECS / "real" / "darkroom.json",
    SPECS / "hostile" / "hostile.yaml",
    SPECS / "good" / "recursive.yaml",
)
COUNT = 36
GENERATE_EVERY = 6  # generate costs seconds a mutant; lint, a fraction of one


@pytest.mark.parametrize("seed", range(2))
def test_no_mutant_ends_in_an_internal_error(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    streams = [mutants(path, load_seed(path), rng) for path in SEEDS]
    bad = []
    for index in range(COUNT // 2):
        mutant = next(streams[index % len(streams)])
        outcomes = check_mutant(mutant, tmp_path, index % GENERATE_EVERY == 0, seconds=120)
        for command in ("lint", "generate"):
            if outcomes.get(command) in ("internal-error", "timeout"):
                bad.append(
                    f"{command} {mutant.seed} [{mutant.what}]: {outcomes[command + ' message']}"
                )
    assert bad == []
