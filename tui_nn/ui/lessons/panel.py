"""The lesson's side panel: its title, the goal with each condition's live value, and the text.

The app hands it plain strings (`show_goal(lines)` with (text, met) pairs, `goal_reached`);
it reads nothing else. The goal stays on top; the text below scrolls.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static


class LessonPanel(Vertical):
    """Title, goal and text of one lesson."""

    SCOPED_CSS = False  # its rules name the screen's classes (-narrow, -hide-lesson) too
    DEFAULT_CSS = """
    LessonPanel {
        width: 40;
        height: 1fr;
        border: round $primary-darken-1;
        border-title-color: $text;
        padding: 0 1;
    }
    LessonPanel:focus-within {
        border: round $accent;
    }
    LessonPanel #lesson-title {
        text-style: bold;
        height: auto;
    }
    LessonPanel #lesson-goal {
        height: auto;
        margin: 1 0 0 0;
    }
    LessonPanel #lesson-reached {
        display: none;
        height: auto;
        background: $success;
        color: $text;
        text-style: bold;
        content-align: center middle;
    }
    LessonPanel.-reached #lesson-reached {
        display: block;
    }
    LessonPanel #lesson-scroll {
        height: 1fr;
        margin: 1 0 0 0;
        scrollbar-size-vertical: 1;
    }
    Screen.-narrow LessonPanel {
        width: 30;
    }
    Screen.-hide-lesson LessonPanel {
        display: none;
    }
    """

    def __init__(self, title: str, text: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.title_text = title
        self.body = text
        self.goal_lines: list[tuple[str, bool]] = []
        self.reached_at: int | None = None

    def compose(self) -> ComposeResult:
        yield Static(self.title_text, id="lesson-title")
        yield Static(id="lesson-goal")
        yield Static(id="lesson-reached")
        with VerticalScroll(id="lesson-scroll"):
            yield Static(Text(self.body), id="lesson-text")

    def on_mount(self) -> None:
        self.border_title = "Lesson"
        self.border_subtitle = "L hides"

    def show_goal(self, lines: list[tuple[str, bool]]) -> None:
        """One line per condition: ✓ when it holds now, ✗ when not."""
        if lines == self.goal_lines:
            return
        self.goal_lines = list(lines)
        text = Text("Goal", style="bold")
        for line, met in lines:
            text.append("\n")
            text.append("✓ " if met else "✗ ", style="bold green" if met else "bold red")
            text.append(line)
        self.query_one("#lesson-goal", Static).update(text)

    def goal_reached(self, epoch: int) -> None:
        """The moment: a banner that stays."""
        self.reached_at = epoch
        self.query_one("#lesson-reached", Static).update(f"★ goal reached at epoch {epoch} ★")
        self.add_class("-reached")
