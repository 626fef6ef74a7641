//! Page numbers (layout.md §7.1): the glyphs of 「— n —」 looked up when the
//! bulletin is typeset, so that pagination numbers pages without fonts.

use super::collect::{self, Atom, Class};
use super::finalize::Align;
use super::inline::{lay_out, Inline, Line};
use super::Typesetter;
use crate::error::Place;
use crate::layout::Tag;

impl Typesetter<'_> {
    /// The pieces of page numbers `— n —` (layout.md §7.1): all of it in the
    /// number's role (宋体 digits, GB/T 9704-2012 §7.5: its Latin role is
    /// itself in the built-in template).
    pub(super) fn page_numbers(&mut self) -> PageNumbers {
        let s = &self.template.page_number;
        let inline = Inline {
            measure: f32::MAX / 4.0,
            ..self.text(&s.dash, s.text, Place::new("模板 page_number.dash"))
        };
        let t = self.template;
        let dash = collect::shape(self, &t.composition, &inline);
        let latin = self.fonts.set().latin_role(s.text.role);
        let color = self.template.text_color;
        let mut space = collect::latin_atom(self, &[' '], latin, &inline, color);
        space.class = Class::Space;
        let digits = ('0'..='9')
            .map(|d| collect::latin_atom(self, &[d], latin, &inline, color))
            .collect();
        PageNumbers {
            inline: Inline {
                place: Place::new("page_number"),
                ..inline
            },
            dash,
            space,
            digits,
            compress: self.template.composition.compress_punctuation,
            latin_gap: self.template.composition.latin_gap_zi * s.text.size,
        }
    }
}

/// What page numbers are made of (layout.md §7.1), looked up when the
/// bulletin is typeset, so that pagination numbers pages without fonts and a
/// character no face has is found with the others.
#[derive(Debug, Clone, PartialEq)]
pub struct PageNumbers {
    inline: Inline,
    dash: Vec<Atom>,
    space: Atom,
    digits: Vec<Atom>,
    compress: bool,
    latin_gap: f32,
}

impl PageNumbers {
    /// Page numbers without glyphs, `size` pt high: what pagination needs of
    /// them where no fonts are at hand (its unit tests).
    pub fn blank(size: f32) -> PageNumbers {
        let nothing = Atom {
            class: Class::Space,
            width: 0.0,
            han: false,
            squeeze: 0.0,
            squeeze_left: false,
            hang: false,
            glue: false,
            soft: false,
            split: false,
            hyphen: None,
            glyphs: Vec::new(),
        };
        PageNumbers {
            inline: Inline {
                spans: Vec::new(),
                size,
                cell: None,
                hscale: 1.0,
                measure: f32::MAX / 4.0,
                first_indent: 0.0,
                rest_indent: 0.0,
                right_indent: 0.0,
                align: Align::Left,
                balance: false,
                words: false,
                hang: false,
                compress: None,
                autospace: true,
                place: Place::new("page_number"),
            },
            dash: Vec::new(),
            space: nothing.clone(),
            digits: vec![nothing; 10],
            compress: false,
            latin_gap: 0.0,
        }
    }

    /// The line `— n —`, its box starting at x = 0.
    pub fn line(&self, n: u32) -> Line {
        let mut digits = Atom {
            glyphs: Vec::new(),
            ..self.space.clone()
        };
        digits.class = Class::Latin;
        let mut x = 0.0;
        for d in n.to_string().bytes() {
            if let Some(glyph) = self.digits[usize::from(d - b'0')].glyphs.first() {
                digits.glyphs.push(collect::AtomGlyph {
                    offset: x,
                    ..glyph.clone()
                });
                x += glyph.advance;
            }
        }
        digits.width = x;
        let mut atoms = self.dash.clone();
        atoms.extend([self.space.clone(), digits, self.space.clone()]);
        atoms.extend(self.dash.iter().cloned());
        let atoms = collect::finish(atoms, self.compress, self.latin_gap);
        let (mut lines, _) = lay_out(atoms, &self.inline, Tag::PageNumber, false);
        lines.pop().unwrap_or(Line {
            tag: Tag::PageNumber,
            runs: Vec::new(),
            justified: false,
            spread: 0.0,
            last: true,
            hanging: false,
            span: (0.0, 0.0),
            size: self.inline.size,
            source: None,
        })
    }
}
