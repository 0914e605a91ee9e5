// A build script that takes far longer than any test waits, and starts a grandchild process
// of cargo, so that cancelling must stop cargo's whole process tree, not just cargo.
use std::process::Command;
use std::time::Duration;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:warning=slow-build: build script started, sleeping");
    let mut child = Command::new("sleep").arg("600").spawn().expect("start sleep");
    std::thread::sleep(Duration::from_secs(600));
    let _ = child.wait();
}
