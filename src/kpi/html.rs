//! The KPI report as one self-contained HTML page a manager reads at a glance: a summary
//! table per person, inline SVG charts (revenue and new customers per person, revenue trend
//! over the last 12 periods, histogram of first-response times, aging stacked bars), the
//! figures by area and their definitions. No scripts, no external fonts or images; printable.
//! Every text is escaped (customer and people names may contain `<`, `&`, `"`). Each figure
//! cell carries `data-scope` and `data-figure`, so the numbers can be read back by a program.

use super::{explain, Area, KpiReport};
use crate::ledger::figures::Bucket;
use crate::ledger::money;

/// Figures of the summary table.
const SUMMARY: [&str; 9] = [
    "new_customers",
    "active_customers",
    "revenue",
    "first_response_median",
    "unanswered_48h",
    "complaint_rate",
    "collection_rate",
    "satisfaction",
    "total_score",
];

/// Escapes text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI','PingFang SC','Microsoft YaHei',sans-serif;margin:1.5em;color:#222}\
table{border-collapse:collapse;margin:.5em 0 1.5em}th,td{border:1px solid #ccc;padding:3px 8px}\
td.n{text-align:right;white-space:nowrap}th{background:#f0f3f7;text-align:left}\
.chg{color:#666;font-size:.85em;display:block}.charts{display:flex;flex-wrap:wrap;gap:1em}\
figure{margin:0;border:1px solid #ddd;padding:.5em}figcaption{font-weight:bold;margin-bottom:.3em}\
dl dt{font-weight:bold}dl dd{margin:0 0 .4em 1em}\
@media print{body{margin:0}.charts{display:block}figure{page-break-inside:avoid;margin-bottom:1em}h2{page-break-after:avoid}}";

/// A figure cell.
fn cell(scope: &str, f: &super::Figure) -> String {
    let change = if f.change.is_some() {
        format!("<span class=\"chg\">{}</span>", esc(&f.change_text))
    } else {
        String::new()
    };
    format!(
        "<td class=\"n\" data-scope=\"{}\" data-figure=\"{}\"><span class=\"v\">{}</span>{change}</td>",
        esc(scope),
        f.key,
        esc(&f.value_text)
    )
}

/// A horizontal bar chart: one bar per (label, value, shown).
fn bars(id: &str, items: &[(String, f64, String)]) -> String {
    let max = items.iter().map(|i| i.1).fold(0.0, f64::max);
    let h = 22 * items.len().max(1) + 10;
    let mut s = format!(
        "<svg id=\"{id}\" xmlns=\"http://www.w3.org/2000/svg\" width=\"460\" height=\"{h}\" role=\"img\">"
    );
    for (i, (label, v, shown)) in items.iter().enumerate() {
        let y = 5 + 22 * i;
        let w = if max > 0.0 {
            (v / max * 250.0).max(0.0)
        } else {
            0.0
        };
        s.push_str(&format!(
            "<text x=\"0\" y=\"{}\" font-size=\"12\">{}</text><rect x=\"120\" y=\"{y}\" width=\"{w:.1}\" height=\"16\" fill=\"#4a7ab5\"/><text x=\"{:.1}\" y=\"{}\" font-size=\"12\">{}</text>",
            y + 13,
            esc(label),
            125.0 + w,
            y + 13,
            esc(shown)
        ));
    }
    s.push_str("</svg>");
    s
}

/// A line chart of (label, value).
fn line(id: &str, points: &[(String, f64, String)]) -> String {
    let (w, h, left, top, bottom) = (560.0, 200.0, 40.0, 10.0, 40.0);
    let max = points.iter().map(|p| p.1).fold(0.0, f64::max);
    let n = points.len().max(2) as f64;
    let x = |i: usize| left + (w - left - 20.0) * i as f64 / (n - 1.0);
    let y = |v: f64| {
        if max > 0.0 {
            top + (h - top - bottom) * (1.0 - v / max)
        } else {
            h - bottom
        }
    };
    let mut s = format!(
        "<svg id=\"{id}\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" role=\"img\">\
         <line x1=\"{left}\" y1=\"{0}\" x2=\"{1}\" y2=\"{0}\" stroke=\"#999\"/>",
        h - bottom,
        w - 10.0
    );
    let path: Vec<String> = points
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{:.1},{:.1}", x(i), y(p.1)))
        .collect();
    s.push_str(&format!(
        "<polyline fill=\"none\" stroke=\"#4a7ab5\" stroke-width=\"2\" points=\"{}\"/>",
        path.join(" ")
    ));
    for (i, (label, v, shown)) in points.iter().enumerate() {
        s.push_str(&format!(
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"#4a7ab5\"><title>{} {}</title></circle>\
             <text x=\"{:.1}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\">{}</text>",
            x(i),
            y(*v),
            esc(label),
            esc(shown),
            x(i),
            h - bottom + 14.0 + 12.0 * (i % 2) as f64,
            esc(label)
        ));
    }
    s.push_str("</svg>");
    s
}

/// Vertical bars (histogram).
fn columns(id: &str, items: &[(String, usize)]) -> String {
    let max = items.iter().map(|i| i.1).max().unwrap_or(0).max(1) as f64;
    let mut s = format!(
        "<svg id=\"{id}\" xmlns=\"http://www.w3.org/2000/svg\" width=\"420\" height=\"200\" role=\"img\">"
    );
    for (i, (label, n)) in items.iter().enumerate() {
        let x = 10 + 68 * i;
        let bh = *n as f64 / max * 140.0;
        s.push_str(&format!(
            "<rect x=\"{x}\" y=\"{:.1}\" width=\"50\" height=\"{bh:.1}\" fill=\"#6a9f58\"/>\
             <text x=\"{}\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"middle\">{n}</text>\
             <text x=\"{}\" y=\"192\" font-size=\"11\" text-anchor=\"middle\">{}</text>",
            170.0 - bh,
            x + 25,
            165.0 - bh,
            x + 25,
            esc(label)
        ));
    }
    s.push_str("</svg>");
    s
}

/// Stacked horizontal bars of aging buckets per person.
fn stacked(id: &str, rows: &[(String, [i64; 6])], base: &str) -> String {
    const COLORS: [&str; 6] = [
        "#8fbf7f", "#f2d06b", "#f0a04b", "#e06c4b", "#c0392b", "#7b241c",
    ];
    let max = rows
        .iter()
        .map(|r| r.1.iter().sum::<i64>())
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let h = 24 * rows.len() + 40;
    let mut s = format!(
        "<svg id=\"{id}\" xmlns=\"http://www.w3.org/2000/svg\" width=\"560\" height=\"{h}\" role=\"img\">"
    );
    for (i, (person, buckets)) in rows.iter().enumerate() {
        let y = 5 + 24 * i;
        s.push_str(&format!(
            "<text x=\"0\" y=\"{}\" font-size=\"12\">{}</text>",
            y + 13,
            esc(person)
        ));
        let mut x = 120.0;
        for (b, amount) in buckets.iter().enumerate() {
            let w = *amount as f64 / max * 400.0;
            if w > 0.0 {
                s.push_str(&format!(
                    "<rect x=\"{x:.1}\" y=\"{y}\" width=\"{w:.1}\" height=\"18\" fill=\"{}\"><title>{}: {}</title></rect>",
                    COLORS[b],
                    Bucket::ALL[b].label(),
                    money::format(*amount, base)
                ));
            }
            x += w;
        }
    }
    let ly = 24 * rows.len() + 20;
    for (b, bucket) in Bucket::ALL.iter().enumerate() {
        let lx = 90 * b;
        s.push_str(&format!(
            "<rect x=\"{lx}\" y=\"{ly}\" width=\"10\" height=\"10\" fill=\"{}\"/><text x=\"{}\" y=\"{}\" font-size=\"11\">{}</text>",
            COLORS[b],
            lx + 14,
            ly + 9,
            bucket.label()
        ));
    }
    s.push_str("</svg>");
    s
}

/// The whole page.
pub fn to_html(r: &KpiReport) -> String {
    let base = &r.base_currency;
    let mut h = format!(
        "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <title>Performance figures {p}</title><style>{STYLE}</style></head><body>\n\
         <h1>Performance figures 绩效考核 {p}</h1>\n\
         <p>Period {p} ({s} – {e}, {tz}), compared with {prev}. Amounts in {base}. Generated {g}.</p>\n",
        p = esc(&r.period.label),
        s = r.period.start,
        e = r.period.last_day(),
        tz = esc(&r.timezone),
        prev = esc(&r.previous.label),
        base = esc(base),
        g = esc(&r.generated_at),
    );

    // Summary.
    h.push_str("<h2>Summary 概览</h2>\n<table class=\"summary\"><tr><th>person / team</th>");
    for key in SUMMARY {
        h.push_str(&format!("<th>{}</th>", esc(explain::label(key))));
    }
    h.push_str("</tr>\n");
    for s in &r.scopes {
        h.push_str(&format!(
            "<tr><th data-scope=\"{}\">{}</th>",
            esc(&s.key),
            esc(&s.name)
        ));
        for key in SUMMARY {
            match s.figure(key) {
                Some(f) => h.push_str(&cell(&s.key, f)),
                None => h.push_str("<td></td>"),
            }
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table>\n");

    // Charts.
    let people: Vec<&super::ScopeReport> = r.scopes.iter().filter(|s| s.kind == "person").collect();
    let per_person = |key: &str| -> Vec<(String, f64, String)> {
        people
            .iter()
            .filter_map(|s| {
                s.figure(key)
                    .map(|f| (s.name.clone(), f.value.unwrap_or(0.0), f.value_text.clone()))
            })
            .collect()
    };
    h.push_str("<h2>Charts 图表</h2>\n<div class=\"charts\">\n");
    h.push_str(&format!(
        "<figure><figcaption>Revenue per person 个人销售额 ({})</figcaption>{}</figure>\n",
        esc(base),
        bars("chart-revenue", &per_person("revenue"))
    ));
    h.push_str(&format!(
        "<figure><figcaption>New customers per person 个人新客户</figcaption>{}</figure>\n",
        bars("chart-new-customers", &per_person("new_customers"))
    ));
    let trend: Vec<(String, f64, String)> = r
        .charts
        .revenue_trend
        .iter()
        .map(|(l, v)| (l.clone(), *v as f64, money::format(*v, base)))
        .collect();
    h.push_str(&format!(
        "<figure><figcaption>Revenue, last 12 periods 近12期销售额</figcaption>{}</figure>\n",
        line("chart-trend", &trend)
    ));
    h.push_str(&format!(
        "<figure><figcaption>First-response times, working hours 首次回复时间分布</figcaption>{}</figure>\n",
        columns("chart-response", &r.charts.response_histogram)
    ));
    h.push_str(&format!(
        "<figure><figcaption>Receivables aging per person 应收账龄 ({})</figcaption>{}</figure>\n",
        esc(base),
        stacked("chart-aging", &r.charts.aging, base)
    ));
    h.push_str("</div>\n");

    // Figures by area.
    for area in Area::ALL {
        h.push_str(&format!(
            "<h2>{}</h2>\n<table class=\"area\"><tr><th>figure</th>",
            esc(area.title())
        ));
        for s in &r.scopes {
            h.push_str(&format!("<th>{}</th>", esc(&s.name)));
        }
        h.push_str("</tr>\n");
        let Some(first) = r.scopes.first() else {
            h.push_str("</table>\n");
            continue;
        };
        for f in first.figures.iter().filter(|f| f.area == area) {
            h.push_str(&format!("<tr><th>{}</th>", esc(f.label)));
            for s in &r.scopes {
                match s.figure(f.key) {
                    Some(x) => h.push_str(&cell(&s.key, x)),
                    None => h.push_str("<td></td>"),
                }
            }
            h.push_str("</tr>\n");
        }
        h.push_str("</table>\n");
    }

    h.push_str("<h2>Definitions 定义</h2>\n<dl>\n");
    for (key, label, def) in explain::FIGURES {
        h.push_str(&format!(
            "<dt id=\"def-{key}\">{}</dt><dd>{}</dd>\n",
            esc(label),
            esc(def)
        ));
    }
    h.push_str("</dl>\n</body></html>\n");
    h
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            super::esc("<b>A & \"B\" 'c'</b>"),
            "&lt;b&gt;A &amp; &quot;B&quot; &#39;c&#39;&lt;/b&gt;"
        );
        let svg = super::bars("x", &[("<Acme & Co>".into(), 1.0, "1".into())]);
        assert!(svg.contains("&lt;Acme &amp; Co&gt;") && !svg.contains("<Acme"));
    }
}
