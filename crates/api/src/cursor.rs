//! Paging cursors: opaque to clients, but every string of the documented
//! pattern is a position, so a cursor is either malformed (400) or valid.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::problem::ApiError;

/// Pattern of an id cursor: 32 lowercase hex digits.
pub const ID_PATTERN: &str = "^[0-9a-f]{32}$";
/// Pattern of a time-and-id cursor: 48 lowercase hex digits.
pub const TIME_ID_PATTERN: &str = "^[0-9a-f]{48}$";

fn invalid() -> ApiError {
    ApiError::bad_field("cursor", "invalid_cursor", "not a cursor returned by this API")
}

fn lower_hex(text: &str, len: usize) -> Result<(), ApiError> {
    if text.len() == len && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        Ok(())
    } else {
        Err(invalid())
    }
}

/// A cursor after the item with `id`.
pub fn encode_id(id: Uuid) -> String {
    id.simple().to_string()
}

/// The id a cursor of [`encode_id`] names.
pub fn decode_id(cursor: &str) -> Result<Uuid, ApiError> {
    lower_hex(cursor, 32)?;
    Uuid::try_parse(cursor).map_err(|_| invalid())
}

/// A cursor after the change at `at` to `id`.
pub fn encode_time_id(at: DateTime<Utc>, id: Uuid) -> String {
    format!("{:016x}{}", at.timestamp_micros() as u64, id.simple())
}

/// The time and id a cursor of [`encode_time_id`] names; a time beyond the
/// calendar's range is its nearest end.
pub fn decode_time_id(cursor: &str) -> Result<(DateTime<Utc>, Uuid), ApiError> {
    lower_hex(cursor, 48)?;
    let micros = u64::from_str_radix(&cursor[..16], 16).map_err(|_| invalid())? as i64;
    let at = DateTime::from_timestamp_micros(micros).unwrap_or(if micros < 0 {
        DateTime::<Utc>::MIN_UTC
    } else {
        DateTime::<Utc>::MAX_UTC
    });
    Ok((at, decode_id(&cursor[16..])?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_other_text() {
        let id = Uuid::now_v7();
        assert_eq!(decode_id(&encode_id(id)).unwrap(), id);
        let at = DateTime::parse_from_rfc3339("2026-11-23T10:00:00.123456Z").unwrap().with_timezone(&Utc);
        assert_eq!(decode_time_id(&encode_time_id(at, id)).unwrap(), (at, id));
        for bad in ["", "xyz", &encode_id(id).to_uppercase(), &format!("{}0", encode_id(id))] {
            assert!(decode_id(bad).is_err(), "{bad}");
        }
        let far = format!("{}{}", "7".repeat(16), encode_id(id));
        assert_eq!(decode_time_id(&far).unwrap().0, DateTime::<Utc>::MAX_UTC);
    }
}
