"""What the photo window reads from a drop or a paste: local files only, never an address."""

from __future__ import annotations

from pathlib import Path

import pytest

from unifer_tray.photo.window import local_paths


@pytest.mark.parametrize(
    ("text", "paths", "refused"),
    [
        ("/home/ana/a.jpg", ["/home/ana/a.jpg"], False),
        ("{/home/ana/my photo.jpg} /home/ana/b.png", ["/home/ana/my photo.jpg", "/home/ana/b.png"], False),
        (
            "file:///home/ana/my%20photo.jpg\r\nfile:///home/ana/b.png\r\n",
            ["/home/ana/my photo.jpg", "/home/ana/b.png"],
            False,
        ),
        ("https://example.com/face.jpg", [], True),
        ("# a comment in a URI list\nfile:///tmp/x.png\nhttp://example.com/y.png\n", ["/tmp/x.png"], True),
        ("data:image/png;base64,iVBORw0KGgo=", [], True),
    ],
    ids=["path", "tk-drop-list", "uri-list", "web-address", "mixed-list", "data-url"],
)
def test_only_local_files_are_taken(text, paths, refused):
    assert local_paths(text) == ([Path(path) for path in paths], refused)
