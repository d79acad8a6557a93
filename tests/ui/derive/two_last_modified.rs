use std::time::SystemTime;

use precond::Versioned;

#[derive(Versioned)]
struct Document {
    body: String,
    #[versioned(last_modified)]
    created_at: SystemTime,
    #[versioned(last_modified)]
    updated_at: SystemTime,
}

fn main() {}
