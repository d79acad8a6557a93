// A user with three typos fixes them in one compile: every error is reported.
use std::time::SystemTime;

use precond::Versioned;

#[derive(Versioned)]
#[versioned(weka)]
struct Document {
    #[versioned(skp)]
    views: u64,
    #[versioned(lastmodified)]
    updated_at: SystemTime,
    #[versioned(updated_at)]
    created_at: SystemTime,
    #[versioned(banana)]
    body: String,
}

fn main() {}
