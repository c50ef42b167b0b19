"""A short schema-driven fuzz run of the till's API (bench/api_fuzz.py runs it for minutes):
no 5xx, every answer documented and in its schema, for valid and invalid calls alike."""

import pytest

from tests.pos.api_fuzz import fuzz_api, seed_shop


def test_the_api_answers_every_generated_call_as_documented(committed, monkeypatch):
    monkeypatch.setitem(committed.config, "PROPAGATE_EXCEPTIONS", False)  # a 500 is a finding
    seed_shop(committed)
    report = fuzz_api(committed, max_examples=15, seed=0)
    assert not report.failures, "\n\n".join(report.failures)
    assert report.calls > 300
    assert set(report.statuses) >= {200, 404, 409, 422}  # logged in, and refused in French


if __name__ == "__main__":  # pragma: no cover
    pytest.main([__file__])
