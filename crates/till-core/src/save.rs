//! Writing a file whole or not at all, for every file Till writes where
//! the user asks (PDFs, CSV exports, purchase orders, catalogs).

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

/// Writes `bytes` to `path` whole or not at all: into a temporary file in
/// the same folder, synced, then renamed over `path`, so a reader never
/// sees half a file and a failure leaves any old file as it was. A path
/// that cannot be written is an error naming it.
pub fn save_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let fail = |why: String| Error::FileWrite {
        path: path.to_path_buf(),
        reason: why,
    };
    if path.as_os_str().is_empty() {
        return Err(fail("no file name given".into()));
    }
    if path.is_dir() {
        return Err(fail("it is a folder".into()));
    }
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".till-")
        .suffix(".tmp")
        .tempfile_in(&folder)
        .map_err(|e| fail(format!("cannot write in {}: {e}", folder.display())))?;
    // A temporary file is private (0600); the saved one reads as any
    // document the user saves.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .map_err(|e| fail(e.to_string()))?;
    }
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| fail(e.to_string()))?;
    tmp.persist(path).map_err(|e| fail(e.error.to_string()))?;
    Ok(())
}
