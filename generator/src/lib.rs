//! bouncebook's generator: builds the help site from `content/` and `themes/`, checks content, and runs the
//! diagnosis engine on the command line.

pub mod article;
pub mod check;
pub mod cmd;
pub mod codes;
pub mod config;
pub mod error;
pub mod flowchart;
pub mod library;
pub mod markdown;
pub mod output;
pub mod pages;
pub mod render;
pub mod rules;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod site;
pub mod slug;
pub mod theme;
pub mod transcript;
pub mod tree;
pub mod widget;
