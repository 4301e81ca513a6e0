//! Aligned plain-text tables for list commands; Chinese characters count two columns.

use unicode_width::UnicodeWidthStr;

/// Renders `rows` under `header`, columns separated by two spaces, trailing spaces trimmed.
pub fn render(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(cell.width());
        }
    }
    let mut out = String::new();
    let mut line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut text = String::new();
        for (i, cell) in cells.enumerate() {
            text.push_str(cell);
            text.push_str(&" ".repeat(widths[i] - cell.width() + 2));
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(&mut header.iter().copied());
    for row in rows {
        line(&mut row.iter().map(String::as_str));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn aligns_wide_characters() {
        let t = super::render(
            &["code", "name"],
            &[
                vec!["C1".into(), "上海贸易".into()],
                vec!["C22".into(), "x".into()],
            ],
        );
        assert_eq!(t, "code  name\nC1    上海贸易\nC22   x\n");
    }
}
