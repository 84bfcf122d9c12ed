"""Lint beside Spectral (`spectral:oas`, every rule) and Redocly (recommended), side by side in one
run, on GitHub's REST spec (13 MB JSON, from npm `@octokit/openapi`).

Each tool is a whole process (start-up, parsing, every rule, JSON output), one run each; the aims
are specsmith in at most 0.5x Redocly's time and 0.05x Spectral's, under 400 MB. The peers and
GitHub's spec are installed from the npm registry into bench/.tools/ (ignored by git) on the first
run; without npm, the rows say so and the bench goes on.
Run: .venv/bin/python bench/bench_lint.py [--quick]   (--quick: leaves Spectral out)
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.measure import ROOT, ProcessRun, run_process, table

TOOLS = ROOT / "bench" / ".tools"
PACKAGES = ("@stoplight/spectral-cli@6.16.3", "@redocly/cli@2.77.0", "@octokit/openapi@23.0.2")
GITHUB_SPEC = TOOLS / "node_modules" / "@octokit" / "openapi" / "generated" / "api.github.com.json"
BIN = TOOLS / "node_modules" / ".bin"
QUIET_PEERS = {"REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true"}


def run(quick: bool = False) -> list[dict[str, object]]:
    problem = _install_peers()
    specs = [("GitHub REST", GITHUB_SPEC)]
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        every_rule = _every_rule_config(folder)
        spectral_ruleset = folder / ".spectral.yaml"
        spectral_ruleset.write_text('extends: [["spectral:oas", "all"]]\n')
        for name, spec in specs:
            if not spec.exists():
                rows.append({"bench": f"lint: {name}", "subject": f"skipped: {spec} is not here"})
                continue
            ours = run_process(
                [sys.executable, "-m", "generator", "lint", str(spec), "--format", "json",
                 "--config", str(every_rule)],
            )  # fmt: skip
            rows.append(_row(name, "specsmith lint (every rule on)", ours))
            if problem:
                rows.append({"bench": f"lint: {name}", "subject": f"peers skipped: {problem}"})
                continue
            redocly = _peer([str(BIN / "redocly"), "lint", str(spec), "--format", "json",
                             "--max-problems", "100000"])  # fmt: skip
            rows.append(_row(name, "Redocly CLI 2.77 (recommended)", redocly))
            rows[-2]["vs Redocly"] = ours.seconds / redocly.seconds
            if quick:
                continue
            spectral = _peer([str(BIN / "spectral"), "lint", str(spec), "--format", "json",
                              "--ruleset", str(spectral_ruleset), "--quiet"])  # fmt: skip
            rows.append(_row(name, "Spectral 6.16 (spectral:oas, all)", spectral))
            rows[-3]["vs Spectral"] = ours.seconds / spectral.seconds
    return rows


def _row(spec: str, subject: str, measured: ProcessRun) -> dict[str, object]:
    return {
        "bench": f"lint: {spec}",
        "subject": subject,
        "seconds": measured.seconds,
        "peak MiB": measured.peak_mib,
        "exit": measured.returncode,
    }


def _peer(command: list[str]) -> ProcessRun:
    os.environ.update(QUIET_PEERS)  # no telemetry, no update check: the child inherits them
    return run_process(command, timeout=1800)


def _every_rule_config(folder: Path) -> Path:
    """A configuration that turns on the rules that are off by default, so every rule runs."""
    from generator.lint import RULES

    off = {rule_id: "warn" for rule_id, registered in RULES.items() if registered.severity is None}
    config = folder / "every-rule.toml"
    config.write_text(
        "[lint.rules]\n" + "".join(f'"{k}" = "{v}"\n' for k, v in sorted(off.items()))
    )
    return config


def _install_peers() -> str | None:
    """Install the peers and GitHub's spec into bench/.tools/ once; a reason when that fails."""
    if GITHUB_SPEC.exists() and (BIN / "redocly").exists() and (BIN / "spectral").exists():
        return None
    npm = shutil.which("npm")
    if npm is None:
        return "npm is not installed"
    TOOLS.mkdir(parents=True, exist_ok=True)
    if not (TOOLS / "package.json").exists():
        (TOOLS / "package.json").write_text(json.dumps({"private": True}) + "\n")
    installed = subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--prefix", str(TOOLS), *PACKAGES],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if installed.returncode != 0:
        return f"npm install failed: {installed.stderr.strip().splitlines()[-1:]}"
    return None


if __name__ == "__main__":
    rows = run(quick="--quick" in sys.argv)
    print(
        table(
            rows, ["bench", "subject", "seconds", "peak MiB", "exit", "vs Redocly", "vs Spectral"]
        )
    )
