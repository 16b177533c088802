//! QR codes for a project's notice board, pointing at its public page under
//! `QIDI_PUBLIC_URL`: SVG (prints sharp at any size) and PNG.

use super::pages::not_found;
use super::{cached, project_path, PublicClient};
use crate::error::PageError;
use crate::SharedState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use qrcode::render::svg;
use qrcode::{Color, EcLevel, QrCode};

/// Pixels per module in the PNG, and the quiet zone around the code in modules.
const SCALE: usize = 8;
const QUIET: usize = 4;

/// The address a project's code points at.
async fn target(state: &SharedState, code: &str) -> Result<String, PageError> {
    let code = state.store.public_project_code(code).await?.ok_or_else(not_found)?;
    Ok(format!("{}{}", qidi_store::messages::public_url(), project_path(&code)))
}

fn encode(url: &str) -> Result<QrCode, PageError> {
    // Level M survives a smudged or partly torn notice.
    QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M).map_err(|e| {
        tracing::error!(error = %e, "QR code");
        PageError::Status(StatusCode::INTERNAL_SERVER_ERROR, crate::i18n::t("public-qr-too-long"))
    })
}

pub fn svg_of(url: &str) -> Result<String, PageError> {
    Ok(encode(url)?
        .render::<svg::Color<'_>>()
        .min_dimensions(240, 240)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .quiet_zone(true)
        .build())
}

/// A greyscale PNG of the code, black on white.
pub fn png_of(url: &str) -> Result<Vec<u8>, PageError> {
    let code = encode(url)?;
    let n = code.width();
    let colors = code.to_colors();
    let side = (n + 2 * QUIET) * SCALE;
    let mut pixels = vec![255u8; side * side];
    for (i, c) in colors.iter().enumerate() {
        if *c != Color::Dark {
            continue;
        }
        let (mx, my) = (i % n + QUIET, i / n + QUIET);
        for y in my * SCALE..(my + 1) * SCALE {
            pixels[y * side + mx * SCALE..y * side + (mx + 1) * SCALE].fill(0);
        }
    }
    let fail = |e: png::EncodingError| {
        tracing::error!(error = %e, "PNG");
        PageError::Status(StatusCode::INTERNAL_SERVER_ERROR, crate::i18n::t("public-qr-png-failed"))
    };
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side as u32, side as u32);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(fail)?;
    writer.write_image_data(&pixels).map_err(fail)?;
    writer.finish().map_err(fail)?;
    Ok(out)
}

pub async fn svg(
    _: PublicClient,
    State(state): State<SharedState>,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let url = target(&state, &code).await?;
    Ok(cached(&headers, "image/svg+xml", svg_of(&url)?.into_bytes()))
}

pub async fn png(
    _: PublicClient,
    State(state): State<SharedState>,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let url = target(&state, &code).await?;
    Ok(cached(&headers, "image/png", png_of(&url)?))
}
