//! The next issue (`jianbao new`): its numbers from the previous issue and
//! what the archive knows of the bulletin, and its skeleton
//! ([`super::skeleton`]).

use super::skeleton::{self, Numbers};
use super::*;
use crate::model::{Bulletin, Date};

/// The skeleton of the next issue, and what its writer should know.
#[derive(Debug, Clone)]
pub struct NextIssue {
    /// The JSON to fill in.
    pub json: String,
    /// Its year, issue and total issue numbers.
    pub numbers: Numbers,
    /// Its series, when a supplement.
    pub supplement: Option<String>,
    /// What the writer should know.
    pub notes: Vec<NextNote>,
}

/// Something the writer of the next issue should know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NextNote {
    /// The date is in a later year than the last issue: the issue number
    /// starts again at 1 (the total issue number runs on).
    NewYear {
        /// The new issue's year.
        year: u16,
        /// The year of the last known issue.
        last: u16,
    },
    /// The archive has no issue of this bulletin: a first issue to fill in.
    FirstIssue,
    /// The archive has no issue of this supplement series: its first issue,
    /// from the latest regular issue.
    FirstOfSeries(String),
    /// Bulletins of the archive whose names contain the name asked for.
    SimilarNames(Vec<String>),
    /// The previous 文号 does not follow the issue numbers: left out.
    DocumentNumberLeftOut(String),
    /// Something done to the archive's index on the way.
    Index(String),
}

impl std::fmt::Display for NextNote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NextNote::NewYear { year, last } => write!(
                f,
                "新一期的日期在 {year} 年，上一期在 {last} 年：期号从第1期重新开始（总期号接着编）；若要接着上一年编号，请给出上一年内的日期"
            ),
            NextNote::FirstIssue => {
                f.write_str("档案库中没有这份简报：生成第1期的骨架，编印单位等请自行填写")
            }
            NextNote::FirstOfSeries(series) => write!(
                f,
                "档案库中还没有这份简报的“{series}”：生成{series}第1期的骨架（报头和发送范围取自最近一期正刊）"
            ),
            NextNote::SimilarNames(names) => write!(
                f,
                "档案库中有名称相近的简报：{}；若是其中之一，请写全名",
                names.join("、")
            ),
            NextNote::DocumentNumberLeftOut(no) => write!(
                f,
                "上一期的文号“{no}”中的号数与期号、总期号都不对应，没有照抄：请在 document_number 中填写这一期的文号"
            ),
            NextNote::Index(n) => f.write_str(n),
        }
    }
}

impl Archive {
    /// The numbers of the issues of `name`'s series `supplement` that the archive has.
    fn known_numbers(
        &self,
        name: &str,
        supplement: Option<&str>,
        notes: &mut Vec<NextNote>,
    ) -> Result<Vec<Numbers>> {
        if !self.has_copies() {
            return Ok(Vec::new());
        }
        let listing = self.list(&Filter {
            name: Some(name.to_string()),
            ..Filter::default()
        })?;
        notes.extend(listing.notes.into_iter().map(NextNote::Index));
        let series = super::manifest::series_key(name, supplement);
        Ok(listing
            .copies
            .iter()
            .map(|c| &c.record)
            .filter(|r| super::manifest::series_key(&r.name, r.supplement.as_deref()) == series)
            .map(|r| Numbers {
                year: r.year,
                issue: r.issue,
                total_issue: r.total_issue,
            })
            .collect())
    }

    /// The issue after `prev`, dated `date`: numbered after the later of
    /// `prev` and the archive's issues of the same bulletin and series (a
    /// supplement continues its own series).
    pub fn next_after(&self, prev: &Bulletin, date: Date) -> Result<NextIssue> {
        let m = &prev.masthead;
        let mut notes = Vec::new();
        let mut known = self.known_numbers(&m.name, m.supplement.as_deref(), &mut notes)?;
        known.push(Numbers {
            year: m.date.year(),
            issue: m.issue,
            total_issue: m.total_issue,
        });
        next_of(prev, &known, date, notes)
    }

    /// The issue after the archive's latest issue of bulletin `name` (of
    /// its series `supplement`), dated `date`; a first issue when the
    /// archive has none. The first issue of a supplement starts from the
    /// latest regular issue's masthead and lists.
    pub fn next_by_name(
        &self,
        name: &str,
        supplement: Option<&str>,
        date: Date,
    ) -> Result<NextIssue> {
        let latest = match (self.latest(name, supplement)?, supplement) {
            (Some(r), _) => Some((r, false)),
            (None, Some(_)) => self.latest(name, None)?.map(|r| (r, true)),
            (None, None) => None,
        };
        let Some((rec, new_series)) = latest else {
            let mut notes = vec![NextNote::FirstIssue];
            if self.store.exists() {
                let key = super::store::normalize_name(name);
                let mut similar: Vec<String> = self
                    .list(&Filter::default())?
                    .copies
                    .into_iter()
                    .map(|c| c.record.name)
                    .filter(|n| super::store::normalize_name(n).contains(key.as_str()))
                    .collect();
                similar.sort();
                similar.dedup();
                if !similar.is_empty() {
                    notes.push(NextNote::SimilarNames(similar));
                }
            }
            return Ok(NextIssue {
                json: skeleton::first_issue(name, supplement, date),
                numbers: Numbers {
                    year: date.year(),
                    issue: 1,
                    total_issue: None,
                },
                supplement: supplement.map(str::to_string),
                notes,
            });
        };
        let d = self.find(&CopyQuery::Id(rec.pdf_sha256.clone()))?;
        let bytes = std::fs::read(&d.input).map_err(|e| Error::io(&d.input, e))?;
        let mut prev = crate::model::parse(&bytes)?;
        let mut notes = Vec::new();
        let known = if new_series {
            // The first of a new supplement series: its numbers start at 1,
            // the masthead and lists are the regular issue's.
            notes.push(NextNote::FirstOfSeries(
                supplement.unwrap_or_default().to_string(),
            ));
            prev.masthead.supplement = supplement.map(str::to_string);
            prev.masthead.total_issue = None;
            prev.document_number = None;
            Vec::new()
        } else {
            self.known_numbers(name, supplement, &mut notes)?
        };
        next_of(&prev, &known, date, notes)
    }
}

fn next_of(
    prev: &Bulletin,
    known: &[Numbers],
    date: Date,
    mut notes: Vec<NextNote>,
) -> Result<NextIssue> {
    let numbers = skeleton::next_numbers(known, date).ok_or_else(|| Error::Archive {
        message: format!(
            "下一期的期号或总期号超过了上限（期号 {}，总期号 {}）：请检查上一期的编号",
            crate::model::MAX_ISSUE,
            crate::model::MAX_TOTAL_ISSUE
        ),
    })?;
    if let Some(last) = known.iter().map(|k| k.year).max() {
        if numbers.year > last {
            notes.push(NextNote::NewYear {
                year: numbers.year,
                last,
            });
        }
    }
    let prev_numbers = Numbers {
        year: prev.masthead.date.year(),
        issue: prev.masthead.issue,
        total_issue: prev.masthead.total_issue,
    };
    let document_number = prev.document_number.as_ref().and_then(|no| {
        let next = skeleton::next_document_number(no, prev_numbers, numbers);
        if next.is_none() {
            notes.push(NextNote::DocumentNumberLeftOut(no.clone()));
        }
        next
    });
    Ok(NextIssue {
        json: skeleton::skeleton(prev, numbers, date, document_number),
        numbers,
        supplement: prev.masthead.supplement.clone(),
        notes,
    })
}
