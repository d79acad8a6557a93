use precond::Versioned;

#[derive(Versioned)]
#[versioned(skip)]
struct Document {
    #[versioned(weak)]
    body: String,
}

#[derive(Versioned)]
enum Node {
    #[versioned(last_modified)]
    File { name: String },
    #[versioned(weak)]
    Folder,
    #[versioned(flatten)]
    Link,
}

fn main() {}
