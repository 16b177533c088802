//! The burn-down chart: inline SVG with presentation attributes only (the CSP
//! forbids inline styles and scripts).

use chrono::NaiveDate;
use qidi_core::ledger::BurnDown;
use qidi_store::baseline::CampaignRow;

pub(crate) struct Label {
    pub(crate) x: String,
    pub(crate) y: String,
    pub(crate) text: String,
    pub(crate) anchor: &'static str,
}

pub(crate) struct Chart {
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) left: String,
    pub(crate) right: String,
    pub(crate) top: String,
    pub(crate) bottom: String,
    pub(crate) ideal: String,
    pub(crate) actual: String,
    pub(crate) x_labels: Vec<Label>,
    pub(crate) y_labels: Vec<Label>,
    pub(crate) milestones: Vec<Label>,
    pub(crate) summary: String,
}

fn f1(v: f64) -> String {
    format!("{v:.1}")
}

impl Chart {
    pub(crate) fn of(b: &BurnDown, c: &CampaignRow) -> Chart {
        let (width, height) = (720u32, 280u32);
        let (left, right, top, bottom) = (48.0, width as f64 - 16.0, 16.0, height as f64 - 44.0);
        let axis_end = b.axis_end();
        let span = (axis_end - b.start).num_days().max(1) as f64;
        let max = b.actual.iter().map(|p| p.1).max().unwrap_or(0).max(b.initial).max(1);
        let x = |d: NaiveDate| left + ((d - b.start).num_days() as f64 / span).clamp(0.0, 1.0) * (right - left);
        let y = |v: f64| bottom - (v / max as f64) * (bottom - top);
        // The ideal line: from the start to zero at the campaign's end, then along zero.
        let mut ideal = vec![format!("{},{}", f1(x(b.start)), f1(y(b.ideal(b.start))))];
        if b.end > b.start {
            ideal.push(format!("{},{}", f1(x(b.end)), f1(y(0.0))));
        }
        ideal.push(format!("{},{}", f1(x(axis_end)), f1(y(0.0))));
        let mut pts: Vec<String> = Vec::new();
        let mut prev: Option<f64> = None;
        for (d, v) in &b.actual {
            let (px, py) = (x(*d), y(*v as f64));
            if let Some(py0) = prev {
                pts.push(format!("{},{}", f1(px), f1(py0)));
            }
            pts.push(format!("{},{}", f1(px), f1(py)));
            prev = Some(py);
        }
        let mut ticks = vec![0, max / 2, max];
        ticks.dedup();
        let y_labels = ticks
            .iter()
            .map(|v| Label { x: f1(left - 6.0), y: f1(y(*v as f64) + 4.0), text: v.to_string(), anchor: "end" })
            .collect();
        let mut days = vec![b.start, b.end.max(b.start), axis_end];
        days.dedup();
        let n = days.len();
        let x_labels = days
            .iter()
            .enumerate()
            .map(|(i, d)| Label {
                x: f1(x(*d)),
                y: f1(bottom + 16.0),
                text: d.format("%Y-%m-%d").to_string(),
                anchor: if i == 0 {
                    "start"
                } else if i + 1 == n {
                    "end"
                } else {
                    "middle"
                },
            })
            .collect();
        let milestones = c
            .campaign
            .milestones
            .iter()
            .filter(|m| m.on > b.start && m.on < axis_end)
            .map(|m| Label {
                x: f1(x(m.on)),
                y: f1(bottom + 32.0),
                text: m.on.format("%m-%d").to_string(),
                anchor: "middle",
            })
            .collect();
        let (last_day, last) = b.actual.last().copied().unwrap_or((b.start, 0));
        let summary = crate::i18n::tn(
            "ledger-burndown-summary",
            &[
                ("start", &b.start.to_string()),
                ("initial", &b.initial),
                ("day", &last_day.to_string()),
                ("left", &last),
                ("ideal", &format!("{:.0}", b.ideal(last_day))),
                ("end", &b.end.to_string()),
                ("behind", &if b.behind() { "yes" } else { "no" }),
            ],
        );
        Chart {
            width,
            height,
            left: f1(left),
            right: f1(right),
            top: f1(top),
            bottom: f1(bottom),
            ideal: ideal.join(" "),
            actual: pts.join(" "),
            x_labels,
            y_labels,
            milestones,
            summary,
        }
    }
}
