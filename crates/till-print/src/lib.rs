//! Printing without the store: a small document model of Till's own
//! (`Doc`), its plain-text rendering (`to_text`), its ESC/POS bytes
//! (`to_escpos`), its PDF (`to_pdf`, `labels_pdf` for a sheet of
//! product labels, `tables_pdf` for report tables), PNG logos as raster
//! images (`raster_from_png`) and the destinations the bytes go to
//! (`Destination`, `send`).
//!
//! `to_text`, `to_escpos` and `to_pdf` share one layout (`layout`), so the text form is
//! the printed one, line for line.

mod codepage;
mod dest;
mod doc;
mod escpos;
mod image;
mod layout;
mod pdf;
mod table;

pub use codepage::{CodePage, CodePageError};
pub use dest::{send, Destination, DestinationError, SendError};
pub use doc::{
    labels_doc, valid_ean13, Align, Block, Doc, Label, LabelCode, Size, Width, WidthError,
};
pub use escpos::{to_escpos, EncodeError, QR_MAX};
pub use image::{png_size, raster_from_png, ImageError, MAX_HEIGHT_DOTS, MAX_SIDE};
pub use layout::to_text;
pub use pdf::{labels_pdf, to_pdf, PaperError, PdfPaper};
pub use table::{tables_pdf, PdfColumn, PdfTable};
