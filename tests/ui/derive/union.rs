use precond::Versioned;

#[derive(Versioned)]
union Bits {
    int: u64,
    float: f64,
}

fn main() {}
