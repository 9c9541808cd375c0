"""Media: the old site's uploads copied and linked anew; /media/<path> serving them."""

import pytest

from ngo.sanitize import clean_statement_html
from ngo.wordpress.content import convert
from ngo.wordpress.media import MediaLibrary
from ngo.wordpress.wxr import Site

SITE = Site(
    title="Rights Watch",
    link="https://ngo.example.am",
    base_site_url="https://ngo.example.am",
    base_blog_url="https://ngo.example.am",
    language="en-US",
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00 a small picture"
PDF = b"%PDF-1.4\n% a report\n"


@pytest.fixture
def uploads(tmp_path):
    """A copy of the old site's wp-content/uploads."""
    root = tmp_path / "uploads"
    (root / "2023" / "09").mkdir(parents=True)
    (root / "2023" / "09" / "march.jpg").write_bytes(JPEG)
    (root / "2023" / "09" / "march-1024x768.jpg").write_bytes(JPEG + b" large")
    (root / "2023" / "09" / "report 2023.pdf").write_bytes(PDF)
    (root / "2023" / "09" / "Ժողով.jpg").write_bytes(JPEG)
    (tmp_path / "secret.txt").write_text("not for the web")
    (root / "2023" / "09" / "link.jpg").symlink_to(tmp_path / "secret.txt")
    return root


def library(uploads, folder, dry_run=False):
    return MediaLibrary(uploads, SITE, folder, dry_run=dry_run)


def test_old_addresses_of_every_form_find_the_same_file(uploads, tmp_path):
    media = library(uploads, tmp_path / "media")
    for url in (
        "https://ngo.example.am/wp-content/uploads/2023/09/march.jpg",
        "http://ngo.example.am/wp-content/uploads/2023/09/march.jpg",
        "https://www.ngo.example.am/wp-content/uploads/2023/09/march.jpg",
        "//ngo.example.am/wp-content/uploads/2023/09/march.jpg",
        "/wp-content/uploads/2023/09/march.jpg",
        "https://ngo.example.am/wp-content/uploads/2023/09/march-300x200.jpg",
        "https://ngo.example.am/wp-content/uploads/2023/09/march-scaled.jpg",
    ):
        assert media.address_for(url) == "/media/2023/09/march.jpg", url
    assert media.copied == ["2023/09/march.jpg"]
    assert (tmp_path / "media" / "2023" / "09" / "march.jpg").read_bytes() == JPEG
    # A resized variant that exists is copied as itself.
    variant = "https://ngo.example.am/wp-content/uploads/2023/09/march-1024x768.jpg"
    assert media.address_for(variant) == "/media/2023/09/march-1024x768.jpg"
    encoded = "https://ngo.example.am/wp-content/uploads/2023/09/%D4%BA%D5%B8%D5%B2%D5%B8%D5%BE.jpg"
    assert media.address_for(encoded) == (
        "/media/2023/09/%D4%BA%D5%B8%D5%B2%D5%B8%D5%BE.jpg"
    )
    assert (
        media.address_for(
            "https://ngo.example.am/wp-content/uploads/2023/09/report%202023.pdf"
        )
        == "/media/2023/09/report%202023.pdf"
    )
    assert media.missing == []


@pytest.mark.parametrize(
    "url",
    [
        "https://ngo.example.am/wp-content/uploads/2023/09/none.jpg",
        "https://ngo.example.am/wp-content/uploads/../../secret.txt",
        "https://ngo.example.am/wp-content/uploads/2023/%2e%2e/%2e%2e/../secret.txt",
        "https://ngo.example.am/wp-content/uploads/2023/09/..%2f..%2f..%2fsecret.txt",
        "https://ngo.example.am/wp-content/uploads/2023/09/link.jpg",
        "https://ngo.example.am/wp-content/uploads//etc/passwd",
        "https://ngo.example.am/wp-content/uploads/2023\\..\\..\\secret.txt",
    ],
)
def test_missing_and_escaping_paths_are_not_found(uploads, tmp_path, url):
    media = library(uploads, tmp_path / "media")
    assert media.address_for(url) is None
    assert media.missing == [url]
    assert media.copied == []
    assert not (tmp_path / "media").exists()


@pytest.mark.parametrize(
    "url",
    [
        "https://other.example.org/wp-content/uploads/2023/09/march.jpg",
        "https://ngo.example.am/2023/09/march.jpg",
        "ftp://ngo.example.am/wp-content/uploads/2023/09/march.jpg",
        "march.jpg",
    ],
)
def test_addresses_elsewhere_are_not_uploads(uploads, tmp_path, url):
    assert not library(uploads, tmp_path / "media").is_upload(url)


def test_a_dry_run_copies_nothing_and_answers_the_same(uploads, tmp_path):
    url = "https://ngo.example.am/wp-content/uploads/2023/09/march-300x200.jpg"
    dry = library(uploads, tmp_path / "media", dry_run=True)
    assert dry.address_for(url) == "/media/2023/09/march.jpg"
    assert dry.address_for(url + "x") is None
    assert not (tmp_path / "media").exists()
    real = library(uploads, tmp_path / "media")
    assert real.address_for(url) == "/media/2023/09/march.jpg"
    assert real.address_for(url + "x") is None
    assert (dry.copied, dry.missing) == (real.copied, real.missing)


def test_convert_rewrites_the_posts_media_and_lists_what_is_missing(uploads, tmp_path):
    media = library(uploads, tmp_path / "media")
    old = "https://ngo.example.am/wp-content/uploads/2023/09/"
    content = (
        '[caption id="attachment_5" width="300"]'
        '<a href="http://www.ngo.example.am/wp-content/uploads/2023/09/march.jpg">'
        f'<img class="wp-image-5" src="{old}march-300x200.jpg" srcset="x 300w"'
        ' alt="A march" width="300" height="200" /></a> Marchers[/caption]\n\n'
        '<img src="/wp-content/uploads/2023/09/gone.png" alt="Gone">\n\n'
        f'Read <a href="{old}report%202023.pdf">the report</a> and '
        f'<a href="{old}old.pdf">the old one</a>.'
    )
    result = convert(content, site=SITE, media=media)
    assert result.body == (
        '<figure><a href="/media/2023/09/march.jpg"><img src="/media/2023/09/march.jpg"'
        ' alt="A march" width="300" height="200"></a>'
        "<figcaption>Marchers</figcaption></figure>\n"
        '<p><a href="https://ngo.example.am/wp-content/uploads/2023/09/gone.png">Gone</a>'
        "</p>\n"
        '<p>Read <a href="/media/2023/09/report%202023.pdf">the report</a> and '
        f'<a href="{old}old.pdf">the old one</a>.</p>'
    )
    missing = [
        "https://ngo.example.am/wp-content/uploads/2023/09/gone.png",
        "https://ngo.example.am/wp-content/uploads/2023/09/old.pdf",
    ]
    assert result.missing_media == missing
    assert media.missing == missing
    assert sorted(media.copied) == ["2023/09/march.jpg", "2023/09/report 2023.pdf"]


def test_without_uploads_images_are_links_to_where_they_were():
    content = (
        '<img src="https://ngo.example.am/wp-content/uploads/2023/09/a.jpg" alt="A">'
    )
    result = convert(content, site=SITE)
    assert result.body == (
        '<p><a href="https://ngo.example.am/wp-content/uploads/2023/09/a.jpg">A</a></p>'
    )
    assert result.missing_media == []


@pytest.mark.parametrize(
    "image",
    [
        '<img src="https://tracker.example/p.gif">',
        '<img src="//tracker.example/p.gif">',
        '<img src="/\\tracker.example/p.gif">',
        '<img src="javascript:alert(1)">',
        '<img src="data:image/png;base64,AAAA">',
        '<img src=" /media/a.jpg">',
        '<img src="/media/a.jpg\n">',
        "<img alt=nothing>",
    ],
)
def test_the_statement_sanitiser_keeps_only_images_of_this_site(image):
    assert clean_statement_html(f"<p>a{image}b</p>") == "<p>ab</p>"


def test_an_image_of_this_site_keeps_only_its_safe_attributes():
    image = (
        '<figure class="x"><img src="/media/2023/09/a.jpg" alt="A &amp; B" '
        'width="300" height="50%" onerror="alert(1)" style="x" srcset="y 2x">'
        '<figcaption onclick="x">Cap</figcaption></figure>'
    )
    assert clean_statement_html(image) == (
        '<figure><img src="/media/2023/09/a.jpg" alt="A &amp; B" width="300">'
        "<figcaption>Cap</figcaption></figure>"
    )


# The /media/ route.


@pytest.fixture
def media_folder(app_config, tmp_path):
    folder = tmp_path / "served"
    (folder / "2023" / "09").mkdir(parents=True)
    (folder / "2023" / "09" / "march.jpg").write_bytes(JPEG)
    (folder / "2023" / "09" / "report.pdf").write_bytes(PDF)
    (folder / "2023" / "09" / "drawing.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    )
    (folder / "2023" / "09" / "page.html").write_text("<script>alert(1)</script>")
    (folder / "2023" / "09" / "minutes.docx").write_bytes(b"PK\x03\x04")
    (tmp_path / "secret.txt").write_text("not for the web")
    app_config["MEDIA_FOLDER"] = str(folder)
    return folder


def test_an_image_is_served_inline_for_a_year(media_folder, client):
    response = client.get("/media/2023/09/march.jpg")
    assert response.status_code == 200
    assert response.data == JPEG
    assert response.mimetype == "image/jpeg"
    assert response.headers["Cache-Control"] == "public, max-age=31536000"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Cookie" not in response.headers.get("Vary", "")
    assert "attachment" not in response.headers.get("Content-Disposition", "")
    again = client.get(
        "/media/2023/09/march.jpg",
        headers={"If-None-Match": response.headers["ETag"]},
    )
    assert again.status_code == 304
    pdf = client.get("/media/2023/09/report.pdf")
    assert pdf.mimetype == "application/pdf"
    assert "attachment" not in pdf.headers.get("Content-Disposition", "")


@pytest.mark.parametrize("name", ["drawing.svg", "page.html", "minutes.docx"])
def test_anything_a_browser_could_run_is_a_download(media_folder, client, name):
    response = client.get(f"/media/2023/09/{name}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    if name != "minutes.docx":
        assert response.mimetype == "application/octet-stream"


@pytest.mark.parametrize(
    "path",
    [
        "/media/2023/09/none.jpg",
        "/media/../secret.txt",
        "/media/2023/../../secret.txt",
        "/media/%2e%2e/secret.txt",
        "/media/..%2fsecret.txt",
        "/media/2023/09/",
    ],
)
def test_missing_files_and_paths_outside_are_404(media_folder, client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert b"not for the web" not in response.data


def test_media_has_one_address_in_every_language(media_folder, app, client):
    assert client.get("/hy/media/2023/09/march.jpg").data == JPEG
    with app.test_request_context("/"):
        from flask import url_for

        assert url_for("media.file", name="2023/09/march.jpg") == (
            "/media/2023/09/march.jpg"
        )


def test_an_imported_figure_shows_on_its_statement(
    uploads, media_folder, client, make_statement
):
    media = library(uploads, media_folder)
    content = (
        '[caption width="300"]<img src="https://ngo.example.am/wp-content/uploads/2023/'
        '09/march-300x200.jpg" alt="A march" width="300"> Marchers[/caption]\n\n'
        '<img src="https://tracker.example/pixel.gif" alt="">'
    )
    slug = make_statement(body=convert(content, site=SITE, media=media).body)
    page = client.get(f"/statements/{slug}").get_data(as_text=True)
    assert (
        '<figure><img src="/media/2023/09/march.jpg" alt="A march" width="300">'
        "<figcaption>Marchers</figcaption></figure>"
    ) in page
    assert '<a href="https://tracker.example/pixel.gif">pixel.gif</a>' in page
    assert client.get("/media/2023/09/march.jpg").data == JPEG
