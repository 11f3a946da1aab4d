//! Where `classify`'s answers link: pages a reader can open, never the `@/articles/…` source keys rules use.
//! With `--root`, the site's own pages under its `base-url`; with the bundled rules, the bundled knowledge base's
//! pages under its `base-url` (build.rs lists them from `content/`). The engine resolves the keys
//! (`diagnosis::explain::Pages`); only the generator knows sites, files and URLs.

use diagnosis::site::{Page, Site};

mod bundled {
    include!(concat!(env!("OUT_DIR"), "/bundled_pages.rs"));
}

/// A site's page list and the URL it is published under.
#[derive(Debug)]
pub struct SitePages {
    /// Article and tree keys to their pages.
    pub site: Site,
    /// The knowledge base's URL (`https://help.example.com/`).
    pub base_url: String,
}

impl SitePages {
    /// The pages of the knowledge base built into this bouncebook, which the bundled rules point to.
    pub fn bundled() -> SitePages {
        let mut site = Site::default();
        for (key, url, title) in bundled::PAGES {
            let page = Page {
                url: (*url).to_string(),
                title: (*title).to_string(),
            };
            if key.starts_with("@/trees/") {
                site.trees.insert((*key).to_string(), page);
            } else {
                site.articles.insert((*key).to_string(), page);
            }
        }
        SitePages {
            site,
            base_url: bundled::BASE_URL.to_string(),
        }
    }
}

impl SitePages {
    /// The rules and pages of the site at `root` (`classify --root`). The error says what is wrong with it.
    pub fn of_site(root: &std::path::Path) -> anyhow::Result<(diagnosis::RuleSet, SitePages)> {
        let site = match crate::load::load_site(root, crate::config::Overrides::default())? {
            Ok(site) => site,
            Err(errors) => return Err(problems(root, &errors)),
        };
        if !site.errors.is_empty() {
            return Err(problems(root, &site.errors));
        }
        let file = crate::build::site_file(&site, None).into_site();
        Ok((
            (*site.library.rules).clone(),
            SitePages {
                site: file,
                base_url: site.settings.base_url.clone(),
            },
        ))
    }
}

fn problems(root: &std::path::Path, errors: &[crate::error::ContentError]) -> anyhow::Error {
    super::print_problems(errors);
    anyhow::anyhow!(
        "{} problem(s) in the site at {}; fix what `bouncebook check` reports, then classify again",
        errors.len(),
        root.display()
    )
}
