//! Subsetting a CID-keyed CFF font program (Adobe Technical Note #5176, "The
//! Compact Font Format Specification") to the glyphs a layout uses: what a
//! PDF embeds as FontFile3/CIDFontType0C. The glyphs keep their CIDs (the
//! codes the pages show), their charstrings are copied as they are, and the
//! dictionaries that point into the file are written again with new offsets.
//!
//! Glyph 0 (.notdef) stays first; the used glyphs follow in the order given.
//! Only programs without subroutines are subset here (the Fandol faces have
//! none): with subroutines, a subset worth its name keeps only those the
//! glyphs call, which takes interpreting the charstrings. Such a program, and
//! one this does not understand (not CID-keyed, a malformed INDEX or DICT),
//! gives `None`, and the caller subsets it another way.

/// A DICT operator: one byte, or 12 and a second byte (stored as 1200 + b).
type Op = u16;

const OP_CHARSET: Op = 15;
const OP_CHARSTRINGS: Op = 17;
const OP_PRIVATE: Op = 18;
const OP_SUBRS: Op = 19;
const OP_ENCODING: Op = 16;
const OP_ROS: Op = 1230;
const OP_FDARRAY: Op = 1236;
const OP_FDSELECT: Op = 1237;

/// An INDEX (§5): its items' byte ranges in the file, and where it ends.
struct Index {
    items: Vec<(usize, usize)>,
    end: usize,
}

fn be(data: &[u8], at: usize, n: usize) -> Option<usize> {
    let bytes = data.get(at..at.checked_add(n)?)?;
    Some(bytes.iter().fold(0usize, |v, &b| (v << 8) | usize::from(b)))
}

fn read_index(data: &[u8], at: usize) -> Option<Index> {
    let count = be(data, at, 2)?;
    if count == 0 {
        return Some(Index {
            items: Vec::new(),
            end: at + 2,
        });
    }
    let off_size = be(data, at + 2, 1)?;
    if !(1..=4).contains(&off_size) {
        return None;
    }
    let offsets_at = at + 3;
    // Offsets are 1-based from the byte before the data.
    let base = offsets_at + (count + 1) * off_size - 1;
    let offset = |i: usize| be(data, offsets_at + i * off_size, off_size);
    let mut items = Vec::with_capacity(count);
    let mut start = offset(0)?;
    for i in 1..=count {
        let end = offset(i)?;
        if end < start || base + end > data.len() {
            return None;
        }
        items.push((base + start, base + end));
        start = end;
    }
    Some(Index {
        items,
        end: base + start,
    })
}

/// The offset size of an INDEX whose last offset is `last`: the fewest bytes
/// that hold it.
fn off_size(last: usize) -> usize {
    match last {
        0..=0xFF => 1,
        0x100..=0xFFFF => 2,
        0x1_0000..=0xFF_FFFF => 3,
        _ => 4,
    }
}

/// Write an INDEX of `items`.
fn write_index(out: &mut Vec<u8>, items: &[&[u8]]) {
    out.extend_from_slice(&(items.len() as u16).to_be_bytes());
    if items.is_empty() {
        return;
    }
    let total: usize = items.iter().map(|i| i.len()).sum::<usize>() + 1;
    let off_size = off_size(total);
    out.push(off_size as u8);
    let mut offset = 1usize;
    let put = |out: &mut Vec<u8>, v: usize| {
        out.extend_from_slice(&(v as u32).to_be_bytes()[4 - off_size..]);
    };
    put(out, offset);
    for item in items {
        offset += item.len();
        put(out, offset);
    }
    for item in items {
        out.extend_from_slice(item);
    }
}

/// The size of an INDEX of items of these lengths.
fn index_len(lens: impl Iterator<Item = usize> + Clone) -> usize {
    let count = lens.clone().count();
    if count == 0 {
        return 2;
    }
    let total: usize = lens.sum::<usize>() + 1;
    3 + (count + 1) * off_size(total) + total - 1
}

/// A DICT (§4) as its entries: operator, operand bytes as written, and the
/// operands' integer values (reals are kept as bytes only).
struct Entry<'a> {
    op: Op,
    operands: &'a [u8],
    ints: Vec<i64>,
}

fn read_dict(data: &[u8]) -> Option<Vec<Entry<'_>>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut ints = Vec::new();
    let mut i = 0;
    while i < data.len() {
        let b0 = data[i];
        match b0 {
            0..=21 => {
                let (op, len) = if b0 == 12 {
                    (1200 + Op::from(*data.get(i + 1)?), 2)
                } else {
                    (Op::from(b0), 1)
                };
                out.push(Entry {
                    op,
                    operands: &data[start..i],
                    ints: std::mem::take(&mut ints),
                });
                i += len;
                start = i;
            }
            28 => {
                ints.push(i64::from(i16::from_be_bytes([
                    *data.get(i + 1)?,
                    *data.get(i + 2)?,
                ])));
                i += 3;
            }
            29 => {
                let b = data.get(i + 1..i + 5)?;
                ints.push(i64::from(i32::from_be_bytes([b[0], b[1], b[2], b[3]])));
                i += 5;
            }
            30 => {
                // A real: nibbles up to and including an 0xF nibble.
                i += 1;
                loop {
                    let b = *data.get(i)?;
                    i += 1;
                    if b & 0x0F == 0x0F || b >> 4 == 0x0F {
                        break;
                    }
                }
                ints.push(0);
            }
            32..=246 => {
                ints.push(i64::from(b0) - 139);
                i += 1;
            }
            247..=250 => {
                ints.push((i64::from(b0) - 247) * 256 + i64::from(*data.get(i + 1)?) + 108);
                i += 2;
            }
            251..=254 => {
                ints.push(-(i64::from(b0) - 251) * 256 - i64::from(*data.get(i + 1)?) - 108);
                i += 2;
            }
            _ => return None,
        }
    }
    (start == data.len()).then_some(out)
}

/// An integer operand in its five-byte form, so that a DICT's size does not
/// depend on the offsets it holds.
fn int5(out: &mut Vec<u8>, v: usize) {
    out.push(29);
    out.extend_from_slice(&(v as i32).to_be_bytes());
}

fn op(out: &mut Vec<u8>, op: Op) {
    if op >= 1200 {
        out.extend_from_slice(&[12, (op - 1200) as u8]);
    } else {
        out.push(op as u8);
    }
}

/// `dict` without the entries of `drop`, as written.
fn copy_dict(out: &mut Vec<u8>, dict: &[Entry<'_>], drop: &[Op]) {
    for e in dict.iter().filter(|e| !drop.contains(&e.op)) {
        out.extend_from_slice(e.operands);
        op(out, e.op);
    }
}

fn int(dict: &[Entry<'_>], which: Op, k: usize) -> Option<usize> {
    let e = dict.iter().find(|e| e.op == which)?;
    usize::try_from(*e.ints.get(k)?).ok()
}

/// The font DICT of an FD and its Private DICT.
struct Fd<'a> {
    dict: Vec<Entry<'a>>,
    private: Vec<Entry<'a>>,
}

/// Subset the CID-keyed CFF `cff` to glyph 0 and `gids` (in that order).
pub fn subset(cff: &[u8], gids: &[u16]) -> Option<Vec<u8>> {
    let hdr_size = be(cff, 2, 1)?;
    let names = read_index(cff, hdr_size)?;
    let tops = read_index(cff, names.end)?;
    let strings = read_index(cff, tops.end)?;
    let gsubrs = read_index(cff, strings.end)?;
    if tops.items.len() != 1 || !gsubrs.items.is_empty() {
        return None;
    }
    let (a, b) = tops.items[0];
    let top = read_dict(&cff[a..b])?;
    if !top.iter().any(|e| e.op == OP_ROS) {
        return None;
    }
    let charstrings = read_index(cff, int(&top, OP_CHARSTRINGS, 0)?)?;
    let n_glyphs = charstrings.items.len();
    let charset_at = int(&top, OP_CHARSET, 0)?;
    let fdselect_at = int(&top, OP_FDSELECT, 0)?;
    let fdarray = read_index(cff, int(&top, OP_FDARRAY, 0)?)?;

    // The glyphs kept, in their new order.
    let mut keep: Vec<usize> = vec![0];
    keep.extend(gids.iter().map(|&g| usize::from(g)).filter(|&g| g != 0));
    if keep.iter().any(|&g| g >= n_glyphs) {
        return None;
    }
    let cids = charset_cids(cff, charset_at, n_glyphs)?;
    let fds = fd_select(cff, fdselect_at, n_glyphs)?;

    let mut fd_list = Vec::new();
    for &(a, b) in &fdarray.items {
        let dict = read_dict(&cff[a..b])?;
        let size = int(&dict, OP_PRIVATE, 0)?;
        let at = int(&dict, OP_PRIVATE, 1)?;
        let private = read_dict(cff.get(at..at.checked_add(size)?)?)?;
        // Local subroutines: none, or an empty INDEX, which is the same and
        // is left out of the subset's Private DICT.
        if let Some(rel) = int(&private, OP_SUBRS, 0) {
            if !read_index(cff, at.checked_add(rel)?)?.items.is_empty() {
                return None;
            }
        }
        fd_list.push(Fd { dict, private });
    }
    if keep.iter().any(|&g| usize::from(fds[g]) >= fd_list.len()) {
        return None;
    }

    // Sizes first: every offset is a five-byte integer, so the DICTs' sizes
    // are known before the offsets are.
    let top_drop = [
        OP_CHARSET,
        OP_CHARSTRINGS,
        OP_FDARRAY,
        OP_FDSELECT,
        OP_PRIVATE,
        OP_ENCODING,
    ];
    let mut top_body = Vec::new();
    copy_dict(&mut top_body, &top, &top_drop);
    // Four five-byte offsets and their operators (two of one byte, two of two).
    let top_len = top_body.len() + 4 * 5 + 1 + 1 + 2 + 2;
    let fd_bodies: Vec<Vec<u8>> = fd_list
        .iter()
        .map(|fd| {
            let mut d = Vec::new();
            copy_dict(&mut d, &fd.dict, &[OP_PRIVATE]);
            d
        })
        .collect();
    let private_bodies: Vec<Vec<u8>> = fd_list
        .iter()
        .map(|fd| {
            let mut p = Vec::new();
            copy_dict(&mut p, &fd.private, &[OP_SUBRS]);
            p
        })
        .collect();

    let mut out = Vec::with_capacity(cff.len().min(64 * 1024 + keep.len() * 600));
    out.extend_from_slice(&[1, 0, 4, 4]);
    out.extend_from_slice(&cff[hdr_size..names.end]);
    let top_index_at = out.len();
    let top_index_len = index_len(std::iter::once(top_len));
    let strings_at = top_index_at + top_index_len;
    let after_gsubrs = strings_at + (gsubrs.end - tops.end);
    let charset_new = after_gsubrs;
    let charset_len = 1 + 2 * (keep.len() - 1);
    let fdselect_new = charset_new + charset_len;
    let fdselect_len = 1 + keep.len();
    let charstrings_new = fdselect_new + fdselect_len;
    let cs_len = index_len(keep.iter().map(|&g| {
        let (a, b) = charstrings.items[g];
        b - a
    }));
    let fdarray_new = charstrings_new + cs_len;
    let fd_lens: Vec<usize> = fd_bodies.iter().map(|d| d.len() + 11).collect();
    let fdarray_len = index_len(fd_lens.iter().copied());
    let mut private_at = Vec::new();
    let mut at = fdarray_new + fdarray_len;
    for p in &private_bodies {
        private_at.push(at);
        at += p.len();
    }

    // The Top DICT.
    let mut top_dict = top_body;
    for (value, which) in [
        (charset_new, OP_CHARSET),
        (charstrings_new, OP_CHARSTRINGS),
        (fdarray_new, OP_FDARRAY),
        (fdselect_new, OP_FDSELECT),
    ] {
        int5(&mut top_dict, value);
        op(&mut top_dict, which);
    }
    debug_assert_eq!(top_dict.len(), top_len);
    write_index(&mut out, &[&top_dict]);
    // Strings and global subroutines as they were.
    out.extend_from_slice(&cff[tops.end..gsubrs.end]);
    // charset, format 0: the CID of each glyph after .notdef.
    out.push(0);
    for &g in &keep[1..] {
        out.extend_from_slice(&cids[g].to_be_bytes());
    }
    // FDSelect, format 0: the FD of each glyph.
    out.push(0);
    out.extend(keep.iter().map(|&g| fds[g]));
    let cs: Vec<&[u8]> = keep
        .iter()
        .map(|&g| {
            let (a, b) = charstrings.items[g];
            &cff[a..b]
        })
        .collect();
    write_index(&mut out, &cs);
    let fd_dicts: Vec<Vec<u8>> = fd_bodies
        .into_iter()
        .zip(private_bodies.iter().zip(&private_at))
        .map(|(mut d, (p, &at))| {
            int5(&mut d, p.len());
            int5(&mut d, at);
            op(&mut d, OP_PRIVATE);
            d
        })
        .collect();
    let fd_refs: Vec<&[u8]> = fd_dicts.iter().map(Vec::as_slice).collect();
    write_index(&mut out, &fd_refs);
    for (p, &at) in private_bodies.iter().zip(&private_at) {
        if out.len() != at {
            return None;
        }
        out.extend_from_slice(p);
    }
    Some(out)
}

/// The CID of every glyph, from the charset at `at` (§13).
fn charset_cids(cff: &[u8], at: usize, n: usize) -> Option<Vec<u16>> {
    let mut cids = vec![0u16; n];
    let format = be(cff, at, 1)?;
    let mut g = 1;
    let mut p = at + 1;
    match format {
        0 => {
            while g < n {
                cids[g] = be(cff, p, 2)? as u16;
                p += 2;
                g += 1;
            }
        }
        1 | 2 => {
            let left_size = if format == 1 { 1 } else { 2 };
            while g < n {
                let first = be(cff, p, 2)?;
                let left = be(cff, p + 2, left_size)?;
                p += 2 + left_size;
                for k in 0..=left {
                    if g >= n {
                        break;
                    }
                    cids[g] = u16::try_from(first + k).ok()?;
                    g += 1;
                }
            }
        }
        _ => return None,
    }
    Some(cids)
}

/// The FD of every glyph, from the FDSelect at `at` (§19).
fn fd_select(cff: &[u8], at: usize, n: usize) -> Option<Vec<u8>> {
    match be(cff, at, 1)? {
        0 => Some(cff.get(at + 1..at + 1 + n)?.to_vec()),
        3 => {
            let ranges = be(cff, at + 1, 2)?;
            let mut fds = vec![0u8; n];
            for r in 0..ranges {
                let p = at + 3 + 3 * r;
                let first = be(cff, p, 2)?;
                let fd = be(cff, p + 2, 1)? as u8;
                let end = be(cff, p + 3, 2)?.min(n);
                for slot in fds.get_mut(first..end)? {
                    *slot = fd;
                }
            }
            Some(fds)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn programs_with_subroutines_are_left_to_another_subsetter() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts");
        let file = std::fs::read(root.join("NotoSerifCJKsc-Bold.subset.otf")).unwrap();
        let table = super::super::sfnt::table(&file, *b"CFF ").unwrap();
        assert!(subset(table, &[1, 2, 3]).is_none());
    }

    #[test]
    fn indexes_round_trip() {
        let items: Vec<Vec<u8>> = vec![b"a".to_vec(), vec![7; 300], Vec::new(), b"xyz".to_vec()];
        let refs: Vec<&[u8]> = items.iter().map(Vec::as_slice).collect();
        let mut out = vec![9, 9];
        write_index(&mut out, &refs);
        assert_eq!(out.len() - 2, index_len(items.iter().map(Vec::len)));
        let idx = read_index(&out, 2).unwrap();
        assert_eq!(idx.end, out.len());
        let back: Vec<&[u8]> = idx.items.iter().map(|&(a, b)| &out[a..b]).collect();
        assert_eq!(back, refs);
        let mut empty = Vec::new();
        write_index(&mut empty, &[]);
        assert_eq!(empty, [0, 0]);
        assert_eq!(read_index(&empty, 0).unwrap().end, 2);
        assert!(read_index(&[0, 1, 9], 0).is_none());
    }

    #[test]
    fn dict_operands_are_read_in_every_encoding() {
        // 0 (139), 100 (239), 1000 (250 124), -1000 (254 124), 10000 (28),
        // 100000 (29), a real, then operator 12 30 (ROS); then 17.
        let mut d = vec![139, 239, 250, 124, 254, 124, 28, 0x27, 0x10];
        d.extend_from_slice(&[29, 0, 1, 0x86, 0xA0, 30, 0x1A, 0x5F, 12, 30]);
        d.extend_from_slice(&[29, 0, 0, 0, 42, 17]);
        let dict = read_dict(&d).unwrap();
        assert_eq!(dict.len(), 2);
        assert_eq!(dict[0].op, OP_ROS);
        assert_eq!(dict[0].ints, vec![0, 100, 1000, -1000, 10000, 100000, 0]);
        assert_eq!(int(&dict, OP_CHARSTRINGS, 0), Some(42));
        let mut back = Vec::new();
        copy_dict(&mut back, &dict, &[]);
        assert_eq!(back, d);
        assert!(read_dict(&[139, 255]).is_none());
        assert!(read_dict(&[139]).is_none(), "operands without an operator");
    }

    #[test]
    fn charsets_and_fd_selects_of_every_format() {
        // Format 0: glyphs 1..4 are CIDs 5, 9, 2.
        let f0 = [0, 0, 5, 0, 9, 0, 2];
        assert_eq!(charset_cids(&f0, 0, 4).unwrap(), vec![0, 5, 9, 2]);
        // Format 1: from 10, 2 more (10, 11, 12), then 20.
        let f1 = [1, 0, 10, 2, 0, 20, 0];
        assert_eq!(charset_cids(&f1, 0, 5).unwrap(), vec![0, 10, 11, 12, 20]);
        let f2 = [2, 0, 10, 0, 3];
        assert_eq!(charset_cids(&f2, 0, 5).unwrap(), vec![0, 10, 11, 12, 13]);
        assert!(charset_cids(&[7], 0, 3).is_none());
        assert_eq!(fd_select(&[0, 1, 0, 2], 0, 3).unwrap(), vec![1, 0, 2]);
        // Format 3: glyphs 0–1 FD 0, 2–4 FD 3; sentinel 5.
        let f3 = [3, 0, 2, 0, 0, 0, 0, 2, 3, 0, 5];
        assert_eq!(fd_select(&f3, 0, 5).unwrap(), vec![0, 0, 3, 3, 3]);
    }

    #[test]
    fn the_repository_faces_subset_to_the_glyphs_and_cids_asked_for() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts");
        for name in [
            "FandolFang-Regular.otf",
            "FandolSong-Regular.otf",
            "FandolKai-Regular.otf",
        ] {
            let file = std::fs::read(root.join(name)).unwrap();
            let face = ttf_parser::Face::parse(&file, 0).unwrap();
            let table = super::super::sfnt::table(&file, *b"CFF ").unwrap();
            let chars = "工作简报，益阳市生态环境。2024年";
            let mut gids: Vec<u16> = chars
                .chars()
                .filter_map(|c| face.glyph_index(c))
                .map(|g| g.0)
                .collect();
            gids.sort_unstable();
            gids.dedup();
            let sub = subset(table, &gids).unwrap_or_else(|| panic!("{name}: not subset"));
            assert!(
                sub.len() < table.len() / 4,
                "{name}: {} of {}",
                sub.len(),
                table.len()
            );
            let original = ttf_parser::cff::Table::parse(table).unwrap();
            let ours = ttf_parser::cff::Table::parse(&sub).unwrap();
            assert_eq!(ours.number_of_glyphs(), gids.len() as u16 + 1, "{name}");
            for (i, &g) in gids.iter().enumerate() {
                let new = ttf_parser::GlyphId(i as u16 + 1);
                assert_eq!(
                    ours.glyph_cid(new),
                    original.glyph_cid(ttf_parser::GlyphId(g)),
                    "{name}: glyph {g}"
                );
                // The same outline: the same bounding box.
                let a = original
                    .outline(ttf_parser::GlyphId(g), &mut super::super::NoOutline)
                    .ok();
                let b = ours.outline(new, &mut super::super::NoOutline).ok();
                assert!(a.is_some(), "{name}: glyph {g} has no outline");
                assert_eq!(a, b, "{name}: glyph {g}");
            }
        }
    }
}
