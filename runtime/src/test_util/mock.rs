//! Rules per operation that answer calls instead of the network, as aws-smithy-mocks and
//! botocore's Stubber do: a [`Rule`] is for one operation (named by its input type), may look
//! at the input, and answers each attempt with an output, an operation error or a raw HTTP
//! response (read by the operation's own parsers, as if the service had sent it). A
//! [`sequence`](RuleBuilder::sequence) answers attempts in turn, e.g. a 503 and then an
//! output: one call, retried by the configured retry policy.
//!
//! ```
//! use leansdk_runtime::config::Config;
//! use leansdk_runtime::test_util::mock::{MockRules, Rule, RuleMode};
//! # use leansdk_runtime::orchestrator::Operation;
//! # #[derive(Default)] struct GetThingInput { name: Option<String> }
//! # #[derive(Debug)] struct GetThingOutput { size: u32 }
//! # impl Operation for GetThingInput {
//! #     const NAME: &'static str = "GetThing";
//! #     type Output = GetThingOutput;
//! #     type Error = leansdk_runtime::error::UnhandledError;
//! # }
//!
//! let get_thing = Rule::<GetThingInput>::builder()
//!     .match_requests(|input| input.name.as_deref() == Some("big"))
//!     .then_output(|| GetThingOutput { size: 100 });
//! let config = Config::builder()
//!     .mock_rules(MockRules::new(RuleMode::MatchAny).rule(&get_thing))
//!     .build();
//! // ... code under test calls `GetThing` with a client built from `config` ...
//! assert_eq!(get_thing.num_calls(), 0);
//! ```

use std::any::Any;
use std::error::Error;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::http::HttpResponse;
use crate::orchestrator::Operation;

/// What a rule answers one attempt with.
pub(crate) enum Answer<I: Operation> {
    Output(I::Output),
    Error(I::Error),
    Http(HttpResponse),
}

type Respond<I> = Arc<dyn Fn() -> Answer<I> + Send + Sync>;
type Matcher<I> = Box<dyn Fn(&I) -> bool + Send + Sync>;

/// A rule being made: which calls of `I` it answers; then how (`then_*`, or a
/// [`sequence`](Self::sequence)). Made by [`Rule::builder`].
pub struct RuleBuilder<I: Operation> {
    matcher: Matcher<I>,
}

impl<I: Operation> RuleBuilder<I> {
    /// The rule answers only calls whose input `matcher` accepts (by default, every call
    /// of the operation).
    pub fn match_requests(mut self, matcher: impl Fn(&I) -> bool + Send + Sync + 'static) -> Self {
        self.matcher = Box::new(matcher);
        self
    }

    /// Answers every attempt it matches with the output `make` returns.
    pub fn then_output(self, make: impl Fn() -> I::Output + Send + Sync + 'static) -> Rule<I> {
        self.sequence().output(make).answer_forever()
    }

    /// Answers every attempt it matches with the operation error `make` returns: a service
    /// error, retried if its code and status say so (see
    /// [`ProvideErrorMetadata::code`](crate::error::ProvideErrorMetadata::code)).
    pub fn then_error(self, make: impl Fn() -> I::Error + Send + Sync + 'static) -> Rule<I> {
        self.sequence().error(make).answer_forever()
    }

    /// Answers every attempt it matches with the response `make` returns, read as the
    /// service's: a 2xx by the output parser, any other status by the error parser.
    pub fn then_http_response(
        self,
        make: impl Fn() -> HttpResponse + Send + Sync + 'static,
    ) -> Rule<I> {
        self.sequence().http_response(make).answer_forever()
    }

    /// Answers in turn, one answer per attempt, then no more: the rule is then used up.
    pub fn sequence(self) -> Sequence<I> {
        Sequence {
            matcher: self.matcher,
            answers: Vec::new(),
        }
    }
}

/// The answers of a rule, one per attempt in the order added; [`build`](Self::build) makes
/// the rule.
pub struct Sequence<I: Operation> {
    matcher: Matcher<I>,
    answers: Vec<Respond<I>>,
}

impl<I: Operation> Sequence<I> {
    /// Then the output `make` returns.
    pub fn output(mut self, make: impl Fn() -> I::Output + Send + Sync + 'static) -> Self {
        self.answers.push(Arc::new(move || Answer::Output(make())));
        self
    }

    /// Then the operation error `make` returns (see [`RuleBuilder::then_error`]).
    pub fn error(mut self, make: impl Fn() -> I::Error + Send + Sync + 'static) -> Self {
        self.answers.push(Arc::new(move || Answer::Error(make())));
        self
    }

    /// Then the response `make` returns (see [`RuleBuilder::then_http_response`]).
    pub fn http_response(
        mut self,
        make: impl Fn() -> HttpResponse + Send + Sync + 'static,
    ) -> Self {
        self.answers.push(Arc::new(move || Answer::Http(make())));
        self
    }

    /// The answer added last is given `n` times in all, not once (`0` takes it out again).
    /// Before the first answer there is nothing to repeat, and nothing changes.
    pub fn times(mut self, n: usize) -> Self {
        if let Some(last) = self.answers.pop() {
            self.answers.extend(std::iter::repeat_n(last, n));
        }
        self
    }

    /// The rule: used up once every answer has been given.
    pub fn build(self) -> Rule<I> {
        self.into_rule(false)
    }

    /// The rule of a `then_*`: its one answer, given for ever.
    fn answer_forever(self) -> Rule<I> {
        self.into_rule(true)
    }

    fn into_rule(self, repeat_last: bool) -> Rule<I> {
        Rule {
            state: Arc::new(RuleState {
                matcher: self.matcher,
                answers: self.answers,
                repeat_last,
                calls: AtomicUsize::new(0),
            }),
        }
    }
}

/// A mock rule for the operation whose input type is `I`: which of its calls it answers, and
/// with what. Clones are the same rule (the same answers and count), so keep one to ask
/// [`num_calls`](Self::num_calls) after giving it to [`MockRules::rule`].
pub struct Rule<I: Operation> {
    state: Arc<RuleState<I>>,
}

impl<I: Operation> Rule<I> {
    /// Begins a rule for `I`'s operation, e.g. `Rule::<GetWorkflowInput>::builder()`.
    pub fn builder() -> RuleBuilder<I> {
        RuleBuilder {
            matcher: Box::new(|_| true),
        }
    }

    /// How many attempts this rule has answered (a retried call counts each attempt).
    pub fn num_calls(&self) -> usize {
        self.state.num_calls()
    }

    /// Whether every answer of a [`sequence`](RuleBuilder::sequence) has been given; a
    /// `then_*` rule is never used up.
    pub fn is_exhausted(&self) -> bool {
        self.state.is_exhausted()
    }
}

impl<I: Operation> Clone for Rule<I> {
    fn clone(&self) -> Self {
        Self {
            state: Arc::clone(&self.state),
        }
    }
}

impl<I: Operation> fmt::Debug for Rule<I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.state, f)
    }
}

struct RuleState<I: Operation> {
    matcher: Matcher<I>,
    answers: Vec<Respond<I>>,
    /// The last answer is given for ever (a `then_*` rule).
    repeat_last: bool,
    /// Answers given so far.
    calls: AtomicUsize,
}

impl<I: Operation> RuleState<I> {
    /// The next answer, unless the rule is used up; counted as given.
    fn claim(&self) -> Option<Answer<I>> {
        let len = self.answers.len();
        let can_answer = |given: usize| given < len || (self.repeat_last && len > 0);
        let given = self
            .calls
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |given| {
                can_answer(given).then_some(given + 1)
            })
            .ok()?;
        let respond = self.answers.get(given).or(self.answers.last())?;
        Some(respond())
    }
}

/// A rule whatever its operation, as [`MockRules`] holds it.
trait AnyRule: Send + Sync {
    fn operation(&self) -> &'static str;
    fn num_calls(&self) -> usize;
    fn is_exhausted(&self) -> bool;
    fn as_any(&self) -> &dyn Any;
}

impl<I: Operation> AnyRule for RuleState<I> {
    fn operation(&self) -> &'static str {
        I::NAME
    }

    fn num_calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    fn is_exhausted(&self) -> bool {
        !self.repeat_last && self.num_calls() >= self.answers.len()
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl fmt::Debug for dyn AnyRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rule")
            .field("operation", &self.operation())
            .field("num_calls", &self.num_calls())
            .field("exhausted", &self.is_exhausted())
            .finish()
    }
}

impl<I: Operation> fmt::Debug for RuleState<I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self as &dyn AnyRule, f)
    }
}

/// Which of the rules answers a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleMode {
    /// The rules answer in the order given: each attempt must be one the first rule not yet
    /// used up answers (its operation, its matcher). A `then_*` rule is never used up, so
    /// the rules after it are never reached; make the rules before it sequences.
    InOrder,
    /// The first rule, in the order given, that answers the attempt (its operation, its
    /// matcher) and is not used up.
    MatchAny,
}

/// The rules a configuration answers calls with (see
/// [`ConfigBuilder::mock_rules`](crate::config::ConfigBuilder::mock_rules)); rules of any
/// operation, of any service.
#[derive(Debug)]
pub struct MockRules {
    mode: RuleMode,
    rules: Vec<Arc<dyn AnyRule>>,
}

impl MockRules {
    /// No rules yet, chosen as `mode` says.
    pub fn new(mode: RuleMode) -> Self {
        Self {
            mode,
            rules: Vec::new(),
        }
    }

    /// Adds `rule` after the others (the same rule: its count goes on).
    pub fn rule<I: Operation>(mut self, rule: &Rule<I>) -> Self {
        self.rules.push(rule.state.clone());
        self
    }

    /// The answer to an attempt of `input`'s operation.
    pub(crate) fn answer<I: Operation>(&self, input: &I) -> Result<Answer<I>, Unmatched> {
        let unmatched = |reason: String| Unmatched {
            operation: I::NAME,
            reason,
        };
        match self.mode {
            RuleMode::MatchAny => self
                .rules
                .iter()
                .filter_map(|rule| of_operation::<I>(rule))
                .filter(|rule| (rule.matcher)(input))
                .find_map(RuleState::claim)
                .ok_or_else(|| {
                    unmatched(format!(
                        "none of the {} rules matches it, or those that do are used up",
                        self.rules.len()
                    ))
                }),
            RuleMode::InOrder => {
                let (index, next) = self
                    .rules
                    .iter()
                    .enumerate()
                    .find(|(_, rule)| !rule.is_exhausted())
                    .ok_or_else(|| {
                        unmatched(format!("all {} rules are used up", self.rules.len()))
                    })?;
                let in_order = |reason: &str| {
                    unmatched(format!(
                        "the next rule in order (rule {index}, for {}) {reason}",
                        next.operation()
                    ))
                };
                let rule =
                    of_operation::<I>(next).ok_or_else(|| in_order("is for another operation"))?;
                if !(rule.matcher)(input) {
                    return Err(in_order("does not match its input"));
                }
                rule.claim()
                    .ok_or_else(|| in_order("was used up by another call"))
            }
        }
    }
}

/// `rule` if it is for `I`'s operation.
fn of_operation<I: Operation>(rule: &Arc<dyn AnyRule>) -> Option<&RuleState<I>> {
    rule.as_any().downcast_ref()
}

/// No mock rule answers a call: the source of the
/// [`ConnectorError`](crate::http::ConnectorError) (kind
/// [`InvalidRequest`](crate::http::ConnectorErrorKind::InvalidRequest)) the call fails with
/// when mock rules are installed. Nothing is sent instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unmatched {
    operation: &'static str,
    reason: String,
}

impl Unmatched {
    /// The operation called, e.g. `GetWorkflow`.
    pub fn operation(&self) -> &'static str {
        self.operation
    }
}

impl fmt::Display for Unmatched {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no mock rule answers this {} call: {}",
            self.operation, self.reason
        )
    }
}

impl Error for Unmatched {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::UnhandledError;

    struct GetThing(&'static str);
    struct PutThing;

    impl Operation for GetThing {
        const NAME: &'static str = "GetThing";
        type Output = u32;
        type Error = UnhandledError;
    }

    impl Operation for PutThing {
        const NAME: &'static str = "PutThing";
        type Output = ();
        type Error = UnhandledError;
    }

    /// The output `rules` answer `input` with, or why none.
    fn output<I: Operation>(rules: &MockRules, input: &I) -> Result<I::Output, String> {
        match rules.answer(input) {
            Ok(Answer::Output(output)) => Ok(output),
            Ok(Answer::Error(_) | Answer::Http(_)) => Err("not an output".to_owned()),
            Err(unmatched) => Err(unmatched.to_string()),
        }
    }

    #[test]
    fn a_sequence_gives_each_answer_as_often_as_it_says_then_is_used_up() {
        let rule = Rule::<GetThing>::builder()
            .sequence()
            .output(|| 1)
            .times(2)
            .output(|| 2)
            .output(|| 3)
            .times(0)
            .build();
        let rules = MockRules::new(RuleMode::MatchAny).rule(&rule);
        let answers: Vec<_> = (0..4).map(|_| output(&rules, &GetThing("a"))).collect();
        assert_eq!(answers[..3], [Ok(1), Ok(1), Ok(2)]);
        assert_eq!(
            answers[3],
            Err("no mock rule answers this GetThing call: none of the 1 rules matches it, or those that do are used up".to_owned())
        );
        assert_eq!(rule.num_calls(), 3);
        assert!(rule.is_exhausted());
        assert_eq!(
            format!("{rules:?}"),
            "MockRules { mode: MatchAny, rules: [Rule { operation: \"GetThing\", num_calls: 3, exhausted: true }] }"
        );
    }

    #[test]
    fn match_any_takes_the_first_rule_of_the_operation_that_matches_and_is_not_used_up() {
        let put = Rule::<PutThing>::builder().then_output(|| ());
        let once_for_a = Rule::<GetThing>::builder()
            .match_requests(|input| input.0 == "a")
            .sequence()
            .output(|| 1)
            .build();
        let always = Rule::<GetThing>::builder().then_output(|| 2);
        let rules = MockRules::new(RuleMode::MatchAny)
            .rule(&put)
            .rule(&once_for_a)
            .rule(&always);
        assert_eq!(output(&rules, &GetThing("b")), Ok(2));
        assert_eq!(output(&rules, &GetThing("a")), Ok(1));
        assert_eq!(output(&rules, &GetThing("a")), Ok(2));
        assert_eq!(output(&rules, &PutThing), Ok(()));
        assert_eq!(
            (put.num_calls(), once_for_a.num_calls(), always.num_calls()),
            (1, 1, 2)
        );
    }

    #[test]
    fn in_order_each_call_must_be_the_next_rules() {
        let get = Rule::<GetThing>::builder().sequence().output(|| 1).build();
        let put = Rule::<PutThing>::builder().sequence().output(|| ()).build();
        let rules = MockRules::new(RuleMode::InOrder).rule(&get).rule(&put);
        assert_eq!(
            output(&rules, &PutThing),
            Err("no mock rule answers this PutThing call: the next rule in order (rule 0, for GetThing) is for another operation".to_owned())
        );
        assert_eq!(output(&rules, &GetThing("a")), Ok(1));
        assert_eq!(output(&rules, &PutThing), Ok(()));
        assert_eq!(
            output(&rules, &GetThing("a")),
            Err("no mock rule answers this GetThing call: all 2 rules are used up".to_owned())
        );
    }

    #[test]
    fn a_sequence_without_answers_never_answers() {
        let empty = Rule::<GetThing>::builder().sequence().times(3).build();
        assert!(empty.is_exhausted());
        let rules = MockRules::new(RuleMode::MatchAny).rule(&empty);
        assert!(output(&rules, &GetThing("a")).is_err());
        assert_eq!(empty.num_calls(), 0);
    }
}
