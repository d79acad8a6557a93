use precond::Versioned;

#[derive(Versioned)]
enum Resource {
    Document {
        #[versioned(version)]
        revision: u64,
        body: String,
    },
    Folder {
        name: String,
    },
}

fn main() {}
