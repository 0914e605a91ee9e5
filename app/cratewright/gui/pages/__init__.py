"""One module per navigation page; each defines one :class:`cratewright.gui.page.Page`."""
