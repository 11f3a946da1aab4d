//! bouncebook's generator: builds the help site from `content/` and `themes/`, checks content, and runs the
//! diagnosis engine on the command line.

pub mod build;
pub mod cmd;
pub mod config;
pub mod content;
pub mod error;
pub mod load;
pub mod output;
pub mod pages;
pub mod render;
pub mod search;
pub mod theme;
pub mod widget;
