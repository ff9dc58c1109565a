"""The app's side of a trainer: TrainingSession (proxy.py) and the mailbox its snapshots wait in."""
