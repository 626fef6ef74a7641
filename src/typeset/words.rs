//! Word boundaries of Chinese text, for breaks that must keep words whole
//! (GB/T 9704-2012 §7.3.1: 标题回行时要做到词意完整): ICU4X's dictionary word
//! segmenter, whose data is compiled into the program (nothing to load at
//! run time), with two rules for the names offices write, which its general
//! dictionary cuts apart:
//!
//! - a run of one-character segments is one word: the dictionary does not
//!   know most place and person names and returns them a character at a
//!   time (益/阳/市, 陈/竞, 管/委/会);
//! - a one-character segment that names a kind of office or place (室, 会,
//!   区, 委, 局 …) belongs to the word before it (办公/室, 常委/会, 开发/区);
//! - a number keeps its unit and its 第: 2024年, 5月, 3个, 第3期.

use icu_segmenter::options::WordBreakInvariantOptions;
use icu_segmenter::WordSegmenter;

/// Characters that end the names of offices, bodies and places: they attach
/// to the word before them.
const NAME_SUFFIXES: &str = "室会区委局厅处科所站院部办组队班县市省镇乡村庄街厂馆社团司署府";

/// The byte offsets in `text` where a word may end (0 and `text.len()` included).
pub fn boundaries(text: &str) -> Vec<usize> {
    let segmenter = WordSegmenter::new_dictionary(WordBreakInvariantOptions::default());
    let mut raw: Vec<usize> = segmenter.segment_str(text).collect();
    // A number's unit is its own segment (the dictionary may glue 年 to what
    // follows: 2024/年上/半年), so that it can join the number.
    let mut k = 1;
    while k + 1 < raw.len() {
        let (prev, seg) = (&text[raw[k - 1]..raw[k]], &text[raw[k]..raw[k + 1]]);
        if let Some(first) = seg.chars().next() {
            let unit_end = raw[k] + first.len_utf8();
            if prev.ends_with(|c: char| c.is_ascii_digit())
                && super::collect::is_han(first)
                && unit_end < raw[k + 1]
            {
                raw.insert(k + 1, unit_end);
            }
        }
        k += 1;
    }
    merge(text, &raw)
}

/// Apply the two rules to the segmenter's boundaries, left to right: a
/// one-character segment joins the word before it when that word is itself a
/// run of one-character segments, or when it is a suffix after a longer word.
fn merge(text: &str, raw: &[usize]) -> Vec<usize> {
    let mut out = vec![0];
    // Whether the last word is a run of one-character segments, and its length.
    let mut last: Option<(bool, usize)> = None;
    for w in raw.windows(2) {
        let seg = &text[w[0]..w[1]];
        let single = seg.chars().count() == 1 && is_han(seg);
        // The word before this segment.
        let before = match out.len() {
            0 | 1 => "",
            n => &text[out[n - 2]..out[n - 1]],
        };
        let after_number = before.ends_with(|c: char| c.is_ascii_digit() || c == '%');
        let number = seg.starts_with(|c: char| c.is_ascii_digit());
        let joins = (single && after_number)
            || (number && before.ends_with('第'))
            || (single
                && match last {
                    Some((true, _)) => true,
                    Some((false, len)) => len >= 2 && NAME_SUFFIXES.contains(seg),
                    None => false,
                });
        if joins {
            *out.last_mut().expect("a word to join") = w[1];
            // A word stays a run of one-character segments only while it
            // takes no number (第3期, 2024年 are whole words).
            let (run, len) = last.unwrap_or((true, 0));
            last = Some((run && single && !after_number, len + 1));
        } else {
            out.push(w[1]);
            last = Some((single, seg.chars().count()));
        }
    }
    if out.last() != Some(&text.len()) {
        out.push(text.len());
    }
    out
}

fn is_han(s: &str) -> bool {
    s.chars().all(super::collect::is_han)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        boundaries(text)
            .windows(2)
            .map(|w| &text[w[0]..w[1]])
            .collect()
    }

    #[test]
    fn office_names_stay_whole() {
        assert_eq!(
            words("益阳市配合中央生态环境保护督察协调联络工作会议召开"),
            [
                "益阳市",
                "配合",
                "中央",
                "生态",
                "环境",
                "保护",
                "督察",
                "协调",
                "联络",
                "工作",
                "会议",
                "召开"
            ]
        );
        assert_eq!(
            words("市人大常委会办公室"),
            ["市", "人大", "常委会", "办公室"]
        );
        assert_eq!(
            words("某县人民政府办公室委员会办公室"),
            ["某县", "人民政府", "办公室", "委员会", "办公室"]
        );
        assert_eq!(
            words("长春经济开发区管委会"),
            ["长春", "经济", "开发区", "管委会"]
        );
        assert_eq!(
            words("持续改善生态环境质量"),
            ["持续", "改善", "生态", "环境", "质量"]
        );
        assert_eq!(
            words("全面推进城乡污水治理工作"),
            ["全面", "推进", "城乡", "污水", "治理", "工作"]
        );
        assert_eq!(
            words("县生态环境局发布2024年上半年"),
            ["县", "生态", "环境局", "发布", "2024年", "上", "半年"]
        );
        assert_eq!(words("第3期共5个"), ["第3期", "共", "5个"]);
    }

    #[test]
    fn boundaries_cover_the_text() {
        for text in ["", "A", "2024年5月", "（一）加强领导。", "PM2.5浓度下降"] {
            let b = boundaries(text);
            assert_eq!(b.first(), Some(&0));
            assert_eq!(b.last(), Some(&text.len()));
            assert!(b.windows(2).all(|w| w[0] < w[1]) || text.is_empty());
            assert!(b.iter().all(|&i| text.is_char_boundary(i)));
        }
    }
}
