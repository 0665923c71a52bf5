"""URLs in reasons are short labels linked (OSC 8) to the full address; data text is never markup."""

from __future__ import annotations

from app_helpers import jump

from tui.app.links import linked, url_label


def test_a_url_becomes_a_short_label_linked_to_the_whole_address():
    url = "https://huggingface.co/Qwen/Qwen3-235B-A22B-Thinking-2507-with-a-long-name"
    text = linked(f"MMLU-Pro 84.4; developer-reported, {url}, as of 2025-07-25")
    assert "huggingface.co/…/Qwen3-235B-A22B-Thinking-25…" in text.plain
    assert "https://" not in text.plain and text.plain.endswith(", as of 2025-07-25")
    links = [span.style.link for span in text.spans if hasattr(span.style, "link")]
    assert links == [url]


def test_labels_keep_host_and_last_segment():
    assert url_label("https://www.anthropic.com/news/claude-sonnet-4-5") == "anthropic.com/…/claude-sonnet-4-5"
    assert url_label("https://example.org/x") == "example.org/x"
    assert url_label("https://example.org") == "example.org"


def test_data_text_with_brackets_is_shown_as_written():
    text = linked("setting: [bold]not markup[/bold] and [link=x]")
    assert text.plain == "setting: [bold]not markup[/bold] and [link=x]"


async def test_the_reasons_panel_links_its_sources(make_app):
    from app_helpers import settle

    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await jump(pilot, 4)
        rendered = app.screen.query_one("#reasons").render()
        plain = str(rendered)
        assert "https://" not in plain and "example.org/test-fixture" in plain
