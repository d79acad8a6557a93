use precond::Versioned;

#[derive(Versioned)]
#[versioned]
#[versioned(crate)]
struct NoKeys {
    #[versioned = "skip"]
    a: u8,
    #[versioned(skip = true)]
    b: u8,
    #[versioned(skip, skip)]
    c: u8,
    #[versioned(version(u64))]
    d: u8,
}

#[derive(Versioned)]
#[versioned(crate = precond)]
struct CrateNotAString {
    a: u8,
}

#[derive(Versioned)]
#[versioned(crate = "not a path")]
#[versioned(weak, weak)]
struct CrateNotAPath {
    a: u8,
}

fn main() {}
