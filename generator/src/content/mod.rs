//! The content model: articles, decision trees and the library that holds them with the rules.

pub mod article;
pub mod library;
pub mod markdown;
pub mod slug;
pub mod tree;
