use super::Location;
use std::fmt;

/// A problem in a rule file, with where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleError {
    /// Where the problem is (the file's start when nothing closer is known).
    pub location: Location,
    /// What is wrong and what was expected, lowercase.
    pub message: String,
}

impl RuleError {
    /// A problem at `location`.
    pub fn new(location: Location, message: impl Into<String>) -> RuleError {
        RuleError {
            location,
            message: message.into(),
        }
    }
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

impl std::error::Error for RuleError {}
