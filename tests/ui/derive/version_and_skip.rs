use precond::Versioned;

#[derive(Versioned)]
struct Row {
    #[versioned(version, skip)]
    xmin: u32,
    body: String,
}

fn main() {}
