"""The data commands: import-shelters, import-users, export-shelters, export-reports."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from dashboard import cli
from dashboard.services.accounts import authenticate
from dashboard.settings import get_settings
from dashboard.storage.db import reading
from dashboard.storage.models import AuditEntry, User
from tests.dashboard.services.test_imports import GSI_SHELTER, gsi_shelter_rows, to_csv


@pytest.fixture
def run(city, database_url, monkeypatch, capsys):
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", database_url)
    get_settings.cache_clear()

    def _run(*args: str) -> tuple[int, str, str]:
        code = cli.main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    yield _run
    get_settings.cache_clear()


def test_import_shelters_dry_run_then_for_real_with_rejected_rows(run, tmp_path):
    rows = gsi_shelter_rows(3)
    rows[1]["緯度"] = ""
    path = tmp_path / "hinanjo.csv"
    path.write_bytes(to_csv(rows, GSI_SHELTER, encoding="cp932"))
    code, out, err = run("import-shelters", str(path), "--dry-run")
    assert code == 0 and out.startswith("dry run, nothing written: gsi_shelter, CP932")
    assert "2 new" in out and "1 rejected" in out
    assert "row 3: error: Latitude/longitude missing or unreadable" in err
    code, _, err = run("import-shelters", str(path), "--strict")
    assert code == 2 and "nothing imported (--strict)" in err
    rejected = tmp_path / "rejected.csv"
    code, out, _ = run("import-shelters", str(path), "--area", "27100", "--rejected", str(rejected))
    assert code == 0 and out.startswith("imported:") and "2 new" in out
    lines = list(csv.reader(io.StringIO(rejected.read_bytes().decode("utf-8-sig"))))
    assert lines[0][:3] == ["行", "理由", "NO"] and lines[1][0] == "3"
    code, out, _ = run("import-shelters", str(path))
    assert "0 new" in out and "2 unchanged" in out


def test_generic_csv_needs_a_known_mapping(run, tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("番号,施設,北緯,東経\nA1,公民館,34.70267,135.50003\n", encoding="utf-8")
    code, _, err = run("import-shelters", str(path), "--map", "番号=id,施設=title")
    assert code == 2 and "Unknown field in the column mapping: title" in err
    code, out, _ = run("import-shelters", str(path), "--map", "番号=id,施設=name,北緯=lat,東経=lon")
    assert code == 0 and "generic" in out and "1 new" in out


def test_import_users_prints_one_time_passwords_once_and_never_audits_them(run, tmp_path, city):
    path = tmp_path / "staff.csv"
    path.write_text(
        "ユーザー名,表示名,役割,区域コード,メールアドレス,LINE WORKS ID\n"
        "kita01,北区 太郎,区職員,27127,kita01@example.jp,lw-kita01\n"
        "kita02,北区 花子,ward_head,27127,,\n"
        "bad,誰か,将軍,27127,,\n"
        "kita01,重複,viewer,99999,not-an-address,\n",
        encoding="utf-8-sig",
    )
    code, out, err = run("import-users", str(path), "--dry-run")
    assert code == 0 and "would create 2 accounts, 2 rows rejected" in out
    assert "row 4: error: Unknown role “将軍”" in err and "row 5" in err
    assert "kita01\t" not in out
    code, out, _ = run("import-users", str(path))
    passwords = dict(line.split("\t") for line in out.splitlines()[1:3])
    assert set(passwords) == {"kita01", "kita02"}
    assert authenticate(city.engine, "kita01", passwords["kita01"]).role == "ward_staff"
    with reading(city.engine) as s:
        user = s.scalar(select(User).where(User.username == "kita01"))
        assert user.must_change_password and user.lineworks_user_id == "lw-kita01"
        details = [str(a.detail) for a in s.scalars(select(AuditEntry))]
    assert not any(p in d for d in details for p in passwords.values())


def test_exports_write_files(run, tmp_path):
    path = tmp_path / "hinanjo.csv"
    path.write_bytes(to_csv(gsi_shelter_rows(3), GSI_SHELTER))
    run("import-shelters", str(path))
    out_file = tmp_path / "out.xlsx"
    code, out, _ = run("export-shelters", "--type", "xlsx", "-o", str(out_file))
    assert code == 0 and out.startswith("wrote 6 rows") and out_file.read_bytes()[:2] == b"PK"
    code, out, _ = run("export-reports", "--type", "csv_cp932", "-o", str(tmp_path / "r.csv"))
    assert code == 0 and "wrote 0 rows" in out
    code, out, _ = run("export-shelters", "--table", "-o", str(tmp_path / "t.csv"))
    assert code == 0


def test_export_the_lalert_shelter_status_as_csv_and_xml(run, tmp_path):
    from xml.etree import ElementTree as ET

    target = tmp_path / "lalert.csv"
    code, out, _ = run(
        "export-shelters", "--lalert", "table", "--type", "csv_cp932", "-o", str(target)
    )
    assert code == 0 and "wrote" in out
    rows = list(csv.reader(io.StringIO(target.read_bytes().decode("cp932"))))
    assert rows[0][:3] == ["名称", "名称（かな）", "所在地"] and rows[-1][0] == "計"
    xml = tmp_path / "lalert.xml"
    code, _, _ = run("export-shelters", "--lalert", "xml", "-o", str(xml))
    root = ET.fromstring(xml.read_bytes())
    assert root.tag.endswith("}Shelter") and len(root.find("{*}Informations")) == 3
