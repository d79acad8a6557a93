use std::collections::{HashMap, HashSet};

use precond::Versioned;

#[derive(Versioned)]
struct Document {
    labels: HashMap<String, String>,
    tags: Option<std::collections::HashSet<String>>,
    history: Vec<(u64, HashMap<String, u64>)>,
    // Not hashed: allowed.
    #[versioned(skip)]
    cache: HashSet<u64>,
}

#[derive(Versioned)]
enum Index {
    Sparse(HashSet<u64>),
}

fn main() {}
