"""`tui-nn serve` in a real browser (headless Chromium, see browser.py): the page with the
token shows the app, keys reach it (space trains), a closed tab leaves its run training
(`tui-nn attach --list`), the link again offers the run and re-attaches, a request without the
token gets the refusal page, and two tabs on one run see the same epochs."""

from __future__ import annotations

import subprocess
import sys

import pytest
from browser import launch, open_page, press, screen, status_epoch, wait_screen
from web_helpers import wait_until

import tui_nn.session.protocol.rendezvous as rendezvous
from tui_nn.session.client.proxy import ask
from tui_nn.web.runs import group_of

pytestmark = pytest.mark.slow
APP = ("--dataset", "xor", "--samples", "40", "--hidden", "4", "--speed", "20")


@pytest.fixture(scope="module")
def browser():
    playwright, browser = launch()
    yield browser
    browser.close()
    playwright.stop()


def its_trainers(server) -> list[rendezvous.TrainerInfo]:
    host, port = server.base.removeprefix("http://").rsplit(":", 1)
    return [i for i in rendezvous.trainers() if i.group == group_of(host, int(port))]


def attach_list() -> str:
    listed = subprocess.run(
        [sys.executable, "-m", "tui_nn", "attach", "--list"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert listed.returncode == 0, listed.stderr
    return listed.stdout


def test_the_app_in_a_tab_trains_and_a_closed_tab_leaves_it_training(browser, serve_command):
    server = serve_command(*APP)
    page = open_page(browser, server.url)
    wait_screen(page, r"Network[\s\S]*○ ready")  # the app, idle until asked
    assert "Training" in screen(page) and "Run/Pause" in screen(page)
    press(page, " ")  # space: train
    wait_screen(page, "▶ running")
    first = status_epoch(page)
    wait_until(lambda: status_epoch(page) > first, "the epoch to move on the page")
    (info,) = its_trainers(server)
    assert ask(info.id).epoch >= status_epoch(page) > 0  # the page shows the trainer's run

    page.close()  # the tab closes: a hang-up, not a quit
    wait_until(lambda: ask(info.id).clients == 0, "the tab's app to detach")
    row = next(line for line in attach_list().splitlines() if line.startswith(info.id))
    assert "running" in row and "attached" not in row
    gone_at = ask(info.id).epoch
    wait_until(lambda: ask(info.id).epoch > gone_at + 10, "training on without a tab")

    again = open_page(browser, server.url)  # the link again: the start page offers the run
    again.wait_for_selector(f'tr.run[data-id="{info.id}"]')
    again.click(f'tr.run[data-id="{info.id}"] a:text("open")')
    wait_screen(again, "▶ running")
    assert status_epoch(again) > gone_at  # the same run, further on: re-attached
    assert ask(info.id).clients == 1 and len(its_trainers(server)) == 1
    press(again, " ")  # and it still takes keys: pause
    wait_screen(again, "‖ paused")
    wait_until(lambda: ask(info.id).state == "paused", "the trainer to pause")
    again.close()
    assert server.interrupt() == 0


def test_a_page_without_the_token_is_refused(browser, serve_command):
    server = serve_command(*APP)
    page = browser.new_page()
    for address in (server.base + "/", server.base + "/?token=guess"):
        response = page.goto(address)
        assert response.status == 403
        assert "needs its link" in page.inner_text("h1")
    assert not its_trainers(server) and not rendezvous.trainers()
    page.close()
    assert server.interrupt() == 0


def test_two_tabs_on_one_run_see_the_same_epochs(browser, serve_command):
    server = serve_command(*APP)
    one = open_page(browser, server.url)
    wait_screen(one, "○ ready")
    (info,) = its_trainers(server)
    two = open_page(browser, server.url.replace("/?", "/?run=" + info.id + "&", 1))
    wait_screen(two, "○ ready")
    wait_until(lambda: ask(info.id).clients == 2, "both tabs attached")
    press(one, "e")  # one epoch, from the first tab
    wait_screen(one, "‖ paused")
    wait_screen(two, "‖ paused")  # the other tab sees it too
    for expected, tab in ((2, two), (3, two), (4, one)):  # and the other way round
        press(tab, "e")
        wait_until(lambda e=expected: ask(info.id).epoch == e, f"epoch {expected}")
        wait_until(
            lambda e=expected: status_epoch(one) == status_epoch(two) == e,
            f"epoch {expected} on both pages",
        )
    assert server.interrupt() == 0


def test_a_class_watches_the_teachers_run_and_cannot_change_it(browser, serve_command):
    server = serve_command(*APP, "--watch")
    teacher_url, class_url = server.urls[0], server.urls[1]
    assert teacher_url.split("token=")[1] != class_url.split("token=")[1]
    teacher = open_page(browser, teacher_url)
    wait_screen(teacher, "○ ready")
    (info,) = its_trainers(server)
    viewers = [open_page(browser, class_url) for _ in range(2)]
    for viewer in viewers:
        wait_screen(viewer, "○ ready")
    wait_until(lambda: (s := ask(info.id)) and (s.clients, s.watchers) == (3, 2), "2 watching")
    for expected in (1, 2):
        press(teacher, "e")  # the teacher trains an epoch: the class sees it
        wait_until(lambda e=expected: ask(info.id).epoch == e, f"epoch {expected}")
        for viewer in viewers:
            wait_until(lambda v=viewer, e=expected: status_epoch(v) == e, "the class sees it")
    press(viewers[0], " ")  # a viewer tries to train: refused, and said so
    wait_screen(viewers[0], "only watches the run")
    press(viewers[0], "r")
    assert ask(info.id).state == "paused" and ask(info.id).epoch == 2
    viewers[0].close()  # a viewer leaving changes nothing either
    wait_until(lambda: ask(info.id).watchers == 1, "the viewer gone")
    assert rendezvous.pid_alive(info.pid) and ask(info.id).epoch == 2
    press(teacher, "e")
    wait_until(lambda: status_epoch(viewers[1]) == 3, "the other viewer still watching")
    assert server.interrupt() == 0
