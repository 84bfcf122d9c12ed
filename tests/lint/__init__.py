"""Tests of generator/lint/, one module per module there."""
