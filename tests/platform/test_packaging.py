"""A plain install of the wheel carries the migrations, templates and static files."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from support.paths import ROOT



@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)],
                   check=True, capture_output=True, timeout=600)
    return next(out.glob("pressroom-*.whl"))


def test_wheel_contents(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in ("storage/migrations/env.py", "storage/migrations/script.py.mako",
                     "storage/migrations/versions/0001_foundation.py", "comms/templates/base.html",
                     "comms/static/style.css", "press_templates/__init__.py", "contacts/__init__.py",
                     "feeds/__init__.py", "contacts/data/states.csv", "contacts/data/organisations.csv",
                     "comms/rendering/fonts/NotoSans-Regular.ttf", "comms/rendering/fonts/OFL.txt"):
        assert required in names, required
    assert not any(name.startswith("tests/") for name in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "pressroom = comms.console:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_installed_wheel_migrates_and_serves_pages(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(target),
                    str(wheel)], check=True, capture_output=True, timeout=300)
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(target), "PRESSROOM_INSTANCE_PATH": str(tmp_path / "inst"),
           "SECRET_KEY": "x" * 32}
    script = (
        "import comms, sys; assert comms.__file__.startswith(sys.argv[1]), comms.__file__\n"
        "from comms.app import create_app\n"
        "from storage import migrate\n"
        "app = create_app(); rt = app.extensions['pressroom']\n"
        "migrate.upgrade(rt.db.engine); assert migrate.is_up_to_date(rt.db.engine)\n"
        "client = app.test_client()\n"
        "assert client.get('/login').status_code == 200\n"
        "assert client.get('/static/style.css').status_code == 200\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", script, str(target)], env=env, cwd=tmp_path, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
