// Bounds are added only for type parameters of hashed (or version, or date) fields.
use std::marker::PhantomData;

use precond::Versioned;

struct NotSerialize;

#[derive(Versioned)]
struct Page<'a, T, C: ?Sized, const N: usize>
where
    T: Clone,
{
    items: [T; N],
    title: &'a str,
    #[versioned(skip)]
    cache: PhantomData<C>,
}

#[derive(Versioned)]
struct ByVersion<V, Rest> {
    #[versioned(version)]
    version: V,
    rest: Rest,
}

#[derive(Versioned)]
enum Either<L, R, D> {
    Left(L),
    Right {
        value: R,
        #[versioned(last_modified, skip)]
        at: D,
    },
}

fn assert_versioned<T: Versioned>() {}

fn main() {
    assert_versioned::<Page<'static, u8, NotSerialize, 3>>();
    assert_versioned::<Page<'static, u8, str, 3>>();
    assert_versioned::<ByVersion<u64, NotSerialize>>();
    assert_versioned::<Either<u8, String, Option<std::time::SystemTime>>>();
}
