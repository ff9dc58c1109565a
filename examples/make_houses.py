"""Write examples/houses.csv: 400 made-up house sales (the README's regression example).

price (in currency units) = 50,000 + 2,500 per m² + 15,000 per room - 800 per year of age
- 4,000 per km from the centre + noise (sd 25,000), rounded to whole units. Seeded: the
file is the same on every run.

    python examples/make_houses.py [OUT.csv]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np


def main(out: Path) -> None:
    rng = np.random.default_rng(2024)
    n = 400
    area = rng.uniform(40, 250, n).round(1)
    rooms = np.clip((area / 35 + rng.normal(0, 0.8, n)).round(), 1, 8).astype(int)
    age = rng.integers(0, 81, n)
    distance = rng.uniform(0.5, 30, n).round(2)
    noise = rng.normal(0, 25_000, n)
    price = 50_000 + 2_500 * area + 15_000 * rooms - 800 * age - 4_000 * distance + noise
    lines = ["area,rooms,age,distance,price"]
    for row in zip(area, rooms, age, distance, price.round().astype(int)):
        lines.append(",".join(str(v) for v in row))
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("houses.csv"))
