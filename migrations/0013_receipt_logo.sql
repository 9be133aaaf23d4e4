-- The shop's logo, printed at the top of every receipt. One row at most:
-- the PNG file as the owner gave it (Till scales and dithers it to the
-- paper when it prints), with its size in pixels for the Settings screen.
CREATE TABLE receipt_logo (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    png        BLOB NOT NULL,
    width_px   INTEGER NOT NULL CHECK (width_px > 0),
    height_px  INTEGER NOT NULL CHECK (height_px > 0),
    updated_at TEXT NOT NULL
) STRICT;
