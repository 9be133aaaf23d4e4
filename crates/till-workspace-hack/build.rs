// A build script, so that the build-dependencies hakari lists (features of
// crates used by proc-macros and build scripts) take part in the build.
fn main() {}
