//! Event streams (`smithy.api#streaming` unions): which members are events and which
//! exceptions, where each event's members travel (`smithy.api#eventHeader`,
//! `smithy.api#eventPayload`), and which streams operations send or receive.

use super::{
    Binding, Builder, Field, Operation, OperationError, PayloadKind, RustType, StructRole, Target,
    TypeDef, TypeKind, Union, XmlName, names,
};
use crate::error::Error;
use crate::model::{Member, Shape, ShapeKind};

/// What an event stream (a `smithy.api#streaming` union) carries besides its events.
#[derive(Clone, Debug, PartialEq)]
pub struct EventStream {
    /// The error enum of the stream's exceptions, e.g. `ConverseStreamOutputError`.
    pub error_name: String,
    /// Its `smithy.api#error` members: the exceptions a stream can end with, named on the
    /// wire (`:exception-type`) by member name.
    pub errors: Vec<OperationError>,
    /// Each event's structure: which of its members travel in message headers
    /// (`smithy.api#eventHeader`) and what the payload holds, by variant.
    pub events: Vec<Event>,
    /// Some operation's output streams it: it is read from messages.
    pub received: bool,
    /// Some operation's input streams it: it is written as messages.
    pub sent: bool,
}

/// One event of a stream: its union variant's structure, as messages carry it.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// The union variant, named on the wire (`:event-type`) by its member name.
    pub variant: String,
    pub wire_name: String,
    /// The structure's type name.
    pub structure: String,
    /// Members in headers (`smithy.api#eventHeader`), under their member names.
    pub headers: Vec<Field>,
    pub payload: EventPayload,
}

/// What an event message's payload holds.
#[derive(Clone, Debug, PartialEq)]
pub enum EventPayload {
    /// The structure's other members, as a document of the protocol (JSON, XML); nothing
    /// when it has none.
    Document { empty: bool },
    /// The `smithy.api#eventPayload` member: its bytes, text or document.
    Member(Box<Field>, PayloadKind),
}

/// `smithy.api#streaming` on a union: an event stream.
pub(super) fn is_event_stream(shape: &Shape) -> bool {
    matches!(shape.kind, ShapeKind::Union(_)) && shape.traits.has("smithy.api#streaming")
}

/// Marks each event stream with the directions operations stream it in.
pub(super) fn mark_directions(types: &mut [TypeDef], operations: &[Operation]) {
    for field in operations
        .iter()
        .flat_map(|op| op.input.fields.iter().chain(&op.output.fields))
    {
        let (union, received) = match &field.ty {
            RustType::EventReceiver { union, .. } => (union, true),
            RustType::EventSender { union } => (union, false),
            _ => continue,
        };
        let stream = types.iter_mut().find_map(|def| match &mut def.kind {
            TypeKind::Union(Union {
                event_stream: Some(stream),
                ..
            }) if &def.name == union => Some(stream),
            _ => None,
        });
        if let Some(stream) = stream {
            if received {
                stream.received = true;
            } else {
                stream.sent = true;
            }
        }
    }
}

/// The binding of an event's member (`smithy.api#eventHeader`, `smithy.api#eventPayload`)
/// or of a member that is an event stream, in any protocol; `None` for other members.
pub(super) fn binding(member: &Member, target: &Target<'_>) -> Option<Binding> {
    let traits = &member.traits;
    if traits.has("smithy.api#eventHeader") {
        return Some(Binding::EventHeader);
    }
    let streams = target
        .traits()
        .is_some_and(|t| t.has("smithy.api#streaming"));
    let kind = match target.kind() {
        ShapeKind::Union(_) if streams => PayloadKind::EventStream,
        _ if !traits.has("smithy.api#eventPayload") => return None,
        ShapeKind::Blob => PayloadKind::Blob,
        ShapeKind::String | ShapeKind::Enum(_) => PayloadKind::Text,
        ShapeKind::Union(_) => PayloadKind::Union,
        _ => PayloadKind::Structure,
    };
    let root = target
        .traits()
        .and_then(|t| t.xml_name())
        .unwrap_or(member.target.name());
    Some(Binding::Payload(kind, XmlName::new(root, traits)))
}

/// A member of an event stream union.
pub(super) enum StreamMember {
    Exception(OperationError),
    Event(Vec<Field>, EventPayload),
}

impl Builder<'_> {
    /// What `member` of the event stream `union` is: an exception if it targets an
    /// `smithy.api#error` structure, else an event, with its header members and payload.
    pub(super) fn stream_member(
        &self,
        union: &Shape,
        member: &Member,
        target: &Target<'_>,
    ) -> Result<StreamMember, Error> {
        let structure = match (target, self.names.get(&member.target)) {
            (Target::Model(shape), Some(name)) if matches!(shape.kind, ShapeKind::Structure(_)) => {
                Some((shape, name))
            }
            _ => None,
        };
        let Some((shape, type_name)) = structure else {
            return Err(Error::EventStream {
                member: union.id.member(&member.name),
                message: format!("targets `{}`, not a structure", member.target),
            });
        };
        if shape.traits.error().is_some() {
            return Ok(StreamMember::Exception(OperationError {
                type_name: type_name.clone(),
                codes: vec![member.name.clone()],
                snake: names::snake(type_name),
            }));
        }
        let fields = self.structure(shape, StructRole::Data)?.fields;
        let (headers, rest): (Vec<Field>, Vec<Field>) = fields
            .into_iter()
            .partition(|f| f.binding == Binding::EventHeader);
        let member_payload = rest.iter().find_map(|f| match &f.binding {
            Binding::Payload(kind, _) => Some((f, *kind)),
            _ => None,
        });
        let payload = match member_payload {
            Some((field, kind)) => EventPayload::Member(Box::new(field.clone()), kind),
            None => EventPayload::Document {
                empty: rest.is_empty(),
            },
        };
        Ok(StreamMember::Event(headers, payload))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use crate::error::Error;
    use crate::ir::{
        Binding, Crate, EventPayload, PayloadKind, RustType, TypeDef, TypeKind, Union,
    };
    use crate::model::Model;

    /// A service speaking `protocol` with `Watch`, whose output streams `Events` (a tick
    /// with a header and a JSON member, a note whose payload is text, and a `Failure`
    /// exception), and `Say`, whose input streams `Words`; `extra` adds members to the
    /// events (e.g. one targeting no structure).
    fn model(
        protocol: &str,
        extra_output_member: Option<Value>,
        extra_event: Option<Value>,
    ) -> Model {
        let mut output_members = json!({"events": {"target": "ex#Events"}});
        if let Some(extra) = extra_output_member {
            output_members["other"] = extra;
        }
        let mut events = json!({
            "tick": {"target": "ex#Tick"},
            "note": {"target": "ex#Note"},
            "failure": {"target": "ex#Failure"}
        });
        if let Some(extra) = extra_event {
            events["extra"] = extra;
        }
        let json = json!({
            "smithy": "2.0",
            "shapes": {
                "ex#Service": {
                    "type": "service",
                    "operations": [{"target": "ex#Watch"}, {"target": "ex#Say"}],
                    "traits": {protocol: {}}
                },
                "ex#Watch": {"type": "operation", "output": {"target": "ex#WatchOutput"}},
                "ex#WatchOutput": {"type": "structure", "members": output_members},
                "ex#Events": {"type": "union", "members": events,
                    "traits": {"smithy.api#streaming": {}}},
                "ex#Tick": {"type": "structure", "members": {
                    "count": {"target": "smithy.api#Long", "traits": {"smithy.api#eventHeader": {}}},
                    "label": {"target": "smithy.api#String"}
                }},
                "ex#Note": {"type": "structure", "members": {
                    "text": {"target": "smithy.api#String", "traits": {"smithy.api#eventPayload": {}}}
                }},
                "ex#Failure": {"type": "structure", "members": {
                    "message": {"target": "smithy.api#String"}
                }, "traits": {"smithy.api#error": "server"}},
                "ex#Say": {"type": "operation", "input": {"target": "ex#SayInput"}},
                "ex#SayInput": {"type": "structure", "members": {
                    "words": {"target": "ex#Words"}
                }},
                "ex#Words": {"type": "union", "members": {"note": {"target": "ex#Note"}},
                    "traits": {"smithy.api#streaming": {}}}
            }
        });
        Model::from_json(&json.to_string()).unwrap()
    }

    fn stream<'a>(krate: &'a Crate, name: &str) -> &'a super::EventStream {
        krate
            .types
            .iter()
            .find_map(|def: &TypeDef| match &def.kind {
                TypeKind::Union(Union {
                    event_stream: Some(stream),
                    ..
                }) if def.name == name => Some(stream),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no event stream {name}"))
    }

    #[test]
    fn events_and_exceptions_are_told_apart_and_their_members_placed() {
        let krate = Crate::build(&model("aws.protocols#restJson1", None, None), None).unwrap();
        assert!(
            krate.skipped_operations.is_empty(),
            "{:?}",
            krate.skipped_operations
        );
        let events = stream(&krate, "Events");
        assert_eq!(events.error_name, "EventsError");
        assert!(events.received && !events.sent);
        let errors: Vec<(&str, &[String])> = events
            .errors
            .iter()
            .map(|e| (e.type_name.as_str(), e.codes.as_slice()))
            .collect();
        assert_eq!(errors, [("Failure", &["failure".to_owned()][..])]);
        let event = |name: &str| {
            events
                .events
                .iter()
                .find(|e| e.wire_name == name)
                .unwrap_or_else(|| panic!("no event {name}: {:?}", events.events))
        };
        assert_eq!(events.events.len(), 2);
        let (tick, note) = (event("tick"), event("note"));
        assert_eq!(
            (tick.variant.as_str(), tick.wire_name.as_str()),
            ("Tick", "tick")
        );
        assert_eq!(tick.headers.len(), 1);
        assert_eq!(tick.headers[0].member, "count");
        assert_eq!(tick.headers[0].binding, Binding::EventHeader);
        assert_eq!(tick.payload, EventPayload::Document { empty: false });
        let EventPayload::Member(text, PayloadKind::Text) = &note.payload else {
            panic!("a text payload expected: {:?}", note.payload);
        };
        assert_eq!(text.member, "text");

        let watch = &krate
            .operations
            .iter()
            .find(|op| op.name == "Watch")
            .unwrap();
        assert_eq!(
            watch.output.fields[0].ty,
            RustType::EventReceiver {
                union: "Events".into(),
                error: "EventsError".into()
            }
        );
        assert!(matches!(
            watch.output.fields[0].binding,
            Binding::Payload(PayloadKind::EventStream, _)
        ));
        let say = &krate.operations.iter().find(|op| op.name == "Say").unwrap();
        assert!(say.sends_events());
        assert_eq!(
            say.input.fields[0].ty,
            RustType::EventSender {
                union: "Words".into()
            }
        );
        assert!(stream(&krate, "Words").sent);
    }

    #[test]
    fn what_rpc_protocols_would_carry_in_initial_messages_is_skipped_with_the_reason() {
        let other = json!({"target": "smithy.api#String"});
        let krate =
            Crate::build(&model("aws.protocols#awsJson1_1", Some(other), None), None).unwrap();
        let reasons: Vec<(&str, &str)> = krate
            .skipped_operations
            .iter()
            .map(|s| (s.name.as_str(), s.reason.as_str()))
            .collect();
        assert_eq!(reasons.len(), 2, "{reasons:?}");
        assert!(reasons[0].0 == "Say" && reasons[0].1.contains("input event stream"));
        assert!(reasons[1].0 == "Watch" && reasons[1].1.contains("initial-response"));
        // Without other members, an RPC output stream is built.
        let krate = Crate::build(&model("aws.protocols#awsJson1_1", None, None), None).unwrap();
        assert_eq!(krate.skipped_operations.len(), 1);
        assert!(krate.operations.iter().any(|op| op.name == "Watch"));
    }

    #[test]
    fn an_event_that_is_no_structure_is_an_error_naming_the_member() {
        let extra = json!({"target": "smithy.api#String"});
        let error =
            Crate::build(&model("aws.protocols#restJson1", None, Some(extra)), None).unwrap_err();
        assert!(matches!(error, Error::EventStream { .. }), "{error}");
        assert!(error.to_string().contains("ex#Events$extra"), "{error}");
    }
}
