"""The pages say what they must and escape what they show."""

from __future__ import annotations

from tui_nn.session.protocol.hello import Status
from tui_nn.web import pages
from tui_nn.web.runs import Run


def test_the_start_page_lists_runs_with_their_links_and_escapes_them():
    status = Status("ab12cd", 1, "spiral", "2-8-1 tanh", 42, "running", 0.0, 2, None)
    runs = [
        Run("ab12cd", "spiral", "2-8-1 tanh", 0.0, status),
        Run("ef34ab", "<script>x</script>", "2-4-1", 0.0, None),
    ]
    page = pages.start_page("tok/en", runs)
    assert page.count('<tr class="run"') == 2
    assert 'href="/?token=tok%2Fen&amp;run=ab12cd"' in page
    assert 'href="/?token=tok%2Fen&amp;watch=ab12cd"' in page
    assert 'href="/?token=tok%2Fen&amp;new=1"' in page
    assert "<td>42</td><td>running</td><td>2 open</td>" in page
    assert "<script>x</script>" not in page and "&lt;script&gt;" in page
    assert "<td>?</td><td>not answering</td>" in page
    assert "watch" not in pages.start_page("t", runs, can_watch=False).split("<table>")[1]


def test_the_app_page_loads_nothing_from_elsewhere():
    page = pages.app_page(
        token="T",
        websocket="ws://127.0.0.1:8000/ws/T/new",
        title="tui-nn",
        starting="starting <now>",
        ended="ended",
        font_size=18,
    )
    assert 'data-session-websocket-url="ws://127.0.0.1:8000/ws/T/new"' in page
    assert 'data-font-size="18"' in page and "starting &lt;now&gt;" in page
    for address in ("http://", "https://", "//fonts"):
        assert address not in page.replace("ws://127.0.0.1:8000", "")


def test_refusals_say_what_to_do():
    assert "?token=" in pages.refused_page()
    full = pages.full_page(40, "T")
    assert "--max-sessions 40" in full and "/?token=T" in full
    assert "abc" in pages.no_run_page("abc", "T")
