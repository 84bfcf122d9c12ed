"""The committed generated package passes ruff (ours and its defaults) and mypy --strict, as a
vendoring team would run them; and mypy, run on a caller's code, types its calls as the SDK's
users expect: a misspelt key in a dict literal and a misspelt keyword argument are errors, and
`stream=True` returns a stream where `stream=False` returns the result."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import GENERATED, PACKAGE, check_static

CALLER = """\
from typing_extensions import assert_type

from chat_completions import models, params
from chat_completions.client import AsyncClient, AsyncStreamCall, Client, Stream

client = Client(base_url="http://127.0.0.1:9", tenant="t", release="r")
message: params.ChatMessageParam = {"role": "user", "content": "hi"}
client.chat.completions.create(model="m", messages=[{"role": "user", "contnet": "hi"}])
client.chat.completions.create(model="m", mesages=[message])
client.chat.completions.create(messages=[message])
reply = client.chat.completions.create(model="m", messages=[message], temperature=0.5)
assert_type(reply, models.CreateChatCompletionResponse)
chunks = client.chat.completions.create(model="m", messages=[message], stream=True)
assert_type(chunks, Stream[models.CreateChatCompletionStreamResponse])
whole = client.chat.completions.create({"model": "m", "messages": []}, stream=False)
assert_type(whole, models.CreateChatCompletionResponse)
raw = client.chat.completions.with_raw_response.create(model="m", messages=[message])
assert_type(raw.parse(), models.CreateChatCompletionResponse)
copy = client.with_options(timeout=3.0, max_retries=0)
assert_type(copy, Client)


async def main(api: AsyncClient) -> None:
    call = api.chat.completions.create(model="m", messages=[message], stream=True)
    assert_type(call, AsyncStreamCall[models.CreateChatCompletionStreamResponse])
    async with call as stream:
        async for chunk in stream:
            assert_type(chunk, models.CreateChatCompletionStreamResponse)
    answer = await api.chat.completions.create(model="m", messages=[message])
    assert_type(answer, models.CreateChatCompletionResponse)
"""
MYPY = ("--strict", "--no-incremental", "--config-file", "", "--python-version", "3.10")
TYPO_LINES = {8, 9, 10}  # the misspelt key, the misspelt argument, the missing `model`


def test_the_committed_package_passes_ruff_and_mypy_strict() -> None:
    check_static(GENERATED / PACKAGE)


def test_mypy_types_a_callers_code_and_finds_its_typos(tmp_path: Path) -> None:
    caller = tmp_path / "caller.py"
    caller.write_text(CALLER)
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", *MYPY, str(caller)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        env={"PATH": "", "MYPYPATH": str(GENERATED)},
        check=False,
    )
    errors = [line for line in checked.stdout.splitlines() if ": error:" in line]
    assert {int(line.split(":")[1]) for line in errors} == TYPO_LINES, checked.stdout
    assert any('"contnet"' in line for line in errors), checked.stdout
    assert any('"mesages"' in line for line in errors), checked.stdout
