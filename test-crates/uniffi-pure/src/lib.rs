//! uniffi proc-macro bindings: no UDL file, no build script.

uniffi::setup_scaffolding!();

/// Add two unsigned integers; errors are not involved.
#[uniffi::export]
pub fn add(a: u32, b: u32) -> u32 {
    a.wrapping_add(b)
}

/// Greet someone by name.
#[uniffi::export]
pub fn hello(name: String) -> String {
    format!("Hello, {name}!")
}
