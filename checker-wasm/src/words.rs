//! The widget's own words (labels and fixed sentences), per language. Reason titles, advice and code meanings
//! come from the rules; these are only the frame around them.

use diagnosis::Actor;

/// The fixed words of the widget in one language.
#[derive(Debug)]
pub struct Words {
    /// BCP 47 tag these words are in.
    pub lang: &'static str,
    /// Label before the recipient address.
    pub recipient: &'static str,
    /// Shown when the text names no recipient.
    pub no_recipient: &'static str,
    /// Badge when the sending server stopped trying (the report's action is `failed`).
    pub stopped: &'static str,
    /// Badge when the sending server keeps retrying (`delayed`).
    pub retrying: &'static str,
    /// Badge when the text does not say.
    pub unknown_permanence: &'static str,
    /// Stopped, and sending again fails the same way until someone fixes the cause.
    pub fix_first_means: &'static str,
    /// Stopped, but the cause can clear by itself (RFC 3463's persistent transient failures), so sending
    /// again later can work.
    pub clears_means: &'static str,
    /// Stopped, and the address itself is bad.
    pub hard_means: &'static str,
    /// Still retrying.
    pub retrying_means: &'static str,
    /// When the text does not say whether the server stopped.
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
    /// Who must act, in the order of [`ACTORS`].
    pub actors: [&'static str; 4],
}

/// The order of [`Words::actors`]: the engine's.
pub const ACTORS: [Actor; 4] = Actor::ALL;

impl Words {
    /// Who must act, in these words.
    pub fn actor(&self, actor: Actor) -> &'static str {
        self.actors[match actor {
            Actor::Sender => 0,
            Actor::SenderAdmin => 1,
            Actor::Recipient => 2,
            Actor::RecipientAdmin => 3,
        }]
    }
}

/// English.
pub const EN: Words = Words {
    lang: "en",
    recipient: "Recipient",
    no_recipient: "The text does not name the recipient.",
    stopped: "Delivery stopped",
    retrying: "Still retrying",
    unknown_permanence: "Not stated",
    fix_first_means: "The sending server has stopped trying. Sending the same message again will fail the same way until the cause is fixed.",
    clears_means: "The sending server has stopped trying, but the cause can clear by itself: sending the message again later can work once it has.",
    hard_means: "The sending server has stopped trying, and sending to this address again will fail: the address itself is bad.",
    retrying_means: "The sending server keeps retrying for a while, so the message may still arrive. If the cause stays, it gives up and sends a final bounce.",
    unknown_means: "The text does not say whether the sending server has stopped trying.",
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
    // The engine's own words, so the page and the report's `actor_words` say the same.
    actors: [
        Actor::Sender.describe(),
        Actor::SenderAdmin.describe(),
        Actor::Recipient.describe(),
        Actor::RecipientAdmin.describe(),
    ],
};

/// German.
pub const DE: Words = Words {
    lang: "de",
    recipient: "Empfänger",
    no_recipient: "Der Text nennt den Empfänger nicht.",
    stopped: "Zustellung abgebrochen",
    retrying: "Wird weiter versucht",
    unknown_permanence: "Nicht angegeben",
    fix_first_means: "Der sendende Server hat aufgegeben. Dieselbe Nachricht scheitert erneut auf dieselbe Weise, bis die Ursache behoben ist.",
    clears_means: "Der sendende Server hat aufgegeben, aber die Ursache kann sich von selbst erledigen: Später erneut gesendet, kann die Nachricht ankommen.",
    hard_means: "Der sendende Server hat aufgegeben, und erneut an diese Adresse zu senden, scheitert: Die Adresse selbst ist ungültig.",
    retrying_means: "Der sendende Server versucht es noch eine Weile, die Nachricht kann also noch ankommen. Bleibt die Ursache, gibt er auf und meldet einen endgültigen Fehler.",
    unknown_means: "Der Text sagt nicht, ob dieser Fehler dauerhaft oder vorübergehend ist.",
    codes: "Codes",
    reply_code: "SMTP-Antwort",
    status_code: "Status",
    who_acts: "Wer handeln muss:",
    what_to_do: "Was zu tun ist:",
    read_article: "So beheben Sie es:",
    walk_tree: "Schritt für Schritt:",
    details: "Was der Server gesagt hat",
    server: "Server",
    command: "Abgelehnter Befehl",
    rules: "Zutreffende Regeln",
    recipients_failed: "{n} Empfänger",
    nothing_title: "Nichts erkannt",
    nothing_text: "Aus diesem Text geht nicht klar hervor, was schiefging. Fügen Sie die ganze Unzustellbarkeitsnachricht ein, samt den Zeilen mit Codes wie 550 oder 5.1.1, oder suchen Sie Ihren Fehler in der Wissensdatenbank.",
    not_a_bounce: "Das sieht nach einer gewöhnlichen Nachricht aus, nicht nach einer Unzustellbarkeitsnachricht. Fügen Sie die Nachricht ein, die zu Ihnen zurückkam, oder suchen Sie Ihren Fehler in der Wissensdatenbank.",
    start_tree: "Hier beginnen:",
    search_title: "Passende Artikel",
    search_link: "Die Wissensdatenbank nach diesem Fehler durchsuchen",
    your_text: "Ihr Text, mit markierten Belegstellen",
    lines_hidden: "⋯ {n} Zeilen nicht angezeigt ⋯",
    chars_hidden: "⋯ {n} Zeichen nicht angezeigt ⋯",
    feedback_type: "Art der Beschwerde",
    actors: [
        "der Absender (Sie)",
        "der Mail-Administrator oder Hoster des Absenders",
        "der Empfänger",
        "der Mail-Administrator des Empfängers",
    ],
};

/// French.
pub const FR: Words = Words {
    lang: "fr",
    recipient: "Destinataire",
    no_recipient: "Le texte ne nomme pas le destinataire.",
    stopped: "Remise abandonnée",
    retrying: "Nouvelles tentatives",
    unknown_permanence: "Non précisé",
    fix_first_means: "Le serveur d'envoi a abandonné. Renvoyer le même message échouera de la même façon tant que la cause n'est pas corrigée.",
    clears_means: "Le serveur d'envoi a abandonné, mais la cause peut disparaître d'elle-même : renvoyer le message plus tard peut fonctionner.",
    hard_means: "Le serveur d'envoi a abandonné, et écrire de nouveau à cette adresse échouera : l'adresse elle-même est mauvaise.",
    retrying_means: "Le serveur d'envoi réessaie pendant un moment, le message peut donc encore arriver. Si la cause persiste, il abandonne et envoie un avis définitif.",
    unknown_means: "Le texte ne dit pas si cet échec est définitif ou temporaire.",
    codes: "Codes",
    reply_code: "Réponse SMTP",
    status_code: "Statut",
    who_acts: "Qui doit agir :",
    what_to_do: "Que faire :",
    read_article: "Comment le corriger :",
    walk_tree: "Pas à pas :",
    details: "Ce que le serveur a répondu",
    server: "Serveur",
    command: "Commande refusée",
    rules: "Règles appliquées",
    recipients_failed: "{n} destinataires",
    nothing_title: "Rien de reconnu",
    nothing_text: "Ce texte ne dit pas clairement ce qui s'est passé. Collez le message de non-remise en entier, avec les lignes qui portent des codes comme 550 ou 5.1.1, ou cherchez votre erreur dans la base de connaissances.",
    not_a_bounce: "Cela ressemble à un message ordinaire, pas à un avis de non-remise. Collez le message qui vous est revenu, ou cherchez votre erreur dans la base de connaissances.",
    start_tree: "Commencer ici :",
    search_title: "Articles liés",
    search_link: "Chercher cette erreur dans la base de connaissances",
    your_text: "Votre texte, avec les indices surlignés",
    lines_hidden: "⋯ {n} lignes masquées ⋯",
    chars_hidden: "⋯ {n} caractères masqués ⋯",
    feedback_type: "Type de plainte",
    actors: [
        "l'expéditeur (vous)",
        "l'administrateur de messagerie ou l'hébergeur de l'expéditeur",
        "le destinataire",
        "l'administrateur de messagerie du destinataire",
    ],
};

/// The words for a language tag (`en`, `de-AT`, `fr-CA`, ...), matched on its primary subtag; English when
/// there are none for it. Only the frame is translated here: reason titles, advice and code meanings come from
/// the site's own rules, written in the site's language.
pub fn for_lang(lang: &str) -> &'static Words {
    let primary = lang.split(['-', '_']).next().unwrap_or("").trim();
    [&DE, &FR]
        .into_iter()
        .find(|w| w.lang.eq_ignore_ascii_case(primary))
        .unwrap_or(&EN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_tags_pick_words_by_primary_subtag() {
        assert_eq!(for_lang("de").lang, "de");
        assert_eq!(for_lang("de-AT").lang, "de");
        assert_eq!(for_lang("FR_ca").lang, "fr");
        assert_eq!(for_lang("en-GB").lang, "en");
        assert_eq!(for_lang("").lang, "en");
        assert_eq!(for_lang("tlh").lang, "en");
    }

    #[test]
    fn every_language_names_every_actor_and_keeps_placeholders() {
        for w in [&EN, &DE, &FR] {
            for (i, a) in ACTORS.into_iter().enumerate() {
                assert!(!w.actor(a).is_empty(), "{} {a}", w.lang);
                assert_eq!(
                    w.actor(a),
                    w.actors[i],
                    "ACTORS gives the order of `actors`"
                );
            }
            for t in [w.recipients_failed, w.lines_hidden, w.chars_hidden] {
                assert!(t.contains("{n}"), "{}: {t}", w.lang);
            }
        }
    }
}
