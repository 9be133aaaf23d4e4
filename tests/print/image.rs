//! PNG logos as 1-bit raster images: sizes, bits, scaling to the paper,
//! transparency, refusals, and the bytes the printer gets.

use crate::decode::{decode, Decoded};
use till_print::{png_size, raster_from_png, to_escpos, Block, CodePage, Doc, ImageError, Width};

/// A PNG of `w` x `h` pixels of `color` with the colour of each pixel from `px`.
fn png_of(w: u32, h: u32, color: png::ColorType, px: impl Fn(u32, u32) -> Vec<u8>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, w, h);
    enc.set_color(color);
    enc.set_depth(png::BitDepth::Eight);
    let mut writer = enc.write_header().unwrap();
    let mut data = Vec::new();
    for y in 0..h {
        for x in 0..w {
            data.extend(px(x, y));
        }
    }
    writer.write_image_data(&data).unwrap();
    writer.finish().unwrap();
    out
}

fn raster(block: Block) -> (u16, u16, Vec<u8>) {
    match block {
        Block::Raster {
            width_px,
            height_px,
            bits,
        } => (width_px, height_px, bits),
        other => panic!("not a raster: {other:?}"),
    }
}

fn pixel(bits: &[u8], width_px: u16, x: usize, y: usize) -> bool {
    let row = usize::from(width_px).div_ceil(8);
    bits[y * row + x / 8] & (0x80 >> (x % 8)) != 0
}

#[test]
fn a_black_and_white_image_keeps_its_size_and_every_pixel() {
    // A checkerboard of 4x4 squares, 20 x 12 pixels (not a multiple of 8 wide).
    let black = |x: u32, y: u32| (x / 4 + y / 4).is_multiple_of(2);
    let png = png_of(20, 12, png::ColorType::Grayscale, |x, y| {
        vec![if black(x, y) { 0 } else { 255 }]
    });
    assert_eq!(png_size(&png).unwrap(), (20, 12));
    let (w, h, bits) = raster(raster_from_png(&png, 384).unwrap());
    assert_eq!((w, h), (20, 12));
    assert_eq!(bits.len(), 3 * 12, "rows of ceil(20 / 8) bytes");
    for y in 0..12 {
        for x in 0..20 {
            assert_eq!(
                pixel(&bits, w, x, y),
                black(x as u32, y as u32),
                "({x}, {y})"
            );
        }
        // The padding bits of each row stay white.
        assert_eq!(bits[y * 3 + 2] & 0x0F, 0);
    }
}

#[test]
fn a_wide_image_is_scaled_down_to_the_paper_never_up() {
    let png = png_of(1200, 300, png::ColorType::Rgb, |x, _| {
        if x < 600 {
            vec![0, 0, 0]
        } else {
            vec![255, 255, 255]
        }
    });
    for width in Width::ALL {
        let (w, h, bits) = raster(raster_from_png(&png, width.dots()).unwrap());
        assert_eq!(w, width.dots());
        assert_eq!(u32::from(h), 300 * u32::from(width.dots()) / 1200);
        let half = usize::from(w) / 2;
        for y in 0..usize::from(h) {
            assert!(pixel(&bits, w, 0, y) && pixel(&bits, w, half - 1, y));
            assert!(!pixel(&bits, w, half, y) && !pixel(&bits, w, usize::from(w) - 1, y));
        }
        // It prints: the bytes carry it whole.
        let doc = Doc::new().push(Block::Raster {
            width_px: w,
            height_px: h,
            bits: bits.clone(),
        });
        let decoded = decode(&to_escpos(&doc, width, CodePage::Cp858).unwrap());
        assert!(decoded.contains(&Decoded::Raster {
            bytes_per_row: w.div_ceil(8),
            height: h,
            bits,
        }));
    }
    // A small logo stays small.
    let small = png_of(40, 10, png::ColorType::Grayscale, |_, _| vec![0]);
    let (w, h, _) = raster(raster_from_png(&small, 576).unwrap());
    assert_eq!((w, h), (40, 10));
}

#[test]
fn a_tall_image_is_kept_to_a_header_s_height() {
    let png = png_of(100, 2000, png::ColorType::Grayscale, |_, _| vec![0]);
    let (w, h, _) = raster(raster_from_png(&png, 576).unwrap());
    assert_eq!(u32::from(h), till_print::MAX_HEIGHT_DOTS);
    assert_eq!(w, 100 * till_print::MAX_HEIGHT_DOTS as u16 / 2000);
}

#[test]
fn transparency_is_white_and_grey_is_dithered() {
    // Fully transparent black: paper.
    let clear = png_of(16, 4, png::ColorType::Rgba, |_, _| vec![0, 0, 0, 0]);
    let (_, _, bits) = raster(raster_from_png(&clear, 384).unwrap());
    assert!(bits.iter().all(|b| *b == 0));
    // Mid grey: about half the dots black, neither all nor none.
    let grey = png_of(64, 64, png::ColorType::Grayscale, |_, _| vec![128]);
    let (_, _, bits) = raster(raster_from_png(&grey, 384).unwrap());
    let black: u32 = bits.iter().map(|b| b.count_ones()).sum();
    assert!(
        (64 * 64 * 4 / 10..64 * 64 * 6 / 10).contains(&black),
        "{black}"
    );
}

#[test]
fn what_is_not_a_png_is_refused() {
    for bad in [&b""[..], b"GIF89a....", b"\x89PNG\r\n\x1a\n truncated"] {
        assert!(
            matches!(raster_from_png(bad, 384), Err(ImageError::NotPng(_))),
            "{bad:?}"
        );
    }
    let huge = png_of(5000, 1, png::ColorType::Grayscale, |_, _| vec![0]);
    assert_eq!(
        raster_from_png(&huge, 384).unwrap_err(),
        ImageError::TooLarge {
            width: 5000,
            height: 1
        }
    );
}
