//! Signed updates through tauri-plugin-updater: `update_check` asks the
//! shop's update endpoint (the `update_endpoint` setting, a static JSON
//! manifest) for a newer version; `update_install` downloads it (progress as
//! `UpdateProgress` events), verifies its signature against the public key
//! built into the app (`plugins.updater.pubkey` in tauri.conf.json), backs
//! the store up, installs the `.deb` and restarts. At start, when the
//! `update_check` setting is on, the window hears of an offer through
//! `UpdateOffered`.
//!
//! Anything refused or failed before the package manager runs leaves the
//! installed version and the store as they were; the window shows the
//! reason (`Refusal`). How the plugin installs a `.deb` is in ARCHITECTURE.md
//! ("Updates").

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Manager, State, Url};
use tauri_plugin_updater::{Error as PluginError, Update, UpdaterExt};
use till_core::Store;

use crate::events::{emit, UpdateOffered, UpdateProgress};
use crate::state::{blocking, AppState, Res, UiError};

/// A newer version the endpoint offers.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct UpdateOffer {
    pub version: String,
    /// What is new, as the release's manifest words it.
    pub notes: Option<String>,
    /// When it was published (RFC 3339), if the manifest says.
    pub date: Option<String>,
}

impl UpdateOffer {
    fn of(update: &Update) -> Self {
        UpdateOffer {
            version: update.version.clone(),
            notes: update.body.clone().filter(|n| !n.trim().is_empty()),
            // As the manifest wrote it (`pub_date`, RFC 3339).
            date: update
                .raw_json
                .get("pub_date")
                .and_then(|d| d.as_str())
                .map(str::to_string),
        }
    }
}

/// The update last found, kept so "Install" installs what the window
/// showed, and whether one is being installed.
#[derive(Default)]
pub struct Pending(Mutex<Option<Update>>, AtomicBool);

impl Pending {
    fn set(&self, update: Option<Update>) {
        if let Ok(mut p) = self.0.lock() {
            *p = update;
        }
    }

    fn offer(&self) -> Option<UpdateOffer> {
        self.0
            .lock()
            .ok()
            .and_then(|p| p.as_ref().map(UpdateOffer::of))
    }

    fn take(&self) -> Option<Update> {
        self.0.lock().ok().and_then(|mut p| p.take())
    }
}

/// Why an update was not found or not installed, in the window's words.
#[derive(Debug)]
enum Refusal {
    NoEndpoint,
    BadEndpoint(String),
    NotFromPackage,
    NoNewerVersion,
    CheckFailed(String),
    BadSignature(String),
    DownloadFailed(String),
    BackupFailed(String),
    InstallFailed(String),
}

impl From<Refusal> for UiError {
    fn from(r: Refusal) -> Self {
        tracing::warn!(refusal = ?r, "update refused");
        let (code, message) = match r {
            Refusal::NoEndpoint => (
                "update_no_endpoint",
                "No update address is set: set one in Settings (update endpoint).".to_string(),
            ),
            Refusal::BadEndpoint(why) => (
                "update_bad_endpoint",
                format!("The update address cannot be used: {why}."),
            ),
            Refusal::NotFromPackage => (
                "update_not_packaged",
                "This copy of Till was not installed from its .deb package, so it cannot update \
                 itself: install the new version's package instead."
                    .to_string(),
            ),
            Refusal::NoNewerVersion => (
                "update_not_newer",
                "No newer version is offered: Till is up to date.".to_string(),
            ),
            Refusal::CheckFailed(why) => (
                "update_check_failed",
                format!("Could not check for updates: {why}."),
            ),
            Refusal::BadSignature(why) => (
                "update_bad_signature",
                format!(
                    "The update was refused: its signature does not match Till's key ({why}). \
                     Nothing was installed."
                ),
            ),
            Refusal::DownloadFailed(why) => (
                "update_download_failed",
                format!("The update could not be downloaded: {why}. Nothing was installed."),
            ),
            Refusal::BackupFailed(why) => (
                "update_backup_failed",
                format!(
                    "The store could not be backed up, so the update was not installed: {why}."
                ),
            ),
            Refusal::InstallFailed(why) => (
                "update_install_failed",
                format!("The update could not be installed: {why}. This version stays installed."),
            ),
        };
        UiError::new(code, message)
    }
}

/// Errors of the signature check, wherever the plugin met them.
fn signature_error(e: &PluginError) -> bool {
    matches!(
        e,
        PluginError::Minisign(_)
            | PluginError::Base64(_)
            | PluginError::SignatureUtf8(_)
            | PluginError::SignedVersionMismatch { .. }
            | PluginError::MissingSignedVersion
    )
}

fn check_error(e: PluginError) -> Refusal {
    match e {
        PluginError::InsecureTransportProtocol => {
            Refusal::BadEndpoint("it must start with https://".into())
        }
        PluginError::TargetsNotFound(keys) => Refusal::CheckFailed(format!(
            "the manifest offers no package for this system (looked for {})",
            keys.join(", ")
        )),
        PluginError::ReleaseNotFound => {
            Refusal::CheckFailed("the update address did not answer with a manifest".into())
        }
        PluginError::Serialization(e) => {
            Refusal::CheckFailed(format!("the manifest cannot be read ({e})"))
        }
        PluginError::Semver(e) => {
            Refusal::CheckFailed(format!("the manifest's version cannot be read ({e})"))
        }
        e => Refusal::CheckFailed(e.to_string()),
    }
}

fn download_error(e: PluginError) -> Refusal {
    if signature_error(&e) {
        Refusal::BadSignature(e.to_string())
    } else {
        Refusal::DownloadFailed(e.to_string())
    }
}

fn install_error(e: PluginError) -> Refusal {
    match e {
        e if signature_error(&e) => Refusal::BadSignature(e.to_string()),
        PluginError::InvalidUpdaterFormat => {
            Refusal::InstallFailed("the download is not a .deb package".into())
        }
        PluginError::AuthenticationFailed | PluginError::PackageInstallFailed => {
            Refusal::InstallFailed(
                "the package manager (dpkg, through pkexec or sudo) refused or was not allowed \
                 to install it"
                    .into(),
            )
        }
        e => Refusal::InstallFailed(e.to_string()),
    }
}

/// The plugin installs a `.deb` update only when this binary is the one the
/// `.deb` bundler marked as such (`tauri build` patches a marker into the
/// binary it packages); any other copy would be handled as an AppImage.
fn installed_from_deb() -> bool {
    matches!(
        tauri::utils::platform::bundle_type(),
        Some(tauri::utils::config::BundleType::Deb)
    )
}

/// The update settings: whether to check at start, and the endpoint.
fn update_settings(store: &Store) -> (bool, Option<String>) {
    let s = store.settings();
    (s.update_check, s.update_endpoint.clone())
}

/// Asks the endpoint for a newer version.
async fn find(app: &AppHandle, endpoint: Option<String>) -> Result<Option<Update>, Refusal> {
    let endpoint = endpoint
        .filter(|e| !e.trim().is_empty())
        .ok_or(Refusal::NoEndpoint)?;
    let url = Url::parse(endpoint.trim()).map_err(|e| Refusal::BadEndpoint(e.to_string()))?;
    if !installed_from_deb() {
        return Err(Refusal::NotFromPackage);
    }
    let updater = app
        .updater_builder()
        .endpoints(vec![url])
        .map_err(check_error)?
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(check_error)?;
    updater.check().await.map_err(check_error)
}

async fn endpoint(state: &AppState) -> Res<Option<String>> {
    state.run(|s| Ok(update_settings(s).1)).await
}

/// Asks the update endpoint for a newer version: the offer, or none when
/// this version is the newest.
#[tauri::command]
#[specta::specta]
pub async fn update_check(
    app: AppHandle,
    state: State<'_, AppState>,
    pending: State<'_, Pending>,
) -> Res<Option<UpdateOffer>> {
    let update = find(&app, endpoint(&state).await?).await?;
    let offer = update.as_ref().map(UpdateOffer::of);
    pending.set(update);
    Ok(offer)
}

/// The update the check at start (or the last check) found, if any; asks
/// nothing of the network. The window asks on start, in case the check
/// finished before it listened for `UpdateOffered`.
#[tauri::command]
#[specta::specta]
pub async fn update_offered(pending: State<'_, Pending>) -> Res<Option<UpdateOffer>> {
    Ok(pending.offer())
}

/// Downloads the offered update, verifies its signature, backs the store
/// up, installs the package and restarts into the new version. Returns only
/// when something refused it (the window shows why); on success the app
/// restarts instead.
#[tauri::command]
#[specta::specta]
pub async fn update_install(
    app: AppHandle,
    state: State<'_, AppState>,
    pending: State<'_, Pending>,
) -> Res<()> {
    // A second click while one install runs must not start another.
    if pending.1.swap(true, Ordering::SeqCst) {
        return Err(UiError::new(
            "update_busy",
            "The update is being installed already.",
        ));
    }
    let outcome = install(&app, &state, &pending).await;
    pending.1.store(false, Ordering::SeqCst);
    outcome
}

async fn install(app: &AppHandle, state: &AppState, pending: &Pending) -> Res<()> {
    let update = match pending.take() {
        Some(u) => u,
        None => find(app, endpoint(state).await?)
            .await?
            .ok_or(Refusal::NoNewerVersion)?,
    };
    let bytes = download(app, &update).await?;
    backup_before_install(state).await?;
    tracing::info!(version = %update.version, "installing the update");
    blocking(move || {
        // Verifies the signature once more, then runs dpkg -i.
        update.install(&bytes).map_err(|e| install_error(e).into())
    })
    .await?;
    tracing::info!("update installed; restarting");
    app.restart()
}

/// Downloads and verifies the update, telling the window how far it is (at
/// most every 100 ms, and at the end).
async fn download(app: &AppHandle, update: &Update) -> Result<Vec<u8>, Refusal> {
    let mut downloaded: u64 = 0;
    let mut last = Instant::now() - Duration::from_secs(1);
    let on_chunk = |chunk: usize, total: Option<u64>| {
        downloaded += chunk as u64;
        if last.elapsed() >= Duration::from_millis(100) || Some(downloaded) == total {
            last = Instant::now();
            emit(app, UpdateProgress { downloaded, total });
        }
    };
    update
        .download(on_chunk, || {})
        .await
        .map_err(download_error)
}

/// A backup of the store before the package manager runs.
async fn backup_before_install(state: &AppState) -> Result<(), Refusal> {
    // Into the backup folder (pruned to `backup_keep`), like any other.
    let backup = state
        .run(|s| s.backup(None))
        .await
        .map_err(|e| Refusal::BackupFailed(e.message))?;
    tracing::info!(path = %backup.path.display(), "store backed up before the update");
    Ok(())
}

/// At start, when the setting is on and an endpoint is set: asks for a
/// newer version in the background and tells the window when one is
/// offered. A failed check is logged, never shown at the counter.
pub fn check_at_start(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        let settings = state.run(|s| Ok(update_settings(s))).await;
        let endpoint = match settings {
            Ok((true, Some(endpoint))) => endpoint,
            _ => return,
        };
        match find(&app, Some(endpoint)).await {
            Ok(Some(update)) => {
                let offer = UpdateOffer::of(&update);
                tracing::info!(version = %offer.version, "an update is offered");
                app.state::<Pending>().set(Some(update));
                emit(&app, UpdateOffered(offer));
            }
            Ok(None) => tracing::info!("no newer version offered"),
            Err(why) => tracing::warn!(?why, "update check at start failed"),
        }
    });
}
