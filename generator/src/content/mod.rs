//! The content model: articles, decision trees and the library that holds them with the rules.

pub mod aliases;
pub mod article;
pub mod content_ref;
pub mod coverage;
pub mod library;
pub mod links;
pub mod markdown;
pub mod slug;
pub mod tree;
