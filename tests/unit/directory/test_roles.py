"""Which special role a /wie question asks for."""

from __future__ import annotations

import pytest

from directory.roles import role_asked


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("vertrouwenspersoon", "vertrouwenspersoon"),
        ("een Vertrouwenspersoon", "vertrouwenspersoon"),
        ("vertrouwenspersson", "vertrouwenspersoon"),
        ("oliemannetjes", "oliemannetje"),
        ("ervaringsdeskundigen", "ervaringsdeskundige"),
        ("expert by experience", "ervaringsdeskundige"),
        ("wethouder", "bestuurlijk"),
        ("procesregisseur", "procesregisseur"),
    ],
)
def test_a_role_on_its_own_is_understood(text: str, role: str) -> None:
    assert role_asked(text) == role


@pytest.mark.parametrize("text", ["schulden", "regie", "huiselijk geweld", "", "ervaring"])
def test_a_theme_or_other_words_are_no_role(text: str) -> None:
    assert role_asked(text) is None
