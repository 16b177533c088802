//! The public burn-down, drawn on the server as inline SVG: presentation attributes
//! only (the CSP allows no inline style or script), a `viewBox` so that it scales to a
//! phone's width, few labels so that none overlap. Its text is numbers, dates and a few
//! words from the string catalogues (escaped: the SVG goes into the page as it is).

use chrono::NaiveDate;
use qidi_core::public::WeekPoint;
use std::fmt::Write;

const W: f64 = 480.0;
const H: f64 = 260.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = W - 14.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = H - 40.0;

/// The chart, or `None` when there is nothing to draw (the page says so instead).
pub fn burn_down(points: &[WeekPoint], campaign_ends_on: Option<NaiveDate>) -> Option<String> {
    let (first, last) = (points.first()?, points.last()?);
    let end = campaign_ends_on.filter(|e| *e > first.on).map_or(last.on, |e| e.max(last.on));
    let span = (end - first.on).num_days().max(1) as f64;
    let max = points.iter().map(|p| p.remaining).max().unwrap_or(0).max(1);
    let x = |d: NaiveDate| LEFT + ((d - first.on).num_days() as f64 / span).clamp(0.0, 1.0) * (RIGHT - LEFT);
    let y = |v: u64| BOTTOM - (v as f64 / max as f64) * (BOTTOM - TOP);
    let mut s = String::new();
    let desc = crate::i18n::t2(
        "public-chart-desc",
        "start",
        crate::i18n::t2("public-chart-start", "on", first.on.to_string(), "n", first.remaining),
        "end",
        crate::i18n::t2("public-chart-end", "on", last.on.to_string(), "n", last.remaining),
    );
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" role="img" aria-labelledby="burndown-title burndown-desc" font-size="13" font-family="sans-serif"><title id="burndown-title">{}</title><desc id="burndown-desc">{}</desc>"##,
        escape(&crate::i18n::t("public-chart-title")),
        escape(&desc)
    );
    let _ = write!(
        s,
        r##"<line x1="{LEFT}" y1="{BOTTOM}" x2="{RIGHT}" y2="{BOTTOM}" stroke="#57606a"/><line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{BOTTOM}" stroke="#57606a"/>"##
    );
    let mut ticks = vec![0, max / 2, max];
    ticks.dedup();
    for v in ticks {
        let _ = write!(
            s,
            r##"<line x1="{LEFT}" y1="{y:.1}" x2="{RIGHT}" y2="{y:.1}" stroke="#e4e7eb"/><text x="{:.1}" y="{:.1}" text-anchor="end">{v}</text>"##,
            LEFT - 6.0,
            y(v) + 4.0,
            y = y(v)
        );
    }
    // The ideal line: from the start to zero at the campaign's end.
    if let Some(e) = campaign_ends_on.filter(|e| *e > first.on) {
        let _ = write!(
            s,
            r##"<polyline points="{:.1},{:.1} {:.1},{:.1}" fill="none" stroke="#8c959f" stroke-dasharray="6 4"/>"##,
            x(first.on),
            y(first.remaining),
            x(e),
            y(0)
        );
    }
    let pts: Vec<String> = points.iter().map(|p| format!("{:.1},{:.1}", x(p.on), y(p.remaining))).collect();
    let _ = write!(s, r##"<polyline points="{}" fill="none" stroke="#a61b1b" stroke-width="2.5"/>"##, pts.join(" "));
    for p in points {
        let _ = write!(
            s,
            r##"<circle cx="{:.1}" cy="{:.1}" r="3" fill="#a61b1b"><title>{}</title></circle>"##,
            x(p.on),
            y(p.remaining),
            escape(&crate::i18n::t2("public-chart-point", "on", p.on.to_string(), "n", p.remaining))
        );
    }
    // Two dates under the axis (start and end): never overlapping at any width.
    let _ = write!(
        s,
        r##"<text x="{LEFT}" y="{:.1}" text-anchor="start">{}</text><text x="{RIGHT}" y="{:.1}" text-anchor="end">{}</text>"##,
        BOTTOM + 18.0,
        first.on,
        BOTTOM + 18.0,
        end
    );
    let _ = write!(
        s,
        r##"<text x="{LEFT}" y="{:.1}" fill="#a61b1b">— {}</text><text x="{:.1}" y="{:.1}" fill="#57606a">- - {}</text></svg>"##,
        BOTTOM + 36.0,
        escape(&crate::i18n::t("public-chart-actual")),
        LEFT + 130.0,
        BOTTOM + 36.0,
        escape(&crate::i18n::t("public-chart-ideal"))
    );
    Some(s)
}

/// Text for SVG markup: a catalogue's words may hold `&` or `<`.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn empty_draws_nothing_and_a_line_has_a_point_per_week() {
        assert_eq!(burn_down(&[], None), None);
        let pts = [
            WeekPoint { on: d("2026-03-02"), remaining: 10 },
            WeekPoint { on: d("2026-03-09"), remaining: 7 },
            WeekPoint { on: d("2026-03-12"), remaining: 0 },
        ];
        let svg = burn_down(&pts, Some(d("2026-06-30"))).unwrap();
        assert_eq!(svg.matches("<circle").count(), 3);
        assert!(svg.contains("2026-06-30") && svg.contains("stroke-dasharray"), "{svg}");
        assert!(!svg.contains("style="), "no inline styles under the CSP");
        // The highest value sits at the top, zero on the axis.
        assert!(svg.contains(&format!("cy=\"{TOP:.1}\"")) && svg.contains(&format!("cy=\"{BOTTOM:.1}\"")));
    }
}
