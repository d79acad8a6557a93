//! `precond-probe URL [--write] [--missing URL] [--header 'Name: value']... [--json] [--must-only]`
//!
//! Checks an origin server's conditional requests (RFC 9110 §8.8, §13, §14.2, §15.4.5) from
//! outside, the "how to debug a 412" checklist automated. Read checks are always safe; write
//! checks (`--write`) change the resource only by writing back the representation it read, so
//! its content ends as it began. One line per check; exit 1 when a MUST or SHOULD check fails
//! (`--must-only`: only MUSTs).

mod checks;
mod wire;

use std::process::ExitCode;

use checks::{Level, Outcome, Probe};

const USAGE: &str = "usage: precond-probe URL [--write] [--missing URL] [--header 'Name: value']... [--json] [--must-only]

  URL            an http:// URL of a resource that exists (a GET answers 200)
  --write        also check writes (PUT and DELETE with preconditions); the resource is only
                 ever written with the representation read, and never deleted by a passing check
  --missing URL  a URL of the same kind that does not exist (default: URL with a suffix)
  --header H     a header for every request (authentication...), repeatable
  --json         the results as JSON
  --must-only    exit 1 only when a MUST check fails (by default also SHOULD)";

struct Args {
    url: String,
    write: bool,
    missing: Option<String>,
    headers: Vec<(String, String)>,
    json: bool,
    must_only: bool,
}

fn args() -> Result<Args, String> {
    let mut args = Args {
        url: String::new(),
        write: false,
        missing: None,
        headers: Vec::new(),
        json: false,
        must_only: false,
    };
    let mut given = std::env::args().skip(1);
    while let Some(arg) = given.next() {
        match arg.as_str() {
            "--write" => args.write = true,
            "--json" => args.json = true,
            "--must-only" => args.must_only = true,
            "--missing" => args.missing = Some(given.next().ok_or("--missing needs a URL")?),
            "--header" | "-H" => {
                let header = given.next().ok_or("--header needs 'Name: value'")?;
                let (name, value) = header
                    .split_once(':')
                    .ok_or(format!("--header {header:?}: expected 'Name: value'"))?;
                let name = name.trim();
                if name.is_empty()
                    || !name
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
                {
                    return Err(format!("--header {header:?}: invalid name"));
                }
                if value.bytes().any(|b| b == b'\r' || b == b'\n') {
                    return Err(format!(
                        "--header {header:?}: a value cannot hold a line break"
                    ));
                }
                args.headers
                    .push((name.to_owned(), value.trim().to_owned()));
            }
            "-h" | "--help" => return Err(USAGE.to_owned()),
            url if !url.starts_with('-') && args.url.is_empty() => args.url = url.to_owned(),
            other => return Err(format!("unknown argument {other}\n\n{USAGE}")),
        }
    }
    if args.url.is_empty() {
        return Err(USAGE.to_owned());
    }
    Ok(args)
}

fn main() -> ExitCode {
    let args = match args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let target = match wire::Target::parse(&args.url) {
        Ok(target) => target,
        Err(message) => {
            eprintln!("precond-probe: {message}");
            return ExitCode::from(2);
        }
    };
    let missing = match args.missing.as_deref().map(wire::Target::parse).transpose() {
        Ok(missing) => missing,
        Err(message) => {
            eprintln!("precond-probe: {message}");
            return ExitCode::from(2);
        }
    };
    let mut probe = Probe::new(target, missing, args.headers);
    if let Err(message) = probe.run(args.write) {
        eprintln!("precond-probe: {message}");
        return ExitCode::from(2);
    }
    if args.json {
        println!("{}", probe.json());
    } else {
        print!("{}", probe.report());
    }
    let failed = probe.results().iter().any(|check| {
        matches!(check.outcome, Outcome::Fail(_))
            && (check.level == Level::Must || (!args.must_only && check.level == Level::Should))
    });
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
