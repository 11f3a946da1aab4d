//! Rendering: every page of the site, in parallel, through the theme's Tera templates, into
//! [`Output::write_output`](crate::output::Output::write_output).
//!
//! Pages are listed first as small jobs and rendered in parallel with rayon; each job builds its own values
//! ([`crate::pages`]), so memory stays proportional to the pages being rendered, not to the site.

use crate::config::Settings;
use crate::content::library::Library;
use crate::memo::{Fingerprint, Key, Memo};
use crate::output::Output;
use crate::pages::{self, Catalog, article_card, root_for, tree_card};
use crate::theme::Theme;
use anyhow::{Context, Result};
use diagnosis::Reason;
use rayon::prelude::*;
use serde::Serialize;
use std::sync::Arc;

pub mod flowchart;

/// Site-wide values every template receives as `site`.
#[derive(Debug, Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: &'a str,
    language: &'a str,
    base_url: &'a str,
}

/// The page itself, as `page`.
#[derive(Debug, Serialize)]
struct PageView<'a> {
    /// Kind of page (`home`, `article`, `code`, ...), for templates and CSS.
    kind: &'a str,
    title: &'a str,
    description: &'a str,
    /// URL relative to the root (`articles/x/`).
    url: &'a str,
    /// Absolute URL.
    permalink: String,
    /// "Edit this page" link, if configured and the page has a source file.
    edit_url: Option<String>,
}

/// One page to render.
#[derive(Clone, Copy, Debug)]
enum Job<'a> {
    Home,
    Article(usize),
    Articles,
    Code(usize),
    Codes,
    /// Where the paste form leads without JavaScript: every code, reason and tree on one static page.
    Find,
    Reason(Reason),
    Reasons,
    Tag(&'a str),
    Tags,
    Trees,
    Step(usize, usize),
    Flowchart(usize),
    Search,
    NotFound,
    Alias(usize, usize),
    /// A newer Sisimai name's page (`reasons/ratelimited/`), redirecting to the reason it answers to.
    ReasonAlias(&'static str, Reason),
    Sitemap,
    Feed,
    Robots,
}

/// What the renderer needs besides the library.
pub struct Renderer<'a> {
    pub settings: &'a Settings,
    pub catalog: &'a Catalog<'a>,
    pub theme: &'a Theme,
    /// Whether the site has the browser checker.
    pub widget: bool,
    /// Per tree: each step's parents and depth, computed once.
    pub tree_shapes: Vec<(Vec<Vec<usize>>, Vec<usize>)>,
    /// Pages rendered by an earlier build (`serve`), by theme and values: only new values are rendered.
    pub memo: Option<&'a Memo>,
    /// The theme's fingerprint, for [`Renderer::memo`].
    pub theme_key: Key,
}

/// Each tree's parents and depths per step, for [`Renderer::tree_shapes`].
pub fn tree_shapes(lib: &Library) -> Vec<(Vec<Vec<usize>>, Vec<usize>)> {
    lib.trees
        .iter()
        .map(|t| (t.parents(), t.depths()))
        .collect()
}

impl Renderer<'_> {
    fn lib(&self) -> &Library {
        self.catalog.lib
    }

    fn jobs(&self) -> Vec<Job<'_>> {
        let lib = self.lib();
        let mut jobs = vec![
            Job::Home,
            Job::Articles,
            Job::Codes,
            Job::Find,
            Job::Reasons,
            Job::Tags,
            Job::Trees,
            Job::Search,
            Job::NotFound,
            Job::Sitemap,
            Job::Feed,
            Job::Robots,
        ];
        jobs.extend((0..lib.articles.len()).map(Job::Article));
        jobs.extend((0..self.catalog.codes.len()).map(Job::Code));
        jobs.extend(Reason::ALL.iter().map(|r| Job::Reason(*r)));
        jobs.extend(
            diagnosis::NEWER_NAMES
                .iter()
                .map(|(name, reasons)| Job::ReasonAlias(name, reasons[0])),
        );
        jobs.extend(self.catalog.tags.keys().map(|t| Job::Tag(t.as_str())));
        for (t, tree) in lib.trees.iter().enumerate() {
            jobs.push(Job::Flowchart(t));
            jobs.extend((0..tree.steps.len()).map(|s| Job::Step(t, s)));
        }
        for (i, a) in lib.articles.iter().enumerate() {
            jobs.extend((0..a.aliases.len()).map(|k| Job::Alias(i, k)));
        }
        jobs
    }

    /// Renders and writes every page; returns how many.
    pub fn render_all(&self, out: &Output) -> Result<usize> {
        let jobs = self.jobs();
        jobs.par_iter().try_for_each(|job| {
            let (path, bytes) = self
                .render(*job)
                .with_context(|| format!("failed to render {}", self.describe(*job)))?;
            out.write_output(&path, &bytes)
        })?;
        Ok(jobs.len())
    }

    /// Renders one page of each kind, writing nothing, and returns every template error at its file:line:col
    /// (`check`: a template that cannot render is found before `build`).
    pub fn check_samples(&self) -> Vec<crate::error::ContentError> {
        let mut seen = Vec::new();
        let mut errors = Vec::new();
        for job in self.jobs() {
            let kind = std::mem::discriminant(&job);
            if seen.contains(&kind) {
                continue;
            }
            seen.push(kind);
            if let Err(e) = self.render(job) {
                let found = match e.downcast_ref::<crate::error::ContentError>() {
                    Some(c) => c.clone(),
                    None => crate::error::ContentError::file("a template", format!("{e:#}")),
                };
                let message = format!("{} (rendering {})", found.message, self.describe(job));
                errors.push(crate::error::ContentError { message, ..found });
            }
        }
        errors
    }

    /// The page a job renders, and its source file when it has one, for errors.
    fn describe(&self, job: Job<'_>) -> String {
        let lib = self.lib();
        match job {
            Job::Article(i) | Job::Alias(i, _) => {
                let a = &lib.articles[i];
                format!("the page {} of {}", a.url, a.display)
            }
            Job::Step(t, _) | Job::Flowchart(t) => {
                let tree = &lib.trees[t];
                format!("the page {} of {}", tree.url, tree.display)
            }
            other => format!("the page {other:?}"),
        }
    }

    fn context(&self, kind: &str, url: &str, title: &str, description: &str) -> tera::Context {
        self.page_context(kind, url, title, description, None)
    }

    /// The context of a page made from a source file (`content/articles/x.md`): with an "edit this page" link,
    /// when the site has one.
    fn source_context(
        &self,
        kind: &str,
        url: &str,
        title: &str,
        description: &str,
        source: &str,
    ) -> tera::Context {
        let edit_url = self.settings.edit_url.as_ref();
        let edit_url = edit_url.map(|edit| edit.replace("{path}", source));
        self.page_context(kind, url, title, description, edit_url)
    }

    fn page_context(
        &self,
        kind: &str,
        url: &str,
        title: &str,
        description: &str,
        edit_url: Option<String>,
    ) -> tera::Context {
        let mut ctx = tera::Context::new();
        let s = self.settings;
        ctx.insert(
            "site",
            &SiteView {
                title: &s.title,
                description: &s.description,
                language: &s.language,
                base_url: &s.base_url,
            },
        );
        ctx.insert("root", &root_for(url));
        ctx.insert(
            "page",
            &PageView {
                kind,
                title,
                description,
                url,
                permalink: format!("{}{url}", s.base_url),
                edit_url,
            },
        );
        ctx.insert("has_checker", &self.widget);
        ctx
    }

    fn template(&self, name: &str, ctx: &tera::Context) -> Result<Vec<u8>> {
        let render = || {
            self.theme
                .tera
                .render(name, ctx)
                .map(String::into_bytes)
                .map_err(|e| anyhow::Error::new(self.theme.render_error(&e)))
        };
        let Some(memo) = self.memo else {
            return render();
        };
        // A template's output is a function of the theme and the values it is given; nothing else reaches it
        // (the one function the theme registers, `asset`, reads the theme's own files).
        let key = Fingerprint::new("page")
            .key(self.theme_key)
            .bytes(name.as_bytes())
            .debug(ctx)
            .finish();
        let page = memo.pages.try_get_or(key, || render().map(Arc::new))?;
        Ok(page.to_vec())
    }

    fn page(&self, template: &str, url: &str, ctx: &tera::Context) -> Result<(String, Vec<u8>)> {
        Ok((format!("{url}index.html"), self.template(template, ctx)?))
    }

    fn render(&self, job: Job<'_>) -> Result<(String, Vec<u8>)> {
        let lib = self.lib();
        let cat = self.catalog;
        let s = self.settings;
        match job {
            Job::Home => {
                let mut ctx = self.context("home", "", &s.title, &s.description);
                let fallback = self.template("checker-fallback.html", &ctx)?;
                let fallback = String::from_utf8_lossy(&fallback).into_owned();
                let checker = if self.widget {
                    crate::widget::snippet("", &fallback)
                } else {
                    fallback
                };
                ctx.insert("checker", &checker);
                ctx.insert(
                    "trees",
                    &lib.trees.iter().map(tree_card).collect::<Vec<_>>(),
                );
                let common: Vec<_> = crate::pages::codes::most_common(&cat.codes, 8)
                    .into_iter()
                    .map(|c| {
                        serde_json::json!({
                            "code": cat.code_view(&c.code),
                            // The article whose subject the code is (`primary-codes`), else none: the code's
                            // own page lists every article that mentions it.
                            "article": lib
                                .articles
                                .iter()
                                .find(|a| !a.for_writers() && a.primary_codes.contains(&c.code))
                                .map(article_card),
                        })
                    })
                    .collect();
                ctx.insert("common", &common);
                let mut recent = cat.newest_first();
                recent.truncate(6);
                ctx.insert("recent", &cat.cards(&recent));
                ctx.insert("article_count", &cat.readers_articles().len());
                self.page("home.html", "", &ctx)
            }
            Job::Article(i) => {
                let a = &lib.articles[i];
                let mut ctx =
                    self.source_context("article", &a.url, &a.title, &a.summary, &a.source);
                ctx.insert("article", &cat.article_view(i));
                self.page("article.html", &a.url, &ctx)
            }
            Job::Articles => {
                let url = "articles/";
                let mut ctx =
                    self.context("articles", url, "All articles", "Every article, A to Z.");
                let mut order: Vec<usize> = (0..lib.articles.len()).collect();
                order.sort_by(|&a, &b| {
                    lib.articles[a]
                        .title
                        .to_lowercase()
                        .cmp(&lib.articles[b].title.to_lowercase())
                });
                // Readers' articles; the writers' pages apart, under their own heading.
                let (writers, readers): (Vec<usize>, Vec<usize>) = order
                    .into_iter()
                    .partition(|&i| lib.articles[i].for_writers());
                ctx.insert("articles", &cat.cards(&readers));
                ctx.insert("writers", &cat.cards(&writers));
                self.page("articles.html", url, &ctx)
            }
            Job::Code(i) => {
                let c = &cat.codes[i];
                let view = cat.code_page_view(c);
                let title = if view.title.is_empty() {
                    c.code.clone()
                } else {
                    format!("{}: {}", c.code, view.title)
                };
                let description = if view.meaning.is_empty() {
                    format!("What the SMTP code {} means, and how to fix it.", c.code)
                } else {
                    view.meaning.clone()
                };
                let mut ctx = self.context("code", &c.url, &title, &description);
                ctx.insert("code", &view);
                self.page("code.html", &c.url, &ctx)
            }
            Job::Codes => {
                let url = "codes/";
                let mut ctx = self.context(
                    "codes",
                    url,
                    "SMTP reply codes and enhanced status codes",
                    "Every SMTP reply code and enhanced status code this site explains.",
                );
                let (reply, status) = cat.code_index();
                ctx.insert("reply_codes", &reply);
                ctx.insert("status_codes", &status);
                self.page("codes.html", url, &ctx)
            }
            Job::Find => {
                let url = "find/";
                let mut ctx = self.context(
                    "find",
                    url,
                    "Find your error",
                    "Find the code or the words of your bounce: every error code and reason this site explains, and the step-by-step help.",
                );
                let (reply, status) = cat.code_index();
                ctx.insert("reply_codes", &reply);
                ctx.insert("status_codes", &status);
                ctx.insert("reasons", &reason_index(cat));
                ctx.insert(
                    "trees",
                    &lib.trees.iter().map(tree_card).collect::<Vec<_>>(),
                );
                self.page("find.html", url, &ctx)
            }
            Job::Reason(r) => {
                let view = cat.reason_page_view(r);
                let url = view.reason.url.clone();
                let mut ctx = self.context("reason", &url, &view.reason.title, &view.description);
                ctx.insert("reason", &view);
                self.page("reason.html", &url, &ctx)
            }
            Job::Reasons => {
                let url = "reasons/";
                let mut ctx = self.context(
                    "reasons",
                    url,
                    "Why mail bounces",
                    "Every reason a message bounces.",
                );
                ctx.insert("reasons", &reason_index(cat));
                self.page("reasons.html", url, &ctx)
            }
            Job::Tag(tag) => {
                let url = format!("tags/{tag}/");
                let mut ctx = self.context("tag", &url, tag, &format!("Articles tagged {tag}."));
                ctx.insert("tag", tag);
                ctx.insert(
                    "articles",
                    &cat.cards(cat.tags.get(tag).map_or(&[], Vec::as_slice)),
                );
                self.page("tag.html", &url, &ctx)
            }
            Job::Tags => {
                let url = "tags/";
                let mut ctx = self.context("tags", url, "Tags", "Articles by topic.");
                ctx.insert("tags", &cat.tag_views());
                self.page("tags.html", url, &ctx)
            }
            Job::Trees => {
                let url = "trees/";
                let mut ctx = self.context(
                    "trees",
                    url,
                    "Step-by-step help",
                    "Answer a few questions to find the fix.",
                );
                ctx.insert(
                    "trees",
                    &lib.trees.iter().map(tree_card).collect::<Vec<_>>(),
                );
                self.page("trees.html", url, &ctx)
            }
            Job::Step(t, i) => {
                let tree = &lib.trees[t];
                let (parents, depths) = &self.tree_shapes[t];
                let view = pages::step_view(lib, tree, i, &parents[i], depths[i]);
                let url = tree.step_url(i);
                let title = if i == tree.start {
                    tree.title.clone()
                } else {
                    format!("{} – {}", view.text, tree.title)
                };
                let mut ctx =
                    self.source_context("tree", &url, &title, &tree.summary, &tree.source);
                ctx.insert("tree", &tree_card(tree));
                ctx.insert("tree_slug", &tree.slug);
                ctx.insert("start_url", &tree.url);
                ctx.insert("step", &view);
                if i == tree.start {
                    ctx.insert("wizard", &pages::wizard::wizard(lib, tree));
                    ctx.insert("flow_list", &flowchart::list(tree));
                }
                self.page("tree-step.html", &url, &ctx)
            }
            Job::Flowchart(t) => {
                let tree = &lib.trees[t];
                Ok((
                    format!("trees/{}.svg", tree.slug),
                    flowchart::render(tree).into_bytes(),
                ))
            }
            Job::Search => {
                let url = "search/";
                let ctx = self.context(
                    "search",
                    url,
                    "Search",
                    "Search the help by error message or code.",
                );
                self.page("search.html", url, &ctx)
            }
            Job::NotFound => {
                let mut ctx = self.context("404", "404.html", "Page not found", "");
                // Hosts serve this page at any address, so its links must not be relative.
                ctx.insert("root", &s.base_path);
                Ok(("404.html".to_string(), self.template("404.html", &ctx)?))
            }
            Job::Alias(i, k) => {
                let a = &lib.articles[i];
                let path = &a.aliases[k].path;
                let mut ctx = self.context("redirect", path, &a.title, &a.summary);
                ctx.insert("target", &a.url);
                Ok((path.clone(), self.template("redirect.html", &ctx)?))
            }
            Job::ReasonAlias(name, r) => {
                let path = format!("reasons/{name}/index.html");
                let view = cat.reason_view(r);
                let mut ctx = self.context("redirect", &path, &view.title, r.description());
                ctx.insert("target", &view.url);
                Ok((path, self.template("redirect.html", &ctx)?))
            }
            Job::Sitemap => {
                let mut ctx = self.context("sitemap", "sitemap.xml", "", "");
                ctx.insert("entries", &self.sitemap());
                Ok((
                    "sitemap.xml".to_string(),
                    self.template("sitemap.xml", &ctx)?,
                ))
            }
            Job::Feed => {
                let mut ctx = self.context("feed", "atom.xml", &s.title, &s.description);
                let mut order = cat.newest_first();
                order.truncate(50);
                let entries: Vec<_> = order
                    .iter()
                    .map(|&i| {
                        let a = &lib.articles[i];
                        serde_json::json!({
                            "title": a.title,
                            "url": a.url,
                            "summary": a.summary,
                            "updated": format!("{}T00:00:00Z", a.updated),
                        })
                    })
                    .collect();
                let updated = order.first().map_or_else(
                    || "1970-01-01T00:00:00Z".to_string(),
                    |&i| format!("{}T00:00:00Z", lib.articles[i].updated),
                );
                ctx.insert("entries", &entries);
                ctx.insert("updated", &updated);
                Ok(("atom.xml".to_string(), self.template("atom.xml", &ctx)?))
            }
            Job::Robots => {
                let ctx = self.context("robots", "robots.txt", "", "");
                Ok(("robots.txt".to_string(), self.template("robots.txt", &ctx)?))
            }
        }
    }

    /// Every indexable page: `{url, updated}` (URL relative to the root, last modified date or empty).
    fn sitemap(&self) -> Vec<serde_json::Value> {
        self.sitemap_entries()
            .into_iter()
            .map(|(url, updated)| serde_json::json!({ "url": url, "updated": updated }))
            .collect()
    }

    fn sitemap_entries(&self) -> Vec<(String, String)> {
        let lib = self.lib();
        let mut entries: Vec<(String, String)> = [
            "",
            "articles/",
            "codes/",
            "find/",
            "reasons/",
            "tags/",
            "trees/",
        ]
        .iter()
        .map(|u| (u.to_string(), String::new()))
        .collect();
        entries.extend(
            lib.articles
                .iter()
                .map(|a| (a.url.clone(), a.updated.clone())),
        );
        entries.extend(
            self.catalog
                .codes
                .iter()
                .map(|c| (c.url.clone(), String::new())),
        );
        entries.extend(
            Reason::ALL
                .iter()
                .map(|r| (format!("reasons/{}/", r.as_str()), String::new())),
        );
        entries.extend(
            self.catalog
                .tags
                .keys()
                .map(|t| (format!("tags/{t}/"), String::new())),
        );
        // A tree's steps are one page to a search engine: list the start only.
        entries.extend(lib.trees.iter().map(|t| (t.url.clone(), String::new())));
        entries
    }
}

/// Every reason with its page, description and article count (the reasons index and the find page).
fn reason_index(cat: &Catalog<'_>) -> Vec<serde_json::Value> {
    Reason::ALL
        .iter()
        .map(|r| {
            serde_json::json!({
                "reason": cat.reason_view(*r),
                "description": r.description(),
                "count": cat.reason_articles(*r).len(),
            })
        })
        .collect()
}
