use precond::Versioned;

#[derive(Versioned)]
struct Document {
    #[versioned(verison)]
    revision: u64,
    body: String,
}

fn main() {
    // The derive still implements `Versioned` when it reports an error, so this line adds no
    // second error: the typo above is all the user sees.
    fn requires_versioned<T: Versioned>() {}
    requires_versioned::<Document>();
}
