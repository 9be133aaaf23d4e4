//! The window's contract: every command (the list in `command_list.rs`)
//! and every event, with the TypeScript the UI calls them through,
//! generated from the Rust types into `ui/src/lib/bindings.ts`. A test
//! fails when that file is stale; `TILL_WRITE_BINDINGS=1 cargo test -p
//! till-desktop --lib --features tauri/custom-protocol bindings` writes it
//! (the feature only keeps Tauri's build the one the workspace uses).

use tauri_specta::{collect_events, Builder, ErrorHandlingMode};

use crate::events::{
    CatalogChanged, CatalogImportProgress, MiningProgress, OrdersChanged, PricesChanged,
    QueueChanged, ReferralsChanged, SettingsChanged, UpdateOffered, UpdateProgress,
};
use crate::state::UiError;
#[allow(unused_imports)] // the paths in command_list.rs name these modules
use crate::{
    about, audit, backups, bundles, catalog_io, commands, counts, email, plans, printing,
    purchasing, ready, receipts, referrals, reports, settings, shifts, staff, updates,
};

/// The commands and events of the window.
pub fn builder() -> Builder<tauri::Wry> {
    // command_list.rs is one call of this macro.
    macro_rules! window_commands {
        ($($command:tt)*) => {
            tauri_specta::collect_commands![$($command)*]
        };
    }
    Builder::<tauri::Wry>::new()
        .commands(include!("command_list.rs"))
        .events(collect_events![
            OrdersChanged,
            CatalogChanged,
            PricesChanged,
            ReferralsChanged,
            MiningProgress,
            CatalogImportProgress,
            SettingsChanged,
            UpdateProgress,
            UpdateOffered,
            QueueChanged
        ])
        // One shape per type: what Rust sends and what it takes are the same
        // (an optional field of a form is `T | null`, always given).
        .disable_serde_phases()
        // A command resolves with its result or rejects: with a `UiError`
        // when the handler failed, with a bare string when Tauri refused
        // the call (`toUiError` in ui/src/lib/errors.ts takes either).
        .error_handling(ErrorHandlingMode::Throw)
        .typ::<UiError>()
        // Ids, quantities and counts are far below 2^53: plain numbers.
        .dangerously_cast_bigints_to_number()
}

#[cfg(test)]
mod tests {
    use super::*;
    use specta_typescript::Typescript;

    /// The committed bindings, relative to the workspace root.
    const PATH: &str = "ui/src/lib/bindings.ts";

    fn exporter() -> Typescript {
        Typescript::default().header(
            "// Regenerate: TILL_WRITE_BINDINGS=1 cargo test -p till-desktop --lib --features tauri/custom-protocol bindings",
        )
    }

    fn generated() -> String {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("bindings.ts");
        builder()
            .export(exporter(), &path)
            .expect("the bindings export");
        std::fs::read_to_string(&path).expect("the exported bindings")
    }

    #[test]
    fn the_committed_bindings_are_current() {
        let committed_path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(PATH);
        let fresh = generated();
        if std::env::var_os("TILL_WRITE_BINDINGS").is_some() {
            std::fs::write(&committed_path, &fresh).expect("writing the bindings");
            return;
        }
        let committed = std::fs::read_to_string(&committed_path).unwrap_or_default();
        assert!(
            committed == fresh,
            "{PATH} is stale: run `TILL_WRITE_BINDINGS=1 cargo test -p till-desktop --lib --features tauri/custom-protocol bindings` and commit it"
        );
    }
}
