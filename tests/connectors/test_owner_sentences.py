"""What the owner is told about a file that reads, but not the way they may think (found on real exports)."""

from __future__ import annotations

import pytest

from connectors import SourceReadError, read_source

from .conftest import spec, write


def test_leads_without_a_source_column_say_why_every_lead_is_unknown(tmp_path):
    """A Marketo/Salesforce export whose source sits under UTM_Campaign read as "Unknown 175 (100%)" with no word."""
    path = write(tmp_path / "leads.csv", "Lead Id;Created Date;UTM_Campaign\n1;12/16/2022;x\n2;12/16/2022;y\n")
    result = read_source(spec(path, "leads"))
    assert set(result.frame["source"]) == {"Unknown"}
    assert any(w.startswith("no lead source column: every lead is listed as Unknown") for w in result.warnings)
    named = write(tmp_path / "named.csv", "Lead Id;Created Date;UTM_Source\n1;12/16/2022;google\n")
    assert not any("no lead source column" in w for w in read_source(spec(named, "leads")).warnings)


def test_a_file_not_recognised_says_what_to_set(tmp_path):
    path = write(tmp_path / "log.dat", "x\ty\n1\t2\n")
    with pytest.raises(SourceReadError) as caught:
        read_source(spec(path, "attendance"))
    text = str(caught.value)
    assert "cannot recognise log.dat as attendance (columns: 'x', 'y'); name its columns under" in text
    assert "set format to it: " in text and "zkteco" in text
    assert "as a attendance" not in text
