//! till-print: the text form, the ESC/POS bytes (read back by a decoder of
//! our own), the code page tables and the destinations (real files, a real
//! TCP listener on loopback), and the PDFs (read back with poppler's tools).

mod bytes;
mod decode;
mod dest;
mod image;
mod labels;
mod pdf;
mod report_pdf;
mod tables;
mod text;
