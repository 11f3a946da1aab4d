//! Reading a whole set of rule files: TOML → ordered [`RuleSet`]. Each file's role comes from its name
//! (`order.toml`, `status-codes.toml`, `reasons/*.toml`, `providers/*.toml`, read in [`super::file`]); precedence
//! is the data of order.toml. Every error names file:line:col and what was expected.
//!
//! Loading never runs the classifier: whether every rule's examples come out as their rule says is checked a
//! level above both, in `crate::verify`.

use super::file::{
    CodesFile, Ctx, Group, RuleFile, load_codes, load_provider_file, load_reason_file, location,
    toml_error,
};
use super::{Location, RuleError, RuleSet, Source};
use serde::Deserialize;
use std::collections::HashMap;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OrderFile {
    providers: Spanned<Vec<Spanned<String>>>,
    reasons: Spanned<Vec<Spanned<String>>>,
}

enum Role {
    Order,
    Codes,
    Reason(String),
    Provider(String),
}

fn role(path: &str) -> Option<Role> {
    let norm = path.replace('\\', "/");
    let mut parts = norm.rsplit('/');
    let file = parts.next()?;
    let dir = parts.next().unwrap_or("");
    let stem = file.strip_suffix(".toml")?;
    match (dir, file) {
        (_, "order.toml") => Some(Role::Order),
        (_, "status-codes.toml") => Some(Role::Codes),
        ("reasons", _) => Some(Role::Reason(stem.to_string())),
        ("providers", _) => Some(Role::Provider(stem.to_string())),
        _ => None,
    }
}

/// The rules of `sources`, or every problem in them.
pub(super) fn load(sources: &[Source<'_>]) -> Result<RuleSet, Vec<RuleError>> {
    let (set, errors) = load_parts(sources);
    if errors.is_empty() {
        Ok(set)
    } else {
        Err(errors)
    }
}

/// Everything that loaded, and every problem: a file with errors contributes what it could.
pub(super) fn load_parts(sources: &[Source<'_>]) -> (RuleSet, Vec<RuleError>) {
    let mut errors = Vec::new();
    let mut order: Option<(OrderFile, &Source<'_>)> = None;
    let mut groups: Vec<Group> = Vec::new();
    let mut set = RuleSet::default();
    let mut ids: HashMap<String, Location> = HashMap::new();
    // Files that exist but did not load (their errors are reported): order.toml must not call them missing.
    let mut broken: Vec<(bool, String)> = Vec::new();

    for src in sources {
        let Some(role) = role(src.path) else {
            errors.push(RuleError::new(
                location(src.path, src.text, 0),
                "unexpected rule file; expected order.toml, status-codes.toml, reasons/<reason>.toml or providers/<provider>.toml",
            ));
            continue;
        };
        let mut cx = Ctx {
            path: src.path,
            text: src.text,
            errors: &mut errors,
        };
        let (is_provider, stem) = match role {
            Role::Order => {
                match toml::from_str::<OrderFile>(src.text) {
                    Ok(o) => order = Some((o, src)),
                    Err(e) => cx.errors.push(toml_error(src.path, src.text, &e)),
                }
                continue;
            }
            Role::Codes => {
                match toml::from_str::<CodesFile>(src.text) {
                    Ok(c) => load_codes(&mut cx, c, &mut set),
                    Err(e) => cx.errors.push(toml_error(src.path, src.text, &e)),
                }
                continue;
            }
            Role::Reason(stem) => (false, stem),
            Role::Provider(stem) => (true, stem),
        };
        let group = match toml::from_str::<RuleFile>(src.text) {
            Ok(f) if is_provider => load_provider_file(&mut cx, &stem, f, &mut set, &mut ids),
            Ok(f) => load_reason_file(&mut cx, &stem, f, &mut set, &mut ids),
            Err(e) => {
                cx.errors.push(toml_error(src.path, src.text, &e));
                None
            }
        };
        match group {
            Some(g) => groups.push(g),
            // It exists but did not load (its errors are reported): order.toml must not call it missing.
            None => broken.push((is_provider, stem)),
        }
    }

    // Precedence is data: order.toml lists providers, then reasons. Every file must be listed.
    match order {
        None if !groups.is_empty() => errors.push(RuleError::new(
            Location {
                path: "order.toml".into(),
                line: 1,
                col: 1,
            },
            "missing order.toml: it must list every provider and reason file, earliest winning",
        )),
        None => {}
        Some((o, src)) => {
            let mut cx = Ctx {
                path: src.path,
                text: src.text,
                errors: &mut errors,
            };
            let mut ordered = Vec::new();
            for (list, is_provider) in [(&o.providers, true), (&o.reasons, false)] {
                for name in list.get_ref() {
                    match groups
                        .iter()
                        .position(|g| g.is_provider == is_provider && g.key == *name.get_ref())
                    {
                        Some(i) => ordered.push(groups.swap_remove(i)),
                        None if broken.contains(&(is_provider, name.get_ref().clone())) => {}
                        None => cx.err(
                            name.span().start,
                            format!(
                                "`{}` is listed but there is no {}/{}.toml",
                                name.get_ref(),
                                if is_provider { "providers" } else { "reasons" },
                                name.get_ref()
                            ),
                        ),
                    }
                }
            }
            for g in &groups {
                let list = if g.is_provider {
                    &o.providers
                } else {
                    &o.reasons
                };
                cx.err(
                    list.span().start,
                    format!(
                        "{}/{}.toml is not listed here; add `\"{}\"` where it should take precedence",
                        if g.is_provider { "providers" } else { "reasons" },
                        g.key,
                        g.key
                    ),
                );
            }
            for g in ordered {
                if let Some(p) = set
                    .providers
                    .iter()
                    .position(|p| p.id == g.key)
                    .filter(|_| g.is_provider)
                {
                    let provider = set.providers.remove(p);
                    set.providers.push(provider);
                }
                set.rules.extend(g.rules);
            }
        }
    }

    set.reindex();
    set.reply_codes.sort_by(|a, b| a.code.cmp(&b.code));
    (set, errors)
}
