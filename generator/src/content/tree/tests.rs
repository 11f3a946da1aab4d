//! One test per kind of tree defect, each asserting the message and where it points.

use super::*;

const PATH: &str = "content/trees/cant-send.toml";

const GOOD: &str = r#"title = "I can't send"
summary = "Errors when you press Send."
start = "what-error"

[[node]]
id = "what-error"
question = "What does the error say?"
help = "Copy the [code](@/articles/codes.md)."

  [[node.option]]
  label = "503"
  goto = "auth-on"

  [[node.option]]
  label = "535"
  outcome = "wrong-password"

[[node]]
id = "auth-on"
check = "Look at the outgoing server settings."

  [[node.option]]
  label = "It is off"
  outcome = "turn-on-auth"

  [[node.option]]
  label = "It is on"
  outcome = "wrong-password"

[[outcome]]
id = "wrong-password"
title = "Wrong password"
fix = "Reset it."
article = "@/articles/authentication-failed-535.md"

[[outcome]]
id = "turn-on-auth"
title = "Turn on authentication"
fix = "Switch it on."
article = "@/articles/smtp-authentication-required.md"
"#;

fn errors(text: &str) -> Vec<String> {
    let (tree, errors) = DecisionTree::parse(PATH, PATH, text);
    assert_eq!(
        tree.as_ref().is_none_or(|t| t.broken),
        !errors.is_empty(),
        "a tree with problems is marked broken"
    );
    errors.iter().map(ToString::to_string).collect()
}

fn one_error(text: &str) -> String {
    let e = errors(text);
    assert_eq!(e.len(), 1, "{e:#?}");
    e[0].clone()
}

#[test]
fn a_good_tree_parses() {
    let (tree, errors) = DecisionTree::parse(PATH, PATH, GOOD);
    assert!(errors.is_empty(), "{errors:?}");
    let tree = tree.expect("valid");
    assert_eq!(tree.slug, "cant-send");
    assert_eq!(tree.steps.len(), 4);
    assert_eq!(tree.step_url(tree.start), "trees/cant-send/");
    assert_eq!(tree.step_url(1), "trees/cant-send/auth-on/");
    assert_eq!(tree.depths(), [0, 1, 1, 2]);
    assert_eq!(tree.parents()[2], [0, 1]);
    assert_eq!(tree.topological_order(), [0, 1, 3, 2]);
    let help = tree.step_html(0).expect("help");
    assert!(help.contains("href=\"../../articles/codes/\""));
}

#[test]
fn unknown_goto_target() {
    let text = GOOD.replace("goto = \"auth-on\"", "goto = \"auth-of\"");
    assert_eq!(
        one_error(&text),
        "content/trees/cant-send.toml:12:10: unknown node `auth-of`; did you mean `auth-on`?"
    );
}

#[test]
fn unknown_outcome_target() {
    let text = GOOD.replace("outcome = \"turn-on-auth\"", "outcome = \"enable-auth\"");
    // Nothing else leads to `turn-on-auth`, and the unknown name is not close to it: that is said too (the
    // unknown target does not hide the reachability check).
    assert_eq!(
        errors(&text),
        [
            "content/trees/cant-send.toml:24:13: unknown outcome `enable-auth`",
            "content/trees/cant-send.toml:37:6: outcome `turn-on-auth` is never reached from the start \
             (`what-error`): lead an option to it, or remove it"
        ]
    );
}

#[test]
fn goto_naming_an_outcome() {
    let text = GOOD.replace("goto = \"auth-on\"", "goto = \"wrong-password\"");
    let e = errors(&text);
    assert_eq!(
        e[0],
        "content/trees/cant-send.toml:12:10: `wrong-password` is an outcome, not a node: write `outcome = \"wrong-password\"`"
    );
}

#[test]
fn unreachable_node() {
    let text = GOOD.replace("goto = \"auth-on\"", "outcome = \"wrong-password\"");
    let e = errors(&text);
    assert_eq!(
        e,
        [
            "content/trees/cant-send.toml:19:6: node `auth-on` is never reached from the start (`what-error`): lead an option to it, or remove it",
            "content/trees/cant-send.toml:37:6: outcome `turn-on-auth` is never reached from the start (`what-error`): lead an option to it, or remove it",
        ]
    );
}

#[test]
fn cycle() {
    let text = GOOD.replace(
        "label = \"It is on\"\n  outcome = \"wrong-password\"",
        "label = \"It is on\"\n  goto = \"what-error\"",
    );
    assert_eq!(
        one_error(&text),
        "content/trees/cant-send.toml:28:10: this option leads back to `what-error`, making a loop (what-error → auth-on → what-error): a tree must always move on toward an outcome"
    );
}

#[test]
fn option_with_both_goto_and_outcome() {
    let text = GOOD.replace(
        "goto = \"auth-on\"",
        "goto = \"auth-on\"\n  outcome = \"wrong-password\"",
    );
    assert_eq!(
        one_error(&text),
        "content/trees/cant-send.toml:13:13: option \"503\" has both `goto` and `outcome`: an option leads to one place"
    );
}

#[test]
fn option_with_neither() {
    let text = GOOD.replace("  goto = \"auth-on\"\n", "");
    let e = errors(&text);
    assert_eq!(
        e[0],
        "content/trees/cant-send.toml:11:11: option \"503\" leads nowhere: add `goto = \"<node id>\"` or `outcome = \"<outcome id>\"`"
    );
}

#[test]
fn duplicate_id() {
    let text = GOOD.replace("id = \"turn-on-auth\"", "id = \"wrong-password\"");
    let e = errors(&text);
    assert_eq!(
        e[0],
        "content/trees/cant-send.toml:37:6: duplicate id `wrong-password` (first used on line 31): node and outcome ids must be unique in a tree"
    );
}

#[test]
fn unknown_start() {
    let text = GOOD.replace("start = \"what-error\"", "start = \"what\"");
    assert_eq!(
        one_error(&text),
        "content/trees/cant-send.toml:3:9: `start` names unknown node `what`; did you mean `what-error`?"
    );
}

#[test]
fn node_without_question_or_options() {
    let text = GOOD.replace("check = \"Look at the outgoing server settings.\"\n", "");
    assert_eq!(
        one_error(&text),
        "content/trees/cant-send.toml:19:6: node `auth-on` needs a `question` (or a `check`: something for the reader to look at)"
    );
    let text = format!("{GOOD}\n[[node]]\nid = \"empty\"\nquestion = \"?\"\n");
    let e = errors(&text);
    assert!(
        e[0].starts_with("content/trees/cant-send.toml:43:6: node `empty` has no options"),
        "{e:?}"
    );
}

#[test]
fn article_not_by_source_path() {
    let text = GOOD.replace(
        "\"@/articles/smtp-authentication-required.md\"",
        "\"/articles/smtp-authentication-required/\"",
    );
    assert!(one_error(&text).starts_with(
        "content/trees/cant-send.toml:40:11: `article` must name an article by its source path"
    ),);
}

#[test]
fn unknown_key_and_missing_field() {
    let text = GOOD.replace("label = \"503\"", "lable = \"503\"");
    assert!(
        errors(&text)[0]
            .starts_with("content/trees/cant-send.toml:11:3: unknown field `lable`, expected"),
        "{:?}",
        errors(&text)
    );
    let text = GOOD.replace("summary = \"Errors when you press Send.\"\n", "");
    assert!(
        errors(&text)[0].starts_with("content/trees/cant-send.toml:1:1: missing field `summary`")
    );
}

#[test]
fn bundled_trees_parse() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content/trees");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).expect("content/trees") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("read");
        let name = format!(
            "content/trees/{}",
            path.file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
        );
        let (tree, errors) = DecisionTree::parse(&name, &name, &text);
        assert!(errors.is_empty(), "{errors:#?}");
        assert!(tree.is_some_and(|t| !t.broken));
        n += 1;
    }
    assert!(n > 0, "no trees found");
}
