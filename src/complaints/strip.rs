//! What the customer wrote in this message: quoted earlier mail, signatures and
//! disclaimers cut off before scoring (§6 intake), so a thank-you that quotes a
//! complaint is not a complaint.

/// Lines that start a quoted earlier message: everything from there on is cut.
const QUOTE_HEADERS: &[&str] = &[
    "-----original message-----",
    "----- original message -----",
    "-----原始邮件-----",
    "----- 原始邮件 -----",
    "原始邮件",
    "-----邮件原件-----",
    "-------- forwarded message --------",
    "---------- forwarded message ---------",
    "begin forwarded message:",
    "-----ursprüngliche nachricht-----",
    "-----message d'origine-----",
    "-----mensaje original-----",
    "-----mensagem original-----",
    "-----исходное сообщение-----",
];

/// Outlook-style header blocks: a "From:" line followed (within three lines) by one of these.
const FROM_LINES: &[&str] = &[
    "from:",
    "发件人:",
    "发件人：",
    "寄件者:",
    "寄件者：",
    "von:",
    "de:",
    "de :",
    "от:",
    "من:",
];
const HEADER_FOLLOWERS: &[&str] = &[
    "sent:",
    "date:",
    "to:",
    "subject:",
    "发送时间:",
    "发送时间：",
    "时间:",
    "时间：",
    "收件人:",
    "收件人：",
    "主题:",
    "主题：",
    "gesendet:",
    "an:",
    "betreff:",
    "envoyé :",
    "envoyé:",
    "enviado:",
    "enviado el:",
    "para:",
    "asunto:",
    "отправлено:",
    "кому:",
    "тема:",
    "objet :",
    "à :",
];

/// Closings after which only a signature follows (compared with the whole trimmed line).
const CLOSINGS: &[&str] = &[
    "best regards",
    "best regards,",
    "kind regards",
    "kind regards,",
    "regards",
    "regards,",
    "best wishes",
    "best wishes,",
    "br",
    "br,",
    "sincerely",
    "sincerely,",
    "yours sincerely",
    "yours sincerely,",
    "yours faithfully",
    "yours faithfully,",
    "thanks & regards",
    "thanks and regards",
    "thanks and best regards",
    "thanks and best regards,",
    "many thanks",
    "many thanks,",
    "cheers",
    "cheers,",
    "此致",
    "此致敬礼",
    "祝好",
    "祝好！",
    "谢谢！",
    "顺祝商祺",
    "顺祝商祺！",
    "祝商祺",
    "mit freundlichen grüßen",
    "mit freundlichen grüßen,",
    "freundliche grüße",
    "viele grüße",
    "cordialement",
    "cordialement,",
    "bien cordialement",
    "saludos",
    "saludos,",
    "atentamente",
    "atentamente,",
    "atenciosamente",
    "atenciosamente,",
    "с уважением",
    "с уважением,",
    "مع التحية",
    "مع خالص التحية",
];

/// Words that mark a disclaimer paragraph (checked case-insensitively).
const DISCLAIMER_CUES: &[&str] = &[
    "this email and any attachments",
    "this e-mail and any attachments",
    "this message and any attachments",
    "intended solely for",
    "intended only for",
    "confidential and may be privileged",
    "if you are not the intended recipient",
    "please consider the environment before printing",
    "免责声明",
    "本邮件及其附件",
    "本邮件含有保密信息",
    "如果您不是本邮件的收件人",
];

/// The part of `body` the sender wrote: no quoted mail, signature or disclaimer.
pub fn own_text(body: &str) -> String {
    let lines: Vec<&str> = body.lines().collect();
    let mut out: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let t = line.trim();
        let lower = t.to_lowercase();
        if t.starts_with('>') {
            i += 1;
            continue;
        }
        if t == "--" || line == "-- " || t == "——" || t.starts_with("________________") {
            break;
        }
        if is_quote_header(&lower) || is_wrote_line(t, lines.get(i + 1).copied()) {
            break;
        }
        if FROM_LINES.iter().any(|f| lower.starts_with(f)) && header_follows(&lines[i + 1..]) {
            break;
        }
        if !out.is_empty() && CLOSINGS.contains(&lower.trim_end_matches(['.', '!'])) {
            break;
        }
        if DISCLAIMER_CUES.iter().any(|c| lower.contains(c)) {
            // Skip the disclaimer's paragraph.
            while i < lines.len() && !lines[i].trim().is_empty() {
                i += 1;
            }
            continue;
        }
        out.push(line);
        i += 1;
    }
    // A removed disclaimer leaves its blank lines behind: keep at most one in a row.
    let mut text = String::new();
    for line in out.join("\n").trim().split('\n') {
        if line.trim().is_empty() && text.ends_with("\n\n") {
            continue;
        }
        text.push_str(line);
        text.push('\n');
    }
    text.trim().to_string()
}

fn is_quote_header(lower: &str) -> bool {
    let compact: String = lower.chars().filter(|c| !c.is_whitespace()).collect();
    QUOTE_HEADERS.iter().any(|h| {
        let h: String = h.chars().filter(|c| !c.is_whitespace()).collect();
        compact.trim_matches('-') == h.trim_matches('-')
            || (compact.starts_with("---") && compact.contains(h.trim_matches('-')))
    })
}

/// "On Mon, 5 Oct 2026, Anna <a@x> wrote:" (possibly wrapped onto two lines), and its
/// counterparts: "在 2026年10月5日，张三 写道：", "Am … schrieb …:", "Le … a écrit :",
/// "El … escribió:", "Em … escreveu:".
fn is_wrote_line(line: &str, next: Option<&str>) -> bool {
    let lower = line.to_lowercase();
    let ends = |s: &str| {
        let s = s.trim_end();
        s.ends_with("wrote:")
            || s.ends_with("写道：")
            || s.ends_with("写道:")
            || s.ends_with("寫道：")
            || s.ends_with("schrieb:")
            || s.ends_with("a écrit :")
            || s.ends_with("a écrit:")
            || s.ends_with("escribió:")
            || s.ends_with("escreveu:")
            || s.ends_with("написал:")
            || s.ends_with("написал(а):")
    };
    let starts = ["on ", "在", "am ", "le ", "el ", "em ", "於", "于"];
    if !starts.iter().any(|s| lower.starts_with(s)) {
        return false;
    }
    ends(&lower) || next.is_some_and(|n| ends(&n.to_lowercase()) && !ends(&lower))
}

fn header_follows(rest: &[&str]) -> bool {
    rest.iter().take(3).any(|l| {
        let l = l.trim().to_lowercase();
        HEADER_FOLLOWERS.iter().any(|h| l.starts_with(h))
    })
}

#[cfg(test)]
mod tests {
    use super::own_text;

    #[test]
    fn cuts_every_kind_of_quote() {
        let cases = [
            "Thanks!\n\nOn Mon, 5 Oct 2026 at 10:00, Anna <a@x.com> wrote:\n> The goods are damaged.",
            "Thanks!\n\n-----Original Message-----\nFrom: A\nThe goods are damaged.",
            "Thanks!\n\nFrom: Anna Schmidt <a@x.de>\nSent: Monday, 5 October 2026 10:00\nTo: Li Wei\nSubject: damaged\n\nThe goods are damaged.",
            "Thanks!\n\n发件人: 张三 <z@x.cn>\n发送时间: 2026年10月5日 10:00\n收件人: 李伟\n主题: 破损\n\n货物破损",
            "Thanks!\n\n------------------ 原始邮件 ------------------\n货物破损",
            "Thanks!\n\n在 2026年10月5日 10:00，张三 <z@x.cn> 写道：\n货物破损",
            "Thanks!\n\n> The goods are damaged.\n> Very disappointed.",
            "Thanks!\n\nOn Mon, 5 Oct 2026 at 10:00, Anna Schmidt\n<a@x.com> wrote:\nThe goods are damaged.",
        ];
        for c in cases {
            assert_eq!(own_text(c), "Thanks!", "{c}");
        }
    }

    #[test]
    fn cuts_signature_and_disclaimer_but_keeps_the_message() {
        let body = "Dear Li,\n\nThe cartons arrived crushed.\n\nBest regards,\nAnna\nQuality Dept - no damage claims accepted by phone\n";
        assert_eq!(own_text(body), "Dear Li,\n\nThe cartons arrived crushed.");
        let body = "Please send the quote.\n\nThis email and any attachments are confidential. If you received it in error, damage may result.\n\nSee you.";
        assert_eq!(own_text(body), "Please send the quote.\n\nSee you.");
        let body = "请报价。\n\n--\n张三\n质量问题请联系质检部";
        assert_eq!(own_text(body), "请报价。");
    }

    #[test]
    fn a_from_line_in_the_text_is_not_a_header_block() {
        let body = "From: our warehouse we see 20 cartons missing.\nPlease check.";
        assert_eq!(own_text(body), body);
    }
}
