//! No code: this crate only names dependencies with the features every
//! Till build uses (see its Cargo.toml).
