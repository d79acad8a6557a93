use precond::Versioned;

#[derive(Versioned)]
struct Document {
    #[versioned(version)]
    revision: f64,
    body: String,
}

fn main() {}
