//! bouncebook's generator: builds the help site from `content/` and `themes/`, checks content, and runs the
//! diagnosis engine on the command line.

pub mod classify;
pub mod rules;
pub mod widget;
