//! The register's numbering rules: what `issue` warns about in the numbers of
//! a copy against the copies already filed in its series (a bulletin's
//! regular issues, or one of its supplements, each numbered on its own).
//!
//! The warnings are probable mistakes (a 总期号 used twice, a number out of
//! order or skipped); like the layout's warnings they stop `issue` unless
//! the issuer accepts them, and are then recorded in the manifest.

use super::manifest::Key;

/// An issue as the register knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Known {
    /// Its key: normalized name and series, year, issue number.
    pub key: Key,
    /// Its 总期号.
    pub total: Option<u32>,
    /// How messages name it: `《名称》2024年第3期（总第59期）`.
    pub label: String,
}

/// A numbering warning: which field of the input it concerns and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberWarning {
    /// `issue` or `total_issue` (of `$.masthead`).
    pub field: &'static str,
    /// What is wrong, in Chinese.
    pub message: String,
}

/// The warnings for filing `this` in a register that holds `known` (copies
/// of any bulletin; those of other series are ignored).
pub fn warnings(this: &Known, known: &[Known]) -> Vec<NumberWarning> {
    let (name, series, year, issue) = &this.key;
    let same_series: Vec<&Known> = known
        .iter()
        .filter(|k| &k.key.0 == name && &k.key.1 == series && k.key != this.key)
        .collect();
    let mut out = Vec::new();

    // 期号 within the year.
    let this_year: Vec<&Known> = same_series
        .iter()
        .copied()
        .filter(|k| k.key.2 == *year)
        .collect();
    if let Some(last) = this_year.iter().max_by_key(|k| k.key.3) {
        let max = last.key.3;
        if max > *issue {
            out.push(NumberWarning {
                field: "issue",
                message: format!(
                    "期号不按顺序：这一系列 {year} 年已归档到{}，这一期是第{issue}期：请核对期号",
                    last.label
                ),
            });
        } else if *issue > max + 1 {
            out.push(NumberWarning {
                field: "issue",
                message: format!(
                    "期号不连续：这一系列 {year} 年归档的最后一期是{}，这一期是第{issue}期（第{}期没有归档）：请核对期号",
                    last.label,
                    max + 1
                ),
            });
        }
    } else if *issue != 1 && same_series.iter().any(|k| k.key.2 < *year) {
        out.push(NumberWarning {
            field: "issue",
            message: format!(
                "{year} 年的第一份归档是第{issue}期：新的一年期号一般从第1期重新开始，请核对期号或日期"
            ),
        });
    }

    // 总期号 across the years.
    if let Some(total) = this.total {
        let order = |k: &Known| (k.key.2, k.key.3);
        if let Some(dup) = same_series.iter().find(|k| k.total == Some(total)) {
            out.push(NumberWarning {
                field: "total_issue",
                message: format!(
                    "总期号 {total} 已经用于{}：总期号不能重复，请核对",
                    dup.label
                ),
            });
        } else if let Some(later) = same_series
            .iter()
            .filter(|k| order(k) < (*year, *issue) && k.total.is_some_and(|t| t > total))
            .max_by_key(|k| order(k))
        {
            out.push(NumberWarning {
                field: "total_issue",
                message: format!(
                    "总期号不按顺序：在它之前的{}的总期号更大：请核对总期号",
                    later.label
                ),
            });
        } else if let Some(prev) = same_series
            .iter()
            .filter(|k| order(k) < (*year, *issue))
            .max_by_key(|k| order(k))
        {
            if let Some(p) = prev.total {
                if total > p + 1 {
                    out.push(NumberWarning {
                        field: "total_issue",
                        message: format!(
                            "总期号不连续：上一期{}，这一期是总第{total}期（总第{}期没有归档）：请核对总期号",
                            prev.label,
                            p + 1
                        ),
                    });
                }
            }
        }
    }
    out
}

/// A copy as the register's chain sees it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Link {
    /// Its place in the register, when known.
    pub seq: Option<u64>,
    /// The SHA-256 of its manifest file, when the manifest can be read.
    pub manifest_sha256: Option<String>,
    /// Whether its manifest can be read.
    pub readable: bool,
    /// The hash its manifest names as the copy filed before (`previous`).
    pub previous: Option<String>,
}

/// What the chain check found, by index into the links checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// No copy holds this place of the register: a whole copy was deleted
    /// (and the index forgot it).
    Missing(u64),
    /// The copy holds a place another copy holds too: a manifest was changed.
    Shared {
        /// The copy.
        copy: usize,
        /// The place.
        seq: u64,
    },
    /// The copy after this one names another hash as the one before: this
    /// copy's manifest was changed.
    Unlinked {
        /// The copy.
        copy: usize,
    },
}

/// Check the chain of `links`: every place from 1 to the last held by one
/// copy, and each copy's manifest named by the copy after it (a copy whose
/// manifest cannot be read is not held against its neighbours: it is
/// reported on its own).
pub fn check_chain(links: &[Link]) -> Vec<Finding> {
    let mut by_seq: std::collections::BTreeMap<u64, Vec<usize>> = Default::default();
    for (i, l) in links.iter().enumerate() {
        if let Some(s) = l.seq {
            by_seq.entry(s).or_default().push(i);
        }
    }
    let last = by_seq.keys().copied().max().unwrap_or(0);
    let mut out = Vec::new();
    for s in 1..=last {
        let Some(here) = by_seq.get(&s) else {
            out.push(Finding::Missing(s));
            continue;
        };
        if here.len() > 1 {
            out.extend(here.iter().map(|&copy| Finding::Shared { copy, seq: s }));
        }
        let Some(next) = by_seq.get(&(s + 1)) else {
            continue;
        };
        for &i in here {
            let Some(sha) = links[i]
                .manifest_sha256
                .as_deref()
                .filter(|_| links[i].readable)
            else {
                continue;
            };
            let linked = next.iter().any(|&j| {
                let n = &links[j];
                !n.readable || n.previous.as_deref() == Some(sha)
            });
            if !linked {
                out.push(Finding::Unlinked { copy: i });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(series: &str, year: u16, issue: u32, total: Option<u32>) -> Known {
        Known {
            key: ("简报".into(), series.into(), year, issue),
            total,
            label: format!("{year}年{series}第{issue}期"),
        }
    }

    fn fields(this: &Known, known: &[Known]) -> Vec<&'static str> {
        warnings(this, known).into_iter().map(|w| w.field).collect()
    }

    #[test]
    fn the_next_number_gives_no_warning() {
        let known = [k("", 2024, 1, Some(57)), k("", 2024, 2, Some(58))];
        assert!(fields(&k("", 2024, 3, Some(59)), &known).is_empty());
        // A new year starts again at 1; the total runs on.
        assert!(fields(&k("", 2025, 1, Some(59)), &known).is_empty());
        // The first copy of an archive may have any number.
        assert!(fields(&k("", 2024, 17, Some(300)), &[]).is_empty());
        // Without totals, nothing to say about them.
        assert!(fields(&k("", 2024, 3, None), &known).is_empty());
    }

    #[test]
    fn numbers_out_of_order_or_skipped_are_warned() {
        let known = [k("", 2024, 1, Some(57)), k("", 2024, 3, Some(59))];
        let w = warnings(&k("", 2024, 2, Some(58)), &known);
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].message.contains("期号不按顺序") && w[0].message.contains("2024年第3期"));
        let w = warnings(&k("", 2024, 5, Some(61)), &known);
        assert_eq!(
            fields(&k("", 2024, 5, Some(61)), &known),
            ["issue", "total_issue"]
        );
        assert!(w[0].message.contains("第4期没有归档"), "{}", w[0].message);
        assert!(
            w[1].message.contains("总第60期没有归档"),
            "{}",
            w[1].message
        );
        let w = warnings(&k("", 2025, 3, Some(60)), &known);
        assert!(w[0].message.contains("从第1期重新开始"), "{w:?}");
    }

    #[test]
    fn a_total_number_used_twice_or_going_back_is_warned() {
        let known = [k("", 2024, 1, Some(57)), k("", 2024, 2, Some(58))];
        let w = warnings(&k("", 2024, 3, Some(58)), &known);
        assert_eq!(w.len(), 1);
        assert!(
            w[0].message.contains("总期号 58 已经用于2024年第2期"),
            "{w:?}"
        );
        let w = warnings(&k("", 2024, 3, Some(50)), &known);
        assert!(w[0].message.contains("总期号不按顺序"), "{w:?}");
    }

    #[test]
    fn each_series_is_numbered_on_its_own() {
        let known = [
            k("", 2024, 1, Some(57)),
            k("", 2024, 2, Some(58)),
            k("增刊", 2024, 1, None),
        ];
        assert!(fields(&k("增刊", 2024, 2, None), &known).is_empty());
        assert!(fields(&k("", 2024, 3, Some(59)), &known).is_empty());
        // A supplement's own total numbers do not clash with the regular ones.
        assert!(fields(&k("专刊", 2024, 1, Some(57)), &known).is_empty());
        // Another bulletin's numbers are never compared.
        let mut other = k("", 2024, 9, Some(1));
        other.key.0 = "另一份简报".into();
        assert!(fields(&other, &known).is_empty());
    }

    fn link(seq: u64, sha: &str, previous: Option<&str>) -> Link {
        Link {
            seq: Some(seq),
            manifest_sha256: Some(sha.into()),
            readable: true,
            previous: previous.map(str::to_string),
        }
    }

    #[test]
    fn an_intact_chain_has_no_finding() {
        let links = [
            link(1, "a", None),
            link(2, "b", Some("a")),
            link(3, "c", Some("b")),
        ];
        assert_eq!(check_chain(&links), []);
        // In any order, and a single copy.
        let mut shuffled = links.to_vec();
        shuffled.reverse();
        assert_eq!(check_chain(&shuffled), []);
        assert_eq!(check_chain(&links[..1]), []);
        assert_eq!(check_chain(&[]), []);
    }

    #[test]
    fn a_deleted_copy_leaves_its_place_missing() {
        let links = [link(1, "a", None), link(3, "c", Some("b"))];
        assert_eq!(check_chain(&links), [Finding::Missing(2)]);
        // The last copy deleted leaves nothing to see: `verify` prints the
        // head so that a later check can notice.
        assert_eq!(check_chain(&links[..1]), []);
    }

    #[test]
    fn an_edited_manifest_breaks_its_link() {
        // Copy 2's manifest was edited: its hash is no longer the one copy 3
        // names.
        let links = [
            link(1, "a", None),
            link(2, "b-edited", Some("a")),
            link(3, "c", Some("b")),
        ];
        assert_eq!(check_chain(&links), [Finding::Unlinked { copy: 1 }]);
    }

    #[test]
    fn two_copies_in_one_place_are_both_reported() {
        let links = [
            link(1, "a", None),
            link(2, "b", Some("a")),
            link(2, "x", Some("a")),
        ];
        assert_eq!(
            check_chain(&links),
            [
                Finding::Shared { copy: 1, seq: 2 },
                Finding::Shared { copy: 2, seq: 2 }
            ]
        );
    }

    #[test]
    fn an_unreadable_manifest_is_not_held_against_its_neighbours() {
        let unreadable = Link {
            seq: Some(2),
            ..Link::default()
        };
        let links = [link(1, "a", None), unreadable, link(3, "c", Some("b"))];
        assert_eq!(check_chain(&links), []);
        // A copy whose place is unknown is not in the chain at all.
        let nowhere = Link::default();
        assert_eq!(check_chain(&[link(1, "a", None), nowhere]), []);
    }
}
