"""A small GTK window that offers one file for dragging, as a file manager would (XDND with a
text/uri-list), for the photo window's drop test.

usage: python drag_source.py FILE_URI X Y   (the window is placed at X, Y, 160x80, titled "drag source")
"""

from __future__ import annotations

import sys

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("Gdk", "3.0")
from gi.repository import Gdk, Gtk  # noqa: E402


def main() -> None:
    uri, x, y = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    window = Gtk.Window(title="drag source")
    window.set_decorated(False)
    window.set_default_size(160, 80)
    window.move(x, y)
    button = Gtk.Button(label="photo")
    button.drag_source_set(Gdk.ModifierType.BUTTON1_MASK, [], Gdk.DragAction.COPY)
    button.drag_source_add_uri_targets()
    button.connect("drag-data-get", lambda _widget, _context, data, _info, _time: data.set_uris([uri]))
    window.add(button)
    window.connect("destroy", Gtk.main_quit)
    window.show_all()
    Gtk.main()


if __name__ == "__main__":
    main()
