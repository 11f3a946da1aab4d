//! bouncebook's generator: builds the help site from `content/` and `themes/`, checks content, and runs the
//! diagnosis engine on the command line.

pub mod article;
pub mod classify;
pub mod codes;
pub mod config;
pub mod error;
pub mod library;
pub mod markdown;
pub mod output;
pub mod rules;
pub mod search;
pub mod slug;
pub mod transcript;
pub mod tree;
pub mod widget;
