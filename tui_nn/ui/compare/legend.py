"""What differs between run A and run B, in the words of the options (`B: lr 0.3`), and the
configuration a run has now, read from its snapshot."""

from __future__ import annotations

from tui_nn.config import RunConfig, config_differences
from tui_nn.session.protocol.messages import Snapshot


def snapshot_config(base: RunConfig, snap: Snapshot) -> RunConfig:
    """The configuration a run has now, from its snapshot."""
    return base.with_network(snap.network, snap.dataset or base.dataset, snap.hyper)


def legend(base: RunConfig, a: Snapshot, b: Snapshot) -> str:
    """`B: lr 0.3, hidden 8-8`: what run B has that run A has not (`B: the same`)."""
    differences = config_differences(snapshot_config(base, a), snapshot_config(base, b))
    acts_a = tuple(layer.activation for layer in a.network.hidden)
    acts_b = tuple(layer.activation for layer in b.network.hidden)
    if acts_a != acts_b and len(set(acts_b)) > 1:  # a RunConfig holds one activation
        differences = [d for d in differences if not d.startswith("activation ")]
        differences.append(f"activations {'/'.join(acts_b)}")
    return f"B: {', '.join(differences)}" if differences else "B: the same"
