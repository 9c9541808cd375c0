<?php
/**
 * The fixture WordPress site, built through WordPress's own PHP API and exported by
 * WordPress's own exporter. Run by make_export.sh, once per mode:
 *
 *   php make_site.php install|content|export|ampersand WORK_DIR OUT_DIR DB_NAME WORDPRESS_DIR
 *
 * install: wp_install() into DB_NAME, time zone Asia/Yerevan, dated permalinks.
 * content: categories, tags, images, posts, pages, comments, view counts.
 * export:  export_wp() -> OUT_DIR/export.xml and OUT_DIR/expected.json (what the site
 *          holds, read back from WordPress).
 * ampersand: one more comment, whose website holds a bare '&' -> OUT_DIR/export-ampersand.xml.
 */

if ( $argc !== 6 ) {
	fwrite( STDERR, "usage: php make_site.php install|content|export|ampersand WORK OUT DB WORDPRESS\n" );
	exit( 2 );
}
list( , $mode, $work, $out, $db_name, $wp_dir ) = $argv;

const SITE = 'https://ngo.example.org';
const MISSING_IMAGE = 'election-monitoring.jpg'; // attached on the site, absent from the uploads copy

// A request as WordPress expects one; there is no web server.
$_SERVER['HTTP_HOST']       = 'ngo.example.org';
$_SERVER['SERVER_NAME']     = 'ngo.example.org';
$_SERVER['SERVER_PORT']     = '443';
$_SERVER['HTTPS']           = 'on';
$_SERVER['REQUEST_URI']     = '/';
$_SERVER['REQUEST_METHOD']  = 'GET';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';
$_SERVER['REMOTE_ADDR']     = '127.0.0.1';

define( 'DB_NAME', $db_name );
define( 'DB_USER', 'root' );
define( 'DB_PASSWORD', '' );
define( 'DB_HOST', '127.0.0.1' );
define( 'DB_CHARSET', 'utf8mb4' );
define( 'DB_COLLATE', '' );
define( 'WP_HOME', SITE );
define( 'WP_SITEURL', SITE );
define( 'WP_CONTENT_DIR', $work . '/wp-content' );
define( 'WP_CONTENT_URL', SITE . '/wp-content' );
define( 'DISABLE_WP_CRON', true );
define( 'WP_HTTP_BLOCK_EXTERNAL', true ); // no pings, no oEmbed look-ups, no update checks
define( 'AUTOMATIC_UPDATER_DISABLED', true );
define( 'WP_DEBUG', false );
$table_prefix = 'wp_';
define( 'ABSPATH', rtrim( $wp_dir, '/' ) . '/' );
if ( 'install' === $mode ) {
	define( 'WP_INSTALLING', true );
}

// No mail leaves this machine (install notice, comment notices).
function wp_mail( $to, $subject, $message, $headers = '', $attachments = array() ) {
	return true;
}
function wp_new_blog_notification( $blog_title, $blog_url, $user_id, $password ) {
}

require ABSPATH . 'wp-settings.php';

switch ( $mode ) {
	case 'install':
		install_site();
		break;
	case 'content':
		wp_set_current_user( 1 ); // the administrator: unfiltered_html, as on a real single site
		make_content( $work );
		break;
	case 'export':
		wp_set_current_user( 1 );
		export_site( $out );
		break;
	case 'ampersand':
		wp_set_current_user( 1 );
		export_ampersand( $out );
		break;
	default:
		fwrite( STDERR, "unknown mode $mode\n" );
		exit( 2 );
}

/** wp_install(), then the settings of the site this project replaces. */
function install_site() {
	require_once ABSPATH . 'wp-admin/includes/upgrade.php';
	$result = wp_install( 'Rights Defenders Centre', 'editor', 'editor@ngo.example.org', true, '', 'fixture-password', '' );
	update_option( 'blogdescription', 'Statements of a human rights organisation' );
	update_option( 'timezone_string', 'Asia/Yerevan' );
	update_option( 'gmt_offset', '' );
	update_option( 'date_format', 'j F Y' );
	update_option( 'comment_registration', 0 );
	update_option( 'thread_comments', 1 );
	update_option( 'thread_comments_depth', 5 );
	// The installer's sample post (and its comment), sample page and privacy page.
	foreach ( get_posts( array( 'post_type' => 'any', 'post_status' => 'any', 'numberposts' => -1 ) ) as $p ) {
		wp_delete_post( $p->ID, true );
	}
	$user = get_user_by( 'id', $result['user_id'] );
	wp_update_user( array( 'ID' => $user->ID, 'display_name' => 'Site editor', 'first_name' => 'Site', 'last_name' => 'editor' ) );
	echo 'installed WordPress ' . get_bloginfo( 'version' ) . "\n";
}

/** The structure the exporter should see: rewrite rules for dated permalinks. */
function set_permalinks() {
	global $wp_rewrite;
	$wp_rewrite->set_permalink_structure( '/%year%/%monthnum%/%day%/%postname%/' );
	$wp_rewrite->flush_rules( false );
}

/** A small real image made with GD, so thumbnails can be cut from it. */
function make_image( $path, $width, $height, $colour, $label ) {
	wp_mkdir_p( dirname( $path ) );
	$im = imagecreatetruecolor( $width, $height );
	$bg = imagecolorallocate( $im, $colour[0], $colour[1], $colour[2] );
	imagefilledrectangle( $im, 0, 0, $width, $height, $bg );
	$fg = imagecolorallocate( $im, 255, 255, 255 );
	for ( $i = 0; $i < 6; $i++ ) {
		$x = 20 + $i * (int) ( $width / 7 );
		imagefilledrectangle( $im, $x, (int) ( $height * 0.55 ), $x + 30, $height - 20, $fg );
		imagefilledellipse( $im, $x + 15, (int) ( $height * 0.45 ), 26, 26, $fg );
	}
	imagestring( $im, 5, 16, 16, $label, $fg );
	if ( str_ends_with( $path, '.png' ) ) {
		imagepng( $im, $path, 9 );
	} else {
		imagejpeg( $im, $path, 60 );
	}
	imagedestroy( $im );
}

/** An attachment as the media library makes one: file, metadata, sizes. */
function attach_image( $relative, $title, $alt, $date, $colour ) {
	require_once ABSPATH . 'wp-admin/includes/image.php';
	$uploads = wp_upload_dir( null, false );
	$path    = $uploads['basedir'] . '/' . $relative;
	make_image( $path, 480, 320, $colour, $title );
	$id = wp_insert_attachment(
		array(
			'post_mime_type' => wp_check_filetype( $path )['type'],
			'post_title'     => $title,
			'post_content'   => '',
			'post_excerpt'   => '',
			'post_status'    => 'inherit',
			'post_date'      => $date,
			'guid'           => $uploads['baseurl'] . '/' . $relative,
		),
		$path,
		0,
		true
	);
	if ( is_wp_error( $id ) ) {
		fail( $id->get_error_message() );
	}
	wp_update_attachment_metadata( $id, wp_generate_attachment_metadata( $id, $path ) );
	update_post_meta( $id, '_wp_attachment_image_alt', $alt );
	return $id;
}

/** The URL of an attachment's size, as the editor inserts it. */
function image_url( $id, $size ) {
	$src = wp_get_attachment_image_src( $id, $size );
	if ( ! $src ) {
		fail( "no $size for attachment $id" );
	}
	return $src[0];
}

function fail( $message ) {
	fwrite( STDERR, "make_site.php: $message\n" );
	exit( 1 );
}

/** wp_insert_post() that stops on an error. */
function post( array $args ) {
	$args = array_merge( array( 'post_author' => 1, 'post_type' => 'post', 'comment_status' => 'open', 'ping_status' => 'open' ), $args );
	$id   = wp_insert_post( wp_slash( $args ), true );
	if ( is_wp_error( $id ) ) {
		fail( $id->get_error_message() );
	}
	// What wp-cron's do_pings would have done on a live site.
	delete_post_meta( $id, '_pingme' );
	delete_post_meta( $id, '_encloseme' );
	return $id;
}

/** wp_insert_comment() with a commenter's usual fields. */
function comment( $post_id, array $args ) {
	$args = array_merge(
		array(
			'comment_post_ID'      => $post_id,
			'comment_agent'        => 'Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0',
			'comment_approved'     => 1,
			'comment_type'         => 'comment',
			'comment_parent'       => 0,
			'user_id'              => 0,
			'comment_author_url'   => '',
			'comment_author_email' => '',
		),
		$args
	);
	// A documentation address (RFC 5737), the same for a commenter on every run.
	$args['comment_author_IP'] = '192.0.2.' . ( 2 + crc32( $args['comment_author'] ) % 240 );
	$id                        = wp_insert_comment( wp_slash( $args ) );
	if ( ! $id ) {
		fail( 'comment not inserted: ' . $args['comment_content'] );
	}
	return $id;
}

/** A category (or its child), by name; WordPress makes the slug. */
function category( $name, $parent = 0, $description = '' ) {
	$t = wp_insert_term( $name, 'category', array( 'parent' => $parent, 'description' => $description ) );
	if ( is_wp_error( $t ) ) {
		fail( $t->get_error_message() );
	}
	return $t['term_id'];
}

function blocks_paragraphs( array $paragraphs ) {
	$out = array();
	foreach ( $paragraphs as $p ) {
		$out[] = "<!-- wp:paragraph -->\n<p>$p</p>\n<!-- /wp:paragraph -->";
	}
	return implode( "\n\n", $out );
}

function blocks_list( array $items, $ordered = false ) {
	$tag   = $ordered ? 'ol' : 'ul';
	$attrs = $ordered ? ' {"ordered":true}' : '';
	$lis   = array();
	foreach ( $items as $item ) {
		$lis[] = "<!-- wp:list-item -->\n<li>$item</li>\n<!-- /wp:list-item -->";
	}
	return "<!-- wp:list$attrs -->\n<$tag>" . implode( "\n\n", $lis ) . "</$tag>\n<!-- /wp:list -->";
}

function make_content( $work ) {
	set_permalinks();

	// Categories: two three-level trees (English, Armenian), a Cyrillic two-level one, a '&'.
	$activities   = category( 'Activities', 0, 'What the organisation does' );
	$rights       = category( 'Rights', $activities );
	$right_life   = category( 'Right to life', $rights, 'Deaths in custody, use of lethal force' );
	$hy_root      = category( 'Գործունեություն' );
	$hy_rights    = category( 'Իրավունքներ', $hy_root );
	$hy_life      = category( 'Կյանքի իրավունք', $hy_rights );
	$ru_root      = category( 'Заявления' );
	$ru_rights    = category( 'Права человека', $ru_root );
	$peace        = category( 'Peace & security', 0, 'Conflict, ceasefire, displaced people' );

	// Images in the media library: two the uploads copy keeps, one it lost.
	$img_protest = attach_image( '2023/09/protest-yerevan.jpg', 'Protest in Yerevan', 'Protesters on Republic Square', '2023-09-19 18:00:00', array( 120, 40, 40 ) );
	$img_signing = attach_image( '2024/03/joint-statement-signing.png', 'Signing the joint statement', 'Representatives sign the statement', '2024-03-12 10:30:00', array( 30, 70, 120 ) );
	$img_missing = attach_image( '2025/02/' . MISSING_IMAGE, 'Election monitoring', 'Observers at a polling station', '2025-02-10 08:30:00', array( 40, 100, 60 ) );

	// 1. English, classic editor: blank lines, no <p>, <!--more-->, a [caption].
	$protest_medium = image_url( $img_protest, 'medium' );
	$p_detention    = post(
		array(
			'post_title'   => 'Statement on the detention of peaceful protesters in Yerevan',
			'post_date'    => '2023-09-19 18:40:00',
			'post_status'  => 'publish',
			'post_content' => <<<HTML
On 19 September 2023 police in Yerevan detained at least 142 people who had gathered peacefully near the Government building. Many of them were held for more than six hours without access to a lawyer, and several were denied medical help.

We call on the authorities to release everyone detained for exercising their right to peaceful assembly, and to investigate every report of excessive force by the police.
<!--more-->
Our monitors were on Republic Square from 16:00. They saw officers in plain clothes push people into unmarked cars, and they saw no warning given before the crowd was dispersed.

[caption id="attachment_$img_protest" align="aligncenter" width="300"]<img class="size-medium wp-image-$img_protest" src="$protest_medium" alt="Protesters on Republic Square" width="300" height="200" /> Protesters on Republic Square, 19 September 2023[/caption]

Article 44 of the Constitution and Article 11 of the <em>European Convention on Human Rights</em> protect the <strong>freedom of peaceful assembly</strong>. A gathering may be restricted only by law, for a legitimate aim, and only as far as is necessary in a democratic society.

We ask the Prosecutor General to open criminal proceedings on each of the 17 complaints of ill-treatment we have received, and to make their results public.

Read the <a href="https://www.osce.org/odihr/guidelines-on-freedom-of-peaceful-assembly">OSCE/ODIHR Guidelines on Freedom of Peaceful Assembly</a>.
HTML,
		)
	);
	wp_set_post_terms( $p_detention, array( $rights ), 'category' );
	wp_set_post_terms( $p_detention, array( 'freedom of assembly', 'Yerevan' ), 'post_tag' );
	add_post_meta( $p_detention, 'views', '1534' );
	set_post_thumbnail( $p_detention, $img_protest );

	// 2. English, blocks: an excerpt, a list in the body, an image, signatories as the final list.
	$signing_medium = image_url( $img_signing, 'medium' );
	$p_torture      = post(
		array(
			'post_title'   => 'Joint statement: end impunity for torture in places of detention',
			'post_date'    => '2024-03-12 11:00:00',
			'post_status'  => 'publish',
			'post_excerpt' => 'Fourteen organisations call for an independent investigation of every allegation of torture.',
			'post_content' => blocks_paragraphs(
				array(
					'We, the undersigned organisations, are alarmed by the reports of torture and ill-treatment in the penitentiary institutions of Armenia that we have received since January.',
					'In the last twelve months not one of the 38 criminal cases opened on allegations of torture has reached a court. Impunity is the rule, not the exception.',
				)
			) . "\n\n<!-- wp:more -->\n<!--more-->\n<!-- /wp:more -->\n\n"
			. "<!-- wp:heading -->\n<h2>What we ask</h2>\n<!-- /wp:heading -->\n\n"
			. blocks_list(
				array(
					'an investigative body independent of the police and the penitentiary service;',
					'video recording of every interrogation;',
					'access to a lawyer of one\'s choosing from the first hour of detention.',
				),
				true
			) . "\n\n"
			. "<!-- wp:image {\"id\":$img_signing,\"sizeSlug\":\"medium\",\"linkDestination\":\"none\"} -->\n"
			. "<figure class=\"wp-block-image size-medium\"><img src=\"$signing_medium\" alt=\"Representatives sign the statement\" class=\"wp-image-$img_signing\"/><figcaption class=\"wp-element-caption\">Signing the statement, 12 March 2024</figcaption></figure>\n<!-- /wp:image -->\n\n"
			. blocks_paragraphs( array( 'Signed by:' ) ) . "\n\n"
			. blocks_list(
				array(
					'Helsinki Citizens\' Assembly – Vanadzor',
					'Protection of Rights without Borders',
					'Open Society Foundations – Armenia',
					'Transparency International Anticorruption Center',
					'Journalists for the Future',
				)
			),
		)
	);
	wp_set_post_terms( $p_torture, array( $right_life ), 'category' );
	wp_set_post_terms( $p_torture, array( 'torture', 'խոշտանգում' ), 'post_tag' );
	add_post_meta( $p_torture, 'post_views_count', '872' );

	// 3. Armenian, blocks: a YouTube embed, signatories as the final list; both view counters.
	$p_hy = post(
		array(
			'post_title'   => 'Հայտարարություն խաղաղ հավաքների ազատության մասին',
			'post_date'    => '2024-06-05 14:30:00',
			'post_status'  => 'publish',
			'post_content' => blocks_paragraphs(
				array(
					'Մենք՝ ստորագրող կազմակերպություններս, մտահոգված ենք հունիսի 3-ին Երևանում տեղի ունեցած խաղաղ հավաքի մասնակիցների նկատմամբ ոստիկանության գործողություններով։',
					'Հավաքների ազատությունը երաշխավորված է Սահմանադրության 44-րդ հոդվածով։ Պետությունը պարտավոր է ոչ միայն զերծ մնալ միջամտությունից, այլև ապահովել հավաքի մասնակիցների անվտանգությունը։',
				)
			) . "\n\n"
			. "<!-- wp:embed {\"url\":\"https://www.youtube.com/watch?v=M7lc1UVf-VE\",\"type\":\"video\",\"providerNameSlug\":\"youtube\",\"responsive\":true,\"className\":\"wp-embed-aspect-16-9 wp-has-aspect-ratio\"} -->\n"
			. "<figure class=\"wp-block-embed is-type-video is-provider-youtube wp-block-embed-youtube wp-embed-aspect-16-9 wp-has-aspect-ratio\"><div class=\"wp-block-embed__wrapper\">\nhttps://www.youtube.com/watch?v=M7lc1UVf-VE\n</div><figcaption class=\"wp-element-caption\">Տեսանյութ հավաքից</figcaption></figure>\n<!-- /wp:embed -->\n\n"
			. blocks_paragraphs( array( 'Պահանջում ենք անհապաղ և անկողմնակալ քննություն։', 'Ստորագրողներ՝' ) ) . "\n\n"
			. blocks_list(
				array(
					'Հելսինկյան քաղաքացիական ասամբլեայի Վանաձորի գրասենյակ',
					'Իրավունքների պաշտպանություն առանց սահմանների',
					'Խոսքի ազատության պաշտպանության կոմիտե',
				)
			),
		)
	);
	wp_set_post_terms( $p_hy, array( $hy_life, $hy_rights ), 'category' );
	wp_set_post_terms( $p_hy, array( 'հավաքների ազատություն', 'freedom of assembly' ), 'post_tag' );
	add_post_meta( $p_hy, 'views', '310' );
	add_post_meta( $p_hy, 'post_views_count', '295' );

	// 4. Russian, classic: a [caption] with the full-size image, an excerpt, signatories as short paragraphs.
	$protest_full = image_url( $img_protest, 'full' );
	$p_ru         = post(
		array(
			'post_title'   => 'Заявление о преследовании журналистов в регионах',
			'post_date'    => '2025-01-22 10:15:00',
			'post_status'  => 'publish',
			'post_excerpt' => 'Правозащитные организации требуют прекратить давление на региональных журналистов.',
			'post_content' => <<<HTML
За последние три месяца нам стало известно о девяти случаях давления на журналистов в Ширакской и Лорийской областях: вызовы в полицию без объяснения причин, изъятие техники, угрозы по телефону.

[caption id="attachment_$img_protest" align="alignnone" width="480"]<img class="size-full wp-image-$img_protest" src="$protest_full" alt="Журналисты у здания суда" width="480" height="320" /> Журналисты у здания суда в Гюмри[/caption]

Свобода выражения мнений защищена статьёй 42 Конституции и статьёй 10 Европейской конвенции о защите прав человека. Журналист не обязан раскрывать свои источники.

Мы призываем Генеральную прокуратуру проверить каждый из этих случаев, а Министерство внутренних дел — напомнить сотрудникам полиции о правах представителей СМИ.

Хельсинкская гражданская ассамблея – Ванадзор

Комитет по защите свободы слова

Союз информированных граждан

Правовой путь
HTML,
		)
	);
	wp_set_post_terms( $p_ru, array( $ru_rights ), 'category' );
	wp_set_post_terms( $p_ru, array( 'свобода слова', 'журналисты' ), 'post_tag' );
	add_post_meta( $p_ru, 'post_views_count', '4521' );

	// 5. English, blocks: an image the uploads copy lost, a Vimeo embed; Peace & security.
	$missing_large = image_url( $img_missing, 'full' );
	$p_elections   = post(
		array(
			'post_title'   => 'Preliminary findings of the election monitoring mission',
			'post_date'    => '2025-02-10 09:00:00',
			'post_status'  => 'publish',
			'post_content' => blocks_paragraphs(
				array(
					'Our 212 observers visited 640 polling stations in all eleven provinces on election day.',
					'They recorded 74 cases of voters being accompanied into the booth, and 12 cases of observers being removed from polling stations without a reason given.',
				)
			) . "\n\n"
			. "<!-- wp:image {\"id\":$img_missing,\"sizeSlug\":\"full\",\"linkDestination\":\"none\"} -->\n"
			. "<figure class=\"wp-block-image size-full\"><img src=\"$missing_large\" alt=\"Observers at a polling station\" class=\"wp-image-$img_missing\"/></figure>\n<!-- /wp:image -->\n\n"
			. "<!-- wp:embed {\"url\":\"https://vimeo.com/76979871\",\"type\":\"video\",\"providerNameSlug\":\"vimeo\",\"responsive\":true} -->\n"
			. "<figure class=\"wp-block-embed is-type-video is-provider-vimeo wp-block-embed-vimeo\"><div class=\"wp-block-embed__wrapper\">\nhttps://vimeo.com/76979871\n</div><figcaption class=\"wp-element-caption\">Press conference of the mission</figcaption></figure>\n<!-- /wp:embed -->\n\n"
			. blocks_paragraphs( array( 'The final report will be published within two months.' ) ),
		)
	);
	wp_set_post_terms( $p_elections, array( $peace ), 'category' );
	wp_set_post_terms( $p_elections, array( 'elections' ), 'post_tag' );
	add_post_meta( $p_elections, 'views', '95' );

	// 6. Hostile markup pasted from elsewhere; no category, so Uncategorized.
	$p_hostile = post(
		array(
			'post_title'   => 'Statement pasted from an old site',
			'post_date'    => '2023-05-04 16:20:00',
			'post_status'  => 'publish',
			'post_content' => <<<'HTML'
<p>This statement was copied from the old site together with its markup.</p>
<script>alert('xss-script')</script>
<img src="https://ngo.example.org/x.png" onerror="alert('xss-onerror')" alt="broken">
<p onclick="alert('xss-onclick')">Click this paragraph.</p>
<a href="javascript:alert('xss-href')">Read more</a> <a href="JaVaScRiPt:alert('xss-mixed')">and more</a>
<iframe src="https://evil.example.com/frame" width="1" height="1"></iframe>
<style>body { display: none; }</style>
<svg onload="alert('xss-svg')"><circle r="10"></circle></svg>
<p>The end of the statement.</p>
HTML,
		)
	);

	// Statuses that are not public.
	$p_draft   = post(
		array(
			'post_title'   => 'Draft: the right to a fair trial',
			'post_date'    => '2026-11-20 10:00:00',
			'post_status'  => 'draft',
			'post_content' => "Notes for a statement on the length of pre-trial detention.\n\nTo be agreed with partners.",
		)
	);
	wp_set_post_terms( $p_draft, array( $rights ), 'category' );
	$p_pending = post(
		array(
			'post_title'   => 'Проект заявления о праве на жилище',
			'post_date'    => '2026-10-02 12:00:00',
			'post_status'  => 'pending',
			'post_content' => "Черновик заявления о выселении жителей аварийных домов.\n\nОжидает проверки редактором.",
		)
	);
	wp_set_post_terms( $p_pending, array( $ru_root ), 'category' );
	$p_private = post(
		array(
			'post_title'   => 'Ներքին գրառում աշխատակազմի համար',
			'post_date'    => '2024-11-15 09:45:00',
			'post_status'  => 'private',
			'post_content' => blocks_paragraphs( array( 'Այս գրառումը տեսանելի է միայն աշխատակիցներին։' ) ),
		)
	);
	wp_set_post_terms( $p_private, array( $hy_root ), 'category' );
	$p_future  = post(
		array(
			'post_title'   => 'Statement on the anniversary of the Constitution',
			'post_date'    => '2030-07-05 12:00:00',
			'post_status'  => 'future',
			'post_content' => blocks_paragraphs( array( 'On this anniversary we recall that the Constitution binds every public authority.' ) ),
		)
	);
	wp_set_post_terms( $p_future, array( $activities ), 'category' );
	$p_password = post(
		array(
			'post_title'    => 'Members only: annual report 2024',
			'post_date'     => '2025-03-01 15:00:00',
			'post_status'   => 'publish',
			'post_password' => 'members2024',
			'post_content'  => "The annual report for members.\n\nIncome and expenditure are in the attached tables.",
		)
	);
	wp_set_post_terms( $p_password, array( $activities ), 'category' );
	add_post_meta( $p_password, 'views', '12' );
	$p_trash = post(
		array(
			'post_title'   => 'Invitation to a round table (cancelled)',
			'post_date'    => '2023-02-01 11:00:00',
			'post_status'  => 'publish',
			'post_content' => 'The round table on 10 February is cancelled.',
		)
	);
	wp_set_post_terms( $p_trash, array( 'round table' ), 'post_tag' );

	// Pages: About, its child, Contacts.
	$pg_about    = post(
		array(
			'post_type'      => 'page',
			'post_title'     => 'About',
			'post_status'    => 'publish',
			'post_date'      => '2023-01-10 10:00:00',
			'menu_order'     => 1,
			'comment_status' => 'closed',
			'post_content'   => blocks_paragraphs(
				array(
					'We are a non-governmental organisation that has defended human rights in Armenia since 2004.',
					'We monitor places of detention, assemblies and elections, and give free legal aid.',
				)
			),
		)
	);
	$pg_team     = post(
		array(
			'post_type'      => 'page',
			'post_title'     => 'Our team',
			'post_status'    => 'publish',
			'post_date'      => '2023-01-10 10:05:00',
			'post_parent'    => $pg_about,
			'menu_order'     => 1,
			'comment_status' => 'closed',
			'post_content'   => "Lawyers, monitors and volunteers.\n\nWrite to us if you would like to join.",
		)
	);
	$pg_contacts = post(
		array(
			'post_type'      => 'page',
			'post_title'     => 'Contacts',
			'post_status'    => 'publish',
			'post_date'      => '2023-01-10 10:10:00',
			'menu_order'     => 2,
			'comment_status' => 'closed',
			'post_content'   => "Office: 12 Abovyan Street, Yerevan.\n\nTelephone: +374 10 000000.",
		)
	);

	// The images belong to the posts that use them.
	wp_update_post( array( 'ID' => $img_protest, 'post_parent' => $p_detention ) );
	wp_update_post( array( 'ID' => $img_signing, 'post_parent' => $p_torture ) );
	wp_update_post( array( 'ID' => $img_missing, 'post_parent' => $p_elections ) );

	// Comments on the English classic post: a thread four levels deep and every status.
	$armen = array(
		'comment_author'       => 'Armen Sargsyan',
		'comment_author_email' => 'armen.sargsyan@example.am',
		'comment_author_url'   => 'https://armen.example.am/',
	);
	$c1    = comment( $p_detention, $armen + array( 'comment_date' => '2023-09-19 20:05:00', 'comment_content' => 'I was there. The police did not give any warning before they started detaining people.' ) );
	$c2    = comment(
		$p_detention,
		array(
			'comment_parent'       => $c1,
			'user_id'              => 1,
			'comment_author'       => 'Site editor',
			'comment_author_email' => 'editor@ngo.example.org',
			'comment_author_url'   => SITE,
			'comment_date'         => '2023-09-19 21:10:00',
			'comment_content'      => 'Thank you. Could you write to us with what you saw? Our lawyers collect testimonies.',
		)
	);
	$c3    = comment( $p_detention, $armen + array( 'comment_parent' => $c2, 'comment_date' => '2023-09-19 22:30:00', 'comment_content' => 'Sent this evening, with two videos.' ) );
	$c4    = comment(
		$p_detention,
		array(
			'comment_parent'       => $c3,
			'comment_author'       => 'Lilit Hakobyan',
			'comment_author_email' => 'lilit.h@example.com',
			'comment_author_url'   => 'https://lilit.example.com',
			'comment_date'         => '2023-09-20 08:15:00',
			'comment_content'      => 'I have photos from the same corner of the square, I will send them too.',
		)
	);
	comment(
		$p_detention,
		array(
			'comment_approved'     => 0,
			'comment_author'       => 'A reader',
			'comment_author_email' => 'reader@example.net',
			'comment_date'         => '2023-09-20 09:00:00',
			'comment_content'      => 'Waiting for moderation: how many of them are still held?',
		)
	);
	$spam = comment(
		$p_detention,
		array(
			'comment_author'       => 'Cheap watches',
			'comment_author_email' => 'sales@spam.example.biz',
			'comment_author_url'   => 'https://spam.example.biz/',
			'comment_date'         => '2023-09-20 10:00:00',
			'comment_content'      => 'Best replica watches, visit our shop now!',
		)
	);
	wp_spam_comment( $spam );
	$trashed = comment(
		$p_detention,
		array(
			'comment_author'       => 'Angry visitor',
			'comment_author_email' => 'angry@example.org',
			'comment_date'         => '2023-09-20 11:00:00',
			'comment_content'      => 'An insulting comment the moderator moved to the trash.',
		)
	);
	wp_trash_comment( $trashed );
	comment(
		$p_detention,
		array(
			'comment_type'       => 'pingback',
			'comment_author'     => 'Partner blog &raquo; Our coverage of 19 September',
			'comment_author_url' => 'https://partner.example.org/2023/09/20/coverage/',
			'comment_date'       => '2023-09-20 12:00:00',
			'comment_content'    => '[&#8230;] the statement of our colleagues on the detentions [&#8230;]',
		)
	);
	comment(
		$p_detention,
		array(
			'comment_type'       => 'trackback',
			'comment_author'     => 'Rights Digest',
			'comment_author_url' => 'https://digest.example.net/weekly/38/',
			'comment_date'       => '2023-09-21 07:00:00',
			'comment_content'    => '<strong>Weekly digest, week 38</strong>&#8230; detentions in Yerevan &#8230;',
		)
	);

	// Armenian comments, a reply and one waiting.
	$hy1 = comment(
		$p_hy,
		array(
			'comment_author'       => 'Անի Մարտիրոսյան',
			'comment_author_email' => 'ani.m@example.am',
			'comment_author_url'   => 'https://ani.example.am',
			'comment_date'         => '2024-06-05 18:00:00',
			'comment_content'      => 'Շնորհակալություն հայտարարության համար։ Ես նույնպես այնտեղ էի։',
		)
	);
	comment(
		$p_hy,
		array(
			'comment_parent'       => $hy1,
			'comment_author'       => 'Գևորգ',
			'comment_author_email' => 'gevorg@example.am',
			'comment_date'         => '2024-06-05 19:30:00',
			'comment_content'      => 'Համաձայն եմ, տեսանյութը շատ բան է ցույց տալիս։',
		)
	);
	comment(
		$p_hy,
		array(
			'comment_approved'     => '0',
			'comment_author'       => 'Անանուն',
			'comment_author_email' => 'anon@example.am',
			'comment_date'         => '2024-06-06 07:00:00',
			'comment_content'      => 'Սպասում է հաստատման։',
		)
	);

	// Russian comment and its reply.
	$ru1 = comment(
		$p_ru,
		array(
			'comment_author'       => 'Ирина Петрова',
			'comment_author_email' => 'irina.petrova@example.ru',
			'comment_author_url'   => 'https://irina.example.ru/blog/',
			'comment_date'         => '2025-01-22 13:00:00',
			'comment_content'      => "Спасибо за заявление.\n\nВ Ванадзоре было то же самое.",
		)
	);
	comment(
		$p_ru,
		array(
			'comment_parent'       => $ru1,
			'user_id'              => 1,
			'comment_author'       => 'Site editor',
			'comment_author_email' => 'editor@ngo.example.org',
			'comment_author_url'   => SITE,
			'comment_date'         => '2025-01-22 15:20:00',
			'comment_content'      => 'Ирина, напишите нам, пожалуйста: мы добавим этот случай.',
		)
	);

	// A hostile comment on the hostile post.
	comment(
		$p_hostile,
		array(
			'comment_author'       => 'Mallory',
			'comment_author_email' => 'mallory@example.com',
			'comment_author_url'   => 'javascript:alert(1)',
			'comment_date'         => '2023-05-05 10:00:00',
			'comment_content'      => 'Nice <script>alert("xss-comment")</script><a href="javascript:alert(\'xss-comment-href\')" onclick="alert(2)">link</a>',
		)
	);

	// A comment on the post that then goes to the trash: WordPress marks it post-trashed.
	comment(
		$p_trash,
		array(
			'comment_author'       => 'Tigran',
			'comment_author_email' => 'tigran@example.am',
			'comment_date'         => '2023-02-02 09:00:00',
			'comment_content'      => 'Will there be a new date?',
		)
	);
	wp_trash_post( $p_trash );

	echo "content made\n";
}

/** The path of a URL as a browser sends it (percent-encoding kept). */
function url_path( $url ) {
	$parts = wp_parse_url( $url );
	$path  = isset( $parts['path'] ) ? $parts['path'] : '/';
	return isset( $parts['query'] ) ? $path . '?' . $parts['query'] : $path;
}

function term_names( $post_id, $taxonomy ) {
	$out = array();
	foreach ( wp_get_post_terms( $post_id, $taxonomy ) as $t ) {
		$out[] = $t->slug;
	}
	sort( $out );
	return $out;
}

/** What the site holds, read back from WordPress: the tests' expectations. */
function site_contents() {
	global $wpdb;
	$uploads = wp_upload_dir( null, false );
	$data    = array(
		'wordpress_version'   => get_bloginfo( 'version' ),
		'home'                => home_url(),
		'timezone_string'     => get_option( 'timezone_string' ),
		'permalink_structure' => get_option( 'permalink_structure' ),
		'posts'               => array(),
		'pages'               => array(),
		'categories'          => array(),
		'tags'                => array(),
		'attachments'         => array(),
		'spam_comments_not_exported' => array(),
	);
	$items = get_posts(
		array(
			'post_type'   => array( 'post', 'page' ),
			'post_status' => 'any,trash',
			'numberposts' => -1,
			'orderby'     => 'ID',
			'order'       => 'ASC',
		)
	);
	// get_posts with 'any' leaves trash out; ask for it by name too.
	$items = array_merge(
		$items,
		get_posts( array( 'post_type' => array( 'post', 'page' ), 'post_status' => 'trash', 'numberposts' => -1 ) )
	);
	$seen  = array();
	foreach ( $items as $p ) {
		if ( isset( $seen[ $p->ID ] ) ) {
			continue;
		}
		$seen[ $p->ID ] = true;
		$link           = esc_url( apply_filters( 'the_permalink_rss', get_permalink( $p ) ) );
		$item           = array(
			'id'            => $p->ID,
			'title'         => $p->post_title,
			'slug'          => $p->post_name,
			'status'        => $p->post_status,
			'password'      => '' !== $p->post_password,
			'date'          => $p->post_date,
			'date_gmt'      => $p->post_date_gmt,
			'link'          => $link,
			'path'          => url_path( $link ),
			'shortlink_path' => '/?p=' . $p->ID,
		);
		if ( 'page' === $p->post_type ) {
			$item['parent']     = $p->post_parent;
			$item['menu_order'] = $p->menu_order;
			$data['pages'][]    = $item;
			continue;
		}
		$item['excerpt']    = $p->post_excerpt;
		$item['categories'] = term_names( $p->ID, 'category' );
		$item['tags']       = term_names( $p->ID, 'post_tag' );
		$views              = array();
		foreach ( array( 'views', 'post_views_count' ) as $key ) {
			$v = get_post_meta( $p->ID, $key, true );
			if ( '' !== $v ) {
				$views[ $key ] = (int) $v;
			}
		}
		$item['view_meta'] = (object) $views;
		$item['views']     = $views ? max( $views ) : 0;
		$item['comments']  = array();
		$rows              = $wpdb->get_results( $wpdb->prepare( "SELECT * FROM $wpdb->comments WHERE comment_post_ID = %d ORDER BY comment_ID", $p->ID ) );
		foreach ( $rows as $c ) {
			$entry = array(
				'id'       => (int) $c->comment_ID,
				'parent'   => (int) $c->comment_parent,
				'status'   => $c->comment_approved,
				'type'     => $c->comment_type,
				'author'   => $c->comment_author,
				'email'    => $c->comment_author_email,
				'url'      => $c->comment_author_url,
				// What export.php writes of it: sanitize_url() drops a javascript: website.
				'url_in_export' => sanitize_url( $c->comment_author_url ),
				'date_gmt' => $c->comment_date_gmt,
				'content'  => $c->comment_content,
			);
			if ( 'spam' === $c->comment_approved ) {
				$data['spam_comments_not_exported'][] = $entry + array( 'post_id' => $p->ID );
				continue; // WordPress's exporter leaves spam out (export.php: comment_approved <> 'spam').
			}
			$item['comments'][] = $entry;
		}
		$data['posts'][] = $item;
	}
	foreach ( array( 'category' => 'categories', 'post_tag' => 'tags' ) as $taxonomy => $key ) {
		foreach ( get_terms( array( 'taxonomy' => $taxonomy, 'hide_empty' => false, 'orderby' => 'term_id' ) ) as $t ) {
			$link         = get_term_link( $t );
			$parent       = $t->parent ? get_term( $t->parent, $taxonomy )->slug : '';
			$data[ $key ][] = array(
				'id'          => $t->term_id,
				'name'        => wp_specialchars_decode( $t->name, ENT_QUOTES ),
				'name_stored' => $t->name,
				'slug'        => $t->slug,
				'slug_decoded' => urldecode( $t->slug ),
				'parent'      => $parent,
				'count'       => $t->count,
				'link'        => $link,
				'path'        => url_path( $link ),
			);
		}
	}
	foreach ( get_posts( array( 'post_type' => 'attachment', 'post_status' => 'inherit', 'numberposts' => -1, 'orderby' => 'ID', 'order' => 'ASC' ) ) as $a ) {
		$file  = get_post_meta( $a->ID, '_wp_attached_file', true );
		$meta  = wp_get_attachment_metadata( $a->ID );
		$files = array( $file );
		foreach ( $meta['sizes'] as $size ) {
			$files[] = dirname( $file ) . '/' . $size['file'];
		}
		$data['attachments'][] = array(
			'id'              => $a->ID,
			'parent'          => $a->post_parent,
			'url'             => $uploads['baseurl'] . '/' . $file,
			'file'            => $file,
			'files'           => $files,
			'in_uploads_copy' => basename( $file ) !== MISSING_IMAGE,
		);
	}
	return $data;
}

/** export_wp() as Tools -> Export -> All content runs it, captured. */
function run_exporter() {
	require_once ABSPATH . 'wp-admin/includes/export.php';
	ob_start();
	export_wp( array( 'content' => 'all' ) );
	return ob_get_clean();
}

function export_site( $out ) {
	wp_mkdir_p( $out );
	$expected = site_contents();
	$xml      = run_exporter();
	file_put_contents( $out . '/export.xml', $xml );

	file_put_contents( $out . '/expected.json', wp_json_encode( $expected, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE ) . "\n" );
	echo 'exported: export.xml ' . strlen( $xml ) . " bytes\n";
}

/** The second export (export_wp() declares functions, so once per process): one more
 * comment, its website with a bare '&' as visitors type it. */
function export_ampersand( $out ) {
	$expected = json_decode( file_get_contents( $out . '/expected.json' ) ); // objects: {} stays {}
	$target   = null;
	foreach ( $expected->posts as $p ) {
		if ( 'Joint statement: end impunity for torture in places of detention' === $p->title ) {
			$target = $p->id;
		}
	}
	$amp_url = 'https://example.org/?a=1&b=2';
	$amp_id  = comment(
		$target,
		array(
			'comment_author'       => 'Gohar Manukyan',
			'comment_author_email' => 'gohar.m@example.org',
			'comment_author_url'   => $amp_url,
			'comment_date'         => '2024-03-13 09:30:00',
			'comment_content'      => 'We would like to add our organisation to the signatories.',
		)
	);
	$amp_xml = run_exporter();
	file_put_contents( $out . '/export-ampersand.xml', $amp_xml );
	$expected->ampersand = array(
		'file'                   => 'export-ampersand.xml',
		'post_id'                => $target,
		'comment'                => array(
			'id'     => $amp_id,
			'parent' => 0,
			'status' => '1',
			'type'   => 'comment',
			'author' => 'Gohar Manukyan',
			'email'  => 'gohar.m@example.org',
			'url'    => $amp_url,
			'content' => 'We would like to add our organisation to the signatories.',
		),
		'exporter_wrote'         => '<wp:comment_author_url>' . sanitize_url( $amp_url ) . '</wp:comment_author_url>',
	);
	file_put_contents( $out . '/expected.json', wp_json_encode( $expected, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE ) . "\n" );
	echo 'exported: export-ampersand.xml ' . strlen( $amp_xml ) . " bytes\n";
}
