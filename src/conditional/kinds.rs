//! The answer kinds of the generated code, once for both adapters: which of `Tagged` (built
//! for what the request needs) or any other value (through the framework's own trait) the
//! handler returned, picked at compile time by autoref specialization.
//!
//! The generated code calls `(&value).__precond_kind().answer(value, &request, current)`:
//! [`AnswerTagged`] is implemented for `Tagged<T>` and `Result<Tagged<T>, E>` themselves, and
//! [`AnswerOther`] for every `&R`, one reference further, so method resolution finds the first
//! when it applies. What differs by framework (the error bound of `Result<Tagged, E>`, how any
//! other value becomes a response) is written in each adapter beside this macro's call.
//!
//! [`AnswerTagged`]: crate::__private::axum::AnswerTagged
//! [`AnswerOther`]: crate::__private::axum::AnswerOther

/// Defines `Answer`, `TaggedKind`, `OtherKind`, `AnswerTagged`, `AnswerOther`, `IntoTagged` (for
/// `Tagged<T>`), `other` and `TaggedKind::answer` in an adapter's runtime module, over the
/// names in scope there: `Response`, `Bytes`, `Tagged`, `ConditionalRequest`, and `exchange`
/// (the request as the framework-free plan sees it). `$other` names the framework's trait for
/// other values, for the docs.
macro_rules! answer_kinds {
    ($other:literal) => {
        /// The handler's value as a response, and whether `Tagged` built it (`Answered`).
        #[derive(Debug)]
        pub struct Answer {
            response: Response,
            tagged: $crate::conditional::Answered<Bytes>,
        }

        /// The kind of answer of `Tagged` and `Result<Tagged, E>`, picked by the generated
        /// code with [`AnswerTagged::__precond_kind`] over [`AnswerOther`]'s (autoref
        /// specialization): built for what the request needs, with the checked validators on a
        /// GET or HEAD.
        pub struct TaggedKind;

        #[doc = concat!("The kind of answer of any other value: through `", $other, "`.")]
        pub struct OtherKind;

        /// The method that picks [`TaggedKind`] for `Tagged` and `Result<Tagged, E>`.
        pub trait AnswerTagged {
            /// Which kind of answer this value is.
            #[inline]
            fn __precond_kind(&self) -> TaggedKind {
                TaggedKind
            }
        }

        impl<T: Versioned + Encode> AnswerTagged for Tagged<T> {}

        /// The method that picks [`OtherKind`] for every other value (found one reference
        /// later).
        pub trait AnswerOther {
            /// Which kind of answer this value is.
            #[inline]
            fn __precond_kind(&self) -> OtherKind {
                OtherKind
            }
        }

        impl<R: ?Sized> AnswerOther for &R {}

        /// `Tagged` or `Result<Tagged, E>`.
        pub trait IntoTagged {
            /// The answer for a request that needs `needs`, with `current`'s validators when
            /// given.
            fn into_tagged(
                self,
                needs: $crate::conditional::Needs,
                current: Option<&Validators>,
            ) -> Answer;
        }

        impl<T: Versioned + Encode> IntoTagged for Tagged<T> {
            #[inline]
            fn into_tagged(
                self,
                needs: $crate::conditional::Needs,
                current: Option<&Validators>,
            ) -> Answer {
                let (response, body) = self.respond(needs, current);
                Answer {
                    response,
                    tagged: $crate::conditional::Answered::Tagged(body),
                }
            }
        }

        /// A response that `Tagged` did not build.
        fn other(response: Response) -> Answer {
            Answer {
                response,
                tagged: $crate::conditional::Answered::Other,
            }
        }

        impl TaggedKind {
            /// `value`'s answer to `request`. On a GET or HEAD, `current` (the validators the
            /// check used) labels the representation, so that a hashed ETag is computed once
            /// per request.
            #[inline]
            pub fn answer<R: IntoTagged>(
                self,
                value: R,
                request: &ConditionalRequest,
                current: Option<&Validators>,
            ) -> Answer {
                let needs = exchange(request).needs();
                let current = current.filter(|_| needs != $crate::conditional::Needs::Nothing);
                value.into_tagged(needs, current)
            }
        }
    };
}

pub(crate) use answer_kinds;
