"""load_reference: idempotent, fast on unchanged files, keeps history, tolerates existing rows."""

from __future__ import annotations

import shutil
from io import StringIO

import pytest
from django.core.management import call_command

from zjtx.reference.models import (
    AssessmentUnit,
    Division,
    IndustryCode,
    ReferenceDataset,
    SizeStandard,
)
from zjtx.reference.services import (
    DATA_DIR,
    ReferenceDataError,
    parse_industry_codes,
    reference_load,
)

pytestmark = pytest.mark.django_db


def _snapshot():
    return {
        "datasets": list(ReferenceDataset.objects.values_list("name", "version", "checksum")),
        "divisions": list(Division.objects.values()),
        "units": list(AssessmentUnit.objects.values()),
        "industries": IndustryCode.objects.count(),
        "standards": list(SizeStandard.objects.values()),
    }


def test_first_load_records_every_dataset():
    outcomes = reference_load()
    assert {o.name for o in outcomes} == {"divisions", "units", "industries", "size_standards"}
    assert all(o.changed for o in outcomes)
    assert ReferenceDataset.objects.count() == 4
    industries = ReferenceDataset.objects.get(name="industries")
    assert industries.rows == IndustryCode.objects.count()
    assert len(industries.checksum) == 64


def test_second_run_changes_nothing():
    out = StringIO()
    call_command("load_reference", stdout=out)
    before = _snapshot()
    out = StringIO()
    call_command("load_reference", stdout=out)
    assert "unchanged" in out.getvalue() and "loaded" not in out.getvalue()
    assert _snapshot() == before


def test_a_changed_file_adds_history_and_leaves_the_others(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    reference_load(data_dir=data)
    path = data / "divisions.yaml"
    text = path.read_text(encoding="utf-8").replace('version: "2020.1"', 'version: "2020.2"')
    # The bureau corrects a note; the retired 无为县 row is dropped from the file by mistake.
    text = text.replace("2019年撤销无为县设立，安徽省辖、芜湖市代管", "2019年撤县设市")
    start = text.index('  - code: "340225"')
    end = text.index('  - code: "340281"')
    path.write_text(text[:start] + text[end:], encoding="utf-8")

    outcomes = {o.name: o for o in reference_load(data_dir=data)}

    assert outcomes["divisions"].changed and outcomes["divisions"].version == "2020.2"
    assert not outcomes["industries"].changed
    history = ReferenceDataset.objects.filter(name="divisions").order_by("id")
    assert [d.version for d in history] == ["2020.1", "2020.2"]
    assert ReferenceDataset.objects.filter(name="industries").count() == 1
    assert Division.objects.get(code="340281").note == "2019年撤县设市"
    # Never deleted: the retired code keeps its row, end date and successor.
    old = Division.objects.get(code="340225")
    assert old.valid_to is not None and old.successor_code == "340281"


def test_force_reloads_unchanged_files():
    reference_load()
    reference_load(force=True)
    assert ReferenceDataset.objects.filter(name="units").count() == 2


def test_units_created_before_the_load_are_updated_in_place(units):
    jinghu = units["镜湖区"]
    reference_load()
    assert AssessmentUnit.objects.count() == 11
    jinghu.refresh_from_db()
    assert jinghu.code == "340202" and jinghu.kind == "district"
    zone = AssessmentUnit.objects.get(code="ZONE-JK")
    assert zone.pk == units["经济技术开发区"].pk
    assert zone.full_name == "芜湖经济技术开发区"


def test_unit_codes_are_the_contract(reference_data):
    expected = {
        "340202": ("镜湖区", "district"),
        "340207": ("鸠江区", "district"),
        "340209": ("弋江区", "district"),
        "340210": ("湾沚区", "district"),
        "340212": ("繁昌区", "district"),
        "340223": ("南陵县", "county"),
        "340281": ("无为市", "county_city"),
        "ZONE-JK": ("经济技术开发区", "zone"),
        "ZONE-GX": ("高新技术产业开发区", "zone"),
        "ZONE-DQ": ("长江大桥开发区", "zone"),
        "ZONE-JB": ("江北产业集中区", "zone"),
    }
    got = {u.code: (u.name, u.kind) for u in AssessmentUnit.objects.all()}
    assert got == expected
    hosts = dict(AssessmentUnit.objects.filter(kind="zone").values_list("code", "division_code"))
    assert hosts == {
        "ZONE-JK": "340207",
        "ZONE-GX": "340209",
        "ZONE-DQ": "340207",
        "ZONE-JB": "340281",
    }


def test_retired_divisions_point_to_their_successors(reference_data):
    retired = {d.code: d.successor_code for d in Division.objects.filter(valid_to__isnull=False)}
    assert retired == {
        "340203": "340209",
        "340208": "340209",
        "340221": "340210",
        "340222": "340212",
        "340225": "340281",
    }
    current = set(Division.objects.filter(valid_to__isnull=True).values_list("code", flat=True))
    assert current == {
        "340200",
        "340202",
        "340207",
        "340209",
        "340210",
        "340212",
        "340223",
        "340281",
    }


def test_industry_table_counts(reference_data):
    def count(level, prefix=""):
        return IndustryCode.objects.filter(level=level, code__startswith=prefix).count()

    assert count("section") == 20
    assert count("division") == 97
    assert count("group") == 473
    # 1380 in the original 2017 text; the 2020 copy carries one more (see the data file).
    assert count("class") == 1381
    assert (count("division", "C"), count("group", "C"), count("class", "C")) == (31, 179, 609)


def test_industry_names_parents_and_aliases(reference_data):
    c36 = IndustryCode.objects.get(code="C36")
    assert (c36.name, c36.level, c36.parent_code) == ("汽车制造业", "division", "C")
    c3670 = IndustryCode.objects.get(code="C3670")
    assert (c3670.name, c3670.parent_code) == ("汽车零部件及配件制造", "C367")
    assert IndustryCode.objects.get(code="C37").name == "铁路、船舶、航空航天和其他运输设备制造业"
    assert "石油加工、炼焦及核燃料加工业" in IndustryCode.objects.get(code="C25").aliases
    assert "电气机械及器材制造业" in IndustryCode.objects.get(code="C38").aliases
    codes = set(IndustryCode.objects.values_list("code", flat=True))
    for industry in IndustryCode.objects.exclude(level="section"):
        assert industry.parent_code in codes


def test_size_standard_is_stored_as_data(reference_data):
    standard = SizeStandard.objects.get()
    assert standard.document == "工信部联企业〔2011〕300号"
    assert str(standard.effective_from) == "2011-06-18"
    assert len(standard.rules["sectors"]) == 16
    assert standard.rules["sectors"]["industry"]["sme_ceiling"] == {
        "employees": 1000,
        "revenue": 40000,
    }


@pytest.mark.parametrize("text", ["C 制造业\n99 无此大类", "36 汽车制造业", "C 制造业\n36"])
def test_malformed_industry_lines_are_reported(text):
    with pytest.raises(ReferenceDataError):
        parse_industry_codes(text)
