//! Measuring the detector on a labelled CSV (issue 5: quality is measured, not asserted):
//! precision and recall per language and per category. Used by the evaluation test on the
//! shipped set (tests/fixtures/complaints/eval.csv) and by `tradewind tickets evaluate`
//! on any other set (e.g. the shared social-media dev set, read at run time).

use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

use super::detect::Detector;

/// True/false positives and negatives.
#[derive(Debug, Default, Clone, Copy, Serialize, PartialEq)]
pub struct Counts {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
    pub tn: usize,
}

impl Counts {
    /// tp / (tp + fp); 1 when nothing was predicted.
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    /// tp / (tp + fn); 1 when there was nothing to find.
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

/// One misclassified row, to see why.
#[derive(Debug, Clone, Serialize)]
pub struct Miss {
    pub id: String,
    pub lang: String,
    pub want: String,
    pub got: String,
    pub phrases: Vec<String>,
}

/// The measured figures.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Evaluation {
    pub rows: usize,
    pub overall: Counts,
    pub by_language: BTreeMap<String, Counts>,
    /// Per category: a complaint counts as found only with the right category.
    pub by_category: BTreeMap<String, Counts>,
    pub misses: Vec<Miss>,
}

/// A CSV that cannot be evaluated.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("cannot read {path}: {source}")]
    Read { path: String, source: csv::Error },
    #[error("{path}: no column '{column}' (need label and text, or subject and body)")]
    Column { path: String, column: &'static str },
}

/// Scores every row of a labelled CSV. Columns (by header name): `label` ("complaint" or
/// anything else), `text` or `subject` + `body`, and optionally `id`, `lang`/`language`,
/// `category`.
pub fn evaluate_csv(detector: &Detector, path: &Path) -> Result<Evaluation, EvalError> {
    let p = path.display().to_string();
    let read = |source| EvalError::Read {
        path: p.clone(),
        source,
    };
    let mut reader = csv::Reader::from_path(path).map_err(read)?;
    let headers = reader.headers().map_err(read)?.clone();
    let col = |names: &[&str]| headers.iter().position(|h| names.contains(&h.trim()));
    let label = col(&["label"]).ok_or(EvalError::Column {
        path: p.clone(),
        column: "label",
    })?;
    let text = col(&["text"]);
    let (subject, body) = (col(&["subject"]), col(&["body"]));
    if text.is_none() && body.is_none() {
        return Err(EvalError::Column {
            path: p.clone(),
            column: "text",
        });
    }
    let (id, lang, category) = (col(&["id"]), col(&["lang", "language"]), col(&["category"]));
    let mut e = Evaluation::default();
    for (n, record) in reader.records().enumerate() {
        let r = record.map_err(read)?;
        let get = |i: Option<usize>| i.and_then(|i| r.get(i)).unwrap_or("").to_string();
        let verdict = match text {
            Some(t) => detector.score("", r.get(t).unwrap_or("")),
            None => detector.score(&get(subject), &get(body)),
        };
        let truth = get(Some(label)) == "complaint";
        let row_lang = get(lang);
        let row_lang = if row_lang.is_empty() {
            "-".to_string()
        } else {
            row_lang
        };
        let want_cat = get(category);
        let got_cat = verdict
            .category
            .map(|c| c.key().to_string())
            .unwrap_or_default();
        e.rows += 1;
        for c in [
            &mut e.overall,
            e.by_language.entry(row_lang.clone()).or_default(),
        ] {
            match (truth, verdict.is_complaint) {
                (true, true) => c.tp += 1,
                (false, true) => c.fp += 1,
                (true, false) => c.fn_ += 1,
                (false, false) => c.tn += 1,
            }
        }
        if category.is_some() {
            if truth && !want_cat.is_empty() {
                let c = e.by_category.entry(want_cat.clone()).or_default();
                if got_cat == want_cat {
                    c.tp += 1;
                } else {
                    c.fn_ += 1;
                }
            }
            if !got_cat.is_empty() && got_cat != want_cat {
                e.by_category.entry(got_cat.clone()).or_default().fp += 1;
            }
        }
        let wrong =
            truth != verdict.is_complaint || (category.is_some() && truth && got_cat != want_cat);
        if wrong {
            e.misses.push(Miss {
                id: if id.is_some() {
                    get(id)
                } else {
                    format!("row {}", n + 2)
                },
                lang: row_lang,
                want: format!(
                    "{}{}",
                    get(Some(label)),
                    if want_cat.is_empty() {
                        String::new()
                    } else {
                        format!("/{want_cat}")
                    }
                ),
                got: if verdict.is_complaint {
                    format!("complaint/{got_cat}")
                } else {
                    "not_complaint".into()
                },
                phrases: verdict.triggers.iter().map(|t| t.phrase.clone()).collect(),
            });
        }
    }
    Ok(e)
}

/// The figures as a plain-text table.
pub fn render(e: &Evaluation) -> String {
    let mut rows = vec![line("all", "", &e.overall)];
    for (k, c) in &e.by_language {
        rows.push(line("language", k, c));
    }
    for (k, c) in &e.by_category {
        rows.push(line("category", k, c));
    }
    crate::cli::table::render(
        &["by", "key", "precision", "recall", "tp", "fp", "fn", "tn"],
        &rows,
    )
}

fn line(by: &str, key: &str, c: &Counts) -> Vec<String> {
    vec![
        by.to_string(),
        key.to_string(),
        format!("{:.3}", c.precision()),
        format!("{:.3}", c.recall()),
        c.tp.to_string(),
        c.fp.to_string(),
        c.fn_.to_string(),
        c.tn.to_string(),
    ]
}
