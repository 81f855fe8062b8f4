//! Pages of `smithy.api#paginated` operations, one request at a time, without a streams crate
//! (with the `stream` feature, pages and items are also `futures_core::Stream`s).
//!
//! A generated operation input implements [`Paginated`] (and [`PaginatedItems`] when the
//! trait names `items`); its fluent builder's `into_paginator()` returns a [`Paginator`]:
//!
//! ```ignore
//! let mut pages = client.list_things().domain_name("d").into_paginator();
//! while let Some(page) = pages.next_page().await {
//!     for thing in page?.items.unwrap_or_default() { /* ... */ }
//! }
//! let mut things = client.list_things().domain_name("d").into_paginator().items();
//! while let Some(thing) = things.next_item().await { let thing = thing?; }
//! let every_thing = client.list_things().domain_name("d").into_paginator().items().try_collect().await?;
//! ```

use std::collections::{BTreeMap, VecDeque};
use std::future::Future;

use crate::error::SdkError;

/// A continuation token: a string for most services, a map for some (DynamoDB's
/// `ExclusiveStartKey`). An empty one means there are no more pages.
pub trait PageToken: Clone + PartialEq {
    /// Whether the token says "no more pages".
    fn is_empty(&self) -> bool;
}

impl PageToken for String {
    fn is_empty(&self) -> bool {
        str::is_empty(self)
    }
}

impl<V: Clone + PartialEq> PageToken for BTreeMap<String, V> {
    fn is_empty(&self) -> bool {
        BTreeMap::is_empty(self)
    }
}

impl<T: Clone + PartialEq> PageToken for Vec<T> {
    fn is_empty(&self) -> bool {
        <[T]>::is_empty(self)
    }
}

/// An operation input whose responses come in pages linked by a token.
pub trait Paginated: Clone {
    /// The generated client that sends the input.
    type Client;
    /// The operation's output: one page.
    type Output;
    /// The operation's error enum.
    type Error;
    /// The type of the `inputToken` and `outputToken` members.
    type Token: PageToken;

    /// Sends one request.
    fn send(
        self,
        client: &Self::Client,
    ) -> impl Future<Output = Result<Self::Output, SdkError<Self::Error>>> + Send;

    /// The `inputToken` member: the token this request continues from.
    fn token(&self) -> Option<&Self::Token>;

    /// Sets the `inputToken` member to the previous page's `outputToken`.
    fn set_token(&mut self, token: Option<Self::Token>);

    /// Sets the `pageSize` member. Operations whose trait names none keep this default:
    /// the service alone decides their page size.
    fn set_page_size(&mut self, size: i32) {
        let _ = size;
    }

    /// The `outputToken` member of a page (which may sit in a nested structure).
    fn next_token(output: &Self::Output) -> Option<&Self::Token>;
}

/// A paginated operation whose trait names the `items` member of its output.
pub trait PaginatedItems: Paginated {
    /// One item of a page: the `items` member's element (a `(key, value)` pair for a map).
    type Item;

    /// The page's items, in order (map entries as pairs).
    fn items(output: Self::Output) -> Vec<Self::Item>;
}

/// Sends the requests of a paginated operation one page at a time.
pub struct Paginator<I: Paginated> {
    client: I::Client,
    input: I,
    done: bool,
}

impl<I: Paginated> Paginator<I> {
    #[doc(hidden)]
    pub fn new(client: I::Client, input: I) -> Self {
        Self {
            client,
            input,
            done: false,
        }
    }

    /// Asks the service for at most `size` results per page.
    pub fn page_size(mut self, size: i32) -> Self {
        self.input.set_page_size(size);
        self
    }

    /// The next page, or `None` after the last one. The last page is the one without a
    /// next token, with an empty one, or with the token it was requested with (a service
    /// repeating a token would otherwise be paged forever, so the AWS SDKs stop there too).
    /// After an error, the paginator ends.
    pub async fn next_page(&mut self) -> Option<Result<I::Output, SdkError<I::Error>>> {
        if self.done {
            return None;
        }
        let page = self.input.clone().send(&self.client).await;
        match &page {
            Ok(output) => match I::next_token(output) {
                Some(token) if !token.is_empty() && self.input.token() != Some(token) => {
                    self.input.set_token(Some(token.clone()));
                }
                _ => self.done = true,
            },
            Err(_) => self.done = true,
        }
        Some(page)
    }

    /// Every page, requested one after the other; the first error ends the paging and is
    /// returned instead.
    pub async fn try_collect(mut self) -> Result<Vec<I::Output>, SdkError<I::Error>> {
        let mut pages = Vec::new();
        while let Some(page) = self.next_page().await {
            pages.push(page?);
        }
        Ok(pages)
    }

    /// The pages as a [`futures_core::Stream`] (feature `stream`), for stream combinators.
    #[cfg(feature = "stream")]
    pub fn into_stream(self) -> PageStream<I>
    where
        I: StreamSafe,
    {
        PageStream {
            paginator: Some(self),
            next: None,
        }
    }

    /// The items of every page in turn.
    pub fn items(self) -> Items<I>
    where
        I: PaginatedItems,
    {
        Items {
            pages: self,
            buffered: VecDeque::new(),
        }
    }
}

/// The items of a paginated operation, page after page.
pub struct Items<I: PaginatedItems> {
    pages: Paginator<I>,
    buffered: VecDeque<I::Item>,
}

impl<I: PaginatedItems> Items<I> {
    /// The next item, fetching pages (skipping empty ones) as needed; `None` at the end.
    /// A failed page is returned as the error, and then the items end.
    pub async fn next_item(&mut self) -> Option<Result<I::Item, SdkError<I::Error>>> {
        loop {
            if let Some(item) = self.buffered.pop_front() {
                return Some(Ok(item));
            }
            match self.pages.next_page().await? {
                Ok(page) => self.buffered.extend(I::items(page)),
                Err(e) => return Some(Err(e)),
            }
        }
    }

    /// Every item of every page; the first error ends the paging and is returned instead.
    pub async fn try_collect(mut self) -> Result<Vec<I::Item>, SdkError<I::Error>> {
        let mut items = Vec::new();
        while let Some(item) = self.next_item().await {
            items.push(item?);
        }
        Ok(items)
    }

    /// The items as a [`futures_core::Stream`] (feature `stream`), for stream combinators.
    #[cfg(feature = "stream")]
    pub fn into_stream(self) -> ItemStream<I>
    where
        I: StreamSafe,
        I::Item: Send + 'static,
    {
        ItemStream {
            pages: self.pages.into_stream(),
            buffered: self.buffered,
        }
    }
}

#[cfg(feature = "stream")]
pub use stream::{ItemStream, PageStream, StreamSafe};

/// The `Stream` forms of [`Paginator`] and [`Items`]: each page's request runs in a boxed
/// future that owns the paginator, so that the stream can be polled without borrowing it.
#[cfg(feature = "stream")]
mod stream {
    use std::collections::VecDeque;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    use futures_core::Stream;

    use super::{Paginated, PaginatedItems, Paginator};
    use crate::BoxFuture;
    use crate::error::SdkError;

    /// What a paginated input needs for its pages to be requested from a stream, which may
    /// be moved to another task between polls.
    pub trait StreamSafe:
        Paginated<
            Client: Send + Sync + 'static,
            Output: Send + 'static,
            Error: Send + 'static,
            Token: Send + Sync,
        > + Send
        + Sync
        + 'static
    {
    }

    impl<I> StreamSafe for I where
        I: Paginated<
                Client: Send + Sync + 'static,
                Output: Send + 'static,
                Error: Send + 'static,
                Token: Send + Sync,
            > + Send
            + Sync
            + 'static
    {
    }

    type Page<I> = Option<Result<<I as Paginated>::Output, SdkError<<I as Paginated>::Error>>>;

    /// [`Paginator::into_stream`]: the pages, then `None`.
    pub struct PageStream<I: Paginated> {
        pub(super) paginator: Option<Paginator<I>>,
        pub(super) next: Option<BoxFuture<'static, (Paginator<I>, Page<I>)>>,
    }

    // The paginator is only ever moved, never pinned: the pinned state is the boxed future.
    impl<I: Paginated> Unpin for PageStream<I> {}

    impl<I: StreamSafe> Stream for PageStream<I> {
        type Item = Result<I::Output, SdkError<I::Error>>;

        fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
            let this = &mut *self;
            let next = match &mut this.next {
                Some(next) => next,
                None => {
                    let Some(mut paginator) = this.paginator.take() else {
                        return Poll::Ready(None);
                    };
                    this.next.insert(Box::pin(async move {
                        let page = paginator.next_page().await;
                        (paginator, page)
                    }))
                }
            };
            let (paginator, page) = match next.as_mut().poll(cx) {
                Poll::Ready(done) => done,
                Poll::Pending => return Poll::Pending,
            };
            this.next = None;
            if page.is_some() {
                this.paginator = Some(paginator);
            }
            Poll::Ready(page)
        }
    }

    /// [`Items::into_stream`](super::Items::into_stream): the items of every page, then `None`.
    pub struct ItemStream<I: PaginatedItems> {
        pub(super) pages: PageStream<I>,
        pub(super) buffered: VecDeque<I::Item>,
    }

    impl<I: PaginatedItems> Unpin for ItemStream<I> {}

    impl<I: PaginatedItems + StreamSafe> Stream for ItemStream<I> {
        type Item = Result<I::Item, SdkError<I::Error>>;

        fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
            let this = &mut *self;
            loop {
                if let Some(item) = this.buffered.pop_front() {
                    return Poll::Ready(Some(Ok(item)));
                }
                match Pin::new(&mut this.pages).poll_next(cx) {
                    Poll::Ready(Some(Ok(page))) => this.buffered.extend(I::items(page)),
                    Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                    Poll::Ready(None) => return Poll::Ready(None),
                    Poll::Pending => return Poll::Pending,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::BuildError;
    use std::sync::{Arc, Mutex};

    /// A fake service: answers each request with the next scripted page, recording the
    /// token and page size it was sent with.
    #[derive(Clone, Default)]
    struct Service {
        pages: Arc<Mutex<VecDeque<Result<Page, ()>>>>,
        requests: Arc<Mutex<Vec<Request>>>,
    }

    /// The token and page size a request was sent with.
    type Request = (Option<String>, Option<i32>);

    #[derive(Debug, PartialEq)]
    struct Page {
        next: Option<String>,
        items: Vec<u32>,
    }

    #[derive(Clone, Default)]
    struct ListInput {
        token: Option<String>,
        size: Option<i32>,
    }

    impl Paginated for ListInput {
        type Client = Service;
        type Output = Page;
        type Error = ();
        type Token = String;

        fn send(self, client: &Service) -> impl Future<Output = Result<Page, SdkError<()>>> + Send {
            let client = client.clone();
            async move {
                client
                    .requests
                    .lock()
                    .unwrap()
                    .push((self.token, self.size));
                match client.pages.lock().unwrap().pop_front() {
                    Some(Ok(page)) => Ok(page),
                    _ => Err(SdkError::Construction(BuildError::missing("Page"))),
                }
            }
        }
        fn token(&self) -> Option<&String> {
            self.token.as_ref()
        }
        fn set_token(&mut self, token: Option<String>) {
            self.token = token;
        }
        fn set_page_size(&mut self, size: i32) {
            self.size = Some(size);
        }
        fn next_token(output: &Page) -> Option<&String> {
            output.next.as_ref()
        }
    }

    impl PaginatedItems for ListInput {
        type Item = u32;
        fn items(output: Page) -> Vec<u32> {
            output.items
        }
    }

    fn service(pages: Vec<Result<Page, ()>>) -> Service {
        let service = Service::default();
        service.pages.lock().unwrap().extend(pages);
        service
    }

    fn page(next: Option<&'static str>, items: &[u32]) -> Result<Page, ()> {
        Ok(Page {
            next: next.map(str::to_owned),
            items: items.to_vec(),
        })
    }

    /// The fake service never waits, so polling to completion needs no executor.
    fn block_on<F: Future>(future: F) -> F::Output {
        let mut future = std::pin::pin!(future);
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        loop {
            if let std::task::Poll::Ready(output) = future.as_mut().poll(&mut cx) {
                return output;
            }
        }
    }

    async fn all_items(service: &Service) -> Vec<Result<u32, ()>> {
        let mut items = Paginator::new(service.clone(), ListInput::default()).items();
        let mut seen = Vec::new();
        while let Some(item) = items.next_item().await {
            seen.push(item.map_err(|_| ()));
        }
        seen
    }

    #[test]
    fn follows_tokens_until_one_is_absent() {
        let service = service(vec![
            page(Some("a"), &[1, 2]),
            page(Some("b"), &[]),
            page(None, &[3]),
            page(None, &[99]),
        ]);
        assert_eq!(block_on(all_items(&service)), vec![Ok(1), Ok(2), Ok(3)]);
        let tokens: Vec<_> = service
            .requests
            .lock()
            .unwrap()
            .iter()
            .map(|r| r.0.clone())
            .collect();
        assert_eq!(tokens, [None, Some("a".into()), Some("b".into())]);
    }

    #[test]
    fn stops_on_a_repeated_or_empty_token() {
        let repeated = service(vec![
            page(Some("a"), &[1]),
            page(Some("a"), &[2]),
            page(None, &[9]),
        ]);
        assert_eq!(block_on(all_items(&repeated)), vec![Ok(1), Ok(2)]);
        let empty = service(vec![page(Some(""), &[1]), page(None, &[9])]);
        assert_eq!(block_on(all_items(&empty)), vec![Ok(1)]);
    }

    #[test]
    fn an_error_ends_the_pages() {
        let service = service(vec![page(Some("a"), &[1]), Err(()), page(None, &[9])]);
        assert_eq!(block_on(all_items(&service)), vec![Ok(1), Err(())]);
        let mut pages = Paginator::new(service.clone(), ListInput::default());
        assert!(block_on(pages.next_page()).is_some_and(|p| p.is_ok()));
        assert!(block_on(pages.next_page()).is_none());
    }

    #[test]
    fn map_tokens_are_empty_when_they_have_no_entries() {
        let key = BTreeMap::from([("id".to_owned(), 7)]);
        assert!(!PageToken::is_empty(&key));
        assert!(PageToken::is_empty(&BTreeMap::<String, i32>::new()));
        assert!(PageToken::is_empty(&Vec::<u8>::new()));
        assert!(PageToken::is_empty(&String::new()));
    }

    #[test]
    fn page_size_is_sent_with_every_request() {
        let service = service(vec![page(Some("a"), &[1]), page(None, &[2])]);
        let mut pages = Paginator::new(service.clone(), ListInput::default()).page_size(5);
        while block_on(pages.next_page()).is_some() {}
        let sizes: Vec<_> = service
            .requests
            .lock()
            .unwrap()
            .iter()
            .map(|r| r.1)
            .collect();
        assert_eq!(sizes, [Some(5), Some(5)]);
    }

    #[test]
    fn try_collect_gathers_every_page_or_the_first_error() {
        let service_ok = service(vec![page(Some("a"), &[1, 2]), page(None, &[3])]);
        let items = block_on(
            Paginator::new(service_ok, ListInput::default())
                .items()
                .try_collect(),
        );
        assert_eq!(items.ok(), Some(vec![1, 2, 3]));
        let failing = service(vec![page(Some("a"), &[1]), Err(()), page(None, &[9])]);
        let pages = block_on(Paginator::new(failing.clone(), ListInput::default()).try_collect());
        assert!(pages.is_err());
        assert_eq!(failing.requests.lock().unwrap().len(), 2);
    }

    #[cfg(feature = "stream")]
    #[test]
    fn pages_and_items_are_streams() {
        use futures_core::Stream;

        fn drain<S: Stream + Unpin>(mut stream: S) -> Vec<S::Item> {
            let mut items = Vec::new();
            while let Some(item) = block_on(std::future::poll_fn(|cx| {
                std::pin::Pin::new(&mut stream).poll_next(cx)
            })) {
                items.push(item);
            }
            items
        }

        let pages = service(vec![
            page(Some("a"), &[1, 2]),
            page(Some("b"), &[]),
            page(None, &[3]),
        ]);
        let paginator = Paginator::new(pages.clone(), ListInput::default());
        let items: Vec<_> = drain(paginator.items().into_stream())
            .into_iter()
            .map(|item| item.map_err(|_| ()))
            .collect();
        assert_eq!(items, vec![Ok(1), Ok(2), Ok(3)]);

        let failing = service(vec![page(Some("a"), &[1]), Err(()), page(None, &[9])]);
        let pages = drain(Paginator::new(failing, ListInput::default()).into_stream());
        assert_eq!(pages.len(), 2, "the stream ends after the error");
        assert!(pages[0].is_ok() && pages[1].is_err());
    }
}
