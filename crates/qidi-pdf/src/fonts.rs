//! The CJK fonts a PDF embeds. They come from the machine (Debian's `fonts-noto-cjk`,
//! which `.ci/run` installs) or from a file the deployment names; nothing is downloaded.

use crate::PdfError;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where Debian and most Linux distributions put Noto CJK.
const SYSTEM_DIRS: &[&str] =
    &["/usr/share/fonts/opentype/noto", "/usr/share/fonts/noto-cjk", "/usr/share/fonts/google-noto-cjk"];

/// One face of a font file: the file's bytes and the face's index in a collection.
#[derive(Clone)]
pub struct FontFace {
    pub(crate) data: Arc<Vec<u8>>,
    pub(crate) index: u32,
    pub(crate) path: PathBuf,
}

impl std::fmt::Debug for FontFace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FontFace({}#{})", self.path.display(), self.index)
    }
}

impl FontFace {
    /// Read a TrueType or OpenType file or collection. In a collection (.ttc) the face for
    /// Simplified Chinese is chosen: the one whose family name ends in "SC".
    pub fn load(path: &Path) -> Result<FontFace, PdfError> {
        let data = std::fs::read(path).map_err(|e| PdfError::Font(format!("cannot read {}: {e}", path.display())))?;
        let count = ttf_parser::fonts_in_collection(&data).unwrap_or(1);
        let mut chosen = None;
        for index in 0..count {
            let Ok(face) = ttf_parser::Face::parse(&data, index) else { continue };
            if face.glyph_index('通').is_none() {
                continue;
            }
            let simplified = face.names().into_iter().any(|n| {
                n.name_id == ttf_parser::name_id::FAMILY && n.to_string().is_some_and(|s| s.trim_end().ends_with("SC"))
            });
            if simplified || chosen.is_none() {
                chosen = Some(index);
            }
            if simplified {
                break;
            }
        }
        let index =
            chosen.ok_or_else(|| PdfError::Font(format!("{} has no face with Chinese characters", path.display())))?;
        Ok(FontFace { data: Arc::new(data), index, path: path.to_path_buf() })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// The three faces an official document uses: the body (仿宋's place), the title and
/// the mark (小标宋's place), and first-level headings (黑体's place).
#[derive(Debug, Clone)]
pub struct Fonts {
    pub(crate) body: FontFace,
    pub(crate) title: FontFace,
    pub(crate) heading: FontFace,
}

impl Fonts {
    /// One file for every role: used when a deployment names its own font.
    pub fn single(path: &Path) -> Result<Fonts, PdfError> {
        let face = FontFace::load(path)?;
        Ok(Fonts { body: face.clone(), title: face.clone(), heading: face })
    }

    /// The file `QIDI_PDF_FONT` names, if set; else the system's Noto CJK.
    pub fn from_environment() -> Result<Fonts, PdfError> {
        let named = std::env::var_os("QIDI_PDF_FONT").filter(|v| !v.is_empty()).map(PathBuf::from);
        Fonts::discover(named.as_deref())
    }

    /// The named file if there is one, else Noto Serif CJK (body), its bold (title) and
    /// Noto Sans CJK bold (headings) from the system's font directories. Missing bold
    /// faces fall back to the body's.
    pub fn discover(named: Option<&Path>) -> Result<Fonts, PdfError> {
        if let Some(path) = named {
            return Fonts::single(path);
        }
        let find = |file: &str| SYSTEM_DIRS.iter().map(|d| Path::new(d).join(file)).find(|p| p.is_file());
        let body = find("NotoSerifCJK-Regular.ttc")
            .or_else(|| find("NotoSansCJK-Regular.ttc"))
            .ok_or_else(|| {
                PdfError::Font(
                    "no Chinese font found for PDF output: install fonts-noto-cjk, or set QIDI_PDF_FONT to a .ttf/.otf/.ttc file with Chinese characters"
                        .into(),
                )
            })?;
        let body = FontFace::load(&body)?;
        let load_or_body = |file: &str| match find(file) {
            Some(p) => FontFace::load(&p),
            None => Ok(body.clone()),
        };
        let title = load_or_body("NotoSerifCJK-Bold.ttc")?;
        let heading = load_or_body("NotoSansCJK-Bold.ttc")?;
        Ok(Fonts { body, title, heading })
    }
}
