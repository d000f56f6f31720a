"""The situation map page (AppTest): key figures, the map's data, the side panel, filters,
search and the governor's overview, against the self-seeding demo database."""

from __future__ import annotations

import gzip
import json
import re

import pytest

from dashboard.maps import PUBLISHED
from dashboard.services import damage, disaster
from dashboard.services.accounts import actor_for
from dashboard.services.damage import ReportDraft
from dashboard.storage.db import reading
from dashboard.storage.models import User
from dashboard.ui import state
from tests.dashboard.pages.conftest import open_page
from tests.factories import KITA, KITA_POINT

XSS = "<img src=x onerror=alert(1)>"
LOAD = re.compile(r"DisasterMap\.load\(\w+, (\"[^\"]+\"), (\{.*?\})\);")


@pytest.fixture
def demo(app_env):
    """The demo database (seeded by the app's engine) and its accounts by user name."""
    engine = state.get_engine()
    with reading(engine) as s:
        actors = {u.username: actor_for(u) for u in s.query(User)}
    return engine, actors


def map_args(at) -> dict:
    (component,) = at.get("component_instance")
    return json.loads(component.proto.json_args)


def map_payload(at) -> dict:
    """The data the map draws: it travels apart from the map itself (the map stays mounted),
    fetched by URL from the process's published data (what GET /mapdata/<token> serves), with
    this tab's selected areas outlined as the map's script does."""
    args = map_args(at)
    assert not LOAD.findall(args["script"])
    ((url, extra),) = LOAD.findall(args["feature_group"])
    entry = PUBLISHED.get(json.loads(url).rsplit("/", 1)[-1])
    assert entry is not None, "the map's data is not published"
    data = json.loads(gzip.decompress(entry.gzipped))
    chosen = set(json.loads(extra)["sel"])
    for feature in (data.get("areas") or {}).get("features", []):
        feature["properties"].pop("sel", None)
        if feature["properties"]["code"] in chosen:
            feature["properties"]["sel"] = True
    return data


def texts(at) -> str:
    return " ".join(
        [e.value for e in (*at.markdown, *at.caption, *at.subheader, *at.error, *at.info)]
    )


def test_the_mayor_sees_figures_and_a_map_of_24_wards(demo):
    engine, actors = demo
    at = open_page("map.py", actors["mayor"])

    assert at.title[0].value == "状況地図"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["被害報告（対応中）"] == "48"
    assert metrics["災害モード"] == "平常"
    assert metrics["報告あり／全区域"].endswith("/ 24")
    data = map_payload(at)
    assert len(data["areas"]["features"]) == 24
    assert data["reports"]["n"] == 48 and data["shelters"]["n"] == 360
    args = map_args(at)
    assert args["returned_objects"] == ["last_active_drawing", "last_object_clicked"]
    assert all(url.startswith("/app/static/vendor/") for url in args["js_links"])
    assert "更新" in texts(at) and "クリック" in texts(at)


def test_a_typed_description_stays_text_on_the_page(demo):
    engine, actors = demo
    damage.submit_report(
        engine,
        actors["kita-staff"],
        ReportDraft(
            lat=KITA_POINT[0], lon=KITA_POINT[1], category="fire", severity=4, description=XSS
        ),
        submission_id="xss-page",
    )
    at = open_page("map.py", actors["mayor"])

    raw = at.get("component_instance")[0].proto.json_args
    assert "<img" not in raw and "onerror=alert(1)>" not in raw
    assert XSS in map_payload(at)["reports"]["dv"]


def test_the_side_panel_shows_the_selected_ward(demo):
    engine, actors = demo
    at = open_page("map.py", actors["mayor"])
    at.session_state["map_selected"] = KITA  # what a click on 北区 stores
    at.run()

    assert not at.exception
    assert [h.value for h in at.subheader] == ["北区"]
    frames = [f.value for f in at.dataframe]
    shelters = next(f for f in frames if "名称" in f.columns)
    assert len(shelters) == 15 and "北第1小学校" in set(shelters["名称"])
    assert "未了解の指示はありません。" in texts(at)
    assert "最終報告" in texts(at)


def test_filters_and_search_narrow_the_map(demo):
    engine, actors = demo
    at = open_page("map.py", actors["mayor"])
    at.multiselect(key="map_categories").select("fire").run()
    fires = map_payload(at)["reports"]
    assert 0 < fires["n"] < 48 and fires["cc"][1] == fires["n"]  # fire is the second category

    at.text_input(key="map_search").input("北第１小").run()
    assert "避難所の検索結果：1件" in texts(at)
    data = map_payload(at)
    assert data["shelters"]["n"] == 1 and data["fixedView"] is True

    at.selectbox(key="map_ward").select(KITA).run()
    assert [h.value for h in at.subheader] == ["北区"]  # the ward filter opens its panel
    assert set(map_payload(at)["reports"]["wl"]) <= {"北区"}


def test_the_governor_opens_the_city_from_the_overview(demo):
    engine, actors = demo
    at = open_page("map.py", actors["governor"], lang="en")

    overview = map_payload(at)
    # The demo city and the demo's other municipalities of the prefecture.
    codes = [f["properties"]["code"] for f in overview["areas"]["features"]]
    assert codes == ["27100", "27140", "27202", "27203", "27205", "27227"]
    assert overview["areasLabel"] == "Municipal status" and "reports" not in overview
    assert "Click a municipality" in texts(at)
    at.selectbox(key="map_open").select("27100").run()

    assert not at.exception
    assert len(map_payload(at)["areas"]["features"]) == 24
    at.button[0].click().run()  # back to the prefecture
    assert len(map_payload(at)["areas"]["features"]) == 6


def test_ward_staff_see_their_ward_only(demo):
    engine, actors = demo
    at = open_page("map.py", actors["kita-staff"], lang="en")

    data = map_payload(at)
    assert [f["properties"]["name"] for f in data["areas"]["features"]] == ["Kita"]
    assert data["shelters"]["n"] == 15
    assert {m.label for m in at.metric} >= {"Open shelters", "Disaster mode"}


# The confirm button of a send from the map's box (ui/confirm.py).
ASK_YES = "confirm:map_send_ask_box:yes"


def directive_rows(engine):
    from dashboard.storage.models import Directive, DirectiveDelivery

    with reading(engine) as s:
        return [
            (d.title, d.priority, sorted(x.jurisdiction_code for x in d.deliveries))
            for d in s.query(Directive).all()
        ], s.query(DirectiveDelivery).count()


def test_the_mayor_sends_the_pre_filled_directive_in_one_click(demo):
    engine, actors = demo
    at = open_page("map.py", actors["mayor"])
    at.multiselect(key="map_targets").select(KITA).select("27128").run()  # what clicks store
    assert "送信先（選択）：北区・中央区" in texts(at)
    assert [f["properties"].get("sel") for f in map_payload(at)["areas"]["features"]].count(
        True
    ) == 2
    at.button(key="map_send").click().run()

    assert not at.exception
    (sent,), deliveries = directive_rows(engine)
    assert sent[2] == [KITA, "27128"] and deliveries == 2
    assert any("北区・中央区へ「" in s.value for s in at.success)
    assert not [b for b in at.button if b.key == "map_send"]  # the same draft cannot go twice
    acks = {
        f["properties"]["name"]: f["properties"].get("ack")
        for f in map_payload(at)["areas"]["features"]
    }
    assert acks["北区"] == acks["中央区"] == "waiting" and acks["西区"] is None
    assert "了解 0/2" in texts(at)
    at.button(key="map_new_box").click().run()  # the same directive again takes this step
    assert [b for b in at.button if b.key == "map_send"]


def test_send_to_this_ward_from_the_side_panel(demo):
    engine, actors = demo
    at = open_page("map.py", actors["mayor"], lang="en")
    at.session_state["map_selected"] = KITA
    at.run()
    (button,) = [b for b in at.button if b.key == f"map_send_{KITA}"]
    assert button.label.startswith("Send to this area: ")
    button.click().run()
    (sent,), _ = directive_rows(engine)
    assert sent[2] == [KITA]


@pytest.mark.parametrize("user", ["kita-staff", "viewer"])
def test_no_send_box_for_those_who_may_not_send(demo, user):
    engine, actors = demo
    at = open_page("map.py", actors[user])
    assert not [b for b in at.button if (b.key or "").startswith("map_send")]
    assert "地図から指示" not in texts(at)


def test_the_governor_sends_to_municipalities_from_the_overview(demo):
    engine, actors = demo
    at = open_page("map.py", actors["governor"])
    at.multiselect(key="map_targets").select("27100").run()
    at.button(key="map_send").click().run()
    # 至急 (the city's worst level is 4): asked once, nothing sent before the answer.
    assert directive_rows(engine) == ([], 0)
    assert any("1区域に" in w.value and "至急" in w.value for w in at.warning)
    at.button(key=ASK_YES).click().run()
    (sent,), _ = directive_rows(engine)
    assert sent[2] == ["27100"]


def test_sending_to_every_suggested_ward_asks_once_with_the_count_and_names(demo):
    engine, actors = demo
    at = open_page("map.py", actors["mayor"])
    at.button(key="map_send").click().run()  # nothing selected: the suggested wards
    assert directive_rows(engine) == ([], 0)
    (question,) = [w.value for w in at.warning if "区域に「" in w.value]
    count = int(question.split("区域に")[0])
    assert count > 3 and "北区" in question
    at.button(key="confirm:map_send_ask_box:no").click().run()  # やめる: nothing sent
    assert directive_rows(engine) == ([], 0)
    assert not [w for w in at.warning if "区域に「" in w.value]
    at.button(key="map_send").click().run()
    at.button(key=ASK_YES).click().run()
    (sent,), deliveries = directive_rows(engine)
    assert len(sent[2]) == count and deliveries == count


def test_the_replay_shows_an_earlier_moment(demo):
    from dashboard.services import command_map

    engine, actors = demo
    at = open_page("map.py", actors["mayor"])
    live = {m.label: m.value for m in at.metric}
    at.toggle(key="map_replay").set_value(True).run()
    slider = at.select_slider(key="map_moment")
    moments = command_map.replay_span(engine, actors["mayor"]).moments()
    assert slider.value == moments[-1]  # opens at the latest moment
    slider.set_value(moments[10]).run()

    assert not at.exception
    then = command_map.command_view(engine, actors["mayor"], as_of=moments[10])
    shown = {m.label: m.value for m in at.metric}
    assert shown["被害報告（対応中）"] == str(then.figures.reports) != live["被害報告（対応中）"]
    assert map_payload(at)["replay"] is True and map_payload(at)["reports"]["n"] == len(
        then.reports
    )
    assert "地図から指示" not in texts(at)  # no sending from the past


def test_a_typed_directive_title_stays_text_beside_the_map(demo):
    from dashboard.services import directives
    from dashboard.ui.chrome import plain

    engine, actors = demo
    directives.send_directive(
        engine, actors["mayor"], submission_id="xss", ward_codes=[KITA], title=XSS, body="x"
    )
    at = open_page("map.py", actors["mayor"])
    (tracked,) = [c.value for c in at.caption if c.value.startswith("直近の指示")]
    assert f"「{plain(XSS)}」" in tracked and XSS not in tracked  # markdown shows it literally


def test_the_governors_caption_names_the_wards_a_declaration_waits_for(demo):
    engine, actors = demo
    disaster.declare_disaster(
        engine, actors["mayor"], submission_id="decl-1", level=3, scope_code="27100"
    )
    at = open_page("map.py", actors["governor"])

    waiting = [c.value for c in at.caption if "了解待ち" in c.value]
    assert waiting and "北区" in waiting[0] and "27127" not in waiting[0]
