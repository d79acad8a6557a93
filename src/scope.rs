//! How the `#[conditional]` runtime of either framework tells `Tagged` what it needs from the
//! response being built: a thread-local [`Scope`] that the runtime's `into_response` opens
//! around turning the handler's answer into a response (synchronous code, so the thread is
//! the request's for that long), and that `Tagged` reads with [`answering`].

use std::cell::Cell;

/// What the `#[conditional]` runtime needs from the `Tagged` responses built while it turns a
/// handler's answer into a response ([`Scope::enter`]); anywhere else, [`Needs::Marker`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Needs {
    /// Not under the runtime (a plain handler, or a `Tagged` turned into a response by hand):
    /// the body goes in the extensions (`TaggedBody`), which is how `finish` recognizes an
    /// answer from `Tagged` whenever it gets one.
    Marker,
    /// The answer to a request that no byte range applies to (not GET or HEAD): nothing.
    Nothing,
    /// The answer to a GET or HEAD without a single `Range` line: only to know that `Tagged`
    /// answered, for `Accept-Ranges`.
    Answered,
    /// The answer to a GET with a single `Range` line: that `Tagged` answered, and its body
    /// (`TaggedBody`) to serve the range from.
    AnsweredWithBody,
}

/// The runtime's current [`Needs`] on this thread, and whether a `Tagged` answered under it.
#[derive(Debug, Clone, Copy)]
struct State {
    needs: Needs,
    answered: bool,
}

thread_local! {
    static STATE: Cell<State> = const {
        Cell::new(State {
            needs: Needs::Marker,
            answered: false,
        })
    };
}

/// While it lives, the `Tagged` responses built on this thread are built for what the runtime
/// [`Needs`]; then (even on a panic) the thread is back to what it was.
///
/// The runtime's `into_response` is the only place that knows both the request (its method,
/// its `Range`) and the handler's answer, but it takes any `IntoResponse` (axum) or `Responder` (actix-web): this is how it tells
/// `Tagged` what to do, so that the common answer carries no extension (inserting one builds a
/// map and allocates, and `finish` had to take it out again, on every 200).
pub(crate) struct Scope {
    previous: State,
}

impl Scope {
    #[inline]
    pub(crate) fn enter(needs: Needs) -> Self {
        let previous = STATE.replace(State {
            needs,
            answered: false,
        });
        Self { previous }
    }

    /// Whether a `Tagged` answered a GET or HEAD in this scope, which ends.
    #[inline]
    pub(crate) fn answered(self) -> bool {
        STATE.get().answered
    }
}

impl Drop for Scope {
    #[inline]
    fn drop(&mut self) {
        STATE.set(self.previous);
    }
}

/// What the runtime needs from the `Tagged` response being built on this thread; records that
/// a `Tagged` answered, when that is what the runtime asked.
#[inline]
pub(crate) fn answering() -> Needs {
    let needs = STATE.get().needs;
    if matches!(needs, Needs::Answered | Needs::AnsweredWithBody) {
        STATE.set(State {
            needs,
            answered: true,
        });
    }
    needs
}

impl Needs {
    /// What a request needs from `Tagged`: its body for a GET with a single `Range` line (to
    /// serve the range from), only to know that it answered for any other GET or a HEAD (for
    /// `Accept-Ranges`), nothing for other methods.
    #[inline]
    pub(crate) fn of(get: bool, head: bool, single_range: bool) -> Needs {
        match (get, head) {
            (true, _) if single_range => Needs::AnsweredWithBody,
            (true, _) | (_, true) => Needs::Answered,
            _ => Needs::Nothing,
        }
    }
}

/// The request may proceed; remembers whether its `Range` must be ignored (an `If-Range` that
/// does not match). What `check` gives the generated handler for `finish`, in both frameworks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub struct Proceed {
    pub(crate) ignore_range: bool,
}
