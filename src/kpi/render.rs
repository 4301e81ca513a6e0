//! The KPI report as a terminal table, CSV (UTF-8 with BOM, for Excel) and XLSX (one sheet
//! per area, header row frozen).

use super::{Area, Figure, KpiReport, Unit};
use crate::ledger::money::minor_units;

/// A figure's value as a plain number for CSV/XLSX: money in major units, percentages as
/// percent (25.0 for 25 %), rounded to 4 decimals.
pub fn number(f: &Figure, v: Option<f64>, base: &str) -> Option<f64> {
    let v = v?;
    let x = match f.unit {
        Unit::Money => v / 10f64.powi(minor_units(base) as i32),
        Unit::Percent => v * 100.0,
        _ => v,
    };
    Some((x * 10_000.0).round() / 10_000.0)
}

/// Rows (scope kind, scope, figure) of one area, in report order.
fn area_figures(r: &KpiReport, area: Area) -> Vec<(&'static str, &'static str)> {
    r.scopes
        .first()
        .map(|s| {
            s.figures
                .iter()
                .filter(|f| f.area == area)
                .map(|f| (f.key, f.label))
                .collect()
        })
        .unwrap_or_default()
}

/// The report as aligned text: per area, a row per figure and a column per scope, each cell
/// "value (change)".
pub fn to_table(r: &KpiReport) -> String {
    let mut out = format!(
        "Performance figures {} (vs {}), {} — base currency {}\n",
        r.period.label, r.previous.label, r.timezone, r.base_currency
    );
    for area in Area::ALL {
        out.push_str(&format!("\n{}\n", area.title()));
        let mut headers: Vec<String> = vec!["figure".into()];
        headers.extend(r.scopes.iter().map(|s| s.key.clone()));
        let rows: Vec<Vec<String>> = area_figures(r, area)
            .into_iter()
            .map(|(key, label)| {
                let mut row = vec![label.to_string()];
                for s in &r.scopes {
                    row.push(s.figure(key).map_or("-".into(), |f| {
                        if f.change.is_some() {
                            format!("{} ({})", f.value_text, f.change_text)
                        } else {
                            f.value_text.clone()
                        }
                    }));
                }
                row
            })
            .collect();
        let h: Vec<&str> = headers.iter().map(String::as_str).collect();
        out.push_str(&crate::cli::table::render(&h, &rows));
    }
    out
}

/// The report as CSV: one line per scope and figure.
pub fn to_csv(r: &KpiReport) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    w.write_record([
        "period",
        "scope_kind",
        "scope",
        "area",
        "figure",
        "label",
        "value",
        "previous",
        "change",
        "shown",
    ])?;
    let num =
        |f: &Figure, v| number(f, v, &r.base_currency).map_or(String::new(), |x| x.to_string());
    for s in &r.scopes {
        for f in &s.figures {
            w.write_record([
                r.period.label.as_str(),
                s.kind,
                s.key.as_str(),
                area_key(f.area),
                f.key,
                f.label,
                num(f, f.value).as_str(),
                num(f, f.previous).as_str(),
                num(f, f.change).as_str(),
                f.value_text.as_str(),
            ])?;
        }
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

fn area_key(a: Area) -> &'static str {
    match a {
        Area::Development => "development",
        Area::Upkeep => "upkeep",
        Area::Sales => "sales",
        Area::Credit => "credit",
        Area::Ratings => "ratings",
    }
}

/// The report as an XLSX workbook: one sheet per area, a row per scope, three columns per
/// figure (value, previous, change); header row frozen.
pub fn to_xlsx(r: &KpiReport) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for area in Area::ALL {
        let ws = wb.add_worksheet();
        ws.set_name(area_key(area))?;
        let figs = area_figures(r, area);
        ws.write_with_format(0, 0, "kind", &bold)?;
        ws.write_with_format(0, 1, "scope", &bold)?;
        ws.write_with_format(0, 2, "name", &bold)?;
        for (i, (_, label)) in figs.iter().enumerate() {
            let c = 3 + 3 * i as u16;
            ws.write_with_format(0, c, *label, &bold)?;
            ws.write_with_format(0, c + 1, format!("{} ({})", label, r.previous.label), &bold)?;
            ws.write_with_format(0, c + 2, format!("{label} Δ"), &bold)?;
        }
        for (row, s) in r.scopes.iter().enumerate() {
            let row = row as u32 + 1;
            ws.write_string(row, 0, s.kind)?;
            ws.write_string(row, 1, &s.key)?;
            ws.write_string(row, 2, &s.name)?;
            for (i, (key, _)) in figs.iter().enumerate() {
                let c = 3 + 3 * i as u16;
                let Some(f) = s.figure(key) else { continue };
                for (k, v) in [f.value, f.previous, f.change].into_iter().enumerate() {
                    if let Some(x) = number(f, v, &r.base_currency) {
                        ws.write_number(row, c + k as u16, x)?;
                    }
                }
            }
        }
        ws.set_freeze_panes(1, 0)?;
        ws.set_column_width(1, 14)?;
        ws.set_column_width(2, 18)?;
    }
    wb.save_to_buffer()
}
