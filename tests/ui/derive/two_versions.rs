use precond::Versioned;

#[derive(Versioned)]
struct Row {
    #[versioned(version)]
    xmin: u32,
    #[versioned(version)]
    revision: u64,
}

fn main() {}
