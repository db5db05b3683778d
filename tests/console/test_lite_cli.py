"""``hotline console`` and the lean mode's settings: a value it cannot read is one line, before
any store is opened or the terminal taken."""

from __future__ import annotations

from click.testing import CliRunner

from hotline import cli


def test_a_bad_hotline_lite_is_one_line_and_nothing_is_opened(tmp_path):
    db = tmp_path / "never.db"
    r = CliRunner().invoke(cli, ["console", "--lite"], env={"HOTLINE_LITE": "maybe", "HOTLINE_DB": str(db)})
    assert r.exit_code == 2, r.output
    assert "HOTLINE_LITE: 'maybe': give 1, 0 or auto" in r.output
    assert len(r.output.strip().splitlines()) == 1
    assert not db.exists()


def test_a_bad_link_speed_is_one_line(tmp_path):
    r = CliRunner().invoke(cli, ["console"], env={"HOTLINE_LINK_KBPS": "fast", "HOTLINE_DB": str(tmp_path / "x.db")})
    assert r.exit_code == 2 and "HOTLINE_LINK_KBPS" in r.output and len(r.output.strip().splitlines()) == 1


def test_lite_is_in_the_console_help():
    r = CliRunner().invoke(cli, ["console", "--help"])
    assert "--lite" in r.output and "HOTLINE_LITE" in r.output
