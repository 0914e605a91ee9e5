//! `cargo run --bin uniffi-bindgen -- generate ...`, as uniffi's documentation sets it up.

fn main() {
    uniffi::uniffi_bindgen_main()
}
