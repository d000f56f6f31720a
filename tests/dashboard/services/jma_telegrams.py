"""JMA earthquake telegrams written for the tests in JMA's published layout (気象庁防災情報XML:
Control / Head / Body, namespaces as JMA's, full-width digits in the headline, empty Serial in
震度速報). Never fetched: built here."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

JST = timezone(timedelta(hours=9))

REPORT = """<?xml version="1.0" encoding="UTF-8"?>
<Report xmlns="http://xml.kishou.go.jp/jmaxml1/" xmlns:jmx="http://xml.kishou.go.jp/jmaxml1/">
<Control>
<Title>{title}</Title>
<DateTime>{control_time}</DateTime>
<Status>{status}</Status>
<EditorialOffice>大阪管区気象台</EditorialOffice>
<PublishingOffice>気象庁</PublishingOffice>
</Control>
<Head xmlns="http://xml.kishou.go.jp/jmaxml1/informationBasis1/">
<Title>{title}</Title>
<ReportDateTime>{report_time}</ReportDateTime>
<TargetDateTime>{origin}</TargetDateTime>
<EventID>{event_id}</EventID>
<InfoType>{info_type}</InfoType>
<Serial>{serial}</Serial>
<InfoKind>{kind}</InfoKind>
<InfoKindVersion>1.0_1</InfoKindVersion>
<Headline><Text>{headline}</Text></Headline>
</Head>
<Body xmlns="http://xml.kishou.go.jp/jmaxml1/body/seismology1/"
 xmlns:jmx_eb="http://xml.kishou.go.jp/jmaxml1/elementBasis1/">
{body}
</Body>
</Report>"""

# 細分区域 of the tests' prefecture (JMA's codes): 大阪府北部 holds 大阪市, 大阪府南部 holds 堺市.
OSAKA_NORTH, OSAKA_SOUTH = ("520", "大阪府北部"), ("521", "大阪府南部")
T0 = datetime(2026, 6, 18, 7, 58, tzinfo=JST)


def _zen(text: str) -> str:
    return text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))


def telegram(
    *,
    title: str = "震度速報",
    status: str = "通常",
    info_type: str = "発表",
    event_id: str = "20260618075800",
    serial: str = "",
    origin: datetime = T0,
    reported: datetime | None = None,
    areas: dict[tuple[str, str], str] | None = None,
    cities: dict[str, tuple[tuple[str, str], str]] | None = None,
    extra_prefs: dict[tuple[str, str], dict[tuple[str, str], str]] | None = None,
    hypocenter: str | None = None,
    stations: int = 0,
) -> bytes:
    """One telegram. ``areas``: 細分区域 → intensity (震度速報); ``cities``: 7-digit code →
    (細分区域, intensity) (震源・震度に関する情報); ``stations`` pads each city with observation
    points (a larger telegram)."""
    reported = reported or origin + timedelta(minutes=2)
    body = ""
    if info_type == "取消":
        body = "<Text>先ほどの震度速報を取り消します。</Text>"
    else:
        prefs = {("27", "大阪府"): {}}
        grouped: dict[tuple[str, str], list[str]] = {}
        for area, value in (areas or {}).items():
            prefs[("27", "大阪府")][area] = value
        for code, (area, value) in (cities or {}).items():
            prefs[("27", "大阪府")][area] = max(
                prefs[("27", "大阪府")].get(area, "1"), value, key=_rank
            )
            points = "".join(
                f"<IntensityStation><Name>観測点{i}</Name><Code>{code}{i:02d}</Code>"
                f"<Int>{value}</Int></IntensityStation>"
                for i in range(stations)
            )
            grouped.setdefault(area, []).append(
                f"<City><Name>市区町村{code}</Name><Code>{code}</Code>"
                f"<MaxInt>{value}</MaxInt>{points}</City>"
            )
        prefs.update(extra_prefs or {})
        rows, top = "", "1"
        for (pcode, pname), pareas in prefs.items():
            if not pareas:
                continue
            pmax = max(pareas.values(), key=_rank)
            top = max(top, pmax, key=_rank)
            inner = "".join(
                f"<Area><Name>{name}</Name><Code>{code}</Code><MaxInt>{value}</MaxInt>"
                f"{''.join(grouped.get((code, name), []))}</Area>"
                for (code, name), value in pareas.items()
            )
            rows += (
                f"<Pref><Name>{pname}</Name><Code>{pcode}</Code>"
                f"<MaxInt>{pmax}</MaxInt>{inner}</Pref>"
            )
        quake = ""
        if hypocenter:
            quake = (
                f"<Earthquake><OriginTime>{origin.isoformat()}</OriginTime>"
                f"<ArrivalTime>{origin.isoformat()}</ArrivalTime><Hypocenter><Area>"
                f"<Name>{hypocenter}</Name><Code>550</Code>"
                '<jmx_eb:Coordinate description="北緯３４．８度　東経１３５．６度　深さ　１０ｋｍ">'
                "+34.8+135.6-10000/</jmx_eb:Coordinate></Area></Hypocenter>"
                '<jmx_eb:Magnitude type="Mj" description="Ｍ６．１">6.1</jmx_eb:Magnitude>'
                "</Earthquake>"
            )
        body = (
            f"{quake}<Intensity><Observation><CodeDefine>"
            '<Type xpath="Pref/Code">地震情報／都道府県等</Type>'
            '<Type xpath="Pref/Area/Code">地震情報／細分区域</Type>'
            '<Type xpath="Pref/Area/City/Code">気象・地震・火山情報／市町村等</Type>'
            f"</CodeDefine><MaxInt>{top}</MaxInt>{rows}</Observation></Intensity>"
        )
    when = origin.astimezone(JST)
    headline = _zen(f"{when.day}日{when:%H}時{when:%M}分ころ、地震による強い揺れを感じました。")
    return REPORT.format(
        title=title,
        control_time=reported.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        status=status,
        report_time=reported.astimezone(JST).isoformat(),
        origin=origin.astimezone(JST).isoformat(),
        event_id=event_id,
        info_type=info_type,
        serial=serial,
        kind=title,
        headline=headline,
        body=body,
    ).encode()


ORDER = ("1", "2", "3", "4", "5-", "5+", "6-", "6+", "7")


def _rank(value: str) -> int:
    return ORDER.index(value)


def feed(base: str, entries: list[tuple[str, str, str]]) -> bytes:
    """An Atom feed like JMA's eqvol.xml: (title, path, updated) per entry."""
    items = "".join(
        f"<entry><title>{title}</title><id>{base}{path}</id><updated>{updated}</updated>"
        "<author><name>大阪管区気象台</name></author>"
        f'<link type="application/xml" href="{base}{path}"/>'
        f'<content type="text">震度速報</content></entry>'
        for title, path, updated in entries
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<feed xmlns="http://www.w3.org/2005/Atom" lang="ja"><title>高頻度（地震火山）</title>'
        f"{items}</feed>"
    ).encode()
