"""The tray's intraday alert check runs in a child process and fires each rule once a day."""

from __future__ import annotations

from desktop_app.settings import AlertSettings, Settings, SourceSettings
from desktop_app.ui.alert_process import check_alerts_in_child
from desktop_app.ui.worker import TaskContext


def test_a_source_not_updated_fires_once_from_the_child_process(paths, tmp_path):
    leads = tmp_path / "leads.csv"
    leads.write_text("Lead Date,Lead Source\n2020-01-02 10:00,Website\n2020-01-03 11:00,IndiaMART\n",
                     encoding="utf-8")
    settings = Settings(sources=[SourceSettings(name="CRM", domain="leads", path=str(leads))],
                        alerts=AlertSettings(rules=["a source not updated for 2 days"]))
    ctx = TaskContext(report=lambda step: None)
    [fired] = check_alerts_in_child(ctx, settings, paths)
    assert fired.startswith("CRM not updated for ") and fired.endswith("(newest row 2020-01-03)")
    assert check_alerts_in_child(ctx, settings, paths) == []
