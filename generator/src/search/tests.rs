use super::*;

fn doc(url: &str, title: &str, codes: &[&str], text: &str) -> Document<'static> {
    Document {
        url: url.to_string().into(),
        title: title.to_string().into(),
        summary: "".into(),
        codes: codes.iter().map(|c| c.to_string().into()).collect(),
        primary: Vec::new(),
        keywords: Vec::new(),
        text: text.to_string().into(),
        code: "".into(),
        boost: 1.0,
    }
}

fn sample() -> Vec<Document<'static>> {
    vec![
        doc(
            "a/",
            "Mailbox full",
            &["552", "5.2.2"],
            "The mailbox is over quota. 552 5.2.2 Mailbox full.",
        ),
        doc(
            "b/",
            "SPF failures",
            &["550", "5.7.26", "5.7.23"],
            "550-5.7.26 The MAIL FROM domain has an SPF record with a hard fail policy.",
        ),
        doc(
            "c/",
            "DMARC failures",
            &["550", "5.7.26"],
            "Unauthenticated email from this domain is not accepted due to DMARC policy.",
        ),
        doc(
            "d/",
            "Relay denied",
            &["554", "5.7.1"],
            "554 5.7.1 Relay access denied at RCPT.",
        ),
    ]
}

#[test]
fn a_pasted_line_finds_its_article_first() {
    let index = build(&sample());
    let top = index.search(
        "550-5.7.26 The MAIL FROM domain [example.com] has an SPF record with a hard fail policy (-all)",
        3,
    );
    assert_eq!(top[0].0, 1, "{top:?}");
    let top = index.search(
        "550 5.7.26 Unauthenticated email from this domain is not accepted due to DMARC policy",
        3,
    );
    assert_eq!(top[0].0, 2, "{top:?}");
    assert_eq!(index.search("5.7.1", 3)[0].0, 3);
    assert_eq!(
        index.search("mailb", 3)[0].0,
        0,
        "the last word is a prefix"
    );
    assert!(index.search("the of", 3).is_empty());
}

#[test]
fn files_and_costs() {
    let index = build(&sample());
    let names: Vec<&str> = index.files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names.len(), 4, "{names:?}");
    assert!(names[0].starts_with("search/t-") && names[0].ends_with("-0.bin"));
    assert!(names[1].starts_with("search/d-") && names[1].ends_with("-0.bin"));
    assert!(names[2].starts_with("search/x-") && names[2].ends_with("-0.bin"));
    assert_eq!(index.files[1].1[..2], [0x1f, 0x8b], "gzip");
    assert_eq!(names[3], "search/index.json");
    assert!(index.preload());
    let cost = index.cost("5.7.1", 10);
    assert_eq!(cost.bytes, index.bytes());
    assert_eq!(cost.files, 4);
}

/// `n` made-up words, different for each `seed`: text that compresses about as badly as real prose.
fn noise(seed: usize, n: usize) -> String {
    let mut x = (seed as u64).wrapping_mul(6_364_136_223_846_793_005) ^ 0x9e37_79b9_7f4a_7c15;
    (0..n)
        .map(|_| {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            format!("{:x}", x >> 40)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn chunks_split_large_indexes() {
    // Many distinct terms force several chunks and buckets; every term stays findable, and a query loads only
    // the manifest, one chunk and one bucket.
    let docs: Vec<Document> = (0..4000)
        .map(|i| {
            let mut d = doc(
                &format!("p{i}/"),
                &format!("page{i}"),
                &[],
                &format!("word{i} common other{} {}", i * 7, "filler ".repeat(30)),
            );
            d.summary = noise(i, 30).into();
            d
        })
        .collect();
    let index = build(&docs);
    assert!(index.chunks.len() > 2, "{}", index.chunks.len());
    assert!(index.buckets.1.len() > 2, "{}", index.buckets.1.len());
    assert!(!index.preload());
    assert_eq!(index.search("word123", 1)[0].0, 123);
    assert_eq!(index.search("page3999", 1)[0].0, 3999);
    let cost = index.cost("word123", 1);
    assert_eq!(
        cost.files, 4,
        "manifest, one chunk, one bucket, one text bucket"
    );
    assert!(cost.bytes < index.bytes() / 2);
}
