//! References to pages by their source file, as writers and rules write them: `@/articles/mailbox-full.md`,
//! `@/trees/start-here.toml` (the path under `content/`, as Zola's `@/` links are). One type parses them, prints
//! them and names the page's URL, so the spelling lives here and nowhere else.

use std::fmt;

/// An article or a decision tree, named by its source file.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ContentRef {
    /// `@/articles/<slug>.md`; the slug may have folders (`mail/mailbox-full`).
    Article(String),
    /// `@/trees/<slug>.toml`.
    Tree(String),
}

impl ContentRef {
    /// Reads `@/articles/<slug>.md` or `@/trees/<slug>.toml`; anything else is `None`.
    pub fn parse(text: &str) -> Option<ContentRef> {
        let rest = text.strip_prefix("@/")?;
        if let Some(slug) = rest
            .strip_prefix("articles/")
            .and_then(|s| s.strip_suffix(".md"))
        {
            return Some(ContentRef::Article(slug.to_string()));
        }
        rest.strip_prefix("trees/")
            .and_then(|s| s.strip_suffix(".toml"))
            .map(|slug| ContentRef::Tree(slug.to_string()))
    }

    /// The reference to a source file given by its path from the site root (`content/articles/x.md`).
    pub fn of_source(source: &str) -> Option<ContentRef> {
        ContentRef::parse(&format!("@/{}", source.strip_prefix("content/")?))
    }

    /// The source file's path from the site root: `content/articles/<slug>.md`, `content/trees/<slug>.toml`.
    pub fn source(&self) -> String {
        match self {
            ContentRef::Article(slug) => format!("content/articles/{slug}.md"),
            ContentRef::Tree(slug) => format!("content/trees/{slug}.toml"),
        }
    }

    /// The page's URL relative to the site root: `articles/<slug>/` or `trees/<slug>/`.
    pub fn url(&self) -> String {
        match self {
            ContentRef::Article(slug) => format!("articles/{slug}/"),
            ContentRef::Tree(slug) => format!("trees/{slug}/"),
        }
    }
}

impl fmt::Display for ContentRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ContentRef::Article(slug) => write!(f, "@/articles/{slug}.md"),
            ContentRef::Tree(slug) => write!(f, "@/trees/{slug}.toml"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_it_prints() {
        for text in [
            "@/articles/mailbox-full.md",
            "@/articles/mail/mailbox-full.md",
            "@/trees/start-here.toml",
        ] {
            let r = ContentRef::parse(text).expect(text);
            assert_eq!(r.to_string(), text);
        }
        assert_eq!(
            ContentRef::parse("@/trees/start-here.toml"),
            Some(ContentRef::Tree("start-here".into()))
        );
        assert_eq!(
            ContentRef::parse("@/articles/mail/x.md").map(|r| r.url()),
            Some("articles/mail/x/".to_string())
        );
    }

    #[test]
    fn anything_else_is_no_reference() {
        for text in [
            "articles/x.md",
            "@/articles/x.toml",
            "@/trees/x.md",
            "@/codes/550",
            "/articles/x.md",
            "",
        ] {
            assert_eq!(ContentRef::parse(text), None, "{text}");
        }
    }

    #[test]
    fn a_source_path_names_its_page() {
        assert_eq!(
            ContentRef::of_source("content/articles/mail/x.md"),
            Some(ContentRef::Article("mail/x".into()))
        );
        assert_eq!(
            ContentRef::of_source("content/trees/t.toml"),
            Some(ContentRef::Tree("t".into()))
        );
        assert_eq!(ContentRef::of_source("articles/x.md"), None);
        let r = ContentRef::Article("mail/x".into());
        assert_eq!(ContentRef::of_source(&r.source()), Some(r));
    }
}
