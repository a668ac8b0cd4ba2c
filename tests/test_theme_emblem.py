"""The default emblem and the favicon follow the theme colours; the header shows the emblem where
an uploaded logo would be."""
from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from app.extensions import db as _db
from app.models.branding import SiteLogo
from app.settings import set_setting


def head_links(html: str) -> list[str]:
    return re.findall(r'<link rel="icon"[^>]*>', html)


def brand(html: str) -> str:
    return html[html.index('<a class="brand"'):html.index("</a>", html.index('<a class="brand"'))]


@pytest.mark.parametrize("url", ["/", "/en/", "/etappenziele", "/diese-seite-gibt-es-nicht"])
def test_every_page_links_the_ico_and_the_svg_icon(client, db, url):
    links = head_links(client.get(url).get_data(as_text=True))
    assert links[0] == '<link rel="icon" href="/favicon.ico" sizes="16x16 32x32 48x48">'
    assert re.fullmatch(r'<link rel="icon" href="/emblem\.svg\?v=[0-9a-f]{16}" type="image/svg\+xml">', links[1])


def test_favicon_ico_is_a_real_icon_in_the_primary_colour(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.mimetype == "image/vnd.microsoft.icon"
    icon = Image.open(io.BytesIO(response.data))
    assert icon.format == "ICO" and set(icon.info["sizes"]) == {(16, 16), (32, 32), (48, 48)}
    icon.size = (48, 48)
    pixels = icon.convert("RGB")
    assert pixels.getpixel((3 * 48 // 32, 16 * 48 // 32)) == (0x1a, 0x5f, 0xb4)  # the default primary colour
    assert pixels.getpixel((8 * 48 // 32, 23 * 48 // 32)) == (255, 255, 255)  # a white bar
    assert client.get("/favicon.ico", headers={"If-None-Match": response.headers["ETag"]}).status_code == 304

    set_setting("primary_color", "#0b6e4f")
    _db.session.commit()
    changed = Image.open(io.BytesIO(client.get("/favicon.ico").data))
    changed.size = (48, 48)
    assert changed.convert("RGB").getpixel((4, 24)) == (0x0b, 0x6e, 0x4f)


def test_emblem_svg_has_the_theme_colours_and_a_new_address_when_they_change(client, db):
    html = client.get("/").get_data(as_text=True)
    url = re.search(r'<img class="brand-logo brand-emblem" src="([^"]+)" width="48" height="48" alt="">', html).group(1)
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    svg = response.get_data(as_text=True)
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert 'fill="#1a5fb4"' in svg and 'fill="#a51d2d"' in svg
    assert response.cache_control.max_age == 365 * 24 * 3600

    set_setting("primary_color", "#0B6E4F")
    set_setting("accent_color", "#5c3d99")
    _db.session.commit()
    html = client.get("/").get_data(as_text=True)
    new_url = re.search(r'<img class="brand-logo brand-emblem" src="([^"]+)"', html).group(1)
    assert new_url != url and new_url in head_links(html)[1]
    svg = client.get(new_url).get_data(as_text=True)
    assert 'fill="#0b6e4f"' in svg and 'fill="#5c3d99"' in svg


def test_a_broken_colour_setting_falls_back_instead_of_breaking_pages(client, db):
    set_setting("primary_color", "nicht-eine-farbe")
    _db.session.commit()
    assert client.get("/").status_code == 200
    assert 'fill="#1a5fb4"' in client.get("/emblem.svg").get_data(as_text=True)


def test_header_shows_the_uploaded_logo_instead_of_the_emblem(client, db):
    _db.session.add(SiteLogo(id=1, data=b"png", mimetype="image/png", digest="ab" * 32, width=800, height=200))
    _db.session.commit()
    header = brand(client.get("/").get_data(as_text=True))
    assert f'<img class="brand-logo" src="/logo?v={"ab" * 8}" width="800" height="200" alt="">' in header
    assert "brand-emblem" not in header
    assert '<span class="brand-name">' in header
