//! Links the `runbook` executable at a fixed address on Linux. The generated bindings' static
//! schemas hold about 670,000 pointers: a position-independent executable has the loader
//! rewrite every one of them at each start (11 ms of a 12 ms `--version`, and 16 MB of
//! relocation records in the file); linked at a fixed address the linker resolves them once
//! (`--version` in 1.2 ms). The executable's own image is then not randomised; its stack,
//! heap and libraries still are.

fn main() {
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
