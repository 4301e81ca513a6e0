//! Email templates (minijinja) per purpose and language, with a fallback language.
//!
//! A template is `<templates_dir>/<name>.<lang>.txt`: the first line is `Subject: ...`, then a
//! blank line, then the plain-text body. An optional `<name>.<lang>.html` beside it is the HTML
//! alternative (auto-escaped); without one, the HTML is the text in paragraphs. Variables are
//! strict: an undefined one is an error, and every error names the file and line.
//! Languages are tried in order: the contact's (`zh-CN`, then `zh`), the configured default,
//! then `en`.

use minijinja::{Environment, UndefinedBehavior};
use std::path::{Path, PathBuf};

/// Why a template could not be found or rendered; always names the file.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    /// No file for this name in any of the languages tried.
    #[error(
        "no template '{name}' in {dir} for languages {tried:?} (expected {dir}/{name}.<lang>.txt)"
    )]
    Missing {
        name: String,
        dir: String,
        tried: Vec<String>,
    },
    #[error("cannot read template {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The file does not start with a `Subject:` line followed by a blank line.
    #[error("{path}:1: a template starts with 'Subject: ...' and a blank line")]
    Layout { path: PathBuf },
    /// minijinja refused the template (syntax) or the render (undefined variable...).
    #[error("{path}:{line}: {message}")]
    Render {
        path: PathBuf,
        line: usize,
        message: String,
    },
}

/// A rendered email, ready for [`super::compose`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The language whose template was used.
    pub language: String,
    /// The file(s) rendered, for the record.
    pub template: String,
}

/// The languages to try for `wanted`: itself, its primary subtag, `default`, `en`.
pub fn languages(wanted: Option<&str>, default: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |l: &str| {
        let l = l.trim().to_ascii_lowercase().replace('_', "-");
        if !l.is_empty() && !out.contains(&l) {
            out.push(l);
        }
    };
    if let Some(w) = wanted {
        push(w);
        if let Some((primary, _)) = w.split_once(['-', '_']) {
            push(primary);
        }
    }
    push(default);
    push("en");
    out
}

/// Renders template `name` from `dir` in the first available of `langs` with `vars`.
pub fn render(
    dir: &Path,
    name: &str,
    langs: &[String],
    vars: &serde_json::Value,
) -> Result<Rendered, TemplateError> {
    let found = langs
        .iter()
        .map(|l| (l, dir.join(format!("{name}.{l}.txt"))))
        .find(|(_, p)| p.is_file());
    let Some((lang, text_path)) = found else {
        return Err(TemplateError::Missing {
            name: name.into(),
            dir: dir.display().to_string(),
            tried: langs.to_vec(),
        });
    };
    let source = read(&text_path)?;
    let (subject_src, body_src) = split_subject(&source).ok_or(TemplateError::Layout {
        path: text_path.clone(),
    })?;
    let subject = render_str(&text_path, subject_src, vars)?;
    // Pad with the lines the subject took, so body errors carry the file's own line numbers.
    let padded = format!("\n\n{body_src}");
    let text = render_str(&text_path, &padded, vars)?
        .trim_start_matches(['\r', '\n'])
        .to_string();
    let html_path = dir.join(format!("{name}.{lang}.html"));
    let (html, template) = if html_path.is_file() {
        let html = render_str(&html_path, &read(&html_path)?, vars)?;
        (
            html,
            format!("{} + {}", text_path.display(), html_path.display()),
        )
    } else {
        (text_to_html(&text), text_path.display().to_string())
    };
    Ok(Rendered {
        subject: subject.trim().to_string(),
        text,
        html,
        language: lang.clone(),
        template,
    })
}

fn read(path: &Path) -> Result<String, TemplateError> {
    std::fs::read_to_string(path).map_err(|source| TemplateError::Read {
        path: path.to_path_buf(),
        source,
    })
}

/// `Subject: X\n\nbody` → (`X`, `body`).
fn split_subject(source: &str) -> Option<(&str, &str)> {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let (first, rest) = source.split_once('\n')?;
    let subject = first
        .trim_end_matches('\r')
        .strip_prefix("Subject:")
        .map(str::trim_start)?;
    let rest = rest
        .strip_prefix("\r\n")
        .or_else(|| rest.strip_prefix('\n'))?;
    Some((subject, rest))
}

fn render_str(
    path: &Path,
    source: &str,
    vars: &serde_json::Value,
) -> Result<String, TemplateError> {
    let name = path.display().to_string();
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_keep_trailing_newline(true);
    let fail = |e: minijinja::Error| TemplateError::Render {
        path: path.to_path_buf(),
        line: e.line().unwrap_or(1),
        message: match e.detail() {
            Some(d) => format!("{}: {d}", e.kind()),
            None => e.kind().to_string(),
        },
    };
    env.add_template(&name, source).map_err(fail)?;
    let template = env.get_template(&name).map_err(fail)?;
    template
        .render(minijinja::Value::from_serialize(vars))
        .map_err(fail)
}

/// Plain text as simple HTML: escaped, paragraphs on blank lines, line breaks kept.
pub fn text_to_html(text: &str) -> String {
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let paragraphs: Vec<String> = text
        .replace("\r\n", "\n")
        .split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .map(|p| format!("<p>{}</p>", escape(p.trim_end()).replace('\n', "<br>\n")))
        .collect();
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head><body>\n{}\n</body></html>\n",
        paragraphs.join("\n")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        dir
    }

    #[test]
    fn falls_back_from_region_to_language_to_default() {
        assert_eq!(languages(Some("zh-CN"), "en"), ["zh-cn", "zh", "en"]);
        assert_eq!(languages(None, "de"), ["de", "en"]);
        let d = dir_with(&[
            (
                "followup.en.txt",
                "Subject: Hello {{ contact.name }}\n\nDear {{ contact.name }},\nhow are you?\n",
            ),
            (
                "followup.zh.txt",
                "Subject: 您好 {{ contact.name }}\n\n{{ contact.name }} 您好：\n",
            ),
        ]);
        let vars = json!({"contact": {"name": "王芳"}});
        let zh = render(d.path(), "followup", &languages(Some("zh-CN"), "en"), &vars).unwrap();
        assert_eq!(zh.subject, "您好 王芳");
        assert_eq!(zh.language, "zh");
        assert!(zh.text.starts_with("王芳 您好："), "{:?}", zh.text);
        let es = render(d.path(), "followup", &languages(Some("es"), "en"), &vars).unwrap();
        assert_eq!(es.language, "en");
        assert!(
            es.html.contains("<p>Dear 王芳,<br>\nhow are you?</p>"),
            "{}",
            es.html
        );
    }

    #[test]
    fn errors_name_the_file_and_line() {
        let d = dir_with(&[(
            "greeting.en.txt",
            "Subject: Hi\n\nline three\nline four {{ customer.nmae }}\n",
        )]);
        let vars = json!({"customer": {"name": "Hansa"}});
        let e = render(d.path(), "greeting", &languages(None, "en"), &vars).unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("greeting.en.txt:4:"), "{msg}");
        let d = dir_with(&[("bad.en.txt", "Subject: {{ oops\n\nbody\n")]);
        let e = render(d.path(), "bad", &languages(None, "en"), &vars).unwrap_err();
        assert!(e.to_string().contains("bad.en.txt:1:"), "{e}");
        let e = render(d.path(), "none", &languages(Some("fr"), "en"), &vars).unwrap_err();
        assert!(e.to_string().contains("none.<lang>.txt"), "{e}");
    }

    #[test]
    fn html_template_is_escaped() {
        let d = dir_with(&[
            ("t.en.txt", "Subject: x\n\n{{ customer.name }}\n"),
            ("t.en.html", "<p>{{ customer.name }}</p>\n"),
        ]);
        let vars = json!({"customer": {"name": "A & <B>"}});
        let r = render(d.path(), "t", &languages(None, "en"), &vars).unwrap();
        assert_eq!(r.html, "<p>A &amp; &lt;B&gt;</p>\n");
        assert_eq!(r.text, "A & <B>\n");
    }
}
