"""The CSV options from the command line and TOML: train records how its file was read, and
eval, predict and the exported script read new files the same way; duplicate column names are
refused by every command; warnings do not stop training."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import numpy as np
import pytest

from tui_nn.files import load_model

HAS_TORCH = importlib.util.find_spec("torch") is not None
SPECIES = ("setosa", "versicolor", "virginica")


def flowers(n=60, seed=0):
    rng = np.random.default_rng(seed)
    return [(*np.round(rng.normal(1 + i % 3, 0.3, 2), 2), SPECIES[i % 3]) for i in range(n)]


def write(path, rows, header=None, delimiter=",", encoding="utf-8"):
    text = (delimiter.join(header) + "\n" if header else "") + "".join(
        delimiter.join(map(str, r)) + "\n" for r in rows
    )
    path.write_text(text, encoding=encoding)
    return path


def test_duplicate_column_names_are_refused_by_train_eval_and_predict(cli, tmp_path):
    good = write(tmp_path / "good.csv", flowers(), ("a", "b", "species"))
    model = tmp_path / "m.npz"
    assert cli("train", "--data", good, "--epochs", "2", "--save", model).code == 0
    dup = write(tmp_path / "dup.csv", flowers(), ("a", "a", "species"))
    for args in (
        ("train", "--data", dup, "--epochs", "1"),
        ("eval", model, "--data", dup),
        ("predict", model, "--data", dup),
    ):
        result = cli(*args)
        assert result.code == 2, args
        assert "columns 1 and 2 are both named 'a'" in result.error_line


def test_warnings_do_not_stop_training(cli, tmp_path):
    const = write(tmp_path / "const.csv", [(1, 2, r[2]) for r in flowers()], ("a", "b", "y"))
    result = cli("train", "--data", const, "--epochs", "2", "--quiet")
    assert result.code == 0
    assert "tui-nn: warning: const.csv: every input column holds a single value" in result.err
    tiny = write(tmp_path / "tiny.csv", [(1, 2.5), (3, 4.5)], ("a", "y"))
    result = cli("train", "--data", tiny, "--epochs", "2", "--quiet")
    assert result.code == 0 and "only 2 rows (1 to train on, 1 to test)" in result.err


def test_refusals_name_the_flag_that_reads_the_file(cli, tmp_path):
    ids = write(tmp_path / "ids.csv", [(f"A{i}", *r) for i, r in enumerate(flowers())],
                ("id", "x1", "x2", "species"))  # fmt: skip
    assert cli("train", "--data", ids).error_line.endswith("say --ignore id")
    cp = write(tmp_path / "cp.csv", flowers(), ("température", "x2", "species"), encoding="cp1252")
    assert "try --encoding cp1252" in cli("train", "--data", cp).error_line
    eu = write(tmp_path / "eu.csv", [(f"1.{100 + i},5", 2, s) for i, (_, _, s) in enumerate(flowers())],
               ("a", "b", "kind"), delimiter=";")  # fmt: skip
    assert cli("train", "--data", eu).error_line.endswith("say --thousands .")
    assert (
        "unknown encoding 'utf16'" in cli("train", "--data", eu, "--encoding", "utf16").error_line
    )
    assert "one of: ',', '.'" in cli("train", "--data", eu, "--thousands", "x").error_line
    assert "an empty column name" in cli("train", "--data", ids, "--ignore", "id,,x1").error_line
    assert "say --ignore id" in cli("train", "--data", ids, "--ignore", "").error_line  # none


def test_the_model_records_how_its_file_was_read(cli, tmp_path):
    rows = [(f"A{i}", f"{1000 * r[0]:,.1f}".replace(",", "_").replace(".", ",").replace("_", "."),
             str(r[1]).replace(".", ","), r[2] + "é") for i, r in enumerate(flowers(90))]  # fmt: skip
    data = write(tmp_path / "d.csv", rows, ("id", "masse", "taille", "espèce"), ";", "cp1252")
    model = tmp_path / "m.npz"
    args = ("--ignore", "id", "--encoding", "cp1252", "--thousands", ".", "--epochs", "40")
    assert cli("train", "--data", data, *args, "--save", model).code == 0
    spec = load_model(model).config.dataset
    assert (spec.ignore, spec.encoding, spec.thousands) == (("id",), "cp1252", ".")
    # new rows, written the same way: no flag needed
    new = write(tmp_path / "new.csv", rows[:3], ("id", "masse", "taille", "espèce"), ";", "cp1252")
    predicted = cli("predict", model, "--data", new)
    assert predicted.code == 0, predicted.err
    lines = predicted.out.splitlines()
    assert lines[0].startswith("masse,taille,prediction,p_setosaé")
    assert lines[1].startswith(f"{rows[0][1].replace('.', '').replace(',', '.')},")
    evaluated = cli("eval", model, "--data", new)
    assert evaluated.code == 0 and "3 samples" in evaluated.out
    # a file written otherwise: the flags read it
    utf = write(tmp_path / "utf.csv", [(r[0], r[1].replace(".", "").replace(",", "."), r[2], r[3])
                                       for r in rows[:3]], ("id", "masse", "taille", "espèce"), ";")  # fmt: skip
    refused = cli("predict", model, "--data", utf).error_line
    assert refused.endswith("'1040.0' is not a number as --thousands . writes numbers (1.065,00)")
    other = cli("predict", model, "--data", utf, "--encoding", "utf-8", "--thousands", "none")
    assert other.code == 0, other.err
    assert other.out.splitlines()[1:] == lines[1:]


def test_toml_keys(cli, tmp_path):
    rows = [(f"A{i}", *r) for i, r in enumerate(flowers())]
    data = write(tmp_path / "d.csv", rows, ("id", "x1", "x2", "species"))
    config = tmp_path / "run.toml"
    config.write_text('ignore = ["id"]\nheader = "yes"\nencoding = "utf-8"\nthousands = "none"\n')
    model = tmp_path / "m.npz"
    result = cli("train", "--data", data, "--config", config, "--epochs", "2", "--save", model)
    assert result.code == 0, result.err
    assert load_model(model).config.dataset.ignore == ("id",)
    config.write_text('ignore = "id,,x"\n')
    assert (
        "key 'ignore': an empty column name"
        in cli("train", "--data", data, "--config", config).error_line
    )


@pytest.mark.skipif(not HAS_TORCH, reason="torch is not installed (pip install torch==2.13.0)")
def test_the_exported_script_reads_new_files_as_the_model_does(cli, tmp_path):
    rows = [(f"A{i}", *r) for i, r in enumerate(flowers())]
    data = write(tmp_path / "d.csv", rows)  # no header: the id is column 0
    model, script = tmp_path / "m.npz", tmp_path / "m.py"
    assert cli("train", "--data", data, "--ignore", "0", "--epochs", "5", "--save", model).code == 0
    assert cli("export", model, "-o", script).code == 0
    new = write(tmp_path / "new.csv", [r[:3] for r in rows[:5]])  # id and inputs, no target
    expected = cli("predict", model, "--data", new)
    assert expected.code == 0, expected.err
    run = subprocess.run([sys.executable, str(script), str(new)], capture_output=True, text=True,
                         timeout=120)  # fmt: skip
    assert run.returncode == 0, run.stderr
    got, want = run.stdout.splitlines(), expected.out.splitlines()
    assert got[0] == want[0] == "column 2,column 3,prediction,p_setosa,p_versicolor,p_virginica"
    for a, b in zip(got[1:], want[1:]):
        a, b = a.split(","), b.split(",")
        assert a[:3] == b[:3]
        np.testing.assert_allclose([float(x) for x in a[3:]], [float(x) for x in b[3:]], rtol=1e-5)
