//! Smithy documentation (an HTML subset) to rustdoc Markdown. Pure text processing.
//!
//! The output never contains raw HTML, and everything rustdoc could misread in prose is
//! escaped: brackets (intra-doc links), angle brackets (HTML tags), bare URLs, and
//! characters that would start a heading or list at the beginning of a line. No line is
//! indented by four spaces outside a list, so nothing turns into a doctest.

/// Converts one documentation string. Returns an empty string when nothing is left.
pub fn html_to_markdown(html: &str) -> String {
    let mut writer = Writer::default();
    for token in (Tokens { rest: html }) {
        writer.token(token);
    }
    writer.finish()
}

#[derive(Debug, PartialEq)]
enum Token<'a> {
    Text(&'a str),
    Open { name: String, href: Option<String> },
    Close(String),
}

/// Splits HTML into text and tags; a `<` that does not start a tag is text.
struct Tokens<'a> {
    rest: &'a str,
}

impl<'a> Iterator for Tokens<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        if self.rest.is_empty() {
            return None;
        }
        if let Some(after) = self.rest.strip_prefix("<!--") {
            self.rest = after.find("-->").map_or("", |end| &after[end + 3..]);
            return Some(Token::Text(""));
        }
        if self.rest.starts_with('<') {
            if let Some((token, len)) = parse_tag(self.rest) {
                self.rest = &self.rest[len..];
                return Some(token);
            }
            let (text, rest) = self.rest.split_at(1);
            self.rest = rest;
            return Some(Token::Text(text));
        }
        let end = self.rest.find('<').unwrap_or(self.rest.len());
        let (text, rest) = self.rest.split_at(end);
        self.rest = rest;
        Some(Token::Text(text))
    }
}

/// Parses `<name attrs>`, `</name>` or `<name/>` at the start of `input`.
fn parse_tag(input: &str) -> Option<(Token<'static>, usize)> {
    let end = input.find('>')?;
    let inner = &input[1..end];
    let (closing, inner) = match inner.strip_prefix('/') {
        Some(rest) => (true, rest),
        None => (false, inner),
    };
    let inner = inner.strip_suffix('/').unwrap_or(inner);
    let name_len = inner
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(inner.len());
    let name = &inner[..name_len];
    let attrs = &inner[name_len..];
    let starts_well = name.starts_with(|c: char| c.is_ascii_alphabetic());
    if !starts_well || !(attrs.is_empty() || attrs.starts_with(char::is_whitespace)) {
        return None;
    }
    let name = name.to_ascii_lowercase();
    let token = if closing {
        Token::Close(name)
    } else {
        Token::Open {
            href: attribute(attrs, "href"),
            name,
        }
    };
    Some((token, end + 1))
}

fn attribute(attrs: &str, key: &str) -> Option<String> {
    let start = attrs.find(&format!("{key}="))? + key.len() + 1;
    let value = &attrs[start..];
    let value = match value.chars().next()? {
        quote @ ('"' | '\'') => value[1..].split(quote).next()?,
        _ => value.split(char::is_whitespace).next()?,
    };
    Some(decode_entities(value))
}

/// Escapes plain text (not HTML) for use as Markdown prose.
pub fn escape_text(text: &str) -> String {
    let words: Vec<String> = text.split_whitespace().map(escape_word).collect();
    escape_line_start(&words.join(" "))
}

/// Decodes named and numeric character references; unknown ones stay as written.
pub fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest.find(';').filter(|&semi| semi <= 10).and_then(|semi| {
            let c = match &rest[1..semi] {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                "nbsp" => ' ',
                entity => {
                    let code = match entity.strip_prefix("#x").or(entity.strip_prefix("#X")) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => entity.strip_prefix('#')?.parse().ok()?,
                    };
                    char::from_u32(code)?
                }
            };
            Some((c, semi + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// An inline element whose text is collected before it is wrapped in Markdown.
enum Inline {
    Code(String),
    Emphasis { marker: &'static str, text: String },
    Link { href: Option<String>, text: String },
}

#[derive(Default)]
struct Writer {
    lines: Vec<String>,
    line: String,
    pending_space: bool,
    /// Open inline elements, each with whether a space preceded it.
    inlines: Vec<(Inline, bool)>,
    /// Length of the list marker that starts `line`, if any.
    marker_len: usize,
    /// `None` for `<ul>`, the next number for `<ol>`.
    lists: Vec<Option<usize>>,
    pre: Option<String>,
}

impl Writer {
    fn token(&mut self, token: Token<'_>) {
        if let Some(pre) = &mut self.pre {
            match token {
                Token::Close(name) if name == "pre" => self.close_pre(),
                Token::Text(text) => pre.push_str(&decode_entities(text)),
                _ => {}
            }
            return;
        }
        if let Some((Inline::Code(code), _)) = self.inlines.last_mut() {
            match token {
                Token::Text(text) => code.push_str(&decode_entities(text)),
                Token::Close(name) if name == "code" => self.close_inline(),
                _ => {}
            }
            return;
        }
        match token {
            Token::Text(text) => self.text(&decode_entities(text)),
            Token::Open { name, href } => self.open(&name, href),
            Token::Close(name) => self.close(&name),
        }
    }

    fn open(&mut self, name: &str, href: Option<String>) {
        match name {
            "code" | "tt" => self.push_inline(Inline::Code(String::new())),
            "b" | "strong" => self.emphasis("**"),
            "i" | "em" => self.emphasis("*"),
            "a" => self.push_inline(Inline::Link {
                href,
                text: String::new(),
            }),
            "br" => self.line_break(),
            "pre" => {
                self.paragraph();
                self.pre = Some(String::new());
            }
            "ul" | "ol" => {
                if self.lists.is_empty() {
                    self.paragraph();
                } else {
                    self.flush_line();
                }
                self.lists.push((name == "ol").then_some(1));
            }
            "li" => self.list_item(),
            "note" => self.callout("Note:"),
            "important" => self.callout("Important:"),
            _ if is_block(name) => self.paragraph(),
            _ => {}
        }
    }

    fn close(&mut self, name: &str) {
        match name {
            "b" | "strong" | "i" | "em" | "a" => {
                if self.inlines.is_empty() {
                    return;
                }
                self.close_inline();
            }
            "ul" | "ol" => {
                self.flush_line();
                self.lists.pop();
                if self.lists.is_empty() {
                    self.paragraph();
                }
            }
            "li" => self.flush_line(),
            "note" | "important" => self.paragraph(),
            _ if is_block(name) => self.paragraph(),
            _ => {}
        }
    }

    fn emphasis(&mut self, marker: &'static str) {
        self.push_inline(Inline::Emphasis {
            marker,
            text: String::new(),
        });
    }

    fn push_inline(&mut self, inline: Inline) {
        let space = std::mem::take(&mut self.pending_space);
        self.inlines.push((inline, space));
    }

    fn callout(&mut self, label: &str) {
        self.paragraph();
        self.emit(&format!("**{label}**"));
        self.pending_space = true;
    }

    /// Prose: whitespace collapses, URLs become autolinks, the rest is escaped.
    fn text(&mut self, text: &str) {
        let mut words = text.split(char::is_whitespace).peekable();
        if text.starts_with(char::is_whitespace) {
            self.pending_space = true;
        }
        while let Some(word) = words.next() {
            if !word.is_empty() {
                self.emit(&escape_word(word));
            }
            if words.peek().is_some() {
                self.pending_space = true;
            }
        }
    }

    /// Appends already-rendered Markdown to the innermost open element or the line.
    fn emit(&mut self, markdown: &str) {
        let space = std::mem::take(&mut self.pending_space);
        let target = match self.inlines.last_mut() {
            Some((Inline::Emphasis { text, .. } | Inline::Link { text, .. }, _)) => text,
            Some((Inline::Code(code), _)) => code,
            None => &mut self.line,
        };
        if space && !target.is_empty() {
            target.push(' ');
        }
        target.push_str(markdown);
    }

    fn close_inline(&mut self) {
        let Some((inline, space_before)) = self.inlines.pop() else {
            return;
        };
        let trailing_space = self.pending_space;
        let markdown = match inline {
            Inline::Code(code) => code_span(&code),
            Inline::Emphasis { marker, text } => {
                let text = text.trim();
                if text.is_empty() {
                    String::new()
                } else {
                    format!("{marker}{text}{marker}")
                }
            }
            Inline::Link { href, text } => link(href.as_deref(), text.trim()),
        };
        if markdown.is_empty() {
            self.pending_space = space_before || trailing_space;
        } else {
            self.pending_space = space_before;
            self.emit(&markdown);
            self.pending_space = trailing_space;
        }
    }

    fn close_pre(&mut self) {
        let Some(pre) = self.pre.take() else {
            return;
        };
        let body = pre.trim_matches('\n');
        if !body.trim().is_empty() {
            let fence = if body.contains("```") { "````" } else { "```" };
            self.lines.push(format!("{fence}text"));
            self.lines.extend(body.lines().map(str::to_owned));
            self.lines.push(fence.to_owned());
            self.lines.push(String::new());
        }
    }

    /// Closes any open inline element: a block boundary inside one is malformed HTML.
    fn close_inlines(&mut self) {
        while !self.inlines.is_empty() {
            self.close_inline();
        }
    }

    fn list_item(&mut self) {
        self.flush_line();
        let depth = self.lists.len().saturating_sub(1);
        let marker = match self.lists.last_mut() {
            Some(Some(n)) => {
                *n += 1;
                format!("{}.", *n - 1)
            }
            _ => "-".to_owned(),
        };
        self.line = format!("{}{marker} ", "  ".repeat(depth));
        self.marker_len = self.line.len();
    }

    fn line_break(&mut self) {
        if self.lists.is_empty() {
            self.paragraph();
        } else {
            self.flush_line();
        }
    }

    fn paragraph(&mut self) {
        let only_marker = self.marker_len > 0 && self.line.trim_end().len() < self.marker_len;
        if only_marker && self.inlines.is_empty() {
            return;
        }
        self.flush_line();
        if self.lists.is_empty() && self.lines.last().is_some_and(|l| !l.is_empty()) {
            self.lines.push(String::new());
        }
    }

    fn flush_line(&mut self) {
        self.close_inlines();
        self.pending_space = false;
        let line = std::mem::take(&mut self.line);
        let starts_item = std::mem::take(&mut self.marker_len) > 0;
        let line = line.trim_end();
        let marker = line.trim();
        let is_bare_marker = !self.lists.is_empty()
            && (marker == "-"
                || marker
                    .strip_suffix('.')
                    .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit())));
        if line.trim().is_empty() || is_bare_marker {
            return;
        }
        let line = if self.lists.is_empty() {
            escape_line_start(line.trim_start())
        } else if starts_item {
            line.to_owned()
        } else {
            // Text after a break inside an item stays in the item.
            let indent = "  ".repeat(self.lists.len());
            format!("{indent}{}", escape_line_start(line.trim_start()))
        };
        self.lines.push(line);
    }

    fn finish(mut self) -> String {
        if self.pre.is_some() {
            self.close_pre();
        }
        self.lists.clear();
        self.flush_line();
        let mut out = String::new();
        let mut gap = false;
        for line in &self.lines {
            if line.is_empty() {
                gap = true;
                continue;
            }
            if !out.is_empty() {
                out.push_str(if gap { "\n\n" } else { "\n" });
            }
            out.push_str(line);
            gap = false;
        }
        out
    }
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div" | "dl" | "dt" | "dd" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "table" | "tr"
    )
}

fn code_span(code: &str) -> String {
    let code = code.split_whitespace().collect::<Vec<_>>().join(" ");
    if code.is_empty() {
        return String::new();
    }
    if code.contains('`') {
        format!("`` {code} ``")
    } else {
        format!("`{code}`")
    }
}

fn link(href: Option<&str>, text: &str) -> String {
    let href = href.map(str::trim).filter(|h| is_url(h));
    match href {
        Some(href) if text.is_empty() => format!("<{href}>"),
        Some(href) if href.contains([' ', '(', ')', '<', '>']) => {
            format!(
                "[{text}]({})",
                href.replace(' ', "%20")
                    .replace('(', "%28")
                    .replace(')', "%29")
                    .replace('<', "%3C")
                    .replace('>', "%3E")
            )
        }
        Some(href) => format!("[{text}]({href})"),
        None => text.to_owned(),
    }
}

fn is_url(text: &str) -> bool {
    text.starts_with("https://") || text.starts_with("http://")
}

/// One whitespace-free word of prose: a URL becomes an autolink, anything else is escaped.
fn escape_word(word: &str) -> String {
    if let Some(start) = word.find("https://").or_else(|| word.find("http://")) {
        let (before, url) = word.split_at(start);
        let end = url
            .find(['<', '>', '"', '\'', ')', ']'])
            .unwrap_or(url.len());
        let (url, after) = url.split_at(end);
        let trimmed = url.trim_end_matches(['.', ',', ';', ':', '!', '?']);
        let after = format!("{}{after}", &url[trimmed.len()..]);
        return format!(
            "{}<{trimmed}>{}",
            escape_prose(before),
            escape_prose(&after)
        );
    }
    escape_prose(word)
}

fn escape_prose(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '[' | ']' | '<' | '>' | '*' | '&' | '|') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Escapes what would start a heading, list, quote or rule at the beginning of a line.
fn escape_line_start(line: &str) -> String {
    if line.starts_with(['#', '-', '+', '=', '_', '~']) {
        return format!("\\{line}");
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && line[digits..].starts_with(['.', ')']) {
        return format!("{}\\{}", &line[..digits], &line[digits..]);
    }
    line.to_owned()
}

#[cfg(test)]
mod tests {
    use super::html_to_markdown as md;

    #[test]
    fn paragraphs_and_whitespace() {
        assert_eq!(
            md("<p>First\n   paragraph.</p>\n<p>Second.</p>"),
            "First paragraph.\n\nSecond."
        );
        assert_eq!(md("  plain text  "), "plain text");
        assert_eq!(md("<p></p>"), "");
    }

    #[test]
    fn inline_markup() {
        assert_eq!(
            md(
                "<p>Use <code>GetWorkflow</code> with <b>bold</b>, <i>it</i>, <strong>s</strong> and <em>e</em>.</p>"
            ),
            "Use `GetWorkflow` with **bold**, *it*, **s** and *e*."
        );
        assert_eq!(md("<code>a`b</code>"), "`` a`b ``");
        assert_eq!(md("<code> <i>x</i> </code>"), "`x`");
        assert_eq!(md("a<b> </b>b"), "a b");
    }

    #[test]
    fn links() {
        assert_eq!(
            md(r#"See <a href="https://example.com/x">the guide</a>."#),
            "See [the guide](https://example.com/x)."
        );
        assert_eq!(
            md(r#"<a href="https://e.com">https://e.com</a>"#),
            "[<https://e.com>](https://e.com)"
        );
        assert_eq!(md(r#"<a href="relative.html">guide</a>"#), "guide");
        assert_eq!(md("<a>no href</a>"), "no href");
        assert_eq!(
            md("Go to https://example.com/a."),
            "Go to <https://example.com/a>."
        );
    }

    #[test]
    fn lists() {
        assert_eq!(
            md("<p>Intro</p><ul><li><p>one</p></li><li>two <code>x</code></li></ul><p>After</p>"),
            "Intro\n\n- one\n- two `x`\n\nAfter"
        );
        assert_eq!(md("<ol><li>a</li><li>b</li></ol>"), "1. a\n2. b");
        assert_eq!(
            md("<ul><li>outer<ul><li>inner</li></ul></li></ul>"),
            "- outer\n  - inner"
        );
    }

    #[test]
    fn callouts_and_breaks() {
        assert_eq!(
            md("<p>Text</p><note><p>Careful.</p></note>"),
            "Text\n\n**Note:**\n\nCareful."
        );
        assert_eq!(md("<important>Do it</important>"), "**Important:** Do it");
        assert_eq!(md("line one<br/>line two"), "line one\n\nline two");
    }

    #[test]
    fn entities_and_escapes() {
        assert_eq!(
            md("a &lt;b&gt; &amp; [c] &quot;d&quot; &#65;&#x42; &bogus; *x*"),
            r#"a \<b\> \& \[c\] "d" AB \&bogus; \*x\*"#
        );
        assert_eq!(md("if a < b and c > d"), r"if a \< b and c \> d");
        assert_eq!(
            md("<p>- not a list</p><p>1. not a list</p><p># no</p>"),
            "\\- not a list\n\n1\\. not a list\n\n\\# no"
        );
    }

    #[test]
    fn no_raw_html_survives() {
        let out = md(
            "<fullname>Amazon Connect</fullname><div><span>x</span></div><!-- c --><unknown attr=\"1\">y</unknown>",
        );
        assert_eq!(out, "Amazon Connect\n\nx\n\ny");
    }

    #[test]
    fn pre_becomes_text_block() {
        assert_eq!(
            md("<pre>  a &lt; b\n  c</pre>"),
            "```text\n  a < b\n  c\n```"
        );
    }

    #[test]
    fn unterminated_markup_does_not_panic() {
        assert_eq!(md("<b>open"), "**open**");
        assert_eq!(md("</b>close"), "close");
        assert_eq!(md("<a href=\"https://x.y\">t"), "[t](https://x.y)");
        assert_eq!(md("<"), r"\<");
        assert_eq!(md("&#xFFFFFFFF; é"), r"\&#xFFFFFFFF; é");
    }
}
