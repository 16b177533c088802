//! qidi's official documents as PDF, from the same content as the Word document and laid
//! out as GB/T 9704-2012 sets them: A4, margins 37/35/28/26 mm, the issuing body's mark
//! in red over a red line, the document number, the title in 2号 (22 pt), the main
//! recipients, the body in 3号 (16 pt) at 22 lines a page with a two-character indent,
//! the signature and date at the foot, and page numbers "— 1 —" outside the text block.
//!
//! This crate is separate because a PDF writer and its font subsetting are heavy; the
//! everyday build of the store and the web pages does not need it.

mod fonts;
pub mod layout;

pub use fonts::{FontFace, Fonts};

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::text::{Font, TextDirection};
use krilla::Document;
pub use layout::Face;
use layout::{break_lines, Page, Placed, Rule};
use qidi_core::bulletin::Bulletin;
use qidi_core::official::{Block, OfficialDocument};

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("{0}")]
    Font(String),
    #[error("cannot write the PDF: {0}")]
    Write(String),
}

const MM: f32 = 72.0 / 25.4;
const PAGE_W: f32 = 210.0 * MM;
const PAGE_H: f32 = 297.0 * MM;
const TOP: f32 = 37.0 * MM;
const BOTTOM: f32 = 35.0 * MM;
const LEFT: f32 = 28.0 * MM;
const RIGHT: f32 = 26.0 * MM;
const TEXT_W: f32 = PAGE_W - LEFT - RIGHT;
const BODY: f32 = 16.0; // 3号
const TITLE: f32 = 22.0; // 2号
const MARK: f32 = 36.0;
const PAGE_NO: f32 = 14.0; // 4号
/// 22 lines in the text block's height.
const PITCH: f32 = (PAGE_H - TOP - BOTTOM) / 22.0;

/// The bulletin as a PDF.
pub fn bulletin_pdf(b: &Bulletin, fonts: &Fonts) -> Result<Vec<u8>, PdfError> {
    official_pdf(&OfficialDocument::from(b), fonts)
}

/// Any official document as a PDF.
pub fn official_pdf(d: &OfficialDocument, fonts: &Fonts) -> Result<Vec<u8>, PdfError> {
    let faces = Faces::new(fonts)?;
    let pages = lay_out(d, &|face, size, text| faces.measure(face, size, text));
    let krilla_font = |face: &FontFace| {
        Font::new(face.data.clone().into(), face.index)
            .ok_or_else(|| PdfError::Font(format!("{} cannot be embedded", face.path.display())))
    };
    let body = krilla_font(&fonts.body)?;
    let title = krilla_font(&fonts.title)?;
    let heading = krilla_font(&fonts.heading)?;

    let mut doc = Document::new();
    doc.set_metadata(Metadata::new().title(d.title.clone()).language("zh-CN".into()));
    let black = fill(rgb::Color::new(0, 0, 0));
    let red = fill(rgb::Color::new(255, 0, 0));
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or_else(|| PdfError::Write("bad page size".into()))?;
    for page in &pages {
        let mut p = doc.start_page_with(settings.clone());
        let mut surface = p.surface();
        for r in &page.rules {
            surface.set_fill(Some(red.clone()));
            let mut pb = PathBuilder::new();
            pb.move_to(r.x, r.y);
            pb.line_to(r.x + r.width, r.y);
            pb.line_to(r.x + r.width, r.y + r.thickness);
            pb.line_to(r.x, r.y + r.thickness);
            pb.close();
            if let Some(path) = pb.finish() {
                surface.draw_path(&path);
            }
        }
        for t in &page.texts {
            surface.set_fill(Some(if t.red { red.clone() } else { black.clone() }));
            let font = match t.face {
                Face::Body => body.clone(),
                Face::Title => title.clone(),
                Face::Heading => heading.clone(),
            };
            surface.draw_text(Point::from_xy(t.x, t.baseline), font, t.size, &t.text, false, TextDirection::Auto);
        }
        surface.finish();
        p.finish();
    }
    doc.finish().map_err(|e| PdfError::Write(format!("{e:?}")))
}

fn fill(color: rgb::Color) -> Fill {
    Fill { paint: color.into(), opacity: NormalizedF32::ONE, rule: Default::default() }
}

/// The parsed faces, for measuring advances.
struct Faces<'a> {
    body: ttf_parser::Face<'a>,
    title: ttf_parser::Face<'a>,
    heading: ttf_parser::Face<'a>,
}

impl<'a> Faces<'a> {
    fn new(f: &'a Fonts) -> Result<Faces<'a>, PdfError> {
        let parse = |face: &'a FontFace| {
            ttf_parser::Face::parse(&face.data, face.index)
                .map_err(|e| PdfError::Font(format!("{}: {e}", face.path.display())))
        };
        Ok(Faces { body: parse(&f.body)?, title: parse(&f.title)?, heading: parse(&f.heading)? })
    }

    /// The width of `text` in points: each character's advance (a missing glyph counts
    /// a full em, as the fallback box would).
    fn measure(&self, face: Face, size: f32, text: &str) -> f32 {
        let f = match face {
            Face::Body => &self.body,
            Face::Title => &self.title,
            Face::Heading => &self.heading,
        };
        let em = f32::from(f.units_per_em());
        text.chars()
            .map(|c| f.glyph_index(c).and_then(|g| f.glyph_hor_advance(g)).map_or(em, f32::from) / em * size)
            .sum()
    }
}

/// The width in points of `text` set in `face` at `size`, as the PDF sets it.
pub fn text_width(fonts: &Fonts, face: Face, size: f32, text: &str) -> f32 {
    Faces::new(fonts).map_or(0.0, |f| f.measure(face, size, text))
}

type Measure<'m> = dyn Fn(Face, f32, &str) -> f32 + 'm;

/// Where each line goes: a pure function of the document and the font metrics.
pub fn lay_out(d: &OfficialDocument, measure: &Measure<'_>) -> Vec<Page> {
    let mut w = Writer { pages: vec![Page::default()], y: TOP, measure };
    // The mark: one line in red, shrunk to fit the text block if it is long.
    let mark_size = {
        let at_full = measure(Face::Title, MARK, &d.issuing_body);
        if at_full > TEXT_W {
            MARK * TEXT_W / at_full
        } else {
            MARK
        }
    };
    w.y += mark_size;
    w.centred(&d.issuing_body, Face::Title, mark_size, true);
    w.y += PITCH * 1.5;
    w.centred(&d.document_number, Face::Body, BODY, false);
    // The red line sits 4 mm under the document number.
    let rule_y = w.y + 4.0 * MM;
    w.page().rules.push(Rule { x: LEFT, y: rule_y, width: TEXT_W, thickness: 1.0 });
    w.y = rule_y + PITCH * 1.5;
    for line in break_lines(&d.title, TEXT_W, 0.0, &|s| measure(Face::Title, TITLE, s)) {
        w.centred(&line, Face::Title, TITLE, false);
        w.y += PITCH * 1.1;
    }
    w.y += PITCH * 0.5;
    w.paragraph(&d.recipients_line(), Face::Body, 0.0);
    for block in &d.body {
        let face = match block {
            Block::Heading(_) => Face::Heading,
            Block::Paragraph(_) => Face::Body,
        };
        w.paragraph(block.text(), face, 2.0 * BODY);
    }
    // The date sits four characters from the right edge; the signature is centred over it.
    w.y += PITCH;
    let date = d.date_text();
    let date_w = measure(Face::Body, BODY, &date);
    let date_x = LEFT + TEXT_W - 4.0 * BODY - date_w;
    let sig_w = measure(Face::Body, BODY, &d.signature);
    let sig_x = (date_x + date_w / 2.0 - sig_w / 2.0).min(LEFT + TEXT_W - sig_w).max(LEFT);
    w.line_at(sig_x, &d.signature, Face::Body, BODY);
    w.y += PITCH;
    w.line_at(date_x, &date, Face::Body, BODY);
    w.number_pages();
    w.pages
}

struct Writer<'m> {
    pages: Vec<Page>,
    /// The current baseline's distance from the page's top.
    y: f32,
    measure: &'m Measure<'m>,
}

impl Writer<'_> {
    fn page(&mut self) -> &mut Page {
        self.pages.last_mut().expect("a writer always has a page")
    }

    fn new_page_if_full(&mut self) {
        if self.y > PAGE_H - BOTTOM {
            self.pages.push(Page::default());
            self.y = TOP + BODY;
        }
    }

    fn centred(&mut self, text: &str, face: Face, size: f32, red: bool) {
        let x = LEFT + (TEXT_W - (self.measure)(face, size, text)) / 2.0;
        let baseline = self.y;
        self.page().texts.push(Placed { x: x.max(LEFT), baseline, face, size, red, text: text.into() });
    }

    fn line_at(&mut self, x: f32, text: &str, face: Face, size: f32) {
        self.new_page_if_full();
        let baseline = self.y;
        self.page().texts.push(Placed { x, baseline, face, size, red: false, text: text.into() });
    }

    fn paragraph(&mut self, text: &str, face: Face, indent: f32) {
        let measure = self.measure;
        let lines = break_lines(text, TEXT_W, indent, &|s| measure(face, BODY, s));
        for (i, line) in lines.iter().enumerate() {
            self.y += PITCH;
            let x = if i == 0 { LEFT + indent } else { LEFT };
            self.line_at(x, line, face, BODY);
        }
    }

    /// "— N —" 7 mm under the text block: right on odd pages, left on even, one
    /// character in from the edge.
    fn number_pages(&mut self) {
        let measure = self.measure;
        let y = PAGE_H - BOTTOM + 7.0 * MM + PAGE_NO;
        for (i, page) in self.pages.iter_mut().enumerate() {
            let n = i + 1;
            let text = format!("— {n} —");
            let w = measure(Face::Body, PAGE_NO, &text);
            let x = if n % 2 == 1 { LEFT + TEXT_W - PAGE_NO - w } else { LEFT + PAGE_NO };
            page.texts.push(Placed { x, baseline: y, face: Face::Body, size: PAGE_NO, red: false, text });
        }
    }
}
