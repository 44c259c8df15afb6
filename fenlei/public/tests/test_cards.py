"""Guide cards, read back: the PDF's page size, its text (PDFium) and its QR code (zxing-cpp, from the
page rendered to an image); a community's batch, a card a page, in a constant number of queries; the
scope (404 outside it); and a clear refusal when there is no Chinese font."""

from __future__ import annotations

from urllib.parse import unquote

import pypdfium2
import pytest
import zxingcpp
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fenlei.core.services import create
from fenlei.facilities.models import DropOffPoint
from fenlei.org import services as org
from fenlei.org.models import Site, SiteKind
from fenlei.public import cards

pytestmark = pytest.mark.django_db

SITE_URL = "https://fenlei.example.gov.cn"
LOOKUP = SITE_URL + "/which-bin/"
MM = 72 / 25.4


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.FENLEI_SITE_URL = SITE_URL
    settings.FENLEI_DISTRICT_NAME = "东湖区"


@pytest.fixture
def points(world):
    estate = world.sites["a1_estate"]
    return [
        create(
            DropOffPoint(
                area=world.community_a1,
                site=estate,
                name="3号楼东侧",
                opening_hours="07:00-09:00, 18:00-20:00",
            ),
            by=world.alice,
        ),
        create(
            DropOffPoint(
                area=world.community_a1, site=estate, name="北门误时点", opening_hours="20:00-22:00"
            ),
            by=world.alice,
        ),
        # the community's own point (no site): the card of a site without points shows it
        create(
            DropOffPoint(area=world.community_a1, name="社区公共投放点", opening_hours="06:30-08:30"),
            by=world.alice,
        ),
    ]


_opened: list[pypdfium2.PdfDocument] = []


@pytest.fixture(autouse=True)
def _close_pdfs():
    yield
    while _opened:
        _opened.pop().close()


def opened(path) -> pypdfium2.PdfDocument:
    pdf = pypdfium2.PdfDocument(str(path))
    _opened.append(pdf)
    return pdf


def saved(response, tmp_path, name="card.pdf") -> pypdfium2.PdfDocument:
    """The response's PDF written to a real file and opened again."""
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / name
    path.write_bytes(response.content)
    return opened(path)


def text_of(page) -> str:
    return page.get_textpage().get_text_range()


def size_mm(page) -> tuple[int, int]:
    w, h = page.get_size()
    return round(w / MM), round(h / MM)


def qr_of(page) -> list[str]:
    image = page.render(scale=300 / 72).to_pil()
    return [b.text for b in zxingcpp.read_barcodes(image) if b.format == zxingcpp.BarcodeFormat.QRCode]


def test_a_sites_card_prints_its_name_points_categories_and_a_qr_code_to_the_lookup(
    world, points, client_for, tmp_path
):
    response = client_for("cora").get(reverse("cards:site-pdf", args=[world.sites["a1_estate"].pk]))
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=utf-8''" in disposition
    assert "甲一花园" in unquote(disposition) and "A6" in disposition
    pdf = saved(response, tmp_path)
    assert len(pdf) == 1
    page = pdf[0]
    assert size_mm(page) == (105, 148)  # A6, the default
    text = text_of(page)
    for expected in ("甲一花园", "甲一社区", "甲街道", "东湖区", "上海市生活垃圾分类投放指南（2019）"):
        assert expected in text
    # the points with their hours (the site's own, so not the community's)
    assert "3号楼东侧" in text and "07:00-09:00, 18:00-20:00" in text and "20:00-22:00" in text
    assert "社区公共投放点" not in text
    # the streams as the district names them (Shanghai: 湿垃圾/干垃圾) and common items of each
    for label in ("可回收物", "有害垃圾", "湿垃圾", "干垃圾"):
        assert label in text
    for item in ("剩菜剩饭", "纸巾", "旧报纸", "过期药品"):
        assert item in text
    assert LOOKUP in text  # the address in small print
    assert qr_of(page) == [LOOKUP]
    assert len(response.content) < 120_000  # the font is subset


def test_the_a5_card_is_a5_and_the_qr_code_still_reads(world, points, client_for, tmp_path):
    url = reverse("cards:site-pdf", args=[world.sites["a1_estate"].pk])
    page = saved(client_for("alice").get(url, {"size": "a5"}), tmp_path)[0]
    assert size_mm(page) == (148, 210)
    assert "甲一花园" in text_of(page)
    assert qr_of(page) == [LOOKUP]


def test_without_a_site_url_the_qr_code_points_at_the_host_asked(
    world, points, client_for, settings, tmp_path
):
    settings.FENLEI_SITE_URL = ""
    url = reverse("cards:site-pdf", args=[world.sites["a1_estate"].pk])
    page = saved(client_for("alice").get(url), tmp_path)[0]
    assert qr_of(page) == ["http://testserver/which-bin/"]


def test_a_site_without_points_shows_its_communitys(world, points, client_for, tmp_path):
    school = world.sites["a1_school"]
    text = text_of(saved(client_for("alice").get(reverse("cards:site-pdf", args=[school.pk])), tmp_path)[0])
    assert "甲一小学" in text and "社区公共投放点" in text and "06:30-08:30" in text
    assert "3号楼东侧" not in text  # another site's point
    # and a site with none, in a community with none, still gets a card
    text = text_of(
        saved(client_for("alice").get(reverse("cards:site-pdf", args=[world.sites["a2_open"].pk])), tmp_path)[
            0
        ]
    )
    assert "甲二小区" in text and "可回收物" in text


def test_the_categories_follow_the_districts_naming(world, client_for, settings, tmp_path):
    settings.FENLEI_NAMING = "national"
    settings.FENLEI_SCHEME = "four"
    text = text_of(
        saved(
            client_for("alice").get(reverse("cards:site-pdf", args=[world.sites["a1_estate"].pk])), tmp_path
        )[0]
    )
    for label in ("可回收物", "有害垃圾", "厨余垃圾", "其他垃圾"):
        assert label in text
    assert "湿垃圾" not in text and "干垃圾" not in text


def test_a_communitys_batch_has_one_page_per_open_site(world, points, client_for, tmp_path):
    community = world.community_a1
    org.site_close(site=world.sites["a1_school"], by=None)
    extra = [
        org.site_create(
            site=Site(
                name=f"甲一{i}号楼", kind=SiteKind.objects.get(code="managed-estate"), community=community
            ),
            by=None,
        )
        for i in range(1, 4)
    ]
    response = client_for("cora").get(reverse("cards:community-pdf", args=[community.pk]), {"size": "a6"})
    pdf = saved(response, tmp_path, "community.pdf")
    texts = [text_of(pdf[i]) for i in range(len(pdf))]
    assert len(pdf) == 4  # 甲一花园 and the three new sites; the closed school has no card
    names = ["甲一花园", *(s.name for s in extra)]
    assert sorted(next(n for n in names if n in t) for t in texts) == sorted(names)
    assert all(qr_of(pdf[i]) == [LOOKUP] for i in (0, len(pdf) - 1))
    assert not any("甲一小学" in t for t in texts)
    # the street's batch holds its two communities' open sites
    street = saved(
        client_for("sam").get(reverse("cards:street-pdf", args=[world.street_a.pk])), tmp_path, "s.pdf"
    )
    assert len(street) == 4 + 2  # 甲一社区's four, 甲二社区's two


def test_the_cards_of_many_sites_take_as_many_queries_as_of_one(world, points):
    kind = SiteKind.objects.get(code="managed-estate")
    sites = Site.objects.filter(community=world.community_a1)
    with CaptureQueriesContext(connection) as few:
        assert len(cards.cards_for(sites, url=LOOKUP)) == 2
    for i in range(12):
        site = org.site_create(
            site=Site(name=f"甲一新苑{i}", kind=kind, community=world.community_a1), by=None
        )
        create(DropOffPoint(area=world.community_a1, site=site, name=f"新苑{i}号点"), by=world.alice)
    with CaptureQueriesContext(connection) as many:
        made = cards.cards_for(sites, url=LOOKUP)
    assert len(made) == 14
    assert len(many) == len(few)
    assert {c.site: [p.name for p in c.points] for c in made}["甲一新苑3"] == ["新苑3号点"]


def test_outside_the_scope_there_is_no_card(world, points, client_for):
    estate, community = world.sites["a1_estate"], world.community_a1
    for name in ("olly", "nina", "ada"):
        client = client_for(name)
        assert client.get(reverse("cards:site", args=[estate.pk])).status_code == 404
        assert client.get(reverse("cards:site-pdf", args=[estate.pk])).status_code == 404
        assert client.get(reverse("cards:community-pdf", args=[community.pk])).status_code == 404
    assert client_for("olly").get(reverse("cards:street-pdf", args=[world.street_a.pk])).status_code == 404
    # a site manager prints its own site's card, not its community's batch
    assert client_for("mia").get(reverse("cards:site-pdf", args=[estate.pk])).status_code == 200
    assert client_for("mia").get(reverse("cards:community-pdf", args=[community.pk])).status_code == 404
    # a community's page takes only communities, a street's only streets
    assert client_for("alice").get(reverse("cards:community", args=[world.street_a.pk])).status_code == 404
    anon = client_for(None).get(reverse("cards:site-pdf", args=[estate.pk]))
    assert anon.status_code == 302 and reverse("accounts:login") in anon["Location"]


def test_the_pages_offer_the_sizes_and_show_what_the_card_says(world, points, client_for):
    client = client_for("sam")
    client.cookies["fenlei_language"] = "en"
    page = client.get(reverse("cards:site", args=[world.sites["a1_estate"].pk])).content.decode()
    assert 'value="a6"' in page and 'value="a5"' in page
    assert reverse("cards:site-pdf", args=[world.sites["a1_estate"].pk]) in page
    assert "3号楼东侧" in page and "湿垃圾" in page  # what the card says, in the residents’ language
    community = client.get(reverse("cards:community", args=[world.community_a1.pk])).content.decode()
    assert "甲一花园" in community and "甲一小学" in community
    index = client.get(reverse("cards:index")).content.decode()
    assert reverse("cards:community", args=[world.community_a1.pk]) in index
    assert reverse("cards:community", args=[world.community_b1.pk]) not in index
    # alice sees two streets: she picks one first
    alice = client_for("alice").get(reverse("cards:index")).content.decode()
    assert f"?street={world.street_b.pk}" in alice
    assert reverse("cards:community", args=[world.community_b1.pk]) not in alice
    chosen = client_for("alice").get(reverse("cards:index"), {"street": world.street_b.pk}).content.decode()
    assert reverse("cards:community", args=[world.community_b1.pk]) in chosen
    # a site manager sees no community: its own site instead
    mia = client_for("mia").get(reverse("cards:index")).content.decode()
    assert reverse("cards:site", args=[world.sites["a1_estate"].pk]) in mia


def test_a_bad_size_is_refused_naming_the_field(world, client_for):
    client = client_for("alice")
    client.cookies["fenlei_language"] = "en"
    response = client.get(reverse("cards:site-pdf", args=[world.sites["a1_estate"].pk]), {"size": "a0"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "Card size" in response.content.decode()


@pytest.mark.parametrize(
    "font", ["/nonexistent/NotoSansCJK-Regular.ttc", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"]
)
def test_without_a_chinese_font_the_page_says_so_and_prints_nothing(world, client_for, settings, font):
    settings.FENLEI_PDF_FONT = font  # missing, or a font without Chinese characters
    client = client_for("alice")
    response = client.get(reverse("cards:site-pdf", args=[world.sites["a1_estate"].pk]))
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert 'id="font-missing"' in response.content.decode()
    assert 'id="font-missing"' in client.get(reverse("cards:index")).content.decode()
    with pytest.raises(cards.FontMissing):
        cards.render([], size="a6")


def test_the_command_writes_a_communitys_cards_to_a_file(world, points, tmp_path):
    out = tmp_path / "甲一社区.pdf"
    call_command(
        "guide_cards", "--community", str(world.community_a1.pk), "--size", "a5", "--output", str(out)
    )
    pdf = opened(out)
    assert len(pdf) == 2 and size_mm(pdf[0]) == (148, 210)
    assert qr_of(pdf[0]) == [LOOKUP]
