"""The charts' speed changes (issue 17) keep what they draw: seaborn's theme written out equals
seaborn's own, and the heatmap is drawn without seaborn (no extra whole-figure draw, no import).
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import seaborn as sns
from locations import REPO
from matplotlib.collections import QuadMesh

from ntm_analysis.report import plots


def _wide(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    index = [f"{i:05d}" for i in range(n)]
    return pd.DataFrame(rng.random((n, 19)) < 0.6, columns=list(range(1, 20)), index=index)


def test_the_written_out_theme_is_seaborns_whitegrid_talk():
    expected = {**sns.axes_style("whitegrid"), **sns.plotting_context("talk")}
    expected.pop("image.cmap")  # a seaborn colormap; no chart uses the default one
    assert expected == plots.SEABORN_WHITEGRID_TALK


def test_the_heatmap_grid_is_drawn_as_seaborn_drew_it():
    wide = _wide(12)
    fig = plots.criteria_heatmap(wide, None, "vi", False)
    ax = fig.axes[0]
    (mesh,) = [c for c in ax.collections if isinstance(c, QuadMesh)]
    assert mesh.get_array().shape == (12, 19)
    assert mesh.get_linewidths()[0] == 0.6
    assert ax.get_xlim() == (0.0, 19.0) and ax.get_ylim() == (12.0, 0.0)  # first row on top
    assert list(ax.get_xticks()) == [i + 0.5 for i in range(19)]
    assert [t.get_text() for t in ax.get_xticklabels()] == [str(c) for c in range(1, 20)]
    assert all(t.get_rotation() == 0 for t in ax.get_yticklabels())
    assert not any(s.get_visible() for s in ax.spines.values())
    big = plots.criteria_heatmap(_wide(120), None, "vi", False)  # no white lines: too dense
    (mesh,) = [c for c in big.axes[0].collections if isinstance(c, QuadMesh)]
    assert mesh.get_linewidths()[0] == 0.0


def test_drawing_every_report_chart_imports_no_seaborn():
    code = (
        "import json, sys\n"
        "import numpy as np, pandas as pd\n"
        "from ntm_analysis.report import plots\n"
        "wide = pd.DataFrame(np.eye(5, 19, dtype=bool), columns=list(range(1, 20)),"
        " index=list('abcde'))\n"
        "plots.fig_to_png_bytes(plots.criteria_heatmap(wide, None, 'vi', True), dpi=30)\n"
        "print(json.dumps('seaborn' in sys.modules))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert json.loads(run.stdout.strip().splitlines()[-1]) is False
