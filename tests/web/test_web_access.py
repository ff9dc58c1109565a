"""The token and the addresses: who may use a `tui-nn serve`."""

from __future__ import annotations

import pytest

from tui_nn.web.access import Access, is_loopback, same_origin


def test_each_role_has_its_own_random_token_and_nothing_else_is_let_in():
    access = Access.create(("edit", "watch"))
    edit, watch = access.token("edit"), access.token("watch")
    assert edit != watch and len(edit) >= 32 and len(watch) >= 32
    assert access.role(edit) == "edit" and access.role(watch) == "watch"
    for wrong in (None, "", edit[:-1], edit + "x", edit.upper(), " " + edit):
        assert access.role(wrong) is None
    assert Access.create().token("edit") != Access.create().token("edit")
    with pytest.raises(KeyError):
        Access.create().token("watch")  # a server that is no class has no watch link


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.3.2.1", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
        ("example.org", False),
    ],
)
def test_loopback_hosts(host, loopback):
    assert is_loopback(host) is loopback


def test_a_websocket_from_another_site_is_not_same_origin():
    assert same_origin("http://127.0.0.1:8000", "127.0.0.1:8000")
    assert same_origin(None, "127.0.0.1:8000")  # not a browser page: the token still decides
    assert not same_origin("http://evil.example", "127.0.0.1:8000")
    assert not same_origin("http://127.0.0.1:9999", "127.0.0.1:8000")
    assert not same_origin("http://127.0.0.1:8000", None)
