//! Where things are: folders on this machine, addresses on the web.

use std::path::Path;

use crate::error::{Error, Field, Result};

/// A folder given by its full path ("/home/shop/backups"). A relative path
/// would mean a different folder to the CLI and to the app, which start in
/// different places, so it is refused.
pub fn folder(field: Field, text: &str) -> Result<String> {
    let t = super::text(field, text, super::TextKind::Note)?;
    if t.contains('\n') || !Path::new(&t).is_absolute() {
        return Err(Error::invalid(
            field,
            format!("{t:?} is not a full path to a folder (e.g. /home/shop/till-backups)"),
        ));
    }
    Ok(t)
}

/// An http(s) address ("https://updates.example.com/till/latest.json").
pub fn web_address(field: Field, text: &str) -> Result<String> {
    let t = text.trim();
    let bad = |why: &str| {
        Error::invalid(
            field,
            format!("{t:?} {why} (e.g. https://updates.example.com/till/latest.json)"),
        )
    };
    let url = url::Url::parse(t).map_err(|_| bad("is not a web address"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(bad("is not an http or https address"));
    }
    Ok(url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_are_full_paths() {
        assert_eq!(folder(Field::BackupDir, " /srv/b ").unwrap(), "/srv/b");
        let e = folder(Field::BackupDir, "backups").unwrap_err().to_string();
        assert!(e.contains("not a full path"), "{e}");
        assert!(folder(Field::BackupDir, "  ").is_err());
    }

    #[test]
    fn web_addresses_are_http_or_https() {
        assert_eq!(
            web_address(Field::UpdateEndpoint, "https://u.example/till.json").unwrap(),
            "https://u.example/till.json"
        );
        for bad in ["ftp://u.example/x", "u.example/x", "https://", "not a url"] {
            assert!(web_address(Field::UpdateEndpoint, bad).is_err(), "{bad}");
        }
    }
}
