//! The content model: what `content/` says, parsed and indexed. Articles ([`article`]) and decision trees
//! (`tree`), their markdown (`markdown`) and the [`library`] that holds them with the rules; the checks of
//! references between files (`links`, `aliases`) and what the articles cover ([`coverage`]).

pub mod admin;
pub(crate) mod aliases;
pub mod article;
pub mod content_ref;
pub mod coverage;
pub mod library;
pub(crate) mod links;
pub(crate) mod markdown;
pub(crate) mod slug;
pub(crate) mod tree;
