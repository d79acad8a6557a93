// A dependency renamed in Cargo.toml (`web = { package = "precond" }`) is found through
// `#[versioned(crate = "...")]`.
extern crate precond as web;

#[derive(web::Versioned)]
#[versioned(crate = "web")]
struct Document {
    body: String,
}

#[derive(web::Versioned)]
#[versioned(crate = "::web", weak)]
enum Node {
    Leaf(#[versioned(skip)] u8),
}

fn main() {
    use web::Versioned;
    let _ = Document {
        body: String::new(),
    }
    .etag();
    let _ = Node::Leaf(0).etag();
}
