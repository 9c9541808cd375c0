"""A WordPress post's content as a statement body: each rule of the conversion."""

# ruff: noqa: E501 (posts' HTML is as long as WordPress stores it)

import pytest

from ngo.wordpress.content import convert, take_trailing_signatories, wpautop
from ngo.wordpress.wxr import Site

SITE = Site(
    title="Rights Watch",
    link="https://ngo.example.am",
    base_site_url="https://ngo.example.am",
    base_blog_url="https://ngo.example.am",
    language="en-US",
)


def body(content: str, **options) -> str:
    return convert(content, site=SITE, **options).body


def test_block_comments_go_and_their_html_stays():
    content = """<!-- wp:heading {"level":3} -->
<h3 class="wp-block-heading">Demands</h3>
<!-- /wp:heading -->

<!-- wp:paragraph -->
<p>We call on the <strong>government</strong>.</p>
<!-- /wp:paragraph -->

<!-- wp:separator -->
<hr class="wp-block-separator has-alpha-channel-opacity"/>
<!-- /wp:separator -->"""
    assert body(content) == (
        "<h3>Demands</h3>\n<p>We call on the <strong>government</strong>.</p>\n<hr>"
    )


def test_classic_posts_get_paragraphs_and_line_breaks():
    content = (
        "First line\nsecond line.\n\nSecond paragraph.\n\n"
        "<ul>\n<li>One</li>\n<li>Two</li>\n</ul>\n\n<pre>keep\n\nthis</pre>\nLast."
    )
    assert body(content) == (
        "<p>First line<br>\nsecond line.</p>\n<p>Second paragraph.</p>\n"
        "<ul>\n<li>One</li>\n<li>Two</li>\n</ul>\n<pre>keep\n\nthis</pre>\n<p>Last.</p>"
    )


def test_wpautop_leaves_blocks_alone():
    assert wpautop("<blockquote>Quoted\n\nTwice</blockquote>") == (
        "<blockquote><p>Quoted</p>\n<p>Twice</p></blockquote>\n"
    )
    assert wpautop("   \n") == ""


@pytest.mark.parametrize(
    "image",
    [
        '<img class="size-medium wp-image-5" src="https://evil.example/a.jpg"'
        ' alt="A march" width="300" height="200" />',
        '<a href="https://ngo.example.am/"><img src="https://evil.example/a.jpg"'
        ' alt="A march" /></a>',
    ],
)
def test_caption_shortcode_becomes_a_figure(image):
    content = (
        f'[caption id="attachment_5" align="alignnone" width="300"]{image}'
        " Marchers in Yerevan[/caption]\n\nAfter."
    )
    result = body(content)
    assert result.startswith("<figure><a href=")
    assert result.endswith(
        ">A march</a><figcaption>Marchers in Yerevan</figcaption></figure>\n"
        "<p>After.</p>"
    )


def test_caption_in_the_old_attribute_form():
    content = (
        '[caption caption="Old style" width="300"]<img src="/x.jpg" alt="">[/caption]'
    )
    assert body(content) == (
        '<figure><a href="https://ngo.example.am/x.jpg">x.jpg</a>'
        "<figcaption>Old style</figcaption></figure>"
    )


def test_more_splits_the_summary_off_and_the_body_keeps_it_all():
    content = "The <em>first</em> part.\n\nStill first.<!--more Read on-->\n\nThe rest."
    result = convert(content, site=SITE)
    assert result.summary == "The first part. Still first."
    assert result.body == (
        "<p>The <em>first</em> part.</p>\n<p>Still first.</p>\n<p>The rest.</p>"
    )
    assert "more" not in result.body
    assert convert("No teaser.", site=SITE).summary is None
    gutenberg = (
        "<!-- wp:paragraph --><p>Lead.</p><!-- /wp:paragraph -->\n"
        "<!-- wp:more --><!--more--><!-- /wp:more -->\n"
        "<!-- wp:paragraph --><p>Rest.</p><!-- /wp:paragraph -->"
    )
    result = convert(gutenberg, site=SITE)
    assert (result.summary, result.body) == ("Lead.", "<p>Lead.</p>\n<p>Rest.</p>")


GUTENBERG_EMBED = """<!-- wp:embed {"url":"https://youtu.be/QQQ","type":"video","providerNameSlug":"youtube","responsive":true} -->
<figure class="wp-block-embed is-type-video is-provider-youtube wp-block-embed-youtube wp-embed-aspect-16-9 wp-has-aspect-ratio"><div class="wp-block-embed__wrapper">
https://youtu.be/QQQ
</div>CAPTION</figure>
<!-- /wp:embed -->"""


def test_gutenberg_embed_becomes_a_link_titled_by_its_caption():
    content = GUTENBERG_EMBED.replace(
        "CAPTION",
        '<figcaption class="wp-element-caption">Press conference</figcaption>',
    )
    result = convert(content, site=SITE)
    assert result.body == '<p><a href="https://youtu.be/QQQ">Press conference</a></p>'
    assert result.embeds == ["https://youtu.be/QQQ"]


def test_embed_without_caption_is_titled_by_its_provider():
    result = convert(GUTENBERG_EMBED.replace("CAPTION", ""), site=SITE)
    assert result.body == '<p><a href="https://youtu.be/QQQ">Video on YouTube</a></p>'


@pytest.mark.parametrize(
    ("content", "link"),
    [
        (
            "Watch:\n\nhttps://www.youtube.com/watch?v=abc123\n\nThen read.",
            '<a href="https://www.youtube.com/watch?v=abc123">Video on YouTube</a>',
        ),
        (
            "<!-- wp:paragraph --><p>https://twitter.com/ngo/status/1</p>"
            "<!-- /wp:paragraph -->",
            '<a href="https://twitter.com/ngo/status/1">Post on X (Twitter)</a>',
        ),
        (
            "[embed width=640]https://vimeo.com/12345[/embed]",
            '<a href="https://vimeo.com/12345">Video on Vimeo</a>',
        ),
        (
            "[youtube https://www.youtube.com/watch?v=abc123]",
            '<a href="https://www.youtube.com/watch?v=abc123">Video on YouTube</a>',
        ),
        (
            "[youtube=https://www.youtube.com/watch?v=abc123&amp;w=640]",
            '<a href="https://www.youtube.com/watch?v=abc123">Video on YouTube</a>',
        ),
        (
            '<iframe width="560" height="315" src="https://www.youtube-nocookie.com/'
            'embed/xyz?si=1" title="Our film" allowfullscreen></iframe>',
            '<a href="https://www.youtube.com/watch?v=xyz">Our film</a>',
        ),
        (
            '<iframe src="https://player.vimeo.com/video/777"></iframe>',
            '<a href="https://vimeo.com/777">Video on Vimeo</a>',
        ),
        (
            '<iframe src="https://maps.example.net/embed?pb=1"></iframe>',
            '<a href="https://maps.example.net/embed?pb=1">'
            "Embedded content from maps.example.net</a>",
        ),
        (
            '[video width="1280" mp4="https://cdn.example.net/film.mp4"][/video]',
            '<a href="https://cdn.example.net/film.mp4">film.mp4</a>',
        ),
    ],
)
def test_every_embed_becomes_a_plain_link(content, link):
    result = body(content)
    assert link in result
    assert "<iframe" not in result and "[" not in result


def test_a_bare_address_of_no_known_provider_is_linked_not_embedded():
    result = convert("See\n\nhttps://example.org/report\n\nend", site=SITE)
    assert (
        '<p><a href="https://example.org/report">https://example.org/report</a></p>'
        in result.body
    )
    assert result.embeds == []


def test_forms_and_galleries_go_layout_shortcodes_are_unwrapped_text_stays():
    content = (
        '[vc_row][vc_column width="1/2"][vc_column_text]Kept text[/vc_column_text]'
        "[/vc_column][/vc_row]\n\n"
        '[gallery ids="1,2,3" columns="3"]\n\n'
        '[contact-form-7 id="5" title="Contact"]\n\n'
        "[contact-form][contact-field label='Name'][/contact-form]\n\n"
        '[button url="https://x.org"]Click[/button]\n\n'
        '[unknown_widget id="3"]\n\n'
        "He said [sic] it twice [1]."
    )
    assert body(content) == (
        "<p>Kept text</p>\n<p>Click</p>\n<p>He said [sic] it twice [1].</p>"
    )


HOSTILE = """<!-- wp:html -->
<script>alert(1)</script>
<p onclick="steal()" style="color:red">Click <a href="javascript:alert(1)">me</a>
<a href=" jAvAsCrIpT:alert(2)">two</a> <a href="data:text/html,x">three</a></p>
<img src="x" onerror="alert(3)"><img src="https://tracker.example/p.gif" alt="pixel">
<svg onload="alert(4)"><circle/></svg>
<iframe src="javascript:alert(5)"></iframe>
<object data="evil.swf"></object><embed src="evil.swf">
<form action="https://evil.example"><input name="p" value="pw"><button>Go</button></form>
<style>body{display:none}</style>
<div style="background:url(javascript:alert(6))">Plain words</div>
<!-- /wp:html -->"""


def test_a_hostile_post_loses_everything_that_could_run_or_fetch():
    result = body(HOSTILE).lower()
    for needle in (
        "<script",
        "alert",
        "onclick",
        "onerror",
        "onload",
        "javascript:",
        "data:",
        "style",
        "<iframe",
        "<object",
        "<embed",
        "<form",
        "<input",
        "<button",
        "<svg",
        "<img",
        "steal",
    ):
        assert needle not in result, needle
    assert "plain words" in result
    assert '<a href="https://tracker.example/p.gif">pixel</a>' in result
    # What went leaves no empty paragraph or stray line break behind.
    assert "<p></p>" not in result and "<p><br>" not in result


@pytest.mark.parametrize(
    ("ending", "names"),
    [
        ("<ul><li>Org  One</li><li>\nOrg Two</li></ul>", ["Org One", "Org Two"]),
        ("<h2>Signatories:</h2><ol><li>A</li><li>B</li></ol>", ["A", "B"]),
        (
            "<p>Signed by</p><p>Alpha</p><p>Beta</p><p>Gamma</p>",
            ["Alpha", "Beta", "Gamma"],
        ),
        ("<p>Ստորագրողներ՝</p><p>Ա</p><p>Բ</p><p>Գ</p>", ["Ա", "Բ", "Գ"]),
        ("<p><strong>Подписали:</strong></p><p>А</p><p>Б</p><p>В</p>", ["А", "Б", "В"]),
        ("<p>Signatories:<br>One<br>Two<br>Three</p>", ["One", "Two", "Three"]),
        ("<p>One</p><p>Two<br>Three</p>", ["One", "Two", "Three"]),
    ],
)
def test_trailing_signatories_leave_the_body_in_order(ending, names):
    content = (
        f"<!-- wp:paragraph --><p>We demand justice.</p><!-- /wp:paragraph -->{ending}"
    )
    result = convert(content, site=SITE, trailing_signatories=True)
    assert result.signatories == names
    assert result.body == "<p>We demand justice.</p>"


@pytest.mark.parametrize(
    "ending",
    [
        "<p>Alpha</p><p>Beta</p>",  # two short lines are not a list of names
        "<p>Alpha</p><p>Beta</p><p>This last paragraph is a sentence, not a name.</p>",
        "<p>Alpha</p><p>Beta</p><p>" + "Long name " * 15 + "</p>",
        "<ul><li>A</li></ul><p>A closing sentence follows the list.</p>",
    ],
)
def test_no_signatories_where_the_end_is_not_a_list_of_names(ending):
    content = f"<p>We demand justice.</p>{ending}"
    result = convert(content, site=SITE, trailing_signatories=True)
    assert result.signatories == []
    assert result.body == body(content)


def test_signatories_stay_in_the_body_unless_asked():
    content = "<p>Text.</p><ul><li>A</li><li>B</li></ul>"
    result = convert(content, site=SITE)
    assert result.signatories == [] and "<li>A</li>" in result.body


def test_signatories_of_a_classic_post():
    content = "We demand justice.\n\nSigned by:\nOrg One\nOrg Two\nOrg Three\n"
    result = convert(content, site=SITE, trailing_signatories=True)
    assert result.signatories == ["Org One", "Org Two", "Org Three"]
    assert result.body == "<p>We demand justice.</p>"


def test_take_trailing_signatories_of_nothing():
    assert take_trailing_signatories("") == ("", [])


def test_embed_titles_are_written_in_the_posts_language(app):
    armenian = Site(
        title="", link="", base_site_url="", base_blog_url="", language="hy-AM"
    )
    content = "https://www.youtube.com/watch?v=abc123"
    with app.app_context():
        assert ">Տեսանյութ YouTube կայքում</a>" in convert(content, site=armenian).body
        russian = convert(content, site=armenian, language="ru").body
        assert ">Видео на YouTube</a>" in russian
        english = convert("https://soundcloud.com/ngo/a", site=SITE).body
        assert ">Audio on SoundCloud</a>" in english


def test_video_and_audio_blocks_become_links_to_their_files():
    content = """<!-- wp:video {"id":9} -->
<figure class="wp-block-video"><video controls src="https://cdn.example.net/Press%20film.mp4"></video><figcaption class="wp-element-caption">The press conference</figcaption></figure>
<!-- /wp:video -->

<!-- wp:audio -->
<figure class="wp-block-audio"><audio controls><source src="https://cdn.example.net/talk.mp3"></audio></figure>
<!-- /wp:audio -->"""
    result = body(content)
    assert (
        '<a href="https://cdn.example.net/Press%20film.mp4">Press film.mp4</a>'
        in result
    )
    assert "<figcaption>The press conference</figcaption>" in result
    assert '<a href="https://cdn.example.net/talk.mp3">talk.mp3</a>' in result
    assert "<video" not in result and "<audio" not in result and "<source" not in result


def test_links_to_the_old_sites_pages_become_paths_its_old_addresses_answer():
    content = (
        '<p><a href="https://ngo.example.am/2023/09/19/detentions/#demands">Demands</a>'
        ' <a href="http://www.ngo.example.am/?p=12">by id</a>'
        ' <a href="https://ngo.example.am/report.pdf">file</a>'
        ' <a href="https://ngo.example.am/wp-admin/">admin</a>'
        ' <a href="https://other.example.org/2023/">elsewhere</a></p>'
    )
    assert body(content) == (
        '<p><a href="/2023/09/19/detentions/#demands">Demands</a>'
        ' <a href="/?p=12">by id</a>'
        ' <a href="https://ngo.example.am/report.pdf">file</a>'
        ' <a href="https://ngo.example.am/wp-admin/">admin</a>'
        ' <a href="https://other.example.org/2023/">elsewhere</a></p>'
    )
