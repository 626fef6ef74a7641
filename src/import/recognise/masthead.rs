//! The masthead's recognisers: marking and 编号, the name, 第N期 or 增刊第N期
//! （总第N期）, the issuer and date.

use super::*;

/// `第3期`, `2024年第3期`, `第三期（总第57期）`, `增刊第1期`: (issue
/// digits, rest of the line).
pub(super) fn issue_line(text: &str) -> Option<(&str, &str)> {
    issue_line_series(text).map(|(_, digits, rest)| (digits, rest))
}

/// [`issue_line`] with the series of a supplement before 第 (增刊, 专刊,
/// 生态环保专刊: a short name ending in 刊).
pub(super) fn issue_line_series(text: &str) -> Option<(Option<&str>, &str, &str)> {
    let t = match find_year_prefix(text) {
        Some(rest) => rest,
        None => text,
    };
    let at = t.find('第')?;
    let series = t[..at].trim();
    let series = match series.chars().count() {
        0 => None,
        1..=12 if series.ends_with('刊') && !series.contains(['，', '。', ' ']) => Some(series),
        _ => return None,
    };
    let rest = &t[at + '第'.len_utf8()..];
    let end = rest.find('期')?;
    let digits = &rest[..end];
    numbers::number(digits)?;
    Some((series, digits, &rest[end + '期'.len_utf8()..]))
}

/// The text after a leading `2024年`.
pub(super) fn find_year_prefix(text: &str) -> Option<&str> {
    let year: String = text.chars().take(4).collect();
    if year.chars().count() == 4 && numbers::number(&year).is_some() {
        text[year.len()..].strip_prefix('年')
    } else {
        None
    }
}

/// `（总第57期）`, `总第57期`, `(总第57期)`: the digits and the text around.
pub(super) fn total_in(text: &str) -> Option<(&str, String)> {
    let start = text.find("总第")?;
    let after = &text[start + "总第".len()..];
    let end = after.find('期')?;
    let digits = &after[..end];
    numbers::number(digits)?;
    let mut rest = format!("{}{}", &text[..start], &after[end + '期'.len_utf8()..]);
    for brackets in ["（）", "()", "〔〕", "[]"] {
        rest = rest.replace(brackets, "");
    }
    Some((digits, rest.trim().to_string()))
}

/// A marking as printed: the spaces an extraction puts between digits and
/// Chinese (`秘密★1 年`) dropped, one space between words kept.
pub(super) fn marking_text(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let before = i.checked_sub(1).and_then(|k| chars.get(k)).copied();
            let after = chars.get(i + 1).copied();
            let latin = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
            if latin(before) != latin(after) {
                continue;
            }
        }
        out.push(c);
    }
    out
}

pub(super) fn is_marking(text: &str) -> bool {
    const STARTS: &[&str] = &[
        "内部资料",
        "内部刊物",
        "内部参阅",
        "内部参考",
        "内部交流",
        "注意保存",
        "绝密",
        "机密",
        "秘密",
    ];
    let t = compact(text);
    t.chars().count() <= 24 && STARTS.iter().any(|s| t.starts_with(s))
}

impl Reader<'_> {
    pub(super) fn masthead(&mut self) -> Result<()> {
        // The issue line within the first lines; the name is above it.
        let window = self.lines.len().min(15);
        let issue_at = (0..window).find(|&k| issue_line(&compact(&self.lines[k].text)).is_some());
        let Some(issue_at) = issue_at else {
            let named = self.lines.iter().take(5).any(|l| {
                let t = compact(&l.text);
                NAME_ENDINGS.iter().any(|e| t.ends_with(e))
            });
            let message = if named {
                "报头中没有找到期号：简报名称的下一行应是“第N期”（如“第3期”或“第3期（总第57期）”）"
            } else {
                "没有找到报头：草稿开头应是简报名称（如“××工作简报”），下一行是期号（如“第3期”），再下一行是编印单位和日期。请检查草稿的开头几行"
            };
            return Err(self.error(self.lines.first().map(|l| l.no), message));
        };
        // Above the issue line: markings, a copy number, the name (one or two lines).
        let mut name_lines: Vec<usize> = Vec::new();
        while self.at < issue_at {
            if !(marking(self) || copy_number(self)) {
                name_lines.push(self.at);
                self.at += 1;
            }
        }
        // The line just above the issue line is the name, or its second
        // half when the line above it reads as the first half (a name set
        // over two lines); lines further up are not the masthead's.
        let keep = match name_lines.len() {
            0 | 1 => name_lines.len(),
            n => {
                let upper = compact(&self.lines[name_lines[n - 2]].text);
                let first_half = title_like(&upper)
                    && upper.chars().count() >= 4
                    && !upper.chars().any(|c| c.is_ascii_digit())
                    && !NAME_ENDINGS.iter().any(|e| upper.ends_with(e));
                if first_half {
                    2
                } else {
                    1
                }
            }
        };
        if name_lines.len() > keep {
            let dropped: Vec<usize> = name_lines.drain(..name_lines.len() - keep).collect();
            for k in dropped {
                let l = &self.lines[k];
                let message = format!("报头上方的“{}”不是报头的内容，未导入", l.text);
                self.notice(l.no, message);
            }
        }
        let Some(&first) = name_lines.first() else {
            return Err(self.error(
                Some(self.lines[issue_at].no),
                "期号上方没有简报名称：报头第一行应是简报名称（如“××工作简报”）",
            ));
        };
        let name: String = name_lines
            .iter()
            .map(|&k| compact(&self.lines[k].text).replace(' ', ""))
            .collect();
        let first_no = self.lines[first].no;
        if name_lines.len() > 1 && !self.lines[name_lines[1]].hints.same_paragraph {
            self.notice(first_no, format!("两行合为简报名称“{name}”，请确认"));
        }
        if !NAME_ENDINGS.iter().any(|e| name.ends_with(e)) {
            self.notice(
                first_no,
                format!("“{name}”按简报名称读取（不以“简报”“动态”“通报”等结尾），请确认"),
            );
        }
        self.d.name = Some(name);

        // The issue line, and what follows it on the line.
        let text = compact(&self.lines[issue_at].text);
        let (series, digits, rest) = issue_line_series(&text).unwrap_or_default();
        self.d.supplement = series.map(str::to_string);
        self.d.issue = self.number(digits, "期号");
        let mut rest = rest.trim().to_string();
        if let Some((total, without)) = total_in(&rest) {
            self.d.total_issue = self.number(total, "总期号");
            rest = without;
        }
        if let Some(found) = find_date(&rest) {
            self.d.date = Some(self.date(&rest.clone(), found));
            let issuer = rest[..found.start].trim().to_string();
            if !issuer.is_empty() {
                self.d.issuer = Some(issuer);
            }
        } else if is_marking(&rest) {
            self.d.marking = Some(marking_text(&rest));
        }
        self.at = issue_at + 1;

        while self.at < self.lines.len() {
            if self.d.issuer.is_some() && self.d.date.is_some() {
                // Only markings may follow the issuer and date line.
                if !(marking(self) || copy_number(self)) {
                    break;
                }
                continue;
            }
            if !self.any(MASTHEAD) {
                break;
            }
        }
        if self.d.issuer.is_none() || self.d.date.is_none() {
            let what = match (&self.d.issuer, &self.d.date) {
                (None, None) => "编印单位和日期",
                (None, Some(_)) => "编印单位",
                _ => "日期",
            };
            return Err(Error::Draft {
                line: Some(self.lines[issue_at].no),
                message: format!(
                    "报头缺少{what}：期号的下一行应是编印单位和日期（如“××办公室　2024年5月10日”）"
                ),
            });
        }
        Ok(())
    }
}

/// 内部资料 注意保存, 秘密★1年 (a line of its own).
pub(super) fn marking(r: &mut Reader) -> bool {
    let Some(line) = r.line() else { return false };
    if !is_marking(&line.text) {
        return false;
    }
    let mut text = marking_text(&line.text);
    // 内部资料 注意保存      编号：000123 (the copy number on the marking's
    // line, as printed and as a text extraction of the page gives it).
    let label = ["编号", "份号"]
        .iter()
        .filter_map(|l| text.find(l).map(|at| (at, *l)))
        .min();
    if let Some((at, label)) = label.filter(|&(at, _)| at > 0) {
        let copy = text[at..].to_string();
        if let Some(value) = after_label(&copy, label) {
            take_copy_number(r, value, &copy);
            text = text[..at].trim_end().to_string();
        }
    }
    if r.d.marking.is_none() {
        r.d.marking = Some(text);
    }
    r.at += 1;
    true
}

/// 编号：000123 (the copy number, 份号).
pub(super) fn copy_number(r: &mut Reader) -> bool {
    let Some(text) = r.text(0) else { return false };
    let Some(value) = after_label(&text, "编号").or_else(|| after_label(&text, "份号")) else {
        return false;
    };
    take_copy_number(r, value, &text);
    r.at += 1;
    true
}

/// The copy number written as `value` (in `written`, for the notice when it
/// is not digits).
fn take_copy_number(r: &mut Reader, value: &str, written: &str) {
    let digits = value.replace(' ', "");
    if !digits.is_empty()
        && digits.len() <= crate::model::MAX_COPY_NUMBER_DIGITS
        && digits.chars().all(|c| c.is_ascii_digit())
    {
        r.d.copy_number = Some(digits);
    } else {
        let no = r.no();
        r.notice(no, format!("“{written}”不是数字编号（份号），未导入"));
    }
}

/// （总第57期） on a line of its own.
pub(super) fn total_issue(r: &mut Reader) -> bool {
    let Some(text) = r.text(0) else { return false };
    let Some((digits, rest)) = total_in(&text) else {
        return false;
    };
    if !rest.is_empty() {
        return false;
    }
    r.d.total_issue = r.number(digits, "总期号");
    r.at += 1;
    true
}

/// `某县人民政府办公室　2024年5月10日`, or the date alone.
pub(super) fn issuer_and_date(r: &mut Reader) -> bool {
    let Some(text) = r.text(0) else { return false };
    let Some(found) = find_date(&text) else {
        return false;
    };
    if text[found.end..].starts_with("印发") {
        return false;
    }
    let issuer = clean_issuer(&text[..found.start]);
    let after = text[found.end..].trim().to_string();
    r.d.date = Some(r.date(&text, found));
    if !issuer.is_empty() {
        r.d.issuer = Some(issuer);
    }
    if is_marking(&after) {
        if r.d.marking.is_none() {
            r.d.marking = Some(marking_text(&after));
        }
    } else {
        r.split_after(found.end);
    }
    r.at += 1;
    true
}

/// The issuer on a line of its own (the date on the next line).
pub(super) fn issuer_alone(r: &mut Reader) -> bool {
    let Some(text) = r.text(0) else { return false };
    if r.d.issuer.is_some() || !title_like(&text) || find_date(&text).is_some() {
        return false;
    }
    let date_follows = r.d.date.is_some()
        || r.text(1)
            .is_some_and(|next| find_date(&next).is_some_and(|f| f.start == 0));
    if !date_follows {
        return false;
    }
    r.d.issuer = Some(clean_issuer(&text));
    r.at += 1;
    true
}

/// An issuer without the words around it: `编印单位：`, `主办：`, a final `编印`.
pub(super) fn clean_issuer(text: &str) -> String {
    let mut t = text.trim();
    for label in ["编印单位", "编印", "主办单位", "主办", "编发"] {
        if let Some(rest) = after_label(t, label) {
            t = rest;
        }
    }
    t = t.strip_suffix("编印").unwrap_or(t).trim();
    t.replace(' ', "")
}
