//! The JSON Schema of the input format, printed by `jianbao schema`.

/// The JSON Schema (draft 2020-12) of the bulletin input, as pretty-printed JSON.
pub fn json_schema() -> String {
    todo!()
}
