//! The table directory of an sfnt file (OpenType or TrueType, one face):
//! what the font code of the direct writer reads its tables with.

use std::collections::BTreeMap;

/// The big-endian `u16` at `at`.
pub fn be16(d: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(d.get(at..at + 2)?.try_into().ok()?))
}

/// The big-endian `u32` at `at`.
pub fn be32(d: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(d.get(at..at + 4)?.try_into().ok()?))
}

/// The tables of the sfnt file `data` by tag; `None` when a table record
/// points outside the file.
pub fn tables(data: &[u8]) -> Option<BTreeMap<[u8; 4], &[u8]>> {
    let count = usize::from(be16(data, 4)?);
    let mut out = BTreeMap::new();
    for i in 0..count {
        let at = 12 + 16 * i;
        let tag: [u8; 4] = data.get(at..at + 4)?.try_into().ok()?;
        let offset = be32(data, at + 8)? as usize;
        let length = be32(data, at + 12)? as usize;
        out.insert(tag, data.get(offset..offset.checked_add(length)?)?);
    }
    Some(out)
}

/// The table `tag` of the sfnt file `data`.
pub fn table(data: &[u8], tag: [u8; 4]) -> Option<&[u8]> {
    tables(data)?.get(&tag).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_found_by_tag_and_bad_directories_give_none() {
        let mut f = vec![0u8; 12 + 16 + 4];
        f[4..6].copy_from_slice(&1u16.to_be_bytes());
        f[12..16].copy_from_slice(b"CFF ");
        f[20..24].copy_from_slice(&28u32.to_be_bytes());
        f[24..28].copy_from_slice(&4u32.to_be_bytes());
        f[28..32].copy_from_slice(b"abcd");
        assert_eq!(table(&f, *b"CFF "), Some(&b"abcd"[..]));
        assert_eq!(table(&f, *b"glyf"), None);
        f[24..28].copy_from_slice(&400u32.to_be_bytes());
        assert_eq!(table(&f, *b"CFF "), None);
        assert_eq!(table(&[0, 0], *b"CFF "), None);
    }
}
