//! Where Till keeps its store when no file is named: one answer for every
//! front end, so the app and `till` always open the same shop.

use std::ffi::OsString;
use std::path::PathBuf;

use crate::error::{Error, Result};

/// The environment variable naming the store file.
pub const ENV: &str = "TILL_DB";

/// The store file inside the user's data folder.
pub const IN_DATA_DIR: [&str; 2] = ["till", "till.db"];

/// The default store: `$TILL_DB` when set and not empty, else
/// `till/till.db` in the user's data folder (`$XDG_DATA_HOME`, else
/// `~/.local/share` on Linux; `~/Library/Application Support` on macOS;
/// `%APPDATA%` on Windows).
pub fn default_path() -> Result<PathBuf> {
    resolve(std::env::var_os(ENV), dirs::data_dir())
}

/// `default_path` with the environment passed in: the variable's value and
/// the user's data folder, either possibly missing.
pub fn resolve(till_db: Option<OsString>, data_dir: Option<PathBuf>) -> Result<PathBuf> {
    if let Some(p) = till_db.filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    let dir = data_dir.ok_or_else(|| {
        Error::invalid(
            "store path",
            format!("this system has no user data folder: set {ENV} to the store file (or pass --db PATH)"),
        )
    })?;
    Ok(IN_DATA_DIR.iter().fold(dir, |p, part| p.join(part)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn till_db_wins_when_set() {
        let p = resolve(
            Some("/srv/shop.db".into()),
            Some("/home/ann/.local/share".into()),
        );
        assert_eq!(p.unwrap(), PathBuf::from("/srv/shop.db"));
    }

    #[test]
    fn else_the_file_in_the_data_folder() {
        for till_db in [None, Some(OsString::new())] {
            let p = resolve(till_db, Some("/home/ann/.local/share".into()));
            assert_eq!(
                p.unwrap(),
                PathBuf::from("/home/ann/.local/share/till/till.db")
            );
        }
    }

    #[test]
    fn no_data_folder_and_no_till_db_says_what_to_set() {
        let e = resolve(None, None).unwrap_err();
        assert!(e.to_string().contains("TILL_DB"), "{e}");
    }
}
