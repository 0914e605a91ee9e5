//! Print the answer computed by the shared library (no Python involved).

fn main() {
    println!("answer: {}", bin_sibling_shared::answer());
}
