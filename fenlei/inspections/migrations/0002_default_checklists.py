"""The default checklists, written from the sorting office's inspection practice (DOMAIN.md): what is
looked at (publicity, facilities, signage, ledgers, demonstration, sorting results, collection,
supervision), with points, severity and the items whose failure vetoes an inspection. The district
office edits them: each edit is a new version, and past inspections keep the version they used."""

from decimal import Decimal

from django.db import migrations

# item: code, concern, Chinese, English, points, severity, veto, purity, responsible
_PUBLICITY = [
    ("P1", "publicity", "设有分类宣传栏或海报，内容符合现行分类标准", "A notice board or posters on sorting, matching the current rules", 5, "minor", False, False, "site"),
    ("P2", "publicity", "入户宣传（倡议书、指引卡）有记录", "Door-to-door publicity (letter, guide card) is recorded", 5, "minor", False, False, "site"),
]
_SIGNAGE = [
    ("S1", "signage", "容器标识、颜色符合GB/T 19095-2019", "Bin labels and colours follow GB/T 19095-2019", 5, "minor", False, False, "site"),
    ("S2", "signage", "投放点公示投放时间、责任人和监督电话", "The point shows its opening hours, the person responsible and a phone number", 5, "minor", False, False, "site"),
]
_SORTING = [
    ("Q1", "sorting", "桶内纯净度：每个容器均达到标准（默认85%）", "Purity: every bin reaches the threshold (85% by default)", 20, "major", False, True, "site"),
    ("Q2", "sorting", "无整桶混投、混装现象", "No bin is filled with mixed waste", 10, "critical", True, False, "site"),
]

ESTATE = [
    *_PUBLICITY,
    ("F1", "facilities", "投放点数量与服务户数相符（每300–500户一处），分类容器配齐", "Enough drop-off points (one per 300–500 households), with bins for every stream", 10, "major", False, False, "site"),
    ("F2", "facilities", "容器完好、洁净，无满溢", "Bins intact and clean, none overflowing", 10, "major", False, False, "site"),
    ("F3", "facilities", "投放点有洗手设施、照明和遮雨设施", "The point has hand-washing, lighting and a rain cover", 5, "minor", False, False, "site"),
    *_SIGNAGE,
    ("L1", "ledgers", "分类收运台账按日记录、完整", "The collection ledger is kept daily and complete", 5, "minor", False, False, "site"),
    *_SORTING,
    ("U1", "supervision", "定时投放时段有督导员在岗", "A supervisor is at the point during the drop-off hours", 10, "major", False, False, "site"),
    ("C1", "collection", "收运车辆分类收运，无混装混运", "The vehicle collects each stream separately, never mixed", 10, "critical", True, False, "hauler"),
]

OPEN_ESTATE = [
    (c, k, t, e, p, s, v, pu, "community" if r == "site" and k in ("facilities", "supervision", "ledgers") else r)
    for c, k, t, e, p, s, v, pu, r in ESTATE
]

OFFICE = [
    *_PUBLICITY[:1],
    ("F1", "facilities", "各楼层或集中投放点分类容器配齐、完好", "Bins for every stream on each floor or at the central point, intact", 15, "major", False, False, "site"),
    ("F2", "facilities", "办公区不设或少设单一其他垃圾桶", "Few or no single residual-waste bins in the offices", 5, "minor", False, False, "site"),
    *_SIGNAGE[:1],
    ("L1", "ledgers", "明确分类管理责任人，台账完整", "A person is responsible for sorting and the ledger is complete", 10, "minor", False, False, "site"),
    ("D1", "demonstration", "示范单位标牌与实际分类情况相符", "A demonstration plaque, if any, matches what is seen", 5, "minor", False, False, "site"),
    *_SORTING,
    ("C1", "collection", "与有资质的收运单位签约，分类收运", "A contract with a licensed hauler, each stream collected separately", 10, "major", False, False, "hauler"),
]

INSTITUTION = [
    (c, k, t, e, p, s, v, pu, "authority" if c == "L1" else r) for c, k, t, e, p, s, v, pu, r in OFFICE
]

RESTAURANT = [
    ("F1", "facilities", "设有专用餐厨垃圾收集容器，加盖密闭", "Covered containers kept for kitchen waste only", 15, "major", False, False, "site"),
    ("F2", "facilities", "设置油水分离设施并正常使用", "A grease separator installed and in use", 10, "major", False, False, "site"),
    ("S1", "signage", "容器标识清楚", "Containers clearly labelled", 5, "minor", False, False, "site"),
    ("L1", "ledgers", "餐厨垃圾产生、交运台账和转移联单完整", "Kitchen-waste ledger and transfer manifests complete", 15, "major", False, False, "site"),
    ("L2", "ledgers", "与有资质的收运单位签订收运合同", "A collection contract with a licensed hauler", 10, "major", False, False, "site"),
    ("Q1", "sorting", "餐厨垃圾中无餐具、塑料等杂物", "No cutlery, plastic or other waste in the kitchen waste", 15, "major", False, False, "site"),
    ("Q2", "sorting", "餐厨垃圾未混入其他垃圾或私自交运", "Kitchen waste never mixed into residual waste or handed to an unlicensed collector", 20, "critical", True, False, "site"),
    ("C1", "collection", "按约定频次日产日清", "Collected at the agreed frequency, nothing left over a day", 10, "major", False, False, "hauler"),
]

MARKET = [
    *_PUBLICITY[:1],
    ("F1", "facilities", "摊位或区域配备果蔬垃圾收集容器", "Containers for vegetable and fruit waste at the stalls", 15, "major", False, False, "site"),
    ("F2", "facilities", "垃圾收集点整洁，无满溢、无异味", "The collection point is tidy, not overflowing, no smell", 10, "major", False, False, "site"),
    *_SIGNAGE[:1],
    ("L1", "ledgers", "其他厨余垃圾分出量台账完整", "The ledger of other food waste separated out is complete", 10, "minor", False, False, "site"),
    ("Q1", "sorting", "果蔬、肉类垃圾单独分出，不混入其他垃圾", "Vegetable, fruit and meat waste kept out of residual waste", 20, "critical", True, False, "site"),
    ("U1", "supervision", "市场有专人负责分类管理", "Someone in the market is responsible for sorting", 10, "minor", False, False, "site"),
    ("C1", "collection", "其他厨余垃圾由收运单位单独收运", "Other food waste collected on its own by the hauler", 10, "major", False, False, "hauler"),
]

DROPOFF = [
    ("F1", "facilities", "分类容器齐全、完好、桶盖完整", "Bins for every stream present and intact, lids included", 10, "major", False, False, "site"),
    ("F2", "facilities", "容器无满溢，投放点周边无散落垃圾", "No overflowing bin, no litter around the point", 10, "major", False, False, "site"),
    ("S1", "signage", "公示投放时间、分类指引和责任人", "Opening hours, sorting guide and responsible person shown", 5, "minor", False, False, "site"),
    ("U1", "supervision", "定时投放时段督导员在岗", "The supervisor is present during the drop-off hours", 15, "major", False, False, "community"),
    ("Q1", "sorting", "桶内纯净度：每个容器均达到标准（默认85%）", "Purity: every bin reaches the threshold (85% by default)", 20, "major", False, True, "site"),
    ("Q2", "sorting", "无整桶混投", "No bin filled with mixed waste", 20, "critical", True, False, "site"),
    ("C1", "collection", "按时收运，无桶满未运", "Collected on time, no full bin left waiting", 10, "major", False, False, "hauler"),
]

VEHICLE = [
    ("S1", "signage", "车身喷涂所收运垃圾类别标识", "The vehicle is marked with the stream it carries", 10, "minor", False, False, "hauler"),
    ("F1", "facilities", "车辆密闭，无滴漏、无撒落", "The vehicle is closed, nothing drips or falls", 15, "major", False, False, "hauler"),
    ("C1", "collection", "分类收运，无混装混运", "Each stream carried separately, never mixed", 30, "critical", True, False, "hauler"),
    ("C2", "collection", "按规定时间和线路收运", "Collects on the agreed times and routes", 10, "minor", False, False, "hauler"),
    ("L1", "ledgers", "收运记录、称重数据完整", "Collection records and weights complete", 10, "minor", False, False, "hauler"),
]

# name, target, site kinds, scoring, pass mark, items
TEMPLATES = [
    ("物业小区检查表", "site", ["managed-estate", "village-group"], "points", 60, ESTATE),
    ("开放小区检查表", "site", ["open-estate"], "points", 60, OPEN_ESTATE),
    ("写字楼·机关大楼检查表", "site", ["office-building", "government", "resident-unit", "street-shops"], "points", 60, OFFICE),
    ("公共机构检查表", "site", ["public-institution", "school", "hospital"], "points", 60, INSTITUTION),
    ("餐饮单位检查表", "site", ["restaurant"], "points", 60, RESTAURANT),
    ("农贸市场检查表", "site", ["market"], "points", 60, MARKET),
    ("通用单位检查表", "site", [], "points", 60, ESTATE),
    ("投放点日常检查表", "dropoff", [], "deduction", 80, DROPOFF),
    ("收运车辆检查表", "vehicle", [], "deduction", 80, VEHICLE),
]


def forward(apps, schema_editor):
    Template = apps.get_model("inspections", "ChecklistTemplate")
    Version = apps.get_model("inspections", "ChecklistVersion")
    Item = apps.get_model("inspections", "ChecklistItem")
    SiteKind = apps.get_model("org", "SiteKind")
    for name, target, kinds, scoring, pass_mark, items in TEMPLATES:
        if Template.objects.filter(name=name).exists():
            continue
        template = Template.objects.create(name=name, target_type=target)
        template.site_kinds.set(SiteKind.objects.filter(code__in=kinds))
        version = Version.objects.create(
            template=template, number=1, scoring=scoring, pass_mark=Decimal(pass_mark), note="默认检查表"
        )
        Item.objects.bulk_create(
            Item(
                version=version,
                position=pos,
                code=code,
                concern=concern,
                text=text,
                text_en=text_en,
                points=Decimal(points),
                severity=severity,
                veto=veto,
                purity=purity,
                photo_required=True,
                responsible=responsible,
            )
            for pos, (code, concern, text, text_en, points, severity, veto, purity, responsible) in enumerate(
                items, start=1
            )
        )
        template.current = version
        template.save(update_fields=["current"])


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0001_checklists_inspections_orders"),
        ("org", "0002_site_kinds"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
