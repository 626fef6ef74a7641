//! Text of issued copies for full-text search: sentences out of a bulletin,
//! and the bigram tokens the search index is built from.
//!
//! Chinese has no spaces between words, and most words are two characters
//! (湿地, 督察). Every run of CJK (or other non-ASCII letters) is indexed as its
//! overlapping bigrams plus its last character alone, so that every character
//! position starts a token: a query of two or more characters becomes a set
//! of bigrams, a query of one character a prefix. Runs of ASCII letters and
//! digits are indexed as whole lower-case words. The index only finds
//! candidates; a sentence matches when it contains every query term, which
//! [`matches`] checks exactly.

use crate::model::{Block, Bulletin, Part};

/// A sentence of an issue, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    /// The title of the article or section it belongs to (without 【】).
    pub block: String,
    /// Whether it is a title or heading rather than running text.
    pub is_title: bool,
    /// The sentence as written.
    pub text: String,
}

/// Fold full-width ASCII letters and digits to ASCII and lower-case letters,
/// so that `ＰＭ２.５` and `pm2.5` are the same to search.
pub fn normalize(s: &str) -> String {
    s.chars()
        .map(|c| {
            let c = match c as u32 {
                0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                0x3000 => ' ',
                _ => c,
            };
            c.to_lowercase().next().unwrap_or(c)
        })
        .collect()
}

/// Whether a character is part of a word to index (not punctuation or space).
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// The runs of word characters of already normalized text, each marked
/// ASCII (a word) or not (a CJK run).
fn runs(text: &str) -> Vec<(bool, Vec<char>)> {
    let mut out: Vec<(bool, Vec<char>)> = Vec::new();
    for c in text.chars() {
        if !is_word_char(c) {
            if out.last().is_some_and(|r| !r.1.is_empty()) {
                out.push((false, Vec::new()));
            }
            continue;
        }
        let ascii = c.is_ascii();
        match out.last_mut() {
            Some((a, r)) if r.is_empty() => {
                *a = ascii;
                r.push(c);
            }
            Some((a, r)) if *a == ascii => r.push(c),
            _ => out.push((ascii, vec![c])),
        }
    }
    out.retain(|r| !r.1.is_empty());
    out
}

/// The index tokens of a text, separated by spaces.
pub fn index_tokens(text: &str) -> String {
    let mut tokens: Vec<String> = Vec::new();
    for (ascii, run) in runs(&normalize(text)) {
        if ascii {
            tokens.push(run.iter().collect());
        } else {
            for w in run.windows(2) {
                tokens.push(w.iter().collect());
            }
            if let Some(last) = run.last() {
                tokens.push(last.to_string());
            }
        }
    }
    tokens.join(" ")
}

/// The query terms: the query split at white space, normalized, without
/// terms that have no letter or digit.
pub fn query_terms(query: &str) -> Vec<String> {
    normalize(query)
        .split_whitespace()
        .filter(|t| t.chars().any(is_word_char))
        .map(str::to_string)
        .collect()
}

/// An FTS5 MATCH expression that finds every sentence containing all `terms`
/// (and possibly some that do not: check with [`matches`]); `None` when
/// there is nothing to search for.
pub fn fts_query(terms: &[String]) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    for term in terms {
        for (ascii, run) in runs(term) {
            if ascii {
                // A term may begin or end inside a word of the text.
                parts.push(format!("\"{}\"*", run.iter().collect::<String>()));
            } else if run.len() == 1 {
                parts.push(format!("\"{}\"*", run[0]));
            } else {
                // The bigrams one after the other: a phrase.
                let bigrams: Vec<String> = run.windows(2).map(|w| w.iter().collect()).collect();
                parts.push(format!("\"{}\"", bigrams.join(" ")));
            }
        }
    }
    parts.sort();
    parts.dedup();
    (!parts.is_empty()).then(|| parts.join(" AND "))
}

/// Whether the FTS5 query of `terms` ([`fts_query`]) finds exactly the
/// sentences that contain every term ([`matches`]): when each term is one
/// run of non-ASCII letters or digits (湿地, 候鸟, 督察): its bigrams as a
/// phrase, or its one character as a prefix, occur exactly where it does,
/// since every position of a run starts a token. Terms with ASCII or
/// punctuation are only candidates.
pub fn exact(terms: &[String]) -> bool {
    !terms.is_empty()
        && terms
            .iter()
            .all(|t| t.chars().all(|c| is_word_char(c) && !c.is_ascii()))
}

/// Whether `sentence` contains every term (terms as [`query_terms`] gives them).
pub fn matches(sentence: &str, terms: &[String]) -> bool {
    let s = normalize(sentence);
    !terms.is_empty() && terms.iter().all(|t| s.contains(t.as_str()))
}

/// Split a paragraph into sentences: after 。！？!? and the closing quotes
/// or brackets that follow them.
pub fn split_sentences(paragraph: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut ended = false;
    for c in paragraph.chars() {
        if ended && !matches!(c, '”' | '’' | '」' | '』' | '）' | ')' | '"' | '\'') {
            let s = cur.trim();
            if !s.is_empty() {
                out.push(s.to_string());
            }
            cur.clear();
            ended = false;
        }
        cur.push(c);
        if matches!(c, '。' | '！' | '？' | '!' | '?') {
            ended = true;
        }
    }
    let s = cur.trim();
    if !s.is_empty() {
        out.push(s.to_string());
    }
    out
}

/// Every title and sentence of a bulletin's 编者按 and body, in reading
/// order (the bulletin's texts, [`Bulletin::texts`]): titles and headings
/// whole, paragraphs and notes split into sentences, a lead joined to its
/// item's first paragraph as printed.
pub fn sentences(b: &Bulletin) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut push = |block: &str, is_title: bool, text: &str| {
        if is_title {
            out.push(Sentence {
                block: block.to_string(),
                is_title,
                text: text.to_string(),
            });
        } else {
            for s in split_sentences(text) {
                out.push(Sentence {
                    block: block.to_string(),
                    is_title,
                    text: s,
                });
            }
        }
    };
    let mut lead: Option<&str> = None;
    for t in b.texts() {
        // The notes are found too, under their own name and their article's.
        let block = match t.block {
            Some(i) => b.body.get(i).map_or("", Block::title),
            None => "编者按",
        };
        match t.part {
            Part::EditorNote | Part::Note => push(block, false, t.text),
            Part::Title | Part::Heading => push(block, true, t.text),
            Part::Lead => {
                lead = Some(t.text);
                continue;
            }
            Part::Paragraph => match lead.take() {
                Some(l) => push(block, false, &format!("{l}：{}", t.text)),
                None => push(block, false, t.text),
            },
            _ => {}
        }
        lead = None;
    }
    out
}

/// The title of the first article, else of the first block.
pub fn first_title(b: &Bulletin) -> String {
    b.body
        .iter()
        .find_map(|blk| match blk {
            Block::Article(a) => Some(a.title.clone()),
            Block::Section(_) => None,
        })
        .or_else(|| b.body.first().map(Block::display_title))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_runs_become_bigrams_and_a_final_unigram() {
        assert_eq!(index_tokens("湿地保护"), "湿地 地保 保护 护");
        assert_eq!(index_tokens("督察，整改。"), "督察 察 整改 改");
        assert_eq!(index_tokens("湿"), "湿");
    }

    #[test]
    fn ascii_words_are_whole_and_lower_case() {
        assert_eq!(index_tokens("2024年PM2.5"), "2024 年 pm2 5");
        assert_eq!(index_tokens("ＰＭ２．５"), "pm2 5");
    }

    #[test]
    fn two_character_words_are_found() {
        let text = "系统解决南洞庭湖湿地的生态环境问题；扎实推动督察反馈问题整改。";
        let tokens = index_tokens(text);
        let q = fts_query(&query_terms("湿地")).unwrap();
        assert_eq!(q, "\"湿地\"");
        assert!(tokens.split(' ').any(|t| t == "湿地"));
        assert!(tokens.split(' ').any(|t| t == "督察"));
        assert!(matches(text, &query_terms("湿地")));
        assert!(matches(text, &query_terms("督察 整改")));
        assert!(!matches(text, &query_terms("督查")));
    }

    #[test]
    fn longer_and_single_character_queries() {
        // The bigrams as one phrase: they must follow each other, so that
        // the index finds exactly the sentences that hold the word.
        assert_eq!(
            fts_query(&query_terms("生态环境")).unwrap(),
            "\"生态 态环 环境\""
        );
        assert!(exact(&query_terms("生态环境 湿")));
        assert!(!exact(&query_terms("PM2.5")));
        assert!(!exact(&query_terms("湿地，保护")));
        assert_eq!(fts_query(&query_terms("湿")).unwrap(), "\"湿\"*");
        assert_eq!(fts_query(&query_terms("，。")), None);
        assert!(query_terms(" ，  ").is_empty());
    }

    #[test]
    fn sentences_are_the_notes_and_body_with_leads_joined() {
        let json = r#"{
          "masthead": { "name": "简报", "issue": 3, "issuer": "办", "date": "2024-06-01" },
          "editor_note": "按一。按二。",
          "body": [
            { "type": "article", "title": "题", "note": "注。", "paragraphs": ["文一。文二！"] },
            { "type": "section", "title": "栏", "items": [
              { "lead": "局", "paragraphs": ["乙。", "丁。"] }, { "heading": "县", "paragraphs": ["丙。"] } ] }
          ]
        }"#;
        let b = crate::model::parse(json.as_bytes()).unwrap();
        let got: Vec<(String, bool, String)> = sentences(&b)
            .into_iter()
            .map(|s| (s.block, s.is_title, s.text))
            .collect();
        let want = [
            ("编者按", false, "按一。"),
            ("编者按", false, "按二。"),
            ("题", true, "题"),
            ("题", false, "注。"),
            ("题", false, "文一。"),
            ("题", false, "文二！"),
            ("栏", true, "栏"),
            ("栏", false, "局：乙。"),
            ("栏", false, "丁。"),
            ("栏", true, "县"),
            ("栏", false, "丙。"),
        ];
        let want: Vec<(String, bool, String)> = want
            .iter()
            .map(|(b, t, s)| (b.to_string(), *t, s.to_string()))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn sentences_split_after_closing_punctuation() {
        let s = split_sentences("他说：“好。”然后走了！还有吗？最后一句");
        assert_eq!(
            s,
            vec!["他说：“好。”", "然后走了！", "还有吗？", "最后一句"]
        );
    }
}
