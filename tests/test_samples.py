"""The shared-data helper must skip locally but fail in CI when the samples are missing."""

from __future__ import annotations

import pytest

from tests.samples import shared_sample as shared_data


def test_missing_sample_skips(monkeypatch, tmp_path):
    monkeypatch.setenv("BO_SHARED_DATA", str(tmp_path))
    monkeypatch.delenv("REQUIRE_SHARED_DATA", raising=False)
    with pytest.raises(pytest.skip.Exception, match="absent"):
        shared_data("nope.csv")


def test_missing_sample_fails_when_required(monkeypatch, tmp_path):
    monkeypatch.setenv("BO_SHARED_DATA", str(tmp_path))
    monkeypatch.setenv("REQUIRE_SHARED_DATA", "1")
    with pytest.raises(pytest.fail.Exception, match="absent"):
        shared_data("nope.csv")


def test_override_folder_is_used(monkeypatch, tmp_path):
    (tmp_path / "x.csv").write_text("a\n")
    monkeypatch.setenv("BO_SHARED_DATA", str(tmp_path))
    assert shared_data("x.csv") == tmp_path / "x.csv"
