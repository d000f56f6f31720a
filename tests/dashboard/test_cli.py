"""The admin CLI: one summary line on success; one line on stderr and exit ≠ 0 on bad input."""

import pytest
from sqlalchemy import func, select

from dashboard import cli
from dashboard.settings import get_settings
from dashboard.storage.db import make_engine, reading
from dashboard.storage.models import Jurisdiction, User


@pytest.fixture
def run(database_url, monkeypatch, capsys):
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", database_url)
    get_settings.cache_clear()

    def _run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
        if stdin is not None:
            import io

            monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = cli.main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    yield _run
    get_settings.cache_clear()


def test_help_lists_the_commands(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    for command in ("init-db", "seed-demo", "import-boundaries", "create-user", "set-password"):
        assert command in out


def test_seed_then_create_user_and_set_password(run, database_url):
    assert run("init-db")[0] == 0
    code, out, _ = run("seed-demo")
    assert code == 0 and "24 ward" in out and out.count("\n") == 1
    code, _, err = run("seed-demo")
    assert code == 2 and "not empty" in err and err.count("\n") == 1
    code, out, _ = run(
        "create-user",
        "tennoji",
        "--role",
        "ward_staff",
        "--area",
        "27109",
        "--password-stdin",
        stdin="secret-pass-1\n",
    )
    assert code == 0 and out.strip() == "created user tennoji (ward_staff, area 27109)"
    code, _, err = run(
        "create-user",
        "x",
        "--role",
        "ward_staff",
        "--area",
        "99999",
        "--password-stdin",
        stdin="secret-pass-1\n",
    )
    assert code == 2 and "99999" in err
    code, _, err = run("set-password", "tennoji", "--password-stdin", stdin="short\n")
    assert code == 2 and "at least 8" in err
    code, out, _ = run("set-password", "tennoji", "--password-stdin", stdin="secret-pass-2\n")
    assert code == 0
    engine = make_engine(database_url)
    with reading(engine) as s:
        assert s.scalar(select(func.count()).select_from(User).where(User.username == "x")) == 0
    engine.dispose()


def test_import_boundaries_reports_counts_and_rejects_bad_files(
    run, osaka_geojson, tmp_path, database_url
):
    code, out, _ = run("import-boundaries", str(osaka_geojson))
    assert code == 0
    assert out.strip().endswith("1 prefecture, 43 municipality, 31 ward")
    not_geo = tmp_path / "notes.txt"
    not_geo.write_text("this is not a boundary file", encoding="utf-8")
    code, out, err = run("import-boundaries", str(not_geo))
    assert code != 0 and out == "" and err.startswith("error: ") and err.count("\n") == 1
    code, _, err = run("import-boundaries", str(tmp_path / "missing.geojson"))
    assert code != 0 and err.count("\n") == 1
    engine = make_engine(database_url)
    with reading(engine) as s:
        assert s.scalar(select(func.count()).select_from(Jurisdiction)) == 75
    engine.dispose()
