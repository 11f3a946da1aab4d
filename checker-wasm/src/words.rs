//! The widget's own words (labels and fixed sentences), per language. Reason titles, advice and code meanings
//! come from the rules; these are only the frame around them.

/// The fixed words of the widget in one language.
#[derive(Debug)]
pub struct Words {
    /// BCP 47 tag these words are in.
    pub lang: &'static str,
    /// Label before the recipient address.
    pub recipient: &'static str,
    /// Shown when the text names no recipient.
    pub no_recipient: &'static str,
    /// Badge for a permanent failure.
    pub permanent: &'static str,
    /// Badge for a temporary failure.
    pub temporary: &'static str,
    /// Badge when the text does not say.
    pub unknown_permanence: &'static str,
    /// What a permanent failure means for the reader.
    pub permanent_means: &'static str,
    /// What a temporary failure means for the reader.
    pub temporary_means: &'static str,
    /// When permanence is unknown.
    pub unknown_means: &'static str,
    /// Heading of the code list.
    pub codes: &'static str,
    /// Label for the SMTP reply code.
    pub reply_code: &'static str,
    /// Label for the enhanced status code.
    pub status_code: &'static str,
    /// "Who must act:" label.
    pub who_acts: &'static str,
    /// "What to tell them:" label.
    pub what_to_do: &'static str,
    /// Lead-in of the article link.
    pub read_article: &'static str,
    /// Lead-in of the tree link.
    pub walk_tree: &'static str,
    /// Summary of the server-details disclosure.
    pub details: &'static str,
    /// Label of the remote server.
    pub server: &'static str,
    /// Label of the refused SMTP command.
    pub command: &'static str,
    /// Label of the rule ids.
    pub rules: &'static str,
    /// Heading when several recipients failed; `{n}` is the count.
    pub recipients_failed: &'static str,
    /// Heading when nothing was recognised.
    pub nothing_title: &'static str,
    /// Explanation when nothing was recognised.
    pub nothing_text: &'static str,
    /// Explanation for ordinary mail.
    pub not_a_bounce: &'static str,
    /// Link to the start tree.
    pub start_tree: &'static str,
    /// Heading of the search results.
    pub search_title: &'static str,
    /// Link to the site's search page.
    pub search_link: &'static str,
    /// Summary of the pasted-text disclosure.
    pub your_text: &'static str,
    /// Gap marker; `{n}` is a count of lines.
    pub lines_hidden: &'static str,
    /// Gap marker; `{n}` is a count of characters.
    pub chars_hidden: &'static str,
    /// Label of the feedback type of a complaint.
    pub feedback_type: &'static str,
}

/// English.
pub const EN: Words = Words {
    lang: "en",
    recipient: "Recipient",
    no_recipient: "The text does not name the recipient.",
    permanent: "Permanent",
    temporary: "Temporary",
    unknown_permanence: "Not stated",
    permanent_means: "A permanent failure: sending the same message again will fail the same way until the cause is fixed.",
    temporary_means: "A temporary failure: the sending server keeps retrying for a while, so it may still arrive. If the cause stays, it turns into a permanent bounce.",
    unknown_means: "The text does not say whether this failure is permanent or temporary.",
    codes: "Codes",
    reply_code: "SMTP reply",
    status_code: "Status",
    who_acts: "Who must act:",
    what_to_do: "What to do:",
    read_article: "How to fix it:",
    walk_tree: "Step by step:",
    details: "What the server said",
    server: "Server",
    command: "Refused command",
    rules: "Matched rules",
    recipients_failed: "{n} recipients",
    nothing_title: "Nothing recognised",
    nothing_text: "This text does not say clearly what went wrong. Paste the whole bounce message, including the lines with codes such as 550 or 5.1.1, or look for your error in the knowledge base.",
    not_a_bounce: "This looks like an ordinary message, not a bounce report. Paste the message that came back to you, or look for your error in the knowledge base.",
    start_tree: "Start here:",
    search_title: "Related articles",
    search_link: "Search the knowledge base for this error",
    your_text: "Your text, with the evidence marked",
    lines_hidden: "⋯ {n} lines not shown ⋯",
    chars_hidden: "⋯ {n} characters not shown ⋯",
    feedback_type: "Complaint type",
};

/// The words for a language tag (`en`, `en-GB`, ...); English when there are none for it yet.
pub fn for_lang(_lang: &str) -> &'static Words {
    // Only English exists so far. A new language is a new `Words` constant matched here on the tag's primary
    // subtag; the reason titles and advice it frames come from the site's own (translated) rules.
    &EN
}
