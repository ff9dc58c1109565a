"""MNIST and Fashion-MNIST from their original IDX files (raw or .gz).

Images stay uint8 in memory, shape (n, 784); the network sees pixel / 255 through
`Dataset.input_scale`, applied per batch. Train + test together are 54.9 MB of arrays
(a float32 copy would be 220 MB). The official split is kept: 60,000 training and 10,000
test images, so `test_fraction` does not apply.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from tui_nn.data.identity import (
    OFFICIAL_COUNTS,
    Known,
    damaged_message,
    identify,
    wrong_set_message,
)
from tui_nn.data.idx import MAGIC_IMAGES, MAGIC_LABELS, read_idx
from tui_nn.data.normalize import fixed_scale
from tui_nn.data.paths import IDX_FILES, resolve_data_dir
from tui_nn.data.spec import DataError, Dataset, DatasetInfo, DatasetSpec


@dataclass(frozen=True)
class RemoteFile:
    name: str  # as published, gzip-compressed
    sha256: str
    size: int
    raw_sha256: str = ""  # of the uncompressed content (raw copies, recompressed mirrors)


@dataclass(frozen=True)
class ImageSet:
    description: str
    url: str  # default download location of the files (a folder URL)
    files: tuple[RemoteFile, ...]  # train images, train labels, test images, test labels
    class_names: tuple[str, ...]
    licence: str


def _files(sums: tuple[tuple[str, int, str], ...]) -> tuple[RemoteFile, ...]:
    """Train images, train labels, test images, test labels with their sums and sizes."""
    return tuple(RemoteFile(n, s, size, raw) for n, (s, size, raw) in zip(IDX_FILES, sums))


IMAGE_SETS: dict[str, ImageSet] = {
    "mnist": ImageSet(
        description="28x28 handwritten digits, 10 classes",
        url="https://ossci-datasets.s3.amazonaws.com/mnist/",
        files=_files(
            (
                ("440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609", 9912422,
                 "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
                ("3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c", 28881,
                 "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
                ("8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6", 1648877,
                 "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
                ("f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6", 4542,
                 "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
            )
        ),
        class_names=tuple(str(d) for d in range(10)),
        licence="Y. LeCun, C. Cortes, C. J. C. Burges; CC BY-SA 3.0",
    ),
    "fashion-mnist": ImageSet(
        description="28x28 clothing images (Zalando), 10 classes",
        url="http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
        files=_files(
            (
                ("3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84", 26421880,
                 "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
                ("a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845", 29515,
                 "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
                ("346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073", 4422102,
                 "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
                ("67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5", 5148,
                 "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"),
            )
        ),
        class_names=(
            "T-shirt/top",
            "Trouser",
            "Pullover",
            "Dress",
            "Coat",
            "Sandal",
            "Shirt",
            "Sneaker",
            "Bag",
            "Ankle boot",
        ),
        licence="Zalando SE; MIT License",
    ),
}
N_PIXELS = 28 * 28
KNOWN_FILES: Known = {
    digest: (name, remote.name)
    for name, info in IMAGE_SETS.items()
    for remote in info.files
    for digest in (remote.sha256, remote.raw_sha256)
}
"""Every published file by its sha256 (compressed and raw): which set and which file it is."""


def file_names(name: str) -> tuple[str, ...]:
    return tuple(f.name for f in IMAGE_SETS[name].files)


def find_file(folder: Path, published: str) -> Path | None:
    """The file on disk: compressed as published, or raw, or with the '.idx' spelling some
    mirrors use (train-images.idx3-ubyte)."""
    raw = published.removesuffix(".gz")
    dotted = raw.replace("-idx", ".idx")
    for candidate in (published, raw, dotted + ".gz", dotted):
        path = folder / candidate
        if path.is_file():
            return path
    return None


def dataset_dir(name: str, data_dir: str | None = None) -> Path:
    return resolve_data_dir(data_dir, name, file_names(name))


def missing_files(name: str, data_dir: str | None = None) -> list[str]:
    folder = dataset_dir(name, data_dir)
    return [f for f in file_names(name) if find_file(folder, f) is None]


def read_image_set(name: str, folder: Path) -> tuple[np.ndarray, ...]:
    """(X_train, y_train, X_test, y_test): uint8 (n, 784) images and int64 labels.

    Every file is recognised by its checksum (`identity.py`, cached): a file of the other set
    is refused by name, and so is one of the published size that matches no published sum
    (damaged). Files of another size (your own IDX set in this layout) are read as they are."""
    paths, unknown = [], []
    for f in file_names(name):
        path = find_file(folder, f)
        if path is None:
            raise DataError(
                f"{name}: {f} not found in {folder}; run `tui-nn datasets fetch {name}` "
                f"or pass --data-dir DIR (or set TUI_NN_DATA_DIR)"
            )
        paths.append(path)
        found = identify(path, KNOWN_FILES)
        if found is not None and found != (name, f):
            raise DataError(wrong_set_message(name, path, f, found))
        if found is None:
            unknown.append((path, f))
    out = []
    for images_path, labels_path in ((paths[0], paths[1]), (paths[2], paths[3])):
        images = read_idx(images_path, MAGIC_IMAGES)
        labels = read_idx(labels_path, MAGIC_LABELS)
        if images.shape[1:] != (28, 28):
            raise DataError(f"{images_path}: images are {images.shape[1:]}, expected (28, 28)")
        if len(images) != len(labels):
            raise DataError(
                f"{labels_path}: {len(labels):,} labels for {len(images):,} images in "
                f"{images_path.name}"
            )
        if labels.size and labels.max() > 9:
            raise DataError(f"{labels_path}: label {labels.max()} is not a digit 0..9")
        out += [images.reshape(len(images), N_PIXELS), labels.astype(np.int64)]
    for path, f in unknown:  # the published size but none of the published sums: damaged
        if len(out[0 if f.startswith("train") else 2]) == OFFICIAL_COUNTS[f.split("-")[0]]:
            raise DataError(damaged_message(name, path, f))
    return tuple(out)


def load_image_set(name: str, spec: DatasetSpec) -> Dataset:
    """MNIST-style set with the official split. `spec.samples`, if set, keeps a seeded random
    subset of that many training images (the test set stays whole)."""
    if spec.normalize not in (None, "none"):
        raise DataError(
            f"{name}: pixels are always scaled to [0, 1] per batch; "
            f"--normalize {spec.normalize} is not supported for image sets"
        )
    X_train, y_train, X_test, y_test = read_image_set(name, dataset_dir(name, spec.data_dir))
    if spec.samples is not None:
        try:
            k = int(spec.samples)
        except (TypeError, ValueError):
            raise DataError(f"{name}: samples must be a whole number") from None
        if not 1 <= k <= len(X_train):
            raise DataError(f"{name}: samples must be between 1 and {len(X_train):,}, got {k}")
        if k < len(X_train):
            keep = np.sort(np.random.default_rng(spec.seed).permutation(len(X_train))[:k])
            X_train, y_train = X_train[keep], y_train[keep]
    info = IMAGE_SETS[name]
    return Dataset(
        name=name,
        task="classification",
        X_train=X_train,
        y_train=y_train,
        X_test=X_test,
        y_test=y_test,
        n_inputs=N_PIXELS,
        n_classes=10,
        class_names=info.class_names,
        feature_names=None,
        input_scale=1.0 / 255.0,
        normalization=fixed_scale(N_PIXELS, 255.0),
        spec=replace(spec, name=name, normalize="none"),
    )


def image_set_info(name: str, data_dir: str | None = None) -> DatasetInfo:
    missing = missing_files(name, data_dir)
    folder = dataset_dir(name, data_dir)
    if not missing:
        location = str(folder)
    elif len(missing) < 4:
        location = f"incomplete in {folder}: tui-nn datasets fetch {name}"
    else:
        location = f"not fetched: tui-nn datasets fetch {name}"
    return DatasetInfo(
        name=name,
        kind="real (download)",
        task="classification",
        n_inputs=N_PIXELS,
        n_outputs=10,
        samples=70000,
        location=location,
        description=f"{IMAGE_SETS[name].description}; {IMAGE_SETS[name].licence}",
    )
