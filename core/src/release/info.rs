//! `release.Info`: timestamps, status, description and notes of a revision.

use super::status::Status;
use super::time::Timestamp;

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Info {
    pub first_deployed: Timestamp,
    pub last_deployed: Timestamp,
    pub deleted: Timestamp,
    pub description: String,
    pub status: Status,
    pub notes: String,
}
