//! One rule file at a time: the TOML schema of reason files, provider files and the code table, and the checks
//! on every field, each problem reported at its file:line:col with what was expected.

use super::{CodeInfo, Location, Pattern, Provider, ReasonInfo, Rule, RuleError, RuleSet, Scope};
use crate::code::{ReplyCode, StatusCode};
use crate::reason::{Actor, Reason};
use serde::Deserialize;
use std::collections::HashMap;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RuleFile {
    reason: Option<Spanned<String>>,
    provider: Option<Spanned<String>>,
    name: Option<String>,
    title: Option<String>,
    actor: Option<Spanned<String>>,
    advice: Option<String>,
    article: Option<String>,
    tree: Option<String>,
    #[serde(default)]
    hosts: Vec<Spanned<String>>,
    #[serde(default)]
    rule: Vec<Spanned<RuleEntry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleEntry {
    id: Spanned<String>,
    reason: Option<Spanned<String>>,
    #[serde(rename = "match")]
    patterns: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    reply: Vec<Spanned<String>>,
    #[serde(default)]
    status: Vec<Spanned<String>>,
    #[serde(default)]
    command: Vec<Spanned<String>>,
    scope: Option<Spanned<String>>,
    actor: Option<Spanned<String>>,
    article: Option<String>,
    tree: Option<String>,
    #[serde(rename = "code-title")]
    code_title: Option<String>,
    source: Option<String>,
    note: Option<String>,
    #[serde(default)]
    examples: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CodesFile {
    #[serde(default)]
    reply: Vec<Spanned<CodeEntry>>,
    #[serde(default)]
    status: Vec<Spanned<CodeEntry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CodeEntry {
    code: Spanned<String>,
    title: String,
    meaning: String,
    reason: Option<Spanned<String>>,
    #[serde(default)]
    decides: bool,
    #[serde(default, rename = "yields-to")]
    yields_to: Vec<Spanned<String>>,
    source: Option<String>,
}

/// The SMTP stages a rule's `command` may name.
pub(crate) const COMMANDS: &[&str] = &[
    "CONN", "HELO", "EHLO", "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA", "none",
];

pub(super) struct Ctx<'a> {
    pub path: &'a str,
    pub text: &'a str,
    pub errors: &'a mut Vec<RuleError>,
}

impl Ctx<'_> {
    fn loc(&self, offset: usize) -> Location {
        location(self.path, self.text, offset)
    }
    pub fn err(&mut self, offset: usize, msg: impl Into<String>) {
        let l = self.loc(offset);
        self.errors.push(RuleError::new(l, msg));
    }
    fn reason(&mut self, s: &Spanned<String>) -> Option<Reason> {
        match s.get_ref().parse::<Reason>() {
            Ok(r) => Some(r),
            Err(e) => {
                self.err(s.span().start, e.to_string());
                None
            }
        }
    }
    fn actor(&mut self, s: &Option<Spanned<String>>) -> Option<Actor> {
        let s = s.as_ref()?;
        match s.get_ref().as_str() {
            "sender" => Some(Actor::Sender),
            "sender-admin" => Some(Actor::SenderAdmin),
            "recipient" => Some(Actor::Recipient),
            "recipient-admin" => Some(Actor::RecipientAdmin),
            other => {
                self.err(
                    s.span().start,
                    format!("unknown actor `{other}`; expected sender, sender-admin, recipient or recipient-admin"),
                );
                None
            }
        }
    }
}

/// Turns a byte offset into a 1-based line and column (columns count characters).
pub(crate) fn location(path: &str, text: &str, offset: usize) -> Location {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Location {
        path: path.to_string(),
        line,
        col: before[line_start..].chars().count() + 1,
    }
}

pub(super) fn toml_error(path: &str, text: &str, e: &toml::de::Error) -> RuleError {
    let offset = e.span().map_or(0, |s| s.start);
    RuleError::new(
        location(path, text, offset),
        e.message().trim().to_lowercase(),
    )
}

/// The rules of one reason or provider file, which order.toml puts in place.
pub(super) struct Group {
    /// Order key: provider id or reason name.
    pub key: String,
    pub is_provider: bool,
    pub rules: Vec<Rule>,
}

pub(super) fn load_codes(cx: &mut Ctx<'_>, c: CodesFile, set: &mut RuleSet) {
    for (entries, is_status) in [(c.reply, false), (c.status, true)] {
        for e in entries {
            let start = e.span().start;
            let e = e.into_inner();
            let code = e.code.get_ref().clone();
            let valid = if is_status {
                let probe = code
                    .strip_prefix("X.")
                    .map(|rest| format!("5.{rest}"))
                    .unwrap_or(code.clone());
                StatusCode::parse(&probe).is_some()
            } else {
                ReplyCode::parse(&code).is_some()
            };
            if !valid {
                let what = if is_status {
                    "an enhanced status code like `5.1.1` or `X.1.1`"
                } else {
                    "a reply code like `550`"
                };
                cx.err(e.code.span().start, format!("`{code}` is not {what}"));
                continue;
            }
            let list = if is_status {
                &set.status_codes
            } else {
                &set.reply_codes
            };
            if let Some(prev) = list.iter().find(|p| p.code == code) {
                let msg = format!("code `{code}` is already described at {}", prev.location);
                cx.err(e.code.span().start, msg);
                continue;
            }
            let reason = e.reason.as_ref().and_then(|r| cx.reason(r));
            if e.decides && reason.is_none() {
                cx.err(
                    e.code.span().start,
                    format!("code `{code}` has `decides = true` but no `reason`"),
                );
            }
            let info = CodeInfo {
                code,
                title: e.title,
                meaning: e.meaning,
                reason,
                decides: e.decides,
                yields_to: e.yields_to.iter().filter_map(|r| cx.reason(r)).collect(),
                source: e.source,
                location: cx.loc(start),
            };
            if is_status {
                set.status_codes.push(info)
            } else {
                set.reply_codes.push(info)
            }
        }
    }
}

pub(super) fn load_reason_file(
    cx: &mut Ctx<'_>,
    stem: &str,
    f: RuleFile,
    set: &mut RuleSet,
    ids: &mut HashMap<String, Location>,
) -> Option<Group> {
    let Some(name) = &f.reason else {
        cx.err(
            0,
            format!("missing `reason = \"{stem}\"` at the top of the file"),
        );
        return None;
    };
    let reason = cx.reason(name)?;
    if name.get_ref() != stem {
        cx.err(
            name.span().start,
            format!(
                "the file for `{}` must be named reasons/{}.toml",
                name.get_ref(),
                name.get_ref()
            ),
        );
    }
    if let Some(p) = &f.provider {
        cx.err(
            p.span().start,
            "`provider` belongs in providers/<provider>.toml, not in a reason file",
        );
    }
    let actor = cx.actor(&f.actor);
    let Some(actor) = actor else {
        if f.actor.is_none() {
            cx.err(0, "missing `actor`: who must act — sender, sender-admin, recipient or recipient-admin");
        }
        return None;
    };
    set.reasons.push(ReasonInfo {
        reason,
        title: f
            .title
            .clone()
            .unwrap_or_else(|| reason.description().to_string()),
        actor,
        advice: f.advice.clone().unwrap_or_default(),
        article: f.article.clone(),
        tree: f.tree.clone(),
        location: cx.loc(0),
    });
    let rules = load_rules(cx, &f, Some(reason), None, ids);
    Some(Group {
        key: stem.to_string(),
        is_provider: false,
        rules,
    })
}

pub(super) fn load_provider_file(
    cx: &mut Ctx<'_>,
    stem: &str,
    f: RuleFile,
    set: &mut RuleSet,
    ids: &mut HashMap<String, Location>,
) -> Option<Group> {
    if let Some(r) = &f.reason {
        cx.err(
            r.span().start,
            "a provider file has no file-wide `reason`; give each rule its own `reason`",
        );
    }
    // Reason-file keys that mean nothing here: say so rather than ignore them.
    for (key, set_) in [
        ("title", f.title.is_some()),
        ("actor", f.actor.is_some()),
        ("advice", f.advice.is_some()),
        ("tree", f.tree.is_some()),
    ] {
        if set_ {
            cx.err(
                key_offset(cx.text, key),
                format!(
                    "a provider file has no file-wide `{key}`; set `{key}` on the rules it applies to (expected \
                     provider, name, hosts, article and [[rule]])"
                ),
            );
        }
    }
    if let Some(p) = &f.provider
        && p.get_ref() != stem
    {
        cx.err(
            p.span().start,
            format!(
                "the file for provider `{}` must be named providers/{}.toml",
                p.get_ref(),
                p.get_ref()
            ),
        );
    }
    for h in &f.hosts {
        if !is_domain(h.get_ref()) {
            cx.err(
                h.span().start,
                format!(
                    "host `{}` is not a domain name; expected a lowercase name like `cox.net` (it also covers \
                     `mx1.cox.net`)",
                    h.get_ref()
                ),
            );
        }
    }
    set.providers.push(Provider {
        id: stem.to_string(),
        name: f.name.clone().unwrap_or_else(|| stem.to_string()),
        hosts: f.hosts.iter().map(|h| h.get_ref().clone()).collect(),
        article: f.article.clone(),
    });
    let rules = load_rules(cx, &f, None, Some(stem), ids);
    Some(Group {
        key: stem.to_string(),
        is_provider: true,
        rules,
    })
}

fn load_rules(
    cx: &mut Ctx<'_>,
    f: &RuleFile,
    file_reason: Option<Reason>,
    provider: Option<&str>,
    ids: &mut HashMap<String, Location>,
) -> Vec<Rule> {
    let mut rules = Vec::new();
    for entry in &f.rule {
        let at = entry.span().start;
        let e = entry.get_ref();
        let id = e.id.get_ref().trim().to_string();
        let loc = cx.loc(e.id.span().start);
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        {
            cx.err(
                e.id.span().start,
                format!("rule id `{id}` must be letters, digits, `.`, `-` or `_`"),
            );
        }
        if let Some(prev) = ids.get(&id) {
            let msg = format!("duplicate rule id `{id}`; first defined at {prev}");
            cx.err(e.id.span().start, msg);
            continue;
        }
        ids.insert(id.clone(), loc.clone());
        let reason = match (&e.reason, file_reason) {
            (Some(r), None) => cx.reason(r),
            (Some(r), Some(_)) => {
                let msg = if r.get_ref() == file_reason.map(|f| f.as_str()).unwrap_or_default() {
                    "remove `reason`: a rule in a reason file takes the file's reason".to_string()
                } else {
                    format!(
                        "a rule in a reason file takes the file's reason; move it to reasons/{}.toml (or remove \
                         `reason` to keep it here)",
                        r.get_ref()
                    )
                };
                cx.err(r.span().start, msg);
                None
            }
            (None, Some(r)) => Some(r),
            (None, None) => {
                cx.err(at, format!("rule `{id}` needs a `reason`"));
                None
            }
        };
        let mut patterns = Vec::new();
        for p in e.patterns.get_ref() {
            match Pattern::new(p.get_ref()) {
                Some(pat) => patterns.push(pat),
                None => cx.err(
                    p.span().start,
                    "a pattern needs some text besides `*` and spaces",
                ),
            }
        }
        if e.patterns.get_ref().is_empty() {
            cx.err(
                e.patterns.span().start,
                format!("rule `{id}` has an empty `match`; list at least one phrase"),
            );
        }
        for r in &e.reply {
            let v = r.get_ref();
            let ok = (v.len() == 1 && matches!(v.as_str(), "2" | "4" | "5"))
                || ReplyCode::parse(v).is_some();
            if !ok {
                cx.err(r.span().start, format!("`{v}` is not a reply code; expected three digits like `550` or a class `4`/`5`"));
            }
        }
        for s in &e.status {
            let v = s.get_ref();
            let ok = !v.is_empty()
                && v.split('.').count() <= 3
                && v.split('.').enumerate().all(|(i, p)| {
                    if i == 0 {
                        matches!(p, "2" | "4" | "5")
                    } else {
                        !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit())
                    }
                });
            if !ok {
                cx.err(
                    s.span().start,
                    format!(
                        "`{v}` is not a status code or prefix; expected like `5.7.1`, `5.7` or `5`"
                    ),
                );
            }
        }
        for c in &e.command {
            if !COMMANDS.contains(&c.get_ref().as_str()) {
                cx.err(
                    c.span().start,
                    format!(
                        "unknown command `{}`; expected one of {}",
                        c.get_ref(),
                        COMMANDS.join(", ")
                    ),
                );
            }
        }
        if e.examples.is_empty() {
            cx.err(
                at,
                format!("rule `{id}` has no `examples`; add at least one error text it must match"),
            );
        }
        let scope = match e.scope.as_ref().map(|s| (s, s.get_ref().as_str())) {
            None | Some((_, "anywhere")) => Scope::Anywhere,
            Some((s, "hosts")) => {
                if provider.is_none() {
                    cx.err(
                        s.span().start,
                        "`scope = \"hosts\"` is for provider rules; a reason file's wordings apply anywhere",
                    );
                } else if f.hosts.is_empty() {
                    cx.err(
                        s.span().start,
                        format!(
                            "rule `{id}` applies only to the provider's hosts, but the file lists no `hosts`; add \
                             the domains of its mail servers, like `hosts = [\"example.net\"]`"
                        ),
                    );
                }
                Scope::Hosts
            }
            Some((s, other)) => {
                cx.err(
                    s.span().start,
                    format!("unknown scope `{other}`; expected `anywhere` or `hosts`"),
                );
                Scope::Anywhere
            }
        };
        let actor = cx.actor(&e.actor);
        let Some(reason) = reason else { continue };
        rules.push(Rule {
            id,
            reason,
            provider: provider.map(str::to_string),
            patterns,
            reply: e.reply.iter().map(|s| s.get_ref().clone()).collect(),
            status: e.status.iter().map(|s| s.get_ref().clone()).collect(),
            command: e.command.iter().map(|s| s.get_ref().clone()).collect(),
            scope,
            actor,
            article: e.article.clone(),
            tree: e.tree.clone(),
            code_title: e.code_title.clone(),
            source: e.source.clone(),
            note: e.note.clone(),
            examples: e.examples.iter().map(|s| s.get_ref().clone()).collect(),
            location: loc,
        });
    }
    rules
}

/// Whether `s` is a lowercase domain name with at least two labels (`cox.net`).
fn is_domain(s: &str) -> bool {
    s.contains('.')
        && s.split('.').all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

/// Offset of the top-level line that sets `key` (`key = ...`), or 0.
fn key_offset(text: &str, key: &str) -> usize {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.trim_start().starts_with('[') {
            break;
        }
        if let Some(rest) = line.trim_start().strip_prefix(key)
            && rest.trim_start().starts_with('=')
        {
            return offset + (line.len() - line.trim_start().len());
        }
        offset += line.len();
    }
    0
}
