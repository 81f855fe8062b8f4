//! The attempts of an operation that mock rules answer (feature `test-util`): under the
//! retry policy of real calls, and with nothing resolved, signed or sent.

use tracing::Instrument;

use super::{ClientHandle, Failed, Operation, Retries};
use crate::error::{BuildError, ErrorMetadata, ResponseError, SdkError, ServiceError};
use crate::http::{ConnectorError, ConnectorErrorKind, HttpRequest, HttpResponse};
use crate::test_util::mock::{Answer, MockRules};

/// How a mocked call succeeded: with the output a rule made, or a successful response that
/// the operation's parser is still to read.
pub(super) enum Mocked<O> {
    Output(O),
    Response(HttpResponse),
}

/// The last failed attempt: an error response, or an error a rule made.
enum Failure<E> {
    Response(HttpResponse, ErrorMetadata),
    Modelled(E),
}

impl ClientHandle {
    /// Runs one operation against `rules`: each attempt asks them for an answer to
    /// `input`. What fails before sending in a real call fails here too (`request`: a
    /// required member unset, an empty label), but neither endpoint nor credentials are
    /// needed. A call that no rule answers fails as a request that cannot be sent
    /// ([`ConnectorErrorKind::InvalidRequest`], its source a
    /// [`mock::Unmatched`](crate::test_util::mock::Unmatched)): never retried, and never sent.
    pub(super) async fn mocked<I: Operation>(
        &self,
        rules: &MockRules,
        request: Result<HttpRequest, BuildError>,
        input: I,
        parse_error: fn(ErrorMetadata, &HttpResponse) -> Result<I::Error, ResponseError>,
    ) -> Result<Mocked<I::Output>, SdkError<I::Error>> {
        request?;
        let attempts = async {
            let mut retries = Retries::new(self);
            loop {
                let attempt = retries.start_attempt().await;
                let answer = rules.answer(&input).map_err(|unmatched| {
                    SdkError::Dispatch(ConnectorError::new(
                        ConnectorErrorKind::InvalidRequest,
                        unmatched,
                    ))
                })?;
                tracing::debug!(attempt, "answered by a mock rule");
                let (failed, failure) = match answer {
                    Answer::Output(output) => {
                        retries.succeeded();
                        return Ok(Mocked::Output(output));
                    }
                    Answer::Http(response) => {
                        let Some(meta) = self.error_of(&response) else {
                            retries.succeeded();
                            return Ok(Mocked::Response(response));
                        };
                        (
                            Failed::response(&response, &meta),
                            Failure::Response(response, meta),
                        )
                    }
                    Answer::Error(error) => (Failed::error(&error), Failure::Modelled(error)),
                };
                if !retries.retry(failed).await {
                    let (error, raw) = match failure {
                        Failure::Response(response, meta) => {
                            (parse_error(meta, &response)?, response)
                        }
                        // No response was received: the raw one is empty.
                        Failure::Modelled(error) => (error, HttpResponse::default()),
                    };
                    return Err(SdkError::Service(ServiceError::new(error, raw)));
                }
            }
        };
        self.within_operation_timeout(attempts)
            .instrument(self.operation_span(I::NAME))
            .await
    }
}
