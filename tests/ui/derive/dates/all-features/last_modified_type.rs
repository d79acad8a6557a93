// Rustc lists the types that implement `LastModified`, which depend on the `chrono` and `time`
// features: this case exists once per feature set (`../default`, `../all-features`).
use precond::Versioned;

#[derive(Versioned)]
struct Document {
    #[versioned(version)]
    revision: u64,
    #[versioned(last_modified)]
    updated_at: u64,
}

fn main() {}
