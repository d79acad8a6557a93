// The generated code names everything by absolute path: it compiles in a module without the
// prelude, next to items that shadow every name it uses.
#![no_implicit_prelude]

#[allow(dead_code)]
mod shadowing {
    struct Option;
    struct SystemTime;
    struct ETag;
    struct StableHasher;
    trait Serialize {}
    trait LastModified {}
    trait VersionTag {}
    trait Versioned {}
    mod precond {}

    #[derive(::precond::Versioned)]
    struct Document<T> {
        title: ::std::string::String,
        items: ::std::vec::Vec<T>,
        #[versioned(last_modified)]
        at: ::std::option::Option<::std::time::SystemTime>,
    }

    #[derive(::precond::Versioned)]
    #[versioned(weak)]
    enum Node {
        File(::std::string::String, u64),
        Folder {
            #[versioned(last_modified)]
            at: ::std::time::SystemTime,
        },
        Gone,
    }

    #[derive(::precond::Versioned)]
    struct Row(#[versioned(version)] u64);
}

fn main() {}
