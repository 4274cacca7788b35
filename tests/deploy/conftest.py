"""Fixtures of the container tests: an engine, a base image and the bot's image, built once."""

from __future__ import annotations

import time

import pytest

from tests.deploy import engine


@pytest.fixture(scope="session")
def base_image() -> str:
    """The Python 3.11 base to build on; skips the test when no engine or base can be had."""
    try:
        engine.require_engine()
        return engine.base_image()
    except engine.Unavailable as reason:
        pytest.skip(f"no container test: {reason}")


@pytest.fixture(scope="session")
def image(base_image: str) -> str:
    """The bot's image: `docker build .` with BASE_IMAGE set to the base."""
    started = time.monotonic()
    tag = engine.build(base_image)
    print(f"\nimage {tag} built on {base_image} in {time.monotonic() - started:.0f} s")
    return tag
