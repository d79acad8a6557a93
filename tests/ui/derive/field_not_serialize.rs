use precond::Versioned;

struct Thumbnail(Vec<u8>);

#[derive(Versioned)]
struct Document {
    body: String,
    thumbnail: Thumbnail,
}

fn main() {}
