"""Renderings of an :class:`~unifer_tray.result.Analysis` for people: annotated images, and
(with the tray) notifications and HTML reports."""
