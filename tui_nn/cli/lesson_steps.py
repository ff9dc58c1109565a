"""`tui-nn lessons check` walking a lesson's steps: what its text tells a student to do, done in
order from the lesson's starting configuration, as the app would do it (a layer edit keeps the
weights that survive, `r` restarts from the same weights at epoch 0, training goes on from
where it was). The goal must be reached on the way, or the text leads nowhere.
"""

from __future__ import annotations

from dataclasses import replace

from tui_nn.cli.options import config_from_values, table_values
from tui_nn.cli.train import build_network
from tui_nn.config import RunConfig, train_data
from tui_nn.lessons import Lesson, goal_values
from tui_nn.lessons.lesson import Step


class Walk:
    """The student's run: a configuration, its data, a network and its trainer."""

    def __init__(self, lesson: Lesson, start: RunConfig) -> None:
        from tui_nn.data import load_dataset
        from tui_nn.engine.trainer import Trainer

        self.lesson = lesson
        self.config = replace(start, hyper=replace(start.hyper, epochs=None))
        self.dataset = load_dataset(self.config.dataset)
        net = build_network(self.config, self.dataset, None, {})
        self.trainer = Trainer(net, train_data(self.dataset), self.config.hyper, self.config.seed)
        self.values: dict[str, object] = goal_values(None, net.spec, self.config.hyper)

    def do(self, step: Step) -> int | None:
        """Take one step; the epoch the goal was reached at, if it was."""
        if step.action == "train":
            return self._train(step.epochs)
        if step.action == "reset":
            self.trainer.reset()
        else:
            self._set(step.changes)
        self.values = goal_values(None, self.trainer.net.spec, self.trainer.hyper)
        return None

    def _train(self, epochs: int) -> int | None:
        trainer, goal = self.trainer, self.lesson.goal
        end = trainer.epoch + epochs
        while trainer.epoch < end and not trainer.finished:
            result = trainer.step()
            if result.diverged:
                return None
            if result.record is not None:
                self.values = goal_values(result.record, trainer.net.spec, trainer.hyper)
                if goal.holds(self.values):
                    return result.record.epoch
        return None

    def _set(self, changes: dict) -> None:
        from tui_nn.data import load_dataset
        from tui_nn.engine.network import Network
        from tui_nn.engine.trainer import Trainer

        where = f"lesson {self.lesson.path}: [[steps]]"
        values = table_values(changes, where, self.lesson.path.parent)
        config = config_from_values(values, base=self.config)
        config = replace(config, hyper=replace(config.hyper, epochs=None))
        trainer = self.trainer
        if config.dataset != self.config.dataset:  # as the app: weights kept if they fit
            self.dataset = load_dataset(config.dataset)
            spec = config.network_spec(self.dataset)
            net = trainer.net
            if spec.sizes[0] != net.n_inputs or spec.output != net.spec.output:
                net = Network.from_spec(spec)
            trainer = self.trainer = Trainer(
                net, train_data(self.dataset), config.hyper, config.seed
            )
        spec = config.network_spec(self.dataset)
        if (spec.hidden, spec.output, spec.loss) != (
            trainer.net.spec.hidden, trainer.net.spec.output, trainer.net.spec.loss
        ):  # fmt: skip
            trainer.set_architecture(replace(spec, seed=trainer.net.spec.seed))
        if config.hyper != trainer.hyper:
            trainer.set_hyper(config.hyper)
        self.config = config


def walk_steps(lesson: Lesson, start: RunConfig) -> tuple[bool, str]:
    """(reached, what happened): the lesson's steps walked from its starting configuration."""
    walk = Walk(lesson, start)
    for n, step in enumerate(lesson.steps, 1):
        reached = walk.do(step)
        if reached is not None:
            return True, f"goal reached at epoch {reached} of step {n} ({step.says!r})"
    goal = lesson.goal
    failing = goal.failing(walk.values) or goal.conditions
    shown = ", ".join(c.describe(walk.values) for c in failing)
    return False, f"its {len(lesson.steps)} steps never reach the goal; not met: {shown}"
