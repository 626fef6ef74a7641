//! The 版记's recognisers: 报/送/发/本期增发 lists, 联系人, the 印发 line with
//! （共印N份）, the 文号.

use super::*;

impl Reader<'_> {
    pub(super) fn footer(&mut self) {
        while self.at < self.lines.len() {
            if self.any(FOOTER) {
                continue;
            }
            // A short line before an 印发 line without its issuer is that
            // issuer (an extraction may put lines of the 版记 out of order).
            let text = compact(&self.lines[self.at].text);
            if self.d.imprint_date.is_none() && self.d.pending_issuer.is_none() && title_like(&text)
            {
                self.d.pending_issuer = Some((self.lines[self.at].no, text));
                self.at += 1;
                continue;
            }
            let l = &self.lines[self.at];
            let message = format!("“{}”不是版记的内容，未导入", l.text);
            let no = l.no;
            self.notice(no, message);
            self.at += 1;
        }
        if let Some((no, text)) = self.d.pending_issuer.take() {
            self.notice(no, format!("“{text}”不是版记的内容，未导入"));
        }
    }
}

/// Names of a distribution list, split at `，`.
pub(super) fn names(text: &str) -> Vec<String> {
    text.split(['，', ',', '；', ';'])
        .map(|n| n.trim().trim_end_matches('。').trim().replace(' ', ""))
        .filter(|n| !n.is_empty())
        .collect()
}

pub(super) fn list_mut(d: &mut Distribution, list: List) -> &mut Vec<String> {
    match list {
        List::Report => &mut d.report_to,
        List::Send => &mut d.send_to,
        List::Issue => &mut d.issue_to,
        List::Extra => &mut d.extra_to,
    }
}

/// 联系人：张三　电话：0737-1234567 (in the 版记, or ending the body).
pub(super) fn contact(r: &mut Reader) -> bool {
    let Some(text) = r.text(0) else { return false };
    if !is_contact(&text) {
        return false;
    }
    // As written, each run of spaces one full-width space (联系人：张三　电话：…).
    let raw = r.line().map(|l| l.text.clone()).unwrap_or_default();
    let words: Vec<&str> = raw
        .trim()
        .trim_start_matches(['（', '('])
        .trim_end_matches(['）', ')'])
        .split(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect();
    r.d.contact = Some(words.join("\u{3000}"));
    r.d.open_list = None;
    r.at += 1;
    true
}

/// 报：…，…  送：…  发：…
pub(super) fn distribution(r: &mut Reader) -> bool {
    let Some(text) = r.text(0) else { return false };
    let Some((list, rest)) = list_label(&text) else {
        return false;
    };
    let names = names(rest);
    list_mut(&mut r.d.distribution, list).extend(names);
    let open = rest.is_empty() || rest.ends_with(['，', '、', ',']);
    r.d.open_list = open.then_some(list);
    r.at += 1;
    true
}

/// A line that continues a list whose line ended with a comma (a list typed
/// over several lines).
pub(super) fn list_continuation(r: &mut Reader) -> bool {
    let Some(text) = r.text(0) else { return false };
    let Some(list) = r.d.open_list else {
        return false;
    };
    if find_date(&text).is_some() || text.contains(['：', ':']) {
        return false;
    }
    let names = names(&text);
    list_mut(&mut r.d.distribution, list).extend(names);
    r.d.open_list = text.ends_with(['，', '、', ',']).then_some(list);
    r.at += 1;
    true
}

/// `某县人民政府办公室　2024年6月1日印发（共印40份）`
pub(super) fn imprint(r: &mut Reader) -> bool {
    let Some(text) = r.text(0) else { return false };
    let (text, copies) = match take_copies(&text) {
        Some((n, rest)) => (rest, Some(n)),
        None => (text, None),
    };
    let Some(found) = find_date(&text) else {
        return false;
    };
    if !text[found.end..].starts_with("印发") {
        return false;
    }
    let issuer = clean_issuer(&text[..found.start]);
    if !issuer.is_empty() {
        r.d.imprint_issuer = Some(issuer);
    } else if let Some((_, pending)) = r.d.pending_issuer.take() {
        r.d.imprint_issuer = Some(clean_issuer(&pending));
    }
    r.d.imprint_date = Some(r.date(&text, found));
    if copies.is_some() {
        r.d.copies = copies;
    }
    r.d.open_list = None;
    r.at += 1;
    true
}

/// The 印发 line's issuer on a line of its own, the date and 印发 below.
pub(super) fn imprint_issuer(r: &mut Reader) -> bool {
    let Some(text) = r.text(0) else { return false };
    let date_below = r
        .text(1)
        .is_some_and(|next| is_imprint(&next) && find_date(&next).is_some_and(|f| f.start == 0));
    if !date_below || !title_like(&text) {
        return false;
    }
    r.d.imprint_issuer = Some(clean_issuer(&text));
    r.at += 1;
    true
}

/// （共印40份） on a line of its own.
pub(super) fn copies(r: &mut Reader) -> bool {
    let Some(text) = r.text(0) else { return false };
    match take_copies(&text) {
        Some((n, rest)) if rest.is_empty() => {
            r.d.copies = Some(n);
            r.at += 1;
            true
        }
        _ => false,
    }
}

/// Whether a line is a 文号: `益简字【2022】42号`, `某办〔2024〕3号`,
/// `某办简〔2024〕增1号` (a supplement's, with its kind before the serial).
pub(super) fn is_document_number(text: &str) -> bool {
    let Some(body) = text.strip_suffix('号') else {
        return false;
    };
    let n = text.chars().count();
    if !(5..=40).contains(&n) {
        return false;
    }
    let serial = body.trim_end_matches(|c: char| c.is_ascii_digit());
    if serial.len() == body.len() {
        return false;
    }
    // At most two characters of a kind (增, 专) between bracket and serial.
    let kind = serial
        .chars()
        .rev()
        .take_while(|c| !"〕】]）)".contains(*c))
        .count();
    if kind > 2 {
        return false;
    }
    let serial = {
        let mut s = serial.to_string();
        for _ in 0..kind {
            s.pop();
        }
        s
    };
    let Some(year_part) = serial.strip_suffix(['〕', '】', ']', '）', ')']) else {
        return false;
    };
    let year: String = year_part.chars().rev().take(4).collect();
    year.chars().all(|c| c.is_ascii_digit())
        && year_part
            .chars()
            .rev()
            .nth(4)
            .is_some_and(|c| "〔【[（(".contains(c))
}

/// 益简字【2022】42号
pub(super) fn document_number(r: &mut Reader) -> bool {
    let Some(text) = r.text(0) else { return false };
    // A text extraction puts spaces around digits: 〔2024〕增 1 号.
    let text = marking_text(&text);
    if !is_document_number(&text) {
        return false;
    }
    r.d.document_number = Some(text);
    r.d.open_list = None;
    r.at += 1;
    true
}
