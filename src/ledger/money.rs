//! Exact money (§5 receivables ledger): integer minor units per currency, with the ISO 4217
//! minor-unit table, parsing of amounts as accountants type them and formatting back.
//! Never floating point.

/// Minor units (decimal places) of an ISO 4217 currency: 2 unless listed here.
pub fn minor_units(currency: &str) -> u32 {
    match currency {
        "BIF" | "CLP" | "DJF" | "GNF" | "ISK" | "JPY" | "KMF" | "KRW" | "PYG" | "RWF" | "UGX"
        | "UYI" | "VND" | "VUV" | "XAF" | "XOF" | "XPF" => 0,
        "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
        "CLF" | "UYW" => 4,
        _ => 2,
    }
}

/// A currency code from a cell: three ASCII letters (upper-cased), or a common Chinese name
/// (人民币, 美元, 欧元...) or symbol-like alias (RMB).
pub fn parse_currency(v: &str) -> Result<String, String> {
    let v = v.trim();
    let known = match v {
        "人民币" | "RMB" | "rmb" | "元" | "¥" | "￥" => Some("CNY"),
        "美元" | "美金" | "$" | "US$" => Some("USD"),
        "欧元" | "€" => Some("EUR"),
        "英镑" | "£" => Some("GBP"),
        "日元" => Some("JPY"),
        "港币" | "港元" => Some("HKD"),
        _ => None,
    };
    if let Some(code) = known {
        return Ok(code.to_string());
    }
    if v.len() == 3 && v.chars().all(|c| c.is_ascii_alphabetic()) {
        Ok(v.to_ascii_uppercase())
    } else {
        Err(format!(
            "'{v}' is not a currency; expected an ISO 4217 code such as USD, EUR, CNY"
        ))
    }
}

/// A positive amount in `currency` as typed ("12,500.50", "12500.5", "1 250") → minor units.
/// More decimals than the currency has, a sign, or anything else is refused.
pub fn parse_amount(v: &str, currency: &str) -> Result<i64, String> {
    let places = minor_units(currency) as usize;
    let raw = v.trim();
    let bad = || format!("'{raw}' is not an amount in {currency}; expected e.g. 12500.00");
    if raw.starts_with('-') || raw.starts_with('(') {
        return Err(format!("'{raw}': the amount must be positive"));
    }
    let cleaned: String = raw
        .chars()
        .filter(|c| !matches!(c, ',' | ' ' | '\u{a0}' | '\''))
        .collect();
    let (int, frac) = match cleaned.split_once('.') {
        Some((i, f)) => (i, f),
        None => (cleaned.as_str(), ""),
    };
    if int.is_empty()
        || !int.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
        || cleaned.ends_with('.')
    {
        return Err(bad());
    }
    // Trailing zeros beyond the minor units are harmless ("100.000" USD from a spreadsheet).
    let frac_trim = frac.trim_end_matches('0');
    if frac_trim.len() > places {
        return Err(format!(
            "'{raw}' has more than {places} decimal places, the minor units of {currency}"
        ));
    }
    let frac_padded = format!("{frac_trim:0<places$}");
    let units: i64 = int.parse().map_err(|_| format!("'{raw}' is too large"))?;
    let minor: i64 = if places == 0 {
        0
    } else {
        frac_padded.parse().map_err(|_| bad())?
    };
    let amount = units
        .checked_mul(10i64.pow(places as u32))
        .and_then(|u| u.checked_add(minor))
        .ok_or_else(|| format!("'{raw}' is too large"))?;
    if amount == 0 {
        return Err(format!("'{raw}': the amount must be more than zero"));
    }
    Ok(amount)
}

/// Minor units of `currency` as text with thousands separators: 1234567 USD → "12,345.67".
pub fn format(minor: i64, currency: &str) -> String {
    let places = minor_units(currency);
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    let scale = 10u64.pow(places);
    let (int, frac) = (abs / scale, abs % scale);
    let digits = int.to_string();
    let mut grouped = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    if places == 0 {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{frac:0width$}", width = places as usize)
    }
}

/// Minor units as a plain decimal string without separators ("12345.67"), for CSV and JSON.
pub fn decimal(minor: i64, currency: &str) -> String {
    format(minor, currency).replace(',', "")
}

/// Rounds `num / den` to the nearest integer, halves away from zero (den > 0).
pub fn div_round(num: i128, den: i128) -> i128 {
    debug_assert!(den > 0);
    let q = num / den;
    let r = num % den;
    if 2 * r.abs() >= den {
        q + num.signum()
    } else {
        q
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_per_currency_minor_units() {
        assert_eq!(parse_amount("12,500.50", "USD"), Ok(1_250_050));
        assert_eq!(parse_amount("12500.5", "EUR"), Ok(1_250_050));
        assert_eq!(parse_amount("1 250", "CNY"), Ok(125_000));
        assert_eq!(parse_amount("150000", "JPY"), Ok(150_000));
        assert_eq!(parse_amount("1.234", "KWD"), Ok(1_234));
        assert_eq!(parse_amount("100.000", "USD"), Ok(10_000));
        assert!(parse_amount("1.5", "JPY")
            .unwrap_err()
            .contains("0 decimal"));
        assert!(parse_amount("1.005", "USD")
            .unwrap_err()
            .contains("2 decimal"));
        assert!(parse_amount("-5", "USD").unwrap_err().contains("positive"));
        assert!(parse_amount("0", "USD")
            .unwrap_err()
            .contains("more than zero"));
        assert!(parse_amount("12a", "USD").is_err());
    }

    #[test]
    fn formats_with_separators() {
        assert_eq!(format(1_234_567, "USD"), "12,345.67");
        assert_eq!(format(-5, "USD"), "-0.05");
        assert_eq!(format(1_000_000, "JPY"), "1,000,000");
        assert_eq!(format(1_234, "KWD"), "1.234");
        assert_eq!(decimal(123_456_789, "CNY"), "1234567.89");
    }

    #[test]
    fn currencies_and_rounding() {
        assert_eq!(parse_currency("美元").unwrap(), "USD");
        assert_eq!(parse_currency("eur").unwrap(), "EUR");
        assert!(parse_currency("dollars").is_err());
        assert_eq!(div_round(5, 2), 3);
        assert_eq!(div_round(-5, 2), -3);
        assert_eq!(div_round(4, 3), 1);
    }
}
