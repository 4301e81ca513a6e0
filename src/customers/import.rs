//! Reading a customer list (CSV or Excel) into customer records, row by row (§2 客户分类与信息管理:
//! "one system for all records", classification by scale / nature / region, basic, business,
//! credit and market records, sources).
//!
//! Customer lists come out of ERPs and Chinese Excel, so this reader is forgiving about the
//! container and strict about the values:
//! - CSV in UTF-8 (with or without BOM), UTF-16 with BOM (Excel "Unicode text"), or
//!   GB18030/GBK (Chinese Excel's "CSV"); comma, semicolon or tab separated; `.xlsx`, `.xlsm`,
//!   `.xlsb`, `.xls` and `.ods` through calamine (first sheet).
//! - Headers in English keys (`contact_email`, "Contact Email") or Chinese (联系人邮箱); unknown
//!   columns are warnings. A title row above the header (客户名单) is skipped.
//! - Every value is checked against the record's vocabularies; a row with any bad cell is
//!   rejected whole and reported once per bad cell (row, column as written, reason), and the
//!   good rows still import.
//! - Several rows with one code are one customer with several contacts: the first good row
//!   is the customer (code and name required), later rows add their contact and may leave
//!   customer fields (the name too) empty or fill ones left empty, but may not contradict it.

use calamine::{Data, Reader};
use serde::Serialize;
use std::collections::HashMap;
use std::fmt;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use super::model::{
    Contact, CreditRating, CustomerRecord, Nature, PriceSensitivity, Scale, SourceChannel, Stage,
};
use crate::region;

/// One bad cell of an imported file, reported to the person who prepared the list so they
/// can fix it where they see it: a row number as the spreadsheet shows it (the header is
/// usually row 1) and the column header as written in the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// 1-based row number as a spreadsheet user sees it; 0 when the values did not come from
    /// a file ([`record_from_fields`]).
    pub row: usize,
    /// The column header as written in the file (or the field name given).
    pub column: String,
    /// What is wrong, in words a salesperson understands.
    pub reason: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "row {}, column '{}': {}",
            self.row, self.column, self.reason
        )
    }
}

/// What reading one customer list produced: the good customers, every bad cell, and notes
/// about the file. Applying it to the registry is a separate step (`customers::apply`), so a
/// dry run can show the same report.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ImportBatch {
    /// Each customer with the row it first appears on, in file order.
    pub records: Vec<(usize, CustomerRecord)>,
    /// Rejected cells, in row order; a row listed here contributed nothing.
    pub errors: Vec<RowError>,
    /// Things that did not stop the import: unknown or repeated columns, skipped title rows,
    /// undecodable bytes replaced.
    pub warnings: Vec<String>,
}

/// Why a customer list could not be read at all (as opposed to a bad row, which is a
/// [`RowError`] inside an [`ImportBatch`]).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The extension is not one of the supported list formats.
    #[error(
        "{}: unknown file type; expected .csv, .txt, .tsv, .xlsx, .xlsm, .xlsb, .xls or .ods",
        path.display()
    )]
    UnknownFormat { path: PathBuf },
    /// The CSV structure itself is broken.
    #[error("{}: malformed CSV: {source}", path.display())]
    Csv {
        path: PathBuf,
        #[source]
        source: csv::Error,
    },
    /// The spreadsheet could not be opened or has no sheet (any Excel/ODS format).
    #[error("{}: cannot read the spreadsheet: {reason}", path.display())]
    Xlsx { path: PathBuf, reason: String },
    /// A required column (`code` or `name`) is not in the header; `column` is its English key.
    #[error(
        "{}: missing required column '{column}' (accepted headers: {})",
        path.display(),
        accepted_headers(column)
    )]
    MissingColumn { path: PathBuf, column: String },
    /// No header row, or a header and no data rows: nothing to import.
    #[error("{}: no customer rows found", path.display())]
    Empty { path: PathBuf },
}

/// Reads a customer list file: the format from the extension (`.csv`/`.txt`/`.tsv` as CSV,
/// `.xlsx`/`.xlsm`/`.xlsb`/`.xls`/`.ods` as a spreadsheet, first sheet), the encoding and
/// delimiter of a CSV detected. Bad rows are reported in the batch, not as an `Err`.
pub fn read_customers(path: &Path) -> Result<ImportBatch, ImportError> {
    let mut warnings = Vec::new();
    let rows = read_table(path, &mut warnings)?;
    let mut batch = build_batch(path, rows)?;
    warnings.append(&mut batch.warnings);
    batch.warnings = warnings;
    Ok(batch)
}

/// Reads any supported list file (CSV in UTF-8/UTF-16/GBK, or the first sheet of a workbook)
/// into numbered rows of cells; shared with the ledger imports (issue 7).
pub(crate) fn read_table(
    path: &Path,
    warnings: &mut Vec<String>,
) -> Result<Vec<RawRow>, ImportError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase())
        .unwrap_or_default();
    let rows = match ext.as_str() {
        "csv" | "txt" | "tsv" => {
            let bytes = std::fs::read(path).map_err(|source| ImportError::Io {
                path: path.to_path_buf(),
                source,
            })?;
            read_csv(&bytes, warnings).map_err(|source| ImportError::Csv {
                path: path.to_path_buf(),
                source,
            })?
        }
        "xlsx" | "xlsm" | "xlsb" | "xls" | "ods" => {
            let bytes = std::fs::read(path).map_err(|source| ImportError::Io {
                path: path.to_path_buf(),
                source,
            })?;
            read_spreadsheet(bytes, &ext).map_err(|reason| ImportError::Xlsx {
                path: path.to_path_buf(),
                reason,
            })?
        }
        _ => {
            return Err(ImportError::UnknownFormat {
                path: path.to_path_buf(),
            })
        }
    };
    Ok(rows)
}

/// Builds one record from `FIELD=VALUE` pairs named like the import columns (English keys or
/// Chinese headers), with the same checks as an imported row; for `customers add/edit --set`.
/// A field given twice takes the later value. Contact fields make one contact. Errors carry
/// row 0 and the field name as given.
pub fn record_from_fields(fields: &[(String, String)]) -> Result<CustomerRecord, Vec<RowError>> {
    let mut errors = Vec::new();
    let mut chosen: Vec<(Field, usize)> = Vec::new();
    for (i, (key, _)) in fields.iter().enumerate() {
        match field_for_header(key) {
            Some(f) => match chosen.iter_mut().find(|(g, _)| *g == f) {
                Some(slot) => slot.1 = i,
                None => chosen.push((f, i)),
            },
            None => errors.push(RowError {
                row: 0,
                column: key.clone(),
                reason: format!("unknown field; known fields: {}", known_keys()),
            }),
        }
    }
    chosen.sort_by_key(|(_, i)| *i);
    let cells = chosen
        .iter()
        .map(|&(f, i)| (f, i, Ok(fields[i].1.as_str())));
    let mut parsed = parse_row(cells);
    parsed.require_name();
    errors.extend(parsed.errors.into_iter().map(|e| RowError {
        row: 0,
        column: fields[e.col].0.clone(),
        reason: e.reason,
    }));
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut record = parsed.record;
    record.contacts.extend(parsed.contact);
    Ok(record)
}

// ---------------------------------------------------------------------------------------
// Columns

/// One column the importer understands: a field of [`CustomerRecord`] or of its contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Field {
    Code,
    Name,
    LegalRep,
    Address,
    Country,
    Nature,
    Scale,
    Source,
    Stage,
    Owner,
    ProductCategories,
    PurchaseFrequency,
    PaymentTerms,
    PriceSensitivity,
    CreditRating,
    CreditLimit,
    Currency,
    MarketNotes,
    Tags,
    DoNotContact,
    LastVerified,
    Phone,
    Fax,
    Website,
    BusinessScope,
    Domains,
    ContactName,
    ContactTitle,
    ContactEmail,
    ContactPhone,
    ContactLanguage,
}

/// Every column: the English key and the other headers accepted for it (the Chinese
/// terms of the company's own lists, and a few common English variants).
const COLUMNS: &[(Field, &str, &[&str])] = &[
    (
        Field::Code,
        "code",
        &[
            "客户编号",
            "客户代码",
            "编号",
            "customer code",
            "customer id",
        ],
    ),
    (
        Field::Name,
        "name",
        &[
            "客户名称",
            "公司名称",
            "名称",
            "customer name",
            "company",
            "company name",
        ],
    ),
    (
        Field::LegalRep,
        "legal_rep",
        &["法定代表人", "法人", "legal representative"],
    ),
    (Field::Address, "address", &["地址"]),
    (
        Field::Country,
        "country",
        &["国家", "国家地区", "国家/地区", "country/region"],
    ),
    (Field::Nature, "nature", &["客户性质", "性质"]),
    (Field::Scale, "scale", &["规模", "客户规模"]),
    (
        Field::Source,
        "source",
        &["来源", "来源渠道", "source channel", "channel"],
    ),
    (Field::Stage, "stage", &["开发阶段", "阶段"]),
    (Field::Owner, "owner", &["业务员", "负责人", "salesperson"]),
    (
        Field::ProductCategories,
        "product_categories",
        &["产品类别", "采购产品", "products"],
    ),
    (
        Field::PurchaseFrequency,
        "purchase_frequency",
        &["采购频率"],
    ),
    (
        Field::PaymentTerms,
        "payment_terms",
        &["付款方式", "付款条件"],
    ),
    (
        Field::PriceSensitivity,
        "price_sensitivity",
        &["价格敏感度"],
    ),
    (Field::CreditRating, "credit_rating", &["信用等级"]),
    (Field::CreditLimit, "credit_limit", &["信用额度"]),
    (Field::Currency, "currency", &["币种", "货币"]),
    (
        Field::MarketNotes,
        "market_notes",
        &["市场信息", "备注", "notes"],
    ),
    (Field::Tags, "tags", &["标签"]),
    (Field::DoNotContact, "do_not_contact", &["禁止联系"]),
    (
        Field::LastVerified,
        "last_verified",
        &["最后核实日期", "核实日期"],
    ),
    (Field::Phone, "phone", &["电话"]),
    (Field::Fax, "fax", &["传真"]),
    (Field::Website, "website", &["网站", "网址"]),
    (Field::BusinessScope, "business_scope", &["经营范围"]),
    (Field::Domains, "domains", &["邮箱域名", "域名", "domain"]),
    (Field::ContactName, "contact_name", &["联系人", "contact"]),
    (
        Field::ContactTitle,
        "contact_title",
        &["职位", "联系人职位", "title"],
    ),
    (
        Field::ContactEmail,
        "contact_email",
        &["联系人邮箱", "邮箱", "email", "e-mail"],
    ),
    (
        Field::ContactPhone,
        "contact_phone",
        &["联系人电话", "手机", "mobile"],
    ),
    (
        Field::ContactLanguage,
        "contact_language",
        &["语言", "联系人语言", "language"],
    ),
];

/// The English key of a field (for messages).
fn key_of(field: Field) -> &'static str {
    COLUMNS
        .iter()
        .find(|(f, _, _)| *f == field)
        .map(|(_, k, _)| *k)
        .unwrap_or("?")
}

/// All English keys, for "unknown field" messages.
fn known_keys() -> String {
    COLUMNS
        .iter()
        .map(|(_, k, _)| *k)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The headers accepted for a column key, for the missing-column message.
fn accepted_headers(key: &str) -> String {
    COLUMNS
        .iter()
        .find(|(_, k, _)| *k == key)
        .map(|(_, k, aliases)| {
            std::iter::once(*k)
                .chain(aliases.iter().copied())
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_else(|| key.to_string())
}

/// Header matching key: trimmed, BOM and required-marks (`*`) dropped, lower case, and
/// spaces, hyphens, dots and slashes treated as underscores.
fn header_key(s: &str) -> String {
    let s = s
        .trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}' || c == '\u{200b}')
        .trim_end_matches(['*', '＊'])
        .trim();
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        let ch = match ch {
            ' ' | '-' | '.' | '/' | '\u{3000}' => '_',
            c => c.to_ascii_lowercase(),
        };
        if !(ch == '_' && out.ends_with('_')) {
            out.push(ch);
        }
    }
    out
}

/// The field a header names, if any.
fn field_for_header(header: &str) -> Option<Field> {
    let key = header_key(header);
    if key.is_empty() {
        return None;
    }
    COLUMNS
        .iter()
        .find(|(_, k, aliases)| {
            header_key(k) == key || aliases.iter().any(|a| header_key(a) == key)
        })
        .map(|(f, _, _)| *f)
}

/// Spreadsheet column letters for a 0-based index (0 → A, 26 → AA), for warnings.
fn column_letter(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

// ---------------------------------------------------------------------------------------
// Reading the container

/// One cell: its text, or why the spreadsheet cell cannot be used (an error value like #N/A).
type Cell = Result<String, String>;

/// One non-empty row of the file with its spreadsheet row number.
type RawRow = (usize, Vec<Cell>);

/// Decodes a CSV file and splits it into rows, numbered as a spreadsheet shows them.
fn read_csv(bytes: &[u8], warnings: &mut Vec<String>) -> Result<Vec<RawRow>, csv::Error> {
    let decoded = decode_text(bytes, warnings);
    let mut text: &str = &decoded;
    // Excel's "sep=;" hint line; Excel does not show it as a row.
    let mut delimiter = None;
    if let Some(first) = text.lines().next() {
        let hint = first.trim_end_matches('\r');
        if hint.len() == 5 && hint.starts_with("sep=") {
            delimiter = Some(hint.as_bytes()[4]);
            text = text.get(first.len()..).unwrap_or("");
            text = text
                .strip_prefix("\r\n")
                .or_else(|| text.strip_prefix('\n'))
                .unwrap_or(text);
        }
    }
    let delimiter = delimiter.unwrap_or_else(|| detect_delimiter(text));
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    // A spreadsheet row is a physical line, except that line breaks inside quoted cells do
    // not start a row; blank lines do count (csv's own line numbers skip them).
    let mut rows = Vec::new();
    let (mut scanned, mut newlines, mut embedded) = (0usize, 0usize, 0usize);
    for record in reader.records() {
        let record = record?;
        let start = record
            .position()
            .map(|p| p.byte() as usize)
            .unwrap_or(scanned)
            .min(text.len());
        // csv reports the position before the blank lines it skipped.
        let start = start
            + text.as_bytes()[start..]
                .iter()
                .take_while(|&&b| b == b'\n' || b == b'\r')
                .count();
        if start > scanned {
            newlines += text.as_bytes()[scanned..start]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            scanned = start;
        }
        let row = newlines - embedded + 1;
        embedded += record
            .iter()
            .map(|f| f.matches('\n').count())
            .sum::<usize>();
        rows.push((row, record.iter().map(|f| Ok(f.to_string())).collect()));
    }
    Ok(rows)
}

/// Text of a CSV file: a BOM decides (UTF-8, UTF-16LE/BE); otherwise UTF-8 if valid, else
/// GB18030 (a superset of GBK/GB2312, what Chinese Excel writes).
fn decode_text(bytes: &[u8], warnings: &mut Vec<String>) -> String {
    let (text, encoding, had_errors) =
        if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
            let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
            (text.into_owned(), enc, had_errors)
        } else if let Ok(text) = std::str::from_utf8(bytes) {
            (text.to_string(), encoding_rs::UTF_8, false)
        } else {
            let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
            (text.into_owned(), encoding_rs::GB18030, had_errors)
        };
    if had_errors {
        warnings.push(format!(
            "the file is not valid {}; undecodable bytes were replaced with '\u{fffd}'",
            encoding.name()
        ));
    }
    text
}

/// The delimiter of a CSV: whichever of comma, semicolon and tab occurs most (outside
/// quotes) in the first non-blank line; comma on a tie.
fn detect_delimiter(text: &str) -> u8 {
    let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let (mut commas, mut semicolons, mut tabs) = (0, 0, 0);
    let mut quoted = false;
    for ch in line.chars() {
        match ch {
            '"' => quoted = !quoted,
            ',' if !quoted => commas += 1,
            ';' if !quoted => semicolons += 1,
            '\t' if !quoted => tabs += 1,
            _ => {}
        }
    }
    if tabs > commas && tabs >= semicolons {
        b'\t'
    } else if semicolons > commas {
        b';'
    } else {
        b','
    }
}

/// Reads the first sheet of a workbook into rows, numbered as the spreadsheet shows them.
fn read_spreadsheet(bytes: Vec<u8>, ext: &str) -> Result<Vec<RawRow>, String> {
    let cursor = Cursor::new(bytes);
    let range = match ext {
        "xls" => first_sheet(calamine::open_workbook_from_rs::<calamine::Xls<_>, _>(
            cursor,
        )),
        "xlsb" => first_sheet(calamine::open_workbook_from_rs::<calamine::Xlsb<_>, _>(
            cursor,
        )),
        "ods" => first_sheet(calamine::open_workbook_from_rs::<calamine::Ods<_>, _>(
            cursor,
        )),
        _ => first_sheet(calamine::open_workbook_from_rs::<calamine::Xlsx<_>, _>(
            cursor,
        )),
    }?;
    let (row0, col0) = range.start().unwrap_or((0, 0));
    let rows = range
        .rows()
        .enumerate()
        .map(|(i, cells)| {
            let mut row: Vec<Cell> = vec![Ok(String::new()); col0 as usize];
            row.extend(cells.iter().map(spreadsheet_cell));
            (row0 as usize + i + 1, row)
        })
        .collect();
    Ok(rows)
}

/// Opens the first worksheet of a workbook opened by any calamine reader.
fn first_sheet<R, E>(opened: Result<R, E>) -> Result<calamine::Range<Data>, String>
where
    R: Reader<Cursor<Vec<u8>>>,
    E: fmt::Display,
    R::Error: fmt::Display,
{
    let mut workbook = opened.map_err(|e| e.to_string())?;
    match workbook.worksheet_range_at(0) {
        Some(range) => range.map_err(|e| e.to_string()),
        None => Err("the workbook has no worksheet".to_string()),
    }
}

/// The text of a spreadsheet cell: whole numbers without ".0" (codes, phones typed as
/// numbers), dates as YYYY-MM-DD (with the time if it has one).
fn spreadsheet_cell(cell: &Data) -> Cell {
    Ok(match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) if dt.is_duration() => number_text(dt.as_f64()),
        Data::DateTime(dt) => {
            let (y, mo, d, h, mi, s, ms) = dt.to_ymd_hms_milli();
            if (h, mi, s, ms) == (0, 0, 0, 0) {
                format!("{y:04}-{mo:02}-{d:02}")
            } else {
                format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
            }
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => return Err(format!("the cell holds the spreadsheet error {e}")),
    })
}

/// A spreadsheet number as a person typed it: 1001.0 → "1001", 12.5 → "12.5".
fn number_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

// ---------------------------------------------------------------------------------------
// Rows → records

/// A bad cell before it is named: the cell's index in its row and the reason.
struct CellError {
    col: usize,
    reason: String,
}

/// One row's values: the customer fields (no contacts), its contact if any, and bad cells.
struct ParsedRow {
    record: CustomerRecord,
    contact: Option<Contact>,
    errors: Vec<CellError>,
    /// The cell index of the name, if the row has that column.
    name_col: Option<usize>,
}

impl ParsedRow {
    /// Reports an empty name: required where a row introduces a customer (a row continuing
    /// an earlier row's customer may leave it empty).
    fn require_name(&mut self) {
        if let Some(col) = self.name_col {
            if self.record.name.is_empty() && !self.errors.iter().any(|e| e.col == col) {
                self.errors.push(CellError {
                    col,
                    reason: "the customer name is required".to_string(),
                });
            }
        }
    }
}

/// A column of the file that maps to a field.
struct Mapped {
    field: Field,
    col: usize,
}

/// Turns the raw rows of a file into a batch: finds the header, maps the columns, checks
/// every row and merges rows that share a code.
fn build_batch(path: &Path, rows: Vec<RawRow>) -> Result<ImportBatch, ImportError> {
    let mut batch = ImportBatch::default();
    let non_blank: Vec<usize> = (0..rows.len()).filter(|&i| !is_blank(&rows[i].1)).collect();
    let Some(&first) = non_blank.first() else {
        return Err(ImportError::Empty {
            path: path.to_path_buf(),
        });
    };
    // The header is the first non-blank row naming both required columns among the first
    // few (a title row like 客户名单 often sits above it); else the first non-blank row.
    let header_at = non_blank
        .iter()
        .take(10)
        .copied()
        .find(|&i| {
            let fields: Vec<Field> = rows[i]
                .1
                .iter()
                .filter_map(|c| c.as_ref().ok().and_then(|h| field_for_header(h)))
                .collect();
            fields.contains(&Field::Code) && fields.contains(&Field::Name)
        })
        .unwrap_or(first);
    if header_at != first {
        let (from, header_row) = (rows[first].0, rows[header_at].0);
        let skipped = if from + 1 == header_row {
            format!("row {from}")
        } else {
            format!("rows {from}–{}", header_row - 1)
        };
        batch.warnings.push(format!(
            "{skipped} above the header (row {header_row}) skipped"
        ));
    }
    let header_cells = &rows[header_at].1;
    let headers: Vec<String> = header_cells
        .iter()
        .map(|c| c.clone().unwrap_or_default().trim().to_string())
        .collect();

    let mut mapped: Vec<Mapped> = Vec::new();
    let mut unheaded: Vec<usize> = Vec::new();
    for (col, header) in headers.iter().enumerate() {
        if header.is_empty() {
            unheaded.push(col);
            continue;
        }
        match field_for_header(header) {
            Some(field) => {
                if let Some(prev) = mapped.iter().find(|m| m.field == field) {
                    batch.warnings.push(format!(
                        "column '{header}' (column {}) repeats '{}' already read from column '{}' \
                         (column {}); ignored",
                        column_letter(col),
                        key_of(field),
                        headers[prev.col],
                        column_letter(prev.col)
                    ));
                } else {
                    mapped.push(Mapped { field, col });
                }
            }
            None => batch.warnings.push(format!(
                "unknown column '{header}' (column {}) ignored; known columns: {}",
                column_letter(col),
                known_keys()
            )),
        }
    }
    for required in [Field::Code, Field::Name] {
        if !mapped.iter().any(|m| m.field == required) {
            return Err(ImportError::MissingColumn {
                path: path.to_path_buf(),
                column: key_of(required).to_string(),
            });
        }
    }
    let column_of = |field: Field| -> usize {
        mapped
            .iter()
            .find(|m| m.field == field)
            .map(|m| m.col)
            .unwrap_or(0)
    };
    let label = |col: usize| -> String {
        match headers.get(col) {
            Some(h) if !h.is_empty() => h.clone(),
            _ => format!("column {}", column_letter(col)),
        }
    };

    let data: Vec<&RawRow> = non_blank
        .iter()
        .filter(|&&i| i > header_at)
        .map(|&i| &rows[i])
        .collect();
    if data.is_empty() {
        return Err(ImportError::Empty {
            path: path.to_path_buf(),
        });
    }

    let mut by_code: HashMap<String, usize> = HashMap::new();
    // Per record, the row each non-empty customer field came from (for conflict messages).
    let mut origins: Vec<HashMap<Field, usize>> = Vec::new();
    let mut data_in_unheaded = false;
    for (row, cells) in data {
        let row = *row;
        let empty = Ok(String::new());
        let values = mapped.iter().map(|m| {
            let cell = cells.get(m.col).unwrap_or(&empty);
            (
                m.field,
                m.col,
                cell.as_ref().map(|s| s.as_str()).map_err(|e| e.as_str()),
            )
        });
        let mut parsed = parse_row(values);
        for (col, cell) in cells.iter().enumerate() {
            let filled = match cell {
                Ok(s) => !s.trim().is_empty(),
                Err(_) => true,
            };
            if !filled {
                continue;
            }
            if col >= headers.len() {
                parsed.errors.push(CellError {
                    col,
                    reason: "a value beyond the last header column (an unquoted delimiter in a \
                             field?)"
                        .to_string(),
                });
            } else if unheaded.contains(&col) {
                data_in_unheaded = true;
            }
        }
        if !by_code.contains_key(&parsed.record.code) {
            parsed.require_name();
        }
        if parsed.errors.is_empty() {
            if let Some(&idx) = by_code.get(&parsed.record.code) {
                let (existing_row, existing) = &batch.records[idx];
                for field in conflicts(existing, &parsed.record) {
                    let from = origins[idx].get(&field).copied().unwrap_or(*existing_row);
                    parsed.errors.push(CellError {
                        col: column_of(field),
                        reason: format!(
                            "'{}' conflicts with row {from}, which has '{}'",
                            render(&parsed.record, field),
                            render(existing, field)
                        ),
                    });
                }
            }
        }
        if !parsed.errors.is_empty() {
            parsed.errors.sort_by_key(|e| e.col);
            batch
                .errors
                .extend(parsed.errors.into_iter().map(|e| RowError {
                    row,
                    column: label(e.col),
                    reason: e.reason,
                }));
            continue;
        }
        match by_code.get(&parsed.record.code) {
            Some(&idx) => {
                let record = &mut batch.records[idx].1;
                for field in fill(record, &parsed.record) {
                    origins[idx].insert(field, row);
                }
                if let Some(contact) = parsed.contact {
                    if !record.contacts.contains(&contact) {
                        record.contacts.push(contact);
                    }
                }
            }
            None => {
                let mut record = parsed.record;
                record.contacts.extend(parsed.contact);
                by_code.insert(record.code.clone(), batch.records.len());
                batch.records.push((row, record));
                origins.push(HashMap::new());
            }
        }
    }
    if data_in_unheaded {
        let cols: Vec<String> = unheaded.iter().map(|&c| column_letter(c)).collect();
        batch.warnings.push(format!(
            "values in column(s) {} without a header were ignored",
            cols.join(", ")
        ));
    }
    Ok(batch)
}

/// Whether every cell of a row is empty or whitespace.
fn is_blank(cells: &[Cell]) -> bool {
    cells.iter().all(|c| match c {
        Ok(s) => s.trim().is_empty(),
        Err(_) => false,
    })
}

/// Checks and converts one row's cells (field, cell index, text or cell problem).
fn parse_row<'a>(
    cells: impl Iterator<Item = (Field, usize, Result<&'a str, &'a str>)>,
) -> ParsedRow {
    let mut record = CustomerRecord::default();
    let mut contact = Contact::default();
    let mut has_contact = false;
    let mut errors = Vec::new();
    let mut seen_code = None;
    let mut seen_name = None;
    for (field, col, cell) in cells {
        match field {
            Field::Code => seen_code = Some(col),
            Field::Name => seen_name = Some(col),
            _ => {}
        }
        let value = match cell {
            Ok(v) => v.trim(),
            Err(reason) => {
                errors.push(CellError {
                    col,
                    reason: reason.to_string(),
                });
                continue;
            }
        };
        if value.is_empty() {
            continue;
        }
        if let Err(reason) = set_field(&mut record, &mut contact, field, value) {
            errors.push(CellError { col, reason });
        }
        if matches!(
            field,
            Field::ContactName
                | Field::ContactTitle
                | Field::ContactEmail
                | Field::ContactPhone
                | Field::ContactLanguage
        ) {
            has_contact = true;
        }
    }
    if let Some(col) = seen_code {
        if record.code.is_empty() && !errors.iter().any(|e| e.col == col) {
            errors.push(CellError {
                col,
                reason: "the customer code is required".to_string(),
            });
        }
    }
    ParsedRow {
        record,
        contact: has_contact.then_some(contact),
        errors,
        name_col: seen_name,
    }
}

/// Checks one non-empty, trimmed value and stores it in its field.
fn set_field(r: &mut CustomerRecord, c: &mut Contact, field: Field, v: &str) -> Result<(), String> {
    let text = || Some(v.to_string());
    match field {
        Field::Code => r.code = v.to_string(),
        Field::Name => r.name = v.to_string(),
        Field::LegalRep => r.legal_rep = text(),
        Field::Address => r.address = text(),
        Field::Country => {
            let country = region::parse_country(v)
                .ok_or_else(|| format!("'{v}' is not a known country or region"))?;
            r.country = Some(country.alpha2.to_string());
        }
        Field::Nature => r.nature = Some(v.parse::<Nature>().map_err(|e| e.to_string())?),
        Field::Scale => r.scale = Some(v.parse::<Scale>().map_err(|e| e.to_string())?),
        Field::Source => r.source = Some(v.parse::<SourceChannel>().map_err(|e| e.to_string())?),
        Field::Stage => r.stage = Some(v.parse::<Stage>().map_err(|e| e.to_string())?),
        Field::Owner => r.owner = text(),
        Field::ProductCategories => r.product_categories = split_list(v),
        Field::PurchaseFrequency => r.purchase_frequency = text(),
        Field::PaymentTerms => r.payment_terms = text(),
        Field::PriceSensitivity => {
            r.price_sensitivity = Some(v.parse::<PriceSensitivity>().map_err(|e| e.to_string())?)
        }
        Field::CreditRating => {
            r.credit_rating = Some(v.parse::<CreditRating>().map_err(|e| e.to_string())?)
        }
        Field::CreditLimit => r.credit_limit_minor = Some(parse_amount(v)?),
        Field::Currency => r.currency = Some(parse_currency(v)?),
        Field::MarketNotes => r.market_notes = text(),
        Field::Tags => r.tags = split_list(v),
        Field::DoNotContact => r.do_not_contact = Some(parse_bool(v)?),
        Field::LastVerified => r.last_verified = Some(parse_date(v)?),
        Field::Phone => r.phone = text(),
        Field::Fax => r.fax = text(),
        Field::Website => r.website = text(),
        Field::BusinessScope => r.business_scope = text(),
        Field::Domains => {
            r.domains = split_list(v)
                .into_iter()
                .map(|d| parse_domain(&d))
                .collect::<Result<_, _>>()?
        }
        Field::ContactName => c.name = v.to_string(),
        Field::ContactTitle => c.title = text(),
        Field::ContactEmail => {
            c.emails = split_list(v)
                .into_iter()
                .map(|e| parse_email(&e))
                .collect::<Result<_, _>>()?
        }
        Field::ContactPhone => c.phones = split_list(v),
        Field::ContactLanguage => c.language = Some(parse_language(v)?),
    }
    Ok(())
}

/// Splits a list cell on ; ； , ， 、 and line breaks; items trimmed, empties and repeats dropped.
fn split_list(v: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in v.split([';', '；', ',', '，', '、', '\n', '\r']) {
        let item = item.trim();
        if !item.is_empty() && !out.iter().any(|o| o == item) {
            out.push(item.to_string());
        }
    }
    out
}

/// A non-negative amount with at most two decimals and optional thousands separators
/// ("50,000.00", "1234.5") → minor units (cents).
fn parse_amount(v: &str) -> Result<i64, String> {
    let bad = || {
        format!(
            "'{v}' is not an amount; expected digits with at most 2 decimals, e.g. 50000 or \
             50,000.00"
        )
    };
    if v.starts_with('-') {
        return Err(format!("'{v}': a credit limit cannot be negative"));
    }
    let (int, frac) = match v.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (v, None),
    };
    let grouped_ok = {
        let groups: Vec<&str> = int.split(',').collect();
        groups.len() == 1
            || (!groups[0].is_empty()
                && groups[0].len() <= 3
                && groups[1..].iter().all(|g| g.len() == 3))
    };
    let digits: String = int.chars().filter(|&c| c != ',').collect();
    if digits.is_empty() || !grouped_ok || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    let frac = frac.unwrap_or("");
    if frac.len() > 2 || !frac.chars().all(|c| c.is_ascii_digit()) || v.ends_with('.') {
        return Err(
            if frac.len() > 2 && frac.chars().all(|c| c.is_ascii_digit()) {
                format!("'{v}' has more than 2 decimal places")
            } else {
                bad()
            },
        );
    }
    let cents: i64 = format!("{frac:0<2}").parse().unwrap_or(0);
    digits
        .parse::<i64>()
        .ok()
        .and_then(|units| units.checked_mul(100))
        .and_then(|minor| minor.checked_add(cents))
        .ok_or_else(|| format!("'{v}' is too large"))
}

/// An ISO 4217 code (three letters, upper-cased), or a common Chinese currency name.
fn parse_currency(v: &str) -> Result<String, String> {
    let known = match v {
        "人民币" | "RMB" | "rmb" | "元" => Some("CNY"),
        "美元" | "美金" => Some("USD"),
        "欧元" => Some("EUR"),
        "英镑" => Some("GBP"),
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
            "'{v}' is not a currency code; expected 3 letters such as USD, EUR, CNY"
        ))
    }
}

/// Yes/no in English, digits or Chinese (是/否).
fn parse_bool(v: &str) -> Result<bool, String> {
    match v.to_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "是" | "对" => Ok(true),
        "false" | "no" | "n" | "0" | "否" | "不" => Ok(false),
        _ => Err(format!(
            "'{v}' is not yes or no; expected true/false, yes/no, 1/0 or 是/否"
        )),
    }
}

/// A date as YYYY-MM-DD, YYYY/MM/DD (one-digit month and day allowed) or YYYY年M月D日; a
/// time after it (Excel date-times) is ignored. Returns "YYYY-MM-DD".
fn parse_date(v: &str) -> Result<String, String> {
    let bad = || format!("'{v}' is not a date; expected YYYY-MM-DD or YYYY/MM/DD");
    let date_part = v.split([' ', 'T']).next().unwrap_or(v);
    let parts: Vec<&str> = if date_part.contains('年') {
        date_part
            .trim_end_matches('日')
            .split(['年', '月'])
            .collect()
    } else if date_part.contains('-') {
        date_part.split('-').collect()
    } else {
        date_part.split('/').collect()
    };
    let [y, m, d] = parts.as_slice() else {
        return Err(bad());
    };
    let digits = |s: &str, min: usize, max: usize| {
        (min..=max).contains(&s.len()) && s.chars().all(|c| c.is_ascii_digit())
    };
    if !digits(y, 4, 4) || !digits(m, 1, 2) || !digits(d, 1, 2) {
        return Err(bad());
    }
    let (y, m, d) = (
        y.parse().map_err(|_| bad())?,
        m.parse().map_err(|_| bad())?,
        d.parse().map_err(|_| bad())?,
    );
    chrono::NaiveDate::from_ymd_opt(y, m, d)
        .map(|date| date.format("%Y-%m-%d").to_string())
        .ok_or_else(|| format!("'{v}' is not a real calendar date"))
}

/// Whether `d` looks like a mail domain: two or more labels of letters, digits and hyphens.
fn is_domain(d: &str) -> bool {
    let labels: Vec<&str> = d.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
        && !labels[labels.len() - 1].chars().all(|c| c.is_ascii_digit())
}

/// A mail domain, lower-cased, without a leading "@".
fn parse_domain(v: &str) -> Result<String, String> {
    let d = v.trim().trim_start_matches('@').to_lowercase();
    if is_domain(&d) {
        Ok(d)
    } else {
        Err(format!("'{v}' is not a mail domain like example.com"))
    }
}

/// An email address, lower-cased, checked loosely: one "@", no spaces, a dotted domain.
fn parse_email(v: &str) -> Result<String, String> {
    let e = v.trim().to_lowercase();
    let e = e.strip_prefix("mailto:").unwrap_or(&e);
    let ok = match e.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && !e.chars().any(char::is_whitespace)
                && is_domain(domain)
        }
        None => false,
    };
    if ok {
        Ok(e.to_string())
    } else {
        Err(format!("'{v}' is not an email address"))
    }
}

/// A language tag ("en", "pt-BR") or a common language name in English or Chinese.
fn parse_language(v: &str) -> Result<String, String> {
    let named = match v.to_lowercase().as_str() {
        "english" | "英语" | "英文" => Some("en"),
        "chinese" | "中文" | "汉语" | "普通话" => Some("zh"),
        "spanish" | "español" | "西班牙语" => Some("es"),
        "french" | "français" | "法语" => Some("fr"),
        "german" | "deutsch" | "德语" => Some("de"),
        "russian" | "русский" | "俄语" => Some("ru"),
        "portuguese" | "português" | "葡萄牙语" => Some("pt"),
        "arabic" | "阿拉伯语" => Some("ar"),
        "japanese" | "日语" => Some("ja"),
        "korean" | "韩语" => Some("ko"),
        "italian" | "意大利语" => Some("it"),
        "turkish" | "土耳其语" => Some("tr"),
        "vietnamese" | "越南语" => Some("vi"),
        "thai" | "泰语" => Some("th"),
        "indonesian" | "印尼语" => Some("id"),
        "polish" | "波兰语" => Some("pl"),
        "dutch" | "荷兰语" => Some("nl"),
        _ => None,
    };
    if let Some(tag) = named {
        return Ok(tag.to_string());
    }
    let subtags: Vec<&str> = v.split(['-', '_']).collect();
    let primary_ok =
        (2..=3).contains(&subtags[0].len()) && subtags[0].chars().all(|c| c.is_ascii_alphabetic());
    let rest_ok = subtags[1..]
        .iter()
        .all(|s| (1..=8).contains(&s.len()) && s.chars().all(|c| c.is_ascii_alphanumeric()));
    if !primary_ok || !rest_ok {
        return Err(format!(
            "'{v}' is not a language; expected a code like en, zh, es, pt-BR or a name like English"
        ));
    }
    let tag = subtags
        .iter()
        .enumerate()
        .map(|(i, s)| {
            if i == 0 {
                s.to_ascii_lowercase()
            } else if s.len() == 2 {
                s.to_ascii_uppercase()
            } else {
                s.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("-");
    Ok(tag)
}

// ---------------------------------------------------------------------------------------
// Merging rows with one code

/// Calls `$m!(record_field, Field::Variant)` for every optional customer field.
macro_rules! optional_fields {
    ($m:ident) => {
        $m!(legal_rep, LegalRep);
        $m!(address, Address);
        $m!(phone, Phone);
        $m!(fax, Fax);
        $m!(website, Website);
        $m!(business_scope, BusinessScope);
        $m!(country, Country);
        $m!(nature, Nature);
        $m!(scale, Scale);
        $m!(source, Source);
        $m!(stage, Stage);
        $m!(owner, Owner);
        $m!(purchase_frequency, PurchaseFrequency);
        $m!(payment_terms, PaymentTerms);
        $m!(price_sensitivity, PriceSensitivity);
        $m!(credit_rating, CreditRating);
        $m!(credit_limit_minor, CreditLimit);
        $m!(currency, Currency);
        $m!(market_notes, MarketNotes);
        $m!(do_not_contact, DoNotContact);
        $m!(last_verified, LastVerified);
    };
}

/// Calls `$m!(record_field, Field::Variant)` for every list customer field.
macro_rules! list_fields {
    ($m:ident) => {
        $m!(product_categories, ProductCategories);
        $m!(tags, Tags);
        $m!(domains, Domains);
    };
}

/// Customer fields that both records fill with different values.
fn conflicts(first: &CustomerRecord, later: &CustomerRecord) -> Vec<Field> {
    let mut out = Vec::new();
    if !later.name.is_empty() && first.name != later.name {
        out.push(Field::Name);
    }
    macro_rules! opt {
        ($f:ident, $v:ident) => {
            if let (Some(a), Some(b)) = (&first.$f, &later.$f) {
                if a != b {
                    out.push(Field::$v);
                }
            }
        };
    }
    macro_rules! list {
        ($f:ident, $v:ident) => {
            if !first.$f.is_empty() && !later.$f.is_empty() && first.$f != later.$f {
                out.push(Field::$v);
            }
        };
    }
    optional_fields!(opt);
    list_fields!(list);
    out
}

/// Copies into `first` the customer fields it lacks and `later` has; returns them.
fn fill(first: &mut CustomerRecord, later: &CustomerRecord) -> Vec<Field> {
    let mut filled = Vec::new();
    macro_rules! opt {
        ($f:ident, $v:ident) => {
            if first.$f.is_none() && later.$f.is_some() {
                first.$f = later.$f.clone();
                filled.push(Field::$v);
            }
        };
    }
    macro_rules! list {
        ($f:ident, $v:ident) => {
            if first.$f.is_empty() && !later.$f.is_empty() {
                first.$f = later.$f.clone();
                filled.push(Field::$v);
            }
        };
    }
    optional_fields!(opt);
    list_fields!(list);
    filled
}

/// A customer field's value as text, for conflict messages.
fn render(r: &CustomerRecord, field: Field) -> String {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let key = |v: Option<&'static str>| v.unwrap_or_default().to_string();
    match field {
        Field::Name => r.name.clone(),
        Field::Code => r.code.clone(),
        Field::LegalRep => opt(&r.legal_rep),
        Field::Address => opt(&r.address),
        Field::Phone => opt(&r.phone),
        Field::Fax => opt(&r.fax),
        Field::Website => opt(&r.website),
        Field::BusinessScope => opt(&r.business_scope),
        Field::Country => opt(&r.country),
        Field::Nature => key(r.nature.map(|v| v.key())),
        Field::Scale => key(r.scale.map(|v| v.key())),
        Field::Source => key(r.source.map(|v| v.key())),
        Field::Stage => key(r.stage.map(|v| v.key())),
        Field::Owner => opt(&r.owner),
        Field::PurchaseFrequency => opt(&r.purchase_frequency),
        Field::PaymentTerms => opt(&r.payment_terms),
        Field::PriceSensitivity => key(r.price_sensitivity.map(|v| v.key())),
        Field::CreditRating => key(r.credit_rating.map(|v| v.key())),
        Field::CreditLimit => r
            .credit_limit_minor
            .map(|m| format!("{}.{:02}", m / 100, m % 100))
            .unwrap_or_default(),
        Field::Currency => opt(&r.currency),
        Field::MarketNotes => opt(&r.market_notes),
        Field::DoNotContact => r.do_not_contact.map(|b| b.to_string()).unwrap_or_default(),
        Field::LastVerified => opt(&r.last_verified),
        Field::ProductCategories => r.product_categories.join("; "),
        Field::Tags => r.tags.join("; "),
        Field::Domains => r.domains.join("; "),
        Field::ContactName
        | Field::ContactTitle
        | Field::ContactEmail
        | Field::ContactPhone
        | Field::ContactLanguage => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn write_file(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
        let path = dir.path().join(name);
        std::fs::File::create(&path)
            .and_then(|mut f| f.write_all(bytes))
            .unwrap();
        path
    }

    fn read(name: &str, bytes: &[u8]) -> Result<ImportBatch, ImportError> {
        let dir = tempfile::tempdir().unwrap();
        read_customers(&write_file(&dir, name, bytes))
    }

    fn errors_of(batch: &ImportBatch) -> Vec<(usize, &str)> {
        batch
            .errors
            .iter()
            .map(|e| (e.row, e.column.as_str()))
            .collect()
    }

    #[test]
    fn utf8_with_bom_and_every_kind_of_value() {
        let csv = "\u{feff}Code,Name,Country,Nature,Scale,Source,Stage,Credit Limit,Currency,\
                   Tags,Do Not Contact,Last Verified,Domains,Contact Name,Contact Email,\
                   Contact Phone,Contact Language,Product Categories\n\
                   C001,Müller GmbH,Germany,trading company,大型,Canton Fair,深入洽谈,\
                   \"50,000.00\",eur,\"vip; 老客户、europe\",否,2024/3/5,@Mueller.DE,\
                   Hans Müller,Hans@Mueller.DE,+49 30 1234,German,\"LED; 灯具\"\n";
        let batch = read("list.csv", csv.as_bytes()).unwrap();
        assert!(batch.errors.is_empty(), "{:?}", batch.errors);
        assert!(batch.warnings.is_empty(), "{:?}", batch.warnings);
        let (row, r) = &batch.records[0];
        assert_eq!(*row, 2);
        assert_eq!((r.code.as_str(), r.name.as_str()), ("C001", "Müller GmbH"));
        assert_eq!(r.country.as_deref(), Some("DE"));
        assert_eq!(r.nature, Some(Nature::Trading));
        assert_eq!(r.scale, Some(Scale::Large));
        assert_eq!(r.source, Some(SourceChannel::TradeShow));
        assert_eq!(r.stage, Some(Stage::Negotiation));
        assert_eq!(r.credit_limit_minor, Some(5_000_000));
        assert_eq!(r.currency.as_deref(), Some("EUR"));
        assert_eq!(r.tags, ["vip", "老客户", "europe"]);
        assert_eq!(r.do_not_contact, Some(false));
        assert_eq!(r.last_verified.as_deref(), Some("2024-03-05"));
        assert_eq!(r.domains, ["mueller.de"]);
        assert_eq!(r.product_categories, ["LED", "灯具"]);
        assert_eq!(r.contacts.len(), 1);
        let c = &r.contacts[0];
        assert_eq!(c.name, "Hans Müller");
        assert_eq!(c.emails, ["hans@mueller.de"]);
        assert_eq!(c.phones, ["+49 30 1234"]);
        assert_eq!(c.language.as_deref(), Some("de"));
    }

    #[test]
    fn gbk_csv_with_chinese_header() {
        let text = "客户编号,客户名称,国家,客户性质,业务员,联系人,邮箱,信用额度,币种\r\n\
                    1001,深圳华美贸易有限公司,中国,贸易公司,zhangsan,王经理,wang@huamei.cn,\"200,000\",人民币\r\n\
                    1002,Acme Inc.,美国,终端客户,lisi,John,john@acme.com,1000.5,usd\r\n";
        let (bytes, _, unmappable) = encoding_rs::GBK.encode(text);
        assert!(!unmappable);
        assert!(
            std::str::from_utf8(&bytes).is_err(),
            "the test needs non-UTF-8 bytes"
        );
        let batch = read("客户.csv", &bytes).unwrap();
        assert!(batch.errors.is_empty(), "{:?}", batch.errors);
        assert_eq!(batch.records.len(), 2);
        let r = &batch.records[0].1;
        assert_eq!(r.name, "深圳华美贸易有限公司");
        assert_eq!(r.country.as_deref(), Some("CN"));
        assert_eq!(r.nature, Some(Nature::Trading));
        assert_eq!(r.owner.as_deref(), Some("zhangsan"));
        assert_eq!(r.contacts[0].name, "王经理");
        assert_eq!(r.credit_limit_minor, Some(20_000_000));
        assert_eq!(r.currency.as_deref(), Some("CNY"));
        let r2 = &batch.records[1].1;
        assert_eq!(r2.country.as_deref(), Some("US"));
        assert_eq!(r2.credit_limit_minor, Some(100_050));
        assert_eq!(r2.currency.as_deref(), Some("USD"));
    }

    #[test]
    fn utf16_unicode_text_is_read() {
        let text = "code\tname\tcountry\nA1\tAlpha\tFR\n";
        let mut bytes = vec![0xFF, 0xFE];
        for unit in text.encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        let batch = read("list.txt", &bytes).unwrap();
        assert!(batch.errors.is_empty(), "{:?}", batch.errors);
        assert_eq!(batch.records[0].1.country.as_deref(), Some("FR"));
    }

    #[test]
    fn bad_cells_reject_their_row_and_good_rows_import() {
        let csv = "code,name,Country,contact_email,credit_limit,Scale,last_verified\n\
                   A1,Good One,DE,a@one.de,100,large,2024-01-31\n\
                   A2,Bad Country,Narnia,b@two.de,100,small,\n\
                   A3,Bad Email,FR,not-an-email,100,small,\n\
                   A4,Bad Limit,FR,c@three.fr,12.345,medium,\n\
                   A5,Bad Enum,FR,d@four.fr,100,huge,2024-02-30\n\
                   ,No Code,FR,,,,\n\
                   \n\
                   A6,Good Two,Vietnam,e@six.vn,\"1,234.5\",中型,\n";
        let batch = read("list.csv", csv.as_bytes()).unwrap();
        assert_eq!(
            errors_of(&batch),
            [
                (3, "Country"),
                (4, "contact_email"),
                (5, "credit_limit"),
                (6, "Scale"),
                (6, "last_verified"),
                (7, "code"),
            ]
        );
        assert!(
            batch.errors[3].reason.contains("large, medium, small"),
            "{:?}",
            batch.errors[3]
        );
        let codes: Vec<_> = batch
            .records
            .iter()
            .map(|(row, r)| (*row, r.code.as_str()))
            .collect();
        assert_eq!(codes, [(2, "A1"), (9, "A6")]);
        assert_eq!(batch.records[1].1.credit_limit_minor, Some(123_450));
    }

    #[test]
    fn missing_required_column_names_file_and_column() {
        let err = read("list.csv", b"code,company_x\nA1,x\n").unwrap_err();
        match &err {
            ImportError::MissingColumn { path, column } => {
                assert_eq!(column, "name");
                assert!(path.ends_with("list.csv"));
            }
            other => panic!("{other:?}"),
        }
        assert!(err.to_string().contains("客户名称"), "{err}");
    }

    #[test]
    fn empty_and_unknown_format_and_unknown_columns() {
        assert!(matches!(read("e.csv", b""), Err(ImportError::Empty { .. })));
        assert!(matches!(
            read("e.csv", b"code,name\n"),
            Err(ImportError::Empty { .. })
        ));
        assert!(matches!(
            read("e.pdf", b"x"),
            Err(ImportError::UnknownFormat { .. })
        ));
        let missing = read_customers(Path::new("/nonexistent/x.csv")).unwrap_err();
        assert!(matches!(missing, ImportError::Io { .. }));
        let batch = read("u.csv", b"code,name,favourite colour\nA1,Alpha,blue\n").unwrap();
        assert_eq!(batch.records.len(), 1);
        assert_eq!(batch.warnings.len(), 1);
        assert!(
            batch.warnings[0].contains("favourite colour"),
            "{:?}",
            batch.warnings
        );
    }

    #[test]
    fn rows_with_one_code_merge_contacts_and_conflicts_are_errors() {
        let csv = "code,name,country,owner,contact_name,contact_email\n\
                   B1,Beta Ltd,GB,zhang,Ann,ann@beta.co.uk\n\
                   B1,,,,Bob,bob@beta.co.uk\n\
                   B1,Beta Ltd,UK,,Cat,cat@beta.co.uk\n\
                   B1,Beta Ltd,FR,li,Dan,dan@beta.co.uk\n\
                   C1,Gamma,,,,\n\
                   C1,Gamma,ES,,Eve,eve@gamma.es\n\
                   C1,Gamma Two,,,Fay,fay@gamma.es\n\
                   D1,,DE,,Dee,dee@delta.de\n";
        let batch = read("dup.csv", csv.as_bytes()).unwrap();
        assert_eq!(
            errors_of(&batch),
            [(5, "country"), (5, "owner"), (8, "name"), (9, "name")]
        );
        assert!(
            batch.errors[0].reason.contains("conflicts with row 2"),
            "{:?}",
            batch.errors
        );
        assert!(
            batch.errors[2].reason.contains("conflicts with row 6"),
            "{:?}",
            batch.errors
        );
        assert!(
            batch.errors[3].reason.contains("required"),
            "{:?}",
            batch.errors
        );
        assert_eq!(batch.records.len(), 2);
        let (row, b) = &batch.records[0];
        assert_eq!(*row, 2);
        let names: Vec<_> = b.contacts.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            ["Ann", "Bob", "Cat"],
            "an empty name continues the customer"
        );
        assert_eq!(b.country.as_deref(), Some("GB"));
        let c = &batch.records[1].1;
        assert_eq!(
            c.country.as_deref(),
            Some("ES"),
            "a later row fills an empty field"
        );
        assert_eq!(c.contacts.len(), 1);
    }

    #[test]
    fn semicolon_and_tab_delimited_files() {
        let csv = "Code;Name;Credit Limit;Tags\nS1;Sigma, S.A.;1000;a, b\n";
        let batch = read("semi.csv", csv.as_bytes()).unwrap();
        assert!(batch.errors.is_empty(), "{:?}", batch.errors);
        let r = &batch.records[0].1;
        assert_eq!(r.name, "Sigma, S.A.");
        assert_eq!(r.credit_limit_minor, Some(100_000));
        assert_eq!(r.tags, ["a", "b"]);
        let tsv = "code\tname\nT1\tTau, Inc.\n";
        let batch = read("tab.tsv", tsv.as_bytes()).unwrap();
        assert_eq!(batch.records[0].1.name, "Tau, Inc.");
        let hinted = "sep=;\ncode;name\nH1;Eta\nH2;\n";
        let batch = read("hint.csv", hinted.as_bytes()).unwrap();
        assert_eq!(batch.records[0].0, 2);
        assert_eq!(errors_of(&batch), [(3, "name")]);
    }

    #[test]
    fn unquoted_delimiter_shifting_values_is_reported() {
        let csv = "code,name,credit_limit\nA1,Alpha,50,000.00\n";
        let batch = read("shift.csv", csv.as_bytes()).unwrap();
        assert!(batch.records.is_empty());
        assert_eq!(errors_of(&batch), [(2, "column D")]);
    }

    #[test]
    fn multiline_cells_keep_spreadsheet_row_numbers() {
        let csv = "code,name,address\nM1,Mu,\"line 1\nline 2\"\nM2,Nu,x\nM3,,y\n";
        let batch = read("ml.csv", csv.as_bytes()).unwrap();
        assert_eq!(batch.records[1].0, 3);
        assert_eq!(errors_of(&batch), [(4, "name")]);
        assert_eq!(
            batch.records[0].1.address.as_deref(),
            Some("line 1\nline 2")
        );
    }

    #[test]
    fn title_row_above_header_is_skipped() {
        let csv = "客户名单 2024,,\n客户编号,客户名称,国家\nK1,Kappa,日本\n";
        let batch = read("t.csv", csv.as_bytes()).unwrap();
        assert_eq!(batch.records[0].0, 3);
        assert_eq!(batch.records[0].1.country.as_deref(), Some("JP"));
        assert_eq!(batch.warnings.len(), 1, "{:?}", batch.warnings);
    }

    #[test]
    fn value_parsers() {
        assert_eq!(parse_amount("0"), Ok(0));
        assert_eq!(parse_amount("1,234,567.89"), Ok(123_456_789));
        assert_eq!(parse_amount("12.3"), Ok(1230));
        for bad in [
            "", "-5", "1,23", "12,3456", "1.", ".5", "1.234", "abc", "1 000",
        ] {
            assert!(parse_amount(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_date("2024-3-5").as_deref(), Ok("2024-03-05"));
        assert_eq!(parse_date("2024年3月5日").as_deref(), Ok("2024-03-05"));
        assert_eq!(
            parse_date("2024-03-05 00:00:00").as_deref(),
            Ok("2024-03-05")
        );
        assert!(parse_date("05/03/2024").is_err());
        assert!(parse_date("2023-02-29").is_err());
        assert_eq!(parse_bool("是"), Ok(true));
        assert_eq!(parse_bool("NO"), Ok(false));
        assert!(parse_bool("maybe").is_err());
        assert!(parse_email("a b@c.de").is_err());
        assert!(parse_email("a@@c.de").is_err());
        assert!(parse_email("a@localhost").is_err());
        assert_eq!(parse_email("Mailto:A@B.De").as_deref(), Ok("a@b.de"));
        assert!(parse_domain("acme").is_err());
        assert!(parse_currency("US$").is_err());
        assert_eq!(parse_language("pt_br").as_deref(), Ok("pt-BR"));
        assert!(parse_language("Klingonese").is_err());
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(number_text(1001.0), "1001");
        assert_eq!(number_text(12.5), "12.5");
    }

    #[test]
    fn record_from_fields_checks_like_an_import() {
        let fields = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let r = record_from_fields(&fields(&[
            ("code", "X1"),
            ("name", "Old"),
            ("name", "New"),
            ("国家", "德国"),
            ("contact_email", "x@y.de"),
        ]))
        .unwrap();
        assert_eq!(r.name, "New");
        assert_eq!(r.country.as_deref(), Some("DE"));
        assert_eq!(r.contacts[0].emails, ["x@y.de"]);
        let errs = record_from_fields(&fields(&[
            ("code", "X1"),
            ("name", "N"),
            ("country", "Narnia"),
            ("colour", "red"),
        ]))
        .unwrap_err();
        let cols: Vec<_> = errs.iter().map(|e| e.column.as_str()).collect();
        assert_eq!(cols, ["colour", "country"]);
    }

    #[test]
    fn xlsx_with_numbers_dates_and_a_bad_row() {
        use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("客户.xlsx");
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        let date = Format::new().set_num_format("yyyy-mm-dd");
        let header = [
            "客户编号",
            "客户名称",
            "国家",
            "信用额度",
            "最后核实日期",
            "联系人电话",
            "禁止联系",
        ];
        for (c, h) in header.iter().enumerate() {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        sheet.write_number(1, 0, 1001.0).unwrap();
        sheet.write_string(1, 1, "Alpha Trading").unwrap();
        sheet.write_string(1, 2, "Brazil").unwrap();
        sheet.write_number(1, 3, 50000.5).unwrap();
        let d = ExcelDateTime::from_ymd(2024, 3, 5).unwrap();
        sheet.write_datetime_with_format(1, 4, &d, &date).unwrap();
        sheet.write_number(1, 5, 13800138000.0).unwrap();
        sheet.write_boolean(1, 6, true).unwrap();
        sheet.write_number(2, 0, 1002.0).unwrap();
        sheet.write_string(2, 1, "Beta").unwrap();
        sheet.write_string(2, 2, "Atlantis").unwrap();
        sheet.write_string(2, 3, "lots").unwrap();
        workbook.save(&path).unwrap();

        let batch = read_customers(&path).unwrap();
        assert_eq!(errors_of(&batch), [(3, "国家"), (3, "信用额度")]);
        assert_eq!(batch.records.len(), 1);
        let (row, r) = &batch.records[0];
        assert_eq!(*row, 2);
        assert_eq!(r.code, "1001");
        assert_eq!(r.country.as_deref(), Some("BR"));
        assert_eq!(r.credit_limit_minor, Some(5_000_050));
        assert_eq!(r.last_verified.as_deref(), Some("2024-03-05"));
        assert_eq!(r.contacts[0].phones, ["13800138000"]);
        assert_eq!(r.do_not_contact, Some(true));
    }

    #[test]
    fn broken_spreadsheet_is_an_xlsx_error() {
        let err = read("broken.xlsx", b"not a zip").unwrap_err();
        assert!(matches!(err, ImportError::Xlsx { .. }), "{err:?}");
    }
}
