// A type without `#[derive(Versioned)]` used where validators are needed.
use precond::Versioned;

struct Document {
    body: String,
}

fn current_validators<T: Versioned>(resource: &T) -> precond::Validators {
    resource.validators()
}

fn main() {
    let doc = Document {
        body: String::new(),
    };
    let _ = current_validators(&doc);
}
