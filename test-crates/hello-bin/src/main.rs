//! A plain binary with no Python dependency; maturin ships it under `.data/scripts/`.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let who = args.first().map(String::as_str).unwrap_or("world");
    println!("Hello, {who}!");
}
