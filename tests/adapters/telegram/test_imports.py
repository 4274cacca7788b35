"""The Telegram adapter loads python-telegram-bot without the cryptography library (only
Telegram Passport needs it, which the bot never uses), and the Teams adapter still gets it."""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import sys
import bot.adapters.telegram
import telegram
assert "cryptography" not in sys.modules, "cryptography loaded with the Telegram adapter"
from telegram._passport.credentials import CRYPTO_INSTALLED
assert CRYPTO_INSTALLED is False
import bot.adapters.teams
from jwt.algorithms import has_crypto
assert has_crypto, "PyJWT lost its RSA support"
import cryptography.hazmat.primitives.asymmetric.rsa
print("ok")
"""


def test_telegram_adapter_leaves_cryptography_to_teams() -> None:
    done = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
