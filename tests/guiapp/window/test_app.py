"""Starting the application: arguments, bad networks, and the X11 library check."""
import subprocess
import sys

from guiapp import xcbcheck
from tests.helpers import ROOT


def test_a_bad_network_argument_is_one_line_and_status_2(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"layers": [2, 2]')
    for arg in (str(bad), "no-such-preset"):
        out = subprocess.run([sys.executable, "-m", "guiapp", arg], cwd=ROOT, capture_output=True, text=True,
                             env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"}, timeout=60)
        assert out.returncode == 2
        assert len(out.stderr.strip().splitlines()) == 1 and arg in out.stderr
        assert "Traceback" not in out.stderr


def test_qt_uses_xcb_only_on_linux_with_an_x_display():
    assert xcbcheck.uses_xcb({"DISPLAY": ":0"}, "linux")
    assert xcbcheck.uses_xcb({"QT_QPA_PLATFORM": "xcb"}, "linux")
    assert not xcbcheck.uses_xcb({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, "linux")
    assert not xcbcheck.uses_xcb({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}, "linux")
    assert not xcbcheck.uses_xcb({}, "linux")
    assert not xcbcheck.uses_xcb({"DISPLAY": ":0"}, "darwin")


def test_missing_libraries_are_named_with_the_command_that_installs_them():
    missing = ["libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxkbcommon-x11.so.0"]
    assert [xcbcheck.package_for(m) for m in missing] == [
        "libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1", "libxkbcommon-x11-0"]
    assert xcbcheck.package_for("libglib-2.0.so.0") == "libglib2.0-0"
    text = xcbcheck.message(missing)
    assert "sudo apt-get install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxkbcommon-x11-0" in text
    assert "libxcb-icccm.so.4" in text


def test_the_check_finds_what_ldd_reports_missing(tmp_path, monkeypatch):
    fake_ldd = tmp_path / "ldd"
    fake_ldd.write_text("#!/bin/sh\necho '\tlibxcb-icccm.so.4 => not found'\necho '\tlibc.so.6 => /lib/libc.so.6'\n")
    fake_ldd.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    plugin = xcbcheck.xcb_plugin()
    assert plugin is not None and plugin.name == "libqxcb.so"
    assert "libxcb-icccm.so.4" in xcbcheck.missing_libraries(plugin)
