"""The collector is off inside `collector_off` and as it was after it, whatever ends the block."""

from __future__ import annotations

import gc

import pytest

from generator.collector import collector_off, collector_spared


def test_the_collector_is_off_inside_and_as_it_was_after() -> None:
    assert gc.isenabled()
    with collector_off():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(KeyError), collector_off():
        raise KeyError("stop")
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_off():
            pass
        assert not gc.isenabled()  # not turned on by a block that found it off
    finally:
        gc.enable()


def test_what_is_spared_is_the_collectors_again_after_the_block() -> None:
    kept = [object()]
    with collector_spared() as spare:
        assert not gc.isenabled()  # while the spec is read
        spare()
        assert gc.isenabled() and gc.get_freeze_count() > 0
    assert gc.isenabled() and gc.get_freeze_count() == 0
    assert kept
