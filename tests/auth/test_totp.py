"""TOTP codes: the current window and its neighbours only, and never the same step twice."""

from __future__ import annotations

from safenet.auth import totp

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
NOW = 1_790_000_015.0  # 15 s into a 30 s step


def test_current_and_neighbouring_steps_accepted() -> None:
    step = int(NOW // 30)
    for offset in (-30, 0, 30):
        code = totp.code_at(SECRET, NOW + offset)
        assert totp.accepted_step(SECRET, code, last_step=None, now=NOW) == step + offset // 30
    assert (
        totp.accepted_step(SECRET, totp.code_at(SECRET, NOW - 90), last_step=None, now=NOW) is None
    )


def test_used_step_and_earlier_refused() -> None:
    step = int(NOW // 30)
    code = totp.code_at(SECRET, NOW)
    assert totp.accepted_step(SECRET, code, last_step=step, now=NOW) is None
    earlier = totp.code_at(SECRET, NOW - 30)
    assert totp.accepted_step(SECRET, earlier, last_step=step, now=NOW) is None
    later = totp.code_at(SECRET, NOW + 30)
    assert totp.accepted_step(SECRET, later, last_step=step, now=NOW) == step + 1


def test_malformed_codes_refused() -> None:
    for bad in ("", "12345", "1234567", "abcdef", "12 34 5x"):
        assert totp.accepted_step(SECRET, bad, last_step=None, now=NOW) is None
    spaced = totp.code_at(SECRET, NOW)
    assert totp.accepted_step(SECRET, f"{spaced[:3]} {spaced[3:]}", last_step=None, now=NOW)


def test_recovery_codes_are_distinct_and_hash_per_user() -> None:
    codes = totp.new_recovery_codes(10)
    assert len(set(codes)) == 10
    code = codes[0]
    assert totp.recovery_code_hash(code, "kim") == totp.recovery_code_hash(code.upper(), "kim")
    assert totp.recovery_code_hash(code, "kim") != totp.recovery_code_hash(code, "park")
