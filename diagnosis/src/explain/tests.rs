//! The explained answer on pasted strings, with a small site's pages and the bundled rules.

use super::*;

fn site() -> Site {
    let mut site = Site::default();
    site.articles.insert(
        "@/articles/mailbox-full.md".into(),
        Page {
            url: "articles/mailbox-full/".into(),
            title: "The mailbox is full".into(),
        },
    );
    site.trees.insert(
        "@/trees/start.toml".into(),
        Page {
            url: "trees/start/".into(),
            title: "Start here".into(),
        },
    );
    site.start_tree = Some("@/trees/start.toml".into());
    site.search_page = Some("search/?q=".into());
    site
}

fn report(text: &str) -> Report {
    let rules = RuleSet::bundled();
    let d = crate::classify(text.as_bytes(), rules);
    let site = site();
    let pages = Pages::Site {
        site: &site,
        base: "https://help.example/kb/",
    };
    explain(text, &d, rules, &pages)
}

#[test]
fn a_full_mailbox_gets_title_codes_actor_and_article() {
    let r = report("550 5.2.2 <ann@example.org>: Mailbox is full");
    assert!(r.recognised);
    assert_eq!(r.kind, Kind::Bounce);
    let c = &r.bounces[0];
    assert_eq!(c.reason, Reason::MailboxFull);
    assert_eq!(c.recipient.as_deref(), Some("ann@example.org"));
    assert_eq!(c.actor, Actor::Recipient);
    assert!(c.title.contains("full"), "{}", c.title);
    assert!(c.status.as_ref().and_then(|s| s.meaning.as_ref()).is_some());
    assert!(c.reply.as_ref().and_then(|s| s.meaning.as_ref()).is_some());
    assert_eq!(
        c.article.as_ref().map(|a| a.url.as_str()),
        Some("https://help.example/kb/articles/mailbox-full/")
    );
    assert!(!r.evidence.is_empty());
    assert_eq!(
        r.start_tree.as_ref().map(|t| t.title.as_str()),
        Some("Start here")
    );
}

#[test]
fn what_decided_is_written_as_the_json_writes_it() {
    let r = report("550 5.2.1 <ana@example.net>: mailbox is dormant");
    assert_eq!(r.bounces[0].rules, ["status-code:X.2.1"]);
}

#[test]
fn without_a_site_links_name_the_content_files() {
    let text = "552 5.2.2 <ann@example.org>: Mailbox is full";
    let rules = RuleSet::bundled();
    let r = explain(
        text,
        &crate::classify(text.as_bytes(), rules),
        rules,
        &Pages::Sources,
    );
    let article = r.bounces[0].article.as_ref().expect("the reason's article");
    assert!(article.url.starts_with("@/articles/"), "{article:?}");
    assert_eq!((r.search, r.start_tree), (None, None));
}

#[test]
fn a_reference_the_site_does_not_list_gets_no_link() {
    let r = report("550 5.1.1 <bob@example.com>: user unknown");
    assert_eq!(r.bounces[0].reason, Reason::UserUnknown);
    assert_eq!(r.bounces[0].article, None);
}

#[test]
fn nothing_recognised_still_offers_search() {
    let r = report("hello, how are you?");
    assert!(!r.recognised);
    assert_eq!(
        r.search.as_deref(),
        Some("https://help.example/kb/search/?q=hello%2C+how+are+you%3F")
    );
}

#[test]
fn utf16_offsets_count_surrogate_pairs() {
    // "é" is 2 bytes / 1 unit; "😀" is 4 bytes / 2 units.
    let text = "é😀 550 5.1.1 <bob@example.com>: user unknown";
    let r = report(text);
    for s in r.evidence.iter().chain(&r.bounces[0].evidence) {
        let expected: usize = text[..s.start].encode_utf16().count();
        assert_eq!(s.start16, expected);
        assert_eq!(
            s.end16 - s.start16,
            text[s.start..s.end].encode_utf16().count()
        );
    }
    assert!(!r.evidence.is_empty());
}

#[test]
fn merge_lets_the_stronger_kind_win_and_joins_neighbours() {
    use EvidenceKind::*;
    let m = merge(&[(0, 20, Diagnostic), (4, 9, Status), (9, 12, Status)]);
    let got: Vec<_> = m.iter().map(|s| (s.start, s.end, s.kind)).collect();
    assert_eq!(
        got,
        vec![(0, 4, Diagnostic), (4, 12, Status), (12, 20, Diagnostic)]
    );
}

#[test]
fn clamp_keeps_spans_on_char_boundaries() {
    assert_eq!(clamp("aé", 0, 2), Some((0, 1)));
    assert_eq!(clamp("abc", 2, 99), Some((2, 3)));
    assert_eq!(clamp("abc", 3, 3), None);
}

#[test]
fn the_report_reads_back_as_it_was_written() {
    let r = report("552 5.2.2 <ann@example.org>: Mailbox is full");
    let json = serde_json::to_string(&r).expect("json");
    assert!(json.contains(r#""kind":"bounce""#), "{json}");
    assert!(json.contains(r#""reason":"mailboxfull""#), "{json}");
    assert!(json.contains(r#""actor":"recipient""#), "{json}");
    assert!(json.contains(r#""reason_legacy":"mailboxfull""#), "{json}");
    let back: Report = serde_json::from_str(&json).expect("reads back");
    assert_eq!(back, r);
}

#[test]
fn reasons_are_named_as_asked() {
    let text = "552 5.3.4 <ann@example.org>: Message size exceeds fixed limit";
    let rules = RuleSet::bundled();
    let d = crate::classify(text.as_bytes(), rules);
    let legacy = explain(text, &d, rules, &Pages::Sources);
    assert_eq!(legacy.bounces[0].reason, Reason::MesgTooBig);
    assert_eq!(legacy.bounces[0].reason_name, "mesgtoobig");
    let current = explain_with(text, &d, rules, &Pages::Sources, ReasonNames::Current);
    assert_eq!(current.bounces[0].reason, Reason::MesgTooBig);
    assert_eq!(current.bounces[0].reason_name, "emailtoolarge");
    let json = serde_json::to_string(&current).expect("json");
    assert!(json.contains(r#""reason":"emailtoolarge""#), "{json}");
    assert!(json.contains(r#""reason_legacy":"mesgtoobig""#), "{json}");
    let back: Report = serde_json::from_str(&json).expect("reads back");
    assert_eq!(back, current);
}

fn report_with_unknown_page(text: &str) -> Report {
    let rules = RuleSet::bundled();
    let d = crate::classify(text.as_bytes(), rules);
    let mut site = site();
    site.articles.insert(
        "@/articles/unknown-bounces.md".into(),
        Page {
            url: "articles/unknown-bounces/".into(),
            title: "A bounce the checker couldn't classify".into(),
        },
    );
    let pages = Pages::Site {
        site: &site,
        base: "https://help.example/kb/",
    };
    explain(text, &d, rules, &pages)
}

// Issue 13: a full mailbox is a permanent report (the server stopped trying) whose cause can clear (RFC 3463
// X.2.2 is a persistent transient failure), so the card must not say both "will fail the same way" and
// "retrying later works".
#[test]
fn issue_13_a_full_mailbox_stopped_but_sending_later_can_work() {
    let c = &report("550 5.2.2 <ann@example.org>: Mailbox is full").bounces[0];
    assert_eq!(c.permanent, Some(true));
    assert_eq!(c.stopped, Some(true));
    assert!(c.retry_later);
    assert!(!c.hard_bounce);
}

#[test]
fn issue_13_an_unknown_user_stopped_and_sending_again_cannot_work() {
    let c =
        &report("550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown").bounces[0];
    assert_eq!(c.stopped, Some(true));
    assert!(c.hard_bounce);
    assert!(!c.retry_later);
}

#[test]
fn issue_13_a_blocked_sender_stopped_and_needs_a_fix_first() {
    let c = &report(
        "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org",
    )
    .bounces[0];
    assert_eq!(c.stopped, Some(true));
    assert!(!c.retry_later, "{c:?}");
}

#[test]
fn issue_13_a_delay_is_still_being_retried() {
    let text = "Action: delayed\nStatus: 4.2.2\nFinal-Recipient: rfc822; ann@example.org\n\
                Diagnostic-Code: smtp; 452 4.2.2 Mailbox full";
    let c = &report(text).bounces[0];
    assert_eq!(c.stopped, Some(false));
    assert!(c.retry_later);
}

#[test]
fn issue_13_a_classified_bounce_never_relates_the_unclassified_article() {
    let r = report_with_unknown_page("550 5.2.2 <ann@example.org>: Mailbox is full");
    assert!(r.recognised);
    assert_eq!(
        r.not_related,
        vec!["https://help.example/kb/articles/unknown-bounces/".to_string()]
    );
    let r = report_with_unknown_page("hello, how are you?");
    assert!(!r.recognised);
    assert!(r.not_related.is_empty(), "{:?}", r.not_related);
}

// Issue 13: Microsoft 365's 5.1.10 is "recipient not found", not RFC 7505's null MX; the rule that decided says
// so, and a 5.1.10 from elsewhere keeps the standard's name.
#[test]
fn issue_13_a_provider_rule_names_its_own_sense_of_the_code() {
    let c = &report(
        "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
    )
    .bounces[0];
    let title = c
        .status
        .as_ref()
        .and_then(|s| s.title.as_deref())
        .unwrap_or_default();
    assert!(title.starts_with("Recipient not found"), "{title}");
    let c = &report("556 5.1.10 <ann@example.org>: Recipient address has null MX").bounces[0];
    let title = c
        .status
        .as_ref()
        .and_then(|s| s.title.as_deref())
        .unwrap_or_default();
    assert!(title.contains("null MX"), "{title}");
}
