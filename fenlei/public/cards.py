"""Guide cards (指引卡): one printable card per site, A6 or A5, as a PDF.

A card names the site (its community and street, its address), its drop-off points with their opening
hours (the community's own points when the site has none), the streams the district's residents sort
into with their colours and a few common items from the dictionary, and a QR code to the which-bin
page. A community's (or a street's) cards come as one PDF, a card a page, in a constant number of
queries.

The PDF is written by fpdf2 with a CJK font, subset to the characters used (a card is some tens of
kilobytes). The font is the setting FENLEI_PDF_FONT, else a well-known Noto Sans CJK path, else what
fontconfig gives for "Noto Sans CJK SC"; without one, `FontMissing` is raised rather than a PDF of
empty boxes. A card speaks the district's language (LANGUAGE_CODE), whatever the officer's screen.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db.models import Q
from django.db.models.functions import Length
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fenlei.facilities.choices import FacilityStatus
from fenlei.facilities.models import DropOffPoint
from fenlei.public.models import Item
from fenlei.taxonomy import naming
from fenlei.taxonomy.choices import CategoryKind
from fenlei.taxonomy.models import Category

# --- sizes ------------------------------------------------------------------------------------------

#: size code -> (width, height) in mm, portrait. The layout is drawn for A6 and scaled for A5.
SIZES: dict[str, tuple[float, float]] = {"a6": (105.0, 148.0), "a5": (148.0, 210.0)}
SIZE_LABELS = {"a6": gettext_lazy("A6 (105 × 148 mm)"), "a5": gettext_lazy("A5 (148 × 210 mm)")}
DEFAULT_SIZE = "a6"

#: At most this many drop-off points on a card (the rest are counted).
MAX_POINTS = 4
#: Common items shown per stream.
ITEMS_PER_STREAM = 6
#: Well-known items, most telling first: each is shown under the stream the dictionary puts it in
#: (a name the dictionary lacks is skipped); a stream left short is filled with its shortest names.
COMMON_ITEMS = (
    # food / wet
    "剩菜剩饭",
    "果皮",
    "菜叶",
    "鸡蛋壳",
    "茶叶渣",
    "过期食品",
    # residual / dry
    "纸巾",
    "尿不湿",
    "烟蒂",
    "大骨头",
    "外卖餐盒",
    "塑料袋",
    # recyclable
    "饮料瓶",
    "旧报纸",
    "快递纸箱",
    "易拉罐",
    "玻璃瓶",
    "旧衣服",
    # hazardous
    "充电电池",
    "过期药品",
    "荧光灯管",
    "水银温度计",
    "油漆桶",
    "杀虫剂",
)

# --- the font ---------------------------------------------------------------------------------------

#: Where Debian, Ubuntu, Fedora and Alpine put Noto Sans CJK (fonts-noto-cjk, google-noto-sans-cjk…).
KNOWN_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)


class FontMissing(Exception):
    """No font that holds Chinese characters was found: no card can be printed."""

    def __init__(self, tried: str = ""):
        self.tried = tried
        super().__init__(str(self.message))

    @property
    def message(self) -> str:
        return _(
            "Guide cards cannot be printed: no Chinese font was found on the server. Install the "
            "fonts-noto-cjk package or set FENLEI_PDF_FONT to a font file that holds Chinese characters."
        )


@dataclass(frozen=True)
class Font:
    path: str
    #: The face's number inside a collection (.ttc); 0 for a single font.
    number: int = 0


def _holds_chinese(path: str, number: int) -> bool:
    from fontTools.ttLib import TTFont

    try:
        font = TTFont(path, fontNumber=number, lazy=True)
        cmap = font.getBestCmap() or {}
    except Exception:  # an unreadable file is just not a usable font
        return False
    return all(ord(c) in cmap for c in "分类垃圾")


def _face_number(path: str) -> int:
    """The face of a collection to use: the Simplified Chinese one when there is one (Noto's "… SC")."""
    if not path.lower().endswith((".ttc", ".otc")):
        return 0
    from fontTools.ttLib import TTCollection

    try:
        names = [f["name"].getDebugName(1) or "" for f in TTCollection(path, lazy=True).fonts]
    except Exception:  # not a collection we can read
        return 0
    for preferred in (" SC", "SC", "GB", "Hans"):
        for i, name in enumerate(names):
            if name.endswith(preferred) and "Mono" not in name:
                return i
    return 0


def _fontconfig() -> str:
    if not shutil.which("fc-match"):
        return ""
    try:
        got = subprocess.run(
            ["fc-match", "-f", "%{file}", "Noto Sans CJK SC:lang=zh-cn"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return got.stdout.strip()


@functools.cache
def _find(configured: str) -> Font:
    candidates = [configured] if configured else [*KNOWN_FONTS, _fontconfig()]
    for path in candidates:
        if not path or not Path(path).is_file():
            continue
        number = _face_number(path)
        if not _holds_chinese(path, number):
            continue
        return Font(path, number)
    raise FontMissing(", ".join(p for p in candidates if p))


def find_font() -> Font:
    """The CJK font cards are printed with (FontMissing when there is none)."""
    return _find(getattr(settings, "FENLEI_PDF_FONT", "") or "")


def font_available() -> bool:
    try:
        find_font()
    except FontMissing:
        return False
    return True


# --- what a card says -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PointLine:
    name: str
    hours: str


@dataclass(frozen=True)
class StreamBox:
    label: str
    colour: str
    items: tuple[str, ...]
    centrally_collected: bool


@dataclass
class Card:
    site: str
    community: str
    street: str
    address: str
    points: list[PointLine] = field(default_factory=list)
    #: How many points were left off the card.
    more_points: int = 0
    #: Whether the points are the community's (the site has none of its own).
    community_points: bool = False
    streams: list[StreamBox] = field(default_factory=list)
    url: str = ""
    rules: str = ""
    district: str = ""


def lookup_url(request=None) -> str:
    """The absolute address of the which-bin page: FENLEI_SITE_URL when set, else the request's host."""
    from django.urls import reverse

    path = reverse("public:lookup")
    if settings.FENLEI_SITE_URL:
        return settings.FENLEI_SITE_URL.rstrip("/") + path
    if request is not None:
        return request.build_absolute_uri(path)
    raise ValueError("FENLEI_SITE_URL is not set and there is no request to take the host from")


def common_items(n: int = ITEMS_PER_STREAM) -> dict[str, list[str]]:
    """A few well-known items per national category, from the dictionary (at most five queries)."""
    wanted = {s.category for s in naming.streams()}
    found = dict(
        Item.objects.filter(active=True, name__in=COMMON_ITEMS, category__in=wanted).values_list(
            "name", "category"
        )
    )
    out: dict[str, list[str]] = {c: [] for c in wanted}
    for name in COMMON_ITEMS:
        category = found.get(name)
        if category and len(out[category]) < n:
            out[category].append(name)
    for category, names in out.items():
        if len(names) < n:
            more = (
                Item.objects.filter(active=True, category=category)
                .exclude(name__in=names)
                .order_by(Length("name"), "name")
                .values_list("name", flat=True)[: n - len(names)]
            )
            names.extend(more)
    return out


def stream_boxes() -> list[StreamBox]:
    """The district's streams in its naming, with their bin colours and common items."""
    items = common_items()
    majors = {c.code: c for c in Category.objects.filter(kind=CategoryKind.MAJOR)}
    boxes = []
    for s in naming.streams():
        category = majors.get(s.category)
        colour = naming.colour(category) if category is not None else "#6b7280"
        boxes.append(StreamBox(s.label, colour, tuple(items.get(s.category, ())), s.centrally_collected))
    return boxes


def _open_points():
    return DropOffPoint.objects.filter(closed_on__isnull=True, status=FacilityStatus.IN_USE).only(
        "name", "opening_hours", "site_id", "area_id"
    )


def cards_for(sites, *, url: str) -> list[Card]:
    """The cards of `sites` (a queryset the caller has scoped), in its order. A constant number of
    queries whatever the number of sites: the sites with their community and street, the points of
    the sites and of their communities, the categories and the common items."""
    sites = list(sites.select_related("community__parent").order_by("area_path", "name", "pk"))
    with translation.override(settings.LANGUAGE_CODE):
        boxes = stream_boxes()
        site_ids = [s.pk for s in sites]
        community_ids = {s.community_id for s in sites}
        by_site: dict[int, list] = {}
        by_community: dict[int, list] = {}
        if sites:
            points = _open_points().filter(
                Q(site_id__in=site_ids) | Q(area_id__in=community_ids, site__isnull=True)
            )
            for p in points.order_by("name", "pk"):
                if p.site_id:
                    by_site.setdefault(p.site_id, []).append(p)
                else:
                    by_community.setdefault(p.area_id, []).append(p)
        district = settings.FENLEI_DISTRICT_NAME
        rules = settings.FENLEI_ITEM_RULES
        cards = []
        for site in sites:
            own = by_site.get(site.pk, [])
            points = own or by_community.get(site.community_id, [])
            community = site.community
            street = community.parent if community.parent_id else None
            cards.append(
                Card(
                    site=site.name,
                    community=community.name,
                    street=street.name if street is not None else "",
                    address=site.address,
                    points=[PointLine(p.name, p.opening_hours) for p in points[:MAX_POINTS]],
                    more_points=max(0, len(points) - MAX_POINTS),
                    community_points=not own and bool(points),
                    streams=boxes,
                    url=url,
                    rules=rules,
                    district=district,
                )
            )
    return cards


# --- drawing ----------------------------------------------------------------------------------------


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def _ink_on(colour: str) -> tuple[int, int, int]:
    r, g, b = _rgb(colour)
    return (0, 0, 0) if 0.299 * r + 0.587 * g + 0.114 * b > 160 else (255, 255, 255)


class _Pen:
    """Draws in A6 millimetres and points, scaled to the page."""

    def __init__(self, pdf, k: float):
        self.pdf, self.k = pdf, k

    def font(self, size: float, *, bold: bool = False) -> None:
        """The CJK face at `size` points; bold is drawn by stroking the letters (a second face of a CJK
        font would double the time a card takes: loading and subsetting one is most of it)."""
        from fpdf.enums import TextMode

        self.pdf.set_font("cjk", size=size * self.k)
        self.pdf.text_mode = TextMode.FILL_STROKE if bold else TextMode.FILL
        if bold:
            # fpdf2 writes this width into the text's stroke as points (not millimetres)
            self.pdf.set_line_width(size * self.k * 0.045)

    def fit(self, text: str, width: float, size: float, *, minimum: float, bold: bool = False) -> str:
        """Shrink the font until `text` fits `width`; below `minimum`, cut the text with an ellipsis."""
        w = width * self.k
        while size > minimum:
            self.font(size, bold=bold)
            if self.pdf.get_string_width(text) <= w:
                return text
            size -= 0.5
        self.font(minimum, bold=bold)
        if self.pdf.get_string_width(text) <= w:
            return text
        while text and self.pdf.get_string_width(text + "…") > w:
            text = text[:-1]
        return text + "…"

    def text(self, x: float, y: float, w: float, h: float, text: str, *, align: str = "L") -> None:
        self.pdf.set_xy(x * self.k, y * self.k)
        self.pdf.cell(w * self.k, h * self.k, text, align=align)

    def lines(self, x: float, y: float, w: float, h: float, text: str, *, max_lines: int) -> float:
        """Wrapped text (by character, as Chinese is), at most `max_lines`; returns the height used."""
        lines = self.pdf.multi_cell(
            w * self.k, h * self.k, text, wrapmode="CHAR", dry_run=True, output="LINES"
        )
        if len(lines) > max_lines:
            lines = lines[:max_lines]
            last = lines[-1]
            while last and self.pdf.get_string_width(last + "…") > w * self.k:
                last = last[:-1]
            lines[-1] = last + "…"
        for i, line in enumerate(lines):
            self.text(x, y + i * h, w, h, line)
        return len(lines) * h

    def items(self, x: float, y: float, w: float, h: float, names, *, max_lines: int) -> None:
        """Names joined by "、", wrapped between names (a name is never split), at most `max_lines`."""
        lines: list[str] = []
        for name in names:
            joined = lines[-1] + "、" + name if lines else name
            if lines and self.pdf.get_string_width(joined) <= w * self.k:
                lines[-1] = joined
            elif len(lines) < max_lines:
                lines.append(name)
            else:
                break
        for i, line in enumerate(lines):
            self.text(x, y + i * h, w, h, line)

    def fill(self, colour: tuple[int, int, int]) -> None:
        self.pdf.set_fill_color(*colour)

    def ink(self, colour: tuple[int, int, int]) -> None:
        self.pdf.set_text_color(*colour)
        self.pdf.set_draw_color(*colour)

    def rect(self, x: float, y: float, w: float, h: float, *, style: str = "F", round_: bool = False) -> None:
        self.pdf.rect(
            x * self.k,
            y * self.k,
            w * self.k,
            h * self.k,
            style=style,
            round_corners=round_,
            corner_radius=1.2 * self.k,
        )

    def qr(self, data: str, x: float, y: float, size: float) -> None:
        """The QR code of `data` as vector squares, with its quiet zone, in a `size`-mm square."""
        import segno

        code = segno.make(data, error="m", micro=False)
        quiet = 4
        rows = list(code.matrix)
        n = len(rows) + 2 * quiet
        m = size / n
        self.fill((255, 255, 255))
        self.rect(x, y, size, size)
        self.fill((0, 0, 0))
        for r, row in enumerate(rows):
            c = 0
            while c < len(row):
                if row[c]:
                    start = c
                    while c < len(row) and row[c]:
                        c += 1
                    self.rect(x + (quiet + start) * m, y + (quiet + r) * m, (c - start) * m, m)
                else:
                    c += 1


GREY = (90, 90, 90)
BLACK = (20, 20, 20)


def _draw(pen: _Pen, card: Card) -> None:
    margin, width = 6.0, 93.0
    pen.pdf.add_page()
    # the head: what this is, the site, where it is
    pen.ink(GREY)
    pen.font(7)
    pen.text(margin, 5, width, 4, _("Household waste sorting guide"))
    if card.district:
        pen.text(margin, 5, width, 4, card.district, align="R")
    pen.ink(BLACK)
    title = pen.fit(card.site, width, 16, minimum=10, bold=True)
    pen.text(margin, 9.5, width, 8, title)
    pen.ink(GREY)
    pen.font(7.5)
    where = " · ".join(p for p in (card.street, card.community) if p)
    pen.text(margin, 17.5, width, 4, pen.fit(where, width, 7.5, minimum=6))
    y = 21.5
    if card.address:
        pen.text(margin, y, width, 4, pen.fit(card.address, width, 7.5, minimum=6))
        y += 4
    pen.fill((225, 225, 225))
    pen.rect(margin, y + 1, width, 0.3)
    y += 2.5

    # drop-off points and their hours
    pen.ink(BLACK)
    pen.font(9, bold=True)
    heading = _("Drop-off points and opening hours")
    if card.community_points:
        heading += " " + _("(the community's)")
    pen.text(margin, y, width, 5, heading)
    y += 5.5
    pen.font(8)
    if not card.points:
        pen.ink(GREY)
        pen.text(margin, y, width, 4.2, _("Ask your community or property company where to drop off."))
        y += 4.4
    for p in card.points:
        pen.ink(BLACK)
        name = pen.fit(p.name, 40, 8, minimum=6.5)
        pen.text(margin, y, 41, 4.2, name)
        hours = p.hours or _("hours not given")
        pen.ink(BLACK if p.hours else GREY)
        pen.text(margin + 41, y, width - 41, 4.2, pen.fit(hours, width - 41, 8, minimum=6))
        y += 4.4
    if card.more_points:
        pen.ink(GREY)
        pen.font(7)
        pen.text(margin, y, width, 3.6, _("and {n} more").format(n=card.more_points))
        y += 3.8
    y = max(y + 1.5, 52.0)

    # the streams: a 2 × 2 grid of coloured boxes with common items
    pen.ink(BLACK)
    pen.font(9, bold=True)
    pen.text(margin, y, width, 5, _("How to sort"))
    y += 6
    gap = 2.5
    box_w = (width - gap) / 2
    box_h = 19.0
    for i, box in enumerate(card.streams[:4]):
        bx = margin + (i % 2) * (box_w + gap)
        by = y + (i // 2) * (box_h + gap)
        pen.fill((246, 246, 246))
        pen.rect(bx, by, box_w, box_h, round_=True)
        pen.fill(_rgb(box.colour))
        pen.rect(bx, by, box_w, 6, round_=True)
        pen.rect(bx, by + 3, box_w, 3)  # square off the band's lower corners
        pen.ink(_ink_on(box.colour))
        pen.font(9.5, bold=True)
        pen.text(bx + 2, by + 0.5, box_w - 4, 5, box.label)
        pen.ink(BLACK)
        pen.font(7)
        pen.items(bx + 2, by + 7.2, box_w - 4, 3.6, box.items, max_lines=3)
    y += 2 * box_h + gap + 3

    # the QR code to the which-bin page, and where the rules come from
    qr = 27.0
    qy = 148.0 - 6 - qr
    pen.qr(card.url, margin - 1.5, qy, qr)
    tx = margin + qr + 1
    tw = width - qr - 1
    pen.ink(BLACK)
    pen.font(9, bold=True)
    pen.text(tx, qy + 3, tw, 5, _("Not sure? Scan to look it up"))
    pen.ink(GREY)
    pen.font(6)
    url_h = pen.lines(tx, qy + 9, tw, 2.8, card.url, max_lines=2)
    ry = qy + 10 + url_h
    if card.rules:
        ry += pen.lines(tx, ry, tw, 2.8, _("Rules followed: {rules}").format(rules=card.rules), max_lines=2)
    if card.district:
        pen.lines(tx, ry, tw, 2.8, card.district, max_lines=1)


def render(cards: list[Card], *, size: str = DEFAULT_SIZE, title: str = "") -> bytes:
    """One PDF, a card a page, at `size` ("a6" or "a5"). FontMissing when there is no CJK font."""
    from fpdf import FPDF

    if size not in SIZES:
        raise ValueError(f"unknown card size {size!r}")
    font = find_font()
    width, height = SIZES[size]
    pdf = FPDF(orientation="P", unit="mm", format=(width, height))
    pdf.set_auto_page_break(False)
    pdf.set_margin(0)
    pdf.add_font("cjk", "", font.path, collection_font_number=font.number)
    pdf.set_title(title or _("Guide cards"))
    pdf.set_creator("fenlei")
    pen = _Pen(pdf, width / SIZES["a6"][0])
    with translation.override(settings.LANGUAGE_CODE):
        for card in cards:
            _draw(pen, card)
    return bytes(pdf.output())


def pdf_for(sites, *, url: str, size: str = DEFAULT_SIZE, title: str = "") -> tuple[bytes, int]:
    """The cards of `sites` (a queryset the caller has scoped) in one PDF, and how many there are."""
    cards = cards_for(sites, url=url)
    return render(cards, size=size, title=title), len(cards)
