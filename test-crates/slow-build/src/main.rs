fn main() {
    println!("slow-build never gets this far in tests");
}
