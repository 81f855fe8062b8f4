//! The form-encoded requests of awsQuery and ec2Query: `Action` and `Version`, then every
//! member as `Name=value`, nested structures as `Parent.Child`, lists as `Name.member.N`
//! (`Name.N` flattened), maps as `Name.entry.N.key` / `.value`. Generated [`ToQuery`] impls
//! decide the names (the two protocols name members differently); this module writes them.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use percent_encoding::utf8_percent_encode;

use crate::protocol::http_binding::{ParamValue, UNRESERVED};

/// The body of a query request being written.
#[derive(Debug)]
pub struct QueryWriter {
    body: String,
}

/// A structure or union written as parameters under a key prefix: generated impls.
pub trait ToQuery {
    /// Writes the members under `prefix` (empty at the top level).
    fn to_query(&self, writer: &mut QueryWriter, prefix: &str);
}

/// Recursive structures hold their members boxed.
impl<T: ToQuery + ?Sized> ToQuery for Box<T> {
    fn to_query(&self, writer: &mut QueryWriter, prefix: &str) {
        (**self).to_query(writer, prefix);
    }
}

impl QueryWriter {
    /// `Action=<action>&Version=<version>`: the operation's name and the service's API version.
    pub fn new(action: &str, version: &str) -> Self {
        let mut writer = Self {
            body: String::new(),
        };
        writer.value("Action", action);
        writer.value("Version", version);
        writer
    }

    /// `key=value`, both percent-encoded.
    pub fn value<T: ParamValue + ?Sized>(&mut self, key: &str, value: &T) {
        self.pair(key, &value.to_param());
    }

    /// `key=` with no value: how awsQuery sends an empty list.
    pub fn empty(&mut self, key: &str) {
        self.pair(key, "");
    }

    fn pair(&mut self, key: &str, value: &str) {
        if !self.body.is_empty() {
            self.body.push('&');
        }
        let _ = write!(
            self.body,
            "{}={}",
            utf8_percent_encode(key, UNRESERVED),
            utf8_percent_encode(value, UNRESERVED)
        );
    }

    /// The body's bytes.
    pub fn finish(self) -> Vec<u8> {
        self.body.into_bytes()
    }
}

/// `prefix.name`, or `name` at the top level.
pub fn key(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}.{name}")
    }
}

/// A list under `key`: items `key.member.N` (1-based; `member` is the list member's name),
/// or `key.N` when `member` is `None` (flattened). An empty list is `key=` when
/// `write_empty`, as awsQuery wants, else nothing, as ec2Query wants.
pub fn list<T>(
    writer: &mut QueryWriter,
    key: &str,
    member: Option<&str>,
    items: &[T],
    write_empty: bool,
    item: impl Fn(&mut QueryWriter, &str, &T),
) {
    if items.is_empty() && write_empty {
        writer.empty(key);
    }
    for (index, value) in items.iter().enumerate() {
        let item_key = match member {
            Some(member) => format!("{key}.{member}.{}", index + 1),
            None => format!("{key}.{}", index + 1),
        };
        item(writer, &item_key, value);
    }
}

/// A map under `key`: entries `key.entry.N.<key name>` and `.<value name>`, or `key.N....`
/// when flattened (`entry` is `None`), in key order.
pub fn map<V>(
    writer: &mut QueryWriter,
    key: &str,
    entry: Option<&str>,
    names: (&str, &str),
    entries: &BTreeMap<String, V>,
    value: impl Fn(&mut QueryWriter, &str, &V),
) {
    let (key_name, value_name) = names;
    for (index, (entry_key, entry_value)) in entries.iter().enumerate() {
        let prefix = match entry {
            Some(entry) => format!("{key}.{entry}.{}", index + 1),
            None => format!("{key}.{}", index + 1),
        };
        writer.value(&format!("{prefix}.{key_name}"), entry_key);
        value(writer, &format!("{prefix}.{value_name}"), entry_value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(writer: QueryWriter) -> String {
        String::from_utf8(writer.finish()).unwrap()
    }

    #[test]
    fn action_version_and_encoded_values() {
        let mut writer = QueryWriter::new("AssumeRole", "2011-06-15");
        writer.value(&key("", "RoleArn"), "arn:aws:iam::1:role/a b");
        writer.value(&key("Nested", "Flag"), &true);
        assert_eq!(
            body(writer),
            "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fa%20b\
             &Nested.Flag=true"
        );
    }

    #[test]
    fn lists_wrapped_flattened_and_empty() {
        let mut writer = QueryWriter::new("A", "1");
        let items = ["x".to_owned(), "y".to_owned()];
        list(&mut writer, "L", Some("member"), &items, true, |w, k, v| {
            w.value(k, v)
        });
        list(&mut writer, "F", None, &items, true, |w, k, v| {
            w.value(k, v)
        });
        list::<String>(&mut writer, "E", Some("member"), &[], true, |w, k, v| {
            w.value(k, v)
        });
        list::<String>(&mut writer, "Skipped", None, &[], false, |w, k, v| {
            w.value(k, v)
        });
        assert_eq!(
            body(writer),
            "Action=A&Version=1&L.member.1=x&L.member.2=y&F.1=x&F.2=y&E="
        );
    }

    #[test]
    fn maps_in_key_order() {
        let mut writer = QueryWriter::new("A", "1");
        let entries = BTreeMap::from([("foo".to_owned(), 1), ("bar".to_owned(), 2)]);
        map(
            &mut writer,
            "M",
            Some("entry"),
            ("key", "value"),
            &entries,
            |w, k, v| w.value(k, v),
        );
        map(&mut writer, "F", None, ("K", "V"), &entries, |w, k, v| {
            w.value(k, v)
        });
        assert_eq!(
            body(writer),
            "Action=A&Version=1&M.entry.1.key=bar&M.entry.1.value=2&M.entry.2.key=foo\
             &M.entry.2.value=1&F.1.K=bar&F.1.V=2&F.2.K=foo&F.2.V=1"
        );
    }
}
