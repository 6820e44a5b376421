from playwright.sync_api import expect

from library.models import MediaAsset
from tests.factories import PASSWORD, UserFactory
from tests.media import make_media


def sign_in(page, user):
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def drop(page, selector, path):
    """A real drop event carrying the file, as a drag from the desktop delivers it."""
    page.evaluate(
        """([selector, name, bytes]) => {
            const transfer = new DataTransfer();
            transfer.items.add(new File([new Uint8Array(bytes)], name, {type: "video/mp4"}));
            const zone = document.querySelector(selector);
            zone.dispatchEvent(new DragEvent("dragover", {dataTransfer: transfer, bubbles: true, cancelable: true}));
            zone.dispatchEvent(new DragEvent("drop", {dataTransfer: transfer, bubbles: true, cancelable: true}));
        }""",
        [selector, path.name, list(path.read_bytes())],
    )


def test_upload_two_files_see_thumbnails_filter_and_bulk_tag(page, screenshot, transactional_db, tmp_path):
    user = UserFactory(username="maria")
    clip = make_media(tmp_path, "beach_dance.mp4", "video.mp4")
    wide = make_media(tmp_path, "city_timelapse.mp4", "landscape.mp4")
    sign_in(page, user)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Library").click()
    expect(page.get_by_role("heading", name="Media library")).to_be_visible()
    expect(page.get_by_text("Your library is empty")).to_be_visible()

    page.get_by_label("Kind").first.select_option("hot_video")
    page.locator("#upload-tags").fill("summer")
    page.locator("#upload-files").set_input_files([str(clip), str(wide)])
    expect(page.locator(".upload-item.done")).to_have_count(2)

    # The page refreshes itself once both are in: two cards with real thumbnails.
    cards = page.locator(".media-card")
    expect(cards).to_have_count(2)
    for title in ("beach dance", "city timelapse"):
        card = page.locator(f".media-card[data-asset='{title}']")
        expect(card).to_be_visible()
        expect(card.locator(".tag")).to_have_text(["summer"])
        thumb = card.locator(".media-thumb img")
        expect(thumb).to_be_visible()
        assert thumb.evaluate("img => img.complete && img.naturalWidth") == 320
    screenshot("library-grid")

    # Filter to portrait clips only.
    page.get_by_label("Orientation").select_option("portrait")
    page.get_by_role("button", name="Filter").click()
    expect(cards).to_have_count(1)
    expect(cards.first).to_have_attribute("data-asset", "beach dance")
    page.get_by_role("link", name="Reset").click()
    expect(cards).to_have_count(2)

    # Select both, tag them.
    page.get_by_label("All on this page").check()
    expect(page.locator("#selected-count")).to_have_text("2 selected")
    page.get_by_label("Tags for the selected").fill("promo, beach")
    page.get_by_role("button", name="Tag", exact=True).click()
    expect(page.get_by_text("Tagged 2 assets.")).to_be_visible()
    expect(page.locator(".media-card[data-asset='city timelapse'] .tag")).to_have_text(["summer", "promo", "beach"])

    # Dropping the same file again onto the drop zone: refused, and the page says why.
    drop(page, "#dropzone", clip)
    expect(page.locator(".upload-item.failed .upload-status")).to_contain_text("already in your library")
    screenshot("library-bulk-tagged")

    page.get_by_role("link", name="List view").click()
    expect(page.locator(".media-table tbody tr")).to_have_count(2)
    screenshot("library-list")
    page.get_by_role("link", name="Grid view").click()

    page.locator(".media-card[data-asset='beach dance'] .media-title").click()
    expect(page.locator("video")).to_be_visible()
    expect(page.get_by_text("160×284 · Portrait · 25 fps")).to_be_visible()
    screenshot("library-detail")

    assert sorted(MediaAsset.objects.values_list("title", flat=True)) == ["beach dance", "city timelapse"]
    assert all(a.tags == ["summer", "promo", "beach"] for a in MediaAsset.objects.all())
