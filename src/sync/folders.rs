//! Which folders of a mailbox are synced: LIST, special-use flags (RFC 6154), then names.
//!
//! Synced by default: Inbox, Sent, Archive and the user's own folders (客户/美国...) — that is
//! where customer correspondence lives (§2, §4). Skipped by default: Junk, Trash, Drafts and
//! virtual views such as \Flagged. When the server has Gmail's \All (All Mail), it is synced
//! instead of the labels, each of which would be another copy of the same mail. Per mailbox,
//! `include`/`exclude` patterns in the config override the defaults (exclude wins).

use crate::source::imap::FolderInfo;

use super::utf7;

/// What a folder is for, from its special-use attribute or, failing that, its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FolderRole {
    Inbox,
    Sent,
    Archive,
    /// Gmail's All Mail.
    All,
    Drafts,
    Junk,
    Trash,
    /// A virtual view of flagged mail.
    Flagged,
    /// A folder the user made.
    Other,
}

impl FolderRole {
    /// True for the roles synced without an `include` pattern.
    pub fn synced_by_default(self) -> bool {
        matches!(
            self,
            FolderRole::Inbox
                | FolderRole::Sent
                | FolderRole::Archive
                | FolderRole::All
                | FolderRole::Other
        )
    }
}

/// A folder selected for sync.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folder {
    /// The raw wire name (modified UTF-7), used for EXAMINE and as the sync-state key.
    pub raw: String,
    /// The decoded Unicode name, stored in `message_locations.folder`.
    pub name: String,
    pub role: FolderRole,
}

/// Localised names of special folders, for servers without special-use attributes (Tencent
/// Exmail, NetEase and older Exchange send none). Compared with the last path component,
/// ASCII case ignored.
const NAMES: &[(FolderRole, &[&str])] = &[
    (
        FolderRole::Sent,
        &[
            "sent",
            "sent items",
            "sent messages",
            "sent mail",
            "已发送",
            "已发送邮件",
            "已发邮件",
            "寄件備份",
        ],
    ),
    (
        FolderRole::Drafts,
        &["drafts", "draft", "草稿箱", "草稿", "草稿夹"],
    ),
    (
        FolderRole::Junk,
        &[
            "junk",
            "spam",
            "junk e-mail",
            "junk email",
            "bulk mail",
            "垃圾邮件",
            "垃圾箱",
            "垃圾郵件",
        ],
    ),
    (
        FolderRole::Trash,
        &[
            "trash",
            "deleted items",
            "deleted messages",
            "bin",
            "已删除",
            "已删除邮件",
            "废件箱",
            "垃圾桶",
        ],
    ),
    (
        FolderRole::Archive,
        &["archive", "archives", "归档", "存档"],
    ),
];

/// The role of a listed folder; `None` for one that cannot be opened (\Noselect).
pub fn role_of(info: &FolderInfo) -> Option<FolderRole> {
    if info.has_attribute("\\Noselect") || info.has_attribute("\\NonExistent") {
        return None;
    }
    if info.name.eq_ignore_ascii_case("INBOX") {
        return Some(FolderRole::Inbox);
    }
    let by_attribute = [
        ("\\All", FolderRole::All),
        ("\\Sent", FolderRole::Sent),
        ("\\Archive", FolderRole::Archive),
        ("\\Drafts", FolderRole::Drafts),
        ("\\Junk", FolderRole::Junk),
        ("\\Trash", FolderRole::Trash),
        ("\\Flagged", FolderRole::Flagged),
    ];
    if let Some((_, role)) = by_attribute.iter().find(|(a, _)| info.has_attribute(a)) {
        return Some(*role);
    }
    let name = utf7::decode_lossy(&info.name);
    let leaf = match info.delimiter.as_deref().filter(|d| !d.is_empty()) {
        Some(d) => name.rsplit(d).next().unwrap_or(&name),
        None => name.as_str(),
    }
    .to_lowercase();
    let role = NAMES
        .iter()
        .find(|(_, names)| names.contains(&leaf.as_str()))
        .map_or(FolderRole::Other, |(role, _)| *role);
    Some(role)
}

/// True when `pattern` (with `*` matching any run of characters) matches `name`; ASCII case
/// is ignored so "inbox" matches "INBOX".
pub fn matches_pattern(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    let n: Vec<char> = name.to_lowercase().chars().collect();
    // Iterative glob with backtracking to the last '*'.
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() && p[pi] != '*' && p[pi] == n[ni] {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ni));
            pi += 1;
        } else if let Some((sp, sn)) = star {
            pi = sp + 1;
            ni = sn + 1;
            star = Some((sp, sn + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// Chooses the folders to sync from a LIST answer, INBOX first, then by name.
pub fn select(listed: &[FolderInfo], include: &[String], exclude: &[String]) -> Vec<Folder> {
    let classified: Vec<Folder> = listed
        .iter()
        .filter_map(|info| {
            Some(Folder {
                raw: info.name.clone(),
                name: utf7::decode_lossy(&info.name),
                role: role_of(info)?,
            })
        })
        .collect();
    let has_all = classified.iter().any(|f| f.role == FolderRole::All);
    let mut chosen: Vec<Folder> = classified
        .into_iter()
        .filter(|f| {
            let any = |patterns: &[String]| patterns.iter().any(|p| matches_pattern(p, &f.name));
            if any(exclude) {
                return false;
            }
            if any(include) {
                return true;
            }
            if has_all {
                // Gmail: Inbox and user folders are labels, views of All Mail. Sent is kept
                // so sent mail has its own location.
                return matches!(f.role, FolderRole::All | FolderRole::Sent);
            }
            f.role.synced_by_default()
        })
        .collect();
    chosen.sort_by(|a, b| {
        (a.role != FolderRole::Inbox, &a.name).cmp(&(b.role != FolderRole::Inbox, &b.name))
    });
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(name: &str, attrs: &[&str]) -> FolderInfo {
        FolderInfo {
            name: name.into(),
            delimiter: Some("/".into()),
            attributes: attrs.iter().map(|a| a.to_string()).collect(),
        }
    }

    fn names(folders: &[Folder]) -> Vec<&str> {
        folders.iter().map(|f| f.name.as_str()).collect()
    }

    fn dovecot_like() -> Vec<FolderInfo> {
        vec![
            info("Archive", &["\\HasNoChildren", "\\Archive"]),
            info("Drafts", &["\\HasNoChildren", "\\Drafts"]),
            info("INBOX", &["\\HasNoChildren"]),
            info("Junk", &["\\HasNoChildren", "\\Junk"]),
            info("Sent", &["\\HasNoChildren", "\\Sent"]),
            info("Trash", &["\\HasNoChildren", "\\Trash"]),
            info(&utf7::encode("客户"), &["\\HasChildren"]),
            info(&utf7::encode("客户/美国"), &["\\HasNoChildren"]),
        ]
    }

    #[test]
    fn defaults_sync_inbox_sent_archive_and_user_folders() {
        let chosen = select(&dovecot_like(), &[], &[]);
        assert_eq!(
            names(&chosen),
            ["INBOX", "Archive", "Sent", "客户", "客户/美国"]
        );
        assert_eq!(chosen[4].raw, "&W6JiNw-/&f45W,Q-");
    }

    #[test]
    fn include_and_exclude_patterns() {
        let chosen = select(&dovecot_like(), &["junk".into()], &["客户/*".into()]);
        assert_eq!(names(&chosen), ["INBOX", "Archive", "Junk", "Sent", "客户"]);
        // Exclusion wins over inclusion.
        let chosen = select(&dovecot_like(), &["Sent".into()], &["S*".into()]);
        assert!(!names(&chosen).contains(&"Sent"));
    }

    #[test]
    fn chinese_names_without_special_use() {
        let listed = vec![
            info("INBOX", &[]),
            info(&utf7::encode("已发送"), &[]),
            info(&utf7::encode("草稿箱"), &[]),
            info(&utf7::encode("垃圾邮件"), &[]),
            info(&utf7::encode("已删除"), &[]),
            info(&utf7::encode("报价单"), &[]),
            info("[Folders]", &["\\Noselect"]),
        ];
        let chosen = select(&listed, &[], &[]);
        assert_eq!(names(&chosen), ["INBOX", "已发送", "报价单"]);
        assert_eq!(chosen[1].role, FolderRole::Sent);
    }

    #[test]
    fn gmail_all_mail_replaces_labels() {
        let listed = vec![
            info("INBOX", &["\\HasNoChildren"]),
            info("[Gmail]", &["\\HasChildren", "\\Noselect"]),
            info("[Gmail]/All Mail", &["\\All", "\\HasNoChildren"]),
            info("[Gmail]/Sent Mail", &["\\Sent", "\\HasNoChildren"]),
            info("[Gmail]/Spam", &["\\Junk", "\\HasNoChildren"]),
            info("[Gmail]/Starred", &["\\Flagged", "\\HasNoChildren"]),
            info("Customers/ACME", &["\\HasNoChildren"]),
        ];
        let chosen = select(&listed, &[], &[]);
        assert_eq!(names(&chosen), ["[Gmail]/All Mail", "[Gmail]/Sent Mail"]);
    }

    #[test]
    fn glob() {
        assert!(matches_pattern("*", "anything"));
        assert!(matches_pattern("客户/*", "客户/美国"));
        assert!(!matches_pattern("客户/*", "客户"));
        assert!(matches_pattern("a*b*c", "axxbyyc"));
        assert!(!matches_pattern("a*b*c", "axxbyy"));
        assert!(matches_pattern("INBOX", "inbox"));
    }
}
