"""The wheel works outside the checkout: build it, install it in a fresh venv, use it.

``make test`` runs this after the test suite (``python tests/smoke_wheel.py --python P ...``).
It builds the sdist and, from the unpacked sdist, the wheel (so the sdist is proved complete
too), then for each Python given: makes a fresh venv in a temporary folder, installs the
wheel there (pip resolves its dependencies, as a user's install does), and from another
temporary folder — a git repository of its own, as a user's project may be — runs:

* ``ntm summary`` and ``ntm forecast --draws 200`` on the bundled data;
* ``ntm validate`` on a bad file: exit code 3 and the problem's sheet, row and column;
* ``ntm notebooks DEST`` and ``python -m ntm_analysis --version``;
* a one-district ``ntm batch`` (few draws, ``--no-pdf``), whose manifest must name the
  installed wheel (``direct_url.json``) and no git revision (the folder's repository is not
  the package's);
* ``ntm summary`` again after a bundled file is deleted: exit code 4, "installation is
  broken", never a data error.

Prints each step's seconds. Exit code 0 when every check held; the first failure stops it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BAD_FILE = ROOT / "tests" / "data" / "bad" / "bad_values.xlsx"
DISTRICT = "Tràng Định"
UNIT_ID = "180-trang-dinh"


class SmokeError(AssertionError):
    pass


def _run(cmd: list[str], cwd: Path, env: dict[str, str], expect: int = 0) -> str:
    """Run ``cmd``; its exit code must be ``expect``. Returns stdout + stderr."""
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    output = done.stdout + done.stderr
    if done.returncode != expect:
        raise SmokeError(
            f"{' '.join(cmd)}: exit code {done.returncode}, expected {expect}\n{output[-3000:]}"
        )
    return output


def _expect(text: str, *needles: str) -> None:
    for needle in needles:
        if needle not in text:
            raise SmokeError(f"expected {needle!r} in:\n{text[-3000:]}")


def build(out: Path) -> Path:
    """The sdist, and the wheel built from it (``python -m build``, this venv's setuptools:
    no network). Returns the wheel."""
    cmd = [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)]
    _run(cmd, ROOT, dict(os.environ))
    wheel = next(out.glob("ntm_analysis-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    needed = [
        "ntm_analysis/_data/units_lang_son_2017.csv",
        "ntm_analysis/_notebooks/",
        *(
            f"ntm_analysis/i18n/locale/{lang}/LC_MESSAGES/ntm.{kind}"
            for lang in ("vi", "en")
            for kind in ("po", "mo")
        ),  # the translation catalogues
    ]
    for path in needed:
        if not any(n.startswith(path) for n in names):
            raise SmokeError(f"{wheel.name} lacks {path}")
    return wheel


def _clean_env(venv: Path) -> dict[str, str]:
    """The user's environment: the venv first on PATH, nothing pointing into the checkout."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "NTM_DATA_DIR")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env.pop("VIRTUAL_ENV", None)
    env["NTM_LANG"] = "en"
    return env


def smoke(python: str, wheel: Path, tmp: Path) -> dict[str, float]:
    """Install ``wheel`` into a fresh venv of ``python`` and use it from another folder."""
    seconds: dict[str, float] = {}
    version = _run([python, "-c", "import sys; print(sys.version.split()[0])"], tmp, {}).strip()
    venv, work = tmp / f"venv-{version}", tmp / f"work-{version}"
    work.mkdir()
    env = _clean_env(venv)
    ntm, py = str(venv / "bin" / "ntm"), str(venv / "bin" / "python")

    def step(name: str, cmd: list[str], expect: int = 0) -> str:
        t0 = time.perf_counter()
        output = _run(cmd, work, env, expect)
        seconds[name] = round(time.perf_counter() - t0, 1)
        return output

    step("venv", [python, "-m", "venv", str(venv)])
    step("install", [py, "-m", "pip", "install", "--quiet", str(wheel)])
    if shutil.which("git"):  # the user's own repository must not be taken for the package's
        _run(["git", "init", "--quiet"], work, env)
    _expect(step("summary", [ntm, "summary"]), "Lạng Sơn")
    _expect(step("forecast", [ntm, "forecast", "--draws", "200"]), "Probability of reaching")
    shutil.copy(BAD_FILE, work)
    _expect(
        step("validate", [ntm, "validate", BAD_FILE.name], expect=3),
        "2 problems found in the data",
        "bad_values.xlsx, sheet 'Báo cáo 2016', row 5, column 'TC7': cannot read 'Đạt?'",
    )
    _expect(step("python -m", [py, "-m", "ntm_analysis", "--version"]), "ntm-analysis ")
    step("notebooks", [ntm, "notebooks", "nb"])
    if sorted(p.name for p in (work / "nb").iterdir()) != [
        "district_forecast.ipynb",
        "explore.ipynb",
        "province_overview.ipynb",
    ]:
        raise SmokeError(f"ntm notebooks copied {sorted((work / 'nb').iterdir())}")
    batch = [ntm, "batch", "--districts", DISTRICT, "--no-province", "--no-pdf"]
    batch += ["--draws", "100", "--backtest-draws", "50", "--workers", "1", "--no-progress"]
    step("batch", batch)
    if not (work / "reports" / f"{UNIT_ID}.html").is_file():
        raise SmokeError("ntm batch made no report")
    manifest = json.loads((work / "reports" / "manifest.json").read_text(encoding="utf-8"))
    source = manifest["package"]["source"]
    if manifest["git"] is not None or not source.get("installed"):
        raise SmokeError(f"manifest takes another repository for the package's: {manifest}")
    if not (source.get("direct_url") or {}).get("url", "").endswith(wheel.name):
        raise SmokeError(f"manifest does not name the wheel: {source}")
    site = _run([py, "-c", "import ntm_analysis; print(ntm_analysis.__file__)"], work, env)
    (Path(site.strip()).parent / "_data" / "units_lang_son_2017.csv").unlink()
    _expect(
        step("broken install", [ntm, "summary"], expect=4),
        "installation is broken",
        "units_lang_son_2017.csv missing",
    )
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", action="append", default=[], help="interpreter to test")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    pythons = args.python or [sys.executable]
    tmp = Path(tempfile.mkdtemp(prefix="ntm-wheel-smoke-"))
    t0 = time.perf_counter()
    try:
        wheel = build(tmp / "dist")
        print(f"built {wheel.name} from the sdist in {time.perf_counter() - t0:.1f} s")
        for python in pythons:
            seconds = smoke(python, wheel, tmp)
            steps = ", ".join(f"{name} {s:g} s" for name, s in seconds.items())
            print(f"wheel smoke with {python}: ok ({steps})")
    except SmokeError as exc:
        print(f"wheel smoke FAILED: {exc}", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"wheel smoke: {time.perf_counter() - t0:.0f} s in all")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
