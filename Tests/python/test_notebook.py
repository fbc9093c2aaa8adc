"""`nadsim export notebook` writes a notebook that runs headless and draws its figures.

The fixture `fixtures/sweep-small` is a synthetic results folder (see its README): 24 scenarios
(substance x dose x schedule x age, one route), three virtual people besides the typical person,
quantiles and trajectories, one failed row. The test writes the notebook into a temporary folder
(so that it reaches the fixture by a relative path), runs it with nbclient on an ipykernel kernel
of this Python, and checks that no cell fails and that every figure cell shows a PNG image.

The nadsim binary is $NADSIM_BIN if set, else .build/debug/nadsim.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "Tests" / "python" / "fixtures" / "sweep-small"
#: Figure cells (by cell id) the fixture supports, and the PNG images each must show.
FIGURES = {
    "dose-response-fold": 1,
    "dose-response-cmax": 1,
    "time-courses-plot": 1,
    "age-baseline": 1,
    "age-fold": 1,
}
KERNEL = "nadsim-test-python"


def nadsim():
    binary = os.environ.get("NADSIM_BIN") or str(ROOT / ".build" / "debug" / "nadsim")
    if not Path(binary).is_file():
        pytest.fail(f"nadsim binary {binary} not found: build it (swift build) or set NADSIM_BIN")
    return binary


@pytest.fixture
def kernel(tmp_path, monkeypatch):
    """A kernel spec that runs ipykernel on this Python (the venv with pandas and matplotlib),
    so that a `python3` kernel installed elsewhere on the machine is not picked up."""
    spec = tmp_path / "jupyter" / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "nadsim test Python",
        "language": "python",
    }))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.delenv("MPLBACKEND", raising=False)
    return KERNEL


def export(folder, out, *extra):
    return subprocess.run([nadsim(), "export", "notebook", "--from", str(folder), "--out", str(out), *extra],
                          capture_output=True, text=True)


def test_notebook_runs_and_draws_every_figure(tmp_path, kernel):
    # A copy of the results beside the notebooks' folder, as in a repository checkout: the
    # notebook must reach it by a relative path.
    results = tmp_path / "results" / "sweep-small"
    shutil.copytree(FIXTURE, results)
    out_folder = tmp_path / "notebooks"
    out_folder.mkdir()
    out = out_folder / "sweep.ipynb"
    run = export(results, out, "--title", "Synthetic sweep")
    assert run.returncode == 0, run.stderr
    notebook = nbformat.read(out, as_version=4)
    nbformat.validate(notebook)
    setup = next(cell for cell in notebook.cells if cell.get("id") == "setup")
    assert 'RESULTS = Path("../results/sweep-small")' in setup.source
    assert notebook.cells[0].source.startswith("# Synthetic sweep\n")

    NotebookClient(notebook, timeout=300, kernel_name=kernel,
                   resources={"metadata": {"path": str(out_folder)}}).execute()

    errors = [(cell.id, output.get("ename"), output.get("evalue"))
              for cell in notebook.cells if cell.cell_type == "code"
              for output in cell.outputs if output.output_type == "error"]
    assert not errors
    images = {cell.id: sum("image/png" in output.get("data", {}) for output in cell.outputs)
              for cell in notebook.cells if cell.cell_type == "code"}
    for cell_id, count in FIGURES.items():
        assert images.get(cell_id, 0) >= count, f"cell {cell_id}: {images.get(cell_id, 0)} PNG images"
    failed = next(cell for cell in notebook.cells if cell.id == "failed-table")
    shown = "".join(output.get("data", {}).get("text/plain", "") for output in failed.outputs)
    assert "step size underflow" in shown


def test_notebook_file_is_jupyters_own_formatting_and_deterministic(tmp_path):
    first, second = tmp_path / "a.ipynb", tmp_path / "b.ipynb"
    assert export(FIXTURE, first).returncode == 0
    assert export(FIXTURE, second).returncode == 0
    text = first.read_text(encoding="utf-8")
    assert text == second.read_text(encoding="utf-8")
    # What Jupyter writes when it saves the notebook: opening and saving changes nothing.
    assert text == json.dumps(json.loads(text), indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    nbformat.validate(nbformat.reads(text, as_version=4))


def typical_person_only(folder):
    """The fixture as a sweep without population or trajectories: person 0 rows only."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    del manifest["population"], manifest["files"]["quantiles"], manifest["files"]["trajectories"]
    lines = (folder / "summary.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [lines[0]] + [line for line in lines[1:] if line.split(",")[1] == "0"]
    (folder / "summary.csv").write_text("".join(kept), encoding="utf-8")
    manifest.update(row_count=len(kept) - 1, failed_count=0)
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")


def sampled_dose(folder):
    """The fixture as a Latin-hypercube design: the dose axis has a range instead of values."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["design"] = {"kind": "latin_hypercube", "samples": 24, "seed": 7}
    dose = next(axis for axis in manifest["axes"] if axis["kind"] == "dose")
    del dose["values"]
    dose.update(range=[100, 2000], scale="log")
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")


@pytest.mark.parametrize("change, figures, absent", [
    (typical_person_only, ["dose-response-fold", "dose-response-cmax", "age-baseline", "age-fold"],
     ["time-courses-plot", "failed-table"]),
    (sampled_dose, ["dose-response-fold", "dose-response-cmax", "time-courses-plot", "age-baseline", "age-fold"], []),
], ids=["typical-person-only", "sampled-dose"])
def test_other_designs_run(tmp_path, kernel, change, figures, absent):
    results = tmp_path / "results"
    shutil.copytree(FIXTURE, results)
    change(results)
    out = tmp_path / "sweep.ipynb"
    run = export(results, out)
    assert run.returncode == 0, run.stderr
    notebook = nbformat.read(out, as_version=4)
    ids = [cell.id for cell in notebook.cells]
    assert not set(absent) & set(ids)
    NotebookClient(notebook, timeout=300, kernel_name=kernel, resources={"metadata": {"path": str(tmp_path)}}).execute()
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert not [o for o in cell.outputs if o.output_type == "error"], cell.id
    images = {cell.id: sum("image/png" in o.get("data", {}) for o in cell.outputs)
              for cell in notebook.cells if cell.cell_type == "code"}
    for cell_id in figures:
        assert images.get(cell_id, 0) >= 1, cell_id


def test_notebook_of_a_real_sweep(tmp_path, kernel):
    """End to end: `nadsim sweep` on the human model (IV NAD+ vs NMN, two doses, two ages, three
    virtual people, trajectories), then `nadsim export notebook`, then a headless run."""
    results = tmp_path / "results" / "iv"
    sweep = subprocess.run([
        nadsim(), "sweep", "--model", str(ROOT / "Models" / "nad-human.yaml"), "--fixed", "route=iv",
        "--fixed", "infusion=2h", "--axis", "substance=NAD,NMN", "--axis", "dose=250mg,750mg", "--axis", "age=35,65",
        "--population", "3", "--seed", "5", "--until", "24h", "--every", "1h", "--trajectories",
        "--observable", "plasma_nad,plasma_nam,whole_blood_nad,nad_liver", "--out", str(results), "--quiet",
    ], capture_output=True, text=True)
    assert sweep.returncode == 0, sweep.stderr
    out_folder = tmp_path / "notebooks"
    out_folder.mkdir()
    out = out_folder / "iv.ipynb"
    run = export(results, out)
    assert run.returncode == 0, run.stderr
    notebook = nbformat.read(out, as_version=4)
    NotebookClient(notebook, timeout=300, kernel_name=kernel,
                   resources={"metadata": {"path": str(out_folder)}}).execute()
    errors = [(cell.id, output.get("evalue")) for cell in notebook.cells if cell.cell_type == "code"
              for output in cell.outputs if output.output_type == "error"]
    assert not errors
    images = {cell.id: sum("image/png" in output.get("data", {}) for output in cell.outputs)
              for cell in notebook.cells if cell.cell_type == "code"}
    for cell_id in ["dose-response-fold", "dose-response-cmax", "time-courses-plot", "age-baseline", "age-fold"]:
        assert images.get(cell_id, 0) >= 1, f"cell {cell_id}: no figure"
