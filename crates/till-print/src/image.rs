//! A PNG logo as a 1-bit raster image the receipt printer prints: read with
//! the `png` crate, put on white where it is transparent, scaled down to the
//! paper (never up), and dithered to black and white (Floyd–Steinberg, so
//! greys stay grey-looking and a black-and-white logo stays exactly itself).

use std::io::Cursor;

use crate::doc::Block;

/// Why a logo cannot be printed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImageError {
    #[error("not a PNG image ({0})")]
    NotPng(String),
    #[error("the image is empty ({width}x{height} pixels)")]
    Empty { width: u32, height: u32 },
    #[error("the image is {width}x{height} pixels; a logo may be at most {MAX_SIDE} on a side")]
    TooLarge { width: u32, height: u32 },
}

/// The longest side of a PNG Till reads as a logo, so a hostile file cannot
/// make it allocate gigabytes (the decoder's own byte limit is also set).
pub const MAX_SIDE: u32 = 4096;

/// The tallest logo printed, in dots (after scaling): a logo is a header,
/// not a poster.
pub const MAX_HEIGHT_DOTS: u32 = 600;

/// `bytes` (a PNG file) as a `Block::Raster` at most `max_width_dots` wide
/// (and `MAX_HEIGHT_DOTS` tall), keeping its proportions.
pub fn raster_from_png(bytes: &[u8], max_width_dots: u16) -> Result<Block, ImageError> {
    let (width, height, grey) = decode(bytes)?;
    let max_w = u32::from(max_width_dots.max(8));
    // Scale by the tighter of the two bounds, never up.
    let (mut w, mut h) = (width, height);
    if w > max_w {
        h = (u64::from(h) * u64::from(max_w) / u64::from(w)).max(1) as u32;
        w = max_w;
    }
    if h > MAX_HEIGHT_DOTS {
        w = (u64::from(w) * u64::from(MAX_HEIGHT_DOTS) / u64::from(h)).max(1) as u32;
        h = MAX_HEIGHT_DOTS;
    }
    let scaled = if (w, h) == (width, height) {
        grey
    } else {
        shrink(&grey, width, height, w, h)
    };
    let bits = dither(&scaled, w, h);
    Ok(Block::Raster {
        // Both at most max(max_width_dots, 8) and MAX_HEIGHT_DOTS: they fit.
        width_px: w as u16,
        height_px: h as u16,
        bits,
    })
}

/// The size of a PNG image in pixels, from its header.
pub fn png_size(bytes: &[u8]) -> Result<(u32, u32), ImageError> {
    png::Decoder::new(Cursor::new(bytes))
        .read_info()
        .map(|r| r.info().size())
        .map_err(|e| ImageError::NotPng(e.to_string()))
}

/// The image as 8-bit luminance, transparent parts on white.
fn decode(bytes: &[u8]) -> Result<(u32, u32, Vec<u8>), ImageError> {
    let not_png = |e: png::DecodingError| ImageError::NotPng(e.to_string());
    let mut decoder = png::Decoder::new_with_limits(
        Cursor::new(bytes),
        png::Limits {
            bytes: 64 * 1024 * 1024,
        },
    );
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().map_err(not_png)?;
    let (width, height) = reader.info().size();
    if width == 0 || height == 0 {
        return Err(ImageError::Empty { width, height });
    }
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(ImageError::TooLarge { width, height });
    }
    let size = reader
        .output_buffer_size()
        .ok_or(ImageError::TooLarge { width, height })?;
    let mut buf = vec![0; size];
    let info = reader.next_frame(&mut buf).map_err(not_png)?;
    let channels = match info.color_type {
        png::ColorType::Grayscale => 1,
        png::ColorType::GrayscaleAlpha => 2,
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        // EXPAND turns palettes into RGB(A); anything else is not a PNG we read.
        other => {
            return Err(ImageError::NotPng(format!(
                "unexpected colour type {other:?}"
            )))
        }
    };
    let stride = info.line_size;
    let mut grey = Vec::with_capacity(width as usize * height as usize);
    for y in 0..height as usize {
        let row = buf
            .get(y * stride..(y + 1) * stride)
            .ok_or_else(|| ImageError::NotPng("the image data is short".into()))?;
        for px in row.chunks_exact(channels).take(width as usize) {
            let (lum, alpha) = match px {
                [g] => (u32::from(*g), 255),
                [g, a] => (u32::from(*g), u32::from(*a)),
                [r, g, b] => (luma(*r, *g, *b), 255),
                [r, g, b, a] => (luma(*r, *g, *b), u32::from(*a)),
                _ => (255, 0),
            };
            // Over white paper.
            grey.push(((lum * alpha + 255 * (255 - alpha)) / 255) as u8);
        }
    }
    Ok((width, height, grey))
}

/// ITU-R BT.601 luma, in integers.
fn luma(r: u8, g: u8, b: u8) -> u32 {
    (299 * u32::from(r) + 587 * u32::from(g) + 114 * u32::from(b)) / 1000
}

/// Area average: each new pixel is the mean of the source pixels it covers.
fn shrink(src: &[u8], w: u32, h: u32, nw: u32, nh: u32) -> Vec<u8> {
    let (w, h, nw, nh) = (w as u64, h as u64, nw as u64, nh as u64);
    let mut out = Vec::with_capacity((nw * nh) as usize);
    for oy in 0..nh {
        let y0 = oy * h / nh;
        let y1 = ((oy + 1) * h / nh).max(y0 + 1);
        for ox in 0..nw {
            let x0 = ox * w / nw;
            let x1 = ((ox + 1) * w / nw).max(x0 + 1);
            let mut sum = 0u64;
            for y in y0..y1 {
                for x in x0..x1 {
                    sum += u64::from(src[(y * w + x) as usize]);
                }
            }
            out.push((sum / ((y1 - y0) * (x1 - x0))) as u8);
        }
    }
    out
}

/// Floyd–Steinberg to 1 bit: rows of `ceil(w / 8)` bytes, most significant
/// bit leftmost, 1 = black.
fn dither(grey: &[u8], w: u32, h: u32) -> Vec<u8> {
    let (w, h) = (w as usize, h as usize);
    let row_bytes = w.div_ceil(8);
    let mut bits = vec![0u8; row_bytes * h];
    let mut level: Vec<i32> = grey.iter().map(|g| i32::from(*g)).collect();
    for y in 0..h {
        for x in 0..w {
            let old = level[y * w + x].clamp(0, 255);
            let black = old < 128;
            if black {
                bits[y * row_bytes + x / 8] |= 0x80 >> (x % 8);
            }
            let err = old - if black { 0 } else { 255 };
            let mut spread = |dx: isize, dy: usize, part: i32| {
                let nx = x as isize + dx;
                if nx >= 0 && (nx as usize) < w && y + dy < h {
                    level[(y + dy) * w + nx as usize] += err * part / 16;
                }
            };
            spread(1, 0, 7);
            spread(-1, 1, 3);
            spread(0, 1, 5);
            spread(1, 1, 1);
        }
    }
    bits
}
