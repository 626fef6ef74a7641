//! Reading the input JSON into the bulletin model, enforcing every rule of the format.

use super::Bulletin;
use crate::error::Result;

/// Parse and validate one issue's JSON.
pub fn parse(_json: &[u8]) -> Result<Bulletin> {
    todo!()
}
