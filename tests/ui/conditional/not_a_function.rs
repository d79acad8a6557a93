// `#[conditional]` goes on handler functions only.
use precond::conditional;

#[conditional(require = "If-Match")]
struct Document {
    version: u64,
}

#[conditional]
const LIMIT: usize = 3;

#[conditional]
impl Document {
    async fn get() {}
}

fn main() {
    let _ = Document { version: LIMIT as u64 };
}
