//! Write the files `[tool.maturin] include = [{ from = "out-dir" }]` puts into the wheel.

use std::env;
use std::fs;
use std::path::PathBuf;

fn main() {
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let generated = out_dir.join("generated");
    fs::create_dir_all(generated.join("nested")).expect("create OUT_DIR/generated");
    fs::write(generated.join("answer.txt"), "42\n").expect("write answer.txt");
    fs::write(generated.join("nested").join("greeting.txt"), "hello from build.rs\n")
        .expect("write greeting.txt");
    fs::write(out_dir.join("not-included.log"), "left out of the wheel\n").expect("write log");
    println!("cargo:rerun-if-changed=build.rs");
}
