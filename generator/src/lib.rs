//! bouncebook's generator: builds the help site from `content/` and `themes/`, checks content, and runs the
//! diagnosis engine on the command line.
//!
//! # Where things are
//!
//! Each command of the `bouncebook` binary is a module of [`cmd`], a thin layer over the stages below. A build
//! runs them in order, each in a module named for it:
//!
//! | stage | module | what it does |
//! |---|---|---|
//! | load | [`load`] | reads `bouncebook.toml` ([`config`]), `content/` into the content model ([`content`]: articles, trees, markdown, the library) and the theme (`theme`), then checks every reference (`content::links`); the only stage that reads source files |
//! | pages | [`pages`] | what each page shows, derived once from the library (`pages::codes`: which codes get a page) |
//! | render | `render` | every page through the theme's templates, and the trees' flowcharts |
//! | search | [`search`] | the search index and what it covers |
//! | widget | `widget` | the browser checker's files and the site file it reads |
//! | output | `output` | the one place that writes: minified, staged, swapped in when all went well |
//! | (serve) | `memo` | what one build hands the next, so an edit re-renders only what it changes |
//!
//! `build` (the module) runs the stages after load; `bouncebook check` stops after load, and `bouncebook serve`
//! keeps the output in memory. Problems in content are [`error::ContentError`]s, `file:line:col: message`.

pub(crate) mod build;
pub mod cmd;
pub mod config;
pub mod content;
pub mod error;
pub mod load;
pub(crate) mod memo;
pub(crate) mod output;
pub mod pages;
pub(crate) mod render;
pub mod search;
pub(crate) mod theme;
pub(crate) mod widget;
