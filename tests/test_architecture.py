"""The layout README describes is kept: `bin/import-cycles` finds what would break it."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def check(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "bin" / "import-cycles"), "--root", str(root)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_the_project_has_no_cycle_between_apps_and_core_names_no_app():
    result = check(ROOT)
    assert result.returncode == 0, result.stdout
    assert "0 problem(s)" in result.stdout


def test_a_cycle_through_a_function_local_import_is_found(tmp_path):
    write(
        tmp_path,
        {
            "consent/__init__.py": "",
            "consent/models.py": "from media_centre import cache\n",
            "media_centre/__init__.py": "",
            "media_centre/cache.py": "def clock():\n    from consent.models import Policy\n",
        },
    )
    result = check(tmp_path)
    assert result.returncode == 1
    assert "A cycle between apps: consent.models → media_centre.cache" in result.stdout


def test_core_importing_an_app_is_found_even_inside_a_function(tmp_path):
    write(
        tmp_path,
        {
            "core/__init__.py": "",
            "core/page_cache.py": "def columns():\n    from media_centre import models\n",
            "media_centre/__init__.py": "",
            "media_centre/models.py": "from core import page_cache\n",
        },
    )
    result = check(tmp_path)
    assert result.returncode == 1
    assert "core names another app: core.page_cache imports media_centre" in result.stdout
