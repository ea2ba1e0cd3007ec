//! The forms and links of a server-rendered page, read the simple way our templates write them, so
//! a test can find every form a user can reach and fill it in.

/// One `<form method="post">` on a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    pub action: String,
    pub multipart: bool,
    /// Every named field: inputs (text, hidden, checkbox, …), textareas and selects.
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    /// `file` for uploads; the input type, `textarea` or `select` otherwise.
    pub kind: String,
}

/// The value of `name="…"` in a tag's text, with HTML entities decoded.
pub fn attribute(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let needle = format!(" {name}=\"");
    let at = lower.find(&needle)? + needle.len();
    let end = tag[at..].find('"')? + at;
    Some(unescape(&tag[at..end]))
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Each opening tag named `tag` in `html`, as its text up to `>`.
fn tags<'a>(html: &'a str, tag: &str) -> Vec<&'a str> {
    let open = format!("<{tag}");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&open) {
        let after = &rest[i + open.len()..];
        let boundary = after
            .chars()
            .next()
            .is_some_and(|c| c.is_whitespace() || c == '>');
        let Some(end) = after.find('>') else { break };
        if boundary {
            out.push(&rest[i..i + open.len() + end]);
        }
        rest = &after[end..];
    }
    out
}

/// Every POST form of a page, with the path it posts to (relative to `page_path` when it has no
/// action of its own).
pub fn post_forms(html: &str, page_path: &str) -> Vec<Form> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("<form") {
        let body_end = rest[i..].find("</form>").map_or(rest.len(), |e| i + e);
        let block = &rest[i..body_end];
        rest = &rest[body_end.min(rest.len())..];
        if rest.starts_with("</form>") {
            rest = &rest["</form>".len()..];
        }
        let Some(head) = tags(block, "form").into_iter().next() else {
            continue;
        };
        if !attribute(head, "method").is_some_and(|m| m.eq_ignore_ascii_case("post")) {
            continue;
        }
        let action = attribute(head, "action")
            .filter(|a| !a.is_empty())
            .unwrap_or_else(|| page_path.to_string());
        let multipart = attribute(head, "enctype").is_some_and(|e| e.contains("multipart"));
        let mut fields = Vec::new();
        for (tag, default_kind) in [
            ("input", "text"),
            ("textarea", "textarea"),
            ("select", "select"),
        ] {
            for t in tags(block, tag) {
                let Some(name) = attribute(t, "name") else {
                    continue;
                };
                let kind = if tag == "input" {
                    attribute(t, "type").unwrap_or_else(|| default_kind.into())
                } else {
                    default_kind.into()
                };
                if kind == "submit" || fields.iter().any(|f: &Field| f.name == name) {
                    continue;
                }
                fields.push(Field { name, kind });
            }
        }
        out.push(Form {
            action,
            multipart,
            fields,
        });
    }
    out
}

/// Every in-site link of a page (`href="/…"`), without its fragment.
pub fn links(html: &str) -> Vec<String> {
    tags(html, "a")
        .into_iter()
        .filter_map(|t| attribute(t, "href"))
        .filter(|h| h.starts_with('/') && !h.starts_with("//"))
        .map(|h| h.split('#').next().unwrap_or_default().to_string())
        .filter(|h| !h.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_fields_and_links_are_found() {
        let html = r#"<a href="/unit/3?tab=a&amp;b=1#top">x</a><a href="https://x">y</a>
            <form method="get" action="/search"><input name="q"></form>
            <form method="post" action="/unit/3/focal" class="f">
              <input type="hidden" name="csrf" value="1"><input name="it_name" value="&quot;x&quot;">
              <textarea name="note"></textarea><select name="group"><option>a</option></select>
              <input type="file" name="file"><button type="submit">Lưu</button></form>
            <form method="post" enctype="multipart/form-data"><input name="a"></form>"#;
        let forms = post_forms(html, "/here");
        assert_eq!(forms.len(), 2);
        assert_eq!(forms[0].action, "/unit/3/focal");
        let names: Vec<&str> = forms[0].fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["csrf", "it_name", "file", "note", "group"]);
        assert_eq!(forms[0].fields[2].kind, "file");
        assert!(forms[1].multipart && forms[1].action == "/here");
        assert_eq!(links(html), ["/unit/3?tab=a&b=1"]);
    }
}
