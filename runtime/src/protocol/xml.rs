//! The XML codec of the XML protocols (restXml bodies, awsQuery and ec2Query responses):
//! bodies are parsed by quick-xml into an [`Element`] tree that generated [`FromXml`] impls
//! read by name (`smithy.api#xmlName`, `smithy.api#xmlAttribute`, wrapped or
//! `smithy.api#xmlFlattened` lists and maps), and written by an [`XmlWriter`] that generated
//! [`ToXml`] impls drive.
//!
//! Names are compared without their namespace prefix; unknown elements and attributes are
//! skipped; entities and character references are decoded; a malformed document is an
//! [`XmlError`], never a panic and never a silently empty value.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use crate::DateTime;
use crate::datetime::Format;
use crate::error::{ErrorMetadata, ResponseError};
use crate::http::HttpResponse;
use crate::protocol::base64;

/// How deep elements may nest. AWS documents stay far below it; a hostile one past it is an
/// error instead of a stack overflow when the tree is read or dropped.
const MAX_DEPTH: usize = 128;

/// A document that could not be read, or a value in it that is not what the model says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct XmlError(String);

impl XmlError {
    /// An error saying why, in words the response error will show.
    pub fn new(reason: impl Into<String>) -> Self {
        Self(reason.into())
    }

    /// The same error, saying in which element it happened.
    fn within(self, element: &str) -> Self {
        Self(format!("in `{element}`: {}", self.0))
    }

    /// The error as the [`ResponseError`] of `response`.
    pub fn into_response_error(self, response: &HttpResponse) -> ResponseError {
        ResponseError::new(response, format!("invalid XML body: {}", self.0))
    }
}

impl fmt::Display for XmlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for XmlError {}

/// One element: its local name (namespace prefix dropped), attributes, the text directly
/// inside it and its child elements, in document order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Element {
    name: String,
    attributes: Vec<(String, String)>,
    text: String,
    children: Vec<Element>,
}

impl Element {
    /// The root element of `body`. Declarations, comments and processing instructions are
    /// skipped; anything but one well-formed root element is an error.
    pub fn parse(body: &[u8]) -> Result<Self, XmlError> {
        let text = std::str::from_utf8(body).map_err(|_| XmlError::new("the body is not UTF-8"))?;
        let mut reader = Reader::from_str(text);
        let mut open: Vec<Element> = Vec::new();
        let mut root = None;
        loop {
            let event = reader
                .read_event()
                .map_err(|e| XmlError::new(format!("{e} (at byte {})", reader.error_position())))?;
            match event {
                Event::Start(start) => {
                    if open.len() >= MAX_DEPTH {
                        return Err(XmlError::new(format!(
                            "elements nest deeper than {MAX_DEPTH}"
                        )));
                    }
                    open.push(Self::start(&start)?);
                }
                Event::Empty(start) => Self::close(&mut open, &mut root, Self::start(&start)?)?,
                Event::End(_) => {
                    // quick-xml has checked that the end tag closes the open element.
                    let element = open
                        .pop()
                        .ok_or_else(|| XmlError::new("unmatched end tag"))?;
                    Self::close(&mut open, &mut root, element)?;
                }
                Event::Text(text) => Self::append(&mut open, &text.xml10_content())?,
                Event::CData(data) => Self::append(&mut open, &data.xml10_content())?,
                Event::GeneralRef(reference) => {
                    let resolved = match reference.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        Ok(None) => predefined_entity(&reference.xml10_content())?.to_owned(),
                        Err(e) => return Err(XmlError::new(e.to_string())),
                    };
                    Self::append(&mut open, &resolved)?;
                }
                Event::Decl(_) | Event::Comment(_) | Event::PI(_) | Event::DocType(_) => {}
                Event::Eof => break,
            }
        }
        if !open.is_empty() {
            return Err(XmlError::new("the document ends inside an element"));
        }
        root.ok_or_else(|| XmlError::new("no root element"))
    }

    fn start(start: &BytesStart<'_>) -> Result<Self, XmlError> {
        let mut attributes = Vec::new();
        for attribute in start.attributes() {
            let attribute = attribute.map_err(|e| XmlError::new(e.to_string()))?;
            let key = attribute.key.into_inner();
            // Namespace declarations are not values of the model.
            if key == "xmlns" || key.starts_with("xmlns:") {
                continue;
            }
            let value = attribute
                .normalized_value(XmlVersion::Implicit1_0)
                .map_err(|e| XmlError::new(e.to_string()))?;
            attributes.push((local_name(key).to_owned(), value.into_owned()));
        }
        Ok(Self {
            name: local_name(start.name().into_inner()).to_owned(),
            attributes,
            text: String::new(),
            children: Vec::new(),
        })
    }

    fn append(open: &mut [Element], text: &str) -> Result<(), XmlError> {
        match open.last_mut() {
            Some(element) => {
                element.text.push_str(text);
                Ok(())
            }
            None if text.trim().is_empty() => Ok(()),
            None => Err(XmlError::new("text outside the root element")),
        }
    }

    fn close(
        open: &mut [Element],
        root: &mut Option<Element>,
        element: Element,
    ) -> Result<(), XmlError> {
        match open.last_mut() {
            Some(parent) => parent.children.push(element),
            None if root.is_none() => *root = Some(element),
            None => return Err(XmlError::new("more than one root element")),
        }
        Ok(())
    }

    /// An element holding only `text`: how an attribute's value is read with the readers of
    /// element values.
    pub fn with_text(name: &str, text: &str) -> Self {
        Self {
            name: name.to_owned(),
            text: text.to_owned(),
            ..Self::default()
        }
    }

    /// The element's name without its namespace prefix.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The text directly inside the element, entities decoded (empty for `<a/>`).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The child elements, in document order.
    pub fn children(&self) -> &[Element] {
        &self.children
    }

    /// The first child named `name` (a prefix on `name` is ignored).
    pub fn child(&self, name: &str) -> Option<&Element> {
        let name = local_name(name);
        self.children.iter().find(|c| c.name == name)
    }

    /// The attribute named `name` (a prefix on `name` is ignored).
    pub fn attribute(&self, name: &str) -> Option<&str> {
        let name = local_name(name);
        self.attributes
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The element's text parsed as `T` (surrounding white space ignored).
    pub fn parse_text<T: FromStr>(&self, what: &str) -> Result<T, XmlError> {
        self.text
            .trim()
            .parse()
            .map_err(|_| XmlError::new(format!("`{}` is not {what}", self.text)).within(&self.name))
    }
}

/// `prefix:name` without its prefix.
fn local_name(name: &str) -> &str {
    name.rsplit_once(':').map_or(name, |(_, local)| local)
}

/// The five entities XML predefines; a document may declare no others for us.
fn predefined_entity(name: &str) -> Result<&'static str, XmlError> {
    Ok(match name {
        "lt" => "<",
        "gt" => ">",
        "amp" => "&",
        "apos" => "'",
        "quot" => "\"",
        other => return Err(XmlError::new(format!("unknown entity `&{other};`"))),
    })
}

/// A value read from an element: scalars here, structures and unions by generated impls.
pub trait FromXml: Sized {
    /// Reads the value of `element`.
    fn from_xml(element: &Element) -> Result<Self, XmlError>;
}

impl FromXml for String {
    fn from_xml(element: &Element) -> Result<Self, XmlError> {
        Ok(element.text.clone())
    }
}

impl FromXml for bool {
    fn from_xml(element: &Element) -> Result<Self, XmlError> {
        element.parse_text("a boolean")
    }
}

macro_rules! integer_from_xml {
    ($($ty:ty),*) => {$(
        impl FromXml for $ty {
            fn from_xml(element: &Element) -> Result<Self, XmlError> {
                element.parse_text(concat!("an integer (", stringify!($ty), ")"))
            }
        }
    )*};
}
integer_from_xml!(i8, i16, i32, i64);

macro_rules! float_from_xml {
    ($($ty:ty),*) => {$(
        impl FromXml for $ty {
            /// Numbers, and Smithy's spelled-out `NaN`, `Infinity` and `-Infinity`.
            fn from_xml(element: &Element) -> Result<Self, XmlError> {
                match element.text.trim() {
                    "NaN" => Ok(<$ty>::NAN),
                    "Infinity" => Ok(<$ty>::INFINITY),
                    "-Infinity" => Ok(<$ty>::NEG_INFINITY),
                    _ => element.parse_text("a number"),
                }
            }
        }
    )*};
}
float_from_xml!(f32, f64);

/// A blob: the element's base64 text.
pub fn blob(element: &Element) -> Result<Vec<u8>, XmlError> {
    base64::decode(element.text.trim())
        .map_err(|e| XmlError::new(e.to_string()).within(&element.name))
}

/// A timestamp in `format` (date-time unless `smithy.api#timestampFormat` says otherwise).
pub fn timestamp(element: &Element, format: Format) -> Result<DateTime, XmlError> {
    DateTime::parse(element.text.trim(), format)
        .map_err(|e| XmlError::new(e.to_string()).within(&element.name))
}

/// A wrapped list: the children of `element` named `member` (`member` unless the list's
/// member has a `smithy.api#xmlName`), each read by `item`.
pub fn list<T>(
    element: &Element,
    member: &str,
    item: impl Fn(&Element) -> Result<T, XmlError>,
) -> Result<Vec<T>, XmlError> {
    let member = local_name(member);
    element
        .children
        .iter()
        .filter(|child| child.name == member)
        .map(|child| item(child).map_err(|e| e.within(&element.name)))
        .collect()
}

/// One entry of a map: the `key` and `value` children of `entry` (the names are the map's
/// key and value `smithy.api#xmlName`, `key` and `value` by default).
pub fn map_entry<V>(
    entry: &Element,
    key: &str,
    value: &str,
    read: impl Fn(&Element) -> Result<V, XmlError>,
) -> Result<(String, V), XmlError> {
    let missing = |what: &str| XmlError::new(format!("a map entry without its `{what}`"));
    let key = entry.child(key).ok_or_else(|| missing(key))?.text.clone();
    let value = read(entry.child(value).ok_or_else(|| missing(value))?)?;
    Ok((key, value))
}

/// A wrapped map: the `entry` children of `element`, each read by [`map_entry`].
pub fn map<V>(
    element: &Element,
    key: &str,
    value: &str,
    read: impl Fn(&Element) -> Result<V, XmlError>,
) -> Result<BTreeMap<String, V>, XmlError> {
    element
        .children
        .iter()
        .filter(|child| child.name == "entry")
        .map(|entry| map_entry(entry, key, value, &read).map_err(|e| e.within(&element.name)))
        .collect()
}

/// Parses `response`'s body and reads its root element; an empty body reads as an empty
/// element, as an output without members may have none.
pub fn parse_root<T>(
    response: &HttpResponse,
    read: impl FnOnce(&Element) -> Result<T, XmlError>,
) -> Result<T, ResponseError> {
    let root = if response.body.iter().all(u8::is_ascii_whitespace) {
        Element::default()
    } else {
        Element::parse(&response.body).map_err(|e| e.into_response_error(response))?
    };
    read(&root).map_err(|e| e.into_response_error(response))
}

/// The `<Error>` element of an error response of any XML protocol: the root itself (S3's
/// bare `<Error>`), or under `<ErrorResponse>` (awsQuery, restXml) or `<Response><Errors>`
/// (ec2Query). `None` for an empty body or a document with no such element.
pub fn error_element(root: &Element) -> Option<&Element> {
    if root.name == "Error" {
        return Some(root);
    }
    root.child("Error").or_else(|| {
        root.child("Errors")
            .and_then(|errors| errors.child("Error"))
    })
}

/// The request ID in an XML body: awsQuery's `ResponseMetadata/RequestId`, ec2Query's
/// `requestId`, or an error's `RequestId` (`RequestID` for ec2Query) beside or inside the
/// `<Error>`.
pub fn body_request_id(root: &Element) -> Option<&str> {
    fn text(element: &Element) -> Option<&str> {
        Some(element.text.trim()).filter(|t| !t.is_empty())
    }
    root.child("ResponseMetadata")
        .and_then(|metadata| metadata.child("RequestId"))
        .or_else(|| root.child("requestId"))
        .or_else(|| root.child("RequestId"))
        .or_else(|| root.child("RequestID"))
        .or_else(|| error_element(root).and_then(|error| error.child("RequestId")))
        .and_then(text)
}

/// Reads an error response of an XML protocol: code and message from the `<Error>`
/// element, the request ID from the headers or the body. An error without a body (the
/// answer to a `HEAD` request) takes its code from its status, as the SDKs do: `NotFound`
/// for 404. A body that is not XML still yields the request ID from the headers.
pub fn error_metadata(response: &HttpResponse) -> ErrorMetadata {
    let header_id = crate::http::request_id(&response.headers).map(str::to_owned);
    if response.body.iter().all(u8::is_ascii_whitespace) {
        return ErrorMetadata::new(
            response.status,
            status_code_name(response.status).map(str::to_owned),
            None,
            header_id,
        );
    }
    let Ok(root) = Element::parse(&response.body) else {
        return ErrorMetadata::new(response.status, None, None, header_id);
    };
    let error = error_element(&root);
    let field = |name: &str| {
        error
            .and_then(|error| error.child(name))
            .map(|element| element.text.trim().to_owned())
            .filter(|text| !text.is_empty())
    };
    let request_id = header_id.or_else(|| body_request_id(&root).map(str::to_owned));
    ErrorMetadata::new(response.status, field("Code"), field("Message"), request_id)
}

/// The status's reason phrase as an error code, for errors without a body.
fn status_code_name(status: u16) -> Option<&'static str> {
    Some(match status {
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        409 => "Conflict",
        412 => "PreconditionFailed",
        416 => "RequestedRangeNotSatisfiable",
        500 => "InternalServerError",
        501 => "NotImplemented",
        503 => "ServiceUnavailable",
        _ => return None,
    })
}

/// Reads the modelled error of `response` with `read` from its `<Error>` element; an error
/// without a body reads as `T::default()`.
pub fn error_fields<T: Default>(
    response: &HttpResponse,
    read: impl FnOnce(&Element) -> Result<T, XmlError>,
) -> Result<T, ResponseError> {
    if response.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    let root = Element::parse(&response.body).map_err(|e| e.into_response_error(response))?;
    match error_element(&root) {
        Some(error) => read(error).map_err(|e| e.into_response_error(response)),
        None => Err(XmlError::new(format!(
            "an error response whose root `{}` holds no `Error`",
            root.name
        ))
        .into_response_error(response)),
    }
}

/// A value written as an element's text or an attribute's value.
pub trait ToXmlText {
    /// The text, before escaping.
    fn to_xml_text(&self) -> String;
}

impl<T: crate::protocol::http_binding::ParamValue + ?Sized> ToXmlText for T {
    fn to_xml_text(&self) -> String {
        self.to_param()
    }
}

/// A structure or union written as an element: generated impls.
pub trait ToXml {
    /// Writes `<name ...>...</name>`; `namespace` is the `smithy.api#xmlNamespace` the
    /// member or the shape declares on the element, as `(prefix, uri)`.
    fn to_xml(&self, writer: &mut XmlWriter, name: &str, namespace: Option<(Option<&str>, &str)>);
}

/// Recursive structures hold their members boxed.
impl<T: ToXml + ?Sized> ToXml for Box<T> {
    fn to_xml(&self, writer: &mut XmlWriter, name: &str, namespace: Option<(Option<&str>, &str)>) {
        (**self).to_xml(writer, name, namespace);
    }
}

/// Builds an XML document. Callers open an element, add its attributes, then its text or
/// children, then end it; text and attribute values are escaped here.
#[derive(Debug, Default)]
pub struct XmlWriter {
    out: String,
    /// An element whose start tag is still open for attributes.
    start_open: bool,
}

impl XmlWriter {
    /// An empty document.
    pub fn new() -> Self {
        Self::default()
    }

    /// Opens `<name`, declaring `namespace` (`(prefix, uri)`) on it.
    pub fn start(&mut self, name: &str, namespace: Option<(Option<&str>, &str)>) {
        self.close_start();
        self.out.push('<');
        self.out.push_str(name);
        self.start_open = true;
        if let Some((prefix, uri)) = namespace {
            match prefix {
                Some(prefix) => self.attribute(&format!("xmlns:{prefix}"), uri),
                None => self.attribute("xmlns", uri),
            }
        }
    }

    /// Adds an attribute to the element just opened.
    pub fn attribute(&mut self, name: &str, value: &str) {
        self.out.push(' ');
        self.out.push_str(name);
        self.out.push_str("=\"");
        escape_into(&mut self.out, value, true);
        self.out.push('"');
    }

    fn close_start(&mut self) {
        if self.start_open {
            self.out.push('>');
            self.start_open = false;
        }
    }

    /// Text inside the open element.
    pub fn text(&mut self, text: &str) {
        self.close_start();
        escape_into(&mut self.out, text, false);
    }

    /// Closes the element `name`.
    pub fn end(&mut self, name: &str) {
        self.close_start();
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
    }

    /// `<name>text</name>`, with `namespace` declared on it.
    pub fn element(&mut self, name: &str, namespace: Option<(Option<&str>, &str)>, text: &str) {
        self.start(name, namespace);
        self.text(text);
        self.end(name);
    }

    /// The document's bytes.
    pub fn finish(mut self) -> Vec<u8> {
        self.close_start();
        self.out.into_bytes()
    }
}

/// Escapes what XML needs escaped; in attributes quotes and line breaks too, so that they
/// survive attribute-value normalisation.
fn escape_into(out: &mut String, text: &str, attribute: bool) {
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' if attribute => out.push_str("&quot;"),
            '\n' if attribute => out.push_str("&#xA;"),
            '\r' => out.push_str("&#xD;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root(xml: &str) -> Element {
        Element::parse(xml.as_bytes()).unwrap()
    }

    #[test]
    fn elements_attributes_and_text_are_read_by_local_name() {
        let doc = root(
            r#"<?xml version="1.0"?>
            <!-- a comment -->
            <ns:Root xmlns:ns="http://a" xmlns="http://b" ns:id="7" kind="x">
              <Name>a &amp; b &#x41;&#66; &lt;c&gt;</Name>
              <Empty/>
              <Data><![CDATA[<raw>]]></Data>
            </ns:Root>"#,
        );
        assert_eq!(doc.name(), "Root");
        assert_eq!(doc.attribute("id"), Some("7"));
        assert_eq!(doc.attribute("ns:id"), Some("7"));
        assert_eq!(doc.attribute("kind"), Some("x"));
        assert_eq!(doc.attribute("xmlns"), None);
        assert_eq!(doc.child("Name").unwrap().text(), "a & b AB <c>");
        assert_eq!(doc.child("Empty").unwrap().text(), "");
        assert_eq!(doc.child("Data").unwrap().text(), "<raw>");
        assert_eq!(doc.children().len(), 3);
    }

    #[test]
    fn malformed_documents_are_errors_not_panics() {
        for bad in [
            "",
            "<a>",
            "<a></b>",
            "<a/><b/>",
            "text",
            "<a>&bogus;</a>",
            "<a x='1' x='2'/>",
            "<a><b></a>",
        ] {
            assert!(Element::parse(bad.as_bytes()).is_err(), "{bad:?}");
        }
        assert!(Element::parse(&[0xff, 0xfe]).is_err());
        let deep = "<a>".repeat(MAX_DEPTH + 1) + &"</a>".repeat(MAX_DEPTH + 1);
        let error = Element::parse(deep.as_bytes()).unwrap_err();
        assert!(error.to_string().contains("deeper"), "{error}");
    }

    #[test]
    fn scalars_parse_or_name_the_element() {
        let doc = root(
            "<r><n> 42 </n><f>-Infinity</f><b>true</b><x>4x</x><t>2015-01-25T08:00:00Z</t><blob>Zm9v</blob></r>",
        );
        let child = |name| doc.child(name).unwrap();
        assert_eq!(i32::from_xml(child("n")).unwrap(), 42);
        assert_eq!(f64::from_xml(child("f")).unwrap(), f64::NEG_INFINITY);
        assert!(bool::from_xml(child("b")).unwrap());
        let error = i32::from_xml(child("x")).unwrap_err().to_string();
        assert!(error.contains("`x`") && error.contains("4x"), "{error}");
        assert_eq!(
            timestamp(child("t"), Format::DateTime).unwrap(),
            DateTime::from_secs(1_422_172_800)
        );
        assert_eq!(blob(child("blob")).unwrap(), b"foo");
    }

    #[test]
    fn wrapped_lists_and_maps_read_their_members() {
        let doc = root(
            "<r><L><member>a</member><other>skip</other><member>b</member></L>\
             <M><entry><key>k1</key><value>1</value></entry><entry><key>k2</key><value>2</value></entry></M>\
             <Bad><entry><key>k</key></entry></Bad></r>",
        );
        let items = list(doc.child("L").unwrap(), "member", String::from_xml).unwrap();
        assert_eq!(items, ["a", "b"]);
        let entries = map(doc.child("M").unwrap(), "key", "value", i32::from_xml).unwrap();
        assert_eq!(
            entries,
            BTreeMap::from([("k1".into(), 1), ("k2".into(), 2)])
        );
        assert!(map(doc.child("Bad").unwrap(), "key", "value", i32::from_xml).is_err());
    }

    #[test]
    fn the_writer_escapes_and_declares_namespaces() {
        let mut writer = XmlWriter::new();
        writer.start("Root", Some((None, "http://a")));
        writer.attribute("id", "a\"<b>\n");
        writer.element("Name", Some((Some("p"), "http://p")), "x & <y>");
        writer.start("Empty", None);
        writer.end("Empty");
        writer.end("Root");
        let xml = String::from_utf8(writer.finish()).unwrap();
        assert_eq!(
            xml,
            "<Root xmlns=\"http://a\" id=\"a&quot;&lt;b&gt;&#xA;\">\
             <Name xmlns:p=\"http://p\">x &amp; &lt;y&gt;</Name><Empty></Empty></Root>"
        );
        let back = root(&xml);
        assert_eq!(back.attribute("id"), Some("a\"<b>\n"));
        assert_eq!(back.child("Name").unwrap().text(), "x & <y>");
    }
}
