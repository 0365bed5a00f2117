"""A number given on the command line is checked at the edge: out of SQLite's range it is
refused with a Chinese message and exit 2, not an OverflowError deep inside."""

from __future__ import annotations

import pytest

from hy_client.cli import main
from hy_client.ids import MAX_ROW_ID


@pytest.mark.parametrize("argv", [
    ["sandbox", "review", "approve-renewal"],
    ["sandbox", "review", "reject-renewal", "--reason", "材料不全"],
    ["sandbox", "review", "approve"],
    ["drafts", "assign"],
])
@pytest.mark.parametrize("number", [str(MAX_ROW_ID + 1), "0", "-3", "十二"])
def test_numbers_out_of_range_are_refused_before_any_work(tmp_path, monkeypatch, capsys,
                                                          argv, number):
    monkeypatch.setenv("HY_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("HY_CONFIG_DIR", str(tmp_path))
    with pytest.raises(SystemExit) as exit_:
        main([*argv[:3], number, *argv[3:]] if argv[0] == "sandbox" else [*argv, number])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert f"编号“{number}”无效" in err and "Traceback" not in err
